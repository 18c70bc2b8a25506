# ---
# jupyter:
#   jupytext:
#     default_lexer: ipython3
#     formats: md:myst,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Historical context
#
# ## Overview
#
# New technologies have always done two things to work at once: they take over
# tasks that people used to do, and they create tasks that nobody did before.
# Which of the two dominates, for whom, and how fast, is an empirical question.
# This chapter sets out the framework the book uses to read the platform data,
# the task-based model of {cite:t}`acemoglu2018race` and
# {cite:t}`acemoglu2019automation`, and reviews what earlier episodes of
# technological change, and the first studies of generative AI, found. It ends
# with the two hypotheses that the later chapters test: that Data Science &
# Analytics gains work from generative AI through the creation of new tasks, and
# that Writing and Translation lose work at the low-value end of the market.
#
# The numbers quoted on this page are published figures from the cited works,
# not estimates made by this project.
#
# ## Data used
#
# This page uses only the table of figures quoted from the literature,
# `data/literature_figures.csv` (documented in `data/literature_figures.md`).
# It reads no platform data. Like every chapter it accepts the book's run
# parameters, so that every chapter runs with the same interface; none of them
# changes the content of this page.

# %% tags=["parameters"]
data_dir = ""
start = "2021-01-01"
end = "2024-06-30"
treatment_date = "2022-11-30"
value_threshold_usd = 1000.0
focus_categories = ["Data Science & Analytics", "Writing", "Translation"]
control_categories = []
seed = 20240501
max_freelancers = 25000
output_dir = ""

# %% tags=["remove-input"]
from IPython.display import display

from analysis.data import literature as lit
from analysis.data.literature import load_literature_figures
from analysis.page import Page
from analysis.report import tables

page = Page(globals())
literature = load_literature_figures()

# Glue every figure under its id (absolute value: the prose says "fell" or
# "rose"), so that the text quotes the table rather than retyping numbers.
for row in literature.itertuples(index=False):
    page.glue(row.id, abs(float(row.value)))

page.glue("value_threshold_usd", page.params["value_threshold_usd"])

display(
    literature.assign(source_key=literature["source_key"].map(lit.short_citations()))
    [["episode", "measure", "value", "unit", "source_key", "page_or_table", "how_checked"]]
    .rename(
        columns={
            "episode": "Episode",
            "measure": "Measure",
            "value": "Value",
            "unit": "Unit",
            "source_key": "Source",
            "page_or_table": "Where in the source",
            "how_checked": "How checked",
        }
    )
    .pipe(tables.styled).hide(axis="index")
    .format({"Value": "{:g}"})
)

# %% [markdown]
# The table above lists every published figure used on this page, with the
# source it comes from, the part of that source where it is stated, and how it
# was checked: against the source's own text (*primary text*), against a
# verbatim quotation of that text (*primary text quoted*), against an author's
# statement outside the paper, or only against reports by others (*secondary
# reports only*, to be checked against the paper before quoting it elsewhere).
#
# ## Displacement and reinstatement
#
# {cite:t}`acemoglu2018race` and {cite:t}`acemoglu2019automation` model
# production as a set of tasks, each of which can be done by labour or by
# capital. A new technology changes the demand for labour through three
# channels:
#
# - **The displacement effect.** When machines become able to perform tasks that
#   labour used to perform, labour is displaced from those tasks. The share of
#   tasks done by people shrinks and, other things equal, so do labour demand and
#   the labour share of value added.
# - **The productivity effect.** Automation lowers costs and raises output. The
#   resulting expansion of demand raises labour demand in the tasks that are not
#   automated, in the same firms and in the rest of the economy.
# - **The reinstatement effect.** New technologies also create new tasks in
#   which labour has a comparative advantage: designing, building, operating,
#   checking and selling the new technology and what it makes possible. New
#   tasks add to labour demand and pull the labour share back up.
#
# In this framework the net effect of a technology is not fixed by the
# technology alone: it depends on how fast automation of existing tasks runs
# relative to the creation of new tasks {cite:p}`acemoglu2019automation`.
#
# Generative AI fits this framework unusually well because it acts on
# knowledge-work tasks that freelance platforms trade in small, well-defined
# units. Two of its channels map directly onto the categories this book
# follows:
#
# - In **Data Science & Analytics**, generative AI creates work: integrating
#   language models into products, preparing and labelling data, building and
#   evaluating models and pipelines. This is the reinstatement effect, and the
#   first hypothesis of the book is that demand for this category rose after
#   ChatGPT's release on 30 November 2022.
# - In **Writing** and **Translation**, a chatbot can produce a serviceable first
#   draft of many routine deliverables. This is the displacement effect, and it
#   should bite hardest on small, routine contracts. Where a human is still
#   needed for judgement, expertise or accountability, the productivity effect
#   may instead support larger contracts. The second hypothesis is therefore
#   that displacement is concentrated at the low-value end, below a contract value
#   of USD {glue:text}`value_threshold_usd:,.0f`, while work above that threshold
#   holds up better.
#
# These are the hypotheses of the Upwork Research Institute study that this book
# re-creates {cite:p}`upwork2024genai`. According to its published summary,
# it observed rises in both job posts and freelancer earnings per contract,
# growth in Data Science & Analytics that it attributed to the reinstatement
# effect, and mixed effects in Writing & Translation, where it looked
# separately at high-value work.
#
# ## Past episodes of technology and work
#
# ### New work, 1940–2018
#
# The reinstatement effect is not a theoretical curiosity: new work is where
# most people now work. {cite:t}`autor2024new` link eight decades of new job
# titles in the US Census to patent-based measures of augmenting and automating
# innovations. They find that the majority of employment is in job specialties
# introduced since 1940; roughly {glue:text}`autor2024_new_work_share:.0f`% of
# 2018 employment, in D. Autor's own words outside the paper (the abstract says
# "the majority"). New work emerges where innovations complement what an
# occupation produces and where demand for it grows; innovations that automate
# tasks slow the emergence of new work and depress occupational employment.
#
# ### Industrial robots
#
# Automation without much new work looks different. {cite:t}`acemoglu2020robots`
# study the spread of industrial robots across US local labour markets between
# 1990 and 2007. One more robot per thousand workers lowered the
# employment-to-population ratio by
# {glue:text}`acemoglu2020_robots_emp:.1f` percentage points and wages by
# {glue:text}`acemoglu2020_robots_wage:.2f`%. In the local labour markets most
# exposed to robots, the displacement effect dominated.
#
# ### Generative AI at work: experiments and exposure
#
# The first evidence on generative AI comes from a staged workplace rollout and
# from an online experiment, and it points to large gains in productivity that are largest
# for the least experienced workers.
#
# - In a customer-support firm that rolled out a generative AI assistant in
#   stages, access to the assistant raised the number of issues resolved per
#   hour by {glue:text}`brynjolfsson2025_rph_avg:.0f`% on average
#   {cite:p}`brynjolfsson2025generative`; the working-paper version reported
#   {glue:text}`brynjolfsson2023_rph_avg:.0f`% on average and
#   {glue:text}`brynjolfsson2023_rph_novice:.0f`% for novice and low-skilled
#   workers {cite:p}`brynjolfsson2023generative`. The most experienced and
#   highest-skilled agents saw only small gains in speed.
# - In an online experiment with professional writing tasks, access to ChatGPT
#   cut the time taken by {glue:text}`noy2023_time:.0f`% and raised the graded
#   quality of the output by {glue:text}`noy2023_quality:.0f`%
#   {cite:p}`noy2023experimental`.
#
# Both settings, customer support and professional writing, are close to the
# work sold on freelance platforms. Whether higher productivity per worker
# means more or less demand for freelancers depends on which effect of the
# framework dominates: a client who can now write a first draft alone needs
# fewer writers (displacement); a client who can now afford more and better
# content may hire for the parts that still need a person (productivity).
#
# How widely could this apply? Eloundou et al. rate how much large language
# models could speed up each task in the US occupational classification, and the
# two versions of their study lead with different numbers.
# The working paper {cite:p}`eloundou2023gpts` counts *workers*: about
# {glue:text}`eloundou2023_exposed10:.0f`% of the US workforce could have at
# least 10% of their tasks affected, and about
# {glue:text}`eloundou2023_exposed50:.0f`% at least half of them.
# The published article {cite:p}`eloundou2024gpts` counts *jobs* with over half
# their tasks affected: about {glue:text}`eloundou2024_jobs_half_simple:.1f`%
# with large language models used through simple interfaces and general
# training, and just over {glue:text}`eloundou2024_jobs_half_software:.0f`%
# once current and likely future software that complements them is counted.
# The distance between the two published shares is the point: most of the
# exposure depends on software not yet built.
# Exposure measures the potential for change, not its direction: an exposed
# task can be automated away or made cheaper and more valuable.
#
# ## Evidence from online labour markets
#
# Freelance platforms are where effects on the demand for knowledge work could
# show up first, because contracts are short, prices adjust quickly and the
# platforms record every job post and payment. The two studies below use the
# release of ChatGPT on 30 November 2022 as a natural experiment, comparing
# work more and less exposed to it before and after the release.
#
# - {cite:t}`hui2024short` follow freelancers on a large online platform. In the
#   working-paper version {cite:p}`hui2023short`, as reported in press coverage
#   (these two numbers were not checked against the paper's text), freelancers in the most
#   affected, writing-related occupations saw a
#   {glue:text}`hui2023_jobs:.0f`% fall in the number of monthly jobs and a
#   {glue:text}`hui2023_earnings:.1f`% fall in monthly earnings after
#   ChatGPT's release. They find similar effects after the release of
#   image-generating models, no evidence that a strong past record protected
#   freelancers, and suggestive evidence that top freelancers were
#   disproportionately affected.
# - {cite:t}`demirci2025who` study job posts on a global freelancing platform.
#   Within eight months of ChatGPT's release, job posts for automation-prone
#   jobs related to writing and coding fell by
#   {glue:text}`demirci2025_posts_automation:.0f`% relative to jobs requiring
#   manual-intensive skills, and image-generating AI was followed by a
#   {glue:text}`demirci2025_posts_image:.0f`% fall in posts for image creation.
#   The automation-prone jobs that remained were more complex and paid more,
#   which is consistent with displacement at the low-value end.
#
# Three later studies of freelancing platforms come closest to testing the
# claims of the study this book re-creates {cite:p}`upwork2024genai`
# (numbered as in the summary's claim check):
#
# - {cite:t}`teutloff2025winners` sort job posts of a leading freelancing
#   platform into 116 skill clusters and classify each as substitutable by,
#   complementary to or unaffected by large language models. After ChatGPT's
#   launch, demand for substitutable skills such as writing and translation fell
#   by {glue:text}`teutloff2025_substitutable_min:.0f`% to
#   {glue:text}`teutloff2025_substitutable_max:.0f`% against the counterfactual
#   trend, most for short (1–3 week) jobs; demand for machine-learning
#   programming rose by {glue:text}`teutloff2025_ml_demand:.0f`% and for chatbot
#   development nearly tripled, while demand for novice workers fell. This bears
#   on claim 3 (new AI work in Data Science & Analytics), with which it agrees;
#   on claim 4, where it agrees with the losing half (small writing and
#   translation jobs) but reports no gain at the high-value end; and on claim 5,
#   where the shift away from novices agrees with a move to more specialised work.
# - {cite:t}`liu2023generate` find, in the version quoted here (v2), a decline in
#   labour demand, supply and transactions after ChatGPT in submarkets of
#   text-related and programming-related jobs, against submarkets not directly
#   exposed, and a rise in the complexity of the remaining jobs and in the
#   competition among freelancers. This agrees with the losing half of claim 4
#   and with claim 5 (more complex work), and it cautions against reading a
#   platform-wide rise (claims 1 and 2) as a rise in the exposed submarkets.
# - {cite:t}`qiao2023ai` find two opposite effects of ChatGPT's launch in a
#   difference-in-differences design: less work and lower earnings in the
#   translation and localisation market (displacement), more work and higher
#   earnings in web development (productivity). For Translation this bears on
#   claim 4 and finds a loss overall, without splitting contracts by value; the
#   web-development gain is complementary growth of the kind claim 1 describes
#   for the whole platform, and it falls in a category that this book uses as a
#   control, which a reader of the category comparisons should keep in mind.
#
# The abstracts of Liu et al. and of Qiao, Rui and Xiong state no numbers;
# their findings are quoted in words.
#
# These studies measure the short run, on the demand for existing kinds of
# work. They are less suited to seeing the reinstatement effect, which shows up
# as new kinds of work, often in other categories, and may take longer. This
# book's design follows the study it re-creates {cite:p}`upwork2024genai`: it
# looks at both sides, the categories where generative AI creates work and those
# where it replaces it, and splits contracts by value so that displacement at the
# low end and growth at the high end are not averaged away.
#
# ## Summary
#
# - The task framework separates three effects of a new technology on labour
#   demand: displacement from automated tasks, higher demand through
#   productivity, and reinstatement through new tasks
#   {cite:p}`acemoglu2018race,acemoglu2019automation`.
# - History shows both outcomes: most of today's employment is in new work
#   {cite:p}`autor2024new`, while industrial robots lowered employment and wages
#   in the local labour markets most exposed to them
#   {cite:p}`acemoglu2020robots`.
# - Generative AI raises productivity in writing and customer-support tasks,
#   most of all for less experienced workers
#   {cite:p}`brynjolfsson2025generative,noy2023experimental`, and could affect a
#   large share of tasks across the workforce; how large depends on the software
#   built around it {cite:p}`eloundou2023gpts,eloundou2024gpts`.
# - On freelance platforms, the first studies find falls in demand and earnings
#   for writing and image work after generative AI became available
#   {cite:p}`hui2024short,demirci2025who`; the closest tests of the re-created
#   study's claims find losses in substitutable work, most for short jobs, and
#   gains in machine learning {cite:p}`teutloff2025winners,liu2023generate,qiao2023ai`.
# - The book tests two hypotheses: Data Science & Analytics gains AI work
#   (reinstatement), and Writing and Translation lose work at the low-value end
#   (displacement), as in the study it re-creates {cite:p}`upwork2024genai`.
#
# ## References
#
# ```{bibliography}
# :filter: docname in docnames
# ```

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
# # Category deep dives
#
# ## Overview
#
# Platform-wide series mix the release of ChatGPT with everything else that changed after November 2022 ({doc}`02_platform`).
# This chapter compares categories with each other instead: each focus category is set against control categories that generative AI affected less, before and after the release, in a difference-in-differences design.
# Common shocks to the platform, such as the economy, the season or changes to fees, fall out of the comparison.
#
# The task framework of {doc}`01_history` gives two hypotheses {cite:p}`acemoglu2019automation`, the same as in the study this book re-creates {cite:p}`upwork2024genai`.
# Where generative AI creates new work, as it should in Data Science & Analytics, job posts should rise, and the rise should come from AI-related work (*reinstatement*).
# Where it can do the work itself, as in Writing and Translation, small routine contracts should fall while larger ones, which still need a person, hold up or grow (*displacement at the low end*); platform studies of the first months after the release found falls in this kind of work {cite:p}`hui2024short,demirci2025who`.
# The chapter first shows the effects for all categories in one figure, then follows each hypothesis, and ends with checks of the design: event studies with a test of pre-release trends, and placebo releases one year earlier.
# In this run the focus categories are {glue:text}`focus_list` and the controls are {glue:text}`n_controls:d` other categories.

# %% tags=["parameters", "remove-cell"]
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

# %% tags=["remove-cell"]
from IPython.display import Markdown
from myst_nb import glue

from analysis import estimation as estimators
from analysis.report import figures
from analysis.report import frames as tables
from analysis.page import setup
from analysis.core.text import slugify

ctx = setup(data_dir=data_dir, start=start, end=end, treatment_date=treatment_date,
            value_threshold_usd=value_threshold_usd, focus_categories=focus_categories,
            control_categories=control_categories, seed=seed,
            max_freelancers=max_freelancers, output_dir=output_dir)
glue("data_note", Markdown(ctx.data_note()), display=False)
glue("data_label", tables.data_label(ctx), display=False)
panels = ctx.panels
cm = panels["category_month"]
td = ctx.params["treatment_date"]
focus = tables.present(ctx.focus, ctx.categories)
controls = ctx.controls
glue("focus_list", tables.name_list(focus), display=False)
glue("n_controls", len(controls), display=False)
glue("threshold", float(ctx.params["value_threshold_usd"]), display=False)

# %% [markdown]
# ## Data used
#
# {glue:md}`data_note:myst`
#
# Job posts, AI-related posts and earnings per contract come from the `category_month` panel; contracts by value tier from the `category_tier_month` panel, where a contract is *low value* below USD {glue:text}`threshold:,.0f` of earnings and *high value* at or above it.
#
# ## How the effects are estimated
#
# Each effect is the coefficient of a two-way fixed-effects regression of the logarithm of a monthly outcome on an indicator for "focus category, after the release", with category and month fixed effects; it is reported as a percent change, $100\,(e^{b}-1)$.
# A month counts as after the release when it starts on or after the treatment date, so December 2022 is the first.
# The contrast between low- and high-value contracts is a triple difference: low relative to high value, focus relative to control categories, after relative to before.
#
# With about a dozen categories and one treated category per comparison, cluster-robust standard errors are unreliable and the wild cluster bootstrap does not help {cite:p}`cameron2008bootstrap,mackinnon2018wild`.
# The p-values are therefore from randomization inference: the treatment is placed on each category of the comparison in turn and the model refitted, and the p-value is the share of placements with an effect at least as large as the actual one {cite:p}`young2019channeling`.
# With {glue:text}`n_units:d` categories in a comparison the smallest attainable p-value is {glue:text}`p_min:.3f`, so these p-values can never fall below conventional thresholds such as 0.05, however large the effect.
# The 95% intervals follow {cite:t}`conley2011inference`: the estimation error of the treated category is taken to be distributed like the placebo effects of the control categories.
# The text reads an estimate as support for a hypothesis when its whole interval lies on the predicted side of zero.
# {doc}`05_methods` sets out the estimators and their assumptions in full.

# %% tags=["remove-cell"]
effects = estimators.category_effects(panels, focus, controls, treatment_date=td, seed=ctx.params["seed"])
by_id = tables.estimates_by_id(effects)
glue("n_units", len(controls) + 1, display=False)
glue("p_min", 1 / (len(controls) + 1), display=False)
ctx.record(effects)

# %% [markdown]
# ## All categories at once

# %% tags=["remove-cell"]
all_effects = tables.all_category_effects(cm, focus, controls, effects, treatment_date=td, seed=ctx.params["seed"])
ctx.record(all_effects[len(focus) * 2:])
forest_data = tables.forest_frame(all_effects, tables.category_labels(all_effects, ctx.categories),
                                  {"job_posts": "Job posts", "earnings_per_contract": "Earnings per contract"})
control_posts = forest_data[~forest_data["category"].isin(focus) & (forest_data["outcome"] == "Job posts")]
glue("n_control_effects", len(control_posts), display=False)
glue("n_control_excl", tables.count_where((control_posts["ci_low_pct"] > 0) | (control_posts["ci_high_pct"] < 0)),
     display=False)
glue("control_max_abs", float(control_posts["estimate_pct"].abs().max()), display=False)

fig = figures.forest(forest_data, highlight=focus)
figures.publish(ctx, fig, "fig-categories-effects", forest_data,
    caption=("Change after the release in job posts and in earnings per contract, by category, relative to "
             "control categories, with 95% intervals; focus categories in colour."),
    alt=("Forest plot with one row per category and two panels, job posts and earnings per contract. Each row "
         "shows a point estimate in percent with a horizontal 95% interval; focus categories are drawn in "
         "colour at the top, the control categories in grey below, and a vertical line marks zero."))

# %% mystnb={"figure": {"caption": "Change after the release in job posts and in earnings per contract, by category, relative to control categories, with 95% intervals; focus categories in colour. Data: {glue:text}`data_label`.", "name": "fig-categories-effects"}, "image": {"alt": "Forest plot with one row per category and two panels, job posts and earnings per contract. Each row shows a point estimate in percent with a horizontal 95% interval; focus categories are drawn in colour at the top, the control categories in grey below, and a vertical line marks zero."}} tags=["remove-input"]
figures.image(ctx.out, "fig-categories-effects")

# %% [markdown]
# How to cite this figure: {glue:md}`cite_categories_effects`
#
# {numref}`fig-categories-effects` shows every category's change in one view.
# Focus categories are compared with all control categories; each control category is compared with the other controls by the same estimator, under the same id pattern (`category.<slug>.job_posts`).
# The control rows are a benchmark for noise: no effect was expected for them, and the interval for job posts excludes zero for {glue:text}`n_control_excl:d` of the {glue:text}`n_control_effects:d` control categories, with the largest control estimate at {glue:text}`control_max_abs:.1f`% in absolute value.
# The table lists the five estimates of each focus category.

# %% tags=["remove-input"]
tables.display_estimates(effects)

# %% [markdown]
# ## New AI work: reinstatement

# %% tags=["remove-cell"]
ai_summary = tables.ai_share_summary(cm, ctx.categories, td)
top = ai_summary.loc[focus, "change_pp"].idxmax()
glue("ai_top", top, display=False)
glue("ai_top_before", float(ai_summary.loc[top, "share_before_pct"]), display=False)
glue("ai_top_after", float(ai_summary.loc[top, "share_after_pct"]), display=False)
glue("ai_controls_change", float(ai_summary.loc[controls, "change_pp"].mean()), display=False)

other_posts = [estimators.did_panel(tables.with_other_posts(cm), "other_posts", cat, controls, treatment_date=td,
                                    seed=ctx.params["seed"], id=f"category.{slugify(cat)}.other_posts",
                                    scope=f"{cat} vs {len(controls)} control categories, posts not AI-related")
               for cat in focus]
ctx.record(other_posts)
top_posts = by_id[f"category.{slugify(top)}.job_posts"]
top_other = tables.estimates_by_id(other_posts)[f"category.{slugify(top)}.other_posts"]
glue("ai_top_posts", abs(top_posts.estimate_pct), display=False)
glue("ai_top_posts_dir", tables.direction(top_posts.estimate_pct), display=False)
glue("ai_top_posts_lo", top_posts.ci_low_pct, display=False)
glue("ai_top_posts_hi", top_posts.ci_high_pct, display=False)
glue("ai_top_other", abs(top_other.estimate_pct), display=False)
glue("ai_top_other_dir", tables.direction(top_other.estimate_pct), display=False)
glue("ai_top_other_lo", top_other.ci_low_pct, display=False)
glue("ai_top_other_hi", top_other.ci_high_pct, display=False)
glue("ai_top_verdict", tables.verdict(top_posts.estimate_pct, top_posts.ci_low_pct, top_posts.ci_high_pct),
     display=False)
glue("ai_top_other_interval", tables.interval_word(top_other.ci_low_pct, top_other.ci_high_pct), display=False)
glue("ai_top_source", tables.interval_word(top_other.ci_low_pct, top_other.ci_high_pct,
                                           yes="was not confined to AI-related work",
                                           no="came mostly from AI-related work, as the reinstatement effect predicts"),
     display=False)

ai_data = tables.ai_share_long(cm, focus, controls)
fig = figures.ai_share(ai_data, td, highlight=focus)
figures.publish(ctx, fig, "fig-categories-ai-share", ai_data,
    caption=("Share of job posts that are AI-related, by month, for each focus category and for the control "
             "categories pooled; dashed line: ChatGPT's release."),
    alt=("Line chart of the monthly percentage of AI-related job posts, one coloured line per focus category "
         "and a grey line for the pooled control categories, with a dashed vertical line at the release."))

# %% [markdown]
# If generative AI creates new work, the new work should be visible in what clients ask for.
# {numref}`fig-categories-ai-share` shows the share of job posts flagged as AI-related.
# Among the focus categories, the share rose most in {glue:text}`ai_top`, from {glue:text}`ai_top_before:.1f`% of posts in the twelve months before the release to {glue:text}`ai_top_after:.1f`% in the twelve months after; in the control categories it changed by {glue:text}`ai_controls_change:.1f` percentage points on average.

# %% mystnb={"figure": {"caption": "Share of job posts that are AI-related, by month, for each focus category and for the control categories pooled; dashed line: ChatGPT's release. Data: {glue:text}`data_label`.", "name": "fig-categories-ai-share"}, "image": {"alt": "Line chart of the monthly percentage of AI-related job posts, one coloured line per focus category and a grey line for the pooled control categories, with a dashed vertical line at the release."}} tags=["remove-input"]
figures.image(ctx.out, "fig-categories-ai-share")

# %% [markdown]
# How to cite this figure: {glue:md}`cite_categories_ai_share`
#
# Relative to the control categories, job posts in {glue:text}`ai_top` {glue:text}`ai_top_posts_dir` by {glue:text}`ai_top_posts:.1f`% (95% interval {glue:text}`ai_top_posts_lo:.1f`% to {glue:text}`ai_top_posts_hi:.1f`%).
# Posts that are not AI-related {glue:text}`ai_top_other_dir` by {glue:text}`ai_top_other:.1f`% ({glue:text}`ai_top_other_lo:.1f`% to {glue:text}`ai_top_other_hi:.1f`%; the interval {glue:text}`ai_top_other_interval` zero).
# The change in job posts therefore {glue:text}`ai_top_source`.
# This evidence {glue:text}`ai_top_verdict` the hypothesis that job posts in {glue:text}`ai_top` rose after the release.
# The table gives the AI-related share and the change in AI-related and other posts for every category.

# %% tags=["remove-input"]
tables.ai_table(ai_summary)

# %% [markdown]
# ## Low- and high-value contracts

# %% tags=["remove-cell"]
gaps = [by_id[f"category.{slugify(cat)}.contracts.tier_gap"] for cat in focus]
glue("n_focus", len(focus), display=False)
glue("n_gap_neg", tables.count_where(g.estimate_pct < 0 for g in gaps), display=False)
glue("n_gap_neg_excl", tables.count_where(g.estimate_pct < 0 and tables.excludes_zero(g) for g in gaps), display=False)
worst = tables.name_of_min(focus, [g.estimate_pct for g in gaps])
low = by_id[f"category.{slugify(worst)}.contracts.low_value"]
high = by_id[f"category.{slugify(worst)}.contracts.high_value"]
gap = by_id[f"category.{slugify(worst)}.contracts.tier_gap"]
epc = by_id[f"category.{slugify(worst)}.earnings_per_contract"]
glue("tier_worst", worst, display=False)
for key, est in {"low": low, "high": high, "gap": gap, "epc": epc}.items():
    glue(f"tier_{key}", abs(est.estimate_pct), display=False)
    glue(f"tier_{key}_dir", tables.direction(est.estimate_pct), display=False)
    glue(f"tier_{key}_lo", est.ci_low_pct, display=False)
    glue(f"tier_{key}_hi", est.ci_high_pct, display=False)
glue("tier_gap_verdict", tables.verdict(gap.estimate_pct, gap.ci_low_pct, gap.ci_high_pct, expected=-1), display=False)
glue("tier_high_verdict", tables.verdict(high.estimate_pct, high.ci_low_pct, high.ci_high_pct), display=False)

tier_data = tables.tier_index_long(panels["category_tier_month"], focus, controls, td)
fig = figures.tier_series(tier_data, td)
figures.publish(ctx, fig, "fig-categories-tiers", tier_data,
    caption=(f"Contracts below (low value) and at or above (high value) USD {ctx.params['value_threshold_usd']:,.0f} "
             "of earnings, by month, indexed to their pre-release mean (= 100), for each focus category and the "
             "control categories pooled; dashed line: ChatGPT's release."),
    alt=("Stacked line charts, one panel per focus category and one for the pooled control categories, each "
         "with two lines, low-value and high-value contracts, indexed to 100 before the release, and a dashed "
         "vertical line at the release."))

# %% [markdown]
# Displacement should show at the low end of the market.
# {numref}`fig-categories-tiers` splits each focus category's contracts at USD {glue:text}`threshold:,.0f` and indexes both tiers to their pre-release level.
# The triple difference, low- relative to high-value contracts in a focus category relative to the same contrast in the controls, is negative in {glue:text}`n_gap_neg:d` of the {glue:text}`n_focus:d` focus categories, and its interval excludes zero in {glue:text}`n_gap_neg_excl:d` of them.

# %% mystnb={"figure": {"caption": "Contracts below (low value) and at or above (high value) USD {glue:text}`threshold:,.0f` of earnings, by month, indexed to their pre-release mean (= 100), for each focus category and the control categories pooled; dashed line: ChatGPT's release. Data: {glue:text}`data_label`.", "name": "fig-categories-tiers"}, "image": {"alt": "Stacked line charts, one panel per focus category and one for the pooled control categories, each with two lines, low-value and high-value contracts, indexed to 100 before the release, and a dashed vertical line at the release."}} tags=["remove-input"]
figures.image(ctx.out, "fig-categories-tiers")

# %% [markdown]
# How to cite this figure: {glue:md}`cite_categories_tiers`
#
# The split is sharpest in {glue:text}`tier_worst`.
# Relative to the same tier in the control categories, its low-value contracts {glue:text}`tier_low_dir` by {glue:text}`tier_low:.1f`% (95% interval {glue:text}`tier_low_lo:.1f`% to {glue:text}`tier_low_hi:.1f`%) and its high-value contracts {glue:text}`tier_high_dir` by {glue:text}`tier_high:.1f`% ({glue:text}`tier_high_lo:.1f`% to {glue:text}`tier_high_hi:.1f`%).
# Low-value contracts therefore {glue:text}`tier_gap_dir` by {glue:text}`tier_gap:.1f`% relative to high-value ones ({glue:text}`tier_gap_lo:.1f`% to {glue:text}`tier_gap_hi:.1f`%), and earnings per contract {glue:text}`tier_epc_dir` by {glue:text}`tier_epc:.1f`% ({glue:text}`tier_epc_lo:.1f`% to {glue:text}`tier_epc_hi:.1f`%).
# The tier contrast {glue:text}`tier_gap_verdict` displacement concentrated at the low end, and the high-value tier on its own {glue:text}`tier_high_verdict` a gain in high-value work.
# The low-, high-value and gap estimates of every focus category are in the table of the previous section (ids ending in `contracts.low_value`, `contracts.high_value` and `contracts.tier_gap`).
#
# ## Event studies and pre-release trends

# %% tags=["remove-cell"]
studies = {cat: estimators.event_study(cm, "job_posts", cat, controls, treatment_date=td, window=(-12, 18), ref=-1,
                                       seed=ctx.params["seed"])
           for cat in focus}
pretrends = [tables.pretrend_estimate(es, f"category.{slugify(cat)}.job_posts.pretrend", "job_posts",
                                      f"{cat} vs {len(controls)} control categories, pre-release event-study months")
             for cat, es in studies.items()]
ctx.record(pretrends)
glue("pretrend_min_p", min(e.p_value for e in pretrends), display=False)
glue("pretrend_n_low", tables.count_where(e.p_value < 0.10 for e in pretrends), display=False)
glue("pretrend_word", tables.pretrend_word(min(e.p_value for e in pretrends)), display=False)

event_data = tables.event_frame(studies)
fig = figures.event_study(event_data)
figures.publish(ctx, fig, "fig-categories-event-study", event_data,
    caption=("Event-study estimates of job posts relative to control categories, by month relative to the first "
             "month after the release (the month before the release is the reference), with 95% intervals."),
    alt=("One panel per focus category: points joined by a line, one per month from twelve months before to "
         "eighteen months after the release, with a shaded 95% band, a horizontal line at zero and a dashed "
         "vertical line between the last month before and the first month after the release."))

# %% [markdown]
# A difference-in-differences design assumes that, without the release, the focus categories would have moved in parallel with the controls.
# The event study replaces the single after-release indicator with one coefficient per month relative to the release, so that the months before the release show whether the categories were already drifting apart.
# Months more than twelve before or eighteen after the first post-release month are pooled into the end points.
# The joint test that every pre-release coefficient is zero is by randomization over categories, like the p-values above.

# %% mystnb={"figure": {"caption": "Event-study estimates of job posts relative to control categories, by month relative to the first month after the release (the month before the release is the reference), with 95% intervals. Data: {glue:text}`data_label`.", "name": "fig-categories-event-study"}, "image": {"alt": "One panel per focus category: points joined by a line, one per month from twelve months before to eighteen months after the release, with a shaded 95% band, a horizontal line at zero and a dashed vertical line between the last month before and the first month after the release."}} tags=["remove-input"]
figures.image(ctx.out, "fig-categories-event-study")

# %% [markdown]
# How to cite this figure: {glue:md}`cite_categories_event_study`
#
# In {numref}`fig-categories-event-study` the lowest joint p-value of the pre-release coefficients across the focus categories is {glue:text}`pretrend_min_p:.2f` ({glue:text}`pretrend_n_low:d` of the tests below 0.10).
# This {glue:text}`pretrend_word` parallel pre-release trends; the post-release coefficients show how the effects evolved month by month after the release.

# %% tags=["remove-input"]
tables.pretrend_table(studies)

# %% [markdown]
# ## Placebo releases one year earlier

# %% tags=["remove-cell"]
placebos = [estimators.placebo_did(cm, outcome, cat, controls, treatment_date=td, seed=ctx.params["seed"],
                                   id=f"category.{slugify(cat)}.{outcome}.placebo")
            for cat in focus for outcome in ("job_posts", "earnings_per_contract")]
ctx.record(placebos)
glue("placebo_date", tables.placebo_date(td), display=False)
glue("n_placebo", len(placebos), display=False)
glue("n_placebo_excl", tables.count_where(tables.excludes_zero(e) for e in placebos), display=False)

placebo_data = tables.placebo_forest_frame([by_id[f"category.{slugify(cat)}.job_posts"] for cat in focus],
                                           [e for e in placebos if e.outcome == "job_posts"], focus)
fig = figures.forest(placebo_data, highlight=focus)
figures.publish(ctx, fig, "fig-categories-placebo", placebo_data,
    caption=("Change in job posts of each focus category relative to the controls at the actual release (left) "
             "and at a placebo release one year earlier using pre-release data only (right), with 95% intervals."),
    alt=("Two-panel forest plot with one row per focus category: the left panel shows the estimated change in "
         "job posts at the actual release, the right panel at a placebo date one year earlier, each with a "
         "horizontal 95% interval and a vertical line at zero."))

# %% [markdown]
# A design that finds effects where there should be none would be suspect.
# The placebo check moves the release to {glue:text}`placebo_date`, one year earlier, and re-estimates every focus category's change in job posts and earnings per contract on pre-release data only.
# Of the {glue:text}`n_placebo:d` placebo estimates, {glue:text}`n_placebo_excl:d` have an interval that excludes zero ({numref}`fig-categories-placebo`).

# %% mystnb={"figure": {"caption": "Change in job posts of each focus category relative to the controls at the actual release (left) and at a placebo release one year earlier using pre-release data only (right), with 95% intervals. Data: {glue:text}`data_label`.", "name": "fig-categories-placebo"}, "image": {"alt": "Two-panel forest plot with one row per focus category: the left panel shows the estimated change in job posts at the actual release, the right panel at a placebo date one year earlier, each with a horizontal 95% interval and a vertical line at zero."}} tags=["remove-input"]
figures.image(ctx.out, "fig-categories-placebo")

# %% [markdown]
# How to cite this figure: {glue:md}`cite_categories_placebo`

# %% tags=["remove-input"]
tables.display_estimates(placebos)

# %% [markdown]
# ## Summary
#
# - Relative to the control categories, job posts in {glue:text}`ai_top` {glue:text}`ai_top_posts_dir` by {glue:text}`ai_top_posts:.1f`% after the release, while its posts that are not AI-related {glue:text}`ai_top_other_dir` by {glue:text}`ai_top_other:.1f`%; this {glue:text}`ai_top_verdict` the reinstatement hypothesis ({numref}`fig-categories-ai-share`).
# - In {glue:text}`tier_worst`, low-value contracts {glue:text}`tier_gap_dir` by {glue:text}`tier_gap:.1f`% relative to high-value ones; the tier contrast is negative in {glue:text}`n_gap_neg:d` of {glue:text}`n_focus:d` focus categories ({numref}`fig-categories-tiers`).
# - All categories' effects are in {numref}`fig-categories-effects`; control categories compared with each other give a benchmark for noise.
# - The pre-release event-study coefficients give a lowest joint p-value of {glue:text}`pretrend_min_p:.2f` ({numref}`fig-categories-event-study`), and {glue:text}`n_placebo_excl:d` of {glue:text}`n_placebo:d` placebo estimates one year earlier have an interval excluding zero ({numref}`fig-categories-placebo`).
# - Every estimate is stored under its id (`category.<slug>.<outcome>`) in the results table.
#
# ## References
#
# ```{bibliography}
# :filter: docname in docnames
# ```

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
# # Summary
#
# ## Overview
#
# In May 2024 the Upwork Research Institute reported how freelance work changed after ChatGPT's release on 30 November 2022 {cite:p}`upwork2024genai`.
# This book re-creates the design of that study in the open and asks its five questions again, of whatever extract the book is run on:
#
# 1. Did job posts rise after the release?
# 2. Did earnings per contract rise?
# 3. Did {glue:text}`role_new_ai` grow through new AI work, the *reinstatement effect* of {cite:t}`acemoglu2019automation`?
# 4. Were {glue:text}`roles_tiered` mixed, with high-value contracts gaining and low-value contracts losing?
# 5. Did work shift toward more complex, specialised and better-paid tasks?
#
# The study answered yes to each.
# This page gives this run's answers, computed from the data named below, and checks each claim against them with the rule stated in the next section, before any answer.
# The chapters behind each answer show the data and the estimators in full; {doc}`05_methods` explains and validates the estimators and measures how often this rule gives a false verdict.

# %% tags=["parameters", "remove-cell"]
data_dir = ""
start = "2021-01-01"
end = "2024-06-30"
treatment_date = "2022-11-30"
value_threshold_usd = 1000.0
claim_window = "first_year"
focus_categories = ["Data Science & Analytics", "Writing", "Translation"]
control_categories = []
seed = 20240501
max_freelancers = 25000
output_dir = ""

# %% tags=["remove-cell"]
from analysis import claims
from analysis.core.text import slugify
from analysis.data.panels import tier_rule
from analysis.data.worlds import load_world_results
from analysis.estimation import relmag as RM
from analysis.page import Page
from analysis.report import tables, words

page = Page(globals())

# %% tags=["remove-cell"]
roles = claims.roles_from_focus(page.focus)
page.glue("role_new_ai", roles.new_ai_work or "the first focus category")
page.glue("roles_tiered", words.name_list(roles.tiered) if roles.tiered else "the other focus categories")
page.glue("n_controls", len(page.controls))

# The runner merges every other chapter's estimates into this page's results
# file before it runs. The expert-share estimate belongs to this page: computed
# and recorded here. A stored row is used only if it matches a fresh point
# estimate on this run's data; anything missing or stale is computed here with
# the same calls as the chapters.
own = claims.own_ids(roles)
page.record(claims.compute_estimates(page.panels, roles, own, page.controls, page.treatment_date, page.seed,
                                     max_freelancers=page.params["max_freelancers"]))
estimates, provenance = claims.gather_estimates(page.panels, roles, page.stored_results(), page.controls,
                                                page.treatment_date, page.seed,
                                                max_freelancers=page.params["max_freelancers"])
others = provenance[~provenance["id"].isin(own)]
page.glue("n_ids", len(provenance))
page.glue("n_own", len(own))
page.glue("n_others", len(others))
page.glue("n_read", int((others["source"] == "results table").sum()))
page.glue("n_computed", int((others["source"] == "computed").sum()))

windowed = claims.windowed_check(page.panels, roles, estimates, page.params, page.contracts, page.controls)
page.record(windowed.records)
check = windowed.check
verdicts = claims.claim_verdicts(check)
verdicts_all = claims.claim_verdicts(windowed.check_all)
page.md("claim_window_sentence", words.claim_window_sentence(page.params["claim_window"], windowed.first_month,
                                                             windowed.end, windowed.all_end))
page.md("window_comparison", words.window_comparison_sentence(
    windowed.first_month, windowed.end, windowed.all_end,
    int((verdicts["verdict"] != verdicts_all["verdict"]).sum()), len(verdicts)))
page.glue("alpha_pct", 100 * claims.ALPHA)
page.glue("winsor_pct", claims.WINSOR_PCT)
page.glue("top_share_pct", 100 * claims.TOP_SHARE)
page.glue("tier_rule_check", words.tier_rule_check_sentence(tier_rule(page.contracts.columns)))
page.glue("n_changed_by_rule", int((check["verdict"] != check["book_verdict"]).sum()))
page.glue("n_check_rows", len(check))
page.glue("rm_bin_months", RM.RM_BIN_MONTHS)
page.glue("rm_mbar_phrase", words.times_phrase(RM.RM_MBAR))
page.glue("rm_robust", words.rm_robust_sentence(claims.rm_robustness(check)))
mc = tables.world_claim_table(load_world_results("claims"))
null = mc[mc["truth"] == "inconclusive"]
page.glue("mc_draws", int(null["draws"].min()))
page.glue("mc_null_false_max", 100 * null["not inconclusive, book"].max())
page.glue("mc_null_false_old_max", 100 * null["false, former rule"].max())
claims.write_check(windowed.table, page.out / "results" / "claims.csv")
for word, n in claims.verdict_counts(verdicts).items():
    page.glue(f"n_claims_{word.replace(' ', '_')}", n)
for row in verdicts.itertuples():
    page.glue(f"{row.claim}_verdict", words.claim_verdict_word(row.claim, row.verdict))
page.glue("descriptive_claims", words.name_list([c[1:] for c in words.DESCRIPTIVE_CLAIMS]))

# %% tags=["remove-cell"]
slug = slugify(roles.new_ai_work or "")
view = claims.verdict_view(check)
e = view.drop_duplicates("estimate_id").set_index("estimate_id").reindex(["platform.job_posts", "platform.earnings_per_contract",
                                            f"category.{slug}.job_posts", f"category.{slug}.ai_posts",
                                            f"category.{slug}.other_posts",
                                            "productivity.hourly_rate", "productivity.expert_share"])
gap_words = dict(up="above the projection", down="below the projection", flat="equal to the projection")
page.say("c1_posts", e.loc["platform.job_posts"], **gap_words)
page.say("c2_earnings", e.loc["platform.earnings_per_contract"], **gap_words)
page.say("c3_posts", e.loc[f"category.{slug}.job_posts"])
page.say("c3_ai_posts", e.loc[f"category.{slug}.ai_posts"], unit=" pp")
page.say("c3_other_posts", e.loc[f"category.{slug}.other_posts"], unit=" pp")
page.glue("c3_source", words.post_split(e.loc[f"category.{slug}.ai_posts"], e.loc[f"category.{slug}.other_posts"]))
page.say("c5_rate", e.loc["productivity.hourly_rate"])
page.say("c5_expert", e.loc["productivity.expert_share"], unit=" pp")
page.md("c4_sentences", words.tier_sentences(view))

# %% [markdown]
# ## Data used
#
# {glue:md}`data_note:myst`
#
# The claim check rests on {glue:text}`n_ids:d` estimates computed from these data; {doc}`a3_reproducibility` says how this page gathers them.
#
# ## How a verdict is decided
#
# Each claim rests on one or more estimates, each with a claimed sign (rose or fell).
# An estimate *supports* its claim only if it passes all five tests below, *contradicts* it if it passes them with the opposite sign, and is *inconclusive* otherwise.
# The rule was fixed before any estimate was seen; {doc}`05_methods` explains each test.
#
# 1. **An interval valid when categories differ in size and shocks persist.** A comparison of one category with the controls uses the Ferman-Pinto interval, whose placebo variance grows as a category gets smaller {cite:p}`ferman2019inference`; a platform series set against its projection uses a projection whose monthly errors may be serially correlated (first-order autoregressive).
# 2. **Several estimates, one error rate.** The p-values of the estimates a claim rests on are adjusted by Holm's step-down procedure {cite:p}`holm1979simple`, so the chance that any of them is called significant when nothing happened is at most {glue:text}`alpha_pct:.0f`% per claim.
# 3. **Robust to a pre-existing trend.** For every category estimate, the months before the release give a linear trend of the category against the controls, and an interval that allows any such trend, however steep, to continue after the release {cite:p}`rambachan2023more`. The estimate counts only if that interval also excludes zero on the same side.
# 4. **Not resting on a few contracts.** Earnings per contract are estimated again with every contract capped at the {glue:text}`winsor_pct:g` percentile and without the largest {glue:text}`top_share_pct:g`% of contracts; if either version changes the verdict, the estimate is inconclusive.
# 5. **Value tiers fixed before the outcome.** Claim 4's tiers are cut on the client's budget at posting when the extract has it (`budget_usd`). Cut instead on what contracts earned, a rise of every contract's value moves contracts from the low tier to the high one, which looks like displacement where there is none; tier estimates are then inconclusive. In this run {glue:text}`tier_rule_check`.
#
# Beside the five tests, the table shows for every category estimate a second sensitivity analysis of {cite:t}`rambachan2023more`, *relative magnitudes*: the estimate's event study is averaged into periods of {glue:text}`rm_bin_months:d` months, and the interval allows the difference in trends to move after the release, from one period to the next, by at most {glue:text}`rm_mbar_phrase` its largest move between periods before it; the *breakdown* value is the largest such multiple at which the interval still excludes zero.
# It is reported, not a sixth test: the error rates below were measured with the five tests, and with few periods before the release the largest move is itself a noisy estimate.
# In this run {glue:text}`rm_robust`.
#
# Claims {glue:text}`descriptive_claims` rest on projections of platform series, which describe rather than identify an effect; their verdicts are worded as *consistent* or *not consistent with the data*, by the same rule.
# A claim is then *supported* when every estimate it rests on supports it, *partly supported* when some do and none contradicts it, *contradicted* when some contradict it and none supports it, and *conflicting* when both happen; it is *inconclusive* when no estimate passes, and *not tested* when this run's focus categories give it no estimate.
# In {glue:text}`mc_draws:d` simulated extracts of each of the worlds with no effect at all (among them worlds with persistent platform shocks, categories of very different sizes, pre-existing trends and one huge contract), this rule gave some claim a verdict other than *inconclusive* in at most {glue:text}`mc_null_false_max:.0f`% of draws for any one claim; the interval-only rule the book used before did so in up to {glue:text}`mc_null_false_old_max:.0f`% ({doc}`05_methods`).
#
# ## This run's answers
#
# Each answer applies the rule stated above to the estimates a claim rests on, and quotes the interval the verdict uses.
# {glue:md}`claim_window_sentence:myst`
# Percent changes are marked %; changes in a share of job posts, and claim 3's counts of AI-related and other posts in percent of the category's pre-release monthly posts, are in percentage points (pp).
#
# 1. **Job posts.**
#    Averaged over those post months and set against a projection of the pre-release trend and season, platform job posts were {glue:text}`c1_posts` ({doc}`02_platform`).
#    Claim 1 is **{glue:text}`c1_verdict`**.
# 2. **Earnings per contract.**
#    Set against their projection in the same way, earnings per contract were {glue:text}`c2_earnings`.
#    Claim 2 is **{glue:text}`c2_verdict`**.
# 3. **New AI work.**
#    Relative to the {glue:text}`n_controls:d` control categories, job posts in {glue:text}`role_new_ai` {glue:text}`c3_posts` ({doc}`03_categories`).
#    Counted in percentage points of its monthly posts before the release, its AI-related posts {glue:text}`c3_ai_posts`; the posts that are not AI-related, shown beside them and not part of the verdict, {glue:text}`c3_other_posts`, so the change {glue:text}`c3_source`.
#    Claim 3 is **{glue:text}`c3_verdict`**.
# 4. **High- and low-value work.**
#    Each tier is compared with the same value tier of the control categories. {glue:md}`c4_sentences:myst`
#
#    Claim 4 is **{glue:text}`c4_verdict`**.
# 5. **More complex, better-paid work.**
#    Within freelancers and relative to freelancers in other categories, hourly rates in the focus categories {glue:text}`c5_rate` ({doc}`04_productivity`), and, relative to the controls, the share of job posts asking for expert-level freelancers {glue:text}`c5_expert`.
#    Claim 5 is **{glue:text}`c5_verdict`**.
#
# ## Claim by claim
#
# The table lists every estimate a claim rests on and each test of the rule: the estimate with the chapter's 95% interval, the interval the verdict uses, the Holm-adjusted p-value within the claim, the linear pre-release trend per month (with its p-value), the interval that allows that trend to continue, the relative-magnitudes interval and breakdown value (reported, not tested), the verdict, and the first test the estimate failed (or why it passed).
# The unit column says whether an estimate is a percent change (%) or, for the expert-level share of job posts and claim 3's post counts per pre-release post, a change in percentage points (pp; their pre-trend is in pp per month).
# A row whose sign is *none* (claim 3's posts that are not AI-related) is shown beside its claim's evidence: it gets the same intervals and pre-trend test but no Holm adjustment, and its verdict is *context*, outside the claim's verdict.
# The rule changes the verdict of {glue:text}`n_changed_by_rule:d` of the {glue:text}`n_check_rows:d` rows from what the chapter's interval alone would say.
# Each estimate id is the key of the estimate in the run's results table, `results/estimates.csv`; this table itself is written beside it as `results/claims.csv`.
# Each id links to the estimate in the chapter that reports it (for an estimate on the claim window, to the chapter's estimate on every post month); the share estimates made on this page are not linked.
# Download (with the book's version and the extract's SHA-256 in every row): <a href="../results/estimates.csv" download>estimates.csv</a> · <a href="../results/claims.csv" download>claims.csv</a>.

# %% tags=["remove-input"]
# Each id links to its estimate on the chapter that reports it (the results table's chapter column).
links = tables.estimate_links(check["result_id"], check["estimate_id"], page.stored_results(), here="00_summary")
tables.display_honest_check(check).pipe(tables.styled, links=links).hide(axis="index")

# %% [markdown]
# The verdict of each claim combines the verdicts of its estimates by the rule stated above the answers.

# %% tags=["remove-input"]
tables.claim_verdict_table(words.worded_verdicts(verdicts)).pipe(tables.styled).hide(axis="index")

# %% [markdown]
# ### Verdicts on every post month
#
# The claims of the study are about the year after the release; the chapters estimate on every post month.
# {glue:md}`window_comparison:myst`
# `results/claims.csv` holds both checks (column `window`), and the results table holds the estimates of the answers under the ids of the table above.

# %% tags=["remove-input"]
(tables.window_verdict_table(words.worded_verdicts(verdicts), words.worded_verdicts(verdicts_all),
                             "Verdict, " + words.month_span(windowed.first_month, windowed.end),
                             "Verdict, " + words.month_span(windowed.first_month, windowed.all_end))
 .pipe(tables.styled).hide(axis="index"))

# %% [markdown]
# ## Summary
#
# - Of the five claims of the study, this run finds {glue:text}`n_claims_supported:d` supported (or, for claims {glue:text}`descriptive_claims`, consistent with the data), {glue:text}`n_claims_partly_supported:d` partly supported, {glue:text}`n_claims_inconclusive:d` inconclusive, {glue:text}`n_claims_contradicted:d` contradicted and {glue:text}`n_claims_conflicting_evidence:d` with conflicting evidence; {glue:text}`n_claims_not_tested:d` could not be tested with this run's focus categories.
# - Every number above comes from the data named under *Data used*; on the bundled synthetic extract they illustrate the method and say nothing about any real platform.
# - The verdicts are computed: re-run the book on another extract ({doc}`a2_rerun`) and they follow that extract's estimates.
#
# ## References
#
# ```{bibliography}
# :filter: docname in docnames
# ```

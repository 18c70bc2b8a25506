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
# This page gives this run's answers, computed from the data named below, and checks each claim against them with a rule stated in advance: a claim is *supported* by an estimate when the estimate's 95% interval excludes zero on the claimed side, *contradicted* when it excludes zero on the other side, and *inconclusive* otherwise.
# The chapters behind each answer show the data and the estimators in full; {doc}`05_methods` explains and validates the estimators.

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

from analysis.report import frames as tables

from analysis import claims
from analysis.page import setup
from analysis.core.text import slugify
from analysis.results import read_results

ctx = setup(data_dir=data_dir, start=start, end=end, treatment_date=treatment_date,
            value_threshold_usd=value_threshold_usd, focus_categories=focus_categories,
            control_categories=control_categories, seed=seed,
            max_freelancers=max_freelancers, output_dir=output_dir)
glue("data_note", Markdown(ctx.data_note()), display=False)

# %% tags=["remove-cell"]
roles = claims.roles_from_focus([c for c in ctx.focus if c in ctx.categories])
glue("role_new_ai", roles.new_ai_work or "the first focus category", display=False)
glue("roles_tiered", " and ".join(roles.tiered) or "the other focus categories", display=False)
glue("n_controls", len(ctx.controls), display=False)

# The runner merges every other chapter's estimates into this page's results
# file before it runs. A stored row is used only if it matches a fresh point
# estimate on this run's data; anything missing or stale is computed here with
# the same calls as the chapters. The two share estimates belong to this page:
# always computed here and recorded in the results table.
own = claims.own_ids(roles)
stored = read_results(ctx.results_path)
stored = stored[~stored["id"].isin(own)]
estimates, provenance = claims.gather_estimates(ctx.panels, roles, stored, ctx.controls,
                                                ctx.params["treatment_date"], ctx.params["seed"],
                                                max_freelancers=ctx.params["max_freelancers"])
ctx.record(claims.compute_estimates(ctx.panels, roles, own, ctx.controls, ctx.params["treatment_date"],
                                    ctx.params["seed"], max_freelancers=ctx.params["max_freelancers"]))
others = provenance[~provenance["id"].isin(own)]
glue("n_ids", len(provenance), display=False)
glue("n_own", len(own), display=False)
glue("n_others", len(others), display=False)
glue("n_read", int((others["source"] == "results table").sum()), display=False)
glue("n_computed", int((others["source"] == "computed").sum()), display=False)

check = claims.claim_check(estimates, roles)
verdicts = claims.claim_verdicts(check)
claims.write_check(check, ctx.out / "results" / "claims.csv")
counts = claims.verdict_counts(verdicts)
for word, n in counts.items():
    glue(f"n_claims_{word.replace(' ', '_')}", n, display=False)
for row in verdicts.itertuples():
    glue(f"{row.claim}_verdict", row.verdict, display=False)

e = check.set_index("estimate_id")

# %% tags=["remove-cell"]
glued = {
    "c1": "platform.job_posts",
    "c2": "platform.earnings_per_contract",
    "c3_posts": f"category.{slugify(roles.new_ai_work or '')}.job_posts",
    "c3_share": f"category.{slugify(roles.new_ai_work or '')}.ai_share",
    "c5_rate": "productivity.hourly_rate",
    "c5_expert": "productivity.expert_share",
}
for key, eid in glued.items():
    row = e.loc[eid] if eid in e.index else None
    value = float(row["estimate_pct"]) if row is not None else float("nan")
    glue(f"{key}_est", abs(value), display=False)
    glue(f"{key}_lo", float(row["ci_low_pct"]) if row is not None else float("nan"), display=False)
    glue(f"{key}_hi", float(row["ci_high_pct"]) if row is not None else float("nan"), display=False)
    glue(f"{key}_dir", claims.sign_word(value, "above", "below", "equal to") if key in ("c1", "c2")
         else claims.sign_word(value), display=False)
glue("c4_sentences", Markdown(claims.tier_sentences(check)), display=False)

# %% [markdown]
# ## Data used
#
# {glue:md}`data_note:myst`
#
# The claim check needs {glue:text}`n_ids:d` estimates.
# {glue:text}`n_others:d` of them are made by the chapters: {glue:text}`n_read:d` were read from this run's results table, the table into which every chapter writes its estimates, after checking that each matches a fresh point estimate on this run's data, and {glue:text}`n_computed:d` were computed on this page with the same estimator calls and parameters as the chapters (the estimators are deterministic given the seed, so the numbers are the same either way).
# The other {glue:text}`n_own:d`, the changes in the AI-related and expert-level shares of job posts, are estimated on this page and added to the results table.
#
# ## This run's answers
#
# 1. **Job posts.**
#    Averaged over the months after the release, platform job posts were {glue:text}`c1_est:.1f`% {glue:text}`c1_dir` a projection of the pre-release trend and season (95% interval {glue:text}`c1_lo:.1f`% to {glue:text}`c1_hi:.1f`%; {doc}`02_platform`).
#    Claim 1 is **{glue:text}`c1_verdict`**.
# 2. **Earnings per contract.**
#    Earnings per contract were {glue:text}`c2_est:.1f`% {glue:text}`c2_dir` their projection (95% interval {glue:text}`c2_lo:.1f`% to {glue:text}`c2_hi:.1f`%).
#    Claim 2 is **{glue:text}`c2_verdict`**.
# 3. **New AI work.**
#    Relative to the {glue:text}`n_controls:d` control categories, job posts in {glue:text}`role_new_ai` {glue:text}`c3_posts_dir` by {glue:text}`c3_posts_est:.1f`% (95% interval {glue:text}`c3_posts_lo:.1f`% to {glue:text}`c3_posts_hi:.1f`%), and the share of its posts that are AI-related {glue:text}`c3_share_dir` by {glue:text}`c3_share_est:.1f` percentage points more than in the controls (95% interval {glue:text}`c3_share_lo:.1f` to {glue:text}`c3_share_hi:.1f` points; {doc}`03_categories`).
#    Claim 3 is **{glue:text}`c3_verdict`**.
# 4. **High- and low-value work.**
#    Each tier is compared with the same value tier of the control categories. {glue:md}`c4_sentences:myst`
#
#    Claim 4 is **{glue:text}`c4_verdict`**.
# 5. **More complex, better-paid work.**
#    Within freelancers, hourly rates in the focus categories {glue:text}`c5_rate_dir` by {glue:text}`c5_rate_est:.1f`% relative to freelancers in other categories (95% interval {glue:text}`c5_rate_lo:.1f`% to {glue:text}`c5_rate_hi:.1f`%; {doc}`04_productivity`), and the share of job posts asking for expert-level freelancers {glue:text}`c5_expert_dir` by {glue:text}`c5_expert_est:.1f` percentage points more than in the controls (95% interval {glue:text}`c5_expert_lo:.1f` to {glue:text}`c5_expert_hi:.1f` points).
#    Claim 5 is **{glue:text}`c5_verdict`**.
#
# ## Claim by claim
#
# The table lists every estimate a claim rests on, its claimed sign, the estimate with its 95% interval, p-value and inference method, and the verdict of that estimate.
# The unit column says whether an estimate is a percent change (%) or, for the two shares of job posts, a change in percentage points (pp).
# Each estimate id is the key of the estimate in the run's results table, `results/estimates.csv`; this table itself is written beside it as `results/claims.csv`.

# %% tags=["remove-input"]
claims.display_check(check).pipe(tables.styled).hide(axis="index")

# %% [markdown]
# A claim resting on several estimates is *supported* when all of them are, *partly supported* when some are and none contradicts it, *contradicted* when some contradict it and none supports it, and *conflicting* when both happen; it is *inconclusive* when no interval excludes zero.

# %% tags=["remove-input"]
verdicts.rename(columns={"claim": "Claim", "claim_text": "Claim of the study", "test": "How this book tests it",
                         "n_estimates": "Estimates", "verdict": "Verdict"})[
    ["Claim", "Claim of the study", "How this book tests it", "Estimates", "Verdict"]
].assign(Claim=lambda d: d["Claim"].str.upper()).pipe(tables.styled).hide(axis="index")

# %% [markdown]
# The interval, not the p-value, decides a verdict.
# A category estimate compares one category with the controls, and its randomization p-value cannot be smaller than one over the number of categories compared, whereas its Conley-Taber interval can exclude zero ({doc}`05_methods`).
#
# ## Summary
#
# - Of the five claims of the study, this run finds {glue:text}`n_claims_supported:d` supported, {glue:text}`n_claims_partly_supported:d` partly supported, {glue:text}`n_claims_inconclusive:d` inconclusive, {glue:text}`n_claims_contradicted:d` contradicted and {glue:text}`n_claims_conflicting_evidence:d` with conflicting evidence; {glue:text}`n_claims_not_tested:d` could not be tested with this run's focus categories.
# - Every number above comes from the data named under *Data used*; on the bundled synthetic extract they illustrate the method and say nothing about any real platform.
# - The verdicts are computed: re-run the book on another extract ({doc}`a2_rerun`) and they follow that extract's estimates.
#
# ## References
#
# ```{bibliography}
# :filter: docname in docnames
# ```

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
# Platform-wide series mix {glue:text}`treatment_label` with everything else that changed after {glue:text}`treatment_day` ({doc}`02_platform`).
# This chapter compares categories with each other instead: each focus category is set against control categories that generative AI affected less, before and after the release, in a difference-in-differences design.
# Common shocks to the platform, such as the economy, the season or changes to fees, fall out of the comparison.
#
# The task framework of {doc}`01_history` gives two hypotheses {cite:p}`acemoglu2019automation`, the same as in the study this book re-creates {cite:p}`upwork2024genai`.
# Where generative AI creates new work, as it should in Data Science & Analytics, job posts should rise, and the rise should come from AI-related work (*reinstatement*).
# Where it can do the work itself, as in Writing and Translation, small routine contracts should fall while larger ones, which still need a person, hold up or grow (*displacement at the low end*); platform studies of the first months after the release found falls in this kind of work {cite:p}`hui2024short,demirci2025who`.
# The chapter first shows the effects for all categories in one figure, then follows each hypothesis, and ends with checks of the design: event studies with a test of pre-release trends, and placebo releases one year earlier.
# In this run the focus categories are {glue:text}`focus_list` and the controls are {glue:text}`n_controls:d` other categories.
# {glue:text}`left_out_sentence`

# %% tags=["parameters", "remove-cell"]
data_dir = ""
start = "2021-01-01"
end = "2024-06-30"
treatment_date = "2022-11-30"
treatment_label = "ChatGPT's release"
value_threshold_usd = 1000.0
focus_categories = ["Data Science & Analytics", "Writing", "Translation"]
control_categories = []
least_exposed_controls = ["Engineering & Architecture", "IT & Networking"]
seed = 20240501
max_freelancers = 25000
output_dir = ""

# %% tags=["remove-cell"]
from analysis import estimation as est
from analysis.estimation import shares
from analysis.estimation import honest
from analysis.core.periods import placebo_date
from analysis.data.panels import tier_rule
from analysis.core.text import slugify
from analysis.page import Page
from analysis.report import figures, frames, tables, words
from analysis.results import estimates_by_id

page = Page(globals())
cm = page.panels["category_month"]
td = page.treatment_date
focus = page.focus
controls = page.controls
page.glue("focus_list", words.name_list(focus))
page.glue("n_controls", len(controls))
left = page.left_out
page.glue("left_out_sentence", "" if not left else
          f"Left out of every comparison: {words.name_list(left)}, without job posts before or after "
          f"{page.params['treatment_label']} (a category created later, or one that ended earlier, "
          "cannot be compared before and after).")
page.glue("threshold", float(page.params["value_threshold_usd"]))
page.glue("tier_rule", words.tier_rule_text(tier_rule(page.contracts.columns), page.params["value_threshold_usd"],
                                            page.params["tier_quantile"], page.params["tier_horizon_days"]))

# %% [markdown]
# ## Data used
#
# {glue:md}`data_note:myst`
#
# Job posts, AI-related posts and earnings per contract are monthly totals by category; contracts by value tier are monthly counts by category and tier ({doc}`a1_data` defines both).
# Contracts are split into tiers {glue:text}`tier_rule`.
# The split never uses a contract's own realised earnings against a fixed cut: anything that raises contract values (more expert work, inflation, longer contracts) would otherwise move contracts from the low to the high tier and look like displacement.
#
# ## How the effects are estimated
#
# Each effect is the coefficient of a two-way fixed-effects regression of the logarithm of a monthly outcome on an indicator for "focus category, after the release", with category and month fixed effects; it is reported as a percent change, $100\,(e^{b}-1)$.
# {glue:text}`month_rule`
# The contrast between low- and high-value contracts is a triple difference: low relative to high value, focus relative to control categories, after relative to before.
#
# With {glue:text}`n_units:d` categories and one treated category per comparison, cluster-robust standard errors are unreliable and the wild cluster bootstrap does not help {cite:p}`cameron2008bootstrap,mackinnon2018wild`.
# The p-values are therefore from randomization inference: the treatment is placed on each category of the comparison in turn and the model refitted, and the p-value is the share of placements with an effect at least as large as the actual one {cite:p}`young2019channeling`.
# {glue:text}`p_floor`
# The 95% intervals follow {cite:t}`conley2011inference`: the estimation error of the treated category is taken to be distributed like the placebo effects of the control categories.
# The text reads an estimate as support for a hypothesis when its whole interval lies on the predicted side of zero.
# {doc}`05_methods` sets out the estimators and their assumptions in full.

# %% tags=["remove-cell"]
effects = page.estimate(est.category_effects, page.panels, focus, controls)
by_id = estimates_by_id(effects)
page.glue("n_units", len(controls) + 1)
page.glue("p_floor", words.p_floor_sentence(len(controls) + 1))

# %% [markdown]
# ## All categories at once

# %% tags=["remove-cell"]
all_effects = page.estimate(est.all_category_effects, cm, focus, controls, effects)
forest_data = frames.forest_frame(all_effects, frames.category_labels(all_effects, page.categories),
                                  {"job_posts": "Job posts", "earnings_per_contract": "Earnings per contract"})
control_posts = forest_data[~forest_data["category"].isin(focus) & (forest_data["outcome"] == "Job posts")]
page.glue("n_control_effects", len(control_posts))
page.glue("n_control_excl", words.count_where((control_posts["ci_low_pct"] > 0) | (control_posts["ci_high_pct"] < 0)))
page.glue("control_max_abs", float(control_posts["estimate_pct"].abs().max()))

# %% mystnb={"figure": {"caption": "Change after the release in job posts and in earnings per contract, by category, relative to control categories, with 95% intervals; focus categories in colour. Data: {glue:text}`data_label`.", "name": "fig-categories-effects"}, "image": {"alt": "Forest plot with one row per category and two panels, job posts and earnings per contract. Each row shows a point estimate in percent with a horizontal 95% interval; focus categories are drawn in colour at the top, the control categories in grey below, and a vertical line marks zero."}} tags=["remove-input"]
page.figure("fig-categories-effects", figures.forest(forest_data, highlight=focus), forest_data)

# %% [markdown]
# How to cite this figure: {glue:md}`cite_categories_effects`
#
# {numref}`fig-categories-effects` shows every category's change in one view.
# Focus categories are compared with all control categories; each control category is compared with the other controls by the same estimator.
# The control rows are a benchmark for noise: no effect was expected for them, and the interval for job posts excludes zero for {glue:text}`n_control_excl:d` of the {glue:text}`n_control_effects:d` control categories, with the largest control estimate at {glue:text}`control_max_abs:.1f`% in absolute value.
# The table lists the five estimates of each focus category.

# %% tags=["remove-input"]
tables.display_estimates(effects)

# %% [markdown]
# ## Relative to which controls

# %% tags=["remove-cell"]
loo = est.leave_one_out(page.panels, focus, controls, effects, treatment_date=td, seed=page.seed)
least = [c for c in page.params["least_exposed_controls"] if c in controls]
least_effects = page.estimate(est.least_exposed_effects, page.panels, focus, least)
page.glue("n_loo", len(loo))
page.glue("n_loo_drives", words.count_where(loo["drives"]) if len(loo) else 0)
page.glue("loo_max_shift", float(loo["shift_pct"].abs().max()) if len(loo) else float("nan"))
page.glue("least_list", words.name_list(least) if least else "none of the named categories")
page.glue("least_sentence", "" if least_effects else
          "No least-exposed control category of the parameter least_exposed_controls is among this run's "
          "controls, so there is no such row.")
loo_table = frames.leave_one_out_table(loo)
loo_data = frames.leave_one_out_frame(loo)

# %% [markdown]
# Every estimate of this chapter is relative to the control categories: it is the focus category's change minus the controls' change.
# If generative AI also touched the controls, as it may have touched Web, Mobile & Software Dev, Design & Creative or Sales & Marketing, a change common to all categories is differenced away: with every control up by 5% and a focus category up by 20%, the estimate is about 14% ($1.20/1.05 - 1$), the difference, not the focus category's own change.
# A positive estimate therefore says the focus category gained more than the controls, not that it gained; a negative one that it gained less or lost more.
#
# Two checks show how much the choice of controls matters.
# First, each focus estimate is re-estimated leaving out each control category in turn ({glue:text}`n_loo:d` refits, point estimates only); a single control *drives* an estimate when leaving it out moves the estimate outside the full estimate's 95% interval or flips its sign.
# That happens in {glue:text}`n_loo_drives:d` of the refits, and the largest change of an estimate is {glue:text}`loo_max_shift:.1f` percentage points.
# {numref}`fig-categories-leave-one-out` shows every refit, and the table, for each focus estimate, the range of the estimates without one control.

# %% mystnb={"figure": {"caption": "Each focus estimate with every control category (diamond, with its 95% interval) and with one control category left out at a time (grey circles; a red cross where leaving that control out moves the estimate outside the interval or flips its sign), point estimates relative to the controls. Data: {glue:text}`data_label`.", "name": "fig-categories-leave-one-out"}, "image": {"alt": "Dot plot with one row per focus estimate (category and measure). Each row has a diamond with a horizontal 95% interval for the estimate with all controls, small grey circles for the estimates with one control left out, red crosses for those that fall outside the interval, and a vertical line at zero."}} tags=["remove-input"]
page.figure("fig-categories-leave-one-out", figures.leave_one_out(loo_data), loo_data)

# %% [markdown]
# How to cite this figure: {glue:md}`cite_categories_leave_one_out`

# %% tags=["remove-input"]
tables.display_frame(loo_table, {c: "{:.1f}" for c in loo_table.columns if c.endswith("(%)")}, index=False)

# %% [markdown]
# Second, the focus categories are compared with the control categories least exposed to generative AI alone: {glue:text}`least_list` (parameter `least_exposed_controls`, a judgement from the exposure studies of {doc}`01_history`, not a measured ranking).
# With so few controls the intervals are wide, so the row is a check of direction and size, not of significance.
# {glue:text}`least_sentence`

# %% tags=["remove-input"]
tables.display_estimates(least_effects) if least_effects else None

# %% [markdown]
# ## New AI work: reinstatement

# %% tags=["remove-cell"]
ai_summary = frames.ai_share_summary(cm, [c for c in page.categories if c not in page.left_out], td)
top = ai_summary.loc[focus, "change_pp"].idxmax()
page.glue("ai_top", top)
page.glue("ai_top_before", float(ai_summary.loc[top, "share_before_pct"]))
page.glue("ai_top_after", float(ai_summary.loc[top, "share_after_pct"]))
page.glue("ai_controls_change", float(ai_summary.loc[controls, "change_pp"].mean()))

counts = estimates_by_id([e for cat in focus for e in page.estimate(shares.post_count_dids, cm, cat, controls)])
ai_share_dids = estimates_by_id([page.estimate(shares.ai_share_did, cm, cat, controls) for cat in focus])
top_posts = by_id[f"category.{slugify(top)}.job_posts"]
top_ai = counts[f"category.{slugify(top)}.ai_posts"]
top_other = counts[f"category.{slugify(top)}.other_posts"]
page.say("ai_top_posts", top_posts, expected=+1)
page.say("ai_top_ai_posts", top_ai, unit=words.unit(top_ai))
page.say("ai_top_other", top_other, unit=words.unit(top_other))
page.glue("ai_top_total", top_ai.estimate_pct + top_other.estimate_pct)
page.say("ai_top_share_did", ai_share_dids[f"category.{slugify(top)}.ai_share"], unit=" pp")
page.glue("ai_top_source", words.post_split(top_ai, top_other))
count_rows = [counts[f"category.{slugify(c)}.{k}"] for c in focus for k in ("ai_posts", "other_posts")]

ai_data = frames.ai_share_long(cm, focus, controls)

# %% [markdown]
# If generative AI creates new work, the new work should be visible in what clients ask for.
# {numref}`fig-categories-ai-share` shows the share of job posts flagged as AI-related.
# Among the focus categories, the share rose most in {glue:text}`ai_top`, from {glue:text}`ai_top_before:.1f`% of posts in the twelve months before the release to {glue:text}`ai_top_after:.1f`% in the twelve months after; in the control categories it changed by {glue:text}`ai_controls_change:.1f` percentage points on average.

# %% mystnb={"figure": {"caption": "Share of job posts that are AI-related, by month, for each focus category and for the control categories pooled; dashed line: {glue:text}`treatment_label`. Data: {glue:text}`data_label`.", "name": "fig-categories-ai-share"}, "image": {"alt": "Line chart of the monthly percentage of AI-related job posts, one coloured line per focus category and a grey line for the pooled control categories, with a dashed vertical line at the release."}} tags=["remove-input"]
page.figure("fig-categories-ai-share", figures.ai_share(ai_data, td, highlight=focus), ai_data)

# %% [markdown]
# How to cite this figure: {glue:md}`cite_categories_ai_share`
#
# Against the controls, the AI-related share of posts in {glue:text}`ai_top` {glue:text}`ai_top_share_did`; since the share starts near zero, that rise says little about where the growth came from, and the study's claim of new AI work is read on post counts instead.
# Relative to the control categories, job posts in {glue:text}`ai_top` {glue:text}`ai_top_posts`.
# Counted in percent of the category's mean monthly posts before the release (each control category scaled by its own), its AI-related posts {glue:text}`ai_top_ai_posts` against the controls, and the posts that are not AI-related {glue:text}`ai_top_other`.
# The two parts add up to the change in all its posts in that unit, {glue:text}`ai_top_total:+.1f` percentage points of pre-release posts (a change of levels, not the percent change of the log model above, though close to it).
# The change in job posts therefore {glue:text}`ai_top_source`.
# This evidence {glue:text}`ai_top_posts_verdict` the hypothesis that job posts in {glue:text}`ai_top` rose after the release.
# The first table gives the AI-related share and the change in AI-related and other posts (percent changes of the mean monthly count) for every category; the second the two post-count estimates of every focus category, which the summary's check of claim 3 uses.

# %% tags=["remove-input"]
tables.ai_table(ai_summary)

# %% tags=["remove-input"]
tables.display_estimates(count_rows)

# %% tags=["remove-cell"]
loo_ai = shares.leave_one_out_ai(cm, focus, controls, count_rows + list(ai_share_dids.values()), td, page.seed)
page.glue("n_loo_ai", len(loo_ai))
page.glue("n_loo_ai_drives", words.count_where(loo_ai["drives"]) if len(loo_ai) else 0)
page.glue("loo_ai_max_shift", float(loo_ai["shift_pct"].abs().max()) if len(loo_ai) else float("nan"))
loo_ai_table = frames.leave_one_out_table(loo_ai, unit="pp")

# %% [markdown]
# The same leave-one-control-out check as for the estimates above, on these percentage-point estimates (the AI-related and other posts, and the AI-related share): {glue:text}`n_loo_ai:d` refits, of which {glue:text}`n_loo_ai_drives:d` move an estimate outside its 95% interval or flip its sign; the largest change is {glue:text}`loo_ai_max_shift:.1f` percentage points.

# %% tags=["remove-input"]
tables.display_frame(loo_ai_table, {c: "{:.1f}" for c in loo_ai_table.columns if c.endswith("(pp)")}, index=False)

# %% [markdown]
# ## Low- and high-value contracts

# %% tags=["remove-cell"]
gaps = [by_id[f"category.{slugify(cat)}.contracts.tier_gap"] for cat in focus]
page.glue("n_focus", len(focus))
page.glue("n_gap_neg", words.count_where(g.estimate_pct < 0 for g in gaps))
page.glue("n_gap_neg_excl", words.count_where(g.estimate_pct < 0 and words.excludes_zero(g) for g in gaps))
worst = words.name_of_min(focus, [g.estimate_pct for g in gaps])
page.glue("tier_worst", worst)
page.say("tier_low", by_id[f"category.{slugify(worst)}.contracts.low_value"])
page.say("tier_high", by_id[f"category.{slugify(worst)}.contracts.high_value"], expected=+1)
page.say("tier_gap", by_id[f"category.{slugify(worst)}.contracts.tier_gap"], expected=-1)
page.say("tier_epc", by_id[f"category.{slugify(worst)}.earnings_per_contract"])

tier_data = frames.tier_index_long(page.panels["category_tier_month"], focus, controls, td)

# %% [markdown]
# Displacement should show at the low end of the market.
# {numref}`fig-categories-tiers` splits each focus category's contracts into the two tiers and indexes both to their pre-release level.
# The triple difference, low- relative to high-value contracts in a focus category relative to the same contrast in the controls, is negative in {glue:text}`n_gap_neg:d` of the {glue:text}`n_focus:d` focus categories, and its interval excludes zero in {glue:text}`n_gap_neg_excl:d` of them.

# %% mystnb={"figure": {"caption": "Low- and high-value contracts (tiers as in Data used), by month, indexed to their pre-release mean (= 100), for each focus category and the control categories pooled; dashed line: {glue:text}`treatment_label`. Data: {glue:text}`data_label`.", "name": "fig-categories-tiers"}, "image": {"alt": "Stacked line charts, one panel per focus category and one for the pooled control categories, each with two lines, low-value and high-value contracts, indexed to 100 before the release, and a dashed vertical line at the release."}} tags=["remove-input"]
page.figure("fig-categories-tiers", figures.tier_series(tier_data, td), tier_data)

# %% [markdown]
# How to cite this figure: {glue:md}`cite_categories_tiers`
#
# The split is sharpest in {glue:text}`tier_worst`.
# Relative to the same tier in the control categories, its low-value contracts {glue:text}`tier_low` and its high-value contracts {glue:text}`tier_high`.
# Relative to high-value contracts, low-value ones therefore {glue:text}`tier_gap`, and earnings per contract {glue:text}`tier_epc`.
# The tier contrast {glue:text}`tier_gap_verdict` displacement concentrated at the low end, and the high-value tier on its own {glue:text}`tier_high_verdict` a gain in high-value work.
# The low-, high-value and gap estimates of every focus category are in the table of the previous section (ids ending in `contracts.low_value`, `contracts.high_value` and `contracts.tier_gap`).
#
# ### The whole distribution

# %% tags=["remove-cell"]
tiered = focus[1:] or focus
curve = est.share_above_curves(page.contracts, tiered, controls, treatment_date=td, seed=page.seed)
page.glue("dist_column", "budget at posting" if curve["column"].iloc[0] == "budget_usd" else "realised earnings")
page.glue("dist_n", int(curve["threshold"].nunique()))
page.glue("dist_lo", float(curve["threshold"].min()))
page.glue("dist_hi", float(curve["threshold"].max()))
at_cut = est.curve_at(curve, worst if worst in tiered else tiered[0], page.params["value_threshold_usd"])
page.glue("dist_cat", str(at_cut["category"]))
page.glue("dist_k", float(at_cut["threshold"]))
page.glue("dist_pp", float(at_cut["estimate_pp"]))
page.glue("dist_pp_lo", float(at_cut["ci_low_pp"]))
page.glue("dist_pp_hi", float(at_cut["ci_high_pp"]))
page.glue("dist_n_excl", words.count_where((curve["ci_low_pp"] > 0) | (curve["ci_high_pp"] < 0)))
page.glue("dist_n_all", len(curve))

# %% [markdown]
# Two tiers cut at one threshold cannot tell displacement from a shift of the whole distribution of contract values.
# {numref}`fig-tier-distribution` therefore repeats the difference in differences for the share of contracts whose {glue:text}`dist_column` is at or above each of {glue:text}`dist_n:d` thresholds from USD {glue:text}`dist_lo:,.0f` to USD {glue:text}`dist_hi:,.0f`, with the same randomization inference as the tier estimates.
# If low-value work is displaced and nothing else changes, the contracts above the cut are untouched and only fewer remain below it, so the shares above every threshold at or above the cut rise in the same proportion to their pre-release level.
# If instead the whole distribution moves up, contracts cross every threshold, and the shares above high thresholds rise proportionally more.
# In {glue:text}`dist_cat` the share of contracts at or above USD {glue:text}`dist_k:,.0f` changed by {glue:text}`dist_pp:+.1f` percentage points relative to the controls (95% interval {glue:text}`dist_pp_lo:+.1f` to {glue:text}`dist_pp_hi:+.1f`); over all tiered categories and thresholds, {glue:text}`dist_n_excl:d` of the {glue:text}`dist_n_all:d` intervals exclude zero.

# %% mystnb={"figure": {"caption": "Change after the release in the share of contracts at or above each value threshold (percentage points), each tiered focus category relative to the control categories, with 95% intervals; dotted line: the tier threshold. Data: {glue:text}`data_label`.", "name": "fig-tier-distribution"}, "image": {"alt": "One panel per tiered focus category. Each shows a line of point estimates, in percentage points, against contract-value thresholds on a logarithmic axis, with a shaded 95% interval band, a horizontal line at zero and a dotted vertical line at the tier threshold."}} tags=["remove-input"]
page.figure("fig-tier-distribution", figures.tier_distribution(curve, page.params["value_threshold_usd"]), curve)

# %% [markdown]
# How to cite this figure: {glue:md}`cite_tier_distribution`
#
# ## Event studies and pre-release trends

# %% tags=["remove-cell"]
studies = {cat: page.estimate(est.event_study, cm, "job_posts", cat, controls, window=(-12, 18))
           for cat in focus}
pretrends = [est.pretrend_estimate(es, f"category.{slugify(cat)}.job_posts.pretrend", "job_posts",
                                   f"{cat} vs {len(controls)} control categories, pre-release event-study months")
             for cat, es in studies.items()]
page.record(pretrends)
page.glue("pretrend_min_p", min(e.p_value for e in pretrends))
page.glue("pretrend_n_low", words.count_where(e.p_value < 0.10 for e in pretrends))
linear = {cat: honest.linear_pretrend(honest.event_study_cov(cm, "job_posts", cat, "job_posts", controls, td))
          for cat in focus}
lin_p = min(r["p_value"] for r in linear.values())
page.glue("linear_min_p", lin_p)
page.glue("linear_n_low", words.count_where(r["p_value"] < 0.05 for r in linear.values()))
page.glue("linear_max_slope", max(abs(r["slope_pct"]) for r in linear.values()))
page.glue("pretrend_word", words.pretrend_words(min(e.p_value for e in pretrends), lin_p))

event_data = frames.event_frame(studies)

# %% [markdown]
# A difference-in-differences design assumes that, without the release, the focus categories would have moved in parallel with the controls.
# The event study replaces the single after-release indicator with one coefficient per month relative to the release, so that the months before the release show whether the categories were already drifting apart.
# Months more than twelve before or eighteen after the first post-release month are pooled into the end points.
# Each coefficient is measured from the average of the pre-release months rather than from one month, so that one unusual month before the release does not shift the whole curve; a steady pre-release trend shows as points climbing or falling through zero before the dashed line.
# The joint test that every pre-release coefficient is zero is by randomization over categories, like the p-values above.

# %% mystnb={"figure": {"caption": "Event-study estimates of job posts relative to control categories, by month relative to the first month after the release, each measured from the mean of the pre-release months, with 95% intervals. Data: {glue:text}`data_label`.", "name": "fig-categories-event-study"}, "image": {"alt": "One panel per focus category: points joined by a line, one per month from twelve months before to eighteen months after the release, with a shaded 95% band, a horizontal line at zero and a dashed vertical line between the last month before and the first month after the release."}} tags=["remove-input"]
page.figure("fig-categories-event-study", figures.event_study(event_data), event_data)

# %% [markdown]
# How to cite this figure: {glue:md}`cite_categories_event_study`
#
# In {numref}`fig-categories-event-study` the lowest joint p-value of the pre-release coefficients across the focus categories is {glue:text}`pretrend_min_p:.2f` ({glue:text}`pretrend_n_low:d` of the tests below 0.10).
# With so few categories that randomization test is coarse, and a steady drift can pass it.
# A line fitted to all pre-release coefficients at once (by generalised least squares, {doc}`05_methods`) is a sharper test of such a drift: the steepest slope among the focus categories is {glue:text}`linear_max_slope:.2f`% a month, and the smallest p-value of a zero slope is {glue:text}`linear_min_p:.3f` ({glue:text}`linear_n_low:d` below 0.05).
# Together the two tests {glue:text}`pretrend_word` parallel pre-release trends; the post-release coefficients show how the effects evolved month by month after the release.
# Whatever the tests say, the claim check of {doc}`00_summary` counts a category estimate only if it survives a linear pre-release trend continuing after the release.

# %% tags=["remove-input"]
tables.pretrend_table(studies)

# %% [markdown]
# ## Placebo releases one year earlier

# %% tags=["remove-cell"]
placebos = [page.estimate(est.placebo_did, cm, outcome, cat, controls, id=f"category.{slugify(cat)}.{outcome}.placebo")
            for cat in focus for outcome in ("job_posts", "earnings_per_contract")]
page.glue("placebo_date", placebo_date(td))
page.glue("n_placebo", len(placebos))
page.glue("n_placebo_excl", words.count_where(words.excludes_zero(e) for e in placebos))

placebo_data = frames.placebo_forest_frame([by_id[f"category.{slugify(cat)}.job_posts"] for cat in focus],
                                           [e for e in placebos if e.outcome == "job_posts"], focus)

# %% [markdown]
# A design that finds effects where there should be none would be suspect.
# The placebo check moves the release to {glue:text}`placebo_date`, one year earlier, and re-estimates every focus category's change in job posts and earnings per contract on pre-release data only.
# Of the {glue:text}`n_placebo:d` placebo estimates, {glue:text}`n_placebo_excl:d` have an interval that excludes zero ({numref}`fig-categories-placebo`).

# %% mystnb={"figure": {"caption": "Change in job posts of each focus category relative to the controls at the actual release (left) and at a placebo release one year earlier using pre-release data only (right), with 95% intervals. Data: {glue:text}`data_label`.", "name": "fig-categories-placebo"}, "image": {"alt": "Two-panel forest plot with one row per focus category: the left panel shows the estimated change in job posts at the actual release, the right panel at a placebo date one year earlier, each with a horizontal 95% interval and a vertical line at zero."}} tags=["remove-input"]
page.figure("fig-categories-placebo", figures.forest(placebo_data, highlight=focus), placebo_data)

# %% [markdown]
# How to cite this figure: {glue:md}`cite_categories_placebo`

# %% tags=["remove-input"]
tables.display_estimates(placebos)

# %% [markdown]
# ## Summary
#
# - Relative to the control categories, job posts in {glue:text}`ai_top` {glue:text}`ai_top_posts` after the release; counted in percent of its pre-release monthly posts, its AI-related posts {glue:text}`ai_top_ai_posts` and its other posts {glue:text}`ai_top_other`, so the change {glue:text}`ai_top_source`; this evidence {glue:text}`ai_top_posts_verdict` the reinstatement hypothesis ({numref}`fig-categories-ai-share`).
# - In {glue:text}`tier_worst`, relative to high-value contracts, low-value ones {glue:text}`tier_gap`; the tier contrast is negative in {glue:text}`n_gap_neg:d` of {glue:text}`n_focus:d` focus categories ({numref}`fig-categories-tiers`).
# - All categories' effects are in {numref}`fig-categories-effects`; control categories compared with each other give a benchmark for noise.
# - The pre-release event-study coefficients give a lowest joint p-value of {glue:text}`pretrend_min_p:.2f` ({numref}`fig-categories-event-study`), and {glue:text}`n_placebo_excl:d` of {glue:text}`n_placebo:d` placebo estimates one year earlier have an interval excluding zero ({numref}`fig-categories-placebo`).
# - Every estimate is stored in the results table under the id shown beside it ({doc}`a3_reproducibility`).
#
# ## References
#
# ```{bibliography}
# :filter: docname in docnames
# ```

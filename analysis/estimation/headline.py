"""The headline estimates a parameter sweep repeats for every alternative parameter set."""

from __future__ import annotations


def headline_estimates(params: dict, backend: str = "duckdb") -> list:
    """Headline estimates of one parameter set, straight from the estimators (no notebooks)."""
    from analysis.data.panels import build_panels
    from analysis.estimation import category_effects, platform_counterfactual, within_freelancer
    from analysis.estimation.common import estimate_or_not

    panels = build_panels(params["data_dir"], params["value_threshold_usd"], params["start"], params["end"],
                          backend=backend, treatment_date=params["treatment_date"],
                          tier_quantile=params["tier_quantile"], tier_horizon_days=params["tier_horizon_days"])
    focus = list(params["focus_categories"])
    controls = list(params["control_categories"]) or None
    kw = dict(treatment_date=params["treatment_date"], seed=params["seed"])
    ests = list(category_effects(panels, focus, controls, **kw))
    for outcome in ("job_posts", "contracts", "earnings_per_contract"):
        ests.append(platform_counterfactual(panels["category_month"], outcome, **kw)[1])
    fm = panels["freelancer_month"]
    ests.append(estimate_or_not(within_freelancer, fm, "hourly_rate", focus,
                                max_freelancers=params["max_freelancers"], **kw))
    return ests

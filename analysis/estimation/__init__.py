"""Estimation: fits on their native scale, one inference registry, conversion to estimates.

Modules: :mod:`.inference` (randomization inference with Conley-Taber
intervals, wild cluster bootstrap, CRV1: :func:`~.inference.infer`),
:mod:`.did` (difference-in-differences, tier gap, placebo),
:mod:`.event_study`, :mod:`.counterfactual` (platform projection),
:mod:`.freelancer` (within-freelancer), :mod:`.shares` (share DiDs of the
claim check), :mod:`.checks` (textbook replications, small Monte Carlo),
:mod:`.headline` (the estimates a parameter sweep repeats), :mod:`.decompose`
(within-category and category-mix parts of the change in earnings per contract),
:mod:`.real` (the projection of CPI-deflated earnings per contract), :mod:`.distribution`
(DiD of the share of contracts above each of a grid of value thresholds),
:mod:`.common` (sample preparation, and :class:`~.common.NotEstimable`: the
error an estimator raises when the data leave its design with nothing to
compare, which the pages record as a "not estimated" row).
"""

from __future__ import annotations

import importlib
import sys

#: Public name -> the module (relative to this package) that defines it. The submodules are
#: imported on first use (:func:`__getattr__`), so that a page needing only the results layer
#: does not pay for pyfixest, statsmodels and numba at import.
_LAZY = {
    'pct': '..results.convert',
    'NotEstimable': '.common',
    'platform_counterfactual': '.counterfactual',
    'platform_series': '.counterfactual',
    'SHIFT_SHARE_COLUMNS': '.decompose',
    'ShiftShare': '.decompose',
    'shift_share': '.decompose',
    'real_platform_counterfactual': '.real',
    'DEFAULT_GRID': '.distribution',
    'curve_at': '.distribution',
    'share_above_curves': '.distribution',
    'share_above_did': '.distribution',
    'TREATMENT_DATE': '.did',
    'DiD2x2': '.did',
    'all_category_effects': '.did',
    'category_effects': '.did',
    'comparable_categories': '.did',
    'did_2x2': '.did',
    'did_panel': '.did',
    'least_exposed_effects': '.did',
    'leave_one_out': '.did',
    'placebo_did': '.did',
    'run_categories': '.did',
    'tier_gap_did': '.did',
    'EventStudy': '.event_study',
    'event_study': '.event_study',
    'pretrend_estimate': '.event_study',
    'BALANCED_OUTCOMES': '.freelancer',
    'MAX_FREELANCERS': '.freelancer',
    'balanced_within_freelancer': '.freelancer',
    'sample_freelancers': '.freelancer',
    'within_freelancer': '.freelancer',
    'DEFAULT_B': '.inference',
    'DEFAULT_SEED': '.inference',
    'MAX_ENUMERATE': '.inference',
    'METHODS': '.inference',
    'N_RANDOM_ASSIGNMENTS': '.inference',
    'WEBB_POINTS': '.inference',
    'Inference': '.inference',
    'infer': '.inference',
    'randomization_assignments': '.inference',
    'wild_cluster_bootstrap': '.inference',
}

__all__ = sorted(_LAZY)


def __getattr__(name: str):
    """Import the submodule defining ``name`` on first access (PEP 562) and cache the attribute."""
    if name not in _LAZY:  # a submodule (``estimation.honest``) is imported on first access too
        try:
            return importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(_LAZY[name], __name__), name)
    globals()[name] = value
    # Importing a submodule binds its name on the package; where a lazy name is the same as its
    # module's (``event_study``), the name must stay the function, whichever name was reached first.
    short = _LAZY[name].lstrip(".")
    if _LAZY.get(short) == _LAZY[name]:
        globals()[short] = getattr(sys.modules[f"{__name__}.{short}"], short)
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))

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
(DiD of the share of contracts above each of a grid of value thresholds).
"""

from ..results.convert import pct  # noqa: F401
from .counterfactual import platform_counterfactual, platform_series  # noqa: F401
from .decompose import SHIFT_SHARE_COLUMNS, ShiftShare, shift_share  # noqa: F401
from .real import real_platform_counterfactual  # noqa: F401
from .distribution import DEFAULT_GRID, curve_at, share_above_curves, share_above_did  # noqa: F401
from .did import (  # noqa: F401
                  TREATMENT_DATE,
                  DiD2x2,
                  all_category_effects,
                  category_effects,
                  comparable_categories,
                  did_2x2,
                  did_panel,
                  least_exposed_effects,
                  leave_one_out,
                  placebo_did,
                  run_categories,
                  tier_gap_did,
)
from .event_study import EventStudy, event_study, pretrend_estimate  # noqa: F401
from .freelancer import (BALANCED_OUTCOMES, MAX_FREELANCERS, balanced_within_freelancer,  # noqa: F401
                         sample_freelancers, within_freelancer)
from .inference import (  # noqa: F401
                  DEFAULT_B,
                  DEFAULT_SEED,
                  MAX_ENUMERATE,
                  METHODS,
                  N_RANDOM_ASSIGNMENTS,
                  WEBB_POINTS,
                  Inference,
                  infer,
                  randomization_assignments,
                  wild_cluster_bootstrap,
)

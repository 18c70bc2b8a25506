"""Results: the :class:`Estimate` record, its id scheme and the results table every run writes.

Estimation sits above this layer: an estimator fits on its native scale and
turns the fit into an :class:`Estimate` with
:func:`analysis.results.convert.estimate_from_fit`.
"""

from .store import (FLOAT_FORMAT, NOT_ESTIMATED, RESULT_COLUMNS, Estimate, estimates_by_id, not_estimated,  # noqa: F401
                    not_estimated_reason, read_results, results_frame, write_results)

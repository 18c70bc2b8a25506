"""Results: the :class:`Estimate` record, its id scheme and the results table every run writes.

Estimation sits above this layer: an estimator fits on its native scale and
turns the fit into an :class:`Estimate` with
:func:`analysis.results.convert.estimate_from_fit`.
"""

from .store import FLOAT_FORMAT, RESULT_COLUMNS, Estimate, estimates_by_id, read_results, results_frame, write_results  # noqa: F401

"""Shared fixtures: small synthetic extracts written once per test session."""

from __future__ import annotations

import os

import pytest

# Kernels and subprocesses started by the tests inherit these: one BLAS thread
# gives reproducible float sums (nbval compares outputs) and is faster on 2 cores.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

from analysis.data.simulate import World, write_extract

#: xdist groups whose tests start first, one per worker: the book builds (see ``make test``).
FIRST_GROUPS = ("book", "run")


def _xdist_group(item) -> str | None:
    names = {str(m.args[0] if m.args else m.kwargs.get("name", "default")) for m in item.iter_markers("xdist_group")}
    return "_".join(sorted(names)) or None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Keep each ``xdist_group`` on one worker, and start the book builds first.

    pytest-xdist 3.8 groups tests by renaming them ``<nodeid>@<group>`` through
    ``item._nodeid``, which pytest 9 no longer reads (a node's id is
    ``item._id``): every group was spread over both workers, and each worker
    built the book of a module-scoped fixture once more. The group is added to
    the id here as xdist meant to. The tests of :data:`FIRST_GROUPS` come
    first in the collection, so that with ``--no-loadscope-reorder`` (``make
    test``) each build starts on its own worker at once and the short tests
    fill in around them.
    """
    if getattr(config.option, "loadgroup", False):
        from _pytest.nodeid import coerce_node_id

        for item in items:
            group = _xdist_group(item)
            if group and not item.nodeid.endswith(f"@{group}"):
                item._id = coerce_node_id(f"{item.nodeid}@{group}")
    rank = {g: k for k, g in enumerate(FIRST_GROUPS)}
    items.sort(key=lambda item: rank.get(_xdist_group(item), len(rank)))


@pytest.fixture(scope="session")
def small_extract(tmp_path_factory):
    """A 30,000-post extract with planted effects (Parquet) and its truth."""
    out = tmp_path_factory.mktemp("small_extract")
    truth = write_extract(World(n_posts=30_000, seed=7), out)
    return out, truth


@pytest.fixture(scope="session")
def null_extract(tmp_path_factory):
    """A 30,000-post extract from the no-effect world."""
    out = tmp_path_factory.mktemp("null_extract")
    truth = write_extract(World(n_posts=30_000, seed=8, effects=False), out)
    return out, truth

"""Shared fixtures: small synthetic extracts written once per test session."""

from __future__ import annotations

import os

import pytest

# Kernels and subprocesses started by the tests inherit these: one BLAS thread
# gives reproducible float sums (nbval compares outputs) and is faster on 2 cores.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

from analysis.data.simulate import World, write_extract


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

"""A run that sees its extract change publishes nothing and leaves no cache entry of the changed data."""

from __future__ import annotations

import os

import pytest

from analysis.build.integrity import ExtractChanged, check_unchanged
from analysis.data.extract import extract_checksum
from analysis.data.simulate import World, write_extract


def test_changed_extract_is_caught_and_the_runs_cache_entries_removed(tmp_path):
    data = tmp_path / "extract"
    write_extract(World(n_posts=2_000, seed=5), data)
    checksum = extract_checksum(data)
    before = tmp_path / "cache" / "panels" / "old-entry"
    before.mkdir(parents=True)
    os.utime(before, ns=(1, 1))
    started = 2
    made = tmp_path / "cache" / "chapters" / "03" / "key"
    made.mkdir(parents=True)
    fresh_panels = tmp_path / "cache" / "panels" / "new-entry"
    fresh_panels.mkdir()
    check_unchanged(data, checksum, [made], tmp_path / "cache" / "panels", started)  # unchanged: no-op
    assert made.exists() and fresh_panels.exists()
    # Replace a file (as another process would during a run).
    write_extract(World(n_posts=2_000, seed=6), data)
    with pytest.raises(ExtractChanged, match="changed while the run read it"):
        check_unchanged(data, checksum, [made], tmp_path / "cache" / "panels", started)
    assert not made.exists() and not fresh_panels.exists()
    assert before.exists(), "an entry older than the run was removed"

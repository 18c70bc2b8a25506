"""A run publishes only what it computed from the extract it checked.

The cache keys of a run use the extract's checksum taken when its inputs were
checked, while the chapters read the files later. If a file is replaced
during the run, the chapters mix two extracts and their cache entries would
be filed under the wrong checksum. :func:`check_unchanged` re-hashes the
extract after the chapters ran; on a mismatch it removes every cache entry
this run made (chapters and panels) and stops the run with exit code 1
(the data), so nothing of it is published and the next run computes afresh.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from analysis.data.extract import extract_checksum


class ExtractChanged(Exception):
    """The extract's files changed while the run was reading them."""


def check_unchanged(data_dir: Path, checksum: str, made: list[Path], panel_cache: Path | None,
                    started_ns: int) -> None:
    """Raise :class:`ExtractChanged` (after dropping this run's cache entries) if the extract changed.

    Parameters
    ----------
    data_dir : Path
        The extract.
    checksum : str
        Its checksum when the run checked it.
    made : list of Path
        Cache entries (folders) of the chapters this run executed.
    panel_cache : Path or None
        The run's panel cache; entries modified since ``started_ns`` are removed.
    started_ns : int
        ``time.time_ns()`` when the run started.
    """
    try:
        now = extract_checksum(data_dir)
    except FileNotFoundError as e:
        now = f"missing: {e}"
    if now == checksum:
        return
    for entry in made:
        shutil.rmtree(entry, ignore_errors=True)
    if panel_cache is not None and panel_cache.is_dir():
        for entry in panel_cache.iterdir():
            if entry.is_dir() and entry.stat().st_mtime_ns >= started_ns:
                shutil.rmtree(entry, ignore_errors=True)
    raise ExtractChanged(f"the extract in {data_dir} changed while the run read it (checksum "
                         f"{checksum[:12]} when checked, {now[:12]} after the chapters ran): nothing was "
                         "published and this run's cache entries were removed; run again on a stable copy")

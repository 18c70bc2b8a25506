"""The identity of an extract: one checksum over its table files."""

from __future__ import annotations

import hashlib
from pathlib import Path

from analysis.data.contract import find_table_files

from ..core.hashing import file_sha256


def extract_checksum(data_dir: str | Path) -> str:
    """One SHA-256 over an extract's two table files (name and content)."""
    files, problems = find_table_files(Path(data_dir))
    if problems:
        raise FileNotFoundError("; ".join(str(p) for p in problems))
    h = hashlib.sha256()
    for name in sorted(files):
        h.update(files[name].name.encode())
        h.update(file_sha256(files[name]).encode())
    return h.hexdigest()

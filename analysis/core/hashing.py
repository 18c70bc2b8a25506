"""Hashing: file checksums (remembered per process) and fingerprints of code."""

from __future__ import annotations

import hashlib
import os
import sys
from functools import lru_cache
from pathlib import Path


def file_sha256(path: str | Path, chunk: int = 1 << 20) -> str:
    """SHA-256 of a file, streamed.

    Remembered per process for a file of unchanged inode, size, modification
    and change time (``cp -p`` keeps the modification time but not the
    change time), so a run that needs an extract's hashes several times
    (cache keys, validation cache, manifest) reads the files once.
    """
    st = os.stat(path)
    return _sha256_of(str(Path(path).resolve()), st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns, chunk)


@lru_cache(maxsize=256)
def _sha256_of(path: str, ino: int, size: int, mtime_ns: int, ctime_ns: int, chunk: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


KEY_PACKAGES = ("jupyter-book", "sphinx", "myst-nb", "papermill", "jupytext", "nbclient", "ipykernel",
                "pandas", "numpy", "scipy", "statsmodels", "pyfixest", "matplotlib", "seaborn", "duckdb",
                "ibis-framework", "pyarrow")


def package_versions(names=KEY_PACKAGES) -> dict[str, str]:
    """Installed versions of ``names`` (importlib.metadata; ``"not installed"`` when absent) and of Python."""
    from importlib import metadata

    out = {"python": sys.version.split()[0]}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out

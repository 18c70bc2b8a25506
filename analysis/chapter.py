"""What every chapter needs, in one call: parameters, data, panels, outputs.

A chapter's code cells stay short: the ``parameters`` cell holds literals, then

>>> from analysis.chapter import setup          # doctest: +SKIP
>>> ctx = setup(**locals_of_the_parameters_cell) # doctest: +SKIP

gives the resolved parameters, the panels of the extract, a sentence naming
the data a number comes from, and writers for estimates and figures under the
run's output folder.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import pandas as pd

from .config import DEFAULT_PARAMS, PROJECT_ROOT, SYNTHETIC_DIR
from .contract import find_table_files

PARAM_NAMES = tuple(DEFAULT_PARAMS)


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


@dataclass
class Context:
    """Resolved parameters and data of one chapter run.

    Attributes
    ----------
    params : dict
        All parameters, defaults filled in (``data_dir`` and ``output_dir``
        absolute).
    data_dir : Path
        Folder of the extract.
    out : Path
        Output folder: ``results/`` and ``figures/`` are written under it.
    """

    params: dict
    data_dir: Path
    out: Path
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def is_synthetic(self) -> bool:
        """True when the run uses the bundled synthetic extract."""
        return self.data_dir.resolve() == SYNTHETIC_DIR.resolve()

    @cached_property
    def checksum(self) -> str:
        """SHA-256 of the extract's files (see :func:`extract_checksum`)."""
        return extract_checksum(self.data_dir)

    @property
    def short_checksum(self) -> str:
        return self.checksum[:12]

    @property
    def data_label(self) -> str:
        """Short name of the data, for captions and notes."""
        if self.is_synthetic:
            return "the bundled synthetic extract (illustrative, not real platform data)"
        return f"the extract in `{self.data_dir.name}`"

    def data_note(self) -> str:
        """A sentence saying which data every number on the page comes from."""
        p = self.params
        if self.is_synthetic:
            what = ("**synthetic** platform extract bundled with this book, drawn from the documented "
                    "data-generating process of {doc}`the data appendix <a1_data>`; its numbers illustrate "
                    "the method and are not estimates for any real platform")
        else:
            what = f"extract in `{self.data_dir}` supplied for this run"
        return (f"Every number on this page is computed from the {what} "
                f"(checksum `{self.short_checksum}`), from {p['start']} to {p['end']}, "
                f"with treatment date {p['treatment_date']}.")

    @cached_property
    def categories(self) -> list[str]:
        """Categories present in the analysis window."""
        cm = self.panels["category_month"]
        return sorted(cm["category"].unique())

    @property
    def focus(self) -> list[str]:
        return list(self.params["focus_categories"])

    @property
    def controls(self) -> list[str]:
        """Control categories: the parameter, or every category not in focus."""
        given = list(self.params["control_categories"])
        return given or [c for c in self.categories if c not in self.focus]

    @cached_property
    def panels(self):
        """The four panels of the extract over ``[start, end]``.

        A :class:`analysis.panels.PanelStore`: each panel is built when first
        used (a chapter that never touches ``freelancer_month`` never builds
        it), and within ``python -m analysis run`` read from the run's panel
        cache when an earlier chapter built it.
        """
        from .panels import PanelStore

        p = self.params
        return PanelStore(self.data_dir, p["value_threshold_usd"], p["start"], p["end"],
                          checksum=lambda: self.checksum)

    @property
    def results_path(self) -> Path:
        return self.out / "results" / "estimates.csv"

    @property
    def figures_dir(self) -> Path:
        return self.out / "figures"

    def record(self, estimates) -> pd.DataFrame:
        """Merge estimates into the run's results table; return them as a frame."""
        from .results import results_frame, write_results

        estimates = list(estimates)
        write_results(estimates, self.results_path)
        return results_frame(estimates)


def setup(**params) -> Context:
    """Resolve a chapter's parameters into a :class:`Context`.

    Parameters
    ----------
    **params
        The chapter's parameters (see ``analysis.config.DEFAULT_PARAMS``);
        unknown names raise ``TypeError``; missing ones take their defaults.

    Returns
    -------
    Context
    """
    unknown = sorted(set(params) - set(PARAM_NAMES))
    if unknown:
        raise TypeError(f"unknown parameter(s) {unknown}; valid: {list(PARAM_NAMES)}")
    full = {**DEFAULT_PARAMS, **params}
    data_dir = Path(full["data_dir"]).expanduser() if full["data_dir"] else SYNTHETIC_DIR
    if not data_dir.is_absolute():
        data_dir = (PROJECT_ROOT / data_dir).resolve()
    out = Path(full["output_dir"]).expanduser() if full["output_dir"] else PROJECT_ROOT / "_build" / "interactive"
    if not out.is_absolute():
        out = (PROJECT_ROOT / out).resolve()
    full["data_dir"], full["output_dir"] = str(data_dir), str(out)
    return Context(params=full, data_dir=data_dir, out=out)

"""The Page API: what a chapter calls, and the only module that imports ``myst_nb``.

A chapter reads like a lecture page: its ``parameters`` cell holds literals
(papermill injects the run's values after it), and then

>>> from analysis.page import Page              # doctest: +SKIP
>>> page = Page(globals())                       # doctest: +SKIP
>>> e = page.did("category_month", "job_posts", "Writing")   # doctest: +SKIP
>>> page.say("writing_posts", e, expected=-1)    # doctest: +SKIP

``Page(globals())`` takes the run parameters from the notebook's namespace,
checks them with the same rules and messages as ``python -m analysis run``
(:func:`analysis.core.params.check_schema`), and glues the page's data note
(``data_note``, Markdown) and data label (``data_label``, text: the extract's
label and SHA-256, never its path).
:meth:`Page.say` glues one phrase per estimate ("rose by 12.3% (95% interval
4.1% to 20.0%)") and, with ``expected``, its verdict word;
:meth:`Page.figure` saves a figure's files with the caption and alt text
written once, in the MyST metadata of the cell that shows it.

Text from data is escaped here, at the mechanism: :meth:`Page.glue` of a
string glues plain text (never parsed as markup) and :meth:`Page.md` only
accepts :class:`analysis.report.escape.Markdown` built from escaped pieces.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path

import pandas as pd

from analysis import estimation as est
from analysis.core.params import DEFAULT_PARAMS, check_schema, format_problems
from analysis.core.params import data_label as params_data_label
from analysis.core.paths import BOOK_DIR, INPUTS_CHECKED_ENV, PROJECT_ROOT, SYNTHETIC_DIR
from analysis.data.extract import extract_checksum
from analysis.report import words
from analysis.report.escape import Markdown, myst
from analysis.results import Estimate, read_results, results_frame, write_results

PARAM_NAMES = tuple(DEFAULT_PARAMS)

__all__ = ["Page", "ParameterError", "PARAM_NAMES"]


class ParameterError(ValueError):
    """The parameters of a page are invalid; the message lists every problem, as ``python -m analysis run`` does."""


#: File in an output folder naming the extract whose results it holds (one extract per folder).
EXTRACT_MARK = "extract.sha256"


def _lists_from_text(given: dict) -> dict:
    """List parameters given as text (``papermill -p focus_categories '[A, B]'``) read as YAML lists."""
    import yaml

    out = dict(given)
    for key in ("focus_categories", "control_categories"):
        v = out.get(key)
        if isinstance(v, str) and v.strip().startswith("["):
            try:
                parsed = yaml.safe_load(v)
            except yaml.YAMLError:
                continue  # left as text: check_schema says what a list looks like
            if isinstance(parsed, list):
                out[key] = parsed
    return out


def _claim_output(out: Path, checksum: str) -> None:
    """Make ``out`` hold the results of one extract only: refuse a folder holding another extract's.

    Raises
    ------
    ParameterError
        If ``out`` already holds results of an extract with another SHA-256.
    """
    mark = out / EXTRACT_MARK
    if mark.is_file():
        held = mark.read_text(encoding="utf-8").strip()
        if held and held != checksum:
            raise ParameterError(f"output_dir {out} holds the results of another extract (SHA-256 {held[:12]}, "
                                 f"this one is {checksum[:12]}): results of two extracts are never merged. "
                                 "Give another output_dir, or leave it empty (one folder per extract).")
    if not mark.is_file():
        out.mkdir(parents=True, exist_ok=True)
        mark.write_text(checksum + "\n", encoding="utf-8")


_GLUE_ROLE = re.compile(r"\{glue:(?:text|md)\}`([^`:]+)(?::([^`]*))?`")


class Page:
    """One chapter's run: parameters, data, panels, and what the page glues.

    Parameters
    ----------
    namespace : Mapping
        Where the parameters are found by name (a chapter passes
        ``globals()``); names that are not run parameters are ignored and
        missing ones take their defaults (:data:`analysis.core.params.DEFAULT_PARAMS`).
    **overrides
        Parameters given directly (tests, interactive use).

    Raises
    ------
    ParameterError
        If a parameter is invalid (every problem listed).

    Attributes
    ----------
    params : dict
        All parameters, defaults filled in (``data_dir`` and ``output_dir``
        absolute; a relative ``data_dir`` is read from the current folder).
    data_dir, out : Path
        The extract and the output folder (``results/`` and ``figures/`` under it).
    """

    def __init__(self, namespace: Mapping | None = None, **overrides):
        given = {k: v for k, v in dict(namespace or {}).items() if k in PARAM_NAMES}
        unknown = sorted(set(overrides) - set(PARAM_NAMES))
        if unknown:
            raise TypeError(f"unknown parameter(s) {unknown}; valid: {list(PARAM_NAMES)}")
        given.update(overrides)
        full = {**DEFAULT_PARAMS, **_lists_from_text(given)}
        checked, problems = check_schema({k: v for k, v in full.items() if k not in ("data_dir", "output_dir")})
        if problems:
            raise ParameterError(format_problems(problems, source="the page's parameters"))
        full.update({k: v for k, v in checked.items() if k not in ("data_dir", "output_dir")})
        data_dir = Path(full["data_dir"]).expanduser() if full["data_dir"] else SYNTHETIC_DIR
        data_dir = data_dir.resolve()  # a relative folder is read from the current folder
        self.params, self.data_dir = full, data_dir
        if os.environ.get(INPUTS_CHECKED_ENV) != "1":
            self._check_against_data()
        out = Path(full["output_dir"]).expanduser() if full["output_dir"] else \
            PROJECT_ROOT / "_build" / "interactive" / self.short_checksum
        out = out.resolve()
        _claim_output(out, self.checksum)
        full["data_dir"], full["output_dir"] = str(data_dir), str(out)
        self.out = out
        self._glued: dict = {}
        self.md("data_note", self._data_note())
        self.glue("data_label", self.data_caption)
        for key, text in words.release_words(full["treatment_date"], full["treatment_label"]).items():
            self.glue(key, text)  # captions and sentences name the treatment by these, never by a fixed date

    def _check_against_data(self) -> None:
        """Validate the extract and check the parameters against it, as ``python -m analysis run`` does
        (skipped in a run, which checked them once before any chapter)."""
        from analysis.core.params import check_against_data
        from analysis.data.contract import format_violations, validate

        summary, violations = validate(self.data_dir)
        if violations:
            raise ParameterError(format_violations(self.data_dir, violations, limit=15))
        problems = check_against_data(self.params, summary)
        if problems:
            raise ParameterError(format_problems(problems, source="the page's parameters", limit=15))

    # ------------------------------------------------------------------ data

    @property
    def is_synthetic(self) -> bool:
        """True when the run uses the bundled synthetic extract."""
        return self.data_dir == SYNTHETIC_DIR.resolve()

    @cached_property
    def checksum(self) -> str:
        """SHA-256 of the extract's files (:func:`analysis.data.extract.extract_checksum`)."""
        return extract_checksum(self.data_dir)

    @property
    def short_checksum(self) -> str:
        return self.checksum[:12]

    @property
    def data_label(self) -> str:
        """Name of the extract on the pages (plain text): the ``data_label`` parameter, else
        "synthetic extract (illustrative)" or the folder's name (:func:`analysis.core.params.data_label`);
        never the folder's path."""
        return params_data_label(self.params, self.data_dir, SYNTHETIC_DIR)

    @property
    def data_caption(self) -> str:
        """How a caption names the data (glued as ``data_label``): the label and the extract's SHA-256."""
        return f"{self.data_label}, extract SHA-256 {self.short_checksum}"

    @property
    def source_note(self) -> str:
        """Plain-text provenance of the page's figures (data label, extract checksum, parameters)."""
        p = self.params
        return (f"Data: {self.data_caption}; {p['start']} to {p['end']}; "
                f"treatment date {p['treatment_date']}; contract-value threshold USD {p['value_threshold_usd']:,.0f}; "
                f"seed {p['seed']}.")

    def _data_note(self) -> Markdown:
        p = self.params
        if self.is_synthetic:
            what = Markdown.trusted(
                "the **synthetic** platform extract bundled with this book, drawn from the documented "
                "data-generating process of {doc}`the data appendix <a1_data>`; its numbers illustrate "
                "the method and are not estimates for any real platform")
        else:
            what = Markdown.build("*{name}*, the extract supplied for this run", name=self.data_label)
        return Markdown.build("Every number on this page is computed from {what} (extract SHA-256 {checksum}), "
                              "from {start} to {end}, with treatment date {td}.", what=what,
                              checksum=Markdown("`" + self.short_checksum + "`"), start=p["start"], end=p["end"],
                              td=p["treatment_date"])

    @cached_property
    def panels(self):
        """The four panels of the extract over ``[start, end]``, each built when first used
        (:class:`analysis.data.panels.PanelStore`; within a run, read from the run's panel cache)."""
        from analysis.data.panels import PanelStore

        p = self.params
        return PanelStore(self.data_dir, p["value_threshold_usd"], p["start"], p["end"],
                          checksum=lambda: self.checksum, cache_dir=self.run_context.get("panel_cache"),
                          treatment_date=p["treatment_date"], tier_quantile=p["tier_quantile"],
                          tier_horizon_days=p["tier_horizon_days"])

    @cached_property
    def contracts(self) -> pd.DataFrame:
        """One row per contract in ``[start, end]`` (``category``, ``month``, ``earnings_usd``):
        :func:`analysis.data.panels.contract_values`, for the influence of the largest contracts."""
        from analysis.data.panels import contract_values

        p = self.params
        return contract_values(self.data_dir, p["start"], p["end"])

    @cached_property
    def run_context(self) -> dict:
        """What ``python -m analysis run`` wrote for this chapter (``<output_dir>/run-context.json``), else ``{}``."""
        import json

        f = self.out / "run-context.json"
        return json.loads(f.read_text()) if f.is_file() else {}

    @cached_property
    def categories(self) -> list[str]:
        """Categories present in the analysis window."""
        return sorted(self.panels["category_month"]["category"].unique())

    @cached_property
    def _run_categories(self) -> tuple[list[str], list[str], list[str]]:
        p = self.params
        return est.run_categories(self.panels["category_month"], p["focus_categories"], p["control_categories"],
                                  self.treatment_date)

    @property
    def focus(self) -> list[str]:
        """Focus categories of the parameters that are present in the data, in the parameters' order."""
        return list(self._run_categories[0])

    @property
    def controls(self) -> list[str]:
        """Control categories: the parameter, or every category not in focus, less those of :attr:`left_out`
        (:func:`analysis.estimation.did.run_categories`)."""
        return list(self._run_categories[1])

    @property
    def left_out(self) -> list[str]:
        """Categories without job posts before or after the release, left out of every comparison
        (:func:`analysis.estimation.did.comparable_categories`)."""
        return list(self._run_categories[2])

    @property
    def treatment_date(self) -> str:
        return self.params["treatment_date"]

    @property
    def seed(self) -> int:
        return self.params["seed"]

    # --------------------------------------------------------------- results

    @property
    def results_path(self) -> Path:
        return self.out / "results" / "estimates.csv"

    @property
    def figures_dir(self) -> Path:
        return self.out / "figures"

    def record(self, estimates) -> pd.DataFrame:
        """Merge estimates into the run's results table; return them as a frame."""
        estimates = list(estimates)
        write_results(estimates, self.results_path)
        return results_frame(estimates)

    def stored_results(self) -> pd.DataFrame:
        """The run's results table as it stands (every chapter run before this one)."""
        return read_results(self.results_path)

    def _kw(self, kw: dict) -> dict:
        return {"treatment_date": self.treatment_date, "seed": self.seed, **kw}

    def did(self, panel, outcome: str, category, **kw):
        """DiD of ``outcome`` for ``category`` against the page's controls, recorded in the results.

        ``panel`` is a panel name (``"category_month"``) or a frame; the
        treatment date, seed and controls come from the parameters unless
        given in ``kw`` (see :func:`analysis.estimation.did.did_panel`).
        """
        frame = self.panels[panel] if isinstance(panel, str) else panel
        kw = self._kw(kw)
        kw.setdefault("controls", self.controls)
        e = est.did_panel(frame, outcome, category, **kw)
        self.record([e])
        return e

    def estimate(self, func, *args, **kw):
        """Call an estimator with the page's treatment date and seed, record what it returns, return it.

        An estimator that finds nothing to compare in these data raises
        :class:`analysis.estimation.common.NotEstimable`; the page then records
        and returns its "not estimated" row
        (:func:`analysis.results.not_estimated`: NaN estimate and interval,
        ``inference`` "not estimated: <reason>"), so the chapter goes on and
        its sentences say "could not be estimated: <reason>" (:meth:`say`).
        """
        from analysis.estimation.common import estimate_or_not

        out = estimate_or_not(func, *args, **self._kw(kw))
        items = out if isinstance(out, (list, tuple)) else [out]
        self.record([x for x in items if isinstance(x, Estimate)])
        return out

    # ------------------------------------------------------------------ glue

    def glue(self, key: str, value) -> None:
        """Glue a number or a plain-text string (shown as text, never parsed as markup)."""
        from myst_nb import glue

        if isinstance(value, Markdown):
            raise TypeError("use Page.md for Markdown")
        if hasattr(value, "item") and getattr(value, "shape", None) == ():  # numpy scalar: its repr is
            value = value.item()  # "np.float64(1.0)", which a glue format such as :.2f cannot read
        self._glued[key] = value
        glue(key, value, display=False)

    def md(self, key: str, text: Markdown) -> None:
        """Glue Markdown (``{glue:md}`key:myst```) built from escaped pieces (:class:`~analysis.report.escape.Markdown`)."""
        from IPython.display import Markdown as IPyMarkdown
        from myst_nb import glue

        if not isinstance(text, Markdown):
            raise TypeError("Page.md needs analysis.report.escape.Markdown (built from escaped pieces), "
                            f"got {type(text).__name__}")
        self._glued[key] = str(text)
        glue(key, IPyMarkdown(str(text)), display=False)

    def say(self, key: str, e, expected: int | None = None, **word_kw) -> str:
        """Glue the phrase of an estimate under ``key`` and, with ``expected``, its verdict word under ``key_verdict``.

        The phrase is :func:`analysis.report.words.phrase` (for example
        "rose by 12.3% (95% interval 4.1% to 20.0%)"); the verdict word is
        :func:`analysis.report.words.verdict` ("supports", "contradicts",
        "points the same way as, but does not establish,", "does not support").
        ``e`` is an :class:`~analysis.results.Estimate` or a results row.
        """
        text = words.phrase(e, **word_kw)
        self.glue(key, text)
        if expected is not None:
            self.glue(f"{key}_verdict", words.verdict_of(e, expected))
        return text

    def say_groups(self, prefix: str, estimates: Mapping, groups, outcomes) -> None:
        """Glue ``<prefix>_<group>_<outcome>`` (the phrase, in the estimate's own unit) and
        ``<prefix>_<group>_<outcome>_p`` (its p-value clause) for every group and outcome.

        ``estimates`` maps ``(group, outcome)`` to an estimate; a pair without one (a role
        without categories in this run) reads "was not estimated (no category in this role)".
        """
        for g in groups:
            for o in outcomes:
                key, e = f"{prefix}_{g}_{o}", estimates.get((g, o))
                if e is None:
                    self.glue(key, "was not estimated (no category in this role)")
                    self.glue(f"{key}_p", "")
                else:
                    self.say(key, e, unit=words.unit(e))
                    self.glue(f"{key}_p", words.p_clause(e))

    # --------------------------------------------------------------- figures

    def figure(self, fig_id: str, fig, data: pd.DataFrame):
        """Save a figure's files, glue how to cite it, and return the image to show.

        Call it in the cell whose MyST metadata holds the figure's caption
        (``mystnb.figure.caption``, name ``fig_id``) and alt text
        (``mystnb.image.alt``): that metadata is the only copy. The caption
        written to the figure's files is the page caption with its glued
        values filled in and without its closing full stop. The citation line,
        followed by links to the figure's published files
        (:func:`analysis.report.figures.download_links`), is glued under
        :func:`analysis.report.figures.cite_key`.
        """
        from analysis.report import figures  # matplotlib and seaborn: only pages that draw pay for them

        meta = figure_metadata(fig_id)
        caption = self.resolve(meta["caption"]).rstrip()
        caption = caption[:-1] if caption.endswith(".") else caption
        cite = figures.save_figure(fig, fig_id, data, self.out, caption=caption, alt=self.resolve(meta["alt"]),
                                   source_note=self.source_note)
        self.md(figures.cite_key(fig_id), Markdown(_cite_markdown(cite) + " " + figures.download_links(fig_id)))
        return figures.image(self.out, fig_id)

    def resolve(self, text: str) -> str:
        """``text`` with every ``{glue:text}`key:fmt``` role replaced by this page's glued value."""
        def sub(m):
            key, fmt = m.group(1), m.group(2) or ""
            if key not in self._glued:
                raise KeyError(f"a caption uses {{glue}}`{key}`, which this page has not glued yet")
            v = self._glued[key]
            return format(v, fmt) if fmt and fmt != "myst" else str(v)
        return _GLUE_ROLE.sub(sub, text)


def _cite_markdown(cite: str) -> str:
    """A citation line as Markdown: the caption part escaped, the book title emphasised."""
    from analysis.report.figures import BOOK_TITLE

    head, sep, tail = cite.partition(f"*{BOOK_TITLE}*")
    return myst(head, strip=False) + sep + myst(tail, strip=False) if sep else myst(cite)


# ------------------------------------------------------------------ captions


def _book_sources() -> list[Path]:
    """MyST sources in which figure metadata is looked up: the current folder's, then the book's."""
    seen, out = set(), []
    for folder in (Path.cwd(), BOOK_DIR):
        for p in sorted(folder.glob("*.md")):
            if p.resolve() not in seen:
                seen.add(p.resolve())
                out.append(p)
    return out


def figure_metadata(fig_id: str) -> dict:
    """Caption and alt text of ``fig_id`` from the MyST metadata of the cell that shows it.

    Returns
    -------
    dict
        ``{"caption": ..., "alt": ..., "source": path}``.

    Raises
    ------
    KeyError
        If no chapter has a cell with ``mystnb.figure.name == fig_id``, or it lacks a caption or alt text.
    """
    from analysis.report.figures import validate_fig_id

    validate_fig_id(fig_id)
    for src in _book_sources():
        found = _figures_in(src.resolve(), src.stat().st_mtime_ns).get(fig_id)
        if found:
            if not found.get("caption") or not found.get("alt"):
                raise KeyError(f"{src.name}: figure {fig_id} needs mystnb.figure.caption and mystnb.image.alt")
            return {**found, "source": src}
    raise KeyError(f"no chapter cell has mystnb.figure.name {fig_id!r}: add the caption and alt text "
                   "to the metadata of the cell that shows the figure")


_FIG_CACHE: dict = {}


def _figures_in(path: Path, mtime_ns: int) -> dict:
    key = (str(path), mtime_ns)
    if key not in _FIG_CACHE:
        import jupytext

        text = path.read_text(encoding="utf-8")
        found = {}
        if "{code-cell}" in text:
            nb = jupytext.reads(text, fmt="md:myst")
            for c in nb.cells:
                m = c.metadata.get("mystnb", {})
                name = m.get("figure", {}).get("name")
                if name:
                    found[name] = {"caption": m.get("figure", {}).get("caption", ""),
                                   "alt": m.get("image", {}).get("alt", "")}
        _FIG_CACHE[key] = found
    return _FIG_CACHE[key]

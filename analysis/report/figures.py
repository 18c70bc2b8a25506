"""Figures of the book: one theme, tidy-data plot functions, deterministic export.

Every plot function takes a tidy :class:`pandas.DataFrame` and returns a
:class:`matplotlib.figure.Figure`. None sets a title: in the book the caption
is the title. Figures are built with :class:`~matplotlib.figure.Figure`, not
``pyplot``, so a notebook shows a figure only where a cell displays it.

:func:`save_figure` writes a figure under its id as SVG, PNG and PDF, with a
CSV of the data it shows and a JSON file of metadata, and returns the line
that tells a reader how to cite it. The same data gives byte-identical files:
the SVG hash salt is fixed, text stays text (``svg.fonttype = "none"``) and
the date and software stamps are left out of every format.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import re
from pathlib import Path

import matplotlib as mpl
import matplotlib.dates as mdates
import matplotlib.transforms as mtransforms
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from analysis.core.paths import project_version
from matplotlib.ticker import FuncFormatter, NullFormatter

#: The book's title as the site shows it (``_config.yml``; checked by tests/test_publish.py).
BOOK_TITLE = "Generative AI and freelance work"
FIG_ID_PATTERN = re.compile(r"^fig-[a-z0-9]+(?:-[a-z0-9]+)*$")
FORMATS = ("svg", "png", "pdf")

#: Fixed settings on top of the seaborn theme; ``svg.hashsalt`` makes SVG ids
#: repeatable, ``svg.fonttype = "none"`` keeps text searchable and font-free.
FIXED_RC = {
    "svg.hashsalt": "genai-freelance-book",
    "svg.fonttype": "none",
    "pdf.fonttype": 42,
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "axes.titlesize": "medium",
    "legend.frameon": False,
    "path.simplify": True,
    # Text from data (category names) is drawn literally: "$50 and $100" is not math.
    "text.parse_math": False,
}
#: Width of every figure in inches (one text column of the book's HTML theme).
WIDTH = 7.0

_METADATA = {"svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None}, "png": {"Software": None}}


def _theme_rc() -> dict:
    """The rcParams of the book's theme, computed once without touching the global state."""
    with mpl.rc_context():
        sns.set_theme(style="whitegrid", palette="colorblind", context="notebook", rc=FIXED_RC)
        return {k: v for k, v in mpl.rcParams.items() if k in _THEME_KEYS}


_THEME_KEYS = {k for k in mpl.rcParams if not k.startswith(("backend", "interactive", "webagg", "toolbar",
                                                            "timezone", "savefig.directory"))}
THEME = _theme_rc()
PALETTE = sns.color_palette("colorblind")
#: Colour of control categories and other context series.
GREY = "#8c8c8c"


def theme() -> contextlib.AbstractContextManager:
    """Context manager applying the book's theme (used by every plot and by :func:`save_figure`)."""
    return mpl.rc_context(THEME)


def use_theme() -> None:
    """Apply the book's theme globally (for interactive work outside the plot functions)."""
    mpl.rcParams.update(THEME)


def validate_fig_id(fig_id: str) -> str:
    """Return ``fig_id`` if it matches ``^fig-[a-z0-9-]+$`` (no empty parts), else raise ``ValueError``."""
    if not isinstance(fig_id, str) or not FIG_ID_PATTERN.match(fig_id):
        raise ValueError(f"invalid figure id {fig_id!r}: use 'fig-<topic>-<what>', lowercase a-z, 0-9 and '-'")
    return fig_id


#: Significant digits kept in figure data. Panel aggregates can differ in the last bits between runs
#: (multi-threaded sums), so data are rounded before they are plotted or written, which makes the
#: files of a figure byte-identical across runs of the same extract.
SIG_DIGITS = 10


def round_sig(values, digits: int = SIG_DIGITS) -> np.ndarray:
    """Round an array of floats to ``digits`` significant digits (NaN and infinities unchanged)."""
    x = np.asarray(values, dtype="float64")
    finite = np.isfinite(x) & (x != 0)
    mag = np.zeros_like(x)
    mag[finite] = np.floor(np.log10(np.abs(x[finite])))
    scale = 10.0 ** (digits - 1 - mag)
    out = x.copy()
    out[finite] = np.round(x[finite] * scale[finite]) / scale[finite]
    return out


def canonical(data: pd.DataFrame, digits: int = SIG_DIGITS) -> pd.DataFrame:
    """A copy of ``data`` with every float column rounded to ``digits`` significant digits."""
    out = data.copy()
    for c in out.columns:
        if pd.api.types.is_float_dtype(out[c]):
            out[c] = round_sig(out[c].to_numpy(), digits)
    return out


def _canonical_input(func):
    """Plot functions see their data rounded by :func:`canonical`, as :func:`save_figure` writes it."""
    @functools.wraps(func)
    def wrapper(data, *args, **kwargs):
        return func(canonical(data), *args, **kwargs)

    return wrapper


def data_csv_bytes(data: pd.DataFrame) -> bytes:
    """The CSV of a figure's data, as written by :func:`save_figure` (UTF-8, ``\\n`` line ends, no index).

    Floats are rounded to :data:`SIG_DIGITS` significant digits (see :func:`canonical`).
    """
    buf = io.StringIO()
    canonical(data).to_csv(buf, index=False, lineterminator="\n", float_format=f"%.{SIG_DIGITS}g")
    return buf.getvalue().encode("utf-8")


def how_to_cite(caption: str, fig_id: str, data_sha256: str) -> str:
    """The citation line of a figure (caption, id, book and version, SHA-256 of the figure's data CSV).

    The caption names the extract and its SHA-256; the line adds the checksum of
    the data drawn, named "figure data SHA-256" so the two are never confused.

    Examples
    --------
    >>> how_to_cite("Job posts. Data: x, extract SHA-256 0123", "fig-a-b", "ab" * 32).split(", ")[-1]
    'figure data SHA-256 abababababab.'
    """
    return (f"{caption.strip().rstrip('.')}. Figure {fig_id}, in *{BOOK_TITLE}* v{project_version()}, "
            f"figure data SHA-256 {data_sha256[:12]}.")


#: Published files of a figure, in the order of the download links, with their link text.
DOWNLOADS = (("svg", "SVG"), ("png", "PNG"), ("pdf", "PDF"), ("csv", "CSV (data)"), ("json", "JSON (metadata)"))
#: Where a chapter page (``html/book/<chapter>.html``) finds the published figure files.
FIGURES_URL = "../figures/"


def download_links(fig_id: str, base: str = FIGURES_URL) -> str:
    """Download links of a figure's published files, as inline HTML for a MyST page.

    The files are copied into the site's ``figures/`` folder by
    :func:`analysis.build.publish.publish`. The id is checked by
    :func:`validate_fig_id` (lowercase letters, digits, hyphens), so it is
    safe inside an attribute.

    Examples
    --------
    >>> download_links("fig-a-b").split(" · ")[0]
    'Download: <a href="../figures/fig-a-b.svg" download>SVG</a>'
    """
    validate_fig_id(fig_id)
    links = [f'<a href="{base}{fig_id}.{ext}" download>{text}</a>' for ext, text in DOWNLOADS]
    return "Download: " + " · ".join(links) + "."


def cite_key(fig_id: str) -> str:
    """Glue key of a figure's citation line: ``fig-platform-trends`` -> ``cite_platform_trends``."""
    return "cite_" + validate_fig_id(fig_id).removeprefix("fig-").replace("-", "_")


#: Licence of the book's figures, drawn into every exported image (the site's footer states all licences).
FIGURE_LICENCE = "CC BY 4.0"
#: Characters per line of the title and the footer drawn into an exported image (at :data:`WIDTH`).
TITLE_CHARS, FOOTER_CHARS = 90, 135


def image_title(caption: str) -> str:
    """The title drawn at the top of an exported image: the caption's first sentence.

    Examples
    --------
    >>> image_title("Job posts by month, e.g. in 2023. The line is the projection")
    'Job posts by month, e.g. in 2023'
    """
    parts = re.split(r"(?<=[a-z0-9%)\]])\. (?=[A-Z])", caption, maxsplit=1)
    return parts[0].rstrip(".")


def image_footer(fig_id: str, source_note: str) -> str:
    """The footer drawn under an exported image: figure id, data source, book, version and licence.

    Examples
    --------
    >>> image_footer("fig-a-b", "Data: synthetic extract (illustrative).")[:60]
    'Figure fig-a-b. Data: synthetic extract (illustrative). Gene'
    """
    note = source_note.strip()
    note = (note if note.endswith(".") else note + ".") if note else ""
    return " ".join(x for x in (f"Figure {fig_id}.", note,
                                f"{BOOK_TITLE}, version {project_version()}. Licence {FIGURE_LICENCE}.") if x)


@contextlib.contextmanager
def _stamped(fig: Figure, title: str, footer: str):
    """Draw ``title`` above and ``footer`` below ``fig`` while saving, so an exported image stands alone.

    Both are placed outside the figure's box (the tight bounding box of the
    theme takes them in) and drawn literally (no math); they are removed
    afterwards, so saving again gives the same bytes.
    """
    import textwrap

    texts = [fig.text(0.0, 1.0, textwrap.fill(title, TITLE_CHARS), ha="left", va="bottom", fontsize=10,
                      fontweight="bold", parse_math=False, wrap=False),
             fig.text(0.0, 0.0, textwrap.fill(footer, FOOTER_CHARS), ha="left", va="top", fontsize=6.5,
                      color="#444444", parse_math=False, wrap=False)]
    try:
        yield
    finally:
        for t in texts:
            t.remove()


@contextlib.contextmanager
def _laid_out(fig: Figure):
    """Solve ``fig``'s layout once and yield its padded tight bounding box (inches).

    ``savefig`` with ``bbox_inches="tight"`` draws a figure twice per file
    (once to measure, once to write) and a constrained layout is solved on
    every draw: three formats cost six layout solves. Here the layout is
    solved in one draw at the saving resolution (as ``savefig`` measures),
    kept fixed while the files are written with that box, and the figure's
    layout engine is restored afterwards. Every file shows the same layout.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    engine, canvas, dpi = fig.get_layout_engine(), fig.canvas, fig.dpi
    try:
        fig.dpi = mpl.rcParams["savefig.dpi"]
        agg = FigureCanvasAgg(fig)
        renderer = agg.get_renderer()
        fig.draw(renderer)
        bbox = fig.get_tightbbox(renderer).padded(mpl.rcParams["savefig.pad_inches"])
        fig.dpi = dpi
        if engine is not None:
            fig.set_layout_engine("none")
        yield bbox
    finally:
        fig.dpi = dpi
        if engine is not None:
            fig.set_layout_engine(engine)
        fig.set_canvas(canvas)


def save_figure(fig: Figure, fig_id: str, data: pd.DataFrame, out_dir: str | Path, caption: str, alt: str,
                source_note: str = "") -> str:
    """Write a figure, its data and its metadata under its id.

    Files written in ``<out_dir>/figures/``: ``<fig_id>.svg``, ``.png``,
    ``.pdf``, ``.csv`` (the data shown) and ``.json`` (id, caption, alt
    text, source note, version, SHA-256 of the CSV and of every image file,
    citation line). Each image carries its title (:func:`image_title`) above
    and its figure id, data source, book version and licence
    (:func:`image_footer`) below, so a saved copy stands alone; the page
    keeps the full caption under the image. Nothing depends on the clock, so
    identical data gives identical bytes; the date of a run belongs in the
    run's manifest.

    Parameters
    ----------
    fig : Figure
    fig_id : str
        ``fig-<topic>-<what>`` (see :func:`validate_fig_id`); set once, never renamed.
    data : DataFrame
        The tidy data the figure shows.
    out_dir : str or Path
        The run's output folder (``ctx.out`` in a chapter).
    caption : str
        The figure's caption, which is also its title.
    alt : str
        Alternative text describing what the figure shows.
    source_note : str
        Where the data come from (extract, checksum, parameters).

    Returns
    -------
    str
        How to cite the figure (see :func:`how_to_cite`).
    """
    validate_fig_id(fig_id)
    if not isinstance(data, pd.DataFrame):
        raise TypeError("data must be a pandas DataFrame")
    if not caption or not alt:
        raise ValueError("a figure needs a caption and alt text")
    folder = Path(out_dir) / "figures"
    folder.mkdir(parents=True, exist_ok=True)
    csv = data_csv_bytes(data)
    data_sha = hashlib.sha256(csv).hexdigest()
    (folder / f"{fig_id}.csv").write_bytes(csv)
    files = {}
    title, footer = image_title(caption), image_footer(fig_id, source_note)
    with theme(), _stamped(fig, title, footer), _laid_out(fig) as bbox:
        for fmt in FORMATS:
            buf = io.BytesIO()
            fig.savefig(buf, format=fmt, metadata=_METADATA[fmt], bbox_inches=bbox)
            raw = buf.getvalue()
            (folder / f"{fig_id}.{fmt}").write_bytes(raw)
            files[fmt] = hashlib.sha256(raw).hexdigest()
    cite = how_to_cite(caption, fig_id, data_sha)
    meta = {
        "id": fig_id,
        "title": caption,
        "image_title": title,
        "image_footer": footer,
        "caption": caption,
        "alt": alt,
        "source_note": source_note,
        "version": project_version(),
        "data_file": f"{fig_id}.csv",
        "data_sha256": data_sha,
        "data_columns": [str(c) for c in data.columns],
        "data_rows": int(len(data)),
        "files_sha256": {f"{fig_id}.{fmt}": files[fmt] for fmt in FORMATS},
        "how_to_cite": cite,
    }
    (folder / f"{fig_id}.json").write_text(json.dumps(meta, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                                           encoding="utf-8")
    return cite


# --------------------------------------------------------------------------- helpers


def _new(nrows: int = 1, ncols: int = 1, height: float = 3.6, **kw) -> tuple[Figure, np.ndarray]:
    fig = Figure(figsize=(WIDTH, height), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, **kw)
    return fig, axes


def _mark_release(ax, treatment_date, label: bool = False) -> None:
    if treatment_date is None:
        return
    ax.axvline(pd.Timestamp(treatment_date), color="black", lw=0.9, ls="--", zorder=1,
               label="release" if label else None)


def _date_axis(ax) -> None:
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 7)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b\n%Y"))
    ax.set_xlabel("")


def _colours(labels, highlight=None) -> dict:
    """Colour per label: highlighted labels take the palette in order, others grey."""
    labels = list(dict.fromkeys(labels))
    if highlight is None:
        highlight = labels
    hl = [lab for lab in labels if lab in set(highlight)]
    cols = {lab: GREY for lab in labels}
    cols.update({lab: PALETTE[i % len(PALETTE)] for i, lab in enumerate(hl)})
    return cols


def _lines(data: pd.DataFrame, *, x: str, y: str, hue: str, facet: str | None, treatment_date, ylabel: str,
           highlight=None, styles: dict | None = None, height_per_row: float = 2.3, ncols: int = 1,
           sharey: bool = False, hline: float | None = None) -> Figure:
    """Line chart of tidy data, one line per ``hue`` level, one panel per ``facet`` level."""
    facets = list(dict.fromkeys(data[facet])) if facet else [None]
    nrows = int(np.ceil(len(facets) / ncols))
    with theme():
        fig, axes = _new(nrows, ncols, height=max(2.8, height_per_row * nrows + 0.6), sharex=True, sharey=sharey)
        colours = _colours(data[hue], highlight)
        for i, (ax, f) in enumerate(zip(axes.flat, facets)):
            part = data if f is None else data[data[facet] == f]
            for lab, g in part.groupby(hue, sort=False):
                g = g.sort_values(x)
                kw = {"color": colours[lab], "lw": 1.6 if colours[lab] != GREY else 1.1}
                kw.update((styles or {}).get(lab, {}))
                ax.plot(g[x], g[y], label=str(lab), **kw)
            if hline is not None:
                ax.axhline(hline, color="black", lw=0.6)
            _mark_release(ax, treatment_date)
            _date_axis(ax)
            if f is not None:
                ax.text(0.01, 0.97, str(f), transform=ax.transAxes, va="top", ha="left", fontsize="small",
                        fontweight="bold")
            ax.set_ylabel(ylabel if (len(facets) == 1) else "")
        if len(facets) > 1 and ylabel:
            fig.supylabel(ylabel, fontsize="medium")
        for ax in axes.flat[len(facets):]:
            ax.set_visible(False)
        handles, labels = axes.flat[0].get_legend_handles_labels()
        for ax in axes.flat[1:len(facets)]:
            for h, lab in zip(*ax.get_legend_handles_labels()):
                if lab not in labels:
                    handles.append(h)
                    labels.append(lab)
        fig.legend(handles, labels, loc="outside lower center", ncols=min(4, len(labels)), fontsize="small")
    return fig


# --------------------------------------------------------------------------- plot functions


@_canonical_input
def platform_trends(data: pd.DataFrame, treatment_date=None, *, x: str = "month", y: str = "value",
                    facet: str = "outcome", hue: str = "series") -> Figure:
    """Platform-wide monthly series with their seasonally adjusted trend.

    Parameters
    ----------
    data : DataFrame
        Tidy: ``month``, ``outcome`` (panel label), ``series`` (e.g.
        ``"monthly"`` and ``"12-month average"``), ``value``.
    treatment_date : str or Timestamp, optional
        Drawn as a dashed vertical line.
    """
    series = list(dict.fromkeys(data[hue]))
    styles = {s: ({"lw": 0.9, "alpha": 0.55, "marker": "o", "ms": 2.5} if i == 0 else {"lw": 2.0})
              for i, s in enumerate(series)}
    return _lines(data, x=x, y=y, hue=hue, facet=facet, treatment_date=treatment_date, ylabel="",
                  highlight=series, styles=styles)


@_canonical_input
def seasonal_profile(data: pd.DataFrame, *, x: str = "calendar_month", y: str = "value",
                     hue: str = "outcome") -> Figure:
    """Average deviation from trend by calendar month (percent), one line per outcome.

    Parameters
    ----------
    data : DataFrame
        Tidy: ``calendar_month`` (1-12), ``outcome``, ``value`` (percent).
    """
    with theme():
        fig, axes = _new(height=3.0)
        ax = axes[0, 0]
        colours = _colours(data[hue])
        for lab, g in data.groupby(hue, sort=False):
            g = g.sort_values(x)
            ax.plot(g[x], g[y], marker="o", ms=4, color=colours[lab], label=str(lab))
        ax.axhline(0, color="black", lw=0.6)
        ax.set_xticks(range(1, 13), ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                                     "Nov", "Dec"])
        ax.set_xlabel("")
        ax.set_ylabel("deviation from trend (%)")
        ax.legend(loc="lower left", fontsize="small")
    return fig


@_canonical_input
def counterfactual(data: pd.DataFrame, treatment_date=None, *, x: str = "month", observed: str = "observed",
                   projected: str = "projected", low: str = "lower", high: str = "upper",
                   facet: str | None = "outcome") -> Figure:
    """Observed series against the projection from pre-release data, with its band and the gap.

    One row per ``facet`` level: on the left the levels (observed, projection
    and its band), on the right the gap after the release, observed over
    projected minus one, in percent.

    Parameters
    ----------
    data : DataFrame
        Tidy: ``month``, ``observed``, ``projected``, ``lower``, ``upper``
        (band of the projection; NaN where there is none) and, optionally,
        ``outcome``.
    """
    facets = list(dict.fromkeys(data[facet])) if facet and facet in data else [None]
    n = len(facets)
    with theme():
        fig, axes = _new(n, 2, height=max(2.8, 2.3 * n + 0.6), sharex="col", gridspec_kw={"width_ratios": [2.2, 1]})
        for i, f in enumerate(facets):
            d = (data if f is None else data[data[facet] == f]).sort_values(x)
            left, right = axes[i, 0], axes[i, 1]
            left.plot(d[x], d[observed], color=PALETTE[0], lw=1.6, label="observed")
            left.plot(d[x], d[projected], color=PALETTE[1], lw=1.6, ls="-.", label="projection without release")
            band = d[low].notna() & d[high].notna()
            left.fill_between(d.loc[band, x], d.loc[band, low], d.loc[band, high], color=PALETTE[1], alpha=0.2,
                              lw=0, label="95% band of projection")
            gap = 100 * (d[observed] / d[projected] - 1)
            post = (d[x] >= pd.Timestamp(treatment_date)) if treatment_date is not None else band
            right.bar(d.loc[post, x], gap[post], width=25, color=PALETTE[2], label="gap (%)")
            right.axhline(0, color="black", lw=0.6)
            _mark_release(left, treatment_date)
            _date_axis(left)
            right.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 7)))
            right.xaxis.set_major_formatter(mdates.DateFormatter("%b\n%Y"))
            if f is not None:
                left.text(0.01, 0.97, str(f), transform=left.transAxes, va="top", ha="left", fontsize="small",
                          fontweight="bold")
            right.set_ylabel("gap (%)")
        handles, labels = axes[0, 0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=3, fontsize="small")
    return fig


#: What a forest plot writes in the row of an estimate that could not be estimated.
NOT_ESTIMATED_TEXT = "not estimated"


@_canonical_input
def forest(data: pd.DataFrame, *, label: str = "category", estimate: str = "estimate_pct",
           low: str = "ci_low_pct", high: str = "ci_high_pct", facet: str | None = "outcome",
           highlight=None, xlabel: str = "effect (%)") -> Figure:
    """Forest plot: one point and 95% interval per label, one panel per facet.

    Labels in ``highlight`` (e.g. the focus categories) are drawn in colour
    with a filled marker, the others in grey; there is exactly one point per
    label and panel (one ``PathCollection`` offset each). A row whose
    estimate is missing (an estimate that could not be estimated on these
    data, :func:`analysis.results.not_estimated`) keeps its label and shows
    the words :data:`NOT_ESTIMATED_TEXT` in the middle of its row instead
    of a point (its reason is in the page's text).

    Parameters
    ----------
    data : DataFrame
        Tidy: ``category`` (label), ``estimate_pct``, ``ci_low_pct``,
        ``ci_high_pct`` and optionally ``outcome`` (facet).
    highlight : list of str, optional
        Labels drawn in colour; default all.
    """
    facets = list(dict.fromkeys(data[facet])) if facet and facet in data else [None]
    order = list(dict.fromkeys(data[label]))
    hl = set(order if highlight is None else highlight)
    # Highlighted labels on top, each group in the given order.
    order = [lab for lab in order if lab in hl] + [lab for lab in order if lab not in hl]
    ypos = {lab: len(order) - 1 - i for i, lab in enumerate(order)}
    with theme():
        fig, axes = _new(1, len(facets), height=max(2.6, 0.28 * len(order) + 1.2), sharey=True)
        for j, f in enumerate(facets):
            ax = axes[0, j]
            d = data if f is None else data[data[facet] == f]
            d = d.assign(_y=d[label].map(ypos), _hl=d[label].isin(hl))
            for is_hl, g in d.groupby("_hl", sort=True):
                colour = PALETTE[0] if is_hl else GREY
                ax.hlines(g["_y"], g[low], g[high], color=colour, lw=1.6 if is_hl else 1.1)
                ax.scatter(g[estimate], g["_y"], color=colour, s=36 if is_hl else 22, zorder=3,
                           marker="D" if is_hl else "o", label="focus" if is_hl else "other")
            missing = d[d[estimate].isna()]
            if len(missing):
                at = mtransforms.blended_transform_factory(ax.transAxes, ax.transData)
                for y in missing["_y"]:
                    ax.text(0.5, y, NOT_ESTIMATED_TEXT, transform=at, ha="center", va="center", fontsize="small",
                            color=GREY, fontstyle="italic", bbox=dict(facecolor="white", edgecolor="none", pad=1))
            ax.axvline(0, color="black", lw=0.7)
            ax.set_yticks(list(ypos.values()), list(ypos.keys()))
            ax.set_ylim(-0.7, len(order) - 0.3)
            ax.set_xlabel(xlabel)
            ax.grid(axis="y", visible=False)
            if f is not None:
                ax.text(0.5, 1.01, str(f), transform=ax.transAxes, va="bottom", ha="center", fontsize="small",
                        fontweight="bold")
            for tick in ax.get_yticklabels():
                if tick.get_text() in hl and len(hl) < len(order):
                    tick.set_fontweight("bold")
    return fig


@_canonical_input
def event_study(data: pd.DataFrame, *, x: str = "rel_month", estimate: str = "coef_pct",
                low: str = "ci_low_pct", high: str = "ci_high_pct", facet: str | None = "category",
                ref: int | None = -1, xlabel: str = "months since release",
                ylabel: str = "effect relative to controls (%)") -> Figure:
    """Event-study coefficients with 95% intervals, one panel per facet (e.g. category).

    Parameters
    ----------
    data : DataFrame
        Tidy: ``event_time`` (months relative to the release month),
        ``estimate_pct``, ``ci_low_pct``, ``ci_high_pct`` and optionally
        ``category``. The reference period may be included (as 0) or absent.
    ref : int, optional
        Reference period, marked with an open circle at zero.
    """
    facets = list(dict.fromkeys(data[facet])) if facet and facet in data else [None]
    with theme():
        fig, axes = _new(len(facets), 1, height=max(2.8, 2.2 * len(facets) + 0.4), sharex=True)
        for i, f in enumerate(facets):
            ax = axes[i, 0]
            d = (data if f is None else data[data[facet] == f]).sort_values(x)
            colour = PALETTE[i % len(PALETTE)]
            ax.fill_between(d[x], d[low], d[high], color=colour, alpha=0.18, lw=0, step=None)
            ax.plot(d[x], d[estimate], color=colour, marker="o", ms=3, lw=1.2)
            if ref is not None and not (d[x] == ref).any():
                ax.plot([ref], [0], marker="o", mfc="white", color=colour, ms=5, ls="none")
            ax.axhline(0, color="black", lw=0.6)
            ax.axvline(-0.5, color="black", lw=0.9, ls="--")
            ax.set_ylabel(ylabel if i == len(facets) // 2 else "")
            if f is not None:
                ax.text(0.01, 0.97, str(f), transform=ax.transAxes, va="top", ha="left", fontsize="small",
                        fontweight="bold")
        axes[-1, 0].set_xlabel(xlabel)
    return fig


@_canonical_input
def tier_series(data: pd.DataFrame, treatment_date=None, *, x: str = "month", y: str = "value",
                hue: str = "tier", facet: str | None = "category",
                ylabel: str = "contracts (index, pre-release = 100)") -> Figure:
    """Low- and high-value contracts over time, one panel per category.

    Parameters
    ----------
    data : DataFrame
        Tidy: ``month``, ``category``, ``tier`` (``low``/``high``), ``value``.
    """
    return _lines(data, x=x, y=y, hue=hue, facet=facet, treatment_date=treatment_date, ylabel=ylabel,
                  hline=100.0 if "index" in ylabel else None)


@_canonical_input
def tier_distribution(data: pd.DataFrame, threshold: float | None = None, *, x: str = "threshold",
                      estimate: str = "estimate_pp", low: str = "ci_low_pp", high: str = "ci_high_pp",
                      facet: str = "category",
                      xlabel: str = "contract value at or above (USD, log scale)",
                      ylabel: str = "change in share (pp)") -> Figure:
    """The distribution view of the tiers: DiD of the share above each threshold, with 95% intervals.

    One panel per focus category, thresholds on a log axis, a dotted line at
    the tier ``threshold``.

    Parameters
    ----------
    data : DataFrame
        Tidy, as :func:`analysis.estimation.distribution.share_above_did`
        returns it (one frame per category, concatenated): ``category``,
        ``threshold``, ``estimate_pp``, ``ci_low_pp``, ``ci_high_pp``.
    threshold : float, optional
        The tier threshold (USD) to mark.
    """
    facets = list(dict.fromkeys(data[facet]))
    with theme():
        fig, axes = _new(1, max(len(facets), 1), height=3.0, sharey=True)
        for i, f in enumerate(facets):
            ax = axes[0, i]
            d = data[data[facet] == f].sort_values(x)
            colour = PALETTE[i % len(PALETTE)]
            ax.fill_between(d[x], d[low], d[high], color=colour, alpha=0.18, lw=0)
            ax.plot(d[x], d[estimate], color=colour, marker="o", ms=3, lw=1.2)
            ax.axhline(0, color="black", lw=0.6)
            if threshold is not None:
                ax.axvline(float(threshold), color="black", lw=0.9, ls=":")
            ax.set_xscale("log")
            # plain dollar labels (the theme does not render mathtext exponents)
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
            ax.xaxis.set_minor_formatter(NullFormatter())
            ax.text(0.02, 0.97, str(f), transform=ax.transAxes, va="top", ha="left", fontsize="small",
                    fontweight="bold")
            ax.set_xlabel(xlabel if i == len(facets) // 2 else "")
        axes[0, 0].set_ylabel(ylabel)
    return fig


@_canonical_input
def ai_share(data: pd.DataFrame, treatment_date=None, *, x: str = "month", y: str = "share_pct",
             hue: str = "group", highlight=None, ylabel: str = "AI-related job posts (% of posts)") -> Figure:
    """Share of AI-related job posts over time, one line per group.

    Parameters
    ----------
    data : DataFrame
        Tidy: ``month``, ``group`` (a category or pooled controls), ``share_pct``.
    highlight : list of str, optional
        Groups drawn in colour; the rest grey.
    """
    return _lines(data, x=x, y=y, hue=hue, facet=None, treatment_date=treatment_date, ylabel=ylabel,
                  highlight=highlight)


@_canonical_input
def level_mix(data: pd.DataFrame, *, group: str = "category", period: str = "period",
              level: str = "experience_level", y: str = "share_pct",
              levels=("entry", "intermediate", "expert"), xlabel: str = "share of job posts (%)") -> Figure:
    """Experience-level mix before and after the release: stacked horizontal bars.

    Parameters
    ----------
    data : DataFrame
        Tidy: ``category``, ``period`` (e.g. ``before``/``after``),
        ``experience_level``, ``share_pct`` (summing to 100 within category
        and period).
    """
    groups = list(dict.fromkeys(data[group]))
    periods = list(dict.fromkeys(data[period]))
    levels = [lv for lv in levels if lv in set(data[level])] + sorted(set(data[level]) - set(levels))
    rows = [(g, p) for g in groups for p in periods]
    with theme():
        fig, axes = _new(height=max(2.6, 0.32 * len(rows) + 1.2))
        ax = axes[0, 0]
        wide = data.pivot_table(index=[group, period], columns=level, values=y, aggfunc="sum").reindex(rows)
        ypos = np.arange(len(rows))[::-1] + np.repeat(np.arange(len(groups))[::-1] * 0.6, len(periods))
        left = np.zeros(len(rows))
        for k, lv in enumerate(levels):
            vals = wide[lv].fillna(0).to_numpy() if lv in wide else np.zeros(len(rows))
            ax.barh(ypos, vals, left=left, color=PALETTE[k % len(PALETTE)], height=0.8, label=lv)
            left += vals
        ax.set_yticks(ypos, [f"{g} ({p})" for g, p in rows], fontsize="small")
        ax.set_xlim(0, 100)
        ax.set_xlabel(xlabel)
        ax.grid(axis="y", visible=False)
        fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncols=len(levels),
                   fontsize="small")
    return fig


@_canonical_input
def hourly_rates(data: pd.DataFrame, treatment_date=None, *, x: str = "month", y: str = "value",
                 hue: str = "group", facet: str | None = None, highlight=None,
                 ylabel: str = "hourly rate (USD)") -> Figure:
    """Hourly rates (or another per-contract measure) over time, one line per group.

    Parameters
    ----------
    data : DataFrame
        Tidy: ``month``, ``group``, ``value`` and optionally a facet column.
    """
    return _lines(data, x=x, y=y, hue=hue, facet=facet, treatment_date=treatment_date, ylabel=ylabel,
                  highlight=highlight)


@_canonical_input
def within_freelancer_forest(data: pd.DataFrame, *, label: str = "outcome", estimate: str = "estimate_pct",
                             low: str = "ci_low_pct", high: str = "ci_high_pct",
                             xlabel: str = "change for exposed freelancers (%)") -> Figure:
    """Forest plot of within-freelancer estimates, one row per outcome.

    Parameters
    ----------
    data : DataFrame
        Tidy: ``outcome`` (label), ``estimate_pct``, ``ci_low_pct``, ``ci_high_pct``.
    """
    return forest(data, label=label, estimate=estimate, low=low, high=high, facet=None, xlabel=xlabel)


@_canonical_input
def leave_one_out(data: pd.DataFrame, *, label: str = "estimate", estimate: str = "estimate_pct",
                  full: str = "full_pct", low: str = "full_ci_low_pct", high: str = "full_ci_high_pct",
                  drives: str = "drives", xlabel: str = "effect relative to the controls (%)") -> Figure:
    """Leave-one-control-out check: one row per focus estimate.

    Each row shows the estimate with every control (a diamond and its 95%
    interval) and the estimates with one control left out (small grey
    circles; a red cross where leaving that control out moves the estimate
    outside the interval or flips its sign, ``drives``). An empty frame (fewer
    than three controls: no refits) gives an empty panel saying so.

    Parameters
    ----------
    data : DataFrame
        Tidy, one row per focus estimate and left-out control (as
        :func:`analysis.estimation.did.leave_one_out`): ``estimate`` (row
        label), ``estimate_pct`` (without the control), ``full_pct``,
        ``full_ci_low_pct``, ``full_ci_high_pct`` and ``drives`` (bool).
    """
    order = list(dict.fromkeys(data[label])) if len(data) else []
    ypos = {lab: len(order) - 1 - i for i, lab in enumerate(order)}
    with theme():
        fig, axes = _new(1, 1, height=max(2.6, 0.32 * len(order) + 1.2))
        ax = axes[0, 0]
        if not order:
            ax.text(0.5, 0.5, "no leave-one-out refits (fewer than three controls)", transform=ax.transAxes,
                    ha="center", va="center")
            ax.set_yticks([])
        else:
            d = data.assign(_y=data[label].map(ypos))
            first = d.drop_duplicates(label)
            ax.hlines(first["_y"], first[low], first[high], color=PALETTE[0], lw=1.6)
            ax.scatter(first[full], first["_y"], facecolors="white", edgecolors=PALETTE[0], linewidths=1.4,
                       marker="D", s=40, zorder=3, label="all controls (95% interval)")
            out = d[~d[drives].astype(bool)]
            ax.scatter(out[estimate], out["_y"], color=GREY, s=14, zorder=4, alpha=0.8,
                       label="one control left out")
            drv = d[d[drives].astype(bool)]
            if len(drv):
                ax.scatter(drv[estimate], drv["_y"], color=PALETTE[3], marker="x", s=30, zorder=5,
                           label="left out, moves it outside")
            ax.set_yticks(list(ypos.values()), list(ypos.keys()))
            ax.set_ylim(-0.7, len(order) + 0.6)  # a free row on top for the legend
            ax.grid(axis="y", visible=False)
            ax.legend(loc="upper right", fontsize="x-small", frameon=False, ncol=3)
        ax.axvline(0, color="black", lw=0.7)
        ax.set_xlabel(xlabel)
    return fig


def image(out_dir: str | Path, fig_id: str):
    """The exported PNG of a figure as an IPython ``Image``, so a page shows exactly the file a reader downloads."""
    from IPython.display import Image

    validate_fig_id(fig_id)
    return Image(data=(Path(out_dir) / "figures" / f"{fig_id}.png").read_bytes(), format="png")

"""The book as one PDF: Jupyter Book's LaTeX builder on the run's executed chapters.

``python -m analysis run --pdf`` (``make pdf``) calls :func:`build_pdf` on the
same staging copy of the book the HTML is built from (executed notebooks,
execution off): no chapter is executed again. The PDF is published as
``html/`` :data:`PDF_NAME`, and the front page and appendix D link it through
the substitution :data:`LINK_KEY` (empty in ``_config.yml``, so a site built
without the PDF never links it). The PDF is built after the HTML, inside
the run's staging folder: if it fails, the run fails (exit 3) and nothing is
published, so the link is never dead. A later run without ``--pdf`` (``make
book``) publishes a site with neither the PDF nor the link.

What the LaTeX build needs, and gets here
-----------------------------------------
* texlive from apt (:data:`APT_COMMAND`); without ``latexmk``
  :func:`require_latex` stops the run before anything runs (exit 4).
* XeLaTeX with the DejaVu fonts (``_config.yml``; ``fonts-dejavu-core``):
  the pages hold characters pdfLaTeX rejects (``≤``, ``−``), and Sphinx's
  XeLaTeX default font, FreeSerif, is not installed with texlive.
* ``latex: {use_jupyterbook_latex: false}`` in ``_config.yml``: the default
  class of ``sphinx-jupyterbook-latex`` wants ``bbm.sty``, which only the
  584 MB ``texlive-fonts-extra`` package has.
* Tables: every display table of the book is a pandas ``Styler`` (HTML only),
  which LaTeX shows as its ``repr``. :func:`pdf_notebook` replaces each HTML
  table output by a LaTeX ``longtable`` (:func:`latex_table`) whose column
  widths add up to the text width, so it fits the page and breaks across pages.
* Figures: pages show each figure's exported PNG; an output that also carries
  SVG loses the SVG (LaTeX cannot include it). An SVG-only output is an error
  (:class:`analysis.build.run.RunError`), never a figure silently missing.
"""

from __future__ import annotations

import copy
import io
import math
import re
import shutil
from pathlib import Path

import pandas as pd

from analysis.build.run import EXIT_BUILD, EXIT_ENV, RunError, jupyter_book

#: The PDF's file name, in the published site (``html/``) and in the LaTeX build.
PDF_NAME = "genai-freelance-book.pdf"
#: The MyST substitution that links the PDF on the front page and appendix D.
LINK_KEY = "pdf_link"
#: Debian packages of the LaTeX build (about 76 MB, 45 s to install).
APT_COMMAND = ("apt-get install -y latexmk texlive-xetex texlive-latex-extra texlive-latex-recommended "
               "texlive-fonts-recommended fonts-dejavu-core")
#: LaTeX special characters and their escapes (one pass: an escape's own backslash is never escaped again).
_LATEX_ESCAPES = str.maketrans({"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                                "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
                                "^": r"\textasciicircum{}"})


def require_latex() -> None:
    """Stop with exit code 4 (:data:`analysis.build.run.EXIT_ENV`) when ``latexmk`` is not installed.

    Raises
    ------
    RunError
        Naming the apt command (:data:`APT_COMMAND`).
    """
    if shutil.which("latexmk") is None:
        raise RunError(f"--pdf needs LaTeX, and latexmk is not installed; install it with\n  {APT_COMMAND}\n"
                       "(as root; about 76 MB), or build the HTML only (make book)", EXIT_ENV)


def link_sentence(prefix: str = "../") -> str:
    """The sentence that links the PDF, with inline HTML, for a page under ``html/book/``.

    >>> link_sentence()
    'Download the whole book as one PDF, every figure numbered: <a href="../genai-freelance-book.pdf" download>genai-freelance-book.pdf</a>.'
    """
    return (f'Download the whole book as one PDF, every figure numbered: <a href="{prefix}{PDF_NAME}" download>'
            f"{PDF_NAME}</a>.")


def set_link(config: Path, text: str) -> None:
    """Set the substitution :data:`LINK_KEY` in a staged ``_config.yml`` (``""``: no link)."""
    import yaml

    config = Path(config)
    spec = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    spec.setdefault("parse", {}).setdefault("myst_substitutions", {})[LINK_KEY] = text
    config.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True), encoding="utf-8")


def latex_escape(text: str) -> str:
    r"""Text for LaTeX: its special characters escaped.

    >>> latex_escape("50% of R&D_x {a} ~ $1 #2 ^ \\")
    '50\\% of R\\&D\\_x \\{a\\} \\textasciitilde{} \\$1 \\#2 \\textasciicircum{} \\textbackslash{}'
    """
    return str(text).translate(_LATEX_ESCAPES)


#: The longest piece of a cell LaTeX may not break (longer words, hashes and BibTeX keys are cut).
PIECE = 14
#: About how many characters of ``\scriptsize`` DejaVu Serif a line of text holds (``\tiny``: 7/5 of it).
LINE_CHARS = 118


def _pieces(text: str) -> list[str]:
    """A word cut after ``/``, ``_``, a ``.`` not before a digit, and every :data:`PIECE` characters
    (where a cell may break; numbers such as ``0.137`` stay whole).

    >>> _pieces("platform.job_posts"), _pieces("e4f5f3fcf96af3df14ca"), _pieces("0.137")
    (['platform.', 'job_', 'posts'], ['e4f5f3fcf96af3', 'df14ca'], ['0.137'])
    """
    out = []
    for part in re.split(r"(?<=[/_])|(?<=\.)(?=\D)", text):
        out += [part[i:i + PIECE] for i in range(0, len(part), PIECE)]
    return [p for p in out if p]


def latex_cell(text: str) -> str:
    r"""A cell's text for LaTeX: escaped, and allowed to break between the :func:`_pieces` of each word.

    >>> latex_cell("platform.job_posts 50%")
    'platform.\\allowbreak{}job\\_\\allowbreak{}posts 50\\%'
    """
    return "".join(part if part.isspace() else r"\allowbreak{}".join(latex_escape(p) for p in _pieces(part))
                   for part in re.split(r"(\s+)", str(text)) if part)


#: How much wider the bold header is than the cells' text.
BOLD = 1.2


def _longest_piece(cells) -> int:
    return max((len(p) for c in cells for w in str(c).split() for p in _pieces(w)), default=1)


def _floors(frame: pd.DataFrame, line_chars: float) -> list[float]:
    """Each column's smallest share of the line: its longest unbreakable piece (header in bold,
    :data:`BOLD`) and two characters of gap."""
    return [(max(BOLD * _longest_piece([col]), _longest_piece(frame[col])) + 2) / line_chars
            for col in frame.columns]


def column_widths(frame: pd.DataFrame, cap: int = 40, line_chars: float = LINE_CHARS) -> list[float]:
    """Each column's share of the text width; the shares add up to 1.

    A column's share is proportional to the square root of its longest cell
    or header (3 to ``cap`` characters), so narrow number columns are not
    crushed by one long text column, but never less than its longest
    unbreakable piece needs (:func:`_pieces`, ``line_chars`` characters per
    line), as far as the line allows.

    >>> column_widths(pd.DataFrame({"a": ["x"], "bbbbbbbbbbbb": ["y"]}))
    [0.333..., 0.666...]
    """
    weights = [math.sqrt(min(max(max(len(c) for c in [str(col)] + [str(v) for v in frame[col]]), 3), cap))
               for col in frame.columns]
    floors = _floors(frame, line_chars)
    if sum(floors) >= 1:  # too many columns for the line: the floors, scaled down
        return [f / sum(floors) for f in floors]
    shares = [w / sum(weights) for w in weights]
    fixed: set[int] = set()
    while True:  # columns below their floor get it; the rest share what is left, by weight
        low = {k for k, (s, f) in enumerate(zip(shares, floors)) if s < f and k not in fixed}
        if not low:
            return shares
        fixed |= low
        left = 1 - sum(floors[k] for k in fixed)
        free = sum(w for k, w in enumerate(weights) if k not in fixed)
        shares = [floors[k] if k in fixed else weights[k] / free * left for k in range(len(weights))]


def latex_table(frame: pd.DataFrame) -> str:
    r"""A ``longtable`` of ``frame`` (every cell as text) that fits the text width.

    Columns are ragged-right paragraph columns (``p{}``) whose widths
    (:func:`column_widths`) add up to ``\linewidth`` less the column
    separations, in ``\scriptsize`` (``\tiny`` when the longest words of its
    columns do not fit the line in ``\scriptsize``, as in the summary's
    13-column claim table); the header repeats on every page.

    Examples
    --------
    >>> print(latex_table(pd.DataFrame({"Id": ["a_b"], "n": ["1"]})))  # doctest: +NORMALIZE_WHITESPACE
    \begingroup\scriptsize
    \begin{longtable}{>{\raggedright\arraybackslash}p{\dimexpr 0.500\linewidth-2\tabcolsep\relax}>{\raggedright\arraybackslash}p{\dimexpr 0.500\linewidth-2\tabcolsep\relax}}
    \hline
    \textbf{Id} & \textbf{n} \\
    \hline
    \endhead
    a\_\allowbreak{}b & 1 \\
    \hline
    \end{longtable}
    \endgroup
    """
    size, chars = r"\scriptsize", LINE_CHARS
    if sum(_floors(frame, chars)) >= 1:
        size, chars = r"\tiny", LINE_CHARS * 7 / 5
    widths = column_widths(frame, line_chars=chars)
    spec = "".join(r">{\raggedright\arraybackslash}p{\dimexpr " + f"{w:.3f}" + r"\linewidth-2\tabcolsep\relax}"
                   for w in widths)
    head = " & ".join(r"\textbf{" + latex_cell(c) + "}" for c in frame.columns) + r" \\"
    body = [" & ".join(latex_cell(v) for v in row) + r" \\" for row in frame.astype(str).itertuples(index=False)]
    return "\n".join([r"\begingroup" + size, r"\begin{longtable}{" + spec + "}", r"\hline", head, r"\hline",
                      r"\endhead", *body, r"\hline", r"\end{longtable}", r"\endgroup"])


def html_tables(html: str) -> list[pd.DataFrame]:
    """The tables of an HTML output as frames of text (index columns kept; empty cells ``""``)."""
    frames = pd.read_html(io.StringIO(html), keep_default_na=False, flavor="lxml")
    out = []
    for f in frames:
        f = f.copy()
        if isinstance(f.columns, pd.MultiIndex):  # a Styler with a named index has two header rows
            f.columns = [" ".join(dict.fromkeys(str(x) for x in c if not str(x).startswith("Unnamed")))
                         for c in f.columns]
        f.columns = ["" if str(c).startswith("Unnamed") else str(c) for c in f.columns]
        out.append(f.astype(str).replace({"nan": ""}))
    return out


def pdf_notebook(nb, name: str = ""):
    """A copy of an executed notebook for the LaTeX build: HTML tables as LaTeX, no SVG beside a PNG.

    Each output whose ``text/html`` holds a ``<table`` becomes a ``text/markdown``
    output holding a ``{raw} latex`` block of :func:`latex_table` (the cell is
    told to read its Markdown as MyST). Other outputs are kept.

    Raises
    ------
    RunError
        If an output holds an SVG image and no PNG, PDF or JPEG one (LaTeX cannot include SVG).
    """
    nb = copy.deepcopy(nb)
    for k, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code":
            continue
        for out in cell.get("outputs", []):
            data = out.get("data")
            if not data:
                continue
            if "image/svg+xml" in data:
                if not any(m in data for m in ("image/png", "application/pdf", "image/jpeg")):
                    raise RunError(f"{name}: cell {k} shows an SVG image only; LaTeX cannot include SVG: show "
                                   "the figure's PNG (analysis.report.figures)", EXIT_BUILD)
                del data["image/svg+xml"]
            html = data.get("text/html")
            html = "".join(html) if isinstance(html, list) else html
            if html and "<table" in html:
                body = "\n\n".join(latex_table(f) for f in html_tables(html))
                out["data"] = {"text/markdown": "```{raw} latex\n" + body + "\n```\n"}
                cell.metadata.setdefault("mystnb", {})["markdown_format"] = "myst"
    return nb


def stage_pdf(src: Path, dest: Path) -> None:
    """A copy of the staged book ``src`` (see :func:`analysis.build.run.stage_book`) for the LaTeX build."""
    import nbformat

    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("*.ipynb"))
    set_link(dest / "_config.yml", "")  # the PDF does not link itself
    for nb_path in sorted(Path(src).rglob("*.ipynb")):
        target = dest / nb_path.relative_to(src)
        nbformat.write(pdf_notebook(nbformat.read(nb_path, as_version=4), nb_path.stem), target)


def _latex_errors(log_dir: Path) -> list[str]:
    """The ``!`` lines of the LaTeX logs (the errors), with the line that follows each."""
    found = []
    for log in sorted(Path(log_dir).glob("*.log")):
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
        for i, line in enumerate(lines):
            if line.startswith("!"):
                found.append(f"{log.name}: {line} {lines[i + 1].strip() if i + 1 < len(lines) else ''}")
    return found


def build_pdf(src: Path, builddir: Path) -> Path:
    """Build the PDF of the staged book ``src`` with Jupyter Book's ``pdflatex`` builder; return its path.

    The LaTeX build runs on a copy made by :func:`stage_pdf` (``builddir/src``).

    Raises
    ------
    RunError
        Exit 4 without ``latexmk``; exit 3 when the build fails (the LaTeX errors are quoted).
    """
    require_latex()
    builddir = Path(builddir)
    tex_src = builddir / "src"
    shutil.rmtree(tex_src, ignore_errors=True)
    stage_pdf(Path(src), tex_src)
    r = jupyter_book(tex_src, builddir, "pdflatex")
    latex = builddir / "_build" / "latex"
    pdfs = sorted(latex.glob("*.pdf")) if latex.is_dir() else []
    if r.returncode != 0 or not pdfs:
        errors = _latex_errors(latex) if latex.is_dir() else []
        text = re.sub(r"\x1b\[[0-9;]*m", "", r.stdout + "\n" + r.stderr).replace(str(tex_src) + "/", "")
        shown = "\n  ".join(errors[:10] or text.strip().splitlines()[-15:])
        raise RunError(f"the PDF build failed (jupyter-book build --builder pdflatex):\n  {shown}", EXIT_BUILD)
    return pdfs[0]

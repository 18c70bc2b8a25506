"""Publishing a built site: its downloads inside ``html/``, and no machine path in it.

Called by :func:`analysis.build.run.run` once the HTML is built, before the
products are put in place. :func:`publish`

1. copies every figure's files (SVG, PNG, PDF, the CSV of its data and the
   JSON of its metadata) into ``html/figures/``, where the links under each
   figure (:func:`analysis.report.figures.download_links`) and appendix D
   point;
2. writes ``html/results/estimates.csv`` and ``html/results/claims.csv``:
   the run's tables with two leading columns, ``book_version`` and
   ``extract_sha256``, so a downloaded table says which book and which
   extract it comes from;
3. rewrites the injected-parameters cell of every downloadable notebook
   (``html/_sources/**/*.ipynb``): ``data_dir`` and ``output_dir`` become
   empty (a reader sets their own folder; the extract stays named by
   ``data_label`` and its checksum);
4. checks that no file of the site contains the extract's folder path or
   the build folder's, and refuses the site (:class:`PublishError`) naming
   the files that do.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd

from analysis.build.run import EXIT_BUILD, RunError
from analysis.core.paths import PROJECT_ROOT
from analysis.core.paths import project_version

#: Site folders of the published downloads (relative to ``html/``).
FIGURES_DIR = "figures"
RESULTS_DIR = "results"
#: The run's tables that are published, with the book version and extract checksum added.
TABLES = ("estimates.csv", "claims.csv")
#: File types read as text when the site is searched for machine paths.
TEXT_SUFFIXES = {".html", ".htm", ".js", ".css", ".json", ".ipynb", ".txt", ".csv", ".svg", ".md", ".py",
                 ".xml", ".bib", ".inv", ".map"}

__all__ = ["PublishError", "publish", "published_table", "scrub_notebook", "find_paths", "citation_bibtex",
           "project_version", "CITATION_BIB"]

#: The site's BibTeX, shown on the front page; made by :func:`citation_bibtex` (tests/test_citation.py
#: fails when it is stale).
CITATION_BIB = PROJECT_ROOT / "book" / "_static" / "citation.bib"


class PublishError(RunError):
    """The site cannot be published as built (a machine path in it); the run exits with 3."""

    def __init__(self, message: str):
        super().__init__(message, EXIT_BUILD)


def publish(stage: Path, data_dir: Path, checksum: str, hidden: tuple[Path, ...] = ()) -> None:
    """Put the downloads into ``<stage>/html`` and check that it names no machine path.

    Parameters
    ----------
    stage : Path
        The run's staging folder, holding ``html/``, ``figures/`` and ``results/``.
    data_dir : Path
        The extract's folder: its path must appear in no published file.
    checksum : str
        SHA-256 of the extract (:func:`analysis.data.extract.extract_checksum`).
    hidden : tuple of Path
        Other folders whose paths must not be published (the build folder).

    Raises
    ------
    PublishError
        If a file of the site still contains one of the paths.
    """
    html = Path(stage) / "html"
    figures = Path(stage) / "figures"
    dest = html / FIGURES_DIR
    dest.mkdir(parents=True, exist_ok=True)
    if figures.is_dir():
        for f in sorted(figures.iterdir()):
            if f.is_file():
                shutil.copyfile(f, dest / f.name)
    results = html / RESULTS_DIR
    results.mkdir(parents=True, exist_ok=True)
    for name in TABLES:
        src = Path(stage) / "results" / name
        if src.is_file():
            published_table(pd.read_csv(src, keep_default_na=False, dtype=str), checksum).to_csv(
                results / name, index=False, lineterminator="\n")
    for nb in sorted(html.rglob("*.ipynb")):
        nb.write_text(scrub_notebook(nb.read_text(encoding="utf-8")), encoding="utf-8")
    paths = [Path(data_dir), *hidden]
    leaks = find_paths(html, paths)
    if leaks:
        shown = ", ".join(str(p.relative_to(html)) for p in leaks[:10])
        raise PublishError(f"{len(leaks)} file(s) of the site contain a machine path ({shown}): the site names an "
                           "extract by its data_label and checksum only")


def published_table(table: pd.DataFrame, checksum: str) -> pd.DataFrame:
    """A results table as published: ``book_version`` and ``extract_sha256`` first, then its own columns.

    Examples
    --------
    >>> t = published_table(pd.DataFrame({"id": ["platform.job_posts"], "estimate_pct": ["3.1"]}), "ab" * 32)
    >>> list(t.columns), t["extract_sha256"].item() == "ab" * 32
    (['book_version', 'extract_sha256', 'id', 'estimate_pct'], True)
    """
    out = table.copy()
    out.insert(0, "extract_sha256", checksum)
    out.insert(0, "book_version", project_version())
    return out


def scrub_notebook(text: str) -> str:
    """A downloadable notebook without machine paths: ``data_dir`` and ``output_dir`` of its
    injected-parameters cell and of papermill's metadata set to ``""`` (the reader's own folder
    goes there), papermill's ``input_path`` and ``output_path`` removed.

    Examples
    --------
    >>> nb = {"cells": [{"cell_type": "code", "metadata": {"tags": ["injected-parameters"]},
    ...                  "source": ['data_dir = "/private/x"\\n', 'seed = 1\\n', 'output_dir = "/tmp/o"\\n']}]}
    >>> json.loads(scrub_notebook(json.dumps(nb)))["cells"][0]["source"][0]
    'data_dir = ""  # the run\\'s extract is named by data_label; give your extract\\'s folder\\n'
    """
    nb = json.loads(text)
    pm = nb.get("metadata", {}).get("papermill")
    if isinstance(pm, dict):  # papermill's record of the run: the same parameters, and its own file paths
        for key in ("input_path", "output_path"):
            pm.pop(key, None)
        for key in ("data_dir", "output_dir"):
            if key in pm.get("parameters", {}):
                pm["parameters"][key] = ""
    for cell in nb.get("cells", []):
        if "injected-parameters" not in cell.get("metadata", {}).get("tags", []):
            continue
        src = cell.get("source", "")
        lines = (src if isinstance(src, list) else src.splitlines(keepends=True))
        new = []
        for line in lines:
            name = line.split("=", 1)[0].strip()
            end = "\n" if line.endswith("\n") else ""
            if name == "data_dir":
                line = "data_dir = \"\"  # the run's extract is named by data_label; give your extract's folder" + end
            elif name == "output_dir":
                line = "output_dir = \"\"" + end
            new.append(line)
        cell["source"] = new if isinstance(src, list) else "".join(new)
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def find_paths(folder: Path, paths: list[Path]) -> list[Path]:
    """Files under ``folder`` (text types, :data:`TEXT_SUFFIXES`) that contain any of ``paths``.

    A path is searched as written and resolved, with ``/`` and with JSON's
    escaped ``\\/``.
    """
    needles = set()
    for p in paths:
        for form in {str(p), str(Path(p).resolve())}:
            if len(form) > 1:
                needles |= {form, form.replace("/", "\\/")}
    found = []
    for f in sorted(Path(folder).rglob("*")):
        if f.is_file() and f.suffix.lower() in TEXT_SUFFIXES:
            text = f.read_text(encoding="utf-8", errors="replace")
            if any(n in text for n in needles):
                found.append(f)
    return found


def citation_bibtex(root: Path = PROJECT_ROOT) -> str:
    """The BibTeX of the book, from the ``preferred-citation`` of ``CITATION.cff``.

    ``cffconvert`` 2.0.0 reads only the top-level fields of ``CITATION.cff``,
    writes no version and does not brace an organisation's name (BibTeX would
    read "The genai-freelance-book contributors" as a person whose last name
    is "contributors"), so the site's entry is made here: an ``@book`` with
    the author in double braces, the title, year, URL, and the version from
    ``pyproject.toml`` (as ``version`` and in ``note``).

    Raises
    ------
    ValueError
        If the versions of ``CITATION.cff`` and ``pyproject.toml`` differ, or
        a field holds a brace.
    """
    import yaml

    cff = yaml.safe_load((Path(root) / "CITATION.cff").read_text(encoding="utf-8"))
    pref = cff["preferred-citation"]
    version = project_version(root)
    for where, v in (("version", cff.get("version")), ("preferred-citation.version", pref.get("version"))):
        if str(v) != version:
            raise ValueError(f"CITATION.cff {where} is {v}, pyproject.toml says {version}: keep them equal")
    names = [a.get("name") or " ".join(x for x in (a.get("given-names"), a.get("family-names")) if x)
             for a in pref["authors"]]
    authors = " and ".join(f"{{{n}}}" if "name" in a else n for n, a in zip(names, pref["authors"]))
    fields = [("author", authors), ("title", pref["title"]), ("year", str(pref["year"])), ("version", version),
              ("note", f"Version {version}"), ("url", pref["url"])]
    for k, v in fields:
        if ("{" in v or "}" in v) and k != "author":
            raise ValueError(f"CITATION.cff preferred-citation {k} holds a brace: {v!r}")
    width = max(len(k) for k, _ in fields)
    body = ",\n".join(f"  {k.ljust(width)} = {{{v}}}" for k, v in fields)
    return f"@book{{genai_freelance_book,\n{body}\n}}\n"

"""``python -m analysis run``: check the inputs, execute every chapter, build the book.

::

    python -m analysis run [--data DIR] [--params FILE.yaml] [--set KEY=VALUE ...]
                           [--out DIR] [--sweep FILE.yaml] [--backend duckdb]
                           [--cache-dir DIR] [--no-cache] [--jobs N] [--cold-kernels] [--pdf]

Steps
-----
1. **Check** the extract against the data contract (:func:`analysis.data.contract.validate`; a valid extract's result is remembered in the cache until a file changes)
   and the parameters on their own and against the extract
   (:mod:`analysis.core.params`), listing *every* problem before anything runs.
2. **Execute** every chapter of ``_toc.yml`` (not the plain-Markdown root page)
   with papermill: the MyST source is read with jupytext and executed with the
   parameters injected (``data_dir`` absolute; ``output_dir`` a per-chapter
   folder in the cache). ``00_summary`` runs **last**: before it runs, the
   results of all other chapters are merged into *its own* results file
   (``<output_dir>/results/estimates.csv``), so the summary reads every other
   chapter's estimates with ``analysis.results.read_results(ctx.results_path)``
   and adds its own with ``ctx.record``. Interactively (every chapter writing
   to the same ``_build/interactive/<extract sha12>``) the same line reads the same table.
   The chapters before the pages of :data:`LAST` do not read each other's
   results, so ``--jobs N`` executes up to ``N`` of them at a time, each in
   its own kernel (default: one per core, ``os.cpu_count()``; ``--jobs 1``
   one after another). The pages of :data:`LAST` then run one by one, as
   before. The outputs do not depend on ``N``: results are merged in the
   book's order and every figure file and ``estimates.csv`` is byte-identical
   to a serial run's. With ``N > 1`` each kernel gets one BLAS, OpenMP and
   numba thread (:data:`THREAD_VARS`), so that kernels do not oversubscribe
   the cores. On Linux every chapter's kernel is a fork of one process that
   imported pandas, SciPy, matplotlib, pyfixest and this package once
   (:mod:`analysis.build.warm`, started when the first kernel is needed):
   the imports cost each kernel 3-5 s of CPU before. The outputs are the same
   (the book's tests compare a build with warm kernels against a re-execution
   with fresh ones, file by file); ``--cold-kernels`` starts every kernel as
   a new Python, as on other systems and whenever the server cannot start.
3. **Build** the HTML with ``jupyter-book build -W -n --keep-going`` from a
   staging copy of the book in which each chapter's ``.md``/``.py`` pair is
   replaced by its executed ``.ipynb`` (execution is off in ``_config.yml``).
   With ``--pdf`` (``make pdf``) the same staging copy is also built with
   Jupyter Book's LaTeX builder into ``<out>/html/genai-freelance-book.pdf``
   (:mod:`analysis.build.pdf`; no chapter is executed again), and the front
   page and appendix D link it; without ``--pdf`` there is no PDF and no link.
4. **Write** ``<out>/html/``, ``<out>/results/estimates.csv`` (all chapters,
   sorted by id), ``<out>/figures/``, ``<out>/executed/*.ipynb`` and
   ``<out>/manifest.json`` (parameters, SHA-256 of every input file, row
   counts, package versions, git commit, times, cache keys); with ``--sweep``
   also ``<out>/sweep/<k>/`` and ``<out>/results/robustness.csv``.

Atomic output
-------------
Everything is built in ``.<out>.tmp-<pid>`` next to ``<out>`` (same
filesystem). Only when every step succeeded are the products put in place;
a failure, Ctrl-C or kill before that point leaves ``<out>`` untouched, and
leftovers of killed runs are cleaned (or the previous products put back) by
the next run. The run products in ``<out>`` are ``html/``, ``results/``,
``figures/``, ``executed/``, ``sweep/``, ``manifest.json`` and the mark
``.analysis-run`` (:data:`OUT_MARK`).

What ``--out`` may be (checked before anything runs, and again before the
products are put in place; :func:`check_out`):

* a folder that does not exist yet: the built folder is renamed into place;
* a folder an earlier run marked as its own (the file ``.analysis-run``, or,
  for folders built before that mark existed, a ``manifest.json`` with a
  ``key``): it is replaced as a whole (renamed aside, the new one renamed
  in); entries that are not run products (``.cache``, ``interactive``,
  anything of yours) are moved over, never deleted;
* an existing folder no run made that holds *none* of the product names
  (``html``, ``results``, ...): the products are added inside it, nothing
  else is touched, and it is marked as holding a run's products (later runs
  replace those products inside it, never the folder itself);
* anything else is refused with a message and exit code 2: a file (it is
  never renamed or touched), the root folder, or an unmarked folder that
  already holds a ``results/``, ``figures/``, ... of its own (``--out ~``
  with ``~/results``).

Two runs into the same ``<out>`` exclude each other whatever their caches:
the lock is the file ``.<out>-analysis.lock`` next to ``<out>``.

Cache
-----
Each chapter's key is the SHA-256 of its source, the parameters, the
extract's checksum, the source of ``analysis/**/*.py``, ``requirements.txt`` and
the small data files under ``data/`` (for the summary also the keys of all
other chapters). Its executed notebook and output folder are kept under
``<cache>/chapters/<chapter>/<key>/`` (default cache ``_build/.cache``,
``--cache-dir`` or ``ANALYSIS_CACHE_DIR``; ``--no-cache`` executes everything
afresh). When every key hits and ``<out>/manifest.json`` has the same overall
key, the run prints ``up to date`` and stops.

Exit codes
----------
0
    Built, or up to date.
1
    The extract breaks the data contract, or cannot answer the questions for
    any parameters (fewer than three categories).
2
    Invalid parameters (on their own or for this extract), an unreadable
    parameters or sweep file (not YAML, too large, an alias bomb, a duplicate
    key), an ``--out`` that must not be replaced (see above), or a
    command-line usage error.
3
    A chapter failed while executing, the book build failed (warnings are
    errors), or results could not be merged. The message names the chapter,
    the cell (index and first line) and the error; the partial executed
    notebook is kept under ``<cache>/failed/``.
4
    A folder the run writes cannot be used: another run is writing the same
    ``--out``, or the cache, output or temporary folder is read-only, full
    or not a folder. The message names the path. Or ``--pdf`` without LaTeX
    (``latexmk`` not installed): the message names the apt command.
5
    Internal error: an unexpected exception (a bug; the traceback is printed).
    Never 1, which means bad data.
130
    Interrupted (Ctrl-C or SIGTERM).

Other books
-----------
``--book DIR`` builds the book whose ``_config.yml`` and ``_toc.yml`` are in
``DIR`` (default: the repository root), with the same package and data. The
tests use it to build a small book with a failing chapter.

Panel cache
-----------
Chapters share the panels: the run writes ``run-context.json`` (the panel
cache folder) into each chapter's ``output_dir``; :class:`analysis.page.Page`
reads it and hands the folder to :class:`analysis.data.panels.PanelStore`.
Interactively there is no such file and panels are built in memory.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import hashlib
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from analysis.build.warm_client import alive as _pid_alive
from analysis.core.hashing import file_sha256, package_versions
from analysis.core.params import DEFAULT_PARAMS
from analysis.core.paths import INPUTS_CHECKED_ENV, PROJECT_ROOT, SYNTHETIC_DIR
from analysis.build.integrity import ExtractChanged, check_unchanged

SUMMARY = "00_summary"
#: Pages that read what the other chapters produced: they run last, in this
#: order, seeded with the merged results (and, for the index, the figures).
LAST = (SUMMARY, "a4_figures")
PRODUCTS = ("html", "results", "figures", "executed", "sweep", "manifest.json")
#: The file in a chapter's output folder that tells the page where the run keeps its panel cache.
RUN_CONTEXT = "run-context.json"
CACHE_ENV = "ANALYSIS_CACHE_DIR"
KEEP_CACHE_ENTRIES = 6
EXIT_OK, EXIT_DATA, EXIT_PARAMS, EXIT_BUILD, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
EXIT_ENV, EXIT_INTERNAL = 4, 5
#: The file by which a run marks an output folder as holding its products.
OUT_MARK = ".analysis-run"
#: Book files outside the chapters that change the HTML (part of the overall key).
BOOK_EXTRAS = ("_config.yml", "_toc.yml")
#: Thread counts of BLAS, OpenMP and numba: one per kernel (reproducible float sums; with
#: ``--jobs`` above 1, kernels running side by side would otherwise oversubscribe the cores).
THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS")


class RunError(Exception):
    """A run stops: ``message`` for the user, ``code`` the exit code."""

    def __init__(self, message: str, code: int):
        super().__init__(message)
        self.message = message
        self.code = code


# ---------------------------------------------------------------------------
# Hashing and inputs
# ---------------------------------------------------------------------------


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _sha_json(obj) -> str:
    return _sha(json.dumps(obj, sort_keys=True, default=str).encode())


def _sha_files(paths) -> str:
    h = hashlib.sha256()
    for p in sorted(paths):
        p = Path(p)
        h.update(str(p.relative_to(PROJECT_ROOT) if p.is_relative_to(PROJECT_ROOT) else p).encode() + b"\0")
        h.update(Path(p).read_bytes() + b"\0")
    return h.hexdigest()


def code_hash() -> str:
    """Hash of what every chapter depends on besides its own source and the data."""
    files = [p for p in (PROJECT_ROOT / "analysis").rglob("*.py") if "__pycache__" not in p.parts]
    files += [p for p in (PROJECT_ROOT / "requirements.txt",) if p.exists()]
    files += [p for p in (PROJECT_ROOT / "data").glob("*") if p.is_file()]
    return _sha_files(files)


def book_extras_hash(root: Path = PROJECT_ROOT) -> str:
    """Hash of the book files that are not chapters (root page, bibliography, static files, config)."""
    files = [root / f for f in BOOK_EXTRAS]
    chapters = {p.stem for p in chapter_sources(root=root)}
    for p in (root / "book").rglob("*"):
        if p.is_file() and "__pycache__" not in p.parts and p.stem not in chapters and p.suffix != ".ipynb":
            files.append(p)
    return _sha_files(files)


def chapter_sources(toc: Path | None = None, root: Path = PROJECT_ROOT) -> list[Path]:
    """MyST sources of the chapters listed in ``<root>/_toc.yml``, in order (root page excluded)."""
    toc = toc or root / "_toc.yml"
    spec = yaml.safe_load(toc.read_text())
    files: list[str] = []

    def walk(entries):
        for e in entries or []:
            if "file" in e:
                files.append(e["file"])
            walk(e.get("sections"))
            walk(e.get("chapters"))

    for part in spec.get("parts", []):
        walk(part.get("chapters"))
    walk(spec.get("chapters"))
    out = []
    for f in files:
        p = root / f
        p = p if p.suffix else p.with_suffix(".md")
        if p.suffix == ".md" and p.exists() and "{code-cell}" in p.read_text(encoding="utf-8"):
            out.append(p)
        elif p.suffix == ".md" and not p.exists():
            raise RunError(f"_toc.yml lists {f}, but {p.relative_to(root)} does not exist", EXIT_BUILD)
    return out


def ordered(chapters: list[Path]) -> list[Path]:
    """Chapters in toc order with the pages of ``LAST`` at the end, in that order."""
    rest = [c for c in chapters if c.stem not in LAST]
    return rest + [c for name in LAST for c in chapters if c.stem == name]


def git_commit() -> str:
    try:
        r = subprocess.run(["git", "-C", str(PROJECT_ROOT), "rev-parse", "HEAD"], capture_output=True,
                           text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return r.stdout.strip() if r.returncode == 0 and r.stdout.strip() else "unknown"


# ---------------------------------------------------------------------------
# Checking the inputs
# ---------------------------------------------------------------------------


@dataclass
class Inputs:
    params: dict
    summary: object
    data_dir: Path
    sweep: list[dict] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)


def read_sweep(path: Path) -> list[dict]:
    from analysis.core.params import ParamsFileError, load_yaml

    if not path.is_file():
        raise ParamsFileError(f"{path}: sweep file not found")
    try:
        sets = load_yaml(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError, ValueError) as e:
        raise ParamsFileError(f"{path}: not a readable YAML file: {str(e).splitlines()[0]}") from None
    if not isinstance(sets, list) or not sets or not all(isinstance(s, dict) for s in sets):
        raise ParamsFileError(f"{path}: a sweep file is a non-empty YAML list of parameter overrides, e.g.\n"
                              "  - {value_threshold_usd: 500}\n  - {treatment_date: 2023-03-14}")
    return [{str(k): v for k, v in s.items()} for s in sets]


def validate_cached(data_dir: Path, cache_dir: Path | None):
    """:func:`analysis.data.contract.validate`, remembered for a valid extract.

    Validation reads every row (about 8 s at 10^7 job posts). A valid
    extract's summary is kept under ``<cache>/validated/`` keyed by the
    folder, the SHA-256 of its files and the contract's code, so a rebuild on
    unchanged data skips it; any change to a file changes the key. No cache
    (``--no-cache``): always validated.
    """
    from analysis.data.contract import Summary, validate
    from analysis.data.extract import extract_checksum

    if cache_dir is None:
        return validate(data_dir)
    try:
        checksum = extract_checksum(data_dir)
    except (FileNotFoundError, OSError):
        return validate(data_dir)  # reports the missing or unreadable files
    contract_code = (PROJECT_ROOT / "analysis" / "data" / "contract.py").read_bytes()
    key = _sha_json({"folder": str(Path(data_dir).resolve()), "extract": checksum,
                     "contract": _sha(contract_code)})
    memo = cache_dir / "validated" / f"{key}.json"
    with contextlib.suppress(OSError, ValueError, TypeError):
        return Summary(**json.loads(memo.read_text())), []
    summary, violations = validate(data_dir)
    if summary is not None and not violations:
        memo.parent.mkdir(parents=True, exist_ok=True)
        tmp = memo.with_suffix(f".tmp-{os.getpid()}")
        tmp.write_text(json.dumps(dataclasses.asdict(summary)))
        os.replace(tmp, memo)
    return summary, violations


def check_inputs(args, cache_dir: Path | None = None) -> Inputs:
    """Validate extract, parameters and sweep sets; raise RunError listing every problem.

    ``cache_dir``: remember a valid extract's validation (:func:`validate_cached`).
    """
    from analysis.core.params import (
        ParamsFileError,
        check_against_data,
        check_schema,
        data_label,
        format_problems,
        parse_sets,
        read_params_file,
    )
    from analysis.data.contract import format_violations

    overrides: dict = {}
    problems = []
    sources = []
    try:
        if args.params:
            overrides.update(read_params_file(args.params))
            sources.append(str(args.params))
        sweep = read_sweep(Path(args.sweep)) if args.sweep else []
    except ParamsFileError as e:
        raise RunError(str(e), EXIT_PARAMS) from None
    sets, set_problems = parse_sets(args.set)
    problems += set_problems
    overrides.update(sets)
    if args.set:
        sources.append("--set")
    if args.data:
        overrides["data_dir"] = str(Path(args.data).expanduser().resolve())
    full, schema_problems = check_schema(overrides)
    problems += schema_problems
    data_dir = Path(full["data_dir"]).expanduser() if full["data_dir"] else SYNTHETIC_DIR
    if not data_dir.is_absolute():
        data_dir = (Path.cwd() / data_dir).resolve()
    full["data_dir"] = str(data_dir)
    full["data_label"] = data_label(full, data_dir, SYNTHETIC_DIR)  # the pages name the extract by it, never by path

    summary, violations = validate_cached(data_dir, cache_dir)
    if summary is not None:
        problems += check_against_data(full, summary, skip={p.key for p in schema_problems})
    for k, s in enumerate(sweep, 1):
        if "data_dir" in s or "output_dir" in s:
            from analysis.core.params import ParamProblem

            problems.append(ParamProblem(f"sweep set {k}", "may not change data_dir or output_dir"))
            continue
        fs, ps = check_schema({**{k2: v for k2, v in full.items() if k2 != "output_dir"}, **s})
        if summary is not None:
            ps += check_against_data(fs, summary, skip={p.key for p in ps})
        problems += [type(p)(f"sweep set {k} ({_label(s)}): {p.key}", p.message, p.kind) for p in ps]

    src = " + ".join(sources) if sources else "default parameters"
    msgs = []
    if violations:
        msgs.append(format_violations(data_dir, violations, limit=15))
    if problems:
        msgs.append(format_problems(problems, source=src, limit=15))
    if msgs:
        data_kind = bool(violations) or any(p.kind == "data" for p in problems)
        raise RunError("\n".join(msgs), EXIT_DATA if data_kind else EXIT_PARAMS)

    files = {name: str(Path(p)) for name, p in summary.files.items()}
    return Inputs(params=full, summary=summary, data_dir=data_dir, sweep=sweep, files=files)


def _label(overrides: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in overrides.items()) or "base"


# ---------------------------------------------------------------------------
# Folders: staging, swap, recovery
# ---------------------------------------------------------------------------


def recover(out: Path) -> None:
    """Clean what killed runs left next to (and inside) ``out``; put back the
    previous products if a kill fell while they were being replaced."""
    parent = out.parent
    if not parent.is_dir():
        return
    for kind in ("old", "tmp"):
        for p in sorted(parent.glob(f".{out.name}.{kind}-*")):
            try:
                pid = int(p.name.rsplit("-", 1)[1])
            except ValueError:
                continue
            if pid == os.getpid() or _pid_alive(pid):
                continue
            if kind == "old" and not out.exists():
                os.rename(p, out)
            else:
                shutil.rmtree(p, ignore_errors=True)
    if not out.is_dir() or out.is_symlink():
        return
    for trash in sorted(out.glob(".analysis-old-*")):  # products being replaced in place
        try:
            pid = int(trash.name.rsplit("-", 1)[1])
        except ValueError:
            continue
        if pid == os.getpid() or _pid_alive(pid):
            continue
        names = (*PRODUCTS, OUT_MARK)
        moving_in = (trash / ".moving-in").exists()
        if not (moving_in and (out / "manifest.json").exists()):  # not finished: back to the old products
            if moving_in:  # every old product had left: what is in out is new and incomplete
                for name in names:
                    _remove(out / name)
            for name in names:
                if (trash / name).exists() or (trash / name).is_symlink():
                    os.rename(trash / name, out / name)
        shutil.rmtree(trash, ignore_errors=True)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def _mark(out: Path) -> dict | None:
    """The mark of an output folder a run made (None: no run marked it).

    ``{"created": True}``: the folder itself is the run's and may be replaced
    whole; ``{"created": False}``: a folder of the user's holding a run's
    products. A folder built before the mark existed is recognised by its
    ``manifest.json`` with a ``key`` (every run wrote one).
    """
    mark = out / OUT_MARK
    if mark.is_file() and not mark.is_symlink():
        with contextlib.suppress(OSError, ValueError):
            data = json.loads(mark.read_text(encoding="utf-8"))
            if isinstance(data, dict) and data.get("made_by") == "python -m analysis run":
                return {"created": bool(data.get("created", True))}
    manifest = out / "manifest.json"
    if manifest.is_file() and not manifest.is_symlink():
        with contextlib.suppress(OSError, ValueError, UnicodeDecodeError):
            data = json.loads(manifest.read_text(encoding="utf-8"))
            if isinstance(data, dict) and isinstance(data.get("key"), str):
                return {"created": True}
    return None


def check_out(out: Path) -> str:
    """Say how ``out`` would receive the products, or refuse it.

    Returns
    -------
    {"new", "replace", "inside"}
        ``new``: does not exist; ``replace``: a folder a run made, replaced
        whole; ``inside``: a folder of the user's, products added or replaced
        inside it.

    Raises
    ------
    RunError
        (exit 2) ``out`` is a file or anything but a folder, the root folder,
        or an unmarked folder holding entries named like the run's products;
        (exit 4) its parent is not a folder.
    """
    if out.parent == out:
        raise RunError(f"--out {out} is the root folder: give a folder for the build", EXIT_PARAMS)
    if not out.exists() and not out.is_symlink():
        if out.parent.exists() and not out.parent.is_dir():
            raise RunError(f"--out {out}: {out.parent} is a file, not a folder", EXIT_ENV)
        return "new"
    if not out.is_dir():
        raise RunError(f"--out {out} is a file, not a folder; nothing was touched: give a folder "
                       "(a new one, or one an earlier run built)", EXIT_PARAMS)
    mark = _mark(out)
    if mark is not None:
        return "replace" if mark["created"] else "inside"
    try:
        clash = sorted(e.name for e in out.iterdir() if e.name in PRODUCTS or e.name == OUT_MARK)
    except OSError as e:
        raise RunError(f"--out {out} cannot be read: {e.strerror}", EXIT_ENV) from None
    if clash:
        raise RunError(f"--out {out} holds {', '.join(clash)} that no run made (no {OUT_MARK} mark): a build "
                       "would replace them, so nothing was touched; choose another folder (a new one, or one "
                       "an earlier run built), or move them away", EXIT_PARAMS)
    return "inside"


def swap_in(new: Path, out: Path) -> None:
    """Put the products built in ``new`` (next to ``out``, same filesystem) in place.

    How depends on :func:`check_out` (run again here: the folder may have
    changed during the build): a new ``out`` is ``new`` renamed; a folder a
    run made is replaced whole, keeping the entries the run does not make; a
    folder of the user's receives the products inside it (the previous
    products are moved to ``out/.analysis-old-<pid>`` first and put back by
    :func:`recover` if a kill falls in between). Nothing that is not a run
    product is ever deleted.
    """
    how = check_out(out)
    (new / OUT_MARK).write_text(json.dumps({"made_by": "python -m analysis run",
                                            "created": how != "inside"}) + "\n", encoding="utf-8")
    if how == "new":
        os.rename(new, out)
        return
    if how == "replace":
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        os.rename(out, old)
        os.rename(new, out)
        for entry in old.iterdir():
            if entry.name not in PRODUCTS and entry.name != OUT_MARK and not (out / entry.name).exists():
                os.rename(entry, out / entry.name)
        shutil.rmtree(old, ignore_errors=True)
        return
    trash = out / f".analysis-old-{os.getpid()}"
    trash.mkdir()
    names = ["manifest.json"] + [n for n in (*PRODUCTS, OUT_MARK) if n != "manifest.json"]
    for n in names:  # the old manifest first
        if (out / n).exists() or (out / n).is_symlink():
            os.rename(out / n, trash / n)
    (trash / ".moving-in").touch()  # for recover(): every old product is out of the way
    for n in reversed(names):  # the new manifest last: with it in place, the swap is done
        if (new / n).exists():
            os.rename(new / n, out / n)
    shutil.rmtree(trash, ignore_errors=True)
    shutil.rmtree(new, ignore_errors=True)


def out_lock(out: Path) -> Path:
    """The lock file of an output folder: next to it, so that runs with
    different caches (or none) exclude each other."""
    return out.parent / f".{out.name}-analysis.lock"


def check_writable(folder: Path, what: str, hint: str) -> None:
    """Create ``folder`` if needed and write a file in it; RunError (exit 4) naming it if that fails."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-test-"):
            pass
    except OSError as e:
        raise RunError(f"{what} {folder} cannot be written ({e.strerror or type(e).__name__}): {hint}",
                       EXIT_ENV) from None


@contextlib.contextmanager
def locked(path: Path, wait: bool = True, what: str = ""):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise RunError(f"another run is writing {what or path}: wait for it to finish",
                           EXIT_ENV) from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


# ---------------------------------------------------------------------------
# Executing chapters
# ---------------------------------------------------------------------------


def chapter_params(params: dict, output_dir: Path) -> dict:
    p = {k: params[k] for k in DEFAULT_PARAMS}
    p["output_dir"] = str(output_dir)
    return p


def chapter_key(src: Path, params: dict, checksum: str, code: str, extra: str = "") -> str:
    """Cache key of one chapter: its source, the parameters, the extract, the code, and the
    contents of any input file a parameter names (``cpi_file``), so an edited file is never
    served from the cache under the same path."""
    p = {k: v for k, v in params.items() if k != "output_dir"}
    files = {}
    cpi = params.get("cpi_file") or ""
    if cpi and Path(cpi).is_file():
        files["cpi_file"] = _sha(Path(cpi).read_bytes())
    return _sha_json({"source": _sha(src.read_bytes()), "params": p, "extract": checksum, "code": code,
                      "extra": extra, "v": 1, **({"files": files} if files else {})})


def _read_notebook(src: Path):
    import jupytext

    nb = jupytext.read(src)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for i, c in enumerate(nb.cells):  # ids are random per read: fix them so executed notebooks are stable
        c["id"] = f"{src.stem}-{i}"
    return nb


@dataclass
class ChapterFailure(Exception):
    chapter: str
    cell_index: int | None
    first_line: str
    error: str
    notebook: Path | None

    def __str__(self) -> str:
        where = (f"cell {self.cell_index + 1} (counting every cell of the chapter from 1)"
                 if self.cell_index is not None else "a cell")
        nb = f"\n  partial executed notebook: {self.notebook}" if self.notebook else ""
        return (f"chapter {self.chapter} failed in {where} ({self.first_line!r}):\n  {self.error}{nb}")


#: Kernel managers of the chapters executing now (see :func:`kill_kernels`).
_KERNELS: set = set()
_KERNELS_LOCK = threading.Lock()


#: Longest wait for the fork server to import the stack before the run falls back to fresh kernels.
START_TIMEOUT_S = 120.0


class WarmServer:
    """The fork server of :mod:`analysis.build.warm`, started when the first chapter's kernel starts.

    ``kernel_cmd(connection_file)`` gives the stand-in's command line, or
    ``None`` when the server could not be started (the kernel then starts the
    usual way: warm kernels are a speed-up, never a requirement). ``close``
    ends the server (closing its standard input); it also ends by itself
    when this process ends.
    """

    def __init__(self, env: dict[str, str], cwd: Path):
        self.env, self.cwd = {**os.environ, **env}, cwd
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None
        self._dir: str | None = None
        self._socket: str | None = None
        self._failed = False

    def _start(self) -> None:
        self._dir = tempfile.mkdtemp(prefix="warm-")
        sock = os.path.join(self._dir, "s")
        try:
            self._proc = subprocess.Popen([sys.executable, "-m", "analysis.build.warm", sock], stdin=subprocess.PIPE,
                                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=str(self.cwd),
                                          env=self.env, text=True, start_new_session=True)
            line = ""
            if self._proc.stdout and select.select([self._proc.stdout], [], [], START_TIMEOUT_S)[0]:
                line = self._proc.stdout.readline()
        except OSError:
            line = ""
        if line.startswith("ready") and os.path.exists(sock):
            self._socket = sock
        else:
            self._failed = True
            self.close()

    def kernel_cmd(self, connection_file: str) -> list[str] | None:
        with self._lock:
            if self._socket is None and not self._failed:
                self._start()
            elif self._socket is not None and self._proc is not None and self._proc.poll() is not None:
                self._failed = True  # the server died: fresh kernels from now on
                self.close()
        if self._socket is None:
            return None
        return [sys.executable, str(Path(__file__).with_name("warm_client.py")), self._socket, "-f", connection_file]

    def close(self) -> None:
        if self._proc is not None:
            with contextlib.suppress(OSError, ValueError):
                if self._proc.stdin:
                    self._proc.stdin.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(timeout=10)
            if self._proc.poll() is None:
                self._proc.kill()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self._proc.wait(timeout=10)
            self._proc = None
        if self._dir:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None
        self._socket = None


#: The run's fork server while chapters execute (:func:`warm_kernels`), else ``None``.
_WARM: dict = {"server": None}


@contextlib.contextmanager
def warm_kernels(env: dict[str, str], cwd: Path, enabled: bool = True):
    """Chapters' kernels inside this block are forks of one warm process (:mod:`analysis.build.warm`).

    Only on Linux: elsewhere (macOS's system libraries are not safe to use
    after a fork) and with ``enabled=False`` (``--cold-kernels``) every kernel
    starts as a new Python, as it does when the server cannot be started.
    """
    server = WarmServer(env, cwd) if enabled and sys.platform.startswith("linux") else None
    _WARM["server"] = server
    try:
        yield server
    finally:
        _WARM["server"] = None
        if server is not None:
            server.close()


def _kernel_manager_class(cwd: Path, env: dict[str, str] | None):
    """A kernel manager that starts the kernel in ``cwd`` with ``env`` added, and is tracked.

    papermill's own ``cwd`` changes the working folder of the whole process,
    which chapters executing side by side in threads must not do; the
    kernel's folder is set at its start instead. A kernel runs in its own
    session, so an interrupted run kills its running kernels by
    :func:`kill_kernels` (a serial run's papermill shuts its kernel down itself).
    """
    from jupyter_client.manager import AsyncKernelManager

    class ChapterKernelManager(AsyncKernelManager):
        async def start_kernel(self, **kw):
            kw.setdefault("cwd", str(cwd))
            if env:
                kw["env"] = {**os.environ, **kw.get("env", {}), **env}
            with _KERNELS_LOCK:
                _KERNELS.add(self)
            return await super().start_kernel(**kw)

        def format_kernel_cmd(self, extra_arguments=None):
            server = _WARM["server"]
            warm = server.kernel_cmd(os.path.realpath(self.connection_file)) if server is not None else None
            if warm is None:
                return super().format_kernel_cmd(extra_arguments)
            return warm + list(extra_arguments or [])

        async def shutdown_kernel(self, *a, **kw):
            try:
                return await super().shutdown_kernel(*a, **kw)
            finally:
                with _KERNELS_LOCK:
                    _KERNELS.discard(self)

    return ChapterKernelManager


def kill_kernels() -> None:
    """Kill the kernels of the chapters executing now (their process groups), after an interrupt."""
    with _KERNELS_LOCK:
        kms = list(_KERNELS)
    for km in kms:
        pgid = getattr(getattr(km, "provisioner", None), "pgid", None)
        if pgid:
            with contextlib.suppress(OSError):
                os.killpg(pgid, signal.SIGKILL)


def execute(src: Path, params: dict, nb_out: Path, failed_dir: Path,
            env: dict[str, str] | None = None) -> None:
    """Execute one chapter with papermill; raise ChapterFailure naming the cell and the error.

    The kernel starts in the chapter's folder with ``env`` added to the
    environment (:func:`_kernel_manager_class`). Safe to call from several
    threads at once.
    """
    import nbformat
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    nb = _read_notebook(src)
    nb_out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="chapter-") as td:
        nb_in = Path(td) / f"{src.stem}.ipynb"
        nbformat.write(nb, nb_in)
        try:
            with _kernel_stderr_to(failed_dir.parent / "kernel-stderr.log"):
                pm.execute_notebook(str(nb_in), str(nb_out), parameters=params, kernel_name="python3",
                                    progress_bar=False, log_output=False, report_mode=False,
                                    kernel_manager_class=_kernel_manager_class(src.parent, env))
        except PapermillExecutionError as e:
            failed_dir.mkdir(parents=True, exist_ok=True)
            kept = failed_dir / f"{src.stem}.ipynb"
            if nb_out.exists():
                shutil.copyfile(nb_out, kept)
            lines = [ln for ln in (e.source or "").splitlines() if ln.strip()]
            raise ChapterFailure(src.stem, _source_cell_index(src, e.source), lines[0] if lines else "",
                                 f"{e.ename}: {e.evalue}", kept if kept.exists() else None) from None
        except Exception as e:  # kernel death, missing kernel, ...
            failed_dir.mkdir(parents=True, exist_ok=True)
            kept = failed_dir / f"{src.stem}.ipynb"
            if nb_out.exists():
                shutil.copyfile(nb_out, kept)
            raise ChapterFailure(src.stem, None, "", f"{type(e).__name__}: {str(e).strip()[:300]}",
                                 kept if kept.exists() else None) from None


_STDERR_LOCK = threading.Lock()
_stderr_redirect = {"depth": 0, "saved": None}


@contextlib.contextmanager
def _kernel_stderr_to(log: Path):
    """Send file descriptor 2 (inherited by the kernel) to ``log``.

    ipykernel prints a warning about TCP transport and shutdown noise on the
    kernel's stderr; the run's own messages must stay on one screen.
    Chapters executing side by side share one redirection: the first to enter
    makes it, the last to leave undoes it (file descriptor 2 is the process's).
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    with _STDERR_LOCK:
        if _stderr_redirect["depth"] == 0:
            sys.stderr.flush()
            _stderr_redirect["saved"] = os.dup(2)
            with open(log, "ab") as fh:
                os.dup2(fh.fileno(), 2)
        _stderr_redirect["depth"] += 1
    try:
        yield
    finally:
        with _STDERR_LOCK:
            _stderr_redirect["depth"] -= 1
            if _stderr_redirect["depth"] == 0:
                sys.stderr.flush()
                os.dup2(_stderr_redirect["saved"], 2)
                os.close(_stderr_redirect["saved"])


def _source_cell_index(src: Path, source: str | None) -> int | None:
    """Index of the failing cell among the chapter's own cells (0-based, as jupytext reads the .md)."""
    nb = _read_notebook(src)
    for i, c in enumerate(nb.cells):
        if c.cell_type == "code" and c.source.strip() == (source or "").strip():
            return i
    return None


@dataclass
class ChapterRun:
    name: str
    key: str
    entry: Path
    cached: bool
    seconds: float = 0.0

    @property
    def notebook(self) -> Path:
        return self.entry / "executed.ipynb"

    @property
    def out(self) -> Path:
        return self.entry / "out"


def run_chapter(src: Path, params: dict, key: str, cache: Path, failed_dir: Path,
                seed_results: bytes | None = None, seed_runs: list | None = None,
                panel_cache: Path | None = None, env: dict[str, str] | None = None) -> ChapterRun:
    """Execute a chapter into its cache entry unless the entry is complete (``env``: see :func:`execute`)."""
    entry = cache / "chapters" / src.stem / key
    with locked(entry.parent / f"{key}.lock"):
        done = entry / "done"
        if done.exists():
            os.utime(done)
            return ChapterRun(src.stem, key, entry, cached=True)
        shutil.rmtree(entry, ignore_errors=True)
        (entry / "out").mkdir(parents=True)
        if seed_results is not None:
            (entry / "out" / "results").mkdir()
            (entry / "out" / "results" / "estimates.csv").write_bytes(seed_results)
        if seed_runs:
            merge_figures(seed_runs, entry / "out" / "figures")
        if panel_cache is not None:
            (entry / "out" / RUN_CONTEXT).write_text(json.dumps({"panel_cache": str(panel_cache)}) + "\n")
        t0 = time.monotonic()
        partial = entry / "executed.partial.ipynb"
        try:
            execute(src, chapter_params(params, entry / "out"), partial, failed_dir, env=env)
        except BaseException:
            shutil.rmtree(entry, ignore_errors=True)
            raise
        os.replace(partial, entry / "executed.ipynb")
        secs = time.monotonic() - t0
        done.write_text(json.dumps({"seconds": round(secs, 2)}) + "\n")
        return ChapterRun(src.stem, key, entry, cached=False, seconds=secs)


def default_jobs() -> int:
    """Chapters executed at a time when ``--jobs`` is not given: one per core."""
    return max(1, os.cpu_count() or 1)


def expected_seconds(chapters: list[Path], cache: Path) -> list[float]:
    """How long each chapter is expected to take, to start the longest first (:func:`run_parallel`).

    The seconds of each chapter's most recent run in ``cache`` (its ``done``
    files) when every chapter has one; otherwise (a fresh cache) the size of
    each chapter's source in kilobytes, a proxy: the long chapters are the
    ones with the most estimates and figures. Only the start order depends on
    this, never an output.
    """
    past = []
    for src in chapters:
        done = sorted((cache / "chapters" / src.stem).glob("*/done"), key=lambda f: f.stat().st_mtime)
        try:
            past.append(float(json.loads(done[-1].read_text())["seconds"]) if done else None)
        except (ValueError, KeyError, OSError, TypeError):
            past.append(None)
    if all(v is not None for v in past):
        return past
    return [src.stat().st_size / 1000 for src in chapters]


def longest_first(costs: list[float]) -> list[int]:
    """Indices of ``costs`` from the largest to the smallest (ties in the given order)."""
    return sorted(range(len(costs)), key=lambda k: (-costs[k], k))


def run_parallel(tasks: list, jobs: int, work, start_order: list[int] | None = None) -> list:
    """``work(task)`` for every task, up to ``jobs`` at a time in threads; results in the tasks' order.

    ``start_order`` (a permutation of the task indices; default their order)
    is the order in which tasks start: the run starts the longest chapters
    first (:func:`expected_seconds`), so that no core idles at the end while
    one long chapter runs. Only the start order changes: results, and
    everything made from them, stay in the tasks' order.

    Each task's work is a kernel executing a chapter, so threads suffice (the
    work is done in the kernels' processes). With ``jobs`` 1, ``work`` is
    called for one task after another in this thread, as a serial run always did.

    When a task fails, no task that has not started starts; those already
    running end (their cache entries stay valid). The failure raised is that
    of the first failing task in the tasks' order (with the default start
    order, the one a serial run would have raised). An interrupt (Ctrl-C, SIGTERM:
    raised in the main thread) starts nothing more, kills the running
    kernels (:func:`kill_kernels`) and waits for their threads.
    """
    if jobs <= 1 or len(tasks) <= 1:
        return [work(t) for t in tasks]
    from concurrent.futures import ThreadPoolExecutor, wait

    order = list(range(len(tasks))) if start_order is None else [int(k) for k in start_order]
    if sorted(order) != list(range(len(tasks))):
        raise ValueError("start_order must be a permutation of the task indices")
    lock = threading.Lock()
    first_failed = [len(tasks)]  # index (tasks' order) of the first failed task so far
    stopped = [False]  # after a failure or an interrupt no task starts (tasks start in start order)

    def guarded(k: int):
        with lock:
            if stopped[0]:
                return _NOT_STARTED
        try:
            return work(tasks[k])
        except BaseException:
            with lock:
                first_failed[0] = min(first_failed[0], k)
                stopped[0] = True
            raise

    pool = ThreadPoolExecutor(max_workers=min(jobs, len(tasks)), thread_name_prefix="chapter")
    futures = [None] * len(tasks)
    for k in order:
        futures[k] = pool.submit(guarded, k)
    try:
        wait(futures)
    except BaseException:
        with lock:
            stopped[0] = True
        for f in futures:
            f.cancel()
        kill_kernels()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    if first_failed[0] < len(tasks):
        raise futures[first_failed[0]].exception()
    return [f.result() for f in futures]


_NOT_STARTED = object()


def prune_cache(cache: Path, keep: int = KEEP_CACHE_ENTRIES) -> None:
    """Keep the ``keep`` most recently used entries of each chapter, and of the panels."""
    validated = cache / "validated"
    if validated.is_dir():
        memos = sorted(validated.glob("*.json"), key=lambda f: f.stat().st_mtime, reverse=True)
        for f in memos[4 * keep:]:
            f.unlink(missing_ok=True)
    panels = cache / "panels"
    if panels.is_dir():
        entries = sorted((e for e in panels.iterdir() if e.is_dir()), key=lambda e: e.stat().st_mtime, reverse=True)
        for e in entries[keep:]:
            shutil.rmtree(e, ignore_errors=True)
    root = cache / "chapters"
    if not root.is_dir():
        return
    for chapter in root.iterdir():
        entries = [e for e in chapter.iterdir() if e.is_dir() and (e / "done").exists()]
        entries.sort(key=lambda e: (e / "done").stat().st_mtime, reverse=True)
        for e in entries[keep:]:
            with contextlib.suppress(RunError), locked(chapter / f"{e.name}.lock", wait=False):
                shutil.rmtree(e, ignore_errors=True)
            with contextlib.suppress(OSError):
                (chapter / f"{e.name}.lock").unlink()


# ---------------------------------------------------------------------------
# Merging and building
# ---------------------------------------------------------------------------


def merge_results(runs: list[ChapterRun], dest: Path) -> None:
    """Merge the chapters' results into one table; the same id with different values is an error.

    Column ``chapter`` of each row is the first chapter, in the order of ``runs``, whose results hold its id
    (the summary and the figure index hold the other chapters' rows too: they run last, seeded with them).
    """
    import pandas as pd

    from analysis.results import RESULT_COLUMNS, read_results, write_results

    frames, origin, first = [], {}, {}
    for r in runs:
        df = read_results(r.out / "results" / "estimates.csv")
        for row in df.drop(columns="chapter").itertuples(index=False):
            prev = origin.get(row.id)
            if prev is not None and prev[1] != _row_key(row):
                raise RunError(f"estimate id '{row.id}' is written by both {prev[0]} and {r.name} with different "
                               "values: ids must be unique across chapters", EXIT_BUILD)
            origin[row.id] = (r.name, _row_key(row))
            first.setdefault(row.id, r.name)
        frames.append(df)
    merged = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=RESULT_COLUMNS)
    merged = merged.drop_duplicates("id", keep="last")
    # The page of each row: the first chapter (book order, the pages of LAST at the end) whose results hold it.
    merged["chapter"] = merged["id"].map(first).fillna("")
    dest.parent.mkdir(parents=True, exist_ok=True)
    write_results(merged, dest)


def _row_key(row) -> tuple:
    return tuple("nan" if isinstance(v, float) and v != v else v for v in row)


def merge_figures(runs: list[ChapterRun], dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    owner: dict[Path, str] = {}
    for r in runs:
        src = r.out / "figures"
        if not src.is_dir():
            continue
        for f in sorted(src.rglob("*")):
            if not f.is_file():
                continue
            rel = f.relative_to(src)
            target = dest / rel
            if target.exists():
                if target.read_bytes() != f.read_bytes():
                    raise RunError(f"figure file {rel} is written by both {owner.get(rel)} and {r.name} with "
                                   "different content: figure ids must be unique", EXIT_BUILD)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, target)
            owner[rel] = r.name


def stage_book(runs: list[ChapterRun], stage: Path, root: Path = PROJECT_ROOT) -> None:
    """A copy of the book with each chapter's source pair replaced by its executed notebook."""
    import nbformat

    for f in BOOK_EXTRAS:
        shutil.copyfile(root / f, stage / f)
    names = {r.name for r in runs}

    def ignore(folder, entries):
        skip = {"__pycache__", ".ipynb_checkpoints"}
        return [e for e in entries if e in skip or e.endswith(".ipynb")
                or (Path(e).stem in names and Path(e).suffix in (".md", ".py"))]

    shutil.copytree(root / "book", stage / "book", ignore=ignore)
    for r in runs:
        nb = nbformat.read(r.notebook, as_version=4)
        for c in nb.cells:  # the injected parameters hold machine paths: keep them off the page
            tags = c.metadata.get("tags", [])
            if "injected-parameters" in tags and "remove-cell" not in tags:
                c.metadata["tags"] = [*tags, "remove-cell"]
        nbformat.write(nb, stage / "book" / f"{r.name}.ipynb")


def jupyter_book(src: Path, builddir: Path, builder: str, *flags: str) -> subprocess.CompletedProcess:
    """``jupyter-book build src --path-output builddir --builder builder [flags]`` (the venv's, if there)."""
    exe = Path(sys.executable).parent / "jupyter-book"
    cmd = [str(exe) if exe.exists() else "jupyter-book", "build", str(src), "--path-output", str(builddir),
           "--builder", builder, *flags]
    return subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})


def build_html(stage: Path, builddir: Path) -> Path:
    """Run Jupyter Book on the staging copy; return the HTML folder."""
    r = jupyter_book(stage, builddir, "html", "-W", "-n", "--keep-going")
    html = builddir / "_build" / "html"
    if r.returncode != 0 or not (html / "index.html").exists():
        text = re.sub(r"\x1b\[[0-9;]*m", "", r.stdout + "\n" + r.stderr).replace(str(stage) + "/", "")
        # Executed notebooks stand in for the chapters' MyST sources: name the source.
        text = re.sub(r"(book/[\w.-]+)\.ipynb(:\d+)?", r"\1.md", text)
        issues = [ln.strip() for ln in text.splitlines() if "WARNING" in ln or "ERROR" in ln or "Error" in ln]
        shown = "\n  ".join(issues[:15]) or "\n  ".join(text.strip().splitlines()[-15:])
        more = f"\n  ... and {len(issues) - 15} more" if len(issues) > 15 else ""
        raise RunError(f"the book build failed (warnings are errors: -W -n):\n  {shown}{more}", EXIT_BUILD)
    return html


# ---------------------------------------------------------------------------
# Sweep
# ---------------------------------------------------------------------------




def run_sweep(inputs: Inputs, base_key: dict, cache: Path, stage: Path, backend: str, progress) -> None:
    import pandas as pd

    from analysis.core.params import check_schema
    from analysis.results import read_results, results_frame, write_results

    sets = [{}] + inputs.sweep
    rows = []
    for k, overrides in enumerate(sets):
        params, _ = check_schema({**{x: v for x, v in inputs.params.items() if x != "output_dir"}, **overrides})
        params["data_dir"] = inputs.params["data_dir"]
        key = _sha_json({**base_key, "params": params, "backend": backend, "what": "sweep"})
        cached = cache / "sweep" / f"{key}.csv"
        t0 = time.monotonic()
        if not cached.exists():
            try:
                from analysis.estimation.headline import headline_estimates

                ests = headline_estimates(params, backend)
            except Exception as e:
                raise RunError(f"sweep set {k} ({_label(overrides)}) failed: {type(e).__name__}: {e}",
                               EXIT_BUILD) from None
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_suffix(f".tmp-{os.getpid()}")
            write_results(results_frame(ests), tmp)
            os.replace(tmp, cached)
        progress(f"sweep set {k}/{len(sets) - 1} ({_label(overrides)}): "
                 f"{'cached' if time.monotonic() - t0 < 0.5 else f'done in {time.monotonic() - t0:.1f} s'}")
        d = stage / "sweep" / str(k)
        d.mkdir(parents=True)
        shutil.copyfile(cached, d / "estimates.csv")
        (d / "params.yaml").write_text(yaml.safe_dump({**params, "output_dir": ""}, sort_keys=True,
                                                      allow_unicode=True))
        df = read_results(cached)
        df.insert(0, "set", k)
        df.insert(1, "overrides", _label(overrides))
        rows.append(df)
    allr = pd.concat(rows, ignore_index=True)
    base = allr[allr["set"] == 0].set_index("id")["estimate_pct"]
    allr["diff_from_base_pct"] = allr["estimate_pct"] - allr["id"].map(base)
    allr = allr[["id", "set", "overrides", "estimate_pct", "ci_low_pct", "ci_high_pct", "p_value",
                 "diff_from_base_pct", "n_obs"]].sort_values(["id", "set"], kind="stable")
    (stage / "results").mkdir(exist_ok=True)
    allr.to_csv(stage / "results" / "robustness.csv", index=False, float_format="%.6f", lineterminator="\n")


# ---------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------


class _Terminated(BaseException):
    pass


def _on_sigterm(signum, frame):
    raise _Terminated()


def run(args) -> int:
    t_start = time.monotonic()
    started_ns = time.time_ns()
    started = dt.datetime.now(dt.timezone.utc)

    say_lock = threading.Lock()  # chapters executing side by side report from their threads

    def say(msg: str) -> None:
        with say_lock:
            print(msg, flush=True)

    def progress(msg: str) -> None:
        say(f"{msg} (elapsed {time.monotonic() - t_start:.1f} s)")

    out = Path(args.out).expanduser().resolve()
    cache_dir = Path(args.cache_dir or os.environ.get(CACHE_ENV) or PROJECT_ROOT / "_build" / ".cache").resolve()
    failed_dir = cache_dir / "failed"
    recover(out)  # first: a kill mid-swap may have left products without their mark
    check_out(out)  # refuse a file or a folder of the user's before anything runs
    check_writable(cache_dir, "cache folder", "choose a writable one with --cache-dir (even with --no-cache "
                   "it keeps the logs and failed notebooks)")
    check_writable(out.parent, "output folder's parent", "choose another --out")
    want_pdf = bool(getattr(args, "pdf", False))
    if want_pdf:
        from analysis.build.pdf import require_latex

        require_latex()  # before anything runs: exit 4 naming the apt command

    inputs = check_inputs(args, None if args.no_cache else cache_dir)
    s = inputs.summary
    say(f"inputs: {s.n_posts:,} job posts, {s.n_contracts:,} contracts, {s.first_date} to {s.last_date}, "
        f"{len(s.categories)} categories; parameters valid")
    from analysis.core.params import data_notes

    for note in s.notes() + data_notes(inputs.params, s):
        say(note)

    from analysis.data.extract import extract_checksum

    checksum = extract_checksum(inputs.data_dir)
    code = code_hash()
    root = Path(args.book).expanduser().resolve() if getattr(args, "book", None) else PROJECT_ROOT
    if not (root / "_toc.yml").is_file() or not (root / "_config.yml").is_file():
        raise RunError(f"--book {root}: no _toc.yml and _config.yml there", EXIT_PARAMS)
    chapters = ordered(chapter_sources(root=root))
    base_key = {"extract": checksum, "code": code}
    sweep_hash = _sha_json(inputs.sweep)

    out.parent.mkdir(parents=True, exist_ok=True)
    with locked(out_lock(out), wait=False, what=str(out)):
        # Up to date? Every key must hit and the manifest must carry the same overall key.
        def build_key(chapter_keys: dict) -> str:  # the whole build's key: "up to date" when the manifest has it
            return _sha_json({"chapters": chapter_keys, "book": book_extras_hash(root), "sweep": sweep_hash,
                              "backend": args.backend, **({"pdf": True} if want_pdf else {})})

        keys = plan_keys(chapters, inputs.params, checksum, code, cache_dir) if not args.no_cache else None
        overall = None
        if keys is not None:
            overall = build_key(keys)
            manifest = out / "manifest.json"
            from analysis.build.pdf import PDF_NAME

            if manifest.exists() and (out / "html" / "index.html").exists() and \
                    (not want_pdf or (out / "html" / PDF_NAME).is_file()):
                with contextlib.suppress(ValueError, OSError):
                    if json.loads(manifest.read_text()).get("key") == overall:
                        say(f"up to date: {out} (nothing changed since the last build; "
                            f"{time.monotonic() - t_start:.1f} s)")
                        say(f"open {out / 'html' / 'index.html'}")
                        return EXIT_OK

        stage = out.parent / f".{out.name}.tmp-{os.getpid()}"
        shutil.rmtree(stage, ignore_errors=True)
        stage.mkdir()
        try:
            cache = stage / "nocache" if args.no_cache else cache_dir
            # Chapters share the panels: the first to need one builds it into
            # the cache, the others read it (see "Panel cache" above).
            panel_cache = cache / "panels"
            n = len(chapters)
            jobs = args.jobs if getattr(args, "jobs", None) else default_jobs()
            # The inputs were checked above: the chapters' pages need not validate the extract again.
            env = {INPUTS_CHECKED_ENV: "1", **({var: "1" for var in THREAD_VARS} if jobs > 1 else {})}
            independent = [c for c in chapters if c.stem not in LAST]  # ordered(): LAST come at the end

            def one(task: tuple[int, Path]) -> ChapterRun:
                i, src = task
                key = chapter_key(src, inputs.params, checksum, code)
                progress(f"[{i}/{n}] {src.stem}: running")
                r = run_chapter(src, inputs.params, key, cache, failed_dir, panel_cache=panel_cache, env=env)
                say(f"[{i}/{n}] {src.stem}: " + ("cached" if r.cached else f"done in {r.seconds:.1f} s"))
                return r

            warm = not getattr(args, "cold_kernels", False)
            with warm_kernels(env, chapters[0].parent if chapters else root, enabled=warm):
                runs: list[ChapterRun] = run_parallel(list(enumerate(independent, 1)), jobs, one,
                                                      start_order=longest_first(expected_seconds(independent,
                                                                                                 cache)))
                for i, src in enumerate(chapters[len(independent):], len(independent) + 1):
                    seed = _merged_bytes(runs, stage / "seed.csv")
                    key = chapter_key(src, inputs.params, checksum, code, _sha_json([r.key for r in runs]))
                    progress(f"[{i}/{n}] {src.stem}: running")
                    r = run_chapter(src, inputs.params, key, cache, failed_dir, seed_results=seed,
                                    seed_runs=list(runs), panel_cache=panel_cache, env=env)
                    runs.append(r)
                    say(f"[{i}/{n}] {src.stem}: " + ("cached" if r.cached else f"done in {r.seconds:.1f} s"))
            overall = build_key({r.name: r.key for r in runs})
            if args.no_cache:  # never "up to date" against a build made without the cache
                overall = _sha_json([overall, "no-cache", started.isoformat()])

            try:
                check_unchanged(inputs.data_dir, checksum, [r.entry for r in runs if not r.cached],
                                None if args.no_cache else panel_cache, started_ns)
            except ExtractChanged as e:
                raise RunError(str(e), EXIT_DATA) from None

            progress("merging results and figures")
            merge_results(runs, stage / "results" / "estimates.csv")
            merge_figures(runs, stage / "figures")
            for r in runs:  # the summary's claim-check table travels with the estimates
                if (r.out / "results" / "claims.csv").is_file():
                    shutil.copyfile(r.out / "results" / "claims.csv", stage / "results" / "claims.csv")
            (stage / "executed").mkdir()
            for r in runs:
                shutil.copyfile(r.notebook, stage / "executed" / f"{r.name}.ipynb")

            progress("building the HTML (jupyter-book build -W -n --keep-going)")
            src_dir = stage / "src"
            src_dir.mkdir()
            stage_book(runs, src_dir, root)
            if want_pdf:
                from analysis.build.pdf import link_sentence, set_link

                set_link(src_dir / "_config.yml", link_sentence())
            html = build_html(src_dir, stage / "jb")
            os.rename(html, stage / "html")
            if want_pdf:
                from analysis.build.pdf import PDF_NAME, build_pdf

                progress("building the PDF (jupyter-book build --builder pdflatex, from the same executed chapters)")
                shutil.copyfile(build_pdf(src_dir, stage / "latex"), stage / "html" / PDF_NAME)
                shutil.rmtree(stage / "latex")
            from analysis.build.publish import publish  # downloads into html/; no machine path on the site

            publish(stage, inputs.data_dir, checksum, hidden=(out, stage))
            shutil.rmtree(stage / "jb")
            shutil.rmtree(src_dir)
            with contextlib.suppress(FileNotFoundError):
                (stage / "seed.csv").unlink()

            if inputs.sweep:
                progress(f"robustness sweep: {len(inputs.sweep)} parameter set(s) and the base")
                run_sweep(inputs, base_key, cache, stage, args.backend, progress)

            shutil.rmtree(stage / "nocache", ignore_errors=True)
            ended = dt.datetime.now(dt.timezone.utc)
            write_manifest(stage / "manifest.json", args, inputs, runs, overall, checksum, started, ended,
                           time.monotonic() - t_start)
            swap_in(stage, out)
        except BaseException:
            shutil.rmtree(stage, ignore_errors=True)
            raise
        if not args.no_cache:
            prune_cache(cache_dir)
    say(f"built in {time.monotonic() - t_start:.1f} s: {out}")
    say(f"open {out / 'html' / 'index.html'}")
    return EXIT_OK


def _merged_bytes(runs: list[ChapterRun], tmp: Path) -> bytes:
    merge_results(runs, tmp)
    data = tmp.read_bytes()
    tmp.unlink()
    return data


def plan_keys(chapters: list[Path], params: dict, checksum: str, code: str, cache: Path) -> dict | None:
    """Every chapter's key if all are cached, else None (then the run executes what is missing)."""
    keys: dict[str, str] = {}
    runs: list[ChapterRun] = []
    for src in chapters:
        extra = _sha_json([r.key for r in runs]) if src.stem in LAST else ""
        key = chapter_key(src, params, checksum, code, extra)
        entry = cache / "chapters" / src.stem / key
        if not (entry / "done").exists():
            return None
        keys[src.stem] = key
        runs.append(ChapterRun(src.stem, key, entry, cached=True))
    return keys


def write_manifest(path: Path, args, inputs: Inputs, runs, overall, checksum, started, ended, seconds) -> None:
    files = {}
    for name, p in sorted(inputs.files.items()):
        files[str(p)] = file_sha256(Path(p))
    for extra in (args.params, args.sweep, inputs.params.get("cpi_file") or None):
        if extra:
            files[str(Path(extra).resolve())] = file_sha256(Path(extra))
    for p in sorted((PROJECT_ROOT / "data").glob("*")):
        if p.is_file():
            files[str(p.relative_to(PROJECT_ROOT))] = file_sha256(p)
    s = inputs.summary
    manifest = {
        "key": overall,
        "parameters": {k: v for k, v in inputs.params.items() if k != "output_dir"},
        "sweep": inputs.sweep,
        "backend": args.backend,
        "extract": {"folder": str(inputs.data_dir), "checksum": checksum, "files": files,
                    "rows": {"job_posts": s.n_posts, "contracts": s.n_contracts},
                    "first_date": s.first_date, "last_date": s.last_date, "categories": s.categories},
        "chapters": [{"name": r.name, "key": r.key, "cached": r.cached, "seconds": round(r.seconds, 2)}
                     for r in runs],
        "jobs": getattr(args, "jobs", None) or default_jobs(),
        "pdf": bool(getattr(args, "pdf", False)),  # html/genai-freelance-book.pdf built (--pdf)
        "packages": package_versions(),
        "git_commit": git_commit(),
        "started": started.isoformat(timespec="seconds"),
        "ended": ended.isoformat(timespec="seconds"),
        "duration_s": round(seconds, 1),
    }
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")


def _run_command(args) -> int:
    os.environ.setdefault("PYTHONHASHSEED", "0")  # inherited by the kernels: stable set/dict orders
    # One BLAS thread: reproducible sums, and multithreaded OpenBLAS is slower on 2 cores.
    # (With --jobs above 1 each kernel gets one thread whatever these say: see execute.)
    for var in THREAD_VARS:
        os.environ.setdefault(var, "1")
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return run(args)
    except RunError as e:
        print(f"error: {e.message}", file=sys.stderr)
        print(f"nothing was changed in {Path(args.out).resolve()}", file=sys.stderr)
        return e.code
    except ChapterFailure as e:
        print(f"error: {e}", file=sys.stderr)
        print(f"nothing was changed in {Path(args.out).resolve()}", file=sys.stderr)
        return EXIT_BUILD
    except (KeyboardInterrupt, _Terminated):
        print(f"interrupted: nothing was changed in {Path(args.out).resolve()}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as e:  # a folder read-only or full, a disk gone: the environment, not the data
        where = f" {e.filename}" if e.filename else ""
        print(f"error: cannot write or read{where}: {e.strerror or e}; free space or choose other folders "
              "(--out, --cache-dir, TMPDIR)", file=sys.stderr)
        print(f"nothing was changed in {Path(args.out).resolve()}", file=sys.stderr)
        return EXIT_ENV
    except Exception:  # a bug: say so, with the traceback, and never exit 1 (bad data)
        import traceback

        traceback.print_exc()
        print(f"internal error (exit {EXIT_INTERNAL}): please report it with the traceback above; "
              f"nothing was changed in {Path(args.out).resolve()}", file=sys.stderr)
        return EXIT_INTERNAL
    finally:
        signal.signal(signal.SIGTERM, previous)


def _positive_int(text: str) -> int:
    import argparse

    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"a whole number of at least 1, not {text!r}")
    return n


def _backend(text: str) -> str:
    import argparse

    from analysis.data.spark import check_backend

    try:
        return check_backend(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix(f"--backend {text!r}: ")) from None


def add_run_parser(sub) -> None:
    """Register ``run`` on the CLI's sub-parsers (called by :mod:`analysis.cli`)."""
    r = sub.add_parser("run", help="check inputs, execute every chapter and build the book",
                       description=__doc__.split("\n\n")[0])
    r.add_argument("--data", help="extract folder (default: the bundled synthetic extract)")
    r.add_argument("--params", help="YAML file of parameters (see analysis/core/params.py: PARAMS)")
    r.add_argument("--set", action="append", metavar="KEY=VALUE", help="override one parameter (YAML value); "
                   "repeatable")
    r.add_argument("--out", default=str(PROJECT_ROOT / "_build"), help="output folder (default: _build)")
    r.add_argument("--sweep", help="YAML list of parameter overrides for the robustness table")
    r.add_argument("--backend", default="duckdb", type=_backend, metavar="duckdb|pyspark|spark://HOST:PORT",
                   help="Ibis backend of the sweep's panels: DuckDB, local Spark or a Spark standalone cluster "
                        "(chapters use DuckDB)")
    r.add_argument("--cache-dir", help=f"cache folder (default: _build/.cache or ${CACHE_ENV})")
    r.add_argument("--no-cache", action="store_true", help="execute every chapter afresh")
    r.add_argument("--jobs", type=_positive_int, metavar="N", help="chapters executed at a time "
                   "(default: one per core; 1: one after another); the outputs do not depend on it")
    r.add_argument("--cold-kernels", action="store_true", help="start every chapter's kernel as a new Python "
                   "(default: forks of one process that imported the stack once; the outputs do not depend on it)")
    r.add_argument("--pdf", action="store_true", help="also build the book as one PDF (LaTeX from apt: see "
                   "README), published beside the HTML and linked from the front page")
    r.add_argument("--book", help="folder holding the _config.yml and _toc.yml of the book to build "
                   "(default: this repository)")
    r.set_defaults(func=_run_command)

"""``python -m analysis chapter NAME``: check the inputs and execute one chapter, as a Jupyter user would.

::

    python -m analysis chapter 02_platform --data DIR --params FILE.yaml [--set KEY=VALUE] [--out OUT]

The extract and the parameters are checked first, with the rules, messages
and exit codes of ``python -m analysis run`` (:func:`analysis.build.run.check_inputs`).
The chapter's MyST page is converted to a notebook (jupytext) and executed by
papermill with the parameters; the executed notebook is written to
``OUT/<NAME>.ipynb`` and the chapter's results and figures to ``OUT/results``
and ``OUT/figures``. ``OUT`` defaults to ``_build/chapters/<first 12 hex digits
of the extract's SHA-256>``, one folder per extract: a folder holding another
extract's results is refused (:class:`analysis.page.Page`), so the results of
two extracts are never merged. Nothing else is written, and the book is not
built (``python -m analysis run`` does that). A chapter that reads other
chapters' estimates (the summary) computes the ones it does not find.

The same chapter without this command, with papermill (which cannot read a
MyST ``.md``)::

    jupytext --to ipynb --set-kernel python3 -o 02_platform.ipynb book/02_platform.md
    papermill 02_platform.ipynb 02_platform.out.ipynb -f FILE.yaml -p data_dir DIR

The page then checks the parameters against the extract itself when it
starts (:meth:`analysis.page.Page._check_against_data`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import SimpleNamespace

from analysis.build.run import (
    EXIT_BUILD,
    EXIT_PARAMS,
    THREAD_VARS,
    ChapterFailure,
    RunError,
    chapter_params,
    chapter_sources,
    check_inputs,
    execute,
)
from analysis.core.paths import INPUTS_CHECKED_ENV, PROJECT_ROOT
from analysis.data.extract import extract_checksum

__all__ = ["find_chapter", "run_chapter_command", "add_chapter_parser"]


def find_chapter(name: str) -> Path:
    """The source of a chapter of the table of contents, by stem (``02_platform``) or file name.

    Raises
    ------
    RunError
        If no chapter of ``_toc.yml`` has that name (the message lists them).
    """
    srcs = chapter_sources()
    stem = Path(name).name.removesuffix(".md").removesuffix(".py").removesuffix(".ipynb")
    for src in srcs:
        if src.stem == stem:
            return src
    raise RunError(f"no chapter named {name!r}; chapters: {', '.join(s.stem for s in srcs)}", EXIT_PARAMS)


def run_chapter_command(args) -> int:
    """Run ``python -m analysis chapter``; returns the exit code (those of ``python -m analysis run``)."""
    os.environ.setdefault("PYTHONHASHSEED", "0")
    for var in THREAD_VARS:
        os.environ.setdefault(var, "1")
    try:
        src = find_chapter(args.name)
        inputs = check_inputs(SimpleNamespace(params=args.params, sweep=None, set=args.set, data=args.data))
        checksum = extract_checksum(inputs.data_dir)
        out = Path(args.out).expanduser().resolve() if args.out else \
            PROJECT_ROOT / "_build" / "chapters" / checksum[:12]
        out.mkdir(parents=True, exist_ok=True)
        nb_out = out / f"{src.stem}.ipynb"
        partial = out / f".{src.stem}.partial.ipynb"
        try:
            execute(src, chapter_params(inputs.params, out), partial, out / "failed",
                    env={INPUTS_CHECKED_ENV: "1"})
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        os.replace(partial, nb_out)
    except RunError as e:
        print(f"error: {e.message}", file=sys.stderr)
        return e.code
    except ChapterFailure as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_BUILD
    print(f"executed {src.stem}: {nb_out}\nresults and figures: {out / 'results'}, {out / 'figures'}")
    return 0


def add_chapter_parser(sub) -> None:
    """Register ``chapter`` on the CLI's sub-parsers (called by :mod:`analysis.cli`)."""
    c = sub.add_parser("chapter", help="check inputs and execute one chapter (no book build)",
                       description=__doc__.split("\n\n")[0])
    c.add_argument("name", help="chapter, e.g. 02_platform (a name of _toc.yml)")
    c.add_argument("--data", help="extract folder (default: the bundled synthetic extract)")
    c.add_argument("--params", help="YAML file of parameters (see analysis/core/params.py: PARAMS)")
    c.add_argument("--set", action="append", metavar="KEY=VALUE", help="override one parameter (YAML value); "
                   "repeatable")
    c.add_argument("--out", help="output folder (default: _build/chapters/<extract SHA-256, 12 digits>)")
    c.set_defaults(func=run_chapter_command)

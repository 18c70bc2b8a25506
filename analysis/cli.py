"""Command-line interface of the project.

``python -m analysis validate DIR``
    Check an extract against the data contract (exit 0 when valid, printing
    what it holds and notes such as contracts after the job posts' last
    month; 1 with every problem; 4 when a file cannot be read at all, e.g.
    permission denied).
``python -m analysis simulate OUT [--seed N] [--posts N] [--no-effects] ...``
    Write a synthetic extract and its ``truth.json``.
``python -m analysis run ...``
    Execute and build the whole book (see :mod:`analysis.build.run`).
``python -m analysis chapter NAME ...``
    Check the inputs and execute one chapter, without building the book
    (see :mod:`analysis.build.chapter`).
"""

from __future__ import annotations

import argparse
import sys


def _validate(args) -> int:
    from analysis.data.contract import format_violations, validate

    try:
        summary, problems = validate(args.folder)
    except OSError as e:  # the environment, not the data: not exit 1
        print(f"error: cannot read {e.filename or args.folder}: {e.strerror or e}", file=sys.stderr)
        return 4
    if problems:
        print(format_violations(args.folder, problems), file=sys.stderr)
        return 1
    print(summary)
    return 0


def _simulate(args) -> int:
    from analysis.data.simulate import DEFAULT_CATEGORIES, World, categories_from_names, write_extract

    cats = categories_from_names(args.categories) if args.categories else DEFAULT_CATEGORIES
    given = {k: v for k, v in (("seed", args.seed), ("start", args.start), ("end", args.end)) if v is not None}
    n_posts = int(float(args.posts)) if args.posts is not None else World.n_posts
    world = World(n_posts=n_posts, categories=cats, effects=not args.no_effects, **given)
    write_extract(world, args.out, fmt=args.format)
    print(f"wrote {args.out} ({args.format}, seed {world.seed}, {n_posts:,} posts expected)")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    # The simulate options' defaults are the generator's (analysis.data.simulate.World), filled in by
    # _simulate: importing the generator here would cost every command its imports (numpy, pandas, scipy).
    p = argparse.ArgumentParser(prog="python -m analysis", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    v = sub.add_parser("validate", help="check an extract against the data contract")
    v.add_argument("folder")
    v.set_defaults(func=_validate)
    s = sub.add_parser("simulate", help="write a synthetic extract")
    s.add_argument("out")
    s.add_argument("--seed", type=int, help="random seed (default: the bundled extract's)")
    s.add_argument("--posts", help="scale: expected job posts (e.g. 1e6; default: the bundled extract's)")
    s.add_argument("--start", help="first day, YYYY-MM-DD (default: the bundled extract's)")
    s.add_argument("--end", help="last day, YYYY-MM-DD (default: the bundled extract's)")
    s.add_argument("--categories", nargs="+", help="category names (first: new AI work; 2nd, 3rd: tiered)")
    s.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    s.add_argument("--no-effects", action="store_true", help="the world with no planted effects")
    s.set_defaults(func=_simulate)
    try:
        from analysis.build.run import add_run_parser
    except ImportError:  # the run command arrives with the book build
        pass
    else:
        add_run_parser(sub)
        from analysis.build.chapter import add_chapter_parser

        add_chapter_parser(sub)
    args = p.parse_args(argv)
    return args.func(args)

"""Benchmarks: issue 16's targets, and the panel builder against the plain-pandas baseline.

Usage (from the repository root)::

    python benchmarks/run.py                       # issue 16's quick targets; table of every target
    python benchmarks/run.py --targets cold_build,cached_rebuild   # or --targets all

With no options (or ``--targets``) the script measures the named targets of
:data:`TARGETS` (default :data:`QUICK_TARGETS`), prints one row per target
(``met``, ``missed``, ``failed`` or ``not measured``, with the load average at
the start of each measurement) and writes ``<out>/targets.csv``. Otherwise:

    python benchmarks/run.py --sizes 1e5,1e6,1e7 [--e2e 1e6,1e7] [--out benchmarks/results]
                             [--repeat N] [--profile 1e7] [--data-dir benchmarks/.data]

For each size (expected job posts of the synthetic world) the script

1. writes the extract as Parquet under ``benchmarks/.data/<size>`` (gitignored;
   reused when present; written month by month, so generation itself streams);
2. runs, each in a fresh Python subprocess so that peak memory is that build's
   alone,

   * ``builder``: :func:`analysis.data.panels.build_panels` (Ibis on DuckDB), and
   * ``pandas``: ``pd.read_parquet`` of both tables, then
     :func:`analysis.data.panels.build_panels_pandas` (the obvious newcomer code);

   and records the build time measured inside the process (from the call to
   the returned panels; imports excluded), the wall time of the whole process
   (interpreter start and imports included) and the process's peak resident
   memory (``/usr/bin/time -v`` when present, else ``os.wait4``'s rusage);
3. checks both builders gave the same panel sizes and contract totals;
4. prints and writes ``panels.csv`` (the table) and fits the exponent
   ``b`` of ``cost ~ size^b`` (least squares on logs) for time and memory.

``--e2e`` times ``python -m analysis run --data DIR --out TMP`` on the given
sizes when ``analysis/run.py`` exists (skipped with a message otherwise).
``--profile`` splits one builder run into its parts (connect, read, each
panel's query and transfer to pandas, finishing) to see what costs what.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / "benchmarks" / ".data"
DEFAULT_OUT = ROOT / "benchmarks" / "results"
TIME_BIN = "/usr/bin/time"
TARGET_SPEEDUP = 10.0
TARGET_MEMORY_SHARE = 0.25


# ---------------------------------------------------------------------------
# Workers: run inside a fresh subprocess, print one JSON line on stdout.
# ---------------------------------------------------------------------------


def _digest(panels: dict) -> dict:
    """Sizes and contract totals of each panel: both builders must agree."""
    return {k: [int(len(v)), int(v["contracts"].sum())] for k, v in panels.items()}


def _which(scope: str) -> tuple:
    from analysis.data.panels import CATEGORY_PANELS, PANELS

    return PANELS if scope == "all" else CATEGORY_PANELS


def worker_builder(data_dir: str, scope: str = "all") -> dict:
    t0 = time.perf_counter()
    from analysis.data.panels import build_panels

    t1 = time.perf_counter()
    panels = build_panels(data_dir, panels=_which(scope))
    t2 = time.perf_counter()
    return {"import_s": t1 - t0, "build_s": t2 - t1, "digest": _digest(panels)}


def worker_pandas(data_dir: str, scope: str = "all") -> dict:
    t0 = time.perf_counter()
    import pandas as pd

    from analysis.data.panels import build_panels_pandas

    t1 = time.perf_counter()
    posts = pd.read_parquet(Path(data_dir) / "job_posts.parquet")
    contracts = pd.read_parquet(Path(data_dir) / "contracts.parquet")
    t_read = time.perf_counter()
    panels = build_panels_pandas(posts, contracts, panels=_which(scope))
    t2 = time.perf_counter()
    return {"import_s": t1 - t0, "build_s": t2 - t1, "read_s": t_read - t1, "digest": _digest(panels)}


def worker_profile(data_dir: str) -> dict:
    """One builder run split into parts (times in seconds, RSS in MB)."""
    import resource

    t0 = time.perf_counter()
    from analysis.data import panels as P

    def rss_mb() -> float:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    parts = {"import": time.perf_counter() - t0}
    t = time.perf_counter()
    con = P.connect("duckdb")
    posts, contracts = P.read_extract(con, data_dir)
    exprs = P.panel_exprs(posts, contracts)
    parts["connect+read+exprs"] = time.perf_counter() - t
    raw, rows, rss = {}, {}, {}
    for name, expr in exprs.items():
        t = time.perf_counter()
        if name == "freelancer_month":  # as build_panels does: ordered in the engine
            expr = expr.order_by(["freelancer_id", "category", "month"])
        raw[name] = P._execute(expr)
        parts[f"query {name}"] = time.perf_counter() - t
        rows[name] = len(raw[name])
        rss[name] = rss_mb()
    t = time.perf_counter()
    fm = raw.pop("freelancer_month")
    P.finish_panels(raw)
    P.finish_freelancer_month(fm, presorted=True)
    parts["finish_panels"] = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"parts_s": parts, "rows": rows, "rss_after_mb": rss, "peak_mb": peak,
            "duckdb_threads": con.raw_sql("select current_setting('threads')").fetchone()[0]}


def worker_spark(data_dir: str, master: str | None = None) -> dict:
    """The panel builder on a Spark standalone cluster (this machine's, started here unless ``master``).

    The cluster is :func:`analysis.data.spark.standalone_cluster` with one worker of 2 cores and
    2 GB; ``session_s`` is the driver's session start, ``build_s`` the four panels.
    """
    import contextlib

    from analysis.data.panels import build_panels, connect
    from analysis.data.spark import standalone_cluster

    t0 = time.perf_counter()
    with (contextlib.nullcontext(master) if master else standalone_cluster(cores=2, memory="2g")) as url:
        t1 = time.perf_counter()
        con = connect(url)
        t2 = time.perf_counter()
        panels = build_panels(data_dir, con=con)
        t3 = time.perf_counter()
    return {"cluster_s": t1 - t0, "session_s": t2 - t1, "build_s": t3 - t2, "master": url, "digest": _digest(panels)}


WORKERS = {"builder": worker_builder, "spark_cluster": worker_spark, "pandas": worker_pandas,
           "profile": worker_profile,
           "builder3": lambda d: worker_builder(d, "category"), "pandas3": lambda d: worker_pandas(d, "category")}


# ---------------------------------------------------------------------------
# Measuring a subprocess.
# ---------------------------------------------------------------------------


def _parse_time_v(text: str) -> float | None:
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    return int(m.group(1)) / 1024 if m else None


def measure(cmd: list[str], cwd: Path = ROOT, env: dict | None = None) -> dict:
    """Run ``cmd``; return wall and CPU seconds, peak RSS (MB), exit code, stdout, stderr.

    CPU seconds (user + system, the process and its children) are reported
    beside wall time because wall time on a shared machine depends on what
    else runs; the one-minute load average at the start is recorded too.

    Peak RSS is the largest resident set of the process and its waited-for
    children (GNU time's "Maximum resident set size", or ``ru_maxrss`` of
    ``os.wait4`` for this child only: not the cumulative RUSAGE_CHILDREN).
    """
    use_time = os.access(TIME_BIN, os.X_OK)
    load = os.getloadavg()[0]
    full = [TIME_BIN, "-v", *cmd] if use_time else cmd
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(full, cwd=cwd, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    peak = _parse_time_v(stderr) if use_time else None
    if peak is None:
        peak = usage.ru_maxrss / 1024  # Linux: kilobytes
    cpu = usage.ru_utime + usage.ru_stime  # the time process's rusage includes its reaped child
    return {"wall_s": wall, "cpu_s": cpu, "load1": load, "peak_mb": peak, "rc": proc.returncode,
            "stdout": stdout, "stderr": stderr,
            "rss_source": "/usr/bin/time -v" if use_time else "os.wait4"}


def run_worker(kind: str, data_dir: Path) -> dict:
    res = measure([sys.executable, str(Path(__file__).resolve()), "--worker", kind, str(data_dir)])
    if res["rc"] != 0:
        raise RuntimeError(f"{kind} worker failed on {data_dir} (exit {res['rc']}):\n{res['stderr'][-3000:]}")
    lines = [ln for ln in res["stdout"].splitlines() if ln.startswith("{")]
    res["result"] = json.loads(lines[-1])
    return res


# ---------------------------------------------------------------------------
# Extracts.
# ---------------------------------------------------------------------------


def parse_size(text: str) -> int:
    return int(float(text))


def size_label(n: int) -> str:
    """``10_000_000`` -> ``"1e7"``, ``50_000_000`` -> ``"5e7"``, else digits."""
    if n > 0:
        e = int(math.floor(math.log10(n)))
        k = n / 10**e
        if k == int(k) and e >= 3:
            return f"{int(k)}e{e}"
    return str(n)


def _dir_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.iterdir() if f.is_file()) / 2**20


def _rows(path: Path) -> int:
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).metadata.num_rows


def category_names(k: int) -> list[str]:
    """``k`` category names for the cost-growth runs: the bundled twelve, then ``Other work 13`` ... (controls).

    The first three are the default focus categories, so the default
    parameters run unchanged (:func:`analysis.data.simulate.categories_from_names`
    gives them their roles and the rest the bundled controls' sizes in turn).
    """
    from analysis.data.simulate import DEFAULT_CATEGORIES

    focus = ["Data Science & Analytics", "Writing", "Translation"]
    names = focus + [c.name for c in DEFAULT_CATEGORIES if c.name not in focus]
    return names[:k] + [f"Other work {i:02d}" for i in range(len(names) + 1, k + 1)]


def ensure_extract(n: int, data_root: Path, categories: int | None = None) -> Path:
    """The extract of ``n`` expected posts; generated (in a subprocess) if absent.

    With ``categories`` (other than 12), the world has that many categories
    (:func:`category_names`) and lives in ``<size>-c<categories>``.

    ``truth.json`` is written last, so a folder without it is incomplete and
    regenerated. Generation streams month by month: memory stays at one
    month's tables whatever the size.
    """
    label = size_label(n) + (f"-c{categories}" if categories and categories != 12 else "")
    out = data_root / label
    if (out / "truth.json").exists() and (out / "job_posts.parquet").exists():
        return out
    tmp = data_root / f"{label}.partial"
    shutil.rmtree(tmp, ignore_errors=True)
    data_root.mkdir(parents=True, exist_ok=True)
    print(f"generating {size_label(n)} posts into {out} ...", flush=True)
    extra = ["--categories", *category_names(categories)] if categories and categories != 12 else []
    res = measure([sys.executable, "-m", "analysis", "simulate", str(tmp), "--posts", str(n), *extra])
    if res["rc"] != 0:
        raise RuntimeError(f"generation failed:\n{res['stderr'][-3000:]}")
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    print(f"  generated in {res['wall_s']:.1f} s, peak {res['peak_mb']:.0f} MB, "
          f"{_dir_mb(out):.0f} MB on disk", flush=True)
    return out


# ---------------------------------------------------------------------------
# Benchmarks.
# ---------------------------------------------------------------------------


def fit_exponent(sizes: list[float], costs: list[float]) -> float:
    """Least-squares slope of log(cost) on log(size)."""
    import numpy as np

    if len(sizes) < 2:
        return float("nan")
    return float(np.polyfit(np.log(sizes), np.log(costs), 1)[0])


COLUMNS = ["panels", "size", "posts", "contracts", "builder_s", "pandas_s", "ratio", "builder_peak_mb",
           "pandas_peak_mb", "mem_share", "builder_proc_s", "pandas_proc_s", "builder_cpu_s", "pandas_cpu_s",
           "cpu_ratio", "pandas_read_s", "load1", "extract_mb"]


SCOPES = {"all": ("builder", "pandas"), "category": ("builder3", "pandas3")}


#: Peak memory of the pandas baseline per MB of zstd Parquet extract, measured
#: at 10^7 posts (4,537 MB for 91 MB); used to skip it where it cannot fit.
PANDAS_MB_PER_EXTRACT_MB = 50.0


def _pandas_would_not_fit(d: Path) -> str:
    """Why the pandas baseline is skipped on ``d`` ("" when it is run).

    At 5x10^7 posts it would need about 23 GB: more than 70% of this
    machine's memory, where it would swap or be killed.
    """
    need = _dir_mb(d) * PANDAS_MB_PER_EXTRACT_MB
    total = machine().get("mem_total_mb") or float("inf")
    if need > 0.7 * total:
        return (f"would need about {need / 1024:.0f} GB ({PANDAS_MB_PER_EXTRACT_MB:.0f} x the extract's "
                f"{_dir_mb(d):.0f} MB on disk), more than 70% of the {total / 1024:.0f} GB of memory")
    return ""


def bench_panels(sizes: list[int], data_root: Path, repeat: int, scope: str = "all") -> list[dict]:
    """Builder vs pandas at each size; ``scope`` "all" (the four panels) or
    "category" (the three category panels, no freelancer panel)."""
    kb, kp = SCOPES[scope]
    rows = []
    for n in sizes:
        d = ensure_extract(n, data_root)
        best = {}
        skip = _pandas_would_not_fit(d)
        for kind in (kb, kp):
            if kind == kp and skip:
                print(f"  {size_label(n)}: {kind} skipped: {skip}", flush=True)
                continue
            runs = []
            for i in range(repeat):
                print(f"  {size_label(n)}: {kind} run {i + 1}/{repeat} ...", flush=True)
                runs.append(run_worker(kind, d))
            # Fastest build; peak memory is the largest seen (it barely varies).
            fastest = min(runs, key=lambda r: r["result"]["build_s"])
            fastest["peak_mb"] = max(r["peak_mb"] for r in runs)
            fastest["cpu_s"] = min(r["cpu_s"] for r in runs)
            fastest["load1"] = max(r["load1"] for r in runs)
            best[kind] = fastest
        b = best[kb]
        if skip:
            nan = float("nan")
            row = {"panels": scope, "size": n, "posts": _rows(d / "job_posts.parquet"),
                   "contracts": _rows(d / "contracts.parquet"), "builder_s": b["result"]["build_s"],
                   "pandas_s": nan, "ratio": nan, "builder_peak_mb": b["peak_mb"], "pandas_peak_mb": nan,
                   "mem_share": nan, "builder_proc_s": b["wall_s"], "pandas_proc_s": nan,
                   "builder_cpu_s": b["cpu_s"], "pandas_cpu_s": nan, "cpu_ratio": nan, "load1": b["load1"],
                   "pandas_read_s": nan, "extract_mb": _dir_mb(d)}
            rows.append(row)
            print(_format_row(row), flush=True)
            continue
        p = best[kp]
        if b["result"]["digest"] != p["result"]["digest"]:
            raise AssertionError(f"builders disagree at {n}: {b['result']['digest']} vs {p['result']['digest']}")
        row = {
            "panels": scope,
            "size": n,
            "posts": _rows(d / "job_posts.parquet"),
            "contracts": _rows(d / "contracts.parquet"),
            "builder_s": b["result"]["build_s"],
            "pandas_s": p["result"]["build_s"],
            "ratio": p["result"]["build_s"] / b["result"]["build_s"],
            "builder_peak_mb": b["peak_mb"],
            "pandas_peak_mb": p["peak_mb"],
            "mem_share": b["peak_mb"] / p["peak_mb"],
            "builder_proc_s": b["wall_s"],
            "pandas_proc_s": p["wall_s"],
            "builder_cpu_s": b["cpu_s"],
            "pandas_cpu_s": p["cpu_s"],
            "cpu_ratio": p["cpu_s"] / b["cpu_s"],
            "load1": max(b["load1"], p["load1"]),
            "pandas_read_s": p["result"]["read_s"],
            "extract_mb": _dir_mb(d),
        }
        rows.append(row)
        print(_format_row(row), flush=True)
    return rows


def _format_row(r: dict) -> str:
    return (f"{size_label(r['size']):>6} {r['builder_s']:>10.2f} {r['pandas_s']:>9.2f} {r['ratio']:>6.1f} "
            f"{r['builder_peak_mb']:>16.0f} {r['pandas_peak_mb']:>15.0f}   "
            f"{r['builder_cpu_s']:>13.2f} {r['pandas_cpu_s']:>12.2f} {r['cpu_ratio']:>9.1f} {r['load1']:>6.1f}")


def print_table(rows: list[dict]) -> None:
    print("\nsize    builder_s  pandas_s  ratio  builder_peak_mb  pandas_peak_mb   "
          "builder_cpu_s pandas_cpu_s cpu_ratio  load1")
    for r in rows:
        print(_format_row(r))
    print("\n(builder_s, pandas_s: build wall time inside the process, imports excluded; ratio = pandas_s / builder_s;"
          "\n peak_mb: peak resident memory of the whole process; cpu_s: user+system CPU of the whole process,"
          "\n imports included; load1: highest 1-minute load average at the start of a run)")


def report_exponents(rows: list[dict]) -> dict:
    import math as _m

    rows = [r for r in rows if not _m.isnan(r["ratio"])]  # sizes where both builders ran
    sizes = [r["size"] for r in rows]
    out = {}
    for col in ("builder_s", "pandas_s", "builder_cpu_s", "pandas_cpu_s", "builder_peak_mb", "pandas_peak_mb"):
        out[col] = fit_exponent(sizes, [r[col] for r in rows])
        if len(rows) >= 3:  # the upper end, where fixed costs no longer dominate
            out[col + "_top2"] = fit_exponent(sizes[-2:], [r[col] for r in rows[-2:]])
    if len(rows) >= 2:
        print("\nexponent b of cost ~ size^b (least squares on logs, all sizes; two largest sizes):")
        for col in ("builder_s", "pandas_s", "builder_cpu_s", "pandas_cpu_s", "builder_peak_mb", "pandas_peak_mb"):
            top = out.get(col + "_top2")
            print(f"  {col:<16} {out[col]:.2f}" + (f"   {top:.2f}" if top is not None else ""))
    return out


def report_targets(rows: list[dict]) -> None:
    import math as _m

    top = max((r for r in rows if not _m.isnan(r["ratio"])), key=lambda r: r["size"], default=None)
    if top is None:
        print("\ntargets: no size with both builders")
        return
    ok_speed = top["ratio"] >= TARGET_SPEEDUP
    ok_mem = top["mem_share"] <= TARGET_MEMORY_SHARE
    print(f"\ntargets at {size_label(top['size'])} posts: builder >= {TARGET_SPEEDUP:.0f}x faster: "
          f"{top['ratio']:.1f}x wall ({top['cpu_ratio']:.1f}x CPU) {'MET' if ok_speed else 'MISSED'}; builder peak <= "
          f"{TARGET_MEMORY_SHARE:.2f} of pandas': {top['mem_share']:.2f} {'MET' if ok_mem else 'MISSED'}")
    if top["size"] < 10_000_000:
        print("  (the targets are stated for 10^7 posts)")


def write_csv(path: Path, rows: list[dict], columns: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({k: (f"{v:.4g}" if isinstance(v, float) else v) for k, v in r.items()})
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


def bench_e2e(sizes: list[int], data_root: Path) -> list[dict]:
    """Time ``python -m analysis run`` cold (empty cache), then again unchanged (cache reused)."""
    if not (ROOT / "analysis" / "build" / "run.py").exists():
        print("\ne2e: analysis/build/run.py does not exist: `python -m analysis run` not timed")
        return []
    rows = []
    for n in sizes:
        d = ensure_extract(n, data_root)
        with tempfile.TemporaryDirectory(prefix="bench-e2e-") as tmp:
            out = str(Path(tmp) / "out")
            cmd = [sys.executable, "-m", "analysis", "run", "--data", str(d), "--out", out,
                   "--cache-dir", str(Path(tmp) / "cache")]
            print(f"  e2e {size_label(n)}: {' '.join(cmd[1:])} (cold, empty cache) ...", flush=True)
            cold = measure(cmd)
            warm = None
            if cold["rc"] == 0:
                print(f"  e2e {size_label(n)}: the same command again (unchanged inputs) ...", flush=True)
                warm = measure(cmd)
        ok = cold["rc"] == 0 and warm is not None and warm["rc"] == 0
        if not ok:
            bad = cold if cold["rc"] != 0 else warm
            print(f"  e2e {size_label(n)} FAILED (exit {bad['rc']}):\n{bad['stderr'][-2000:]}")
        nan = float("nan")
        rows.append({"size": n, "e2e_s": cold["wall_s"] if cold["rc"] == 0 else nan,
                     "e2e_cpu_s": cold["cpu_s"] if cold["rc"] == 0 else nan,
                     "e2e_peak_mb": cold["peak_mb"] if cold["rc"] == 0 else nan,
                     "rebuild_s": warm["wall_s"] if ok else nan, "load1": cold["load1"], "ok": ok})
    print("\nsize    e2e_s   e2e_cpu_s  e2e_peak_mb  rebuild_s  load1  (python -m analysis run, cold; peak RSS of the"
          " largest single process in the tree; rebuild: the same command again)")
    for r in rows:
        print(f"{size_label(r['size']):>6} {r['e2e_s']:>7.1f} {r.get('e2e_cpu_s', float('nan')):>10.1f} "
              f"{r['e2e_peak_mb']:>12.0f} {r['rebuild_s']:>10.1f} {r.get('load1', float('nan')):>6.1f}")
    top = max(rows, key=lambda r: r["size"]) if rows else None
    if top and top["size"] >= 10_000_000:
        print(f"targets at {size_label(top['size'])}: end to end <= 120 s: {top['e2e_s']:.0f} s "
              f"{'MET' if top['e2e_s'] <= 120 else 'MISSED'}; rebuild <= 15 s: {top['rebuild_s']:.1f} s "
              f"{'MET' if top['rebuild_s'] <= 15 else 'MISSED'}")
    return rows


def bench_profile(n: int, data_root: Path) -> dict:
    d = ensure_extract(n, data_root)
    res = run_worker("profile", d)
    prof = res["result"]
    print(f"\nprofile of build_panels at {size_label(n)} posts (DuckDB threads: {prof['duckdb_threads']}; "
          f"process peak {res['peak_mb']:.0f} MB):")
    for part, s in prof["parts_s"].items():
        name = part.removeprefix("query ")
        extra = (f"   {prof['rows'][name]:>10,} rows   RSS after {prof['rss_after_mb'][name]:.0f} MB"
                 if part.startswith("query ") else "")
        print(f"  {part:<40} {s:7.2f} s{extra}")
    prof["process_peak_mb"] = res["peak_mb"]
    prof["process_wall_s"] = res["wall_s"]
    return prof


# ---------------------------------------------------------------------------
# Issue 16's targets: each measured here and marked met or missed.
# ---------------------------------------------------------------------------

#: id -> (what, limit, unit, "max" or "min"): the targets of issue 16.
TARGETS = {
    "clone_to_book": ("fresh clone to a built book, `make book` with set-up", 120.0, "s", "max"),
    "cold_build_serial": ("cold `analysis run --no-cache --jobs 1`, bundled data (for comparison)", 60.0, "s", "max"),
    "cold_build": ("cold `analysis run`, empty cache, a chapter per core, bundled data", 60.0, "s", "max"),
    "cached_rebuild": ("rebuild with unchanged inputs (cache warm)", 5.0, "s", "max"),
    "e2e_1e7": ("10^7 posts end to end, cold", 60.0, "s", "max"),
    "e2e_5e7": ("5x10^7 posts end to end, cold", 240.0, "s", "max"),
    "e2e_5e7_peak": ("5x10^7 posts end to end, peak memory of one process", 12_288.0, "MB", "max"),
    "panel_speedup_1e7": ("panel build at 10^7 posts, all four panels, vs pandas (wall)", TARGET_SPEEDUP, "x", "min"),
    "panel_memory_1e7": ("panel build at 10^7 posts, peak as a share of pandas'", TARGET_MEMORY_SHARE, "share",
                         "max"),
    "make_test": ("`make test` on 2 cores", 480.0, "s", "max"),
    "growth_posts": ("exponent of end-to-end time against posts, 10^5 to 5x10^7 (cold runs; printed)",
                     float("nan"), "", "max"),
    "growth_categories": ("exponent of end-to-end time against categories, 12/30/90 at 10^6 posts", 2.0, "",
                          "max"),
    "categories_90": ("90 categories at 10^6 posts, end to end, cold (must build)", float("nan"), "s", "max"),
    "spark_cluster": ("panel build at 10^6 posts against a Spark standalone cluster address (this machine: "
                      "master + one worker, 2 cores), same panels as DuckDB", float("nan"), "s", "max"),
}
#: What ``python benchmarks/run.py`` measures with no options (a few minutes on 2 cores); the others
#: are measured when named in ``--targets`` (``all``: every one that is implemented).
QUICK_TARGETS = ("cold_build_serial", "cold_build", "cached_rebuild", "clone_to_book")
#: Targets this script cannot measure yet: always reported "not measured".
NOT_IMPLEMENTED: dict[str, str] = {}
#: Sizes of the ``growth_posts`` fit and category counts of ``growth_categories`` (at 10^6 posts).
GROWTH_POSTS = (100_000, 1_000_000, 10_000_000, 50_000_000)
GROWTH_CATEGORIES = (12, 30, 90)


def _status(target: str, value: float) -> str:
    limit, kind = TARGETS[target][1], TARGETS[target][3]
    if value is None or math.isnan(value):
        return "failed"
    if math.isnan(limit):
        return "measured"
    ok = value <= limit if kind == "max" else value >= limit
    return "met" if ok else "missed"


def _run_cmd(out: Path, cache: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "analysis", "run", "--out", str(out), "--cache-dir", str(cache), *extra]


def outside_venv_env() -> dict:
    """This process's environment as a new user's shell has it: no active virtual environment.

    Run from an activated ``.venv`` (made by uv, without pip), ``python3``
    would be that environment's interpreter, and the fresh clone's ``make
    book`` would install with it (the ninth session's first measurement fell
    back to pip that way). ``VIRTUAL_ENV``, ``PYTHONPATH`` and the
    environment's ``bin`` folder on ``PATH`` are removed.
    """
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    venvs = {Path(p).resolve() for p in (os.environ.get("VIRTUAL_ENV"), sys.prefix if sys.prefix != sys.base_prefix
                                         else None) if p}
    keep = [d for d in env.get("PATH", "").split(os.pathsep)
            if d and not any(Path(d).resolve().is_relative_to(v) for v in venvs)]
    env["PATH"] = os.pathsep.join(keep)
    return env


def measure_targets(names: list[str], data_root: Path) -> list[dict]:
    """Measure the named targets; one row per target of :data:`TARGETS`, in that order."""
    got: dict[str, dict] = {}

    def record(target: str, res: dict | None, value: float | None, note: str = "") -> None:
        failed = res is not None and res["rc"] != 0
        if failed:
            note = f"exit {res['rc']}: {res['stderr'].strip().splitlines()[-1][:200] if res['stderr'].strip() else ''}"
        v = float("nan") if failed or value is None else float(value)
        got[target] = {"value": v, "status": "failed" if failed else _status(target, v),
                       "load1": res["load1"] if res else float("nan"), "note": note}
        print(f"  {target}: {v:.4g} {TARGETS[target][2]} ({got[target]['status']}; load {got[target]['load1']:.1f})",
              flush=True)

    with tempfile.TemporaryDirectory(prefix="bench-targets-") as tmp:
        tmp = Path(tmp)
        if "cold_build_serial" in names:
            print("  cold build, serial ...", flush=True)
            res = measure(_run_cmd(tmp / "serial", tmp / "cache-serial", "--no-cache", "--jobs", "1"))
            record("cold_build_serial", res, res["wall_s"], f"CPU {res['cpu_s']:.0f} s, peak {res['peak_mb']:.0f} MB")
        if "cold_build" in names or "cached_rebuild" in names:
            print(f"  cold build, --jobs {os.cpu_count()} (the default) ...", flush=True)
            res = measure(_run_cmd(tmp / "par", tmp / "cache"))  # empty cache: as cold as --no-cache
            if "cold_build" in names:
                record("cold_build", res, res["wall_s"], f"CPU {res['cpu_s']:.0f} s, peak {res['peak_mb']:.0f} MB, "
                       f"{os.cpu_count()} cores")
            if "cached_rebuild" in names:
                warm = measure(_run_cmd(tmp / "par", tmp / "cache")) if res["rc"] == 0 else res
                if warm["rc"] == 0 and "up to date" not in warm["stdout"]:
                    warm = {**warm, "rc": -1, "stderr": "the rebuild did not say 'up to date'"}
                record("cached_rebuild", warm, warm["wall_s"])
            if "cold_build_serial" in names and "cold_build" in names and res["rc"] == 0:
                same = all((tmp / "serial" / f).read_bytes() == (tmp / "par" / f).read_bytes()
                           for f in ["results/estimates.csv"]
                           + [str(x.relative_to(tmp / "serial")) for x in (tmp / "serial" / "figures").rglob("*")
                              if x.is_file()])
                got["cold_build"]["note"] += "; outputs byte-identical to the serial build" if same else \
                    "; OUTPUTS DIFFER from the serial build"
        if "clone_to_book" in names:
            print("  fresh clone (git clone of HEAD) and `make book` ...", flush=True)
            clone = tmp / "clone"
            subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)], check=True)
            env = outside_venv_env()
            env["UV_CACHE_DIR"] = str(tmp / "uv-cache")  # nothing of an earlier install reused
            python = shutil.which("python3.11", path=env["PATH"]) or shutil.which("python3", path=env["PATH"])
            res = measure(["make", "book", f"PYTHON={python or 'python3'}"], cwd=clone, env=env)
            record("clone_to_book", res, res["wall_s"], "uv, empty uv cache (the wheels come from the index)")
        e2e: dict[tuple[int, int], dict] = {}  # (posts, categories) -> the cold run's measurement

        def cold(n: int, k: int = 12) -> dict:
            if (n, k) not in e2e:
                d = ensure_extract(n, data_root, k)
                print(f"  cold run, {size_label(n)} posts, {k} categories ...", flush=True)
                e2e[(n, k)] = measure(_run_cmd(tmp / f"e2e-{n}-{k}", tmp / f"cache-{n}-{k}", "--data", str(d)))
                r = e2e[(n, k)]
                print(f"    {r['wall_s']:.1f} s wall, {r['cpu_s']:.0f} s CPU, peak {r['peak_mb']:.0f} MB, "
                      f"exit {r['rc']}", flush=True)
            return e2e[(n, k)]

        for n, target in ((10_000_000, "e2e_1e7"), (50_000_000, "e2e_5e7")):
            if target in names or (target == "e2e_5e7" and "e2e_5e7_peak" in names):
                res = cold(n)
                record(target, res, res["wall_s"], f"CPU {res['cpu_s']:.0f} s")
                if target == "e2e_5e7":
                    record("e2e_5e7_peak", res, res["peak_mb"])
        for target, points in (("growth_posts", [(n, 12) for n in GROWTH_POSTS]),
                               ("growth_categories", [(1_000_000, k) for k in GROWTH_CATEGORIES])):
            if target in names or (target == "growth_categories" and "categories_90" in names):
                runs = {pt: cold(*pt) for pt in points}
                ok = all(r["rc"] == 0 for r in runs.values())
                xs = [pt[0] if target == "growth_posts" else pt[1] for pt in points]
                walls = [runs[pt]["wall_s"] for pt in points]
                detail = "; ".join(f"{x:g}: {w:.1f} s" for x, w in zip(xs, walls))
                bad = next((r for r in runs.values() if r["rc"] != 0), None)
                if target in names:
                    record(target, bad or runs[points[-1]], fit_exponent(xs, walls) if ok else None,
                           f"cold wall times ({'posts' if target == 'growth_posts' else 'categories'}: time) "
                           f"{detail}")
                if target == "growth_categories" and "categories_90" in names:
                    r90 = runs[(1_000_000, 90)]
                    record("categories_90", r90, r90["wall_s"], f"CPU {r90['cpu_s']:.0f} s, peak "
                           f"{r90['peak_mb']:.0f} MB")
        if "panel_speedup_1e7" in names or "panel_memory_1e7" in names:
            rows = bench_panels([10_000_000], data_root, 1, "all")
            r = rows[0]
            fake = {"rc": 0, "load1": r.get("load1", float("nan")), "stderr": ""}
            record("panel_speedup_1e7", fake, r["ratio"])
            record("panel_memory_1e7", fake, r["mem_share"])
        if "spark_cluster" in names:
            print("  panel build on a Spark standalone cluster (10^6 posts) ...", flush=True)
            d = ensure_extract(1_000_000, data_root)
            duck = run_worker("builder", d)
            res = measure([sys.executable, str(Path(__file__).resolve()), "--worker", "spark_cluster", str(d)])
            if res["rc"] == 0:
                out = json.loads([ln for ln in res["stdout"].splitlines() if ln.startswith("{")][-1])
                same = out["digest"] == duck["result"]["digest"]
                record("spark_cluster", res, out["build_s"] if same else float("nan"),
                       f"panels {'equal to' if same else 'DIFFERENT FROM'} DuckDB's (sizes and contract totals); "
                       f"cluster start {out['cluster_s']:.1f} s, session {out['session_s']:.1f} s; DuckDB builds "
                       f"the same panels in {duck['result']['build_s']:.2f} s")
            else:
                record("spark_cluster", res, None)
        if "make_test" in names:
            print("  make test ...", flush=True)
            res = measure(["make", "test"])
            record("make_test", res, res["wall_s"])
    rows = []
    for target, (what, limit, unit, kind) in TARGETS.items():
        g = got.get(target) or {"value": float("nan"), "status": "not measured", "load1": float("nan"),
                                "note": NOT_IMPLEMENTED.get(target, f"run: python benchmarks/run.py --targets {target}")}
        rows.append({"target": target, "what": what, "limit": limit, "unit": unit,
                     "limit_kind": "at most" if kind == "max" else "at least", **g})
    return rows


def keep_measured(rows: list[dict], path: Path) -> list[dict]:
    """``rows``, with each target this run did not measure taken from ``path`` (the last ``targets.csv``).

    A run of some targets thereby updates those rows and keeps the others'
    last measurement (with its date and load in the note), so the file always
    holds the latest figure of every target.
    """
    if not path.is_file():
        return rows
    import csv

    with open(path, newline="") as fh:
        old = {r["target"]: r for r in csv.DictReader(fh)}
    out = []
    for r in rows:
        o = old.get(r["target"])
        if r["status"] == "not measured" and o and o["status"] != "not measured":
            r = {**r, "value": float(o["value"]), "status": o["status"], "load1": float(o["load1"] or "nan"),
                 "note": o["note"]}
        out.append(r)
    return out


def print_targets(rows: list[dict]) -> None:
    print(f"\n{'target':<20} {'limit':>14} {'measured':>10} {'status':<13} {'load1':>5}  what / note")
    for r in rows:
        limit = "" if math.isnan(r["limit"]) else f"{r['limit_kind']} {r['limit']:g}{r['unit'] and ' ' + r['unit']}"
        value = "" if math.isnan(r["value"]) else f"{r['value']:.4g}"
        load = "" if math.isnan(r["load1"]) else f"{r['load1']:.1f}"
        print(f"{r['target']:<20} {limit:>14} {value:>10} {r['status']:<13} {load:>5}  {r['what']}"
              + (f" [{r['note']}]" if r["note"] else ""))


def machine() -> dict:
    import duckdb
    import ibis
    import pandas as pd
    import pyarrow as pa

    mem = None
    try:
        with open("/proc/meminfo") as fh:
            mem = int(fh.readline().split()[1]) // 1024
    except OSError:
        pass
    return {"python": platform.python_version(), "cpus": os.cpu_count(), "mem_total_mb": mem,
            "pandas": pd.__version__, "duckdb": duckdb.__version__, "ibis": ibis.__version__,
            "pyarrow": pa.__version__, "platform": platform.platform(),
            "rss_source": "/usr/bin/time -v" if os.access(TIME_BIN, os.X_OK) else "os.wait4"}


def _sizes(text: str | None) -> list[int]:
    return sorted(parse_size(s) for s in text.split(",") if s.strip()) if text else []


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="1e5,1e6,1e7", help="comma-separated expected job posts (e.g. 1e5,1e6,1e7)")
    p.add_argument("--e2e", default="", help="sizes at which to time `python -m analysis run`")
    p.add_argument("--profile", default="", help="sizes at which to split a builder run into its parts")
    p.add_argument("--repeat", type=int, default=1, help="runs per builder and size; the fastest is kept")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder of the result CSV/JSON files")
    p.add_argument("--data-dir", type=Path, default=DEFAULT_DATA, help="cache of generated extracts")
    p.add_argument("--targets", default=None, help="comma-separated targets of issue 16 to measure, or 'all' "
                   f"(default with no other option: {','.join(QUICK_TARGETS)})")
    p.add_argument("--worker", nargs=2, metavar=("KIND", "DATA_DIR"), help=argparse.SUPPRESS)
    argv = sys.argv[1:] if argv is None else argv
    args = p.parse_args(argv)

    if args.worker:
        kind, data_dir = args.worker
        print(json.dumps(WORKERS[kind](data_dir)))
        return 0

    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    if args.targets is not None or not argv:
        names = (list(QUICK_TARGETS) if args.targets is None else
                 [t for t in TARGETS if t not in NOT_IMPLEMENTED] if args.targets == "all" else
                 [t.strip() for t in args.targets.split(",") if t.strip()])
        unknown = sorted(set(names) - set(TARGETS))
        if unknown:
            p.error(f"unknown targets {unknown}; known: {', '.join(TARGETS)}")
        print(f"issue 16's targets: measuring {', '.join(names)} (load {os.getloadavg()[0]:.1f}, "
              f"{os.cpu_count()} cores)")
        rows = keep_measured(measure_targets(names, args.data_dir), args.out / "targets.csv")
        print_targets(rows)
        write_csv(args.out / "targets.csv", rows, ["target", "what", "limit_kind", "limit", "unit", "value", "status",
                                                 "load1", "note"])
        return 0
    sizes = _sizes(args.sizes)
    summary: dict = {"machine": machine(), "sizes": sizes}
    if sizes:
        print("\n== all four panels (category_month, category_tier_month, category_level_month, freelancer_month)")
        rows = bench_panels(sizes, args.data_dir, max(args.repeat, 1), "all")
        print_table(rows)
        summary["exponents"] = report_exponents(rows)
        report_targets(rows)
        print("\n== the three category panels only (what every chapter but the productivity one reads)")
        rows3 = bench_panels(sizes, args.data_dir, max(args.repeat, 1), "category")
        print_table(rows3)
        summary["exponents_category"] = report_exponents(rows3)
        report_targets(rows3)
        write_csv(args.out / "panels.csv", rows + rows3, COLUMNS)
        summary["panels"] = rows + rows3
    for n in _sizes(args.profile):
        summary.setdefault("profile", {})[size_label(n)] = bench_profile(n, args.data_dir)
    e2e_sizes = _sizes(args.e2e)
    if e2e_sizes:
        e2e = bench_e2e(e2e_sizes, args.data_dir)
        if e2e:
            write_csv(args.out / "e2e.csv", e2e, ["size", "e2e_s", "e2e_cpu_s", "e2e_peak_mb", "rebuild_s", "load1",
                                                 "ok"])
        summary["e2e"] = e2e
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "summary.json").write_text(json.dumps(summary, indent=2, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())

"""``python -m analysis run`` end to end: another extract, atomic output, cache, sweep.

The expensive builds of this module share one xdist worker (group ``run``);
the bundled book's build and checks (tests/test_book.py, group ``book``) take
the other, so that ``make test -n 2`` runs the two sets of builds side by side.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from analysis.core.paths import PROJECT_ROOT
from analysis.core.text import slugify
from analysis.results import read_results

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("run")]

# Names that are markup in HTML, MyST roles, matplotlib math: they must reach the site as text.
NAMES = ["Quantum Widgets", "<img src=x onerror=alert(1)>W", "Lingo {download}`../../../../etc/hostname`",
         "<script>alert(1)</script>", "Plumbing", "Under $50 and over $100", "O'Brien \"Co\"", "Yodelling"]
FOCUS = NAMES[:3]
CONTROLS = NAMES[3:7]
DEFAULT_SLUGS = ("data-science-analytics", "writing", "translation", "web-mobile-software-dev")


def tree_hash(root: Path, skip: tuple[str, ...] = ()) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if rel.parts and rel.parts[0] in skip:
            continue
        h.update(str(rel).encode() + b"\0")
        if p.is_file():
            h.update(p.read_bytes())
    return h.hexdigest()


def run_cli(*args: str, env: dict | None = None, timeout: int = 1500) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analysis", "run", *args], capture_output=True, text=True,
                          cwd=PROJECT_ROOT, timeout=timeout, env={**os.environ, **(env or {})})


def sentinel_out(root: Path) -> Path:
    out = root / "out"
    (out / "html" / "book").mkdir(parents=True)
    (out / "html" / "index.html").write_text("<html>last good build</html>\n")
    (out / "results").mkdir()
    (out / "results" / "estimates.csv").write_text("id,estimate_pct\nx,1.0\n")
    (out / "manifest.json").write_text('{"key": "sentinel"}\n')
    return out


# ---------------------------------------------------------------------------
# (a) another extract: other names, other dates, CSV; with a sweep
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def custom(tmp_path_factory):
    root = tmp_path_factory.mktemp("custom_run")
    data = root / "private-Zq7xK" / "extract"  # a distinctive path that must not reach the site
    r = subprocess.run([sys.executable, "-m", "analysis", "simulate", str(data), "--categories", *NAMES,
                        "--format", "csv", "--start", "2020-06-01", "--end", "2023-12-31", "--posts", "40000"],
                       capture_output=True, text=True, cwd=PROJECT_ROOT)
    assert r.returncode == 0, r.stderr
    params = root / "params.yaml"
    params.write_text(json.dumps({"start": "2020-06-01", "end": "2023-12-31", "treatment_date": "2022-11-30",
                                  "focus_categories": FOCUS, "control_categories": CONTROLS}))
    sweep = root / "sweep.yaml"
    sweep.write_text("- {value_threshold_usd: 500}\n- {value_threshold_usd: 2500}\n"
                     "- {treatment_date: '2023-03-14'}\n")
    out = root / "out"
    (out / "keep").mkdir(parents=True)
    (out / "keep" / "mine.txt").write_text("not made by the run\n")
    args = ["--data", str(data), "--params", str(params), "--out", str(out), "--sweep", str(sweep),
            "--cache-dir", str(root / "cache"), "--jobs", "1"]  # serial (the parallel build: tests/test_book.py)
    r = run_cli(*args)
    assert r.returncode == 0, f"run failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return {"root": root, "data": data, "params": params, "out": out, "args": args, "run": r}


def test_custom_extract_builds_with_its_names(custom):
    out, r = custom["out"], custom["run"]
    assert "[1/" in r.stdout and "open " in r.stdout and str(out / "html" / "index.html") in r.stdout
    html = out / "html"
    chapters = sorted(p.stem for p in (out / "executed").glob("*.ipynb"))
    assert "00_summary" in chapters and len(chapters) >= 2
    for ch in chapters:
        assert (html / "book" / f"{ch}.html").is_file(), ch
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["parameters"]["focus_categories"] == FOCUS
    assert manifest["jobs"] == 1
    assert manifest["extract"]["categories"] == sorted(NAMES)
    assert manifest["extract"]["rows"]["job_posts"] > 10_000
    assert all(len(v) == 64 for v in manifest["extract"]["files"].values())
    assert manifest["packages"]["jupyter-book"].startswith("1.")
    assert (out / "keep" / "mine.txt").read_text() == "not made by the run\n", "a foreign entry was lost"


def test_custom_extract_names_reach_results_and_figures(custom):
    out = custom["out"]
    res = read_results(out / "results" / "estimates.csv")
    assert list(res["id"]) == sorted(res["id"]), "results not sorted by id"
    for slug in DEFAULT_SLUGS:
        assert not any(f".{slug}." in i for i in res["id"]), f"default category {slug} in the results"
    figure_text = "".join(p.read_text(errors="replace") for p in (out / "figures").rglob("*.csv"))
    assert "Data Science & Analytics" not in figure_text and "Translation" not in figure_text
    cat_ids = [i for i in res["id"] if i.startswith("category.")]
    assert cat_ids, "no category estimates in the results"
    for name in FOCUS:
        assert any(i.startswith(f"category.{slugify(name)}.") for i in cat_ids), name


def test_html_escapes_category_names(custom):
    pages = {p: p.read_text(encoding="utf-8") for p in (custom["out"] / "html").rglob("*.html")}
    raw = [str(p) for p, t in pages.items() if "<script>alert(1)" in t]
    assert not raw, f"unescaped category name in {raw}"
    shown = [p for p, t in pages.items() if "alert(1)" in t]
    for p in shown:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[p] or "&lt;img src=x" in pages[p], p
    assert not [str(p) for p, t in pages.items() if "<img src=x" in t], "unescaped <img> name"
    # The {download} role inside a name is shown, not executed: nothing of the machine is published.
    downloads = custom["out"] / "html" / "_downloads"
    assert not downloads.exists() or not any("hostname" in str(p) for p in downloads.rglob("*"))
    summary = pages[custom["out"] / "html" / "book" / "00_summary.html"]
    assert "{download}`../../../../etc/hostname`" in html.unescape(re.sub(r"<[^>]+>", "", summary))


def test_no_machine_path_in_the_published_site(custom):
    """The site names the extract by its label ("extract", the folder's name) and SHA-256, never by path."""
    html = custom["out"] / "html"
    needles = {str(custom["data"]), str(custom["root"]), "private-Zq7xK"}
    needles |= {n.replace("/", "\\/") for n in needles}
    files = [p for p in html.rglob("*") if p.is_file()]
    assert len(files) > 50 and any(p.suffix == ".ipynb" for p in files)
    leaks = [str(p.relative_to(html)) for p in files if any(n.encode() in p.read_bytes() for n in needles)]
    assert not leaks, f"machine path published in {leaks[:10]}"
    checksum = json.loads((custom["out"] / "manifest.json").read_text())["extract"]["checksum"]
    platform = html_text(html / "book" / "02_platform.html")
    assert f"Data: extract, extract SHA-256 {checksum[:12]}" in platform
    assert "extract extract" not in platform and "figure data SHA-256 " in platform


def html_text(path: Path) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8"))))


def test_sweep_writes_robustness_table(custom):
    out = custom["out"]
    rob = pd.read_csv(out / "results" / "robustness.csv")
    assert set(rob["set"]) == {0, 1, 2, 3}
    assert {"id", "overrides", "estimate_pct", "diff_from_base_pct"} <= set(rob.columns)
    counts = rob.groupby("id")["set"].nunique()
    assert (counts == 4).all()
    assert any(i.startswith(f"category.{slugify(FOCUS[0])}.") for i in rob["id"])
    base = rob[rob["set"] == 0]
    assert (base["diff_from_base_pct"].abs() < 1e-9).all()
    # Thresholds move the tier estimates, not the job-post ones.
    low = rob[rob["id"] == f"category.{slugify(FOCUS[1])}.contracts.low_value"].set_index("set")["estimate_pct"]
    assert low[1] != low[0] and low[2] != low[0]
    posts = rob[rob["id"] == f"category.{slugify(FOCUS[1])}.job_posts"].set_index("set")["estimate_pct"]
    assert posts[1] == posts[0] and posts[3] != posts[0]
    for k in range(4):
        assert (out / "sweep" / str(k) / "estimates.csv").is_file()
        assert (out / "sweep" / str(k) / "params.yaml").is_file()


# ---------------------------------------------------------------------------
# (c) same data and parameters -> same numbers and figure files: the bundled book's parallel build
# against its serial re-execution (tests/test_book.py, once per suite); (d) cache
# ---------------------------------------------------------------------------


def test_unchanged_rerun_is_up_to_date(custom):
    # How fast this is, is measured by benchmarks/run.py, not asserted here.
    before = tree_hash(custom["out"])
    r = run_cli(*custom["args"])
    assert r.returncode == 0, r.stderr
    assert "up to date" in r.stdout
    assert tree_hash(custom["out"]) == before


def test_stale_manifest_rebuilds_from_cache(custom):
    """With every chapter cached but the manifest stale, only the HTML is rebuilt."""
    out = custom["out"]
    html_index = out / "html" / "index.html"
    # Rebuild from cache only: remove the manifest so the run is not "up to date".
    manifest = json.loads((out / "manifest.json").read_text())
    (out / "manifest.json").write_text("{}\n")
    r = run_cli(*custom["args"])
    assert r.returncode == 0, r.stderr
    assert r.stdout.count(": cached") >= len(manifest["chapters"]), r.stdout
    assert html_index.is_file()


# ---------------------------------------------------------------------------
# (b) failures leave the last good output untouched
# ---------------------------------------------------------------------------


BROKEN_CHAPTER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# Broken

```{code-cell} ipython3
:tags: [parameters, remove-cell]

data_dir = ""
output_dir = ""
```

```{code-cell} ipython3
x = 1
```

```{code-cell} ipython3
raise RuntimeError("test failure in a chapter")
```
"""


def _failing_book(root: Path) -> tuple[Path, str]:
    """A book of a good chapter and one that raises in its third cell, built with ``--book``."""
    book = root / "failing-book"
    (book / "book").mkdir(parents=True)
    shutil.copyfile(PROJECT_ROOT / "_config.yml", book / "_config.yml")
    shutil.copyfile(PROJECT_ROOT / "book" / "references.bib", book / "book" / "references.bib")
    (book / "_toc.yml").write_text("format: jb-book\nroot: book/index\nchapters:\n  - file: book/fine\n"
                                   "  - file: book/broken\n")
    (book / "book" / "index.md").write_text("# A failing book\n")
    (book / "book" / "fine.md").write_text(BROKEN_CHAPTER.replace("# Broken", "# Fine").replace(
        'raise RuntimeError("test failure in a chapter")', "y = 2"))
    (book / "book" / "broken.md").write_text(BROKEN_CHAPTER)
    return book, "broken"


def test_failing_chapter_leaves_output_untouched(tmp_path):
    out = sentinel_out(tmp_path)
    before = tree_hash(out)
    book, first = _failing_book(tmp_path)
    # Both chapters at once: the failure of one is reported as a serial run reports it.
    r = run_cli("--out", str(out), "--cache-dir", str(tmp_path / "cache"), "--book", str(book), "--jobs", "2")
    assert r.returncode == 3, r.stdout + r.stderr
    assert "[1/2] fine: done in" in r.stdout, r.stdout
    msg = r.stderr
    assert f"chapter {first} failed" in msg and "RuntimeError: test failure in a chapter" in msg, msg
    assert re.search(r"cell \d+", msg) and "raise RuntimeError" in msg, msg
    kept = re.search(r"partial executed notebook: (\S+)", msg)
    assert kept and Path(kept.group(1)).is_file(), msg
    assert len(msg.strip().splitlines()) <= 25, msg
    assert tree_hash(out) == before
    assert not list(tmp_path.glob(".out.*")), "staging folder left behind"


def test_killed_run_leaves_output_untouched_and_is_cleaned_up(tmp_path):
    out = sentinel_out(tmp_path)
    before = tree_hash(out)
    proc = subprocess.Popen([sys.executable, "-m", "analysis", "run", "--out", str(out), "--cache-dir",
                             str(tmp_path / "cache")], cwd=PROJECT_ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        for line in proc.stdout:
            if line.startswith("[1/"):
                break
            assert time.monotonic() < deadline
        time.sleep(1.0)
        assert proc.poll() is None, "the run ended before it could be killed"
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert tree_hash(out) == before
    assert list(tmp_path.glob(".out.tmp-*")), "expected the killed run's staging folder"
    # The next run (here refused for a bad parameter) cleans it up and still leaves out alone.
    r = run_cli("--out", str(out), "--cache-dir", str(tmp_path / "cache"), "--set", "seed=-1")
    assert r.returncode == 2
    assert not list(tmp_path.glob(".out.*"))
    assert tree_hash(out) == before


def _first_chapter() -> str:
    from analysis.build.run import chapter_sources, ordered

    return ordered(chapter_sources())[0].stem


def test_validation_is_remembered_only_for_unchanged_valid_files(tmp_path, monkeypatch):
    """A rebuild skips validating an unchanged extract, never a changed one."""
    import analysis.data.contract
    from analysis.build.run import validate_cached
    from analysis.data.simulate import World, write_extract

    data, cache = tmp_path / "data", tmp_path / "cache"
    write_extract(World(n_posts=2_000, seed=5), data, fmt="csv")
    summary, problems = validate_cached(data, cache)
    assert problems == [] and summary.n_posts > 0
    (memo,) = list((cache / "validated").iterdir())
    real_validate = analysis.data.contract.validate

    def must_not_run(folder):
        raise AssertionError("validated again although nothing changed")

    monkeypatch.setattr(analysis.data.contract, "validate", must_not_run)
    again, problems = validate_cached(data, cache)
    assert again == summary and problems == []
    monkeypatch.setattr(analysis.data.contract, "validate", real_validate)
    # A file changed after a valid run: a new key, so it is validated again and the error is found.
    csv = data / "contracts.csv"
    lines = csv.read_text().splitlines()
    lines[3] = lines[3].replace(lines[3].split(",")[1], "J-unknown", 1)  # a contract whose post does not exist
    csv.write_text("\n".join(lines) + "\n")
    summary2, problems = validate_cached(data, cache)
    assert any(p.column == "job_id" for p in problems), [str(p) for p in problems]
    assert list((cache / "validated").iterdir()) == [memo]  # an invalid extract is not remembered
    # Without a cache folder it always validates.
    assert validate_cached(data, None)[1]


def test_parallel_failure_is_the_first_in_order_and_stops_what_has_not_started():
    """run_parallel: results in the tasks' order; on a failure no further task starts, those running end,
    and the failure raised is the first task's in order (the one a serial run raises)."""
    import threading

    from analysis.build.run import run_parallel

    assert run_parallel([3, 1, 2], 2, lambda t: t * 10) == [30, 10, 20]
    assert run_parallel([3, 1, 2], 1, lambda t: t * 10) == [30, 10, 20]
    started, both = [], threading.Barrier(2, timeout=60)

    def work(t):
        started.append(t)
        if t in (0, 1):
            both.wait()  # tasks 0 and 1 run at the same time
        if t == 1:
            raise ValueError("task 1")
        if t == 0:
            time.sleep(0.2)  # fails after task 1 has failed
            raise KeyError("task 0")
        return t

    with pytest.raises(KeyError, match="task 0"):
        run_parallel(list(range(6)), 2, work)
    assert sorted(started) == [0, 1], started


def test_parallel_start_order_changes_only_when_tasks_start(tmp_path):
    """run_parallel with a start order: tasks start longest first, results stay in the tasks' order;
    expected_seconds reads each chapter's last run from the cache, else falls back to source size."""
    import threading

    from analysis.build.run import expected_seconds, longest_first, run_parallel

    started, lock = [], threading.Lock()

    def work(t):
        with lock:
            started.append(t)
        return t * 10

    assert run_parallel([0, 1, 2, 3], 1, work, start_order=[3, 2, 1, 0]) == [0, 10, 20, 30]
    started.clear()
    assert run_parallel([0, 1, 2, 3], 2, work, start_order=[3, 1, 2, 0]) == [0, 10, 20, 30]
    assert started[:2] in ([3, 1], [1, 3]), started
    with pytest.raises(ValueError, match="permutation"):
        run_parallel([0, 1], 2, work, start_order=[0, 0])
    assert longest_first([2.0, 5.0, 1.0, 5.0]) == [1, 3, 0, 2]

    a, b = tmp_path / "a.md", tmp_path / "b.md"
    a.write_text("x" * 3000)
    b.write_text("x" * 1000)
    cache = tmp_path / "cache"
    assert expected_seconds([a, b], cache) == [3.0, 1.0]  # no history: source size in kB
    for stem, secs in (("a", 2.5), ("b", 30.0)):
        entry = cache / "chapters" / stem / "k1"
        entry.mkdir(parents=True)
        (entry / "done").write_text(json.dumps({"seconds": secs}))
    assert expected_seconds([a, b], cache) == [2.5, 30.0]
    assert longest_first(expected_seconds([a, b], cache)) == [1, 0]

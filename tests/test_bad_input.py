"""Bad input to ``python -m analysis run``: a catalogue of broken extracts and parameter files.

Every case runs ``python -m analysis run`` against an output folder that
already holds a sentinel tree, and checks that the run

* exits non-zero (1 for data problems, 2 for parameter problems),
* says on one screen (at most 25 lines) which file, column and rule (or
  which parameter) is wrong, with example rows where the rule is row-based,
* leaves the output folder byte-identical.

A few cases of each kind (:data:`SUBPROCESS_CASES`, and the ``--set`` and
missing-folder case) run the real command in a subprocess, so the process's
exit code and its stderr are what is checked; the others call
``analysis.cli.main`` in-process with the same arguments, which returns the
same exit code and writes the same message, without paying about five
seconds of interpreter start and imports per case (the suite's time budget,
issue 16).

Accepted-by-design inputs (a UTF-8 byte-order mark, category names with HTML
or quotes) are checked to validate.

The cases of issue 13 (safe inputs and outputs) run in-process, to keep the
suite fast: :func:`analysis.contract.validate` and the parameter checks
directly, and ``analysis.cli.main(["run", ...])`` for cases that stop before
any chapter runs (exit code and message as the command gives them). They
cover: one reader for validation and the panels (CSV and typed Parquet give
identical panels and estimates; zoned timestamps dated in UTC on any
machine), lenient readings refused (``epoch``, ``infinity``, ``9999-12-31``,
struct or list categories, float ids, a table that is a folder, duplicate
YAML keys), categories differing only by case, ids for any names, the
window within the job posts' months, thresholds that empty a tier, odd
parameter values, YAML limits, and what ``--out`` may be (a file, a folder
of the user's, a lock per output folder, unwritable or full folders).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.core.paths import PROJECT_ROOT
from analysis.data.contract import validate
from analysis.data.simulate import World, categories_from_names, write_extract

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def tree_hash(root: Path) -> str:
    """SHA-256 over every path, file content and mode below ``root``."""
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        h.update(str(p.relative_to(root)).encode() + b"\0")
        if p.is_file():
            h.update(p.read_bytes())
        h.update(str(p.stat().st_mode).encode())
    return h.hexdigest()


def sentinel_out(root: Path) -> Path:
    out = root / "out"
    (out / "html").mkdir(parents=True)
    (out / "html" / "index.html").write_text("<html>last good build</html>\n")
    (out / "results").mkdir()
    (out / "results" / "estimates.csv").write_text("id,estimate_pct\nx,1.0\n")
    (out / "manifest.json").write_text('{"key": "sentinel"}\n')
    return out


def run_cli(*args: str, cache: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analysis", "run", *args, "--cache-dir", str(cache)],
                          capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=600,
                          env={**os.environ, **(env or {})})


# ---------------------------------------------------------------------------
# The base extract (valid) and the ways to break it
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A small valid extract as CSV text frames (all columns as strings)."""
    d = tmp_path_factory.mktemp("base_extract")
    write_extract(World(n_posts=4_000, seed=11), d, fmt="csv")
    posts = pd.read_csv(d / "job_posts.csv", dtype=str, keep_default_na=False)
    contracts = pd.read_csv(d / "contracts.csv", dtype=str, keep_default_na=False)
    return posts, contracts


def _csv(folder: Path, posts: pd.DataFrame | None, contracts: pd.DataFrame | None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, df in (("job_posts", posts), ("contracts", contracts)):
        if df is not None:
            df.to_csv(folder / f"{name}.csv", index=False)
    return folder


def _set(df: pd.DataFrame, row: int, col: str, value: str) -> pd.DataFrame:
    df = df.copy()
    df.loc[row, col] = value
    return df


def _fixed_contract_row(posts, contracts) -> int:
    fixed = set(posts.loc[posts.contract_type == "fixed", "job_id"])
    return int(contracts.index[contracts.job_id.isin(fixed)][0])


def _before_post(posts, contracts):
    c = contracts.copy()
    c.loc[3, "started_on"] = "2000-01-01"
    return posts, c


def _truncate_parquet(folder: Path, posts, contracts):
    posts_t = posts.copy()
    pd.DataFrame(posts_t).to_parquet(folder / "job_posts.parquet", index=False)
    data = (folder / "job_posts.parquet").read_bytes()
    (folder / "job_posts.parquet").write_bytes(data[: len(data) // 2])
    contracts.to_csv(folder / "contracts.csv", index=False)


def _semicolons(folder: Path, posts, contracts):
    posts.to_csv(folder / "job_posts.csv", index=False, sep=";")
    contracts.to_csv(folder / "contracts.csv", index=False)


def _latin1(folder: Path, posts, contracts):
    p = _set(posts, 5, "category", "Rédaction")
    p.to_csv(folder / "job_posts.csv", index=False, encoding="latin-1")
    contracts.to_csv(folder / "contracts.csv", index=False)


def _both_formats(folder: Path, posts, contracts):
    _csv(folder, posts, contracts)
    posts.to_parquet(folder / "job_posts.parquet", index=False)


#: case -> (make(folder, posts, contracts), expected exit code, words that must appear,
#:          row-based: whether example rows must be shown)
DATA_CASES = {
    "missing table": (lambda f, p, c: _csv(f, p, None), 1, ["contracts", "missing table"], False),
    "missing column": (lambda f, p, c: _csv(f, p, c.drop(columns="earnings_usd")), 1,
                       ["contracts.csv", "earnings_usd", "required column is missing"], False),
    "column name case": (lambda f, p, c: _csv(f, p.rename(columns={"job_id": "Job_ID"}), c), 1,
                         ["job_posts.csv", "job_id", "Job_ID"], False),
    "wrong type earnings": (lambda f, p, c: _csv(f, p, _set(c, 4, "earnings_usd", "12,50")), 1,
                            ["contracts.csv", "earnings_usd", "wrong type", "12,50"], True),
    "unparseable date": (lambda f, p, c: _csv(f, _set(p, 7, "posted_on", "31/01/2023"), c), 1,
                         ["job_posts.csv", "posted_on", "wrong type", "31/01/2023"], True),
    "negative earnings": (lambda f, p, c: _csv(f, p, _set(c, 2, "earnings_usd", "-5")), 1,
                          ["contracts.csv", "earnings_usd", ">= 0"], True),
    "infinite earnings": (lambda f, p, c: _csv(f, p, _set(c, 2, "earnings_usd", "inf")), 1,
                          ["contracts.csv", "earnings_usd", "finite"], True),
    "placeholder earnings": (lambda f, p, c: _csv(f, p, _set(c, 3, "earnings_usd", "1e30")), 1,
                             ["contracts.csv", "earnings_usd", "below 1e+15", "placeholder"], True),
    "NaN earnings": (lambda f, p, c: _csv(f, p, _set(c, 6, "earnings_usd", "nan")), 1,
                     ["contracts.csv", "earnings_usd", "NaN"], True),
    "null earnings": (lambda f, p, c: _csv(f, p, _set(c, 6, "earnings_usd", "")), 1,
                      ["contracts.csv", "earnings_usd"], True),
    "hours on fixed contract": (lambda f, p, c: _csv(f, p, _set(c, _fixed_contract_row(p, c), "hours", "3.5")), 1,
                                ["contracts.csv", "hours", "fixed"], True),
    "feedback out of range": (lambda f, p, c: _csv(f, p, _set(c, 1, "feedback", "7")), 1,
                              ["contracts.csv", "feedback", "between 1 and 5"], True),
    "duplicate job ids": (lambda f, p, c: _csv(f, _set(p, 1, "job_id", p.loc[0, "job_id"]), c), 1,
                          ["job_posts.csv", "job_id", "unique"], True),
    "duplicate contract ids": (lambda f, p, c: _csv(f, p, _set(c, 1, "contract_id", c.loc[0, "contract_id"])), 1,
                               ["contracts.csv", "contract_id", "unique"], True),
    "contract to unknown post": (lambda f, p, c: _csv(f, p, _set(c, 0, "job_id", "NO-SUCH-POST")), 1,
                                 ["contracts.csv", "job_id", "unknown job_id", "NO-SUCH-POST"], True),
    "contract before its post": (lambda f, p, c: _csv(f, *_before_post(p, c)), 1,
                                 ["contracts.csv", "started_on", "before"], True),
    "bad contract type": (lambda f, p, c: _csv(f, _set(p, 3, "contract_type", "Hourly"), c), 1,
                          ["job_posts.csv", "contract_type", "'hourly' or 'fixed'"], True),
    "bad experience level": (lambda f, p, c: _csv(f, _set(p, 3, "experience_level", "senior"), c), 1,
                             ["job_posts.csv", "experience_level", "senior"], True),
    "null ai_related": (lambda f, p, c: _csv(f, _set(p, 9, "ai_related", ""), c), 1,
                        ["job_posts.csv", "ai_related", "null"], True),
    "empty table": (lambda f, p, c: _csv(f, p, c.iloc[:0]), 1, ["contracts.csv", "no rows"], False),
    "truncated parquet": (_truncate_parquet, 1, ["job_posts.parquet", "cannot be read as Parquet"], False),
    "semicolon CSV": (_semicolons, 1, ["job_posts.csv", "';'"], False),
    "non-UTF-8 CSV": (_latin1, 1, ["job_posts.csv", "not UTF-8"], False),
    "both parquet and csv": (_both_formats, 1, ["both job_posts.parquet and job_posts.csv"], False),
    "single category": (lambda f, p, c: _csv(f, p.assign(category="Writing"), c), 1,
                        ["1 category", "at least 3"], False),
}


@pytest.mark.parametrize("case", sorted(DATA_CASES))
def test_broken_extract_is_refused(case, base, tmp_path):
    make, code, words, row_based = DATA_CASES[case]
    data = tmp_path / "data"
    data.mkdir()
    make(data, *base)
    _assert_refused(["--data", str(data)], tmp_path, code, words, row_based,
                    subprocess_run=case in SUBPROCESS_CASES)


#: Cases run in a subprocess (the rest in-process): one per exit code and kind of input.
SUBPROCESS_CASES = frozenset({"negative earnings", "truncated parquet", "several problems at once", "not YAML"})


def _main_in_process(args: list[str]) -> tuple[int, str]:
    """``python -m analysis run ARGS`` as ``analysis.cli.main``: exit code and stderr."""
    import contextlib
    import io

    from analysis.cli import main

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(["run", *args])
        except SystemExit as e:  # argparse's own errors
            code = e.code if isinstance(e.code, int) else 1
    return code, err.getvalue()


def _assert_refused(args, tmp_path, code, words, row_based=False, subprocess_run=True, cache=None):
    out = sentinel_out(tmp_path)
    before = tree_hash(out)
    cache = cache or tmp_path / "cache"
    if subprocess_run:
        r = run_cli(*args, "--out", str(out), cache=cache)
        got, msg = r.returncode, r.stderr
    else:
        got, msg = _main_in_process([*args, "--out", str(out), "--cache-dir", str(cache)])
    assert got == code, f"exit {got}, expected {code}\n{msg}"
    for w in words:
        assert w in msg, f"{w!r} not in the message:\n{msg}"
    assert len(msg.strip().splitlines()) <= 25, msg
    assert "Traceback" not in msg, msg
    if row_based:
        assert "row " in msg and "e.g." in msg, f"no example rows:\n{msg}"
    assert tree_hash(out) == before, "the output folder changed"
    assert not list(tmp_path.glob(".out.*")), "a staging folder was left behind"
    return msg


# ---------------------------------------------------------------------------
# Extracts that are valid but cannot answer the questions
# ---------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # truth.json of a world without post months
def test_no_post_period_data(tmp_path):
    data = tmp_path / "data"
    write_extract(World(n_posts=3_000, seed=12, start="2021-01-01", end="2022-10-31"), data, fmt="csv")
    msg = _assert_refused(["--data", str(data)], tmp_path, 2, ["end", "2022-10", "0 month(s) of data from"], subprocess_run=False)
    assert "need at least 6" in msg


def test_too_short_pre_period(tmp_path):
    data = tmp_path / "data"
    write_extract(World(n_posts=3_000, seed=13, start="2022-06-01", end="2024-06-30"), data, fmt="csv")
    _assert_refused(["--data", str(data), "--set", "start=2022-06-01"], tmp_path, 2,
                    ["treatment_date", "only 6 month(s) of data before", "need at least 12"], subprocess_run=False)


def test_window_outside_data_lists_every_problem(tmp_path):
    data = tmp_path / "data"
    write_extract(World(n_posts=3_000, seed=14, start="2022-01-01", end="2023-12-31"), data, fmt="csv")
    msg = _assert_refused(["--data", str(data)], tmp_path, 2, ["start", "end", "2022-01", "2023-12"], subprocess_run=False)
    assert "2 problems" in msg or "3 problems" in msg


def _without_contracts(posts: pd.DataFrame, contracts: pd.DataFrame, category: str, side: str) -> pd.DataFrame:
    """``contracts`` without the contracts of ``category`` started before (``"pre"``) or from (``"post"``) the
    first post month (December 2022); the category keeps its job posts."""
    cat = contracts["job_id"].map(posts.set_index("job_id")["category"])
    post = pd.to_datetime(contracts["started_on"]) >= pd.Timestamp("2022-12-01")
    return contracts[~((cat == category) & (post if side == "post" else ~post))]


#: Issue 12: categories with job posts on both sides but contracts on one side only. Before, the parameter
#: check let them through and chapter 3 stopped inside pyfixest ("All variables are collinear"), for a focus
#: category and for a control alike. case -> (category, side dropped, --set values, the whole problem line)
CONTRACT_SIDE_CASES = {
    "focus category without pre-release contracts": (
        "Writing", "pre", [],
        "focus_categories: 'Writing' has contracts within 2021-01-01 to 2024-06-30 but none before 2022-11-30: its "
        "earnings per contract and contract tiers cannot be compared before and after; choose another focus "
        "category or another window"),
    "focus category without post-release contracts": (
        "Translation", "post", [],
        "focus_categories: 'Translation' has contracts within 2021-01-01 to 2024-06-30 but none from 2022-11-30: "
        "its earnings per contract and contract tiers cannot be compared before and after; choose another focus "
        "category or another window"),
    "implied control without pre-release contracts": (
        "Legal", "pre", [],
        "control_categories: control category with job posts but no contracts on one side of 2022-11-30 within "
        "2021-01-01 to 2024-06-30: 'Legal' (none before 2022-11-30); their earnings per contract cannot be "
        "compared before and after; control_categories is empty, so every category not in focus is a control: "
        "list the controls in control_categories without them"),
    "given control without post-release contracts": (
        "Legal", "post", ["control_categories=[Legal, Admin Support, Customer Service]"],
        "control_categories: control category with job posts but no contracts on one side of 2022-11-30 within "
        "2021-01-01 to 2024-06-30: 'Legal' (none from 2022-11-30); their earnings per contract cannot be "
        "compared before and after; give control_categories without them"),
}


@pytest.mark.parametrize("case", sorted(CONTRACT_SIDE_CASES))
def test_contracts_on_one_side_of_the_release_are_refused_naming_them(case, base, tmp_path):
    category, side, sets, line = CONTRACT_SIDE_CASES[case]
    posts, contracts = base
    data = _csv(tmp_path / "data", posts, _without_contracts(posts, contracts, category, side))
    args = ["--data", str(data)] + [a for v in sets for a in ("--set", v)]
    msg = _assert_refused(args, tmp_path, 2, [line], subprocess_run=False)  # 2: a parameter problem (README)
    assert "1 problem with the parameters" in msg, msg


# ---------------------------------------------------------------------------
# Parameter files
# ---------------------------------------------------------------------------

PARAM_CASES = {
    "unknown key": ("sead: 7\n", ["sead", "did you mean 'seed'"]),
    "wrong type threshold": ("value_threshold_usd: lots\n", ["value_threshold_usd", "not a number"]),
    "threshold not positive": ("value_threshold_usd: 0\n", ["value_threshold_usd", "> 0"]),
    "seed not int": ("seed: 1.5\n", ["seed", "integer"]),
    "max_freelancers negative": ("max_freelancers: -5\n", ["max_freelancers", "at least 100"]),
    "max_freelancers text": ("max_freelancers: all\n", ["max_freelancers", "0 (every freelancer)"]),
    "bad date string": ("treatment_date: 2022-13-45\n", ["treatment_date", "2022-13-45", "YYYY-MM-DD"]),
    "start after end": ("start: '2024-01-01'\nend: '2023-01-01'\n", ["start", "must be before end"]),
    "unknown focus category": ("focus_categories: [Writing, Astrology]\n",
                               ["focus_categories", "Astrology", "valid categories", "Data Science & Analytics"]),
    "empty control group": (None, ["control group is empty"]),
    "focus and controls overlap": ("focus_categories: [Writing]\ncontrol_categories: [Writing, Legal]\n",
                                   ["control_categories", "also focus"]),
    "focus not a list": ("focus_categories: Writing\n", ["focus_categories", "not a list"]),
    "not a mapping": ("- seed: 1\n", ["mapping"]),
    "not YAML": ("seed: [1, 2\n", ["not a readable YAML file"]),
    "several problems at once": ("sead: 1\nvalue_threshold_usd: -3\nfocus_categories: [Nope]\n",
                                 ["3 problems", "sead", "value_threshold_usd", "Nope"]),
}


@pytest.fixture(scope="module")
def bundled_cache(tmp_path_factory):
    """One run cache for the parameter cases: the bundled extract is validated once, not per case."""
    return tmp_path_factory.mktemp("bundled_cache")


@pytest.mark.parametrize("case", sorted(PARAM_CASES))
def test_bad_parameters_are_refused(case, tmp_path, bundled_cache):
    text, words = PARAM_CASES[case]
    if text is None:  # every category of the bundled extract in focus
        cats = validate(PROJECT_ROOT / "data" / "synthetic")[0].categories
        text = "focus_categories:\n" + "".join(f"  - {c!r}\n" for c in cats)
    pfile = tmp_path / "params.yaml"
    pfile.write_text(text)
    msg = _assert_refused(["--params", str(pfile)], tmp_path, 2, words, subprocess_run=case in SUBPROCESS_CASES,
                          cache=bundled_cache)
    if case not in ("not a mapping", "not YAML"):
        assert "problem" in msg and "params.yaml" in msg


def test_bad_set_option_and_missing_folder(tmp_path):
    _assert_refused(["--set", "value_threshold_usd=abc", "--set", "start=2021-02-30"], tmp_path, 2,
                    ["value_threshold_usd", "start", "2021-02-30"])
    shutil.rmtree(tmp_path / "out")
    _assert_refused(["--data", str(tmp_path / "nowhere")], tmp_path, 1, ["nowhere", "does not exist"])


def test_bad_sweep_file_is_refused_before_running(tmp_path):
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text("- {value_threshold_usd: 500}\n- {treatment_date: 2023-02-30}\n")
    _assert_refused(["--sweep", str(sweep)], tmp_path, 2, ["sweep set 2", "treatment_date", "2023-02-30"], subprocess_run=False)


# ---------------------------------------------------------------------------
# Accepted by design
# ---------------------------------------------------------------------------


def test_utf8_bom_csv_is_accepted(base, tmp_path):
    posts, contracts = base
    posts.to_csv(tmp_path / "job_posts.csv", index=False, encoding="utf-8-sig")
    contracts.to_csv(tmp_path / "contracts.csv", index=False, encoding="utf-8-sig")
    assert (tmp_path / "job_posts.csv").read_bytes()[:3] == b"\xef\xbb\xbf"
    summary, problems = validate(tmp_path)
    assert problems == [], [str(p) for p in problems]
    assert summary.n_posts == len(posts) and summary.n_contracts == len(contracts)


def test_category_names_with_html_and_quotes_are_valid(tmp_path):
    names = ['<script>alert("x")</script>', "O'Brien & \"Sons\"", "Plain", "Fourth"]
    write_extract(World(n_posts=2_000, seed=15, categories=categories_from_names(names)), tmp_path, fmt="csv")
    summary, problems = validate(tmp_path)
    assert problems == [], [str(p) for p in problems]
    assert summary.categories == sorted(names)


# ---------------------------------------------------------------------------
# Issue 13, item 2: one reader for validation and the panels
# ---------------------------------------------------------------------------
#
# A CSV file that DuckDB's type sniffing (first ~20,000 rows) gets wrong, and
# the same extract as typed Parquet: both must give the same panels and the
# same estimates, and validation must see what the panels see.


def _text_number(x) -> str:
    """``12`` for a whole number (as R or a spreadsheet writes it), else the shortest repr."""
    if pd.isna(x):
        return ""
    return f"{int(x)}" if float(x).is_integer() else repr(float(x))


@pytest.fixture(scope="module")
def csv_and_parquet_twins(tmp_path_factory):
    from analysis.data.simulate import simulate

    posts, contracts = simulate(World(n_posts=60_000, seed=21))
    assert len(contracts) > 21_000, "needs more contract rows than DuckDB's sniffing sample"
    early = pd.Series(range(len(contracts))) < 21_000
    contracts.loc[early, "hours"] = contracts.loc[early, "hours"].round(0)         # whole hours first,
    contracts.loc[early, "earnings_usd"] = contracts.loc[early, "earnings_usd"].round(0)  # whole dollars first
    # Ids: integers as text, one '2.0' among them, and a text id in the last row.
    ids = {j: str(i) for i, j in enumerate(posts["job_id"], start=10)}
    ids[posts["job_id"].iloc[3]] = "2.0"
    ids[posts["job_id"].iloc[-1]] = "J-late"
    posts["job_id"] = posts["job_id"].map(ids)
    contracts["job_id"] = contracts["job_id"].map(ids)
    assert (contracts["job_id"] == "2.0").any() or (posts["job_id"] == "2.0").any()
    posts["posted_on"] = posts["posted_on"].dt.date
    contracts["started_on"] = contracts["started_on"].dt.date

    pq_dir = tmp_path_factory.mktemp("typed_parquet")
    posts.to_parquet(pq_dir / "job_posts.parquet", index=False)
    contracts.to_parquet(pq_dir / "contracts.parquet", index=False)

    csv_dir = tmp_path_factory.mktemp("text_csv")
    ct = contracts.copy()
    for col in ("earnings_usd", "hours", "feedback"):
        ct[col] = ct[col].map(_text_number)
    # Some start dates as instants with a zone: 23:30 at UTC-5 the day before is that date in UTC.
    zoned = ct.index % 7 == 0
    ct["started_on"] = ct["started_on"].astype(str)
    ct.loc[zoned, "started_on"] = [
        f"{(pd.Timestamp(d) - pd.Timedelta(days=1)).date()}T23:30:00-05:00" for d in ct.loc[zoned, "started_on"]]
    posts.to_csv(csv_dir / "job_posts.csv", index=False)
    ct.to_csv(csv_dir / "contracts.csv", index=False)
    return csv_dir, pq_dir, posts, contracts


def test_csv_and_typed_parquet_give_identical_panels(csv_and_parquet_twins):
    from analysis.data.panels import build_panels

    csv_dir, pq_dir, posts, contracts = csv_and_parquet_twins
    s_csv, p_csv = validate(csv_dir)
    s_pq, p_pq = validate(pq_dir)
    assert p_csv == [] and p_pq == [], [str(p) for p in p_csv + p_pq]
    for field in ("n_posts", "n_contracts", "first_date", "last_date", "categories", "earnings_months"):
        assert getattr(s_csv, field) == getattr(s_pq, field), field
    a = build_panels(csv_dir, 1000.0, "2021-01-01", "2024-06-30")
    b = build_panels(pq_dir, 1000.0, "2021-01-01", "2024-06-30")
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], check_exact=True, obj=name)
    cm = a["category_month"]
    assert cm["contracts"].sum() == len(contracts), "contracts were lost in the join"
    hourly = contracts["hours"].notna()
    assert cm["hours"].sum() == pytest.approx(contracts.loc[hourly, "hours"].sum(), rel=1e-12)
    assert cm["earnings"].sum() == pytest.approx(contracts["earnings_usd"].sum(), rel=1e-12)


def test_csv_and_typed_parquet_give_identical_estimates(csv_and_parquet_twins):
    from analysis.estimation import category_effects, platform_counterfactual
    from analysis.data.panels import build_panels

    csv_dir, pq_dir, _, _ = csv_and_parquet_twins
    ests = []
    for d in (csv_dir, pq_dir):
        panels = build_panels(d, 1000.0, "2021-01-01", "2024-06-30", panels=("category_month", "category_tier_month"))
        es = category_effects(panels, ["Writing"], inference="crv1")
        es.append(platform_counterfactual(panels["category_month"], "earnings_per_contract", n_sims=200)[1])
        ests.append([(e.id, e.estimate_pct, e.ci_low_pct, e.ci_high_pct, e.n_obs) for e in es])
    assert ests[0] == ests[1]


def test_zoned_parquet_timestamps_are_dated_in_utc_on_any_machine(tmp_path):
    """Validation and the panels date a zoned timestamp by its UTC date, whatever the machine's zone."""
    from analysis.data.simulate import simulate

    posts, contracts = simulate(World(n_posts=3_000, seed=22))
    # 23:30 UTC on the last day of a month: already the next month east of UTC.
    posts["posted_on"] = (posts["posted_on"] + pd.Timedelta(hours=23, minutes=30)).dt.tz_localize("UTC")
    contracts["started_on"] = contracts["started_on"] + pd.Timedelta(days=1)
    contracts["ended_on"] = pd.to_datetime(contracts["ended_on"]) + pd.Timedelta(days=1)  # (written by the generator)
    posts.to_parquet(tmp_path / "job_posts.parquet", index=False)
    contracts.to_parquet(tmp_path / "contracts.parquet", index=False)
    code = ("import sys, json; from analysis.data.contract import validate; from analysis.data.panels import build_panels;"
            "s, v = validate(sys.argv[1]); cm = build_panels(sys.argv[1], panels=('category_month',))"
            "['category_month'];"
            "print(json.dumps([s.first_date, s.last_date, [str(x) for x in v], int(cm.job_posts.sum()),"
            " str(cm.month.min().date())]))")
    outs = set()
    for tz in ("Pacific/Kiritimati", "America/Los_Angeles"):  # UTC+14 and UTC-8
        r = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True,
                           env={**os.environ, "TZ": tz}, cwd=PROJECT_ROOT, timeout=300)
        assert r.returncode == 0, r.stderr
        outs.add(r.stdout.strip())
    assert len(outs) == 1, outs
    first, last, problems, n, month0 = __import__("json").loads(outs.pop())
    assert problems == [] and n == len(posts)
    assert first == str(posts["posted_on"].min().date()) and month0 == first[:8] + "01"


# ---------------------------------------------------------------------------
# Issue 13, items 5, 6 and 8: validation in-process (fast: no subprocess)
# ---------------------------------------------------------------------------


def _parquet_posts(folder: Path, posts: pd.DataFrame, contracts: pd.DataFrame, **columns) -> None:
    """``job_posts.parquet`` with typed columns (overridden by ``columns``), ``contracts.csv`` as text."""
    p = posts.assign(posted_on=pd.to_datetime(posts["posted_on"]).dt.date, ai_related=posts["ai_related"] == "True")
    p.assign(**{k: v(p) for k, v in columns.items()}).to_parquet(folder / "job_posts.parquet", index=False)
    contracts.to_csv(folder / "contracts.csv", index=False)


def _table_is_a_folder(folder: Path, posts, contracts):
    posts.to_csv(folder / "job_posts.csv", index=False)
    (folder / "contracts.csv").mkdir()
    contracts.to_csv(folder / "contracts.csv" / "part-0.csv", index=False)


def _nine_nines(p):
    import datetime

    d = p["posted_on"].copy()
    d.iloc[2] = datetime.date(9999, 12, 31)
    return d


#: case -> (make(folder, posts, contracts), words that must appear in one violation)
INPROCESS_CASES = {
    # item 5: names that differ only by case or surrounding space
    "category case variants": (
        lambda f, p, c: _csv(f, _set(_set(p, 3, "category", "writing"), 5, "category", "Writing "), c),
        ["job_posts.csv", "'category'", "differ only by case or surrounding spaces", "'Writing'", "'writing'",
         "'Writing '", "row 4", "row 6"]),
    # item 8: lenient date readings refused
    "epoch as a date": (lambda f, p, c: _csv(f, _set(p, 3, "posted_on", "epoch"), c),
                        ["job_posts.csv", "posted_on", "wrong type", "'epoch'", "row 4"]),
    "infinity as a date": (lambda f, p, c: _csv(f, p, _set(c, 3, "started_on", "infinity")),
                           ["contracts.csv", "started_on", "wrong type", "'infinity'"]),
    "placeholder date 9999-12-31": (lambda f, p, c: _csv(f, _set(p, 3, "posted_on", "9999-12-31"), c),
                                    ["job_posts.csv", "posted_on", "from 1990-01-01 to 2099-12-31", "row 4"]),
    "placeholder date in Parquet": (lambda f, p, c: _parquet_posts(f, p, c, posted_on=_nine_nines),
                                    ["job_posts.parquet", "posted_on", "2099-12-31", "9999-12-31", "row 3"]),
    "struct category in Parquet": (
        lambda f, p, c: _parquet_posts(f, p, c, category=lambda d: [{"name": x} for x in d["category"]]),
        ["job_posts.parquet", "category", "stored as struct", "must be text"]),
    "list category in Parquet": (
        lambda f, p, c: _parquet_posts(f, p, c, category=lambda d: [[x] for x in d["category"]]),
        ["job_posts.parquet", "category", "stored as array", "must be text"]),
    "float job ids in Parquet": (
        lambda f, p, c: _parquet_posts(f, p, c, job_id=lambda d: pd.Series(range(len(d)), dtype="float64")),
        ["job_posts.parquet", "job_id", "stored as float64", "2.0"]),
    "table file is a folder": (_table_is_a_folder, ["contracts.csv is a folder, not a file"]),
    # issue 12: the optional columns, checked like the rest when present
    "negative budget": (lambda f, p, c: _csv(f, _set(p, 3, "budget_usd", "-5"), c),
                        ["job_posts.csv", "'budget_usd'", "finite number > 0", "row 4", "budget_usd=-5.0"]),
    "zero budget": (lambda f, p, c: _csv(f, _set(p, 6, "budget_usd", "0"), c),
                    ["job_posts.csv", "'budget_usd'", "finite number > 0", "row 7"]),
    "missing budget in one row": (lambda f, p, c: _csv(f, _set(p, 2, "budget_usd", ""), c),
                                  ["job_posts.csv", "'budget_usd'", "in every row", "row 3"]),
    "budget as text": (lambda f, p, c: _csv(f, _set(p, 2, "budget_usd", "USD 500"), c),
                       ["job_posts.csv", "'budget_usd'", "wrong type", "'USD 500'", "row 3"]),
    "infinite budget": (lambda f, p, c: _csv(f, _set(p, 2, "budget_usd", "inf"), c),
                        ["job_posts.csv", "'budget_usd'", "finite number > 0", "row 3"]),
    "ended before it started": (
        lambda f, p, c: _csv(f, p, c.assign(ended_on=c["started_on"]).pipe(_set, 4, "ended_on", "2000-01-01")),
        ["contracts.csv", "'ended_on'", "not be before the contract's started_on", "row 5", "ended_on=2000-01-01"]),
    "ended_on not a date": (
        lambda f, p, c: _csv(f, p, c.assign(ended_on="").pipe(_set, 4, "ended_on", "31/01/2023")),
        ["contracts.csv", "'ended_on'", "wrong type", "'31/01/2023'", "row 5"]),
}


@pytest.mark.parametrize("case", sorted(INPROCESS_CASES))
def test_broken_extract_is_refused_in_process(case, base, tmp_path):
    make, words = INPROCESS_CASES[case]
    make(tmp_path, *base)
    summary, problems = validate(tmp_path)
    assert summary is None and problems, f"{case}: accepted"
    text = [str(p) for p in problems]
    assert any(all(w in t for w in words) for t in text), f"{case}: no violation says {words}:\n" + "\n".join(text)
    assert len(text) <= 3, f"{case}: noise besides the problem:\n" + "\n".join(text)


def test_optional_columns_are_optional_and_valid_when_well_formed(base, tmp_path):
    """Issue 12: an extract without budget_usd and ended_on validates; with a null ended_on too."""
    posts, contracts = base
    assert "budget_usd" in posts  # the generator writes it
    summary, problems = validate(_csv(tmp_path / "without", posts.drop(columns="budget_usd"), contracts))
    assert problems == [] and summary.budget_months == {}
    ended = contracts.assign(ended_on=contracts["started_on"]).pipe(_set, 1, "ended_on", "")
    summary, problems = validate(_csv(tmp_path / "with", posts, ended))
    assert problems == [] and summary.budget_months


def test_late_contract_does_not_stretch_the_window(base, tmp_path):
    """Item 6: one contract dated 2031 must not let the window run past the job posts."""
    from analysis.core.params import check_against_data, check_schema

    posts, contracts = base
    _csv(tmp_path, posts, _set(_set(contracts, 3, "started_on", "2031-06-15"), 3, "ended_on", ""))  # still running
    summary, problems = validate(tmp_path)
    assert problems == [], [str(p) for p in problems]
    assert summary.last_date == max(posts["posted_on"]) and summary.contracts_last_date == "2031-06-15"
    assert summary.contracts_outside == 1
    assert "note: 1 contract starts after the job posts' last month" in str(summary) and "row 4" in str(summary)
    params, schema = check_schema({"end": "2031-06-30", "focus_categories": ["Writing"]})
    assert schema == []
    found = check_against_data(params, summary)
    assert [p.key for p in found] == ["end"], [str(p) for p in found]
    assert "job posts' last month" in found[0].message and "2024-06-30 or earlier" in found[0].message


def test_validate_cli_reports_contracts_outside_the_posts(base, tmp_path, capsys):
    from analysis.cli import main

    posts, contracts = base
    _csv(tmp_path, posts, _set(_set(contracts, 3, "started_on", "2031-06-15"), 3, "ended_on", ""))  # still running
    assert main(["validate", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "valid extract" in out and "job posts from" in out and "2031-06-15" in out and "note: 1 contract" in out


# ---------------------------------------------------------------------------
# Issue 13, item 5: estimate ids are distinct for any names
# ---------------------------------------------------------------------------

BUNDLED_SLUGS = {
    "Accounting & Consulting": "accounting-consulting", "Admin Support": "admin-support",
    "Customer Service": "customer-service", "Data Science & Analytics": "data-science-analytics",
    "Design & Creative": "design-creative", "Engineering & Architecture": "engineering-architecture",
    "IT & Networking": "it-networking", "Legal": "legal", "Sales & Marketing": "sales-marketing",
    "Translation": "translation", "Web, Mobile & Software Dev": "web-mobile-software-dev", "Writing": "writing",
}


def test_slugs_of_names_with_ascii_letters_are_unchanged():
    from analysis.core.text import slugify
    from analysis.core.text import use_categories

    cats = validate(PROJECT_ROOT / "data" / "synthetic")[0].categories
    assert sorted(cats) == sorted(BUNDLED_SLUGS)
    use_categories(cats)
    try:
        assert {c: slugify(c) for c in cats} == BUNDLED_SLUGS
    finally:
        use_categories([])


def test_slugs_are_distinct_and_stable_for_any_names():
    from analysis.core.text import slugify
    from analysis.core.text import use_categories

    names = ["ترجمة", "كتابة", "כתיבה", "תרגום", "写作", "翻译", "C++", "C#", "Writing"]
    alone = [slugify(n) for n in names[:6]]
    assert len(set(alone)) == 6 and all(s.startswith("category-") and len(s) == 17 for s in alone)
    assert slugify("写作") == "category-030fdb9a"  # a hash of the name: the same on every machine and run
    use_categories(names)
    try:
        ids = [slugify(n) for n in names]
        assert len(set(ids)) == len(names), ids
        assert ids[:6] == alone and slugify("Writing") == "writing"
        assert slugify("C++").startswith("c-") and slugify("C#").startswith("c-")
    finally:
        use_categories([])


@pytest.mark.filterwarnings("ignore::RuntimeWarning", "ignore:.*singleton fixed effect:UserWarning")
def test_non_latin_extract_gets_one_id_per_category(tmp_path):
    """An all-Arabic, Hebrew and Chinese extract (and two names with the same plain slug)."""
    from analysis.core.text import slugify
    from analysis.estimation import category_effects
    from analysis.data.panels import build_panels

    names = ["ترجمة", "כתיבה", "写作", "C++", "C#", "翻译"]
    write_extract(World(n_posts=4_000, seed=16, categories=categories_from_names(names)), tmp_path, fmt="csv")
    assert validate(tmp_path)[1] == []
    panels = build_panels(tmp_path, 1000.0, "2021-01-01", "2024-06-30",
                          panels=("category_month", "category_tier_month"))
    focus = names[:4]
    ids = [e.id for e in category_effects(panels, focus, inference="crv1")]
    assert len(ids) == len(set(ids)) == 5 * len(focus), ids
    assert {i.split(".")[1] for i in ids} == {slugify(n) for n in focus}
    assert slugify("C++") != slugify("C#")


# ---------------------------------------------------------------------------
# Issue 13, item 7: accepted inputs that crashed later; YAML limits (and item 8's duplicate keys)
# ---------------------------------------------------------------------------
#
# In-process ``python -m analysis run`` (analysis.cli.main): every case stops
# at the checks, before any chapter runs. One cache for the module, so the
# bundled extract is validated once.


@pytest.fixture(scope="module")
def run_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("run_cache")


def run_inprocess(capsys, *args, out: Path, cache: Path) -> tuple[int, str]:
    from analysis.cli import main

    code = main(["run", *args, "--out", str(out), "--cache-dir", str(cache)])
    err = capsys.readouterr().err
    assert "Traceback" not in err, err
    return code, err


BOMB = ('a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        + "".join(f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi")))

#: case -> (--params text or None, --set values, exit code, words in the message)
RUN_PARAM_CASES = {
    "threshold no contract of a focus category reaches": (None, ["value_threshold_usd=25000"], 2,
                                                          ["value_threshold_usd", "25,000.00", "'Translation'",
                                                           "reaches it", "valid: above"]),
    "threshold below every contract": (None, ["value_threshold_usd=1"], 2, ["value_threshold_usd", "is below it"]),
    "focus categories a list of lists": (None, ["focus_categories=[[Writing]]"], 2,
                                         ["focus_categories", "not a list of category names"]),
    "threshold an integer beyond any float": (None, ["value_threshold_usd=" + "9" * 400], 2,
                                              ["value_threshold_usd", "finite number"]),
    "data_dir a list": ("data_dir: [a, b]\n", [], 2, ["data_dir", "not a folder path"]),
    "YAML alias bomb": (BOMB, [], 2, ["not a readable YAML file", "aliases are expanded", "alias bomb"]),
    "YAML alias to itself": ("focus_categories: &a [*a]\n", [], 2, ["alias refers to itself"]),
    "YAML nested too deep": ("focus_categories: " + "[" * 60 + "]" * 60 + "\n", [], 2, ["levels deep"]),
    "YAML too large": ("seed: 1\n" + "#" * (300 * 1024) + "\n", [], 2, ["bytes, more than"]),
    "YAML duplicate key": ("seed: 1\nvalue_threshold_usd: 500\nseed: 2\n", [], 2,
                           ["duplicate key 'seed'", "lines 1 and 3"]),
}


@pytest.mark.parametrize("case", sorted(RUN_PARAM_CASES))
def test_bad_parameters_refused_in_process(case, capsys, tmp_path, run_cache):
    text, sets, code, words = RUN_PARAM_CASES[case]
    args = [a for s in sets for a in ("--set", s)]
    if text is not None:
        (tmp_path / "params.yaml").write_text(text)
        args += ["--params", str(tmp_path / "params.yaml")]
    out = sentinel_out(tmp_path)
    before = tree_hash(out)
    got, err = run_inprocess(capsys, *args, out=out, cache=run_cache)
    assert got == code, f"exit {got}, expected {code}:\n{err}"
    for w in words:
        assert w in err, f"{w!r} not in:\n{err}"
    assert len(err.strip().splitlines()) <= 25, err
    assert tree_hash(out) == before


def test_alias_bomb_is_refused_without_expanding(tmp_path):
    import tracemalloc

    from analysis.core.params import ParamsFileError, read_params_file

    (tmp_path / "p.yaml").write_text(BOMB)
    assert len(BOMB) < 600
    tracemalloc.start()
    try:
        with pytest.raises(ParamsFileError, match="alias bomb"):
            read_params_file(tmp_path / "p.yaml")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 2**20, f"{peak / 2**20:.0f} MiB to refuse a {len(BOMB)}-byte file"


def test_exponent_numbers_are_numbers():
    from analysis.core.params import check_schema, parse_sets

    sets, problems = parse_sets(["value_threshold_usd=1e3", "seed=7"])
    assert problems == [] and sets == {"value_threshold_usd": 1000.0, "seed": 7}
    full, problems = check_schema(sets)
    assert problems == [] and full["value_threshold_usd"] == 1000.0
    assert parse_sets(["value_threshold_usd=2.5E+2"])[0]["value_threshold_usd"] == 250.0
    assert parse_sets(["focus_categories=[1e3x, Writing]"])[0]["focus_categories"] == ["1e3x", "Writing"]


@pytest.fixture(scope="module")
def bundled_summary():
    return validate(PROJECT_ROOT / "data" / "synthetic")[0]


ODD_VALUES = [None, True, 0, -1, 10**400, 1e308 * 10, float("nan"), "", "  ", "x" * 10_000, [], [[]], [["Writing"]],
              [None], [1, 2], {"a": 1}, [{"a": [1]}], "2021-02-30", "2021-01-01T00:00:00"]


@pytest.mark.parametrize("key", ["start", "end", "treatment_date", "value_threshold_usd", "focus_categories",
                                 "control_categories", "seed", "max_freelancers", "data_dir", "output_dir"])
def test_any_value_of_any_parameter_is_checked_not_crashed(key, bundled_summary):
    """check_schema and check_against_data answer with problems for every odd value: never an exception."""
    from analysis.core.params import check_against_data, check_schema

    summary = bundled_summary
    for value in ODD_VALUES:
        full, problems = check_schema({key: value})
        found = check_against_data(full, summary, skip={p.key for p in problems})
        assert all(len(str(p)) < 600 for p in problems + found), [str(p)[:200] for p in problems + found]


# ---------------------------------------------------------------------------
# Issue 13, items 4 and 7: --out, the cache, locks and exit codes
# ---------------------------------------------------------------------------


def test_out_that_is_a_file_is_refused_untouched(capsys, tmp_path, run_cache):
    out = tmp_path / "thesis.docx"
    out.write_bytes(b"my thesis\n")
    code, err = run_inprocess(capsys, out=out, cache=run_cache)
    assert code == 2 and "is a file, not a folder" in err and str(out) in err, err
    assert out.read_bytes() == b"my thesis\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["thesis.docx"], "something was renamed or left"


@pytest.mark.parametrize("own", ["results/thesis_tables.csv", "figures/fig1.png", "html/index.html"])
def test_out_holding_the_users_own_products_is_refused(own, capsys, tmp_path, run_cache):
    """``--out ~`` with ``~/results/thesis_tables.csv``: nothing is replaced, nothing is touched."""
    home = tmp_path / "home"
    (home / own).parent.mkdir(parents=True)
    (home / own).write_text("mine\n")
    (home / "notes.txt").write_text("also mine\n")
    before = tree_hash(home)
    code, err = run_inprocess(capsys, out=home, cache=run_cache)
    assert code == 2 and own.split("/")[0] in err and "no run made" in err, err
    assert tree_hash(home) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home"]


def _built(stage: Path, tag: str) -> Path:
    """A fake build: the products a run makes."""
    (stage / "html").mkdir(parents=True)
    (stage / "html" / "index.html").write_text(f"<html>{tag}</html>\n")
    (stage / "results").mkdir()
    (stage / "results" / "estimates.csv").write_text(f"id,estimate_pct\n{tag},1.0\n")
    (stage / "manifest.json").write_text(json.dumps({"key": tag}) + "\n")
    return stage


def test_swap_in_replaces_only_what_a_run_made(tmp_path):
    from analysis.build.run import OUT_MARK, check_out, swap_in

    out = tmp_path / "out"
    assert check_out(out) == "new"
    swap_in(_built(tmp_path / ".out.tmp-1", "one"), out)
    assert json.loads((out / OUT_MARK).read_text())["created"] is True
    (out / "keep").mkdir()
    (out / "keep" / "mine.txt").write_text("mine\n")
    assert check_out(out) == "replace"
    swap_in(_built(tmp_path / ".out.tmp-2", "two"), out)
    assert (out / "html" / "index.html").read_text() == "<html>two</html>\n"
    assert (out / "keep" / "mine.txt").read_text() == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_products_go_inside_a_users_folder_without_replacing_it(tmp_path):
    """An existing folder no run made (and with none of the product names) keeps its identity and contents."""
    from analysis.build.run import OUT_MARK, check_out, swap_in

    home = tmp_path / "home"
    (home / "thesis").mkdir(parents=True)
    (home / "thesis" / "ch1.tex").write_text("mine\n")
    ino = home.stat().st_ino
    assert check_out(home) == "inside"
    swap_in(_built(tmp_path / ".home.tmp-1", "one"), home)
    assert home.stat().st_ino == ino, "the user's folder itself was replaced"
    assert json.loads((home / OUT_MARK).read_text())["created"] is False
    assert check_out(home) == "inside"
    swap_in(_built(tmp_path / ".home.tmp-2", "two"), home)
    assert home.stat().st_ino == ino
    assert (home / "results" / "estimates.csv").read_text() == "id,estimate_pct\ntwo,1.0\n"
    assert (home / "thesis" / "ch1.tex").read_text() == "mine\n"
    assert sorted(p.name for p in home.iterdir()) == sorted([OUT_MARK, "html", "manifest.json", "results", "thesis"])


def test_kill_while_products_move_inside_is_undone(tmp_path):
    from analysis.build.run import check_out, recover, swap_in

    home = tmp_path / "home"
    home.mkdir()
    (home / "thesis.tex").write_text("mine\n")
    swap_in(_built(tmp_path / ".home.tmp-1", "one"), home)
    before = tree_hash(home)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    # A run killed after the old products left and the new html came in, before the new manifest.
    trash = home / f".analysis-old-{dead}"
    trash.mkdir()
    for name in ("manifest.json", "html", "results", ".analysis-run"):
        os.rename(home / name, trash / name)
    (trash / ".moving-in").touch()
    (home / "html").mkdir()
    (home / "html" / "index.html").write_text("<html>half</html>\n")
    recover(home)  # run() calls it first thing
    assert tree_hash(home) == before
    assert check_out(home) == "inside"


def test_two_runs_into_one_out_exclude_each_other_whatever_their_caches(capsys, tmp_path, run_cache):
    from analysis.build.run import locked, out_lock

    out = sentinel_out(tmp_path)
    before = tree_hash(out)
    with locked(out_lock(out), wait=False):  # another run, with its own cache, is writing out
        env = {"ANALYSIS_RUN_FAIL": _first_chapter()}  # had it not been refused, fail fast (exit 3)
        old = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            code, err = run_inprocess(capsys, out=out, cache=tmp_path / "other-cache")
        finally:
            for k, v in old.items():
                os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
    assert code == 4 and "another run is writing" in err and str(out) in err, err
    assert tree_hash(out) == before


def _first_chapter() -> str:
    from analysis.build.run import chapter_sources, ordered

    return ordered(chapter_sources())[0].stem


def test_unwritable_cache_is_refused_naming_it(capsys, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    code, err = run_inprocess(capsys, out=tmp_path / "out", cache=blocker / "cache")
    assert code == 4 and "cache folder" in err and str(blocker / "cache") in err, err
    assert not (tmp_path / "out").exists()


def test_full_disk_is_an_environment_error_not_bad_data(capsys, tmp_path, run_cache, monkeypatch):
    import errno

    import analysis.build.run

    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device", str(run_cache / "validated" / "x.json"))

    monkeypatch.setattr(analysis.build.run, "validate_cached", full)
    code, err = run_inprocess(capsys, out=tmp_path / "out", cache=run_cache)
    assert code == 4 and "No space left on device" in err and str(run_cache / "validated") in err, err


def test_unexpected_error_is_internal_not_bad_data(capsys, tmp_path, run_cache, monkeypatch):
    from analysis.cli import main

    import analysis.build.run

    def bug(*a, **k):
        raise TypeError("a bug")

    monkeypatch.setattr(analysis.build.run, "check_inputs", bug)
    code = main(["run", "--out", str(tmp_path / "out"), "--cache-dir", str(run_cache)])
    err = capsys.readouterr().err
    assert code == 5 and "internal error" in err and "TypeError: a bug" in err, err

"""The data contract: what a platform extract must look like, and its checks.

A platform extract is a folder with two tables, each as Parquet or CSV
(``job_posts.parquet`` or ``job_posts.csv``; ``contracts.parquet`` or
``contracts.csv``). :data:`CONTRACT` lists their columns, types and rules;
``data/README.md`` documents the same for readers.

The checks run as DuckDB queries over the files, so a folder of tens of
millions of rows is checked without loading it into pandas. Every violation is
collected (not only the first) and reported with the file, column, rule,
number of rows and a few example rows, numbered from 1 as data rows (for a CSV
file, row 1 is the line after the header).

Decisions
---------
* Types are judged by value, not by storage: a date stored as text
  ``2023-01-31`` or a number stored as text is accepted; text that cannot be
  read as the type is a violation.
* Extra columns are allowed and ignored; column names are case-sensitive (a
  near miss is pointed out).
* A UTF-8 byte-order mark at the start of a CSV file is accepted (spreadsheet
  programs write one); CSV must be comma-separated UTF-8 with a header.
* Both ``X.parquet`` and ``X.csv`` in one folder is an error (ambiguous).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

TABLES = ("job_posts", "contracts")
LEVELS = ("entry", "intermediate", "expert")
CONTRACT_TYPES = ("hourly", "fixed")

#: Largest earnings or hours value a contract may hold: the panels add amounts in
#: 128-bit fixed point with 9 decimals (``analysis.data.panels.EXACT``), so totals must stay
#: far below 10^29; no real contract comes near.
MAX_AMOUNT = 1e15

#: Column -> (DuckDB type, description) for each table.
CONTRACT: dict[str, dict[str, tuple[str, str]]] = {
    "job_posts": {
        "job_id": ("VARCHAR", "unique, not null"),
        "posted_on": ("DATE", "not null"),
        "category": ("VARCHAR", "not null; the work category"),
        "contract_type": ("VARCHAR", "`hourly` or `fixed`"),
        "experience_level": ("VARCHAR", "`entry`, `intermediate` or `expert`"),
        "ai_related": ("BOOLEAN", "not null; the post asks for generative-AI work or skills"),
    },
    "contracts": {
        "contract_id": ("VARCHAR", "unique, not null"),
        "job_id": ("VARCHAR", "exists in job_posts"),
        "freelancer_id": ("VARCHAR", "not null"),
        "started_on": ("DATE", "not null; not before the post's `posted_on`"),
        "earnings_usd": ("DOUBLE", "finite, >= 0: total paid to the freelancer"),
        "hours": ("DOUBLE", ">= 0 for hourly contracts; null for fixed"),
        "feedback": ("DOUBLE", "1 to 5, or null"),
    },
}

N_EXAMPLES = 5


@dataclass
class Violation:
    """One broken rule in one file.

    Attributes
    ----------
    file : str
        File name (or folder, for a missing table).
    column : str
        Column concerned (``"-"`` for the whole file).
    rule : str
        The rule that is broken, in words.
    n_rows : int
        Number of rows breaking it (0 when not row-based).
    examples : list of str
        A few example rows (``row 17 (job_id=J1)``).
    """

    file: str
    column: str
    rule: str
    n_rows: int = 0
    examples: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        rows = f" [{self.n_rows:,} row{'s' if self.n_rows != 1 else ''}" if self.n_rows else ""
        ex = f"; e.g. {', '.join(self.examples)}" if self.examples else ""
        end = "]" if self.n_rows else ""
        return f"{self.file}: column '{self.column}': {self.rule}{rows}{ex}{end}"


class ContractError(Exception):
    """An extract breaks the data contract; ``violations`` lists how."""

    def __init__(self, folder: str | Path, violations: list[Violation]):
        self.folder = str(folder)
        self.violations = violations
        super().__init__(format_violations(folder, violations))


def format_violations(folder: str | Path, violations: list[Violation], limit: int = 20) -> str:
    """Render violations as a one-screen message."""
    head = f"{folder}: the extract breaks the data contract ({len(violations)} problem{'s' if len(violations) != 1 else ''}):"
    lines = [head] + [f"  - {v}" for v in violations[:limit]]
    if len(violations) > limit:
        lines.append(f"  ... and {len(violations) - limit} more")
    lines.append("  See data/README.md (the data contract) for every column and rule.")
    return "\n".join(lines)


def find_table_files(folder: Path) -> tuple[dict[str, Path], list[Violation]]:
    """Locate ``job_posts`` and ``contracts`` in ``folder``."""
    found, problems = {}, []
    if not folder.is_dir():
        return found, [Violation(str(folder), "-", "folder does not exist or is not a folder")]
    for t in TABLES:
        cands = [folder / f"{t}.{ext}" for ext in ("parquet", "csv") if (folder / f"{t}.{ext}").is_file()]
        if not cands:
            others = sorted(p.name for p in folder.iterdir() if p.name.lower().startswith(t))
            hint = f" (found {', '.join(others)})" if others else ""
            problems.append(Violation(f"{folder}/{t}.parquet|csv", "-",
                                      f"missing table '{t}': expected {t}.parquet or {t}.csv{hint}"))
        elif len(cands) > 1:
            problems.append(Violation(str(folder), "-",
                                      f"both {t}.parquet and {t}.csv present: keep one"))
        else:
            found[t] = cands[0]
    return found, problems


def _csv_precheck(path: Path) -> list[Violation]:
    """Encoding and separator problems that DuckDB reports obscurely."""
    out = []
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
        dec = codecs.getincrementaldecoder("utf-8")()
        data, offset, line = head, 0, 1
        try:
            while data:
                dec.decode(data, final=False)
                offset += len(data)
                line += data.count(b"\n")
                data = fh.read(1 << 20)
            dec.decode(b"", final=True)
        except UnicodeDecodeError as e:
            bad = offset + e.start
            line += data[:e.start].count(b"\n")
            out.append(Violation(path.name, "-", f"not UTF-8 text: undecodable byte 0x{data[e.start]:02x} "
                                 f"at byte {bad:,} (line {line}); "
                                 "re-save the file as UTF-8"))
            return out
    first = head.decode("utf-8", "replace").lstrip("\ufeff").splitlines()[:1]
    if first and "," not in first[0] and (";" in first[0] or "\t" in first[0]):
        sep = ";" if ";" in first[0] else "TAB"
        out.append(Violation(path.name, "-", f"header is separated by '{sep}', not ','; "
                             "save as comma-separated CSV"))
    elif not first:
        out.append(Violation(path.name, "-", "file is empty (no header row)"))
    return out


def _open(con: duckdb.DuckDBPyConnection, table: str, path: Path) -> list[Violation]:
    """Create the raw view ``raw_<table>`` with a 1-based ``_row`` column."""
    src = str(path).replace("'", "''")
    if path.suffix == ".csv":
        pre = _csv_precheck(path)
        if pre:
            return pre
        reader = (f"read_csv('{src}', all_varchar=true, header=true, delim=',', quote='\"', "
                  "escape='\"', strict_mode=true, parallel=false)")
        sql = f"CREATE TABLE raw_{table} AS SELECT row_number() OVER () AS _row, * FROM {reader}"
    else:
        sql = (f"CREATE VIEW raw_{table} AS SELECT file_row_number + 1 AS _row, * "
               f"FROM read_parquet('{src}', file_row_number=true)")
    try:
        con.execute(sql)
        con.execute(f"SELECT count(*) FROM raw_{table}").fetchone()
    except duckdb.Error as e:
        msg = str(e).strip().splitlines()[0][:300]
        kind = "Parquet" if path.suffix == ".parquet" else "CSV"
        return [Violation(path.name, "-", f"cannot be read as {kind}: {msg}")]
    # Strip a UTF-8 BOM that ended up in the first header name.
    cols = [r[0] for r in con.execute(f"DESCRIBE raw_{table}").fetchall()]
    bom = [c for c in cols if c.startswith("\ufeff")]
    if bom:
        con.execute(f"ALTER TABLE raw_{table} RENAME COLUMN \"{bom[0]}\" TO \"{bom[0][1:]}\"")
    return []


def _examples(con, table: str, where: str, id_col: str | None, col: str) -> tuple[int, list[str]]:
    n = con.execute(f"SELECT count(*) FROM raw_{table} WHERE {where}").fetchone()[0]
    if n == 0:
        return 0, []
    show = f"\"{id_col}\"" if id_col else "NULL"
    rows = con.execute(
        f"SELECT _row, {show}, \"{col}\" FROM raw_{table} WHERE {where} ORDER BY _row LIMIT {N_EXAMPLES}"
    ).fetchall()
    ex = []
    for r, ident, val in rows:
        bits = [f"row {r}"]
        if id_col and id_col != col and ident is not None:
            bits.append(f"{id_col}={ident}")
        bits.append(f"{col}={val!r}" if val is not None else f"{col}=null")
        ex.append(" ".join(bits[:1]) + " (" + ", ".join(bits[1:]) + ")")
    return n, ex


def _check_table(con, table: str, fname: str) -> list[Violation]:
    out: list[Violation] = []
    cols = [r[0] for r in con.execute(f"DESCRIBE raw_{table}").fetchall()]
    present = set(cols)
    missing = [c for c in CONTRACT[table] if c not in present]
    for c in missing:
        near = [x for x in cols if x.strip().lower() == c]
        hint = f" (found '{near[0]}': names are case- and space-sensitive)" if near else ""
        out.append(Violation(fname, c, f"required column is missing{hint}"))
    n_rows = con.execute(f"SELECT count(*) FROM raw_{table}").fetchone()[0]
    if n_rows == 0:
        out.append(Violation(fname, "-", "table has no rows"))
        return out
    id_col = {"job_posts": "job_id", "contracts": "contract_id"}[table]
    id_ok = id_col in present

    def check(col, where, rule):
        if col not in present:
            return
        n, ex = _examples(con, table, where, id_col if id_ok else None, col)
        if n:
            out.append(Violation(fname, col, rule, n, ex))

    # Types, judged by value.
    for col, (typ, _) in CONTRACT[table].items():
        if col in present and typ != "VARCHAR":
            check(col, f"\"{col}\" IS NOT NULL AND TRY_CAST(\"{col}\" AS {typ}) IS NULL",
                  f"wrong type: value cannot be read as {typ.lower()}"
                  + (" (use ISO dates, YYYY-MM-DD)" if typ == "DATE" else ""))
    # Build a typed view for the value rules (untypeable values become null,
    # already reported above).
    sel = ["_row"] + [f"TRY_CAST(\"{c}\" AS {t}) AS \"{c}\"" for c, (t, _) in CONTRACT[table].items() if c in present]
    con.execute(f"CREATE OR REPLACE VIEW typed_{table} AS SELECT {', '.join(sel)} FROM raw_{table}")
    txt = lambda c: f"NULLIF(trim(CAST(\"{c}\" AS VARCHAR)), '')"  # noqa: E731
    if table == "job_posts":
        check("job_id", f"{txt('job_id')} IS NULL", "must not be null or empty")
        check("job_id", "\"job_id\" IN (SELECT \"job_id\" FROM raw_job_posts GROUP BY 1 HAVING count(*) > 1)",
              "must be unique: duplicated ids")
        check("posted_on", "\"posted_on\" IS NULL", "must not be null")
        check("category", f"{txt('category')} IS NULL", "must not be null or empty")
        check("contract_type", f"\"contract_type\" IS NULL OR CAST(\"contract_type\" AS VARCHAR) NOT IN {CONTRACT_TYPES}",
              "must be 'hourly' or 'fixed'")
        check("experience_level",
              f"\"experience_level\" IS NULL OR CAST(\"experience_level\" AS VARCHAR) NOT IN {LEVELS}",
              "must be 'entry', 'intermediate' or 'expert'")
        check("ai_related", "\"ai_related\" IS NULL", "must not be null (true or false)")
    else:
        check("contract_id", f"{txt('contract_id')} IS NULL", "must not be null or empty")
        check("contract_id",
              "\"contract_id\" IN (SELECT \"contract_id\" FROM raw_contracts GROUP BY 1 HAVING count(*) > 1)",
              "must be unique: duplicated ids")
        check("freelancer_id", f"{txt('freelancer_id')} IS NULL", "must not be null or empty")
        check("started_on", "\"started_on\" IS NULL", "must not be null")
        e = "TRY_CAST(\"earnings_usd\" AS DOUBLE)"
        check("earnings_usd", f"\"earnings_usd\" IS NULL OR ({e} IS NOT NULL AND (NOT isfinite({e}) OR {e} < 0))",
              "must be a finite number >= 0 (no null, negative, infinite or NaN)")
        # The panels add amounts in fixed point (up to 10^29 in total); a
        # sentinel such as 1e30 is a data error, not an amount.
        check("earnings_usd", f"isfinite({e}) AND {e} >= {MAX_AMOUNT:g}",
              f"must be below {MAX_AMOUNT:g} (a placeholder value?)")
        f = "TRY_CAST(\"feedback\" AS DOUBLE)"
        check("feedback", f"{f} IS NOT NULL AND (isnan({f}) OR {f} < 1 OR {f} > 5)",
              "must be between 1 and 5, or null")
        h = "TRY_CAST(\"hours\" AS DOUBLE)"
        check("hours", f"{h} IS NOT NULL AND (isnan({h}) OR NOT isfinite({h}) OR {h} < 0)",
              "must be a finite number >= 0")
        check("hours", f"isfinite({h}) AND {h} >= {MAX_AMOUNT:g}",
              f"must be below {MAX_AMOUNT:g} (a placeholder value?)")
    return out


def _check_links(con, fnames: dict[str, str]) -> list[Violation]:
    """Rules across the two tables."""
    out = []
    jcols = {r[0] for r in con.execute("DESCRIBE typed_job_posts").fetchall()}
    ccols = {r[0] for r in con.execute("DESCRIBE typed_contracts").fetchall()}
    fname = fnames["contracts"]
    if "job_id" not in jcols or "job_id" not in ccols:
        return out
    joined = ("FROM raw_contracts c LEFT JOIN (SELECT DISTINCT ON (job_id) * FROM typed_job_posts) p "
              "ON CAST(c.job_id AS VARCHAR) = CAST(p.job_id AS VARCHAR)")

    def check(col, where, rule, show):
        n = con.execute(f"SELECT count(*) {joined} WHERE {where}").fetchone()[0]
        if n:
            rows = con.execute(f"SELECT c._row, c.contract_id, {show} {joined} WHERE {where} "
                               f"ORDER BY c._row LIMIT {N_EXAMPLES}").fetchall()
            ex = [f"row {r} (contract_id={cid}, {s})" for r, cid, s in rows]
            out.append(Violation(fname, col, rule, n, ex))

    check("job_id", "c.job_id IS NOT NULL AND p.job_id IS NULL",
          f"must exist in {fnames['job_posts']}: unknown job_id", "'job_id=' || CAST(c.job_id AS VARCHAR)")
    if "started_on" in ccols and "posted_on" in jcols:
        check("started_on", "TRY_CAST(c.started_on AS DATE) < p.posted_on",
              "must not be before the post's posted_on",
              "'started_on=' || CAST(TRY_CAST(c.started_on AS DATE) AS VARCHAR) || ' < posted_on=' || CAST(p.posted_on AS VARCHAR)")
    if "hours" in ccols and "contract_type" in jcols:
        check("hours", "p.contract_type = 'fixed' AND TRY_CAST(c.hours AS DOUBLE) IS NOT NULL",
              "must be null for fixed-price contracts", "'hours=' || CAST(c.hours AS VARCHAR)")
        check("hours", "p.contract_type = 'hourly' AND TRY_CAST(c.hours AS DOUBLE) IS NULL",
              "must be present for hourly contracts", "'hours=null'")
    return out


@dataclass
class Summary:
    """What a valid extract holds."""

    folder: str
    files: dict[str, str]
    n_posts: int
    n_contracts: int
    first_date: str
    last_date: str
    categories: list[str]

    def __str__(self) -> str:
        return (f"{self.folder}: valid extract: {self.n_posts:,} job posts, {self.n_contracts:,} contracts, "
                f"{self.first_date} to {self.last_date}, {len(self.categories)} categories")


def validate(folder: str | Path) -> tuple[Summary | None, list[Violation]]:
    """Check a folder against the data contract.

    Parameters
    ----------
    folder : str or Path
        Folder holding ``job_posts`` and ``contracts`` as Parquet or CSV.

    Returns
    -------
    summary : Summary or None
        Rows, date range and categories when the folder is valid.
    violations : list of Violation
        Every problem found; empty when valid.
    """
    folder = Path(folder)
    files, problems = find_table_files(folder)
    if problems and not files:
        return None, problems
    con = duckdb.connect()
    fnames = {t: p.name for t, p in files.items()}
    readable = {}
    for t, p in files.items():
        opened = _open(con, t, p)
        problems += opened
        if not opened:
            readable[t] = p
    for t in readable:
        problems += _check_table(con, t, fnames[t])
    if set(readable) == set(TABLES) and not any(v.column == "-" for v in problems):
        problems += _check_links(con, fnames)
    if problems:
        return None, problems
    n_posts, lo, hi = con.execute("SELECT count(*), min(posted_on), max(posted_on) FROM typed_job_posts").fetchone()
    n_con, lo2, hi2 = con.execute("SELECT count(*), min(started_on), max(started_on) FROM typed_contracts").fetchone()
    cats = [r[0] for r in con.execute("SELECT DISTINCT category FROM typed_job_posts ORDER BY 1").fetchall()]
    summary = Summary(str(folder), {t: str(p) for t, p in files.items()}, n_posts, n_con,
                      str(min(lo, lo2)), str(max(hi, hi2)), cats)
    return summary, []


def require_valid(folder: str | Path) -> Summary:
    """Validate ``folder`` and raise :class:`ContractError` if it is broken."""
    summary, problems = validate(folder)
    if problems:
        raise ContractError(folder, problems)
    return summary

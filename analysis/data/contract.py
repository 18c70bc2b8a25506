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

One reader
----------
:func:`typed_table` is the only place where a stored value becomes a typed
value: :func:`validate` checks what it reads and :func:`analysis.data.panels.read_extract`
aggregates what it reads, so a file that validates gives the numbers that
were validated. A CSV file is always read as text (no type guessing from
the first rows); each column is then cast by the rules below, which do not
depend on the engine's guesses, on the order of the rows or on the
machine's time zone (every connection runs in UTC).

=============  ===========================================================
contract type  accepted storage and how it is read
=============  ===========================================================
string         text as it is (no trimming, ``007`` stays ``007``); Parquet
               integers as their decimal text. Floating-point, boolean,
               date, struct, list or binary storage is refused (an id
               ``2.0`` is not the id ``2``).
double         numbers; text read as a decimal number (``12.5``, ``1e3``;
               ``12,50`` is refused).
date           a calendar date from :data:`MIN_DATE` to :data:`MAX_DATE`.
               Text ``YYYY-MM-DD``, optionally followed by a time
               (``T`` or space, ``HH:MM[:SS[.fff]]``): without a zone the
               date is the one written (the time is dropped); with a zone
               (``Z``, ``+02:00``, ``-0500``) the value is an instant and is
               dated in UTC (``2023-01-31T23:30-05:00`` is 2023-02-01).
               Parquet dates as they are, timestamps without a zone by
               their date, zoned timestamps (instants) by their UTC date.
               ``epoch``, ``infinity``, ``31/01/2023``, ``2021-02-30`` or
               a placeholder ``9999-12-31`` are refused.
boolean        Parquet booleans; integers 0 and 1; text ``true``/``false``,
               ``t``/``f``, ``yes``/``no``, ``y``/``n``, ``1``/``0`` (any
               case).
=============  ===========================================================

Decisions
---------
* Types are judged by value for text: a date stored as text
  ``2023-01-31`` or a number stored as text is accepted; text that cannot be
  read as the type is a violation. Other storage must fit the type (see the
  table above).
* Extra columns are allowed and ignored; column names are case-sensitive (a
  near miss is pointed out).
* A UTF-8 byte-order mark at the start of a CSV file is accepted (spreadsheet
  programs write one); CSV must be comma-separated UTF-8 with a header.
* Both ``X.parquet`` and ``X.csv`` in one folder is an error (ambiguous); a
  folder named ``X.csv`` (a partitioned data set) is refused as a folder.
* Categories that differ only by case or surrounding white space
  (``Writing``, ``writing``, ``Writing ``) are refused: readers take them for
  one category, and they would share an estimate id.
* The analysis window must lie within the job posts' months
  (:attr:`Summary.first_date` to :attr:`Summary.last_date`); contracts
  dated after the job posts' last month are valid but reported, since no
  window can use them.
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

#: Optional columns: used when present, validated like the rest when present,
#: never required. ``budget_usd`` is the client's budget (fixed price) or
#: rate-times-expected-hours (hourly) stated at posting, so it is fixed before
#: any contract exists: value tiers taken from it cannot move with the
#: realised outcome (see :mod:`analysis.data.panels`). ``ended_on`` lets
#: earnings be censored at a fixed horizon; null means the contract was
#: still running at the extract's end.
OPTIONAL: dict[str, dict[str, tuple[str, str]]] = {
    "job_posts": {
        "budget_usd": ("DOUBLE", "optional; finite, > 0 and below 10^15, not null when the column is present: "
                                 "the client's budget at posting (ex ante)"),
    },
    "contracts": {
        "ended_on": ("DATE", "optional; null (still running) or not before `started_on`"),
    },
}

#: Every column the reader types: the required ones, then the optional ones.
COLUMNS: dict[str, dict[str, tuple[str, str]]] = {t: {**CONTRACT[t], **OPTIONAL[t]} for t in CONTRACT}

N_EXAMPLES = 5

#: Dates an extract may hold (inclusive): anything outside is a placeholder
#: (``9999-12-31``, ``1970-01-01`` from ``epoch``) or a typing error, not the
#: date of a post on an online platform.
MIN_DATE, MAX_DATE = "1990-01-01", "2099-12-31"

#: How a CSV file is opened, by validation and by the panels alike: every
#: column as text, RFC 4180 quoting, comma-separated, with a header.
CSV_READ_OPTIONS = {"all_varchar": True, "header": True, "delim": ",", "quote": '"', "escape": '"',
                    "strict_mode": True}

_DATE_TEXT = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,9})?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?)?$"
_PLAIN_DATE_TEXT = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_ZONED_TEXT = r"[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,9})?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)$"
_TRUE_TEXT = ("true", "t", "yes", "y", "1")
_FALSE_TEXT = ("false", "f", "no", "n", "0")


class StorageError(ValueError):
    """A column is stored in a type the contract cannot read (see :func:`typed_table`)."""


def _storage_rule(target: str, dtype) -> str | None:
    """Why a column stored as ``dtype`` cannot hold a ``target`` value (None: it can)."""
    if dtype.is_null() or dtype.is_string():
        return None
    if target == "VARCHAR":
        if dtype.is_integer():
            return None
        hint = (" (floating-point ids such as 2.0 do not match the id 2: store ids as text or integers)"
                if dtype.is_floating() or dtype.is_decimal() else "")
        return f"stored as {dtype}: must be text{hint}"
    if target == "DOUBLE":
        if dtype.is_integer() or dtype.is_floating() or dtype.is_decimal():
            return None
        return f"stored as {dtype}: must be a number"
    if target == "DATE":
        if dtype.is_date() or dtype.is_timestamp():
            return None
        return f"stored as {dtype}: must be a date, a timestamp or ISO text (YYYY-MM-DD)"
    if target == "BOOLEAN":
        if dtype.is_boolean() or dtype.is_integer():
            return None
        return f"stored as {dtype}: must be a boolean (true or false)"
    raise AssertionError(target)  # pragma: no cover


def _read_value(col, target: str):
    """Ibis expression reading one stored column as the contract's ``target`` type
    (null where a value cannot be read: validation reports those)."""
    import ibis

    dtype = col.type()
    ibis_type = {"VARCHAR": "string", "DOUBLE": "float64", "DATE": "date", "BOOLEAN": "boolean"}[target]
    if dtype.is_null():
        return ibis.null(ibis_type)
    if target == "VARCHAR":
        return col if dtype.is_string() else col.cast("string")
    if target == "DOUBLE":
        return col.try_cast("float64") if dtype.is_string() else col.cast("float64")
    if target == "DATE":
        if dtype.is_date():
            return col
        if dtype.is_timestamp():
            return col.date()  # a zoned timestamp: its UTC date (connections run in UTC)
        s = col.strip()
        return ibis.cases((col.re_search(_PLAIN_DATE_TEXT), col.try_cast("date")),  # the usual case, fast
                          (~s.re_search(_DATE_TEXT), ibis.null("date")),
                          (s.re_search(_ZONED_TEXT), s.try_cast("timestamp('UTC')").date()),
                          else_=s.substr(0, 10).try_cast("date"))
    if target == "BOOLEAN":
        if dtype.is_boolean():
            return col
        if dtype.is_integer():
            return ibis.cases((col == 1, True), (col == 0, False), else_=ibis.null("boolean"))
        s = col.strip().lower()
        return ibis.cases((col.isin(("True", "true")), True), (col.isin(("False", "false")), False),  # fast
                          (s.isin(_TRUE_TEXT), True), (s.isin(_FALSE_TEXT), False), else_=ibis.null("boolean"))
    raise AssertionError(target)  # pragma: no cover


def typed_table(raw, table: str, keep: tuple[str, ...] = (), raw_suffix: str | None = None,
                strict: bool = True):
    """Read a stored table as the contract's typed table: the one reader.

    Parameters
    ----------
    raw : ibis.Table
        The table as stored (a CSV file read as text with
        :data:`CSV_READ_OPTIONS`, or a Parquet file as it is).
    table : {"job_posts", "contracts"}
    keep : tuple of str
        Further columns to pass through unchanged (validation keeps ``_row``).
    raw_suffix : str, optional
        Also keep each contract column as stored, named ``<column><raw_suffix>``
        (validation shows stored values in its examples), except text read as
        text (the same values).
    strict : bool
        Raise :class:`StorageError` for a column stored in a type the contract
        cannot read; with ``strict=False`` such columns are left out and
        their problems returned.

    Returns
    -------
    typed : ibis.Table
        The contract columns present (required and :data:`OPTIONAL`), typed
        by the rules of the module docstring (extra columns dropped), after
        ``keep``.
    problems : dict of str to str
        Column to the reason it cannot be read (empty with ``strict=True``).
    """
    bom = [c for c in raw.columns if c.startswith("\ufeff") and c[1:] not in raw.columns]
    if bom:
        raw = raw.rename({c[1:]: c for c in bom})
    cols, problems = {c: raw[c] for c in keep}, {}
    for c, (target, _) in COLUMNS[table].items():
        if c not in raw.columns:
            continue
        why = _storage_rule(target, raw[c].type())
        if why:
            problems[c] = why
            continue
        cols[c] = _read_value(raw[c], target)
        if raw_suffix and not (target == "VARCHAR" and raw[c].type().is_string()):
            cols[c + raw_suffix] = raw[c]
    if problems and strict:
        raise StorageError("; ".join(f"{table}.{c}: {why}" for c, why in problems.items()))
    return raw.select(**cols), problems


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
        odd = [folder / f"{t}.{ext}" for ext in ("parquet", "csv")
               if (folder / f"{t}.{ext}").is_dir() or ((folder / f"{t}.{ext}").is_symlink()
                                                        and not (folder / f"{t}.{ext}").exists())]
        if not cands and odd:
            what = ("is a folder, not a file (a partitioned data set is not read: write the table as one file)"
                    if odd[0].is_dir() else "is a broken symbolic link")
            problems.append(Violation(str(odd[0]), "-", f"table '{t}': {odd[0].name} {what}"))
            continue
        if not cands:
            try:
                others = sorted(p.name for p in folder.iterdir() if p.name.lower().startswith(t))
            except OSError:
                others = []
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
        opts = ", ".join(f"{k}={v!r}".replace("True", "true") for k, v in CSV_READ_OPTIONS.items())
        reader = f"read_csv('{src}', {opts}, parallel=false)"
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


def _rule_counts(con, wheres: list[str], source: str) -> tuple:
    """How many rows of ``source`` (``FROM ...``) match each condition of ``wheres``, in one scan.

    One query per rule scanned the table once per rule (4 s of the 20 s
    validation at 10^7 posts); examples are then fetched only for the rules
    some row breaks.
    """
    if not wheres:
        return ()
    return con.execute("SELECT " + ", ".join(f"count(*) FILTER (WHERE {w})" for w in wheres)
                       + f" {source}").fetchone()


def _examples(con, view: str, where: str, id_col: str | None, col: str,
              shown: str | None = None) -> list[str]:
    """A few rows of ``view`` matching ``where`` (a rule some row breaks), showing ``shown``
    (default ``col``) under the name ``col``."""
    ident = f"\"{id_col}\"" if id_col else "NULL"
    value = f"\"{shown or col}\""
    rows = con.execute(
        f"SELECT _row, {ident}, {value} FROM {view} WHERE {where} ORDER BY _row LIMIT {N_EXAMPLES}"
    ).fetchall()
    ex = []
    for r, ident_value, val in rows:
        bits = [f"row {r}"]
        if id_col and id_col != col and ident_value is not None:
            bits.append(f"{id_col}={ident_value}")
        shown_value = "null" if val is None else repr(val) if isinstance(val, str) else str(val)
        bits.append(f"{col}={shown_value}")
        ex.append(" ".join(bits[:1]) + " (" + ", ".join(bits[1:]) + ")")
    return ex


#: Suffix of the stored (untyped) copy of each column in validation's typed views.
_RAW = "__stored"


def _typed_view(icon, table: str, materialise: bool) -> dict[str, str]:
    """Create ``typed_<table>`` from ``raw_<table>`` with :func:`typed_table`;
    return the columns whose storage cannot be read, with the reason.

    With ``materialise`` (CSV: the text is already in memory) the typed
    table is computed once and the raw one dropped, so the checks do not
    parse every date again; a Parquet file stays a view (its typed columns
    are plain casts)."""
    icon.con.execute("SELECT 1").fetchall()  # no unfinished result on the connection Ibis reads the schema with
    typed, problems = typed_table(icon.table(f"raw_{table}"), table, keep=("_row",), raw_suffix=_RAW,
                                  strict=False)
    sql = icon.compile(typed)
    if materialise:
        icon.con.execute(f"CREATE OR REPLACE TABLE typed_{table} AS {sql}").fetchall()
        icon.con.execute(f"DROP TABLE raw_{table}").fetchall()
    else:
        icon.con.execute(f"CREATE OR REPLACE VIEW typed_{table} AS {sql}").fetchall()
    return problems


def _check_table(icon, table: str, fname: str, materialise: bool = False) -> list[Violation]:
    con = icon.con
    out: list[Violation] = []
    cols = [r[0] for r in con.execute(f"DESCRIBE raw_{table}").fetchall()]
    n_rows = con.execute(f"SELECT count(*) FROM raw_{table}").fetchone()[0]
    storage = _typed_view(icon, table, materialise)
    for c, why in storage.items():
        out.append(Violation(fname, c, why))
    present = set(cols) - set(storage)
    missing = [c for c in CONTRACT[table] if c not in cols]
    for c in missing:
        near = [x for x in cols if x.strip().lower() == c]
        hint = f" (found '{near[0]}': names are case- and space-sensitive)" if near else ""
        out.append(Violation(fname, c, f"required column is missing{hint}"))
    if n_rows == 0:
        out.append(Violation(fname, "-", "table has no rows"))
        return out
    id_col = {"job_posts": "job_id", "contracts": "contract_id"}[table]
    id_ok = id_col in present
    view = f"typed_{table}"

    pending: list[tuple] = []  # the rules, counted together by flush() (:func:`_rule_counts`)

    def check(col, where, rule, shown=None):
        if col in present:
            pending.append((col, where, rule, shown))

    def flush():
        counts = _rule_counts(con, [w for _, w, _, _ in pending], f"FROM {view}")
        for (col, where, rule, shown), n in zip(pending, counts):
            if n:
                ex = _examples(con, view, where, id_col if id_ok else None, col, shown)
                out.append(Violation(fname, col, rule, int(n), ex))
        pending.clear()

    # Types: a stored value that the reader cannot read as the type.
    for col, (typ, _) in COLUMNS[table].items():
        if col in present and typ != "VARCHAR":
            hint = {"DATE": f" (use ISO dates, YYYY-MM-DD, from {MIN_DATE} to {MAX_DATE})",
                    "BOOLEAN": " (use true or false)"}.get(typ, "")
            check(col, f"\"{col}{_RAW}\" IS NOT NULL AND \"{col}\" IS NULL",
                  f"wrong type: value cannot be read as {typ.lower()}{hint}", shown=col + _RAW)
        if col in present and typ == "DATE":
            check(col, f"\"{col}\" < DATE '{MIN_DATE}' OR \"{col}\" > DATE '{MAX_DATE}'",
                  f"must be a date from {MIN_DATE} to {MAX_DATE} (a placeholder date?)", shown=col + _RAW)
    txt = lambda c: f"NULLIF(trim(\"{c}\"), '')"  # noqa: E731
    if table == "job_posts":
        check("job_id", f"{txt('job_id')} IS NULL", "must not be null or empty")
        check("job_id", "\"job_id\" IN (SELECT \"job_id\" FROM typed_job_posts GROUP BY 1 HAVING count(*) > 1)",
              "must be unique: duplicated ids")
        check("posted_on", f"\"posted_on{_RAW}\" IS NULL", "must not be null")
        check("category", f"{txt('category')} IS NULL", "must not be null or empty")
        check("contract_type", f"\"contract_type\" IS NULL OR \"contract_type\" NOT IN {CONTRACT_TYPES}",
              "must be 'hourly' or 'fixed'")
        check("experience_level",
              f"\"experience_level\" IS NULL OR \"experience_level\" NOT IN {LEVELS}",
              "must be 'entry', 'intermediate' or 'expert'")
        check("ai_related", f"\"ai_related{_RAW}\" IS NULL", "must not be null (true or false)")
        b = "\"budget_usd\""
        check("budget_usd", f"\"budget_usd{_RAW}\" IS NULL OR ({b} IS NOT NULL AND (NOT isfinite({b}) OR {b} <= 0))",
              "optional column, but when present must be a finite number > 0 in every row "
              "(no null, zero, negative, infinite or NaN budget)")
        check("budget_usd", f"isfinite({b}) AND {b} >= {MAX_AMOUNT:g}",
              f"must be below {MAX_AMOUNT:g} (a placeholder value?)")
        flush()
        if "category" in present:
            out += _case_variants(con, fname, id_col if id_ok else None)
    else:
        check("contract_id", f"{txt('contract_id')} IS NULL", "must not be null or empty")
        check("contract_id",
              "\"contract_id\" IN (SELECT \"contract_id\" FROM typed_contracts GROUP BY 1 HAVING count(*) > 1)",
              "must be unique: duplicated ids")
        check("freelancer_id", f"{txt('freelancer_id')} IS NULL", "must not be null or empty")
        check("started_on", f"\"started_on{_RAW}\" IS NULL", "must not be null")
        e = "\"earnings_usd\""
        check("earnings_usd", f"\"earnings_usd{_RAW}\" IS NULL OR ({e} IS NOT NULL AND (NOT isfinite({e}) OR {e} < 0))",
              "must be a finite number >= 0 (no null, negative, infinite or NaN)")
        # The panels add amounts in fixed point (up to 10^29 in total); a
        # sentinel such as 1e30 is a data error, not an amount.
        check("earnings_usd", f"isfinite({e}) AND {e} >= {MAX_AMOUNT:g}",
              f"must be below {MAX_AMOUNT:g} (a placeholder value?)")
        f = "\"feedback\""
        check("feedback", f"{f} IS NOT NULL AND (isnan({f}) OR {f} < 1 OR {f} > 5)",
              "must be between 1 and 5, or null")
        h = "\"hours\""
        check("hours", f"{h} IS NOT NULL AND (isnan({h}) OR NOT isfinite({h}) OR {h} < 0)",
              "must be a finite number >= 0")
        check("hours", f"isfinite({h}) AND {h} >= {MAX_AMOUNT:g}",
              f"must be below {MAX_AMOUNT:g} (a placeholder value?)")
    flush()
    return out


def _case_variants(con, fname: str, id_col: str | None) -> list[Violation]:
    """Categories that differ only by case or surrounding white space."""
    key = "lower(regexp_replace(category, '^[[:space:]]+|[[:space:]]+$', '', 'g'))"
    groups = con.execute(
        f"SELECT {key} AS k, category, count(*) AS n, min(_row) AS first FROM typed_job_posts "
        f"WHERE category IS NOT NULL AND {key} IN (SELECT {key} FROM typed_job_posts WHERE category IS NOT NULL "
        f"GROUP BY 1 HAVING count(DISTINCT category) > 1) GROUP BY 1, 2 ORDER BY 1, n DESC, 2").fetchall()
    by_key: dict[str, list] = {}
    for k, cat, n, first in groups:
        by_key.setdefault(k, []).append((cat, n, first))
    out = []
    for variants in by_key.values():
        names = ", ".join(f"{c!r} ({n:,} row{'s' if n != 1 else ''})" for c, n, _ in variants)
        rare = variants[1:]  # all but the most frequent spelling
        ident = f"\"{id_col}\"" if id_col else "NULL"
        rows = con.execute(
            f"SELECT _row, {ident}, category FROM typed_job_posts WHERE category IN "
            f"({', '.join('?' for _ in rare)}) ORDER BY _row LIMIT {N_EXAMPLES}", [c for c, _, _ in rare]).fetchall()
        ex = [f"row {r} (" + (f"{id_col}={i}, " if id_col and i is not None else "") + f"category={c!r})"
              for r, i, c in rows]
        out.append(Violation(fname, "category", f"categories differ only by case or surrounding spaces: {names}; "
                             "they would be read as one category and share an estimate id: spell them the same",
                             sum(n for _, n, _ in rare), ex))
    return out


def _check_links(con, fnames: dict[str, str]) -> list[Violation]:
    """Rules across the two tables (on the typed views: ids compared as the panels join them)."""
    out = []
    jcols = {r[0] for r in con.execute("DESCRIBE typed_job_posts").fetchall()}
    ccols = {r[0] for r in con.execute("DESCRIBE typed_contracts").fetchall()}
    fname = fnames["contracts"]
    if "job_id" not in jcols or "job_id" not in ccols or "contract_id" not in ccols:
        return out
    joined = ("FROM typed_contracts c LEFT JOIN (SELECT DISTINCT ON (job_id) * FROM typed_job_posts) p "
              "ON c.job_id = p.job_id")

    pending: list[tuple] = []  # counted together in one join (:func:`_rule_counts`)

    def check(col, where, rule, show):
        pending.append((col, where, rule, show))

    check("job_id", "c.job_id IS NOT NULL AND p.job_id IS NULL",
          f"must exist in {fnames['job_posts']}: unknown job_id", "'job_id=' || c.job_id")
    if "started_on" in ccols and "posted_on" in jcols:
        check("started_on", "c.started_on < p.posted_on",
              "must not be before the post's posted_on",
              "'started_on=' || CAST(c.started_on AS VARCHAR) || ' < posted_on=' || CAST(p.posted_on AS VARCHAR)")
    if "ended_on" in ccols and "started_on" in ccols:
        check("ended_on", "c.ended_on < c.started_on",
              "must not be before the contract's started_on (null if still running)",
              "'ended_on=' || CAST(c.ended_on AS VARCHAR) || ' < started_on=' || CAST(c.started_on AS VARCHAR)")
    if "hours" in ccols and "contract_type" in jcols:
        check("hours", "p.contract_type = 'fixed' AND c.hours IS NOT NULL",
              "must be null for fixed-price contracts", "'hours=' || CAST(c.hours AS VARCHAR)")
        check("hours", "p.contract_type = 'hourly' AND c.hours IS NULL",
              "must be present for hourly contracts", "'hours=null'")
    for (col, where, rule, show), n in zip(pending, _rule_counts(con, [w for _, w, _, _ in pending], joined)):
        if n:
            rows = con.execute(f"SELECT c._row, c.contract_id, {show} {joined} WHERE {where} "
                               f"ORDER BY c._row LIMIT {N_EXAMPLES}").fetchall()
            ex = [f"row {r} (contract_id={cid}, {s})" for r, cid, s in rows]
            out.append(Violation(fname, col, rule, int(n), ex))
    return out


@dataclass
class Summary:
    """What a valid extract holds.

    ``first_date`` and ``last_date`` are the job posts' first and last dates:
    an analysis window must lie within their months (every contract starts
    on or after its post, so none is earlier). Contracts that start after
    the job posts' last month are valid but outside every window; they are
    counted in ``contracts_outside`` and reported.

    ``earnings_months`` maps each category to ``[month, contracts, lowest,
    highest]`` rows (``month`` as ``YYYY-MM``, by the contract's start, with
    the lowest and highest ``earnings_usd``): enough for
    :func:`analysis.core.params.check_against_data` to tell whether a
    ``value_threshold_usd`` leaves a tier without contracts.

    ``repeat_freelancers`` counts freelancers with contracts starting in at
    least two distinct months (the within-freelancer regressions need them;
    -1 when unknown). ``repeat_pairs`` holds ``[month, next_month,
    freelancers]`` rows: how many freelancers have contracts starting in
    ``month`` and next in ``next_month`` (``YYYY-MM``, consecutive among that
    freelancer's months). A freelancer has two months within a window exactly
    when one of their pairs lies inside it, so
    :func:`analysis.core.params.check_against_data` can tell, for any
    ``start`` and ``end``, whether the window holds a freelancer seen in two
    months (a few hundred rows however large the extract).

    ``posts_months`` maps each category to the months (``YYYY-MM``) in which
    it has job posts: enough to tell a category created after the release
    (no pre-release posts) from one that can be compared.
    """

    folder: str
    files: dict[str, str]
    n_posts: int
    n_contracts: int
    first_date: str
    last_date: str
    categories: list[str]
    contracts_first_date: str = ""
    contracts_last_date: str = ""
    contracts_outside: int = 0
    outside_examples: list[str] = field(default_factory=list)
    earnings_months: dict[str, list] = field(default_factory=dict)
    #: Same rows for the posts' ``budget_usd`` (lowest and highest budget of the
    #: posts of each category's contracts by contract month); empty when the
    #: extract has no ``budget_usd`` column. Value tiers are then cut on the
    #: budget, so the threshold check reads these rows instead.
    budget_months: dict[str, list] = field(default_factory=dict)
    posts_months: dict[str, list] = field(default_factory=dict)
    repeat_freelancers: int = -1
    repeat_pairs: list[list] = field(default_factory=list)

    def notes(self) -> list[str]:
        """Things a valid extract holds that no analysis window can use."""
        if not self.contracts_outside:
            return []
        n = self.contracts_outside
        ex = f"; e.g. {', '.join(self.outside_examples)}" if self.outside_examples else ""
        return [f"note: {n:,} contract{'s' if n != 1 else ''} start{'' if n != 1 else 's'} after the job posts' "
                f"last month ({self.last_date[:7]}; contracts run to {self.contracts_last_date}): outside every "
                f"analysis window, left out of the panels{ex}"]

    def __str__(self) -> str:
        head = (f"{self.folder}: valid extract: {self.n_posts:,} job posts, {self.n_contracts:,} contracts, "
                f"job posts from {self.first_date} to {self.last_date}, {len(self.categories)} categories")
        return "\n".join([head, *self.notes()])


def _summary(con, folder: Path, files: dict[str, Path]) -> Summary:
    n_posts, lo, hi = con.execute("SELECT count(*), min(posted_on), max(posted_on) FROM typed_job_posts").fetchone()
    n_con, lo2, hi2 = con.execute("SELECT count(*), min(started_on), max(started_on) FROM typed_contracts").fetchone()
    cats = [r[0] for r in con.execute("SELECT DISTINCT category FROM typed_job_posts ORDER BY 1").fetchall()]
    after = f"date_trunc('month', started_on) > date_trunc('month', DATE '{hi}')"
    n_out = con.execute(f"SELECT count(*) FROM typed_contracts WHERE {after}").fetchone()[0]
    examples = [f"row {r} (contract_id={cid}, started_on={d})" for r, cid, d in con.execute(
        f"SELECT _row, contract_id, started_on FROM typed_contracts WHERE {after} ORDER BY _row "
        f"LIMIT {N_EXAMPLES}").fetchall()]
    rows = con.execute(
        "SELECT p.category, strftime(date_trunc('month', c.started_on), '%Y-%m') AS m, count(*), "
        "min(c.earnings_usd), max(c.earnings_usd) FROM typed_contracts c "
        "JOIN typed_job_posts p ON c.job_id = p.job_id "  # ids are unique in a valid extract
        "GROUP BY 1, 2 ORDER BY 1, 2").fetchall()
    months: dict[str, list] = {}
    for cat, m, n, emin, emax in rows:
        months.setdefault(cat, []).append([m, int(n), float(emin), float(emax)])
    budgets: dict[str, list] = {}
    if "budget_usd" in {r[0] for r in con.execute("DESCRIBE typed_job_posts").fetchall()}:
        for cat, m, n, bmin, bmax in con.execute(
                "SELECT p.category, strftime(date_trunc('month', c.started_on), '%Y-%m') AS m, count(*), "
                "min(p.budget_usd), max(p.budget_usd) FROM typed_contracts c "
                "JOIN typed_job_posts p ON c.job_id = p.job_id GROUP BY 1, 2 ORDER BY 1, 2").fetchall():
            budgets.setdefault(cat, []).append([m, int(n), float(bmin), float(bmax)])
    posts_months: dict[str, list] = {}
    for cat, m in con.execute("SELECT DISTINCT category, strftime(date_trunc('month', posted_on), '%Y-%m') "
                              "FROM typed_job_posts ORDER BY 1, 2").fetchall():
        posts_months.setdefault(cat, []).append(m)
    pairs = con.execute(
        "SELECT strftime(m, '%Y-%m'), strftime(m2, '%Y-%m'), count(*), count(*) FILTER (WHERE k = 1) FROM ("
        "SELECT m, lead(m) OVER w AS m2, row_number() OVER w AS k FROM (SELECT DISTINCT freelancer_id, "
        "date_trunc('month', started_on) AS m FROM typed_contracts) WINDOW w AS (PARTITION BY freelancer_id "
        "ORDER BY m)) WHERE m2 IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2").fetchall()
    repeat = sum(int(first) for *_, first in pairs)  # each repeat freelancer has one first pair
    return Summary(str(folder), {t: str(p) for t, p in files.items()}, n_posts, n_con, str(lo), str(hi), cats,
                   contracts_first_date=str(lo2), contracts_last_date=str(hi2), contracts_outside=int(n_out),
                   outside_examples=examples, earnings_months=months, budget_months=budgets,
                   posts_months=posts_months, repeat_freelancers=int(repeat),
                   repeat_pairs=[[a, b, int(n)] for a, b, n, _ in pairs])


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
    import ibis

    folder = Path(folder)
    files, problems = find_table_files(folder)
    if problems and not files:
        return None, problems
    icon = ibis.duckdb.connect()
    con = icon.con
    con.execute("SET TimeZone = 'UTC'")  # zoned timestamps are dated in UTC on every machine
    try:  # no progress bar on the terminal; inside a Jupyter kernel DuckDB refuses to change the
        con.execute("SET enable_progress_bar = false")  # setting without ipywidgets (and draws none)
    except Exception:  # noqa: BLE001 (duckdb.InvalidInputException; duckdb is not imported here)
        pass
    fnames = {t: p.name for t, p in files.items()}
    readable = {}
    for t, p in files.items():
        opened = _open(con, t, p)
        problems += opened
        if not opened:
            readable[t] = p
    for t, p in readable.items():
        problems += _check_table(icon, t, fnames[t], materialise=p.suffix == ".csv")
    if set(readable) == set(TABLES) and not any(v.column == "-" for v in problems):
        problems += _check_links(con, fnames)
    if problems:
        return None, problems
    return _summary(con, folder, files), []


def require_valid(folder: str | Path) -> Summary:
    """Validate ``folder`` and raise :class:`ContractError` if it is broken."""
    summary, problems = validate(folder)
    if problems:
        raise ContractError(folder, problems)
    return summary

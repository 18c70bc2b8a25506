"""Run parameters: reading them, and checking them before anything runs.

``python -m analysis run`` takes parameters from, in increasing priority,
:data:`analysis.core.params.DEFAULT_PARAMS`, a YAML file (``--params``), and
``--set KEY=VALUE`` options (``VALUE`` is read as YAML, so
``--set 'focus_categories=[Writing, Translation]'`` gives a list and
``--set value_threshold_usd=500`` a number).

How YAML is read (:func:`load_yaml`, for the parameters file, the sweep
file and every ``--set`` value):

* dates stay text (checked here as ISO dates);
* ``1e3`` and ``2.5E-2`` are numbers, as in YAML 1.2 (PyYAML's YAML 1.1
  reads them as text);
* a document may have at most :data:`MAX_YAML_BYTES` bytes, expand to at
  most :data:`MAX_YAML_NODES` values once aliases are followed (a 500-byte
  alias bomb would expand to 10^9), nest at most :data:`MAX_YAML_DEPTH`
  levels, and hold no alias to itself;
* a key given twice in one mapping is refused, naming the key and both
  lines (YAML would silently keep the last).

Two layers of checks, each collecting *every* problem rather than the first:

:func:`check_schema`
    The parameters on their own: unknown names (with the closest valid
    names), wrong types, unparseable dates, ``start >= end``, a treatment
    date outside the window, a non-positive threshold, a tier quantile outside
    (0, 1), a tier horizon that is not a whole number of days, a seed that is not an
    integer, overlapping focus and control categories. Any value of any
    type gives a problem, never an exception (a list of lists, an integer
    beyond any float, a mapping where a path is expected).
:func:`check_against_data`
    The parameters against a valid extract (:class:`analysis.data.contract.Summary`):
    the window inside the job posts' months (contracts dated later do not
    extend it), categories present in
    the extract (listing the valid ones), a non-empty control group, at
    least three categories, at least :data:`MIN_PRE_MONTHS` months before and
    :data:`MIN_POST_MONTHS` after the treatment date, and a
    ``value_threshold_usd`` that leaves both contract tiers with contracts
    before and after the treatment date in every focus category and in the
    control group (saying which thresholds would); focus categories with job
    posts both before and from the treatment date and with contracts in the
    window, and those contracts on both sides of the treatment date;
    control categories with contracts on both sides when they have posts on
    both (:func:`contract_sides`); at least one control category with posts on both sides
    (:func:`uncomparable`; other such controls are named by
    :func:`data_notes` and left out of the comparisons); and at least one
    freelancer with contracts in two months (a data problem otherwise).

Each :class:`ParamProblem` says what would be valid. A problem is of kind
``"data"`` when no choice of parameters can fix it (an extract with fewer
than three categories), else ``"params"``; the run exits with 1 for data
problems and 2 for parameter problems (see :mod:`analysis.build.run`).

A month counts as *post* when it starts on or after the treatment date (as in
:func:`analysis.data.simulate.post_mask`), so with the release on 30 November 2022
the first post month is December 2022.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

#: Date of ChatGPT's public release, the default treatment date.
RELEASE_DATE = "2022-11-30"


#: Default least-exposed control categories (parameter ``least_exposed_controls``).
#: A judgement from the literature cited in the history chapter, not a
#: measured ranking: the exposure and platform studies single out writing,
#: translation, coding and software, image creation and design, marketing
#: copy, customer support (Brynjolfsson, Li and Raymond), clerical text work
#: and text-heavy professions such as law, accounting and tax preparation
#: (Eloundou et al.; Hui, Reshef and Zhou; Demirci, Hannane and Zhu). Of the
#: bundled categories, the two whose core work is none of these (physical
#: systems and drawings; networks and hardware) remain.
LEAST_EXPOSED_CONTROLS = ("Engineering & Architecture", "IT & Networking")


@dataclass(frozen=True)
class Param:
    """One run parameter: its name, default, type shown to users and meaning.

    The spec is the single source of every parameter: the defaults
    (:data:`DEFAULT_PARAMS`), the documentation table of the re-run appendix
    (:data:`PARAM_DOCS`, :func:`analysis.report.tables.parameter_table`) and
    the checks (:func:`check_schema`, which validates by the default's type
    and the per-name rules stated in its docstring).
    """

    name: str
    default: object
    kind: str
    doc: str


#: Every run parameter, in the order of the chapters' ``parameters`` cells.
PARAMS: tuple[Param, ...] = (
    Param("data_dir", "", "text (folder path)",
          "Folder of the extract (two tables in the data contract). Empty: the bundled synthetic extract."),
    Param("data_label", "", "text",
          "Name of the extract on the published pages (captions, citation lines, data notes), shown with "
          "its SHA-256; the folder path is never published. Empty: the folder's name, or \"synthetic "
          "extract\" for the bundled data. At most 80 characters, one line."),
    Param("start", "2021-01-01", "date", "First day of the analysis window (ISO date); rows before it are left out."),
    Param("end", "2024-06-30", "date", "Last day of the analysis window (ISO date)."),
    Param("treatment_date", RELEASE_DATE, "date",
          "Release date of generative AI; months starting on or after it are post-treatment "
          "(default: ChatGPT's release, so December 2022 is the first post month)."),
    Param("claim_window", "first_year", "text: first_year or all",
          "Post months the summary's claim check uses. `first_year`: from the first post month to the end of "
          "the calendar year after the release (with the default treatment date, December 2022 to December "
          "2023: the year the study measured), against every pre-release month; `all`: every post month up "
          "to `end`. The chapters always use every post month, and the summary shows the verdicts of the "
          "other window beside its answers."),
    Param("treatment_label", "ChatGPT's release", "text",
          "Name of the treatment in the book's sentences, captions and labels (e.g. \"GPT-4's release\" "
          "with treatment_date 2023-03-14). At most 80 characters, one line."),
    Param("value_threshold_usd", 1000.0, "number",
          "Budget at posting (USD, the posts' `budget_usd`) separating low-value (below) from high-value "
          "(at or above) contracts. An extract without `budget_usd` is tiered per category at the "
          "pre-release `tier_quantile` of earnings censored at `tier_horizon_days` days instead, and this "
          "threshold is not used."),
    Param("tier_quantile", 0.5, "number between 0 and 1",
          "Without `budget_usd`: the quantile of each category's pre-release contracts' censored earnings "
          "that separates low-value (below) from high-value contracts (0.5: the median, so the pre-release "
          "contracts split in halves). Strictly between 0 and 1. Not used with `budget_usd`."),
    Param("tier_horizon_days", 90, "integer (days)",
          "Without `budget_usd`: earnings are counted over a contract's first this many days (pro-rated "
          "with `contracts.ended_on`), and contracts started within this many days of `end` that may still "
          "be running are in neither tier, so late contracts are not pushed into the low tier by having "
          "had less time to earn. At least 1 and shorter than the days from `treatment_date` to `end`. "
          "Not used with `budget_usd`."),
    Param("focus_categories", ["Data Science & Analytics", "Writing", "Translation"], "list of text",
          "Categories studied one by one. The first plays the study's new-AI-work role (Data Science "
          "& Analytics), the others its tiered roles (Writing, Translation)."),
    Param("control_categories", [], "list of text",
          "Categories the focus categories are compared with. Empty: every category not in focus."),
    Param("least_exposed_controls", list(LEAST_EXPOSED_CONTROLS), "list of text",
          "Control categories least exposed to generative AI, for a robustness row of the categories "
          "chapter that compares each focus category with these alone. Default: the bundled categories "
          "whose work the exposure studies cited in the history chapter do not single out (see "
          "`analysis.core.params.LEAST_EXPOSED_CONTROLS`); names absent from the extract are left out "
          "when the default is used, and refused when given."),
    Param("seed", 20240501, "integer",
          "Seed of every random draw (randomization inference samples, bootstraps, forecast paths)."),
    Param("max_freelancers", 25000, "integer",
          "Largest number of freelancers in the within-freelancer regressions: above it a random "
          "sample of freelancers (drawn with `seed`, all their rows kept) is used, so that large "
          "extracts run in minutes. 0: every freelancer."),
    Param("cpi_file", "", "text (file path)",
          "Monthly price index for real (deflated) money: a CSV with columns `month` (YYYY-MM) and `cpi`. "
          "Empty: the bundled US CPI-U table `data/cpi_u.csv` (BLS series CUUR0000SA0)."),
    Param("output_dir", "", "text (folder path)",
          "Where a chapter writes results and figures. Chosen by the runner (use `--out`); empty in "
          "interactive use means `_build/interactive/<first 12 digits of the extract SHA-256>` (one folder per extract)."),
)

#: Default parameters of every chapter and of ``python -m analysis run`` (from :data:`PARAMS`).
#: Names are part of the public interface (documented in the re-run appendix).
DEFAULT_PARAMS: dict = {p.name: p.default for p in PARAMS}

#: Defaults of the quantile tier rule of :mod:`analysis.data.panels` (parameters ``tier_quantile`` and
#: ``tier_horizon_days``; documented in :data:`PARAMS`).
TIER_QUANTILE = DEFAULT_PARAMS["tier_quantile"]
TIER_HORIZON_DAYS = DEFAULT_PARAMS["tier_horizon_days"]

#: Meaning of every run parameter (from :data:`PARAMS`).
PARAM_DOCS: dict = {p.name: p.doc for p in PARAMS}

#: Type of every run parameter as the re-run appendix names it (from :data:`PARAMS`).
PARAM_KINDS: dict = {p.name: p.kind for p in PARAMS}


MIN_PRE_MONTHS = 12
#: Longest ``data_label`` (it is printed in every caption).
MAX_LABEL_CHARS = 80
#: ``data_label`` of the bundled synthetic extract when none is given.
SYNTHETIC_LABEL = "synthetic extract (illustrative)"
MIN_POST_MONTHS = 6
MIN_CATEGORIES = 3
DATE_KEYS = ("start", "end", "treatment_date")
#: Values of ``claim_window`` (the rule behind each: :func:`analysis.core.periods.claim_window_end`).
CLAIM_WINDOWS = ("first_year", "all")
LIST_KEYS = ("focus_categories", "control_categories")
#: Parameters that are lists of category names (checked alike by :func:`check_schema`).
CATEGORY_LIST_KEYS = LIST_KEYS + ("least_exposed_controls",)


#: Limits of any YAML the run reads (parameters file, sweep file, ``--set``
#: value): its size, the number of values once aliases are expanded (a
#: 500-byte "billion laughs" document expands to 10^9) and the nesting depth.
MAX_YAML_BYTES = 256 * 1024
MAX_YAML_NODES = 10_000
MAX_YAML_DEPTH = 32


class _Loader(yaml.SafeLoader):
    """Safe YAML loader that keeps dates as text (checked by :func:`check_schema`)
    and reads ``1e3`` as a number (YAML 1.2; YAML 1.1 wants ``1.0e+3``)."""


_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in rs if tag != "tag:yaml.org,2002:timestamp"]
    for ch, rs in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:float",
                              re.compile(r"^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][-+]?[0-9]+$"),
                              list("-+0123456789."))


class YAMLLimitError(yaml.YAMLError):
    """YAML refused before it is built: too large, an alias bomb, too deep, or a duplicate key."""


def _children(node) -> list:
    if isinstance(node, yaml.MappingNode):
        return [x for pair in node.value for x in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_nodes(root) -> None:
    """Refuse a composed YAML graph that expands to more than :data:`MAX_YAML_NODES`
    values, nests deeper than :data:`MAX_YAML_DEPTH`, refers to itself, or
    repeats a key in a mapping (the last one would win silently)."""
    size: dict[int, int] = {}
    on_path: set[int] = set()
    stack = [(root, 0, False)]
    while stack:
        node, depth, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            size[key] = 1 + sum(size[id(c)] for c in _children(node))
            if size[key] > MAX_YAML_NODES:
                raise YAMLLimitError(f"more than {MAX_YAML_NODES:,} values once aliases are expanded "
                                     "(an alias bomb?); write the values out")
            continue
        if key in size:
            continue
        if key in on_path:
            raise YAMLLimitError(f"an alias refers to itself (line {node.start_mark.line + 1})")
        if depth > MAX_YAML_DEPTH:
            raise YAMLLimitError(f"nested more than {MAX_YAML_DEPTH} levels deep (line {node.start_mark.line + 1})")
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for k, _v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.tag != "tag:yaml.org,2002:merge":
                    line = k.start_mark.line + 1
                    if k.value in seen:
                        raise YAMLLimitError(f"duplicate key {k.value!r} (lines {seen[k.value]} and {line}): "
                                             "keep one")
                    seen[k.value] = line
        on_path.add(key)
        stack.append((node, depth, True))
        stack.extend((c, depth + 1, False) for c in _children(node) if id(c) not in size)


def load_yaml(text: str):
    """Parse YAML text with dates kept as strings, within the limits above.

    Raises
    ------
    yaml.YAMLError
        Not YAML, or beyond a limit (:class:`YAMLLimitError`: more than
        :data:`MAX_YAML_BYTES` bytes, more than :data:`MAX_YAML_NODES` values
        after expanding aliases, deeper than :data:`MAX_YAML_DEPTH`, an alias
        to itself, or a key given twice in one mapping).
    """
    n = len(text.encode("utf-8", "surrogatepass"))
    if n > MAX_YAML_BYTES:
        raise YAMLLimitError(f"{n:,} bytes, more than the {MAX_YAML_BYTES:,} a parameters file may have")
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_nodes(node)
        return loader.construct_document(node)
    except RecursionError:
        raise YAMLLimitError(f"nested more than {MAX_YAML_DEPTH} levels deep") from None
    finally:
        loader.dispose()


class ParamsFileError(Exception):
    """A parameters file cannot be read as a YAML mapping."""


@dataclass
class ParamProblem:
    """One problem with the parameters.

    Attributes
    ----------
    key : str
        Parameter name (``"-"`` for the file as a whole).
    message : str
        What is wrong and what would be valid.
    kind : {"params", "data"}
        ``"data"`` when no parameter value can fix it.
    """

    key: str
    message: str
    kind: str = "params"

    def __str__(self) -> str:
        return f"{self.key}: {self.message}"


def parse_value(text: str):
    """Read a ``--set`` value as YAML (``500`` -> int, ``[a, b]`` -> list)."""
    try:
        return load_yaml(text) if text.strip() else ""
    except (yaml.YAMLError, ValueError):
        return text


def parse_sets(items: list[str] | None) -> tuple[dict, list[ParamProblem]]:
    """Turn ``["KEY=VALUE", ...]`` into a dict."""
    out, problems = {}, []
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            problems.append(ParamProblem("--set", f"'{item}' is not KEY=VALUE (e.g. --set seed=7)"))
            continue
        out[key.strip()] = parse_value(value)
    return out, problems


def read_params_file(path: str | Path) -> dict:
    """Read a YAML mapping of parameters.

    Relative ``data_dir`` and ``cpi_file`` values are resolved against the file's folder.

    Raises
    ------
    ParamsFileError
        If the file is missing, is not YAML, or is not a mapping.
    """
    path = Path(path)
    if not path.is_file():
        raise ParamsFileError(f"{path}: parameters file not found")
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError, ValueError) as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise ParamsFileError(f"{path}: not a readable YAML file: {first}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParamsFileError(f"{path}: must be a YAML mapping of parameter: value "
                              f"(got a {type(data).__name__}); valid names: {', '.join(DEFAULT_PARAMS)}")
    data = {str(k): v for k, v in data.items()}
    for key in ("data_dir", "cpi_file"):
        dd = data.get(key)
        if isinstance(dd, str) and dd and not Path(dd).expanduser().is_absolute():
            data[key] = str((path.parent / dd).resolve())
    return data


def _as_date(value) -> str | None:
    """ISO string of a date given as text or as a YAML date; None if invalid."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            return None
    return None


def _show(v, limit: int = 60) -> str:
    """``repr`` of a value for a message, cut to ``limit`` characters."""
    r = repr(v)
    return r if len(r) <= limit else r[:limit - 5] + " ...>"


def _type_name(v) -> str:
    return {bool: "boolean", int: "integer", float: "number", str: "text", list: "list",
            dict: "mapping", type(None): "null"}.get(type(v), type(v).__name__)


def _finite(x) -> bool:
    try:
        return math.isfinite(x)
    except OverflowError:  # an integer beyond any float
        return False


def data_label(params: dict, data_dir: str | Path, synthetic_dir: str | Path) -> str:
    """The label naming the extract on the published pages.

    Parameters
    ----------
    params : dict
        Run parameters; a non-empty ``data_label`` is returned as given.
    data_dir : str or Path
        The extract's folder.
    synthetic_dir : str or Path
        The bundled synthetic extract's folder.

    Returns
    -------
    str
        ``params["data_label"]``, else :data:`SYNTHETIC_LABEL` for the bundled
        extract, else the folder's name (never its path).

    Examples
    --------
    >>> data_label({"data_label": ""}, "/private/x/extract-2024", "/repo/data/synthetic")
    'extract-2024'
    >>> data_label({"data_label": "Platform, June 2024"}, "/private/x", "/repo/data/synthetic")
    'Platform, June 2024'
    """
    given = str(params.get("data_label") or "").strip()
    if given:
        return given
    folder = Path(data_dir).expanduser().resolve()
    if folder == Path(synthetic_dir).expanduser().resolve():
        return SYNTHETIC_LABEL
    return folder.name or "extract"


def check_schema(params: dict) -> tuple[dict, list[ParamProblem]]:
    """Check parameters on their own and normalise them.

    Parameters
    ----------
    params : dict
        Parameters to check (overrides of :data:`DEFAULT_PARAMS`).

    Returns
    -------
    full : dict
        Defaults filled in; dates as ISO strings; the threshold as float.
    problems : list of ParamProblem
        Every problem found; empty when the parameters are valid.
    """
    problems: list[ParamProblem] = []
    valid = list(DEFAULT_PARAMS)
    for key in params:
        if key not in DEFAULT_PARAMS:
            close = difflib.get_close_matches(key, valid, n=2, cutoff=0.6)
            hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
            problems.append(ParamProblem(key, f"unknown parameter; {hint}valid names: {', '.join(valid)}"))
    full = {**DEFAULT_PARAMS, **{k: v for k, v in params.items() if k in DEFAULT_PARAMS}}

    for key in DATE_KEYS:
        iso = _as_date(full[key])
        if iso is None:
            problems.append(ParamProblem(key, f"{_show(full[key])} is not a date: use an ISO date YYYY-MM-DD "
                                              f"(e.g. {DEFAULT_PARAMS[key]})"))
        else:
            full[key] = iso
    dates_ok = all(_as_date(full[k]) for k in DATE_KEYS)
    if dates_ok:
        if full["start"] >= full["end"]:
            problems.append(ParamProblem("start", f"start {full['start']} must be before end {full['end']}"))
        elif not (full["start"] < full["treatment_date"] <= full["end"]):
            problems.append(ParamProblem("treatment_date", f"{full['treatment_date']} must lie after start "
                                         f"{full['start']} and not after end {full['end']}"))

    if full["claim_window"] not in CLAIM_WINDOWS:
        problems.append(ParamProblem("claim_window", f"{_show(full['claim_window'])} is not one of "
                                     f"{', '.join(CLAIM_WINDOWS)}"))

    thr = full["value_threshold_usd"]
    if isinstance(thr, bool) or not isinstance(thr, (int, float)):
        problems.append(ParamProblem("value_threshold_usd", f"{_show(thr)} ({_type_name(thr)}) is not a number: "
                                     "give a positive amount in USD, e.g. 1000"))
    elif not _finite(thr) or thr <= 0:
        problems.append(ParamProblem("value_threshold_usd", f"{_show(thr)} must be a finite number > 0 (USD), "
                                     "e.g. 1000"))
    else:
        full["value_threshold_usd"] = float(thr)

    q = full["tier_quantile"]
    if isinstance(q, bool) or not isinstance(q, (int, float)) or not _finite(q) or not 0 < q < 1:
        problems.append(ParamProblem("tier_quantile", f"{_show(q)} ({_type_name(q)}) is not a number strictly "
                                     f"between 0 and 1, e.g. {DEFAULT_PARAMS['tier_quantile']} (the median)"))
    else:
        full["tier_quantile"] = float(q)
    h = full["tier_horizon_days"]
    if isinstance(h, bool) or not isinstance(h, int) or h < 1:
        problems.append(ParamProblem("tier_horizon_days", f"{_show(h)} ({_type_name(h)}) is not a whole number of "
                                     f"days of at least 1, e.g. {DEFAULT_PARAMS['tier_horizon_days']}"))
    elif dates_ok and full["treatment_date"] < full["end"]:
        post_days = (dt.date.fromisoformat(full["end"]) - dt.date.fromisoformat(full["treatment_date"])).days
        if h >= post_days:  # every post contract could still be running: no post tier at all
            problems.append(ParamProblem("tier_horizon_days", f"{h:,} days is not shorter than the {post_days:,} "
                                         f"days from treatment_date {full['treatment_date']} to end {full['end']}: "
                                         "contracts started after the release would all be in neither tier"))

    seed = full["seed"]
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        problems.append(ParamProblem("seed", f"{_show(seed)} ({_type_name(seed)}) is not a non-negative integer, "
                                     f"e.g. {DEFAULT_PARAMS['seed']}"))

    mf = full["max_freelancers"]
    if isinstance(mf, bool) or not isinstance(mf, int) or mf < 0 or 0 < mf < 100:
        problems.append(ParamProblem("max_freelancers", f"{_show(mf)} ({_type_name(mf)}) is not 0 (every freelancer) "
                                     f"or an integer of at least 100, e.g. {DEFAULT_PARAMS['max_freelancers']}"))

    lists_ok = True
    for key in CATEGORY_LIST_KEYS:
        v = full[key]
        if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
            lists_ok = False
            problems.append(ParamProblem(key, f"{_show(v)} ({_type_name(v)}) is not a list of category names; "
                                         "in YAML write e.g. [Writing, Translation], on the command line "
                                         f"--set '{key}=[Writing, Translation]'"))
        elif len(set(v)) != len(v):
            dup = sorted({x for x in v if v.count(x) > 1})
            problems.append(ParamProblem(key, f"lists {dup} more than once"))
    if isinstance(full["focus_categories"], list) and not full["focus_categories"]:
        problems.append(ParamProblem("focus_categories", "is empty: name at least one focus category"))
    if lists_ok:  # (a list of lists, say, cannot be compared)
        both = sorted(set(full["focus_categories"]) & set(full["control_categories"]))
        if both:
            problems.append(ParamProblem("control_categories", f"{both} are also focus categories: a category "
                                         "is either in focus or a control, not both"))
        both = sorted(set(full["focus_categories"]) & set(full["least_exposed_controls"]))
        if both:
            problems.append(ParamProblem("least_exposed_controls", f"{both} are also focus categories: the "
                                         "least-exposed controls must be controls"))

    if not isinstance(full["data_dir"], str):
        problems.append(ParamProblem("data_dir", f"{_show(full['data_dir'])} is not a folder path (text)"))
        full["data_dir"] = ""  # callers can go on checking the rest
    if not isinstance(full["cpi_file"], str):
        problems.append(ParamProblem("cpi_file", f"{_show(full['cpi_file'])} is not a file path (text)"))
        full["cpi_file"] = ""
    elif full["cpi_file"].strip():
        try:
            path = Path(full["cpi_file"]).expanduser()
            found = path.is_file()
        except (OSError, ValueError):  # a name too long, or with a NUL byte
            found = False
        if found:
            full["cpi_file"] = str(path.resolve())  # chapters run in another folder
        else:
            problems.append(ParamProblem("cpi_file", f"{_show(full['cpi_file'])} is not a file: give a CSV with "
                                         "columns month (YYYY-MM) and cpi, or leave it empty for the bundled "
                                         "CPI-U table"))
    else:
        full["cpi_file"] = ""
    tl = full["treatment_label"]
    if not isinstance(tl, str) or not tl.strip() or len(tl) > MAX_LABEL_CHARS or any(ch in tl for ch in "\r\n\t"):
        problems.append(ParamProblem("treatment_label", f"{_show(tl)} is not a one-line text of 1 to "
                                     f"{MAX_LABEL_CHARS} characters, e.g. \"GPT-4's release\""))
        full["treatment_label"] = DEFAULT_PARAMS["treatment_label"]
    else:
        full["treatment_label"] = tl.strip()
    label = full["data_label"]
    if not isinstance(label, str) or len(label) > MAX_LABEL_CHARS or any(ch in label for ch in "\r\n\t"):
        problems.append(ParamProblem("data_label", f"{_show(label)} is not a one-line text of at most "
                                     f"{MAX_LABEL_CHARS} characters, e.g. 'platform extract 2024-06'"))
        full["data_label"] = ""
    else:
        full["data_label"] = label.strip()
    if full["output_dir"] not in ("", None):
        problems.append(ParamProblem("output_dir", "is chosen by the run for each chapter: "
                                     "leave it empty and use --out DIR"))
    full["output_dir"] = ""
    return full, problems


def _month(date: str) -> pd.Timestamp:
    return pd.Timestamp(date).to_period("M").to_timestamp()


def window_months(params: dict, first_date: str, last_date: str) -> tuple[int, int]:
    """Months before and from the treatment date within window and data.

    Returns
    -------
    n_pre, n_post : int
        Calendar months covered by both ``[start, end]`` and the extract that
        start before (pre) or on/after (post) the treatment date.
    """
    lo = max(_month(params["start"]), _month(first_date))
    hi = min(_month(params["end"]), _month(last_date))
    if lo > hi:
        return 0, 0
    months = pd.date_range(lo, hi, freq="MS")
    post = int((months >= pd.Timestamp(params["treatment_date"])).sum())
    return len(months) - post, post


def _names(cats: list[str], limit: int = 20) -> str:
    shown = ", ".join(repr(c) for c in cats[:limit])
    return shown + (f", ... ({len(cats)} in all)" if len(cats) > limit else "")


def repeat_in_window(summary, start: str, end: str) -> bool | None:
    """Whether some freelancer has contracts starting in two different months of ``[start, end]``.

    Read from the extract's ``repeat_pairs`` (:class:`analysis.data.contract.Summary`:
    freelancers by consecutive pair of their contract months): a freelancer
    has two months in the window exactly when two consecutive months of
    theirs lie in it. The window is the one the within-freelancer panels are
    built on (contracts by their start date, :func:`analysis.data.panels.in_window`),
    taken by whole months, so a window bound inside a month never makes this
    say no when a panel could have a repeat freelancer (the check only
    stops runs that certainly have none).

    Parameters
    ----------
    summary : analysis.data.contract.Summary
    start, end : str
        ISO dates of the window (inclusive).

    Returns
    -------
    bool or None
        None when the summary has no pairs to read (an extract without repeat
        freelancers, or a summary made without them).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> s = SimpleNamespace(repeat_pairs=[["2021-03", "2021-04", 5], ["2021-04", "2023-02", 1]])
    >>> repeat_in_window(s, "2021-01-01", "2021-12-31"), repeat_in_window(s, "2022-01-01", "2024-06-30")
    (True, False)
    >>> repeat_in_window(s, "2021-04-15", "2023-02-10"), repeat_in_window(SimpleNamespace(), "2021-01-01", "2021-12-31")
    (True, None)
    """
    pairs = getattr(summary, "repeat_pairs", None) or []
    if not pairs:
        return None
    lo, hi = str(start)[:7], str(end)[:7]
    return any(lo <= a and b <= hi for a, b, *_ in pairs)


def check_against_data(params: dict, summary, skip: set[str] | frozenset = frozenset()) -> list[ParamProblem]:
    """Check schema-valid parameters against a valid extract.

    Parameters
    ----------
    params : dict
        Output of :func:`check_schema`.
    summary : analysis.data.contract.Summary
        What the extract holds.
    skip : set of str
        Parameters that failed :func:`check_schema`; checks that need them
        are left out (so every other problem is still listed).

    Returns
    -------
    list of ParamProblem
    """
    problems: list[ParamProblem] = []
    cats = list(summary.categories)
    first, last = summary.first_date, summary.last_date
    if len(cats) < MIN_CATEGORIES:
        problems.append(ParamProblem("-", f"the extract has {len(cats)} categor{'y' if len(cats) == 1 else 'ies'} "
                                     f"({_names(cats)}); the comparisons need at least {MIN_CATEGORIES}",
                                     kind="data"))
    dates_ok = not (skip & {"start", "end", "treatment_date"})
    lists_ok = not (skip & {"focus_categories", "control_categories"})
    # The window lies within the job posts' months (Summary.first_date and
    # last_date are the posts' dates): a contract dated years after the last
    # post must not stretch it, or months without posts enter the panels.
    if dates_ok and _month(params["start"]) < _month(first):
        problems.append(ParamProblem("start", f"{params['start']} is before the job posts' first month "
                                     f"(job posts from {first} to {last}); valid: {first[:7]}-01 or later"))
    if dates_ok and _month(params["end"]) > _month(last):
        problems.append(ParamProblem("end", f"{params['end']} is after the job posts' last month "
                                     f"(job posts from {first} to {last}); valid: {last} or earlier"))
    if lists_ok:
        for key in LIST_KEYS:
            absent = [c for c in params[key] if c not in cats]
            if absent:
                problems.append(ParamProblem(key, f"{_names(absent)} not in the extract; valid categories: "
                                             f"{_names(cats)}"))
        controls = params["control_categories"] or [c for c in cats if c not in params["focus_categories"]]
        if not controls:
            problems.append(ParamProblem("control_categories", "the control group is empty: every category of "
                                         "the extract is in focus_categories; leave at least one category out "
                                         f"of focus (categories: {_names(cats)})"))
        given = params.get("least_exposed_controls", [])
        absent = [c for c in given if c not in cats]
        if absent and list(given) != list(DEFAULT_PARAMS["least_exposed_controls"]):
            problems.append(ParamProblem("least_exposed_controls", f"{_names(absent)} not in the extract; valid "
                                         f"categories: {_names(cats)}"))
    n_repeat = getattr(summary, "repeat_freelancers", -1)
    if n_repeat == 0:
        problems.append(ParamProblem("-", "no freelancer has contracts in two different months: the "
                                     "within-freelancer regressions compare a freelancer's months with each "
                                     "other and need freelancers seen in at least two", kind="data"))
    if not dates_ok:
        return problems
    if n_repeat > 0 and repeat_in_window(summary, params["start"], params["end"]) is False:
        problems.append(ParamProblem("start", f"no freelancer has contracts starting in two different months "
                                     f"within the window (start {params['start']} to end {params['end']}; "
                                     f"{n_repeat:,} freelancers of the extract have them, but not both in the "
                                     "window): the within-freelancer regressions compare a freelancer's months "
                                     "with each other and need freelancers seen in at least two; start earlier "
                                     "or end later"))
    if lists_ok:
        for c, (pre, post) in uncomparable(params, summary).items():
            if c in params["focus_categories"]:
                problems.append(ParamProblem("focus_categories", f"{c!r} has no job posts {_gap_words(params, pre, post)} "
                                             "within the window: it cannot be compared before and after; "
                                             "choose another focus category or another window"))
        earn = getattr(summary, "earnings_months", None) or {}
        lo, hi = params["start"][:7], params["end"][:7]
        for c in [c for c in params["focus_categories"] if c in cats]:
            if earn and not any(lo <= r[0] <= hi for r in earn.get(c, [])):
                problems.append(ParamProblem("focus_categories", f"{c!r} has no contracts within {params['start']} "
                                             f"to {params['end']}: its earnings and contract tiers cannot be "
                                             "estimated; choose another focus category"))
        problems += _contract_side_problems(params, summary)
        bad = uncomparable(params, summary)
        controls = params["control_categories"] or [c for c in cats if c not in params["focus_categories"]]
        if controls and all(c in bad for c in controls):
            problems.append(ParamProblem("control_categories", f"no control category has job posts both before "
                                         f"and from {params['treatment_date']} within the window "
                                         f"({_names(controls)}): the comparisons have no controls"))
    n_pre, n_post = window_months(params, first, last)
    if n_pre < MIN_PRE_MONTHS:
        problems.append(ParamProblem("treatment_date", f"only {n_pre} month(s) of data before "
                                     f"{params['treatment_date']} within start {params['start']} and the extract "
                                     f"({first} to {last}); need at least {MIN_PRE_MONTHS}: start earlier or "
                                     "choose a later treatment date"))
    if n_post < MIN_POST_MONTHS:
        problems.append(ParamProblem("treatment_date", f"only {n_post} month(s) of data from "
                                     f"{params['treatment_date']} within end {params['end']} and the extract "
                                     f"({first} to {last}); need at least {MIN_POST_MONTHS}: end later or "
                                     "choose an earlier treatment date"))
    if lists_ok and "value_threshold_usd" not in skip and n_pre and n_post:
        problems += _tier_problems(params, summary)
    return problems


def _first_post(params: dict) -> str:
    """First post month (``YYYY-MM``) by the post rule (:func:`analysis.core.periods.first_post_month`)."""
    first_post = _month(params["treatment_date"])
    if first_post < pd.Timestamp(params["treatment_date"]):
        first_post = first_post + pd.offsets.MonthBegin(1)
    return first_post.strftime("%Y-%m")


def _gap_words(params: dict, pre: bool, post: bool) -> str:
    td = params["treatment_date"]
    return (f"before or from {td}" if not (pre or post) else f"before {td}" if not pre else f"from {td}")


def uncomparable(params: dict, summary) -> dict[str, tuple[bool, bool]]:
    """Categories without job posts before, or without job posts from, the treatment date (within the window).

    Such a category (one created after the release, or one that ended
    before it) cannot be compared before and after: its fixed effect
    absorbs its whole treatment indicator, and pyfixest stops with "All
    variables are collinear". The chapters leave it out of every
    comparison (:func:`analysis.estimation.did.comparable_categories`
    applies the same rule to the panels) and :func:`check_against_data`
    refuses it as a focus category; :func:`data_notes` names it when it
    would have been a control.

    Parameters
    ----------
    params : dict
        Schema-valid parameters.
    summary : analysis.data.contract.Summary
        Uses ``posts_months``; an empty mapping (an old summary) finds nothing.

    Returns
    -------
    dict
        ``{category: (has_pre_posts, has_post_posts)}`` for the categories lacking either.
    """
    months = getattr(summary, "posts_months", None) or {}
    lo, hi, fp = params["start"][:7], params["end"][:7], _first_post(params)
    out = {}
    for c in summary.categories:
        ms = [m for m in months.get(c, []) if lo <= m <= hi]
        if not months:
            continue
        pre, post = any(m < fp for m in ms), any(m >= fp for m in ms)
        if not (pre and post):
            out[c] = (pre, post)
    return out


def data_notes(params: dict, summary) -> list[str]:
    """Notes for the run's log on valid parameters: the control categories left out of the comparisons.

    Returns
    -------
    list of str
        One note per category of :func:`uncomparable` that is not in focus
        (a control, given or implied).
    """
    notes = []
    for c, (pre, post) in uncomparable(params, summary).items():
        if c not in params["focus_categories"]:
            notes.append(f"note: category {c!r} has no job posts {_gap_words(params, pre, post)} within the window: "
                         "left out of the control categories")
    return notes


def contract_sides(params: dict, summary) -> dict[str, tuple[bool, bool]]:
    """Whether each category has contracts before, and from, the treatment date within the window.

    By the contracts' start months (:attr:`analysis.data.contract.Summary.earnings_months`),
    with the post rule of :mod:`analysis.core.periods`; the partly treated
    month of a mid-month treatment date counts for neither side, as in
    estimation (:func:`analysis.core.periods.partial_month`).

    Returns
    -------
    dict
        ``{category: (has_pre_contracts, has_post_contracts)}`` for every
        category of the extract; empty for a summary without ``earnings_months``.
    """
    from analysis.core.periods import partial_month  # periods imports this module

    months = getattr(summary, "earnings_months", None) or {}
    if not months:
        return {}
    lo, hi, fp = params["start"][:7], params["end"][:7], _first_post(params)
    part = partial_month(params["treatment_date"])
    part = part.strftime("%Y-%m") if part is not None else None
    out = {}
    for c in summary.categories:
        ms = [r[0] for r in months.get(c, []) if lo <= r[0] <= hi and r[0] != part]
        out[c] = (any(m < fp for m in ms), any(m >= fp for m in ms))
    return out


def _contract_side_problems(params: dict, summary) -> list[ParamProblem]:
    """Focus and control categories whose contracts cannot be compared before and after the treatment date.

    A category with job posts on both sides but contracts on one side only
    (or none) has a fixed effect that absorbs its whole treatment indicator
    in every contract outcome (earnings per contract, the value tiers): as a
    focus category its estimates fail inside pyfixest ("All variables are
    collinear"), and so does chapter 3's estimate of a control category (each
    control is compared with the others in turn, and is a placebo-treated
    unit of randomization inference). Issue 12 asks for a message naming the
    parameter and the categories instead. A category without job posts on a
    side (:func:`uncomparable`) is already named (as a focus category) or
    left out (as a control), and a focus category without any contract in
    the window has its own problem, so neither is repeated here.
    """
    sides = contract_sides(params, summary)
    if not sides:
        return []
    posts_gap = uncomparable(params, summary)
    earn = summary.earnings_months
    lo, hi = params["start"][:7], params["end"][:7]
    window = f"{params['start']} to {params['end']}"
    focus = [c for c in params["focus_categories"] if c in sides]
    out = []
    for c in focus:
        pre, post = sides[c]
        in_window = any(lo <= r[0] <= hi for r in earn.get(c, []))
        if c in posts_gap or not in_window or (pre and post):
            continue
        out.append(ParamProblem("focus_categories", f"{c!r} has contracts within {window} but none "
                                f"{_gap_words(params, pre, post)}: its earnings per contract and contract tiers "
                                "cannot be compared before and after; choose another focus category or another "
                                "window"))
    given = list(params["control_categories"])
    controls = given or [c for c in summary.categories if c not in params["focus_categories"]]
    bad = [(c, sides[c]) for c in controls if c in sides and c not in posts_gap and not all(sides[c])]
    if bad:
        which = ", ".join(f"{c!r} (none {_gap_words(params, pre, post)})" for c, (pre, post) in bad)
        fix = ("give control_categories without them" if given else
               "control_categories is empty, so every category not in focus is a control: list the controls "
               "in control_categories without them")
        out.append(ParamProblem("control_categories", f"control categor{'y' if len(bad) == 1 else 'ies'} with job "
                                f"posts but no contracts on one side of {params['treatment_date']} within {window}: "
                                f"{which}; their earnings per contract cannot be compared before and after; {fix}"))
    return out


def _tier_problems(params: dict, summary) -> list[ParamProblem]:
    """``value_threshold_usd`` must leave both tiers (``low`` below it, ``high``
    at or above) with contracts before and from the treatment date, in every
    focus category and in the control group: otherwise the tier estimates
    have nothing to compare and the regression fails inside pyfixest (a
    threshold no contract reaches killed the kernel).

    The threshold cuts the posts' ``budget_usd`` (the *budget* tier rule of
    :mod:`analysis.data.panels`), so this uses
    :attr:`analysis.data.contract.Summary.budget_months` (lowest and highest
    budget of the posts of each category's contracts by contract month;
    contracts dated in the window, whose posts the panels also require in
    the window) and says which thresholds would do. Without ``budget_usd``
    the tiers are cut per category at the pre-release quantile
    ``tier_quantile`` (both tiers hold contracts before the release by
    construction) and the threshold is not used: nothing to check.
    """
    months = getattr(summary, "budget_months", None) or {}
    if not months:
        return []
    thr = float(params["value_threshold_usd"])
    lo, hi = params["start"][:7], params["end"][:7]
    first_post = _first_post(params)
    focus = list(params["focus_categories"])
    controls = list(params["control_categories"]) or [c for c in summary.categories if c not in focus]
    groups = [(repr(c), [c]) for c in focus] + [(f"the control group ({len(controls)} categories)", controls)]
    floor, ceiling, empty = -math.inf, math.inf, []
    for label, members in groups:
        for period, when in (("pre", f"before {params['treatment_date']}"), ("post", f"from {params['treatment_date']}")):
            rows = [r for c in members for r in months.get(c, [])
                    if lo <= r[0] <= hi and (r[0] < first_post if period == "pre" else r[0] >= first_post)]
            if not rows:
                continue  # no contracts at all: not the threshold's doing
            smallest, largest = min(r[2] for r in rows), max(r[3] for r in rows)
            floor, ceiling = max(floor, smallest), min(ceiling, largest)
            if not thr > smallest:
                empty.append(f"no contract's budget in {label} {when} is below it (smallest {smallest:,.2f})")
            if not thr <= largest:
                empty.append(f"no contract's budget in {label} {when} reaches it (largest {largest:,.2f})")
    if not empty:
        return []
    more = f"; and {len(empty) - 3} more" if len(empty) > 3 else ""
    valid = (f"valid: above {floor:,.2f} and at most {ceiling:,.2f}" if floor < ceiling else
             "no threshold leaves both tiers with contracts in every focus category: choose other focus categories")
    return [ParamProblem("value_threshold_usd", f"{thr:,.2f} leaves a contract tier empty within {params['start']} "
                         f"to {params['end']}: {'; '.join(empty[:3])}{more}; {valid}")]


def format_problems(problems: list[ParamProblem], source: str = "parameters", limit: int = 20) -> str:
    """One-screen message listing parameter problems."""
    n = len(problems)
    lines = [f"{source}: {n} problem{'s' if n != 1 else ''} with the parameters:"]
    lines += [f"  - {p}" for p in problems[:limit]]
    if n > limit:
        lines.append(f"  ... and {n - limit} more")
    lines.append("  Parameters are documented in the book's re-run appendix (analysis/core/params.py: PARAMS).")
    return "\n".join(lines)

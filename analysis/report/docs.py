"""Helpers of the methods page and the appendices: tables made from the code's own definitions.

The appendices document the data contract, the synthetic world, the run's
parameters and its outputs. Each table here is rendered from the object that
defines it (``analysis.data.contract.CONTRACT``, ``analysis.data.simulate.World``,
``analysis.core.params.DEFAULT_PARAMS``, the figure metadata written by
``analysis.report.figures.save_figure``), never retyped, so the documentation cannot
drift from the code.

The methods page also uses a small panel-level Monte Carlo
(:func:`panel_monte_carlo`) and the textbook replications
(:func:`wooldridge_replications`).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Sequence

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
    from analysis.core.text import slugify

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





# ---------------------------------------------------------------------------
# A small panel-level Monte Carlo
# ---------------------------------------------------------------------------










# ---------------------------------------------------------------------------
# Parameters (re-run appendix)
# ---------------------------------------------------------------------------





def params_yaml(params: dict) -> str:
    """A parameters file (YAML) holding ``params`` (``output_dir`` left out: the runner sets it)."""
    import yaml

    body = {k: v for k, v in params.items() if k != "output_dir"}
    return yaml.safe_dump(body, sort_keys=False, allow_unicode=True, default_flow_style=None)


# ---------------------------------------------------------------------------
# Reproducibility and outputs
# ---------------------------------------------------------------------------








def id_family(estimate_id: str) -> str:
    """The family of an estimate id (its first part: ``platform``, ``category``, ...)."""
    return estimate_id.split(".", 1)[0]

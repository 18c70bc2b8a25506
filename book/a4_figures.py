# ---
# jupyter:
#   jupytext:
#     default_lexer: ipython3
#     formats: md:myst,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Appendix D: Figures and estimates
#
# ## Overview
#
# This appendix indexes what the run produced: every figure, with its files, its data and how to cite it, and every estimate of the results table, by id.
# Figure ids (`fig-<topic>-<what>`) and estimate ids are stable across runs and extracts: cite a figure or a number by its id together with the extract's SHA-256, and the same id in a re-run on other data names the same quantity.
# The index is read from the run's output: the metadata file that is written beside each figure, and the results table.

# %% tags=["parameters", "remove-cell"]
data_dir = ""
start = "2021-01-01"
end = "2024-06-30"
treatment_date = "2022-11-30"
value_threshold_usd = 1000.0
focus_categories = ["Data Science & Analytics", "Writing", "Translation"]
control_categories = []
seed = 20240501
max_freelancers = 25000
output_dir = ""

# %% tags=["remove-cell"]
from analysis.page import Page
from analysis.report import docs, figures, tables
from analysis.report.escape import Markdown

page = Page(globals())
figs = tables.figure_index(page.figures_dir)
results = page.stored_results()
page.glue("n_figures", len(figs))
page.glue("n_estimates", len(results))
nothing_found = Markdown.trusted(
    "The run found no figures or estimates in this page's output folder. "
    "Run the whole book (`python -m analysis run`), which gives this page the figures and results of every "
    "chapter, or run the chapters before this page with the same `output_dir`.")
found = Markdown.trusted(
    "Figures and estimates are those in this run's output folder, written by the chapters that ran before this page.")
page.md("index_note", nothing_found if figs.empty and results.empty else found)
page.md("figure_downloads", Markdown.trusted("\n".join(
    f"- `{fid}`: {figures.download_links(fid)}" for fid in figs["id"]) or "No figures in this run's output folder."))

# %% [markdown]
# ## Data used
#
# {glue:md}`data_note:myst`
#
# {glue:md}`index_note:myst`
#
# ## Figures
#
# The run produced {glue:text}`n_figures:d` figures.
# Each is saved under its id as SVG, PNG and PDF, with a CSV of the data it shows and a JSON file of metadata (caption, alternative text, source, checksums of every file), in the run's `figures/` folder and in the site's.
# The last column is the citation line of each figure; its files are linked in the list after the table.

# %% tags=["remove-input"]
(figs[["id", "caption", "files", "data_file", "how_to_cite"]]
 .rename(columns={"id": "Figure id", "caption": "Caption", "files": "Files", "data_file": "Data",
                  "how_to_cite": "How to cite"})
 .pipe(tables.styled).hide(axis="index"))

# %% [markdown]
# Downloads of every figure:
#
# {glue:md}`figure_downloads:myst`
#
# ## Estimates
#
# The results table, `results/estimates.csv` in the run's output folder, holds {glue:text}`n_estimates:d` estimates, one row per id, with the estimate and its 95% interval in percent, the p-value, the inference method, the number of observations and the chapter that reports it (column `chapter`; the summary links each of its ids there).
# Ids starting with `platform.` are platform-wide counterfactual gaps, `category.<category>.` category comparisons, `productivity.` within-freelancer and expert-share comparisons; ids ending in `.placebo` and `.pretrend` are checks of the design.
# The two share ids (`ai_share`, `expert_share`) and claim 3's post counts (`ai_posts`, `other_posts`: changes in percent of the category's mean monthly posts before the release) are in percentage points.
# Download the table, with the book's version and the extract's SHA-256 in every row: <a href="../results/estimates.csv" download>estimates.csv</a> (every estimate) · <a href="../results/claims.csv" download>claims.csv</a> (the summary's claim check).
# {{ pdf_link }}

# %% tags=["remove-input"]
(results.assign(family=results["id"].map(docs.id_family))
 [["id", "family", "scope", "estimate_pct", "ci_low_pct", "ci_high_pct", "p_value", "n_obs"]]
 .rename(columns={"id": "Estimate id", "family": "Family", "scope": "Comparison", "estimate_pct": "Estimate",
                  "ci_low_pct": "Low", "ci_high_pct": "High", "p_value": "p", "n_obs": "Rows"})
 .pipe(tables.styled).hide(axis="index").format(precision=2))

# %% [markdown]
# To cite a number, give its estimate id, the book's version and the extract's SHA-256 stated under *Data used*, for example: "estimate `platform.job_posts` of *Generative AI and freelance work*, extract SHA-256 as stated".
# Every estimate id in a table of the book is also an anchor: a report can link to this table's row of an estimate by appending `#` and the id to this page's address (for example `a4_figures.html#platform.job_posts`), or to the chapter that reports it in the same way.
#
# ## Summary
#
# - {glue:text}`n_figures:d` figures and {glue:text}`n_estimates:d` estimates, each under a stable id.
# - Every figure's data are in a CSV beside it; every estimate is a row of `results/estimates.csv`.

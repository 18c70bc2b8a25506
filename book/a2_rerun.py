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
# # Appendix B: Re-running with your own extract
#
# ## Overview
#
# Every number, figure and verdict in this book is computed by the run that built it, so the book can be rebuilt on another extract: a real platform extract, a different period, other focus categories.
# This appendix gives the commands, in the order to run them, documents every parameter, and shows how to build the panels on a Spark cluster or from a warehouse table.

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
from analysis.core import params
from analysis.page import Page
from analysis.report import docs, tables
from analysis.report.escape import Markdown

page = Page(globals())
page.glue("n_params", len(params.PARAMS))
page.glue("min_pre", params.MIN_PRE_MONTHS)
page.glue("min_post", params.MIN_POST_MONTHS)
page.glue("min_categories", params.MIN_CATEGORIES)

# %% [markdown]
# ## Data used
#
# {glue:md}`data_note:myst`
#
# This appendix reads no platform rows: its tables are rendered from the parameter spec in the code (`analysis/core/params.py`).
#
# ## The steps
#
# 1. **Put the extract in the contract's shape.**
#    Two tables, `job_posts` and `contracts`, as Parquet or CSV files in one folder, with the columns of {doc}`a1_data`.
# 2. **Check it.**
#
#    ```
#    python -m analysis validate DIR
#    ```
#
#    prints every violation (file, column, rule, number of rows, example rows) and exits with 1, or a one-line summary (rows, date range, categories) and exits with 0.
# 3. **Write a parameters file** (optional), a YAML mapping of any of the parameters below; parameters not in it keep their defaults.
# 4. **Run.**
#
#    ```
#    python -m analysis run --data DIR --params FILE.yaml --set key=value --out OUT [--jobs N]
#    ```
#
#    checks the extract and the parameters together, listing every problem before anything runs (exit code 1 for data problems, 2 for parameter problems), executes every chapter with the parameters, builds the HTML with warnings as errors, and writes the book to `OUT/html/`, all estimates to `OUT/results/estimates.csv`, the figures with their data to `OUT/figures/`, the executed notebooks to `OUT/executed/`, and `OUT/manifest.json` with the parameters, the checksum of every input file, package versions and the git commit.
#    `--set` overrides one parameter and can be repeated; its value is read as YAML, so `--set value_threshold_usd=500` is a number and `--set 'focus_categories=[Machine Learning, Copywriting]'` a list.
#    Nothing in `OUT` changes unless the whole run succeeds; unchanged chapters are taken from a cache, and a run with nothing changed stops with "up to date".
#    `--jobs N` executes up to N chapters at a time (default: one per core). On Linux each chapter's kernel is a fork of one process that imported the Python stack once, which saves several seconds a chapter; `--cold-kernels` starts every kernel as a new Python instead (the outputs are the same either way).
# 5. **Or with make**, which also creates the environment:
#
#    ```
#    make book DATA=dir PARAMS=file.yaml
#    ```
#
# ## One chapter at a time
#
# To re-execute one chapter on your extract without building the book (for example to work on it in Jupyter afterwards), run from the repository's folder:
#
# ```{code-block} bash
# :name: recipe-one-chapter
# python -m analysis chapter 02_platform --data DIR --params FILE.yaml
# ```
#
# It checks the extract and the parameters exactly as `run` does (same messages, same exit codes), executes the chapter, and writes the executed notebook to `_build/chapters/<extract SHA-256, first 12 digits>/02_platform.ipynb`, with the chapter's results and figures in `results/` and `figures/` beside it (`--out OUT` for another folder).
# There is one output folder per extract, and a folder that holds another extract's results is refused, so the results of two extracts are never mixed; an interactive session (`Page(globals())` with `output_dir` empty) keeps its outputs per extract in the same way, under `_build/interactive/`.
#
# The same with Jupyter's own tools, from the repository's folder (papermill cannot read the MyST page, so jupytext first makes the notebook; pass the lists of categories in the YAML file):
#
# ```{code-block} bash
# :name: recipe-one-chapter-papermill
# jupytext --to ipynb --set-kernel python3 -o 02_platform.ipynb book/02_platform.md
# papermill 02_platform.ipynb 02_platform.out.ipynb -f FILE.yaml -p data_dir DIR
# ```
#
# A chapter checks its parameters against the extract when it starts, with the messages of `run`, so a category missing from the extract stops it in its first cells; a relative `DIR` is read from the current folder.
#
# The extract must be able to answer the questions: at least {glue:text}`min_categories:d` categories, at least {glue:text}`min_pre:d` months before the treatment date and {glue:text}`min_post:d` after it, and the focus and control categories present.
# Each focus category needs job posts both before and from the treatment date and contracts in the window, and `value_threshold_usd` must leave both contract tiers with contracts; the check refuses the run otherwise, naming the category or the threshold (exit code 2).
# A control category without job posts before or after the treatment date (one created after the release, say) is left out of every comparison: the run's log and the categories chapter name it.
# A treatment date in the middle of a month (GPT-4's release, 14 March 2023) leaves that month partly treated: when more than a week of it is on or after the date, the month is left out of every estimate and the month before it is the event studies' reference; name the treatment with `treatment_label` (e.g. `--set "treatment_label=GPT-4's release"`), which every caption and sentence uses.
#
# ## Parameters

# %% tags=["remove-cell"]
example = dict(params.DEFAULT_PARAMS, data_dir="/data/platform_extract", value_threshold_usd=500.0,
               focus_categories=["Data Science & Analytics", "Writing"])
# YAML of the code's defaults and of the example above (no data in it): trusted Markdown.
page.md("defaults_yaml", Markdown.trusted("```yaml\n" + docs.params_yaml(params.DEFAULT_PARAMS) + "```"))
page.md("example_yaml", Markdown.trusted("```yaml\n" + docs.params_yaml(example) + "```"))

# %% [markdown]
# There are {glue:text}`n_params:d` parameters.
# Each chapter of the book takes all of them (its `parameters` cell), and the run passes the same values to every chapter.

# %% tags=["remove-input"]
tables.parameter_table().pipe(tables.styled).hide(axis="index")

# %% [markdown]
# A parameters file holding every default:
#
# {glue:md}`defaults_yaml:myst`
#
# An example that changes three of them (a real extract, a lower value threshold, two focus categories):
#
# {glue:md}`example_yaml:myst`
#
# The order of `focus_categories` matters for the claim check of {doc}`00_summary`: the first category plays the study's Data Science & Analytics (new AI work), the others its Writing and Translation (high- and low-value work).
# Any category names of the extract can be used.
#
# ## Robustness sweeps
#
# ```
# python -m analysis run --data DIR --sweep SWEEP.yaml --out OUT
# ```
#
# re-estimates the headline estimates (the category effects of the focus categories, the platform counterfactuals and the within-freelancer hourly rate) for each set of parameter overrides in `SWEEP.yaml`, a YAML list such as
#
# ```yaml
# - {value_threshold_usd: 500}
# - {value_threshold_usd: 2000}
# - {treatment_date: 2023-03-14}
# - {start: 2022-01-01}
# ```
#
# and writes `OUT/results/robustness.csv`, one row per estimate id and set, with the difference from the base run, and each set's estimates and parameters to `OUT/sweep/<k>/`.
# A sweep set may not change `data_dir` or `output_dir`.
#
# ## Large extracts: Spark and warehouses
#
# The panels are built by one set of Ibis expressions (`analysis/data/panels.py`), which run unchanged on DuckDB (the default, in-process), on PySpark, or on any database Ibis supports {cite:p}`ibis2024,raasveldt2019duckdb`.
# The chapters build their panels with DuckDB; the robustness sweep can use Spark with `--backend pyspark` (local Spark, the machine's cores) or `--backend spark://HOST:PORT` (a Spark standalone cluster: the address its master prints).
# On a cluster the executors read the extract's files themselves, so the extract folder must be at the same path on every worker (a shared file system); they need no Python packages, since the builder sends them only SQL.
# `ANALYSIS_SPARK_EXECUTOR_MEMORY` (default `1g`) and `ANALYSIS_SPARK_DRIVER_MEMORY` (default `2g`) size the session; a master that does not answer stops the run with Spark's error after its retries.
# A malformed address is refused before anything runs, with exit code 2 like any other bad parameter or option.
# From Python, point the builder at a Spark session or a database with `analysis.data.panels.connect`:
#
# ```python
# from analysis.data.panels import build_panels, connect, finish_panels, panel_exprs
#
# # Local Spark (two cores) or your cluster's session:
# con = connect("pyspark")                      # or connect("spark://host:7077"), connect("pyspark", session=spark)
# panels = build_panels("/data/extract", 1000.0, "2021-01-01", "2024-06-30", con=con)
#
# # A warehouse: any Ibis connection URL; tables with the contract's columns.
# con = connect("postgres://user@host/db")      # or "duckdb:///path/file.ddb", ...
# posts, contracts = con.table("job_posts"), con.table("contracts")
# exprs = panel_exprs(posts, contracts, 1000.0, "2021-01-01", "2024-06-30")
# panels = finish_panels({name: e.to_pandas() for name, e in exprs.items()}, "2021-01-01", "2024-06-30")
# ```
#
# `build_panels` reads the two table files of a folder (Parquet or CSV, including on a cluster file system the engine can read); `panel_exprs` takes any two Ibis tables that have the contract's columns and types, so a warehouse table needs no export.
# The panels that come back are small (category by month, and freelancer by month), and the estimators run on them in Python.
#
# What makes large extracts practical:
#
# - **One pass per aggregate.** The engine makes three aggregates: posts by category, experience level and month; contracts, joined once to their posts, by category, experience level, value tier and month; and contracts by freelancer, category and month. The three category panels are sums of the first two, made in pandas from a few thousand rows. `build_panels(..., panels=[...])` builds only the panels asked for, and a chapter builds the freelancer panel only if it uses it.
# - **Exact sums in the engine.** Every sum of money, hours or stars that the engine computes is added in 128-bit fixed point with nine decimals, then turned back into a floating-point number; the roll-ups in pandas add those sums in a fixed order. Floating-point addition depends on the order of the terms, which changes from run to run on a parallel engine; fixed-point addition does not. So DuckDB uses every core, and the panels are bit for bit the same on one thread or many. On Spark they are the same bits when amounts have at most nine decimals (money in cents, hours to the hundredth), and otherwise agree to about one part in 10^12.
# - **Panels built once per run.** `python -m analysis run` keeps the panels in its cache folder (Parquet, keyed by the extract's checksum, the parameters and the builder's code); the first chapter that needs a panel builds it, the others read it.
# - **A sample of freelancers for the within-freelancer regressions.** Their cost grows with the rows of the freelancer panel (about half as many rows as contracts). Above `max_freelancers` freelancers (a run parameter, see the table above) they use a simple random sample of that many freelancers, drawn with `seed`, with all their months; the productivity chapter says which sample it used. `--set max_freelancers=0` uses every freelancer.
#
# `benchmarks/run.py` measures the builder against plain pandas and the whole run at 10^5 to 10^7 job posts; its README has the numbers measured on a two-core machine.
#
# ## Summary
#
# - Check an extract with `python -m analysis validate DIR`, then build the whole book on it with `python -m analysis run --data DIR --params FILE.yaml --out OUT` (or `make book DATA=dir PARAMS=file.yaml`).
# - All {glue:text}`n_params:d` parameters are listed above with type, default and meaning; `--set key=value` overrides one.
# - `--sweep` re-estimates the headline estimates under other parameters; the panels can be built on Spark or from a warehouse through Ibis, with the same numbers as on DuckDB.
#
# ## References
#
# ```{bibliography}
# :filter: docname in docnames
# ```

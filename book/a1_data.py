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
# # Appendix A: Data contract and synthetic data
#
# ## Overview
#
# The book runs on any platform extract that follows one data contract: two tables, job posts and contracts, with the columns and rules below.
# Real platform microdata is private, so by default it runs on a synthetic extract drawn from a documented data-generating process.
# This appendix states the contract, the process, every true parameter of the synthetic world and the true effects planted in the bundled extract.
# The tables are rendered from the code that enforces and generates the data (`analysis/data/contract.py` and `analysis/data/simulate.py`), so they cannot drift from it.

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
import pandas as pd

from analysis.core.paths import SYNTHETIC_DIR
from analysis.data import contract, simulate
from analysis.page import Page
from analysis.report import docs, tables, words
from analysis.report.escape import Markdown

page = Page(globals())

# %% [markdown]
# ## Data used
#
# {glue:md}`data_note:myst`
#
# This appendix itself reads no platform rows: it renders the contract and the synthetic world from the code, and the true effects from `data/synthetic/truth.json`, the file written beside the bundled extract.
#
# ## The data contract
#
# An extract is a folder holding two tables, each as Parquet or CSV: `job_posts.parquet` or `job_posts.csv`, and `contracts.parquet` or `contracts.csv`.
# Extra columns are allowed and ignored; column names are case-sensitive.
# Types are judged by value, not by storage: a date stored as text `2023-01-31` is accepted, text that cannot be read as the type is not.
# `python -m analysis validate DIR` checks a folder against every rule and lists every violation with its file, column, rule, number of rows and example rows ({doc}`a2_rerun`).

# %% tags=["remove-cell"]
page.glue("n_tables", len(contract.CONTRACT))
page.glue("n_columns_posts", len(contract.CONTRACT["job_posts"]))
page.glue("n_columns_contracts", len(contract.CONTRACT["contracts"]))
page.glue("tier_horizon", page.params["tier_horizon_days"])
page.glue("tier_quantile_word", words.quantile_word(page.params["tier_quantile"]))

# %% [markdown]
# ### `job_posts`: one row per job post
#
# The table has {glue:text}`n_columns_posts:d` required columns.

# %% tags=["remove-input"]
tables.contract_table(contract.CONTRACT, "job_posts").pipe(tables.styled).hide(axis="index")

# %% [markdown]
# ### `contracts`: one row per contract formed from a post
#
# The table has {glue:text}`n_columns_contracts:d` required columns.
# A contract takes the category, contract type and experience level of its post.

# %% tags=["remove-input"]
tables.contract_table(contract.CONTRACT, "contracts").pipe(tables.styled).hide(axis="index")

# %% [markdown]
# ### Optional columns
#
# Two further columns are optional: an extract without them is valid, and when one is present it is read and checked like the required columns, in every row.

# %% tags=["remove-input"]
tables.contract_table(contract.OPTIONAL, "job_posts").pipe(tables.styled).hide(axis="index")

# %% tags=["remove-input"]
tables.contract_table(contract.OPTIONAL, "contracts").pipe(tables.styled).hide(axis="index")

# %% [markdown]
# They decide how contracts are split into value tiers (claim 4, {doc}`03_categories`), so that a tier is never cut on a contract's own realised earnings: with `budget_usd`, by the post's budget against `value_threshold_usd`; without it, per category at the {glue:text}`tier_quantile_word` of pre-release earnings censored at {glue:text}`tier_horizon:d` days (run parameters `tier_quantile` and `tier_horizon_days`), pro-rated with `ended_on` where present, and contracts started in the last {glue:text}`tier_horizon:d` days of the window that may still be running left out of both tiers.
# The bundled synthetic extract has both: `budget_usd` (each post's latent value, rounded to cents), which sets its tiers, and `ended_on` (about three weeks for a USD 1,000 contract, longer for larger ones; null for a contract still running at the extract's end), which the quantile rule would use on a copy without `budget_usd`.
# `data/README.md` states the rule in full.
#
# ### Freelancer panels

# %% tags=["remove-cell"]
from analysis.data import panels

page.md("freelancer_rules", Markdown.trusted(docs.rst_to_myst(docs.docstring_section(panels.__doc__,
                                                                                     "Freelancer panels"))))

# %% [markdown]
# The within-freelancer regressions of {doc}`04_productivity` use two panels built from the contracts; the rules below are rendered from `analysis/data/panels.py`, and `data/README.md` carries the same text.
#
# {glue:md}`freelancer_rules:myst`
#
# Beyond the contract, a run checks that the extract can answer the questions: at least three categories, enough months before and after the treatment date, and the focus and control categories present.
#
# ## The synthetic data-generating process
#
# The process below is the module documentation of `analysis/data/simulate.py`, rendered as it stands in the code.

# %% tags=["remove-cell"]
# The module's own documentation (code, not data): trusted Markdown.
page.md("dgp_text", Markdown.trusted(docs.rst_to_myst(docs.docstring_section(simulate.__doc__,
                                                                             "Data-generating process"))))
page.md("calibration_text", Markdown.trusted(docs.rst_to_myst(docs.docstring_section(simulate.__doc__,
                                                                                     "Calibration"))))

# %% [markdown]
# {glue:md}`dgp_text:myst`
#
# ### Calibration
#
# {glue:md}`calibration_text:myst`
#
# The synthetic extract is **illustrative**.
# Its categories are the platform's twelve top-level categories, but their sizes, growth rates, values and planted effects are round numbers chosen so that the effects have the signs the study reported; they are not estimates for any real platform, and the book's numbers on this extract say nothing about the real effects of generative AI.
# They show that the estimators recover known effects and what the pages look like.
#
# ## Every true parameter of the synthetic world

# %% tags=["remove-cell"]
world = simulate.world_to_dict(simulate.World())
scalars, categories = tables.world_tables(world)
page.glue("world_seed", world["seed"])
page.glue("world_n_posts", world["n_posts"])
page.glue("world_n_categories", len(categories))
bundled = docs.load_truth(SYNTHETIC_DIR)
same = bundled is not None and bundled["world"] == world
page.glue("bundled_world_check", "records exactly this world" if same else
          "does not record this world (the bundled extract was made from other parameters: see its truth.json)")

# %% [markdown]
# The default world, `World()`, has seed {glue:text}`world_seed:d`, an expected {glue:text}`world_n_posts:,d` job posts and {glue:text}`world_n_categories:d` categories.
# The `truth.json` of the bundled extract {glue:text}`bundled_world_check`.
# Effects are in log points at full ramp; `platform.posts` and `platform.value` are the platform-wide effects on job posts and contract value.

# %% tags=["remove-input"]
scalars.pipe(tables.styled).hide(axis="index")

# %% [markdown]
# One row per category, with the parameters of `CategorySpec` (`share`: share of posts; `log_value`: mean log contract value in USD at intermediate level; `growth`: yearly growth of posts in log points; `hourly_share`: share of hourly contracts; `log_rate`: mean log hourly rate in USD; `ai_base`: share of AI-related posts at full ramp; `post`, `low`, `high`, `rate`, `expert_shift`: planted effects on posts, low- and high-value posts, hourly rates and the log-odds of expert-level posts; `value_shift`, where a world sets it, the effect on earnings relative to the post's budget).

# %% tags=["remove-input"]
categories.pipe(tables.styled).hide(axis="index").format(precision=2)

# %% [markdown]
# ## True effects planted in the bundled extract

# %% tags=["remove-cell"]
truth_effects = pd.DataFrame(sorted((bundled or {}).get("effects", {}).items()),
                             columns=["Estimate id", "True effect (%)"])
page.glue("n_true_effects", len(truth_effects))

# %% [markdown]
# The true effects are the estimands of the book's estimators, computed from the expected values of the process with and without generative AI: percent changes averaged over the post months, relative to the control categories for category ids ({doc}`05_methods`).
# They are stored under the same ids as the estimates of the results table, so each estimate can be set beside its truth; the bundled extract records {glue:text}`n_true_effects:d` of them.

# %% tags=["remove-input"]
truth_effects.pipe(tables.styled).hide(axis="index").format({"True effect (%)": "{:.2f}"})

# %% [markdown]
# ## Summary
#
# - An extract is two tables, job posts and contracts, with {glue:text}`n_columns_posts:d` and {glue:text}`n_columns_contracts:d` required columns; the contract above is rendered from the code that checks it.
# - The default data are synthetic, drawn from the process above with {glue:text}`world_n_categories:d` categories; all true parameters and the {glue:text}`n_true_effects:d` true effects are listed here.
# - The synthetic numbers are illustrative: they have the signs the study reported, not its sizes, and are not evidence about any real platform.
#
# ## References
#
# ```{bibliography}
# :filter: docname in docnames
# ```

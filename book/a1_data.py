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
# This page is being written.

# %% tags=["parameters", "remove-cell"]
data_dir = ""
start = "2021-01-01"
end = "2024-06-30"
treatment_date = "2022-11-30"
value_threshold_usd = 1000.0
focus_categories = ["Data Science & Analytics", "Writing", "Translation"]
control_categories = []
seed = 20240501
output_dir = ""

# %% tags=["remove-cell"]
from myst_nb import glue

from analysis.chapter import setup

ctx = setup(data_dir=data_dir, start=start, end=end, treatment_date=treatment_date,
            value_threshold_usd=value_threshold_usd, focus_categories=focus_categories,
            control_categories=control_categories, seed=seed, output_dir=output_dir)
glue("data_note", ctx.data_note(), display=False)

# %% [markdown]
# ## Data used
#
# {glue:md}`data_note`
#
# ## Summary
#
# To be written.

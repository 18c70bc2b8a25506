"""Tests of analysis.report.figures: deterministic export, data files, ids, plot contracts."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure

from analysis.report import figures as F

MONTHS = pd.date_range("2021-01-01", "2024-06-01", freq="MS")
RELEASE = "2022-11-30"
CATS = ["Alpha", "Beta & Gamma", "Delta", "Epsilon", "Zeta, Eta"]


def _rng(seed=0):
    return np.random.default_rng(seed)


def _platform():
    rng = _rng(1)
    rows = []
    for outcome in ("Job posts", "Contracts"):
        v = 1000 + rng.normal(0, 30, len(MONTHS)).cumsum()
        rows.append(pd.DataFrame({"month": MONTHS, "outcome": outcome, "series": "monthly", "value": v}))
        rows.append(pd.DataFrame({"month": MONTHS, "outcome": outcome, "series": "12-month centred average",
                                  "value": pd.Series(v).rolling(12, center=True).mean()}).dropna())
    return pd.concat(rows, ignore_index=True)


def _seasonal():
    return pd.DataFrame({"calendar_month": np.tile(np.arange(1, 13), 2), "outcome": np.repeat(["a", "b"], 12),
                         "value": _rng(2).normal(0, 5, 24)})


def _counterfactual():
    rng = _rng(3)
    obs = 1000 + rng.normal(0, 20, len(MONTHS))
    post = MONTHS >= pd.Timestamp(RELEASE)
    proj = np.full(len(MONTHS), 1000.0)
    return pd.DataFrame({"month": MONTHS, "observed": obs, "projected": proj,
                         "lower": np.where(post, 950.0, np.nan), "upper": np.where(post, 1050.0, np.nan),
                         "post": post, "outcome": "Job posts"})


def _forest(outcomes=("Job posts", "Earnings per contract")):
    rng = _rng(4)
    rows = []
    for o in outcomes:
        b = rng.normal(0, 10, len(CATS))
        rows.append(pd.DataFrame({"category": CATS, "outcome": o, "estimate_pct": b, "ci_low_pct": b - 5,
                                  "ci_high_pct": b + 5}))
    return pd.concat(rows, ignore_index=True)


def _event():
    rel = np.arange(-12, 19)
    rows = []
    for c in CATS[:2]:
        b = _rng(5).normal(0, 3, len(rel))
        b[rel == -1] = 0
        rows.append(pd.DataFrame({"category": c, "rel_month": rel, "coef_pct": b, "ci_low_pct": b - 4,
                                  "ci_high_pct": b + 4}))
    return pd.concat(rows, ignore_index=True)


def _tiers():
    rng = _rng(6)
    return pd.concat([pd.DataFrame({"category": c, "tier": t, "month": MONTHS,
                                    "value": 100 + rng.normal(0, 5, len(MONTHS))})
                      for c in CATS[:2] for t in ("low value", "high value")], ignore_index=True)


def _groups(col="value"):
    rng = _rng(7)
    return pd.concat([pd.DataFrame({"group": g, "month": MONTHS, col: rng.uniform(1, 10, len(MONTHS))})
                      for g in CATS[:3]], ignore_index=True)


def _mix():
    rows = []
    for c in CATS[:3]:
        for p in ("before", "after"):
            rows += [{"category": c, "period": p, "experience_level": lv, "share_pct": s}
                     for lv, s in (("entry", 30.0), ("intermediate", 50.0), ("expert", 20.0))]
    return pd.DataFrame(rows)


def _within():
    return pd.DataFrame({"outcome": ["Hourly rate", "Hours per contract", "Feedback"],
                         "estimate_pct": [5.0, -2.0, 0.1], "ci_low_pct": [1.0, -6.0, -1.0],
                         "ci_high_pct": [9.0, 2.0, 1.2]})


def _distribution():
    k = np.array([100.0, 300.0, 1000.0, 3000.0, 10000.0])
    return pd.concat([pd.DataFrame({"category": c, "threshold": k, "estimate_pp": b, "ci_low_pp": b - 2,
                                    "ci_high_pp": b + 2}) for c, b in zip(CATS[:2], (k / 1e3, k / 2e3))],
                     ignore_index=True)


PLOTS = {
    "platform_trends": lambda: F.platform_trends(_platform(), RELEASE),
    "seasonal_profile": lambda: F.seasonal_profile(_seasonal()),
    "counterfactual": lambda: F.counterfactual(_counterfactual(), RELEASE),
    "forest": lambda: F.forest(_forest(), highlight=CATS[:2]),
    "event_study": lambda: F.event_study(_event()),
    "tier_series": lambda: F.tier_series(_tiers(), RELEASE),
    "tier_distribution": lambda: F.tier_distribution(_distribution(), 1000.0),
    "ai_share": lambda: F.ai_share(_groups("share_pct"), RELEASE, highlight=CATS[:2]),
    "level_mix": lambda: F.level_mix(_mix()),
    "hourly_rates": lambda: F.hourly_rates(_groups(), RELEASE, highlight=CATS[:2]),
    "within_freelancer_forest": lambda: F.within_freelancer_forest(_within()),
    "leave_one_out": lambda: F.leave_one_out(_loo()),
}


def _loo():
    from analysis.report.frames import leave_one_out_frame

    rows = [{"category": c, "outcome": "job_posts", "left_out": f"K{k}", "estimate_pct": b + k - 1.0,
             "full_pct": b, "full_ci_low_pct": b - 2.5, "full_ci_high_pct": b + 2.5, "shift_pct": k - 1.0,
             "drives": abs(k - 1.0) > 2.5} for c, b in zip(CATS[:2], (5.0, -3.0)) for k in range(5)]
    return leave_one_out_frame(pd.DataFrame(rows))


def test_leave_one_out_figure_marks_the_controls_that_drive_an_estimate():
    fig = F.leave_one_out(_loo())
    ax = fig.axes[0]
    by_y = dict(zip(ax.get_yticks(), (t.get_text() for t in ax.get_yticklabels())))
    assert [by_y[y] for y in sorted(by_y, reverse=True)] == [f"{c}: Job posts" for c in CATS[:2]]  # first on top
    pts = {c.get_label(): c.get_offsets() for c in ax.collections if hasattr(c, "get_offsets")}
    assert len(pts["all controls (95% interval)"]) == 2
    # k = 4 shifts by 3 > 2.5: one driving refit per estimate, four others.
    assert len(pts["left out, moves it outside"]) == 2 and len(pts["one control left out"]) == 8
    assert sorted(pts["left out, moves it outside"][:, 0]) == [0.0, 8.0]
    empty = F.leave_one_out(_loo().iloc[0:0])
    assert "fewer than three controls" in empty.axes[0].texts[0].get_text()



@pytest.mark.parametrize("name", sorted(PLOTS))
def test_plot_returns_untitled_figure(name):
    fig = PLOTS[name]()
    assert isinstance(fig, Figure)
    assert fig._suptitle is None
    for ax in fig.axes:
        assert ax.get_title(loc="center") == ax.get_title(loc="left") == ax.get_title(loc="right") == ""


def test_every_public_plot_function_is_tested():
    public = {n for n in dir(F) if not n.startswith("_") and callable(getattr(F, n))
              and getattr(getattr(F, n), "__module__", "") == F.__name__
              and getattr(F, n).__annotations__.get("return") in (Figure, "Figure")}
    assert public == set(PLOTS)


@pytest.mark.parametrize("name", ["platform_trends", "forest", "level_mix", "counterfactual"])
def test_save_twice_gives_identical_bytes(tmp_path, name):
    fig = PLOTS[name]()
    data = _forest()
    kw = dict(caption="A caption.", alt="Alt text.", source_note="test")
    a, b = tmp_path / "a", tmp_path / "b"
    cite_a = F.save_figure(fig, "fig-test-one", data, a, **kw)
    cite_b = F.save_figure(PLOTS[name](), "fig-test-one", data, b, **kw)
    assert cite_a == cite_b
    for ext in ("svg", "png", "pdf", "csv", "json"):
        assert (a / "figures" / f"fig-test-one.{ext}").read_bytes() == (b / "figures" / f"fig-test-one.{ext}").read_bytes(), ext


def test_no_clock_in_outputs(tmp_path):
    F.save_figure(PLOTS["forest"](), "fig-test-clock", _forest(), tmp_path, caption="c", alt="a")
    year = str(pd.Timestamp.now().year)
    svg = (tmp_path / "figures" / "fig-test-clock.svg").read_text()
    assert "<dc:date>" not in svg
    pdf = (tmp_path / "figures" / "fig-test-clock.pdf").read_bytes()
    assert b"CreationDate" not in pdf and b"ModDate" not in pdf
    png = (tmp_path / "figures" / "fig-test-clock.png").read_bytes()
    assert b"Software" not in png and b"tIME" not in png
    meta = (tmp_path / "figures" / "fig-test-clock.json").read_text()
    assert year not in meta


def test_data_csv_equals_data(tmp_path):
    data = _counterfactual()
    F.save_figure(PLOTS["counterfactual"](), "fig-test-data", data, tmp_path, caption="c", alt="a")
    back = pd.read_csv(tmp_path / "figures" / "fig-test-data.csv", parse_dates=["month"])
    back["month"] = back["month"].astype(data["month"].dtype)
    pd.testing.assert_frame_equal(back, data, check_exact=False, rtol=1e-9, check_dtype=False)
    pd.testing.assert_frame_equal(back, F.canonical(data), check_exact=True, check_dtype=False)


def test_last_bit_noise_does_not_change_files(tmp_path):
    # Panel sums can differ in the last bits between runs; the files must not.
    data = _counterfactual()
    noisy = data.assign(observed=data["observed"] * (1 + 1e-15))
    F.save_figure(F.counterfactual(data, RELEASE), "fig-test-noise", data, tmp_path / "a", caption="c", alt="a")
    F.save_figure(F.counterfactual(noisy, RELEASE), "fig-test-noise", noisy, tmp_path / "b", caption="c", alt="a")
    for ext in ("svg", "png", "pdf", "csv", "json"):
        assert (tmp_path / "a" / "figures" / f"fig-test-noise.{ext}").read_bytes() == \
            (tmp_path / "b" / "figures" / f"fig-test-noise.{ext}").read_bytes(), ext


def test_metadata_and_citation(tmp_path):
    data = _forest()
    cite = F.save_figure(PLOTS["forest"](), "fig-test-meta", data, tmp_path, caption="Effects by category.",
                         alt="Dots and lines.", source_note="synthetic")
    meta = json.loads((tmp_path / "figures" / "fig-test-meta.json").read_text())
    sha = meta["data_sha256"]
    assert meta["id"] == "fig-test-meta" and meta["caption"] == "Effects by category."
    assert meta["alt"] == "Dots and lines." and meta["source_note"] == "synthetic"
    assert sha == __import__("hashlib").sha256(F.data_csv_bytes(data)).hexdigest()
    assert cite == (f"Effects by category. Figure fig-test-meta, in *Generative AI and freelance work* "
                    f"v{F.project_version()}, figure data SHA-256 {sha[:12]}.")
    assert meta["how_to_cite"] == cite


@pytest.mark.parametrize("bad", ["fig_test", "Fig-test", "fig-", "fig--a", "test-fig", "fig-a b", "fig-é", "", None])
def test_invalid_id_rejected(tmp_path, bad):
    with pytest.raises(ValueError):
        F.save_figure(PLOTS["forest"](), bad, _forest(), tmp_path, caption="c", alt="a")
    assert not (tmp_path / "figures").exists() or not any((tmp_path / "figures").iterdir())


def test_valid_ids_accepted():
    for ok in ("fig-a", "fig-platform-trends", "fig-categories-effects-2"):
        assert F.validate_fig_id(ok) == ok


def _points(ax):
    return sum(len(c.get_offsets()) for c in ax.collections if isinstance(c, PathCollection))


def test_forest_one_point_per_category():
    data = _forest()
    fig = F.forest(data, highlight=["Delta"])
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert len(axes) == data["outcome"].nunique()
    for ax in axes:
        assert _points(ax) == len(CATS)
    assert sorted(t.get_text() for t in axes[0].get_yticklabels()) == sorted(CATS)
    # the highlighted category is drawn apart from the others, on top
    ax = axes[0]
    colls = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert sorted(len(c.get_offsets()) for c in colls) == [1, len(CATS) - 1]
    top = max(zip(ax.get_yticks(), ax.get_yticklabels()), key=lambda t: t[0])[1]
    assert top.get_text() == "Delta"


def test_forest_points_at_estimates():
    data = _forest(outcomes=("Job posts",))
    fig = F.forest(data)
    pts = np.vstack([c.get_offsets() for c in fig.axes[0].collections if isinstance(c, PathCollection)])
    assert sorted(pts[:, 0]) == pytest.approx(sorted(data["estimate_pct"]))


def test_within_freelancer_forest_one_row_per_outcome():
    fig = F.within_freelancer_forest(_within())
    assert _points(fig.axes[0]) == 3


def test_theme_is_not_global():
    import matplotlib as mpl

    before = dict(mpl.rcParams)
    PLOTS["forest"]()
    assert dict(mpl.rcParams) == before


def test_cite_key_follows_the_figure_id():
    assert F.cite_key("fig-platform-trends") == "cite_platform_trends"
    assert F.cite_key("fig-productivity-within-freelancer") == "cite_productivity_within_freelancer"
    with pytest.raises(ValueError):
        F.cite_key("platform-trends")


FIGURE_PAGE = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# A page

```{code-cell} ipython3
---
mystnb:
  figure:
    caption: 'Effects by category at USD {glue:text}`threshold:,.0f`. Data: {glue:text}`data_label`.'
    name: fig-test-publish
  image:
    alt: Dots and lines.
tags: [remove-input]
---
page.figure("fig-test-publish", fig, data)
```
"""


def test_page_figure_takes_caption_and_alt_from_the_cell_metadata(tmp_path, monkeypatch):
    """The caption and alt text exist once, in the MyST metadata; the files get them resolved."""
    import myst_nb

    from analysis.page import Page, figure_metadata

    glued = {}
    monkeypatch.setattr(myst_nb, "glue", lambda key, value, display=True: glued.update({key: (value, display)}))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "page.md").write_text(FIGURE_PAGE)
    assert figure_metadata("fig-test-publish")["alt"] == "Dots and lines."
    page = Page({}, output_dir=str(tmp_path / "out"))
    with pytest.raises(KeyError, match="threshold"):
        page.figure("fig-test-publish", PLOTS["forest"](), _forest())
    page.glue("threshold", 1000.0)
    page.figure("fig-test-publish", PLOTS["forest"](), _forest())
    meta = json.loads((tmp_path / "out" / "figures" / "fig-test-publish.json").read_text())
    short = page.short_checksum
    assert meta["caption"] == ("Effects by category at USD 1,000. Data: synthetic extract (illustrative), "
                               f"extract SHA-256 {short}")
    assert meta["alt"] == "Dots and lines."
    assert meta["source_note"].startswith(f"Data: synthetic extract (illustrative), extract SHA-256 {short}; ")
    value, display = glued["cite_test_publish"]
    assert "Figure fig\\-test\\-publish\\, in *Generative AI and freelance work*" in value.data and display is False
    # The extract's checksum (in the caption) and the figure data's are named apart.
    assert f"extract SHA\\-256 {short}" in value.data
    assert f"figure data SHA\\-256 {meta['data_sha256'][:12]}" in value.data
    assert 'Download: <a href="../figures/fig-test-publish.svg" download>SVG</a>' in value.data
    assert value.data.count('href="../figures/fig-test-publish.') == 5
    with pytest.raises(KeyError, match="no chapter cell"):
        figure_metadata("fig-test-missing")


def test_page_names_the_extract_by_label_never_by_path(tmp_path, monkeypatch):
    """A folder named ``extract`` is "extract" (not "extract extract"); ``data_label`` wins; no path is glued."""
    import myst_nb

    from analysis.data.simulate import World, write_extract
    from analysis.page import Page

    glued = {}
    monkeypatch.setattr(myst_nb, "glue", lambda key, value, display=True: glued.update({key: value}))
    data = tmp_path / "private-Zq7" / "extract"
    write_extract(World(n_posts=2_000, seed=3), data, fmt="csv")
    page = Page({}, data_dir=str(data), output_dir=str(tmp_path / "out"))
    assert page.data_label == "extract"
    assert glued["data_label"] == f"extract, extract SHA-256 {page.checksum[:12]}"
    assert glued["data_note"].data.startswith("Every number on this page is computed from *extract*, the extract "
                                              f"supplied for this run (extract SHA-256 `{page.checksum[:12]}`)")
    assert "extract extract" not in glued["data_note"].data
    named = Page({}, data_dir=str(data), data_label="Platform extract, June 2024", output_dir=str(tmp_path / "o"))
    assert named.data_label == "Platform extract, June 2024"
    assert named.source_note.startswith(f"Data: Platform extract, June 2024, extract SHA-256 {page.checksum[:12]}; ")
    shown = " ".join(str(getattr(v, "data", v)) for v in glued.values())
    assert "private-Zq7" not in shown and str(tmp_path) not in shown


def test_exported_images_carry_title_source_licence_and_id(tmp_path):
    import html as _html

    with F.theme():
        fig = Figure(figsize=(F.WIDTH, 3), layout="constrained")
        fig.add_subplot().plot([0, 1], [0, 1])
    n_texts = len(fig.texts)
    note = "Data: synthetic extract (illustrative), extract SHA-256 0123456789ab; seed 1."
    F.save_figure(fig, "fig-test-stamp", pd.DataFrame({"x": [0, 1]}), tmp_path,
                  caption="Posts for $50 and $100 jobs. Shaded: a band", alt="a line", source_note=note)
    svg = _html.unescape((tmp_path / "figures" / "fig-test-stamp.svg").read_text())
    assert "Posts for $50 and $100 jobs" in svg and "Shaded: a band" not in svg  # first sentence, literal $
    assert "Figure fig-test-stamp." in svg and "synthetic extract (illustrative)" in svg
    assert f"Licence {F.FIGURE_LICENCE}." in svg and f"version {F.project_version()}" in svg
    assert len(fig.texts) == n_texts  # the stamp is removed after saving
    meta = json.loads((tmp_path / "figures" / "fig-test-stamp.json").read_text())
    assert meta["image_title"] == "Posts for $50 and $100 jobs"
    assert meta["image_footer"].startswith("Figure fig-test-stamp. Data: synthetic extract")


def test_no_library_log_lines_reach_a_page_when_a_pdf_is_saved(tmp_path):
    """pyfixest's import turned INFO logging on, and fontTools then printed hundreds of lines into chapters."""
    import subprocess
    import sys

    code = ("from analysis.estimation.inference import pyfixest; pyfixest()\n"
            "import pyfixest.estimation.models.feols_compressed_\n"
            "import pandas as pd\n"
            "from matplotlib.figure import Figure\n"
            "from analysis.report import figures as F\n"
            "fig = Figure(); fig.add_subplot().plot([0, 1], [0, 1])\n"
            f"F.save_figure(fig, 'fig-a-b', pd.DataFrame({{'x': [1]}}), r'{tmp_path}', caption='A', alt='a')\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "INFO:" not in r.stderr and "fontTools" not in r.stderr
    assert (tmp_path / "figures" / "fig-a-b.pdf").is_file()

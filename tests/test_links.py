"""The page of each estimate: recorded by the run's merge, and the summary's links made from it."""

from __future__ import annotations

import pandas as pd

from analysis.build.run import ChapterRun, merge_results
from analysis.report import tables
from analysis.results import Estimate, read_results, write_results


def _est(i: str, value: float = 1.0) -> Estimate:
    return Estimate(id=i, outcome="job_posts", scope="test", estimate_pct=value, ci_low_pct=value - 1,
                    ci_high_pct=value + 1, p_value=0.5, inference="hand-made", n_obs=10)


def _run(tmp_path, name: str, estimates: list) -> ChapterRun:
    r = ChapterRun(name, "k", tmp_path / name, cached=True)
    write_results(estimates, r.out / "results" / "estimates.csv")
    return r


def test_merge_records_the_first_chapter_holding_each_id(tmp_path):
    platform = _run(tmp_path, "02_platform", [_est("platform.job_posts")])
    categories = _run(tmp_path, "03_categories", [_est("category.writing.job_posts", 2.0)])
    # the summary runs last, seeded with the others' rows (chapter already filled), plus its own estimate
    seed = tmp_path / "seed.csv"
    merge_results([platform, categories], seed)
    summary = ChapterRun("00_summary", "k", tmp_path / "00_summary", cached=True)
    (summary.out / "results").mkdir(parents=True)
    seed.replace(summary.out / "results" / "estimates.csv")
    write_results([_est("productivity.expert_share", 3.0)], summary.out / "results" / "estimates.csv")
    merge_results([platform, categories, summary], tmp_path / "all.csv")
    got = read_results(tmp_path / "all.csv").set_index("id")["chapter"].to_dict()
    assert got == {"category.writing.job_posts": "03_categories", "platform.job_posts": "02_platform",
                   "productivity.expert_share": "00_summary"}
    # a page's own file leaves the column empty; an old file without it reads as empty
    assert read_results(platform.out / "results" / "estimates.csv")["chapter"].tolist() == [""]
    old = tmp_path / "old.csv"
    pd.read_csv(tmp_path / "all.csv").drop(columns="chapter").to_csv(old, index=False)
    assert read_results(old)["chapter"].tolist() == ["", "", ""]


def test_summary_ids_link_to_the_chapter_estimate_and_own_ids_stay_anchors():
    results = pd.DataFrame({"id": ["platform.job_posts", "category.writing.contracts.low_value",
                                   "productivity.expert_share"],
                            "chapter": ["02_platform", "03_categories", ""]})
    shown = ["platform.job_posts.first_year", "category.writing.contracts.low_value.first_year",
             "productivity.expert_share.first_year", "platform.job_posts.first_year"]
    targets = [s.removesuffix(".first_year") for s in shown]
    links = tables.estimate_links(shown, targets, results, here="00_summary")
    assert links == {"platform.job_posts.first_year": "02_platform.html#platform.job_posts",
                     "category.writing.contracts.low_value.first_year":
                         "03_categories.html#category.writing.contracts.low_value"}
    cells = tables.anchored_ids(shown, links)
    assert cells[0] == ('<a class="estimate-id" id="platform.job_posts.first_year" '
                        'href="02_platform.html#platform.job_posts">platform.job_posts.first_year</a>')
    assert cells[2] == ('<span class="estimate-id" id="productivity.expert_share.first_year">'
                        'productivity.expert_share.first_year</span>')
    # a repeated id links again but carries its anchor only once
    assert cells[3] == ('<a class="estimate-id" href="02_platform.html#platform.job_posts">'
                        'platform.job_posts.first_year</a>')
    # the summary's own page is never a target, and no chapter column means no links
    assert tables.estimate_links(shown, targets, results.assign(chapter="00_summary"), here="00_summary") == {}
    assert tables.estimate_links(shown, targets, results.drop(columns="chapter")) == {}

"""Publishing the site (issue 14): the data label, downloads inside html/, no machine paths, one citation.

Unit tests on small folders; the built site is checked in tests/test_run.py
(a distinctive extract path) and tests/test_book.py (browser, offline).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tomllib

import pandas as pd
import pytest

from analysis.build import publish as P
from analysis.core.params import SYNTHETIC_LABEL, check_schema, data_label
from analysis.core.paths import PROJECT_ROOT, SYNTHETIC_DIR


def test_data_label_defaults_to_the_folder_name_never_the_path(tmp_path):
    folder = tmp_path / "private" / "extract"
    assert data_label({"data_label": ""}, folder, SYNTHETIC_DIR) == "extract"
    assert data_label({}, SYNTHETIC_DIR, SYNTHETIC_DIR) == SYNTHETIC_LABEL == "synthetic extract (illustrative)"
    assert data_label({"data_label": "  Platform, June 2024 "}, folder, SYNTHETIC_DIR) == "Platform, June 2024"


@pytest.mark.parametrize("bad", ["two\nlines", "tab\there", "x" * 81, 3, ["a"], {"a": 1}, None])
def test_data_label_is_checked_as_one_short_line(bad):
    full, problems = check_schema({"data_label": bad})
    assert [p.key for p in problems] == ["data_label"], [str(p) for p in problems]
    assert "one-line text of at most 80 characters" in str(problems[0])
    assert full["data_label"] == ""
    full, problems = check_schema({"data_label": " My extract "})
    assert problems == [] and full["data_label"] == "My extract"


def _stage(tmp_path, data_dir):
    stage = tmp_path / "stage"
    (stage / "html" / "_sources" / "book").mkdir(parents=True)
    (stage / "html" / "index.html").write_text("<html>book</html>\n")
    (stage / "figures").mkdir()
    for ext in ("svg", "png", "pdf", "csv", "json"):
        (stage / "figures" / f"fig-a-b.{ext}").write_bytes(f"file {ext}\n".encode())
    (stage / "results").mkdir()
    pd.DataFrame({"id": ["platform.job_posts", "category.writing.job_posts"], "estimate_pct": [3.25, float("nan")],
                  "scope": ["platform", "Writing vs controls"]}).to_csv(stage / "results" / "estimates.csv",
                                                                       index=False)
    (stage / "results" / "claims.csv").write_text("claim,verdict\n1,supported\n")
    nb = {"cells": [{"cell_type": "code", "metadata": {"tags": ["injected-parameters"]}, "outputs": [],
                     "source": [f'data_dir = "{data_dir}"\n', 'data_label = "extract"\n',
                                f'output_dir = "{tmp_path}/cache/out"\n']},
                    {"cell_type": "code", "metadata": {}, "outputs": [], "source": "page = Page(globals())"}],
          "metadata": {"papermill": {"input_path": "/tmp/chapter-x/02_platform.ipynb", "output_path": f"{tmp_path}/o",
                                     "parameters": {"data_dir": str(data_dir), "seed": 1,
                                                    "output_dir": f"{tmp_path}/cache/out"}}},
          "nbformat": 4, "nbformat_minor": 5}
    (stage / "html" / "_sources" / "book" / "02_platform.ipynb").write_text(json.dumps(nb))
    return stage


def test_publish_puts_downloads_in_the_site_and_scrubs_notebooks(tmp_path):
    data = tmp_path / "secret-Zq7" / "extract"
    stage = _stage(tmp_path, data)
    P.publish(stage, data, "cd" * 32, hidden=(tmp_path / "cache",))
    html = stage / "html"
    for ext in ("svg", "png", "pdf", "csv", "json"):
        assert (html / "figures" / f"fig-a-b.{ext}").read_bytes() == f"file {ext}\n".encode()
    est = pd.read_csv(html / "results" / "estimates.csv", keep_default_na=False, dtype=str)
    assert list(est.columns) == ["book_version", "extract_sha256", "id", "estimate_pct", "scope"]
    assert set(est["extract_sha256"]) == {"cd" * 32}
    assert set(est["book_version"]) == {P.project_version()}
    assert list(est["estimate_pct"]) == ["3.25", ""], "values must be published as the run wrote them"
    claims = pd.read_csv(html / "results" / "claims.csv", dtype=str)
    assert list(claims.columns) == ["book_version", "extract_sha256", "claim", "verdict"]
    nb = json.loads((html / "_sources" / "book" / "02_platform.ipynb").read_text())
    src = "".join(nb["cells"][0]["source"])
    assert 'data_dir = ""' in src and 'output_dir = ""' in src and 'data_label = "extract"' in src
    assert str(data) not in src and str(tmp_path) not in src
    assert nb["cells"][1]["source"] == "page = Page(globals())"
    assert nb["metadata"]["papermill"] == {"parameters": {"data_dir": "", "seed": 1, "output_dir": ""}}
    assert P.find_paths(html, [data, tmp_path / "cache"]) == []


def test_publish_refuses_a_site_that_names_the_extract_by_path(tmp_path):
    data = tmp_path / "secret-Zq7" / "extract"
    stage = _stage(tmp_path, data)
    (stage / "html" / "book").mkdir()
    (stage / "html" / "book" / "a1_data.html").write_text(f"<p>read from {data}</p>\n")
    (stage / "html" / "searchindex.js").write_text(json.dumps({"x": str(data)}))  # written as "\/"
    with pytest.raises(P.PublishError) as e:
        P.publish(stage, data, "cd" * 32)
    assert e.value.code == 3
    assert "2 file(s)" in e.value.message and "book/a1_data.html" in e.value.message
    assert "searchindex.js" in e.value.message


# ---------------------------------------------------------------------------
# One citation
# ---------------------------------------------------------------------------


def test_site_bibtex_is_made_from_citation_cff_and_fresh():
    assert P.CITATION_BIB.read_text(encoding="utf-8") == P.citation_bibtex(), (
        "book/_static/citation.bib is stale: run .venv/bin/python -c 'from analysis.build.publish import "
        "CITATION_BIB, citation_bibtex; CITATION_BIB.write_text(citation_bibtex())'")
    assert "{literalinclude} _static/citation.bib" in (PROJECT_ROOT / "book" / "index.md").read_text()


def test_bibtex_parses_with_the_organisation_braced_and_the_version_of_pyproject():
    import pybtex.database
    import yaml

    version = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]["version"]
    cff = yaml.safe_load((PROJECT_ROOT / "CITATION.cff").read_text())
    assert str(cff["version"]) == str(cff["preferred-citation"]["version"]) == version
    entry = pybtex.database.parse_string(P.citation_bibtex(), "bibtex").entries["genai_freelance_book"]
    (author,) = entry.persons["author"]
    assert author.last_names == ["{The genai-freelance-book contributors}"] and author.first_names == []
    site_title = yaml.safe_load((PROJECT_ROOT / "_config.yml").read_text())["title"]
    assert entry.fields["title"] == site_title == cff["title"]
    assert entry.fields["version"] == version and entry.fields["note"] == f"Version {version}"
    assert entry.fields["year"] == str(cff["preferred-citation"]["year"]) == "2026"
    assert entry.fields["url"] == cff["url"] == cff["preferred-citation"]["url"]


def test_version_mismatch_is_refused(tmp_path):
    for f in ("CITATION.cff", "pyproject.toml"):
        shutil.copyfile(PROJECT_ROOT / f, tmp_path / f)
    text = (tmp_path / "pyproject.toml").read_text()
    (tmp_path / "pyproject.toml").write_text(text.replace(f'version = "{P.project_version()}"', 'version = "9.9.9"'))
    with pytest.raises(ValueError, match="pyproject.toml says 9.9.9"):
        P.citation_bibtex(tmp_path)


@pytest.mark.skipif(shutil.which("cffconvert") is None,
                    reason="cffconvert not installed (pip install cffconvert==2.0.0 in a separate environment: "
                           "it pins jsonschema 3)")
def test_cffconvert_bibtex_agrees_with_the_site(tmp_path):
    """cffconvert 2.0.0 reads the top-level fields only: its title, year and URL are the site's."""
    import pybtex.database

    r = subprocess.run(["cffconvert", "-f", "bibtex", "-i", str(PROJECT_ROOT / "CITATION.cff")],
                       capture_output=True, text=True, check=True)
    theirs = next(iter(pybtex.database.parse_string(r.stdout, "bibtex").entries.values()))
    ours = pybtex.database.parse_string(P.citation_bibtex(), "bibtex").entries["genai_freelance_book"]
    for field in ("title", "year", "url"):
        assert theirs.fields[field] == ours.fields[field], field


def test_changelog_and_citation_carry_the_version_of_pyproject():
    import yaml

    from analysis.core.paths import project_version

    v = project_version()
    cff = yaml.safe_load((PROJECT_ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert str(cff["version"]) == v and str(cff["preferred-citation"]["version"]) == v
    first = next(line for line in (PROJECT_ROOT / "CHANGELOG.md").read_text(encoding="utf-8").splitlines()
                 if line.startswith("## "))
    assert first.split()[1] == v, f"CHANGELOG.md's first release heading {first!r} is not version {v}"
    from analysis.report.figures import BOOK_TITLE

    assert yaml.safe_load((PROJECT_ROOT / "_config.yml").read_text(encoding="utf-8"))["title"] == BOOK_TITLE

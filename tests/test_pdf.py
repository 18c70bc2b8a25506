"""The PDF step (``make pdf``) without building a book: its refusal without LaTeX, and the LaTeX
made from the pages' HTML tables. The PDF of the bundled book is checked on the suite's one build
(``tests/test_book.py::test_pdf_has_every_figure_numbered_and_is_linked``)."""

from __future__ import annotations

import subprocess
import sys

import nbformat
import pandas as pd
import pytest
import yaml

from analysis.build import pdf
from analysis.build.run import EXIT_ENV, RunError
from analysis.core.paths import PROJECT_ROOT
from analysis.report import tables


def test_run_pdf_without_latexmk_exits_4_naming_the_apt_command(tmp_path):
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-m", "analysis", "run", "--pdf", "--out", str(out), "--cache-dir",
                        str(tmp_path / "cache")], capture_output=True,
                       text=True, cwd=PROJECT_ROOT, env={"PATH": str(tmp_path), "HOME": str(tmp_path)}, timeout=300)
    assert r.returncode == EXIT_ENV == 4, r.stderr
    assert pdf.APT_COMMAND in r.stderr and "latexmk is not installed" in r.stderr
    assert not out.exists()  # refused before anything ran


def test_column_widths_add_up_to_the_line_and_follow_the_longest_cell():
    frame = pd.DataFrame({"n": ["1", "22"], "Comparison": ["x" * 16, "y"], "Why": ["z" * 100, ""]})
    w = pdf.column_widths(frame)
    # lengths 3 (floor), 16 and 40 (cap): shares sqrt(3), 4, sqrt(40) over their sum
    total = 3 ** 0.5 + 4 + 40 ** 0.5
    assert w == pytest.approx([3 ** 0.5 / total, 4 / total, 40 ** 0.5 / total])
    assert sum(w) == pytest.approx(1.0)


def _notebook(outputs: list[dict]):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [nbformat.v4.new_output("display_data", data=d) for d in outputs]
    nb.cells.append(cell)
    return nb


def test_styler_table_becomes_a_longtable_with_its_text_escaped():
    df = pd.DataFrame({tables.ID_COLUMN: ["category.writing.contracts.low_value"], "Share": ["50% & up"],
                       "Unit": ["pp"]})
    html = tables.styled(df, links={"category.writing.contracts.low_value": "03_categories.html#x"}) \
        .hide(axis="index").to_html()
    nb = pdf.pdf_notebook(_notebook([{"text/html": html, "text/plain": "<Styler>"}]))
    cell = nb.cells[0]
    (out,) = cell.outputs
    assert list(out["data"]) == ["text/markdown"]
    md = out["data"]["text/markdown"]
    assert md.startswith("```{raw} latex\n") and md.rstrip().endswith("```")
    assert md.count(r"\begin{longtable}") == 1 and md.count(r"\raggedright\arraybackslash}p{") == 3
    assert r"\textbf{Estimate id} & \textbf{Share} & \textbf{Unit} \\" in md
    assert r"category.\allowbreak{}writing.\allowbreak{}contracts.\allowbreak{}low\_\allowbreak{}value" in md
    assert r"50\% \& up" in md and "<a " not in md and "href" not in md
    assert cell.metadata["mystnb"]["markdown_format"] == "myst"


def test_svg_is_dropped_beside_a_png_and_refused_alone():
    nb = pdf.pdf_notebook(_notebook([{"image/png": "iVBORw0KGgo=", "image/svg+xml": "<svg/>"}]))
    assert set(nb.cells[0].outputs[0]["data"]) == {"image/png"}
    with pytest.raises(RunError, match="SVG image only"):
        pdf.pdf_notebook(_notebook([{"image/svg+xml": "<svg/>"}]), "02_platform")


def test_the_site_links_the_pdf_only_when_the_run_sets_it(tmp_path):
    config = yaml.safe_load((PROJECT_ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert config["parse"]["myst_substitutions"][pdf.LINK_KEY] == ""  # a plain build: no link
    assert config["latex"]["use_jupyterbook_latex"] is False
    staged = tmp_path / "_config.yml"
    staged.write_text((PROJECT_ROOT / "_config.yml").read_text(encoding="utf-8"), encoding="utf-8")
    pdf.set_link(staged, pdf.link_sentence())
    again = yaml.safe_load(staged.read_text(encoding="utf-8"))
    assert f'href="../{pdf.PDF_NAME}"' in again["parse"]["myst_substitutions"][pdf.LINK_KEY]
    assert {k: v for k, v in again.items() if k != "parse"} == {k: v for k, v in config.items() if k != "parse"}
    for page in ("index.md", "a4_figures.md"):
        assert "{{ " + pdf.LINK_KEY + " }}" in (PROJECT_ROOT / "book" / page).read_text(encoding="utf-8")


def test_a_column_is_never_narrower_than_its_longest_unbreakable_word():
    # "inconclusive" (12 characters) in a table of five long text columns: by weight alone it would get
    # sqrt(12) / (sqrt(12) + 5 sqrt(40)) = 9.9% of the line, less than its 12 + 2 characters of 118
    frame = pd.DataFrame({"Verdict": ["inconclusive"], **{f"t{k}": ["a few words " * 4] for k in range(5)}})
    w = pdf.column_widths(frame)
    assert 12 ** 0.5 / (12 ** 0.5 + 5 * 40 ** 0.5) < 14 / pdf.LINE_CHARS
    assert w[0] == pytest.approx(14 / pdf.LINE_CHARS)
    assert w[1:] == pytest.approx([(1 - 14 / pdf.LINE_CHARS) / 5] * 5)
    assert pdf._pieces("brynjolfsson2025generative") == ["brynjolfsson20", "25generative"]


def test_a_failed_latex_build_quotes_the_errors_of_its_log(tmp_path):
    (tmp_path / "book.log").write_text("This is XeTeX\n! Undefined control sequence.\nl.12 \\nocommand\n"
                                       "more\n! Emergency stop.\n", encoding="utf-8")
    assert pdf._latex_errors(tmp_path) == ["book.log: ! Undefined control sequence. l.12 \\nocommand",
                                           "book.log: ! Emergency stop. "]

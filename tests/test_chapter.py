"""One chapter re-executed as the re-run appendix documents it, on an extract with other category names.

The commands are read from the appendix's ``recipe-one-chapter`` blocks and run
as written (``DIR`` and ``FILE.yaml`` replaced by a small extract and its
parameters file, the programs taken from this environment).
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.core.paths import PROJECT_ROOT
from analysis.data.extract import extract_checksum
from analysis.data.simulate import World, categories_from_names, write_extract
from analysis.page import EXTRACT_MARK, Page, ParameterError, _claim_output, _lists_from_text

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("chapter")]

NAMES = ["Machine Learning", "Copywriting", "Localisation", "Web Dev", "Design", "Sales", "Admin"]
BIN = Path(sys.executable).parent


def recipe(name: str) -> list[list[str]]:
    """The shell commands of the appendix's code block named ``name``."""
    text = (PROJECT_ROOT / "book" / "a2_rerun.md").read_text(encoding="utf-8")
    m = re.search(r"```\{code-block\} bash\n:name: " + re.escape(name) + r"\n(.*?)```", text, re.S)
    assert m, f"the re-run appendix has no code block named {name}"
    return [shlex.split(line) for line in m.group(1).splitlines() if line.strip()]


@pytest.fixture(scope="module")
def other_extract(tmp_path_factory):
    d = tmp_path_factory.mktemp("recipe")
    write_extract(World(n_posts=30_000, seed=3, categories=categories_from_names(NAMES)), d / "extract")
    (d / "params.yaml").write_text("focus_categories: [Machine Learning, Copywriting, Localisation]\n")
    return d


def _run(cmd: list[str], data: Path, params: Path, cwd: Path) -> subprocess.CompletedProcess:
    args = [str(data) if a == "DIR" else str(params) if a == "FILE.yaml" else a for a in cmd]
    if args[0] == "python":
        args[0] = sys.executable
    elif (BIN / args[0]).exists():
        args[0] = str(BIN / args[0])
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=1200)


def _estimates(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_chapter_command_as_documented(other_extract):
    data, params = other_extract / "extract", other_extract / "params.yaml"
    (cmd,) = recipe("recipe-one-chapter")
    out = PROJECT_ROOT / "_build" / "chapters" / extract_checksum(data)[:12]
    shutil.rmtree(out, ignore_errors=True)
    try:
        r = _run(cmd, data, params, PROJECT_ROOT)
        assert r.returncode == 0, r.stderr[-3000:]
        nb = json.loads((out / "02_platform.ipynb").read_text())
        assert not [o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
        est = _estimates(out / "results" / "estimates.csv")
        assert "platform.job_posts" in est
        assert (out / "figures" / "fig-platform-trends.png").is_file()
        assert (out / EXTRACT_MARK).read_text().strip() == extract_checksum(data)
        # The default categories are not in this extract: the same command without the parameters file
        # stops before executing anything, naming the parameter (exit 2, as `run`).
        bad = _run([a for a in cmd if a not in ("--params", "FILE.yaml")], data, params, PROJECT_ROOT)
        assert bad.returncode == 2 and "focus_categories" in bad.stderr and "Copywriting" in bad.stderr
    finally:
        shutil.rmtree(out, ignore_errors=True)


def test_papermill_recipe_as_documented(other_extract, tmp_path):
    data, params = other_extract / "extract", other_extract / "params.yaml"
    convert, execute = recipe("recipe-one-chapter-papermill")
    # From the repository's folder, as documented; the notebooks are written there, so they are moved away.
    made = [PROJECT_ROOT / "02_platform.ipynb", PROJECT_ROOT / "02_platform.out.ipynb"]
    try:
        for cmd in (convert, execute):
            r = _run(cmd, data, params, PROJECT_ROOT)
            assert r.returncode == 0, (cmd, r.stderr[-3000:])
        nb = json.loads(made[1].read_text())
    finally:
        for f in made:
            f.unlink(missing_ok=True)
    glued = json.dumps(nb)
    assert "Machine Learning" in glued or "Copywriting" in glued
    assert not [o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    out = PROJECT_ROOT / "_build" / "interactive" / extract_checksum(data)[:12]
    assert (out / "results" / "estimates.csv").is_file()
    shutil.rmtree(out, ignore_errors=True)


def test_page_refuses_categories_missing_from_the_extract(other_extract, monkeypatch, tmp_path):
    monkeypatch.delenv("ANALYSIS_INPUTS_CHECKED", raising=False)
    with pytest.raises(ParameterError, match="focus_categories.*not in the extract"):
        Page({}, data_dir=str(other_extract / "extract"), output_dir=str(tmp_path / "o"))


def test_list_parameters_given_as_text_are_read_as_yaml():
    assert _lists_from_text({"focus_categories": "[A, B c]"}) == {"focus_categories": ["A", "B c"]}
    assert _lists_from_text({"focus_categories": "A"}) == {"focus_categories": "A"}  # check_schema refuses it
    assert _lists_from_text({"control_categories": "[unclosed"}) == {"control_categories": "[unclosed"}


def test_an_output_folder_holds_one_extract(tmp_path):
    _claim_output(tmp_path, "a" * 64)
    _claim_output(tmp_path, "a" * 64)  # the same extract again: fine
    with pytest.raises(ParameterError, match="holds the results of another extract"):
        _claim_output(tmp_path, "b" * 64)
    assert (tmp_path / EXTRACT_MARK).read_text().strip() == "a" * 64

"""The package's layers import one way only (import-linter's ``layers`` contract in pyproject.toml)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from analysis.core.paths import PROJECT_ROOT

LINT = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
        "sys.argv = ['lint-imports'] + sys.argv[1:]; lint_imports_command()"]


def _lint(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([*LINT, "--config", str(root / "pyproject.toml"), "--no-cache"], cwd=root,
                          capture_output=True, text=True, env=env, timeout=300)


def test_layers_contract_is_kept():
    r = _lint(PROJECT_ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "1 kept, 0 broken" in r.stdout


def test_layers_contract_fails_on_a_lower_layer_importing_a_higher_one(tmp_path):
    # A copy of the package in which the bottom layer imports the page layer.
    shutil.copytree(PROJECT_ROOT / "analysis", tmp_path / "analysis",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copyfile(PROJECT_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    bad = tmp_path / "analysis" / "core" / "text.py"
    bad.write_text(bad.read_text() + "\n\ndef _bad():\n    from analysis import page  # noqa: F401\n")
    r = _lint(tmp_path)
    assert r.returncode != 0
    assert "BROKEN" in r.stdout and "analysis.core.text -> analysis.page" in r.stdout, r.stdout

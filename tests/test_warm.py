"""Warm kernels (analysis.build.warm): chapters' kernels forked from one process that imported the stack.

The determinism check of warm kernels is the book's: ``test_book.py``'s build
runs with them and its serial nbval re-execution, with fresh kernels, must
write the same files byte for byte. These tests check what a kernel is given.
"""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.build import run as R

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="warm kernels are Linux only")

PAGE = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
    format_version: 0.13
kernelspec:
  name: python3
  display_name: Python 3
  language: python
---

```{code-cell} ipython3
import json, os, sys
print(json.dumps({"preloaded": "pandas" in sys.modules, "ppid": os.getppid(), "pid": os.getpid(),
                  "cwd": os.getcwd(), "x": os.environ.get("WARM_TEST_X"), "path0": sys.path[0]}))
```
"""


def _run_page(tmp_path: Path, name: str, env: dict) -> dict:
    src = tmp_path / "book" / f"{name}.md"
    src.parent.mkdir(exist_ok=True)
    src.write_text(PAGE)
    out = tmp_path / f"{name}.ipynb"
    R.execute(src, {}, out, tmp_path / "failed", env=env)
    nb = json.loads(out.read_text())
    text = "".join("".join(o.get("text", "")) for c in nb["cells"] if c["cell_type"] == "code"
                   for o in c.get("outputs", []))
    return json.loads(text.strip().splitlines()[-1])


def test_a_warm_kernel_is_a_fork_of_the_server_with_its_own_folder_and_environment(tmp_path):
    book = tmp_path / "book"
    book.mkdir()
    with R.warm_kernels({"WARM_TEST_X": "server"}, book) as server:
        first = _run_page(tmp_path, "one", {"WARM_TEST_X": "a"})
        second = _run_page(tmp_path, "two", {"WARM_TEST_X": "b"})
        server_pid = server._proc.pid
    for got, x in ((first, "a"), (second, "b")):
        assert got["preloaded"] is True  # imported by the server before the fork
        assert got["ppid"] == server_pid  # a fork of the server, not a new Python
        assert got["cwd"] == str(book) and got["x"] == x  # the kernel's own folder and environment
    assert first["pid"] != second["pid"]
    cold = _run_page(tmp_path, "three", {"WARM_TEST_X": "c"})
    assert cold["preloaded"] is False and cold["x"] == "c" and cold["ppid"] != server_pid
    assert cold["path0"] == first["path0"]  # the same sys.path as a fresh kernel's


def test_a_server_that_cannot_start_leaves_kernels_cold(tmp_path):
    server = R.WarmServer({}, tmp_path / "no-such-folder")
    assert server.kernel_cmd("connection.json") is None  # the kernel manager then starts a fresh Python
    server.close()
    with R.warm_kernels({}, tmp_path, enabled=False) as off:
        assert off is None and R._WARM["server"] is None


def test_lazy_estimator_names_stay_functions_whichever_is_reached_first():
    """``estimation.event_study`` is a function and a submodule's name: importing the submodule (as a
    chapter does through ``est.EventStudy``) must not rebind the package's name to the module."""
    code = ("import inspect, analysis.estimation as est; est.EventStudy; "
            "print(inspect.isfunction(est.event_study))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert r.stdout.strip() == "True", r.stderr
    import analysis.estimation as est

    assert inspect.isfunction(est.event_study)


def test_kernels_start_fresh_when_the_server_dies_or_cannot_be_reached(tmp_path):
    book = tmp_path / "book"
    book.mkdir()
    with R.warm_kernels({}, book) as server:
        assert server.kernel_cmd("connection.json") is not None
        server._proc.kill()
        server._proc.wait()
        got = _run_page(tmp_path, "after", {"WARM_TEST_X": "d"})  # the run notices and starts a fresh kernel
        assert got["preloaded"] is False and got["x"] == "d"
    # The stand-in itself, with no server behind its socket, becomes a fresh kernel (here: its --help).
    client = Path(R.__file__).with_name("warm_client.py")
    r = subprocess.run([sys.executable, str(client), str(tmp_path / "no-server"), "--help"], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0 and "IPKernelApp" in r.stdout, r.stderr[-2000:]

"""Warm kernels: chapters' kernels forked from one process that has imported the stack once.

Every chapter's kernel used to start a new Python and import pandas, SciPy,
matplotlib, pyfixest and this package, about 3-4 s of CPU each, ten times a
build. A *fork server* imports them once; each chapter's kernel is then a
fork of it (``os.fork``), which starts in a fraction of a second with every
module already loaded, and otherwise behaves like a fresh kernel: it has its
own process, namespace, working folder and environment, and nothing a
chapter does is seen by another.

How it fits Jupyter: the kernel manager of :mod:`analysis.build.run` starts,
instead of ``python -m ipykernel_launcher -f CONNECTION_FILE``, the small
stand-in :mod:`analysis.build.warm_client` (standard library only), which
hands the server its working folder, environment, arguments and standard
streams; the server forks; the child takes them over and runs the IPython
kernel on the connection file; the stand-in forwards interrupts and exits
when the kernel exits (and the kernel exits when the stand-in is killed).

Determinism: a forked kernel computes what a fresh one computes. The
environment that modules read when they are imported (the thread-count
variables of a parallel run, ``MPLBACKEND``, which ipykernel would set to the
inline backend) is the server's and equal to what a kernel of the run gets;
:func:`preload` imports only modules, it runs no chapter code. The server
refuses to serve (and the run falls back to fresh kernels) when importing
started a Python thread, which a fork would not copy. The book's test
``test_nbval_serial_reexecution_matches_the_parallel_build`` compares a build
with warm kernels, file by file, against a re-execution with fresh ones.

Usage (by :class:`analysis.build.run.WarmServer`)::

    python -m analysis.build.warm SOCKET

It prints ``ready`` when it serves and exits when its standard input closes
(the run ended, however it ended).
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import json
import os
import select
import signal
import socket
import sys
import threading
import time

#: Modules the chapters import, loaded once by the server (a module that fails to import is skipped:
#: the chapter that needs it reports the error itself).
PRELOAD = (
    "numpy", "pandas", "pyarrow", "pyarrow.parquet", "duckdb", "scipy.stats", "scipy.optimize", "scipy.linalg",
    "statsmodels.api", "statsmodels.formula.api", "matplotlib", "matplotlib.pyplot", "seaborn", "pyfixest",
    "IPython", "ipykernel.kernelapp", "matplotlib_inline.backend_inline", "myst_nb", "nbformat",
    "analysis.page", "analysis.claims", "analysis.estimation.shares", "analysis.estimation.honest",
    "analysis.estimation.checks", "analysis.report.figures", "analysis.report.frames", "analysis.report.tables",
    "analysis.report.words", "analysis.report.docs", "analysis.data.panels", "analysis.data.literature",
    "analysis.data.cpi",
)

#: What ipykernel sets ``MPLBACKEND`` to when it is unset; set before matplotlib is imported, so that a
#: forked kernel draws with the backend a fresh kernel would use.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


def preload(modules=PRELOAD) -> list[str]:
    """Import ``modules``; return those that failed."""
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    failed = []
    for m in modules:
        try:
            importlib.import_module(m)
        except Exception:  # noqa: BLE001 - the chapter that needs it will say why
            failed.append(m)
    try:
        # The estimators through the package's own lazy names (PEP 562), as a chapter reaches them:
        # importing ``analysis.estimation.event_study`` directly would bind the package's attribute
        # ``event_study`` to the submodule instead of the function.
        est = importlib.import_module("analysis.estimation")
        for name in est.__all__:
            getattr(est, name)
    except Exception:  # noqa: BLE001
        failed.append("analysis.estimation")
    return failed


def _read_request(conn: socket.socket) -> tuple[dict, list[int]]:
    data, fds, _, _ = socket.recv_fds(conn, 1 << 20, 3)
    while not data.endswith(b"\n"):
        more = conn.recv(1 << 20)
        if not more:
            break
        data += more
    return json.loads(data.decode()), list(fds)


def _watch(client_pid: int) -> None:
    """In the kernel: exit when the stand-in is gone (killed by the run or by Jupyter)."""
    while True:
        try:
            os.kill(client_pid, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:
            pass
        time.sleep(0.2)


def _child(req: dict, fds: list[int]) -> None:
    """Become the kernel of ``req``; never returns."""
    code = 1
    try:
        os.setsid()  # a session of its own, as jupyter_client gives a fresh kernel
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        for i, fd in enumerate(fds[:3]):
            os.dup2(fd, i)
            os.close(fd)
        os.chdir(req["cwd"])
        os.environ.clear()
        os.environ.update(req["env"])
        # As ipykernel_launcher: the folder is not on sys.path while the kernel starts; IPython adds it.
        while sys.path and sys.path[0] in ("", os.getcwd(), _SERVER_PATH0):
            del sys.path[0]
        # Traits that ipykernel reads from the environment when it is imported (in the server, before
        # this kernel's environment existed) are given as arguments instead.
        args = [f"--IPKernelApp.parent_handle={int(os.environ.get('JPY_PARENT_PID') or 0)}", *req["args"]]
        sys.argv = ["ipykernel_launcher", *args]
        threading.Thread(target=_watch, args=(int(req["client_pid"]),), daemon=True).start()
        from ipykernel import kernelapp

        kernelapp.launch_new_instance(argv=args)
        code = 0
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 0
    except BaseException:  # noqa: BLE001 - the kernel's own traceback goes to its stderr
        import traceback

        traceback.print_exc()
    finally:
        with contextlib.suppress(BaseException):
            atexit._run_exitfuncs()  # what a fresh kernel's interpreter runs at exit
        with contextlib.suppress(BaseException):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def _reap(_signum, _frame) -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


#: The server's own first ``sys.path`` entry (its folder), which a kernel must not inherit.
_SERVER_PATH0 = sys.path[0] if sys.path else ""


def serve(path: str) -> int:
    """Import the stack, then fork a kernel for every stand-in that connects to ``path``."""
    failed = preload()
    if threading.active_count() > 1:
        print(f"not serving: importing the stack started {threading.active_count() - 1} thread(s)", flush=True)
        return 3
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(64)
    # Kernels are reaped here (not ignored), so that their CPU time and peak memory count in this
    # server's children, and so in the run's: the benchmarks read them from the run's resource usage.
    signal.signal(signal.SIGCHLD, _reap)
    print("ready" + (f" (not preloaded: {', '.join(failed)})" if failed else ""), flush=True)
    stdin = sys.stdin.fileno()
    while True:
        ready, _, _ = select.select([srv, stdin], [], [])
        if stdin in ready and not os.read(stdin, 4096):
            return 0  # the run ended
        if srv in ready:
            conn, _ = srv.accept()
            with conn:
                try:
                    req, fds = _read_request(conn)
                except (OSError, ValueError):
                    continue
                try:
                    pid = os.fork()
                except OSError:  # the stand-in then starts a fresh kernel itself
                    pid = -1
                if pid == 0:
                    srv.close()
                    conn.close()
                    _child(req, fds)
                for fd in fds:
                    os.close(fd)
                with contextlib.suppress(OSError):
                    conn.sendall(f"{pid}\n".encode())


if __name__ == "__main__":
    sys.exit(serve(sys.argv[1]))

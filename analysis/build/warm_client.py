"""The kernel process of a warm kernel (see :mod:`analysis.build.warm`): a stand-in that asks the fork server
for a kernel and lives as long as that kernel.

Run by path, not as a module, so that it imports nothing but the standard library (it starts in about
30 ms)::

    python warm_client.py SOCKET -f CONNECTION_FILE

It sends the fork server its working folder, environment, arguments, process id and its standard
input, output and error (as file descriptors), receives the forked kernel's process id, forwards the
signals Jupyter sends a kernel (SIGINT interrupts, SIGTERM/SIGHUP end it) and exits when the kernel
has exited. When the server cannot be reached or gives no kernel, it becomes a fresh kernel itself
(``python -m ipykernel_launcher``). If this process is killed, the kernel notices within a fifth of a
second and exits too; if the run that started it is killed, this process kills the kernel and exits.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
import time


def alive(pid: int) -> bool:
    """Whether process ``pid`` exists (also used by :mod:`analysis.build.run` for the runs it finds)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def main(argv: list[str]) -> int:
    if len(argv) < 1:
        print("usage: warm_client.py SOCKET KERNEL-ARGS...", file=sys.stderr)
        return 2
    parent = os.getppid()
    path, args = argv[0], argv[1:]
    req = {"cwd": os.getcwd(), "env": dict(os.environ), "args": args, "client_pid": os.getpid()}
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.connect(path)
            socket.send_fds(s, [json.dumps(req).encode() + b"\n"], [0, 1, 2])
            reply = b""
            while not reply.endswith(b"\n"):
                chunk = s.recv(64)
                if not chunk:
                    break
                reply += chunk
        pid = int(reply.decode().strip() or "0")
    except (OSError, ValueError):
        pid = 0
    if pid <= 0:  # no server (it died, or could not fork): become a fresh kernel, as without warm kernels
        os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", *args])

    def forward(signum, _frame):
        try:
            os.killpg(pid, signum)  # the kernel leads a session of its own, as a fresh kernel does
        except (ProcessLookupError, PermissionError):
            try:
                os.kill(pid, signum)
            except ProcessLookupError:
                pass

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2):
        signal.signal(sig, forward)
    while alive(pid):
        if os.getppid() != parent:  # the run was killed: take the kernel along
            forward(signal.SIGKILL, None)
            return 1
        time.sleep(0.05)
    forward(signal.SIGKILL, None)  # what the kernel started and left behind, as Jupyter kills a kernel's group
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The `airflow dags test` child of the CLI: its own process group, killed with the CLI, signals forwarded.

No part of a run outlives the CLI: PR_SET_PDEATHSIG on the child, SIGTERM/SIGINT sent to its whole
group, dbt through `kam/bin/dbt_guarded` (docs/decisions/0009, "Settings, locking, processes").
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

PR_SET_PDEATHSIG = 1
FORWARDED_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def die_with_parent() -> None:
    """`preexec_fn`: SIGKILL this (child) process when its parent dies. Linux only; elsewhere a no-op."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")


def run_guarded(cmd: list[str], *, env: dict[str, str], log_path: Path, **popen: Any) -> int:
    """Run `cmd` in its own process group, dying with this process, output to `log_path`; its exit code.

    While it runs, SIGTERM and SIGINT received here are forwarded to its process group
    (and the wait goes on until it exited); the previous handlers are restored afterwards.
    """
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w") as log:
        child = subprocess.Popen(
            cmd, env=env, stdout=log, stderr=subprocess.STDOUT, process_group=0, preexec_fn=die_with_parent, **popen
        )

        def forward(signum: int, _frame: Any) -> None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signum)

        previous = {sig: signal.signal(sig, forward) for sig in FORWARDED_SIGNALS}
        try:
            return child.wait()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

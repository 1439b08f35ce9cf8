"""One run per warehouse: the exclusive `flock` `make run` and `make backfill` hold for the whole run.

The kernel releases it when the holder dies, so a killed run leaves no stale lock; a second run
names the holder (docs/decisions/0009, "Settings, locking, processes").
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from kam.config import Settings, non_negative_setting
from kam.warehouse import open_warehouse

WAIT_ENV = "KAM_RUN_LOCK_WAIT_SECONDS"
POLL_SECONDS = 0.5


class RunLockBusy(RuntimeError):
    """Another run holds the lock; the message names it."""


def lock_wait_seconds(environ: dict[str, str] | None = None) -> float:
    """KAM_RUN_LOCK_WAIT_SECONDS as a number of seconds >= 0 (default 0)."""
    return non_negative_setting(WAIT_ENV, 0.0, float, environ)


def lock_paths(settings: Settings) -> list[Path]:
    """`<KAM_HOME>/run.lock`, then the warehouse's lock files (`<warehouse>.run.lock` for DuckDB)."""
    return [Path(settings.home) / "run.lock", *open_warehouse(settings).lock_files()]


def describe_holder(path: Path) -> str:
    """What the lock file says about its holder, as `pid 123, run_nightly as-of 2026-10-15, started ...`."""
    try:
        holder = json.loads(path.read_text() or "{}")
    except (OSError, ValueError):
        holder = {}
    if not holder:
        return "holder unknown"
    return (
        f"pid {holder.get('pid')}, {holder.get('command')} as-of {holder.get('as_of')}, "
        f"started {holder.get('started_at')}"
    )


@contextmanager
def _flock(path: Path, deadline: float, holder: dict) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise RunLockBusy(
                        f"another run holds {path} ({describe_holder(path)}): one run per warehouse at a time; "
                        f"wait for it to end, or set {WAIT_ENV} to wait for it"
                    ) from None
                time.sleep(POLL_SECONDS)
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(holder) + "\n").encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextmanager
def run_lock(
    settings: Settings, *, command: str, as_of: str, wait_seconds: float | None = None
) -> Iterator[list[Path]]:
    """Hold every lock of `lock_paths(settings)` for the block; RunLockBusy when another run holds one."""
    wait = lock_wait_seconds() if wait_seconds is None else wait_seconds
    deadline = time.monotonic() + wait
    holder = {
        "pid": os.getpid(),
        "command": command,
        "as_of": as_of,
        "started_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    paths = lock_paths(settings)
    with ExitStack() as stack:
        for path in paths:
            stack.enter_context(_flock(path, deadline, holder))
        yield paths

"""One run per warehouse: the exclusive `fcntl` lock `make run` and `make backfill` hold for the whole run.

Two runs against one KAM_HOME (or one DuckDB warehouse from two KAM_HOMEs) would
interleave their tasks in one Airflow metadata DB and one warehouse file. The CLI
therefore takes, before it starts anything, an exclusive `flock` on
`<KAM_HOME>/run.lock` and, for a DuckDB warehouse, on `<warehouse>.run.lock`, and
keeps them until the run ended. The lock file says who holds it (pid, what, as-of,
start) so that a second run can name the holder. The kernel releases a lock when its
holder dies, however it dies: a killed run leaves no stale lock.

A second run waits up to `KAM_RUN_LOCK_WAIT_SECONDS` (default 0: refuse at once),
then raises `RunLockBusy` with that holder.
"""
from __future__ import annotations

import fcntl
import json
import os
import time
from contextlib import ExitStack, contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from kam.config import Settings, non_negative_setting

WAIT_ENV = "KAM_RUN_LOCK_WAIT_SECONDS"
POLL_SECONDS = 0.5


class RunLockBusy(RuntimeError):
    """Another run holds the lock; the message names it."""


def lock_wait_seconds(environ: dict[str, str] | None = None) -> float:
    """KAM_RUN_LOCK_WAIT_SECONDS as a number of seconds >= 0 (default 0)."""
    return non_negative_setting(WAIT_ENV, 0.0, float, environ)


def lock_paths(settings: Settings) -> list[Path]:
    """`<KAM_HOME>/run.lock`, and `<warehouse>.run.lock` for a DuckDB warehouse."""
    paths = [Path(settings.home) / "run.lock"]
    if not settings.warehouse_is_postgres:
        warehouse = Path(settings.warehouse).resolve()
        paths.append(warehouse.with_name(warehouse.name + ".run.lock"))
    return paths


def describe_holder(path: Path) -> str:
    """What the lock file says about its holder, as `pid 123, run_nightly as-of 2026-10-15, started ...`."""
    try:
        holder = json.loads(path.read_text() or "{}")
    except (OSError, ValueError):
        holder = {}
    if not holder:
        return "holder unknown"
    return (f"pid {holder.get('pid')}, {holder.get('command')} as-of {holder.get('as_of')}, "
            f"started {holder.get('started_at')}")


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
                        f"wait for it to end, or set {WAIT_ENV} to wait for it") from None
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
def run_lock(settings: Settings, *, command: str, as_of: str,
             wait_seconds: float | None = None) -> Iterator[list[Path]]:
    """Hold every lock of `lock_paths(settings)` for the block; RunLockBusy when another run holds one."""
    wait = lock_wait_seconds() if wait_seconds is None else wait_seconds
    deadline = time.monotonic() + wait
    holder = {"pid": os.getpid(), "command": command, "as_of": as_of,
              "started_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
    paths = lock_paths(settings)
    with ExitStack() as stack:
        for path in paths:
            stack.enter_context(_flock(path, deadline, holder))
        yield paths

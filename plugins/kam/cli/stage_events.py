"""The CLI's side of the stage events: read the JSON lines `kam.cli.stage_listener` appends, as they come.

`follow_events` polls the file from a thread while the `airflow dags test` child runs (a few
reads a second of a file of a few lines: nothing the run notices) and hands each new event on.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

POLL_SECONDS = 0.2
EVENTS_FILE_ENV = "KAM_STAGE_EVENTS_FILE"  # where the listener writes; set for the child by kam.cli.run_nightly


def events_path_of(log_path: Path) -> Path:
    """The events file of a run: beside its log, `<log stem>.events.jsonl`."""
    return log_path.with_name(f"{log_path.stem}.events.jsonl")


@dataclass(frozen=True)
class StageEvent:
    """One task's state change: `event` is running, success, failed, up_for_retry or skipped; `at` a Unix time."""

    task: str
    event: str
    at: float
    counts: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    failed_checks: list[str] | None = None

    @classmethod
    def from_json(cls, line: str) -> StageEvent | None:
        """The event of one line; None for a line that is not one (the file is ours, but never trust a file)."""
        try:
            data = json.loads(line)
            return cls(
                task=str(data["task"]),
                event=str(data["event"]),
                at=float(data["at"]),
                counts=dict(data.get("counts") or {}),
                error=data.get("error"),
                failed_checks=data.get("failed_checks"),
            )
        except (ValueError, KeyError, TypeError):
            return None


class _Follower:
    def __init__(self, path: Path, on_event: Callable[[StageEvent], None]) -> None:
        self.path, self.on_event = path, on_event
        self.offset, self.partial = 0, b""
        self.stopped = threading.Event()

    def read_new(self) -> None:
        try:
            with self.path.open("rb") as events:
                events.seek(self.offset)
                chunk = events.read()
        except FileNotFoundError:
            return
        self.offset += len(chunk)
        *lines, self.partial = (self.partial + chunk).split(b"\n")
        for line in lines:
            event = StageEvent.from_json(line.decode(errors="replace"))
            if event is not None:
                self.on_event(event)

    def run(self) -> None:
        while not self.stopped.wait(POLL_SECONDS):
            self.read_new()


@contextmanager
def follow_events(path: Path, on_event: Callable[[StageEvent], None]) -> Iterator[None]:
    """Call `on_event` for every event appended to `path` while the block runs, and for the last ones after it."""
    follower = _Follower(path, on_event)
    thread = threading.Thread(target=follower.run, name="kam-stage-events", daemon=True)
    thread.start()
    try:
        yield
    finally:
        follower.stopped.set()
        thread.join()
        follower.read_new()

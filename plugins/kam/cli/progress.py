"""What `make run` and `make backfill` show while a night runs: a line per stage event, a bar over the nights.

`StageLines` turns the events of `kam.cli.stage_events` into lines such as
`[0:29] extract_erp done in 0.8 s: 6363 rows loaded, 9 quarantined (3 objects)`; colour only on a
terminal (never with NO_COLOR or TERM=dumb). `NightsBar` is the backfill's tqdm bar on a terminal,
showing the night and stage it is at; elsewhere it prints nothing and the backfill's lines stay.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from datetime import date
from typing import IO, Any

from kam.cli.stage_events import StageEvent

TASK_WIDTH = 11  # extract_erp, extract_crm
DBT_STATUS_WORDS = {
    "success": "built",
    "pass": "tests passed",
    "warn": "warned",
    "fail": "failed",
    "error": "errors",
    "skipped": "skipped",
    "no-op": "no-op",
}
GREEN, YELLOW, RED, DIM, RESET = "\033[32m", "\033[33m", "\033[31m", "\033[2m", "\033[0m"


def use_colour(stream: IO[str], environ: dict[str, str] | None = None) -> bool:
    """Colour on a terminal only, unless NO_COLOR is set or TERM is dumb."""
    env = os.environ if environ is None else environ
    return stream.isatty() and "NO_COLOR" not in env and env.get("TERM") != "dumb"


def clock(seconds: float) -> str:
    """Elapsed time as `m:ss` (`h:mm:ss` from an hour on)."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def counts_text(counts: dict[str, Any]) -> str:
    """The counts of `kam.cli.stage_listener.stage_counts` in words; empty when there are none."""
    if "rows_loaded" in counts:
        return (
            f"{counts['rows_loaded']} rows loaded, {counts['rows_quarantined']} quarantined "
            f"({counts['objects']} objects)"
        )
    if counts.get("read") is False:
        return "nothing read (backfill)"
    if "dbt" in counts:
        known = [f"{counts['dbt'][s]} {w}" for s, w in DBT_STATUS_WORDS.items() if counts["dbt"].get(s)]
        other = [f"{n} {s}" for s, n in sorted(counts["dbt"].items()) if s not in DBT_STATUS_WORDS and n]
        return ", ".join(known + other)
    if "checks" in counts:
        text = f"{counts['checks']} checks, {counts['checks'] - counts['failed']} passed, {counts['failed']} failed"
        return text + (f" ({counts['warnings']} warnings)" if counts.get("warnings") else "")
    if "rows" in counts:
        return f"{counts['rows']} rows in {counts['tables']} reporting tables"
    if "files" in counts:
        return f"{counts['files']} files"
    if "mode" in counts:
        return f"{counts['mode']}" + (f", {counts['vars']} dbt var override(s)" if counts.get("vars") else "")
    return ""


def stage_line(event: StageEvent, run_started: float, task_started: float | None, colour: bool = False) -> str:
    """One line for `event`: time since the run started, the task, what happened, how long it took."""

    def paint(code: str, text: str) -> str:
        return f"{code}{text}{RESET}" if colour else text

    took = "" if task_started is None else f"{event.at - task_started:.1f} s"
    if event.event == "running":
        what = paint(DIM, "started")
    elif event.event == "success":
        what = paint(GREEN, "done") + (f" in {took}" if took else "")
        detail = counts_text(event.counts)
        what += f": {detail}" if detail else ""
    elif event.event in ("failed", "up_for_retry"):
        word = paint(RED, "FAILED") if event.event == "failed" else paint(YELLOW, "failed, will retry")
        what = word + (f" after {took}" if took else "")
        if event.failed_checks:
            what += f": blocked by {', '.join(event.failed_checks)}"
        elif event.error:
            what += f": {event.error}"
    else:
        what = event.event
    return f"[{clock(event.at - run_started)}] {event.task:<{TASK_WIDTH}} {what}"


class StageLines:
    """`on_event` prints each stage event as a line (flushed), timing every task from its `running` event."""

    def __init__(self, run_started: float, stream: IO[str] | None = None, colour: bool | None = None) -> None:
        self.stream = stream or sys.stdout
        self.run_started = run_started
        self.colour = use_colour(self.stream) if colour is None else colour
        self.task_started: dict[str, float] = {}

    def on_event(self, event: StageEvent) -> None:
        if event.event == "running":
            self.task_started[event.task] = event.at
        line = stage_line(event, self.run_started, self.task_started.get(event.task), self.colour)
        print(line, file=self.stream, flush=True)


class NightsBar:
    """The backfill's bar on a terminal: nights done/total, the current night and stage, elapsed, ETA.

    Not on a terminal it draws nothing; `write` prints through the bar so lines never tear it.
    """

    BAR_FORMAT = "{desc} |{bar}| {n_fmt}/{total_fmt} nights [{elapsed}<{remaining}{postfix}]"  # postfix: ", D=… stage"

    def __init__(self, total: int, stream: IO[str] | None = None, enabled: bool | None = None) -> None:
        self.stream = stream or sys.stdout
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.bar = None
        if self.enabled:
            from tqdm import tqdm

            size = shutil.get_terminal_size()  # 80x24 where a terminal reports none (tqdm would draw nothing)
            self.bar = tqdm(
                total=total,
                desc="backfill",
                file=self.stream,
                bar_format=self.BAR_FORMAT,
                ncols=size.columns,
                nrows=size.lines,
            )

    def write(self, line: str) -> None:
        if self.bar is None:
            print(line, file=self.stream, flush=True)
        else:
            self.bar.write(line, file=self.stream)

    def at(self, as_of: date, stage: str = "") -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(f"D={as_of} {stage}".rstrip())

    def stage_listener(self, as_of: date) -> Callable[[StageEvent], None]:
        """An `on_event` that shows the stage of `as_of` running now."""

        def on_event(event: StageEvent) -> None:
            if event.event == "running":
                self.at(as_of, event.task)

        return on_event

    def night_done(self) -> None:
        if self.bar is not None:
            self.bar.update(1)

    def night_skipped(self) -> None:
        """A night that does not run leaves the count, so the ETA follows the nights that run."""
        if self.bar is not None:
            self.bar.total -= 1
            self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()

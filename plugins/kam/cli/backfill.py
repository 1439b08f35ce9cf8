"""`make backfill FROM=YYYY-MM-DD TO=YYYY-MM-DD`: the nights of a date range, in order, resuming where it stopped.

    python -m kam.cli.backfill --from 2026-10-10 --to 2026-10-17 [--vars '{...}'] [--rerun]

Each date is one `make run` under one run lock; published dates are skipped unless `--rerun`; it
stops at the first failed or blocked date (nightly or backfill per date: docs/decisions/0009).
One line per night; on a terminal also a bar over the nights (`kam.cli.progress.NightsBar`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from datetime import date, timedelta

from kam.cli.airflow_env import airflow_env
from kam.cli.progress import NightsBar
from kam.cli.run_lock import RunLockBusy, run_lock
from kam.cli.run_nightly import (
    EXIT_FAILED,
    EXIT_LOCKED,
    EXIT_USAGE,
    NightOutcome,
    line_buffered_output,
    parse_as_of,
    parse_vars,
    read_run_summary,
    run_night,
)
from kam.config import Settings, load_settings


def dates_between(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def failure_reason(outcome: NightOutcome) -> str:
    if outcome.returncode != 0 and outcome.summary.status != "blocked":
        return f"FAILED (airflow exit code {outcome.returncode}; log {outcome.log_path})"
    checks = ", ".join(outcome.summary.failed_checks()) or "no check named"
    return f"{str(outcome.summary.status).upper()} (failed checks: {checks}; log {outcome.log_path})"


def backfill(settings: Settings, first: date, last: date, dbt_vars: dict, rerun: bool) -> int:
    """Run the nights of [first, last] in order; the caller holds the run lock. Exit code."""
    env = airflow_env(settings)
    dates = list(dates_between(first, last))
    total = len(dates)
    bar = NightsBar(total)
    try:
        for number, as_of in enumerate(dates, start=1):
            prefix = f"[{number}/{total}] {as_of}"
            bar.at(as_of)
            if not rerun and read_run_summary(settings, as_of).status == "published":
                bar.write(f"{prefix} already published, skipped (--rerun runs it again)")
                bar.night_skipped()
                continue
            outcome = run_night(settings, as_of, dbt_vars, env, on_event=bar.stage_listener(as_of))
            if not outcome.published:
                bar.write(f"{prefix} {failure_reason(outcome)} after {outcome.seconds:.0f} s")
                bar.close()
                print("\n".join(outcome.summary.lines()))
                print(
                    f"\nbackfill stopped at {as_of}: fix it, then run the same command again "
                    f"(`make backfill FROM={as_of} TO={last}` resumes there)",
                    file=sys.stderr,
                )
                return EXIT_FAILED
            bar.write(f"{prefix} published in {outcome.seconds:.0f} s")
            bar.night_done()
    finally:
        bar.close()
    print(f"backfill {first} .. {last}: {total} night(s) published")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kam.cli.backfill", description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="first", type=parse_as_of, required=True, help="first as-of date")
    parser.add_argument("--to", dest="last", type=parse_as_of, required=True, help="last as-of date (inclusive)")
    parser.add_argument("--vars", type=parse_vars, default={}, help="JSON object of dbt var overrides for every night")
    parser.add_argument("--rerun", action="store_true", help="run dates already published again")
    args = parser.parse_args(argv)
    if args.first > args.last:
        print(f"--from {args.first} is after --to {args.last}", file=sys.stderr)
        return EXIT_USAGE

    line_buffered_output()
    settings = load_settings()
    try:
        with run_lock(settings, command="backfill", as_of=f"{args.first}..{args.last}"):
            return backfill(settings, args.first, args.last, args.vars, args.rerun)
    except RunLockBusy as busy:
        print(f"refused: {busy}", file=sys.stderr)
        return EXIT_LOCKED


if __name__ == "__main__":
    sys.exit(main())

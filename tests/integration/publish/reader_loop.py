"""A BI-like reader process for test_publish_concurrent_readers.py.

Usage: python reader_loop.py <reporting_db> <out_dir>. Until <out_dir>/stop exists,
it opens the reporting DB read-only, reads every table's row count, the as-of
date of customer_segments and the latest published pipeline_runs row, closes it,
and checks that all of it belongs to one night. It appends every newly seen night
to <out_dir>/seen, and writes <out_dir>/summary.json at the end (reads, errors,
inconsistencies).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from fake_candidates import expected_counts, night_of  # the script's folder is on sys.path

from kam.warehouse.reporting_db import open_reporting_db


def read_once(path: str) -> tuple[int, str | None]:
    con = open_reporting_db(path)
    try:
        dates = con.execute("select distinct as_of_date from customer_segments").fetchall()
        night = night_of(dates[0][0])
        counts = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in expected_counts(night)}
        counts["customer_segments_history"] = con.execute("select count(*) from customer_segments_history").fetchone()[
            0
        ]
        run = con.execute(
            "select as_of_date, row_counts from pipeline_runs where status = 'published' "
            "order by finished_at desc limit 1"
        ).fetchone()
    finally:
        con.close()
    problems = []
    if len(dates) != 1:
        problems.append(f"several as-of dates in customer_segments: {dates}")
    if {t: counts[t] for t in expected_counts(night)} != expected_counts(night):
        problems.append(f"counts {counts} are not those of night {night}")
    if run[0] != dates[0][0]:
        problems.append(f"pipeline_runs says {run[0]}, customer_segments {dates[0][0]}")
    if json.loads(run[1]) != counts:
        problems.append(f"pipeline_runs row counts {run[1]} differ from the tables {counts}")
    return night, "; ".join(problems) or None


def main(path: str, out_dir: str) -> None:
    out = Path(out_dir)
    reads, errors, inconsistent, seen = 0, [], [], set()
    while not (out / "stop").exists():
        try:
            night, problem = read_once(path)
        except Exception as error:  # what a BI tool would see
            errors.append(f"{type(error).__name__}: {error}")
            continue
        reads += 1
        if problem:
            inconsistent.append(problem)
        if night not in seen:
            seen.add(night)
            with open(out / "seen", "a") as handle:
                handle.write(f"{night}\n")
    (out / "summary.json").write_text(
        json.dumps(
            {
                "reads": reads,
                "errors": errors[:20],
                "error_count": len(errors),
                "inconsistent": inconsistent[:20],
                "seen": sorted(seen),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

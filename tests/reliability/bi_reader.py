"""A BI-like reader: polls the reporting DB every 50 ms and records every error it would see.

Usage: python -m tests.reliability.bi_reader <reporting_db> <out_dir>. Until <out_dir>/stop
exists it opens the file read-only (kam.warehouse.reporting_db), checks that customer_segments
holds one as-of date and that a published pipeline_runs row exists for it, closes it and sleeps
50 ms. Writes <out_dir>/summary.json: reads, errors, inconsistencies, as-of dates seen.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from kam.warehouse.reporting_db import open_reporting_db

POLL_SECONDS = 0.05


def read_once(path: str) -> tuple[str, str | None]:
    con = open_reporting_db(path)
    try:
        dates = [str(r[0]) for r in con.execute("select distinct as_of_date from customer_segments").fetchall()]
        published = {
            str(r[0]) for r in con.execute("select as_of_date from pipeline_runs where status = 'published'").fetchall()
        }
    finally:
        con.close()
    if len(dates) != 1:
        return ",".join(dates), f"customer_segments holds as-of dates {dates}"
    if dates[0] not in published:
        return dates[0], f"no published pipeline_runs row for {dates[0]}"
    return dates[0], None


def main(path: str, out_dir: str) -> None:
    out = Path(out_dir)
    reads, errors, inconsistent, seen = 0, [], [], []
    while not (out / "stop").exists():
        if Path(path).exists():
            try:
                night, problem = read_once(path)
                reads += 1
                if problem:
                    inconsistent.append(problem)
                if night not in seen:
                    seen.append(night)
            except Exception as error:  # what a BI tool would see
                errors.append(f"{type(error).__name__}: {error}")
        time.sleep(POLL_SECONDS)
    (out / "summary.json").write_text(
        json.dumps(
            {
                "reads": reads,
                "errors": errors[:20],
                "error_count": len(errors),
                "inconsistent": inconsistent[:20],
                "seen": seen,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

"""`make reliability`: runs the fault suite and writes reliability_report.md with its figures.

    python -m tests.reliability.report [--out reliability_report.md] [--catalogue-only]

Runs every bad-input case of catalogue.py in-process (a fresh warehouse each), then the
night-level families of test_nights.py and test_spark_nights.py through pytest with KAM_RELIABILITY_FULL=1 (every
variant, slow ones included), and writes per family: cases tried, handled, good rows lost
(must be 0), and a table per case. Exits 1 when a case is not handled or a good row is lost.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

from tests.reliability.bad_inputs import run_case
from tests.reliability.catalogue import CASES, FAMILIES

REPO = Path(__file__).resolve().parents[2]
NIGHT_FAMILIES = {  # test name prefix -> family
    "test_every_replayed_night": "replay",
    "test_bi_reader": "concurrent readers",
    "test_last_night_equals": "replay",
    "test_backfill": "backfill",
    "test_source_down": "source down",
    "test_blocked_night": "blocked night",
    "test_two_concurrent": "concurrent runs",
    "test_sigkill": "kill in a stage",
    "test_spark_nights": "Spark nights",
}


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")[:300]


def catalogue_section() -> tuple[list[str], bool]:
    results = []
    with tempfile.TemporaryDirectory(prefix="kam-reliability-") as tmp:
        for case in CASES:
            results.append(run_case(case, Path(tmp) / case.name))
    by_family = defaultdict(list)
    for r in results:
        by_family[r.case.family].append(r)
    lines = [
        "## Bad inputs (value and file level)",
        "",
        "| family | cases tried | handled | good rows lost |",
        "|---|---|---|---|",
    ]
    for family in FAMILIES:
        rs = by_family[family]
        lines.append(f"| {family} | {len(rs)} | {sum(r.handled for r in rs)} | {sum(r.good_rows_lost for r in rs)} |")
    total_lost = sum(r.good_rows_lost for r in results)
    lines += [f"| **all** | {len(results)} | {sum(r.handled for r in results)} | {total_lost} |", ""]
    for family in FAMILIES:
        lines += [
            f"### {family}",
            "",
            "| case | object | expected | data lines | rows read | quarantined | good rows lost | handled | problems |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for r in by_family[family]:
            lines.append(
                f"| {r.case.name} | {r.case.object} | {r.case.expect.outcome} | {r.data_lines} | "
                f"{r.rows_read} | {r.quarantined} | {r.good_rows_lost} | {'yes' if r.handled else 'NO'} | "
                f"{_cell('; '.join(r.problems))} |"
            )
        lines.append("")
    return lines, all(r.handled for r in results) and total_lost == 0


def nights_section() -> tuple[list[str], bool]:
    with tempfile.TemporaryDirectory(prefix="kam-reliability-nights-") as tmp:
        junit = Path(tmp) / "nights.xml"
        env = {**os.environ, "KAM_RELIABILITY_FULL": "1"}
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "tests/reliability/test_nights.py",
                "tests/reliability/test_spark_nights.py",
                "-q",
                "-p",
                "no:cacheprovider",
                f"--junitxml={junit}",
                f"--basetemp={Path(tmp) / 'base'}",
            ],
            cwd=REPO,
            env=env,
        )
        cases = ET.parse(junit).getroot().iter("testcase")
        rows = []
        for case in cases:
            failure = case.find("failure") if case.find("failure") is not None else case.find("error")
            skipped = case.find("skipped") is not None
            family = next((f for p, f in NIGHT_FAMILIES.items() if case.get("name", "").startswith(p)), "other")
            message = "" if failure is None else (failure.get("message") or "")
            rows.append(
                (
                    family,
                    case.get("name"),
                    "skipped" if skipped else ("yes" if failure is None else "NO"),
                    message,
                    float(case.get("time", 0)),
                )
            )
    lines = [
        "## Nights (whole DAG runs)",
        "",
        "A night-level case is handled only when what it published (reporting tables, BI file, export "
        "files) equals its reference, so a handled case lost no good row; good rows lost counts the "
        "rows of the reference missing from a case that was not handled (unknown: shown as '?').",
        "",
        "| family | cases tried | handled | good rows lost |",
        "|---|---|---|---|",
    ]
    for family in dict.fromkeys(r[0] for r in rows):
        rs = [r for r in rows if r[0] == family]
        handled = sum(r[2] == "yes" for r in rs)
        lines.append(f"| {family} | {len(rs)} | {handled} | {0 if handled == len(rs) else '?'} |")
    lines += ["", "| case | family | handled | seconds | failure |", "|---|---|---|---|---|"]
    lines += [f"| {name} | {family} | {ok} | {secs:.0f} | {_cell(msg)} |" for family, name, ok, msg, secs in rows]
    return lines + [""], all(r[2] == "yes" for r in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(REPO / "reliability_report.md"))
    parser.add_argument("--catalogue-only", action="store_true", help="skip the night-level families")
    args = parser.parse_args(argv)
    lines = [
        "# Reliability report",
        "",
        "Written by `make reliability` (tests/reliability/report.py). Good rows lost must be 0 in every family.",
        "",
    ]
    section, ok = catalogue_section()
    lines += section
    if not args.catalogue_only:
        night_lines, nights_ok = nights_section()
        lines += night_lines
        ok = ok and nights_ok
    Path(args.out).write_text("\n".join(lines) + "\n")
    print(f"wrote {args.out}: {'all handled' if ok else 'NOT all handled'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""The worked example's order-lines part file with one fault: the fault costs exactly its own line."""

from __future__ import annotations

import random

import pytest
from extract_helpers import EXAMPLE
from parse_helpers import ORDER_LINE_HEADER, stage, write_lines

from kam.extract.csv_scan import scan_csv

PART = EXAMPLE / "src" / "erp" / "order_lines_part1.csv"


@pytest.fixture(scope="module")
def original():
    if not PART.exists():
        pytest.skip(f"worked example not found at {PART}")
    return PART.read_bytes().splitlines(keepends=True)


@pytest.fixture(scope="module")
def original_good(original, tmp_path_factory):
    path = tmp_path_factory.mktemp("orig") / "order_lines_part1.csv"
    path.write_bytes(b"".join(original))
    assert scan_csv(path).duckdb_safe
    staged = stage(path)
    assert staged.bad == []
    assert staged.lines == list(range(2, len(original) + 1))
    return staged.good


@pytest.mark.parametrize(
    "fault, reason",
    [
        (lambda line: b'"' + line, "malformed CSV line: unterminated quote"),
        (lambda line: line.replace(b",", b",\xe9", 1), "not UTF-8: byte 0xE9 at column 10"),
        (lambda line: line.replace(b",", b",\x07", 1), "control character 0x07 in line"),
        (lambda line: line.rstrip(b"\r\n") + b",1,2\r\n", "malformed CSV line: expected 9 fields, found 11"),
    ],
)
def test_one_fault_on_line_100_costs_that_line_only(original, original_good, tmp_path, fault, reason):
    lines = list(original)
    lines[99] = fault(lines[99])
    path = tmp_path / "order_lines_part1.csv"
    path.write_bytes(b"".join(lines))
    staged = stage(path)
    assert [(line, why) for line, why, _ in staged.bad] == [(100, reason)]
    assert staged.good == [g for g in original_good if g[0] != 100]
    assert len(staged.good) + len(staged.bad) == len(original) - 1


def test_mixed_line_endings_load_every_line(original, original_good, tmp_path):
    lines = [line.rstrip(b"\r\n") + (b"\n" if n % 3 else b"\r\n") for n, line in enumerate(original)]
    path = tmp_path / "order_lines_part1.csv"
    path.write_bytes(b"".join(lines))
    assert stage(path).good == original_good


def test_random_files_read_alike_by_duckdb_and_the_per_line_parser(tmp_path):
    """Files the scan lets DuckDB read give the same rows as the per-line parser (forced by a bad last line)."""
    pieces = ["a", "b", ",", '"', " ", '""', "\t", "é", ",,"]
    rng = random.Random(20261016)
    compared = 0
    for n in range(150):
        lines = []
        for i in range(6):
            fields = [f"O{i}", "1", "P", "c", "2", "", "3", "1", "2026-01-01"]
            at = rng.randrange(9)
            fields[at] = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 5)))
            if rng.random() < 0.3:
                fields[at] = f'"{fields[at]}"'
            lines.append(",".join(fields))
        fast = write_lines(tmp_path / f"fast{n}.csv", [ORDER_LINE_HEADER] + lines)
        if not scan_csv(fast).duckdb_safe:
            continue
        slow = write_lines(tmp_path / f"slow{n}.csv", [ORDER_LINE_HEADER] + lines + [b"\xff"])
        by_duckdb, by_lines = stage(fast), stage(slow)
        assert (by_duckdb.good, by_duckdb.bad) == (by_lines.good, by_lines.bad[:-1]), lines
        compared += 1
    assert compared >= 15  # 150 files, fixed seed: 19 are DuckDB-safe

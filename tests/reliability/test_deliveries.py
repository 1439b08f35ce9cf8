"""The replayer delivers the worked example as 8 real-looking nights (checked without running them)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from tests.reliability.deliveries import EXAMPLE, FINAL_NIGHT, FRESHNESS_HOURS, read_source_file
from tests.reliability.timestamps import utc_instant


def test_eight_consecutive_nights_ending_at_the_example_date(replayer):
    assert len(replayer.nights) == 8
    assert replayer.nights[-1] == FINAL_NIGHT
    assert [(b - a).days for a, b in zip(replayer.nights, replayer.nights[1:])] == [1] * 7


def test_part_files_of_all_nights_are_the_examples_lines_exactly(replayer):
    delivered, expected = Counter(), Counter()
    for night in replayer.nights:
        for relpath, content in replayer.delivery(night).parts.items():
            obj = relpath.split("/")[1].split("_20")[0]
            delivered.update((obj, line) for line in content.splitlines(keepends=True)[1:])
    for source in replayer.files:
        if source.is_part_file:
            obj = source.relpath.split("/")[1].rsplit("_part", 1)[0]
            expected.update((obj, line) for line in source.lines)
    assert delivered == expected


def test_last_night_snapshots_are_the_example_files(replayer):
    last = replayer.delivery(FINAL_NIGHT)
    for relpath, content in last.snapshots.items():
        assert content == (EXAMPLE / "src" / relpath).read_bytes(), relpath
    assert set(last.snapshots) == {
        "erp/fx_rates.csv",
        "crm/accounts.csv",
        "crm/contacts.csv",
        "crm/activities.csv",
        "crm/cases.jsonl",
        "crm/opportunities.jsonl",
        "crm/surveys.jsonl",
    }


def test_snapshots_change_in_place_and_carry_a_rename(replayer):
    accounts = [replayer.delivery(n).snapshots["crm/accounts.csv"] for n in replayer.nights]
    assert b"Terra Chemie GmbH (old)" in accounts[0] and b"Terra Chemie GmbH (old)" not in accounts[-1]
    cases = [replayer.delivery(n).snapshots["crm/cases.jsonl"] for n in replayer.nights]
    assert len(set(cases)) > 3


def test_every_night_has_fresh_orders(replayer, tmp_path):
    for night in replayer.nights:
        replayer.deliver(night, tmp_path)
        newest = max(
            utc_instant(line.split(b",")[-1].decode()) or datetime.min
            for path in (tmp_path / "erp").glob("orders_*.csv")
            for line in read_source_file(tmp_path, f"erp/{path.name}").lines
            if b"updated_at" not in line and path.name.endswith("_part1.csv")
        )
        end_of_night = datetime.combine(night + timedelta(days=1), datetime.min.time())
        assert end_of_night - newest <= timedelta(hours=FRESHNESS_HOURS), (night, newest)

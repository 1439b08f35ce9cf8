"""Replays the worked example (../shared/examples/small) as nightly deliveries, the way real systems send them.

For nights N1..N8 ending at the example's as-of date (2026-10-15):
- ERP `orders` / `order_lines`: part files per night, `<object>_<night><rest>.csv`, holding the
  example's lines whose `updated_at` falls on a UTC date after the previous night and up to this one;
- ERP `fx_rates.csv` and every CRM file: a full snapshot rewritten in place under the same name
  each night (`rate_date` / `updated_at` <= night);
- the last night delivers every remaining line (also those dated after it or without a readable
  date), so after it the folder holds exactly the example's rows and the CRM files are the
  example's files byte for byte;
- an account changed during the week appears in earlier snapshots as an older version with
  another name (`<name> (old)`), so the in-place rewrite carries a rename.
Lines are copied verbatim (bytes, line endings, quirks): only which night they arrive in changes.
"""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from tests.reliability.timestamps import utc_date

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO.parent / "shared" / "examples" / "small"
FINAL_NIGHT = date(2026, 10, 15)
NIGHT_COUNT = 8
FRESHNESS_HOURS = 48
ERP_PART_OBJECTS = ("order_lines", "orders")  # longest prefix first
OLD_ACCOUNT_UPDATED_AT = "2026-10-01T00:00:00Z"


def replay_nights(count: int = NIGHT_COUNT, final: date = FINAL_NIGHT) -> list[date]:
    return [final - timedelta(days=count - 1 - i) for i in range(count)]


@dataclass
class SourceFile:
    """One example file split into its header and data lines (bytes, line endings kept)."""

    relpath: str  # "erp/orders_part1.csv"
    header: bytes | None  # None for JSONL
    lines: list[bytes]
    dates: list[date | None]  # per line, the date that decides its night

    @property
    def is_part_file(self) -> bool:
        return self.relpath.startswith("erp/") and Path(self.relpath).name.startswith(ERP_PART_OBJECTS)


def _csv_fields(line: bytes) -> list[str]:
    return next(csv.reader(io.StringIO(line.decode("utf-8"))), [])


def _date_column(relpath: str) -> str:
    return "rate_date" if Path(relpath).name.startswith("fx_rates") else "updated_at"


def read_source_file(root: Path, relpath: str) -> SourceFile:
    data = (root / relpath).read_bytes()
    physical = data.splitlines(keepends=True)
    column = _date_column(relpath)
    if relpath.endswith(".jsonl"):
        lines = [line for line in physical if line.strip()]
        dates = [utc_date(str(json.loads(line).get(column) or "")) for line in lines]
        return SourceFile(relpath, None, lines, dates)
    header, lines = physical[0], [line for line in physical[1:] if line.strip()]
    index = _csv_fields(header).index(column)
    dates = []
    for line in lines:
        fields = _csv_fields(line)
        dates.append(utc_date(fields[index]) if index < len(fields) else None)
    return SourceFile(relpath, header, lines, dates)


def _part_name(relpath: str, night: date) -> str:
    folder, name = relpath.split("/")
    obj = next(o for o in ERP_PART_OBJECTS if name.startswith(o))
    return f"{folder}/{obj}_{night.isoformat()}{name[len(obj) :]}"


def _older_account_version(header: bytes, line: bytes) -> bytes:
    """The line with another name and an earlier updated_at: the version before the week's change."""
    columns = _csv_fields(header)
    fields = _csv_fields(line)
    fields[columns.index("name")] = fields[columns.index("name")].strip() + " (old)"
    fields[columns.index("updated_at")] = OLD_ACCOUNT_UPDATED_AT
    out = io.StringIO()
    ending = "\r\n" if line.endswith(b"\r\n") else "\n"
    csv.writer(out, lineterminator=ending).writerow(fields)
    return out.getvalue().encode("utf-8")


@dataclass
class Delivery:
    """What arrives on one night: new part files and rewritten snapshots, relpath -> content."""

    night: date
    parts: dict[str, bytes] = field(default_factory=dict)
    snapshots: dict[str, bytes] = field(default_factory=dict)

    def write(self, target: Path) -> None:
        """Add the part files and rewrite the snapshots in place under `target` (erp/, crm/)."""
        for relpath, content in {**self.parts, **self.snapshots}.items():
            path = target / relpath
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "wb") as handle:  # in place: same name, same inode
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())


class Replayer:
    """The example as `len(nights)` deliveries; `delivery(night)` is what that night brings."""

    def __init__(self, example_src: Path = EXAMPLE / "src", nights: list[date] | None = None):
        self.src = example_src
        self.nights = nights or replay_nights()
        relpaths = sorted(
            f"{system}/{p.name}" for system in ("erp", "crm") for p in (example_src / system).iterdir() if p.is_file()
        )
        self.files = [read_source_file(example_src, r) for r in relpaths]

    def _included(self, source: SourceFile, night: date) -> list[bool]:
        last = night == self.nights[-1]
        return [last or (d is not None and d <= night) for d in source.dates]

    def delivery(self, night: date) -> Delivery:
        position = self.nights.index(night)
        previous = self.nights[position - 1] if position else None
        result = Delivery(night)
        for source in self.files:
            now = self._included(source, night)
            if source.is_part_file:
                before = self._included(source, previous) if previous else [False] * len(now)
                new = [line for line, a, b in zip(source.lines, now, before) if a and not b]
                if new:
                    result.parts[_part_name(source.relpath, night)] = (source.header or b"") + b"".join(new)
                continue
            if night == self.nights[-1]:
                result.snapshots[source.relpath] = (self.src / source.relpath).read_bytes()
                continue
            lines = []
            for line, included, day in zip(source.lines, now, source.dates):
                if included:
                    lines.append(line)
                elif (
                    source.relpath == "crm/accounts.csv" and day is not None and self.nights[0] < day <= self.nights[-1]
                ):
                    lines.append(_older_account_version(source.header, line))
            result.snapshots[source.relpath] = (source.header or b"") + b"".join(lines)
        return result

    def deliver(self, night: date, target: Path) -> Delivery:
        delivery = self.delivery(night)
        delivery.write(target)
        return delivery

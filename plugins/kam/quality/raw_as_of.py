"""What the raw layer held at the end of D's night, for the checks that read raw rows.

A nightly run (D at or after the latest extracted date) reads `raw.<object>`: the latest
valid version per key is exactly D's state. A backfill (D earlier) must not see later
nights' rows, so it reads `raw_history.<object>` restricted to `_as_of_date <= D`, latest
version per key (greatest `updated_at`, then `_load_seq`; fx_rates: `_load_seq`), the same
rule the backfill staging models apply (docs/decisions/0009).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kam.contract import OBJECTS
from kam.quality.access import WarehouseAccess


@dataclass(frozen=True)
class RawAsOf:
    access: WarehouseAccess
    as_of: date
    backfill: bool = False

    @property
    def schema(self) -> str:
        return "raw_history" if self.backfill else "raw"

    def exists(self, obj: str) -> bool:
        return self.access.table_exists(self.schema, obj)

    def relation(self, obj: str) -> str:
        """A FROM item (table or parenthesised subquery, to be aliased by the caller) of `obj` as of D."""
        if not self.backfill:
            return f"raw.{obj}"
        contract = OBJECTS[obj]
        keys = ", ".join(contract.key)
        order = ("updated_at desc nulls last, _load_seq desc nulls last" if contract.has_updated_at
                 else "_load_seq desc nulls last")  # as dbt's macro raw_as_of, on every engine
        return (f"(select * from (select h.*, row_number() over (partition by {keys} order by {order}) "
                f"as gate_version_rank from raw_history.{obj} h "
                f"where h._as_of_date <= date '{self.as_of.isoformat()}') ranked where gate_version_rank = 1)")

    def label(self, obj: str) -> str:
        """How messages name the rows read."""
        return f"raw_history.{obj} (as of {self.as_of})" if self.backfill else f"raw.{obj}"

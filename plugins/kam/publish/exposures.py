"""What is published and what is exported, read from dbt_project/models/exposures.yml (the one place).

`bi_reporting`'s refs are the published tables; `sales_ops_exports`' `meta.exports` the exported
ones. Names are checked to be plain identifiers and no export may name a contact's personal data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from kam.config import DBT_PROJECT_DIR

EXPOSURES_FILE = DBT_PROJECT_DIR / "models" / "exposures.yml"
BI_EXPOSURE = "bi_reporting"
EXPORT_EXPOSURE = "sales_ops_exports"

#: Personal data of CRM contacts (sources.md `contacts`): never in an export.
PERSONAL_DATA_COLUMNS = frozenset({"full_name", "email", "phone"})
_PERSONAL_DATA_PATTERN = re.compile(r"(full_name|e_?mail|phone)")

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
_REF = re.compile(r"""^\s*ref\(\s*['"]([A-Za-z0-9_]+)['"]\s*\)\s*$""")


class ExposureError(ValueError):
    """exposures.yml does not declare what publication or export needs."""


@dataclass(frozen=True)
class ExportSpec:
    """One exported table: its columns (allow-list), row order and file kinds."""

    table: str
    columns: tuple[str, ...]
    order_by: tuple[tuple[str, bool], ...]  # (column, descending)
    csv: bool

    @property
    def order_by_sql(self) -> str:
        return ", ".join(f"{col} {'desc' if desc else 'asc'}" for col, desc in self.order_by)


def _identifier(name: object, where: str) -> str:
    if not isinstance(name, str) or not _IDENTIFIER.match(name):
        raise ExposureError(f"{where}: {name!r} is not a lower-case SQL identifier")
    return name


def load_exposures(path: Path = EXPOSURES_FILE) -> dict[str, dict]:
    """The exposures of the file, by name."""
    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        document = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=loader) or {}
    except FileNotFoundError:
        raise ExposureError(f"{path}: exposures file not found") from None
    exposures = {e.get("name"): e for e in document.get("exposures") or []}
    for name in (BI_EXPOSURE, EXPORT_EXPOSURE):
        if name not in exposures:
            raise ExposureError(f"{path}: exposure {name!r} is missing")
    return exposures


def _refs(exposure: dict, path: Path) -> tuple[str, ...]:
    tables = []
    for item in exposure.get("depends_on") or []:
        match = _REF.match(str(item))
        if not match:
            raise ExposureError(f"{path}: exposure {exposure['name']!r}: depends_on {item!r} is not ref('<model>')")
        tables.append(_identifier(match.group(1), f"{path}: exposure {exposure['name']!r}"))
    if not tables:
        raise ExposureError(f"{path}: exposure {exposure['name']!r} depends on no model")
    return tuple(tables)


def reporting_tables(path: Path = EXPOSURES_FILE) -> tuple[str, ...]:
    """The marts publication copies into schema `reporting` (refs of `bi_reporting`)."""
    return _refs(load_exposures(path)[BI_EXPOSURE], path)


def _order_by(spec: dict, columns: tuple[str, ...], where: str) -> tuple[tuple[str, bool], ...]:
    order = []
    for item in spec.get("order_by") or []:
        parts = str(item).split()
        if len(parts) not in (1, 2) or (len(parts) == 2 and parts[1].lower() not in ("asc", "desc")):
            raise ExposureError(f"{where}: order_by {item!r} is not '<column> [asc|desc]'")
        column = _identifier(parts[0], f"{where}: order_by")
        if column not in columns:
            raise ExposureError(f"{where}: order_by column {column!r} is not among the exported columns")
        order.append((column, len(parts) == 2 and parts[1].lower() == "desc"))
    if not order:
        raise ExposureError(f"{where}: order_by is missing (exports need a stable row order)")
    return tuple(order)


def export_specs(path: Path = EXPOSURES_FILE) -> tuple[ExportSpec, ...]:
    """The exported tables in sheet order, validated (no contact personal data)."""
    exposures = load_exposures(path)
    exposure = exposures[EXPORT_EXPOSURE]
    depends_on = set(_refs(exposure, path))
    published = set(_refs(exposures[BI_EXPOSURE], path))
    meta = {**(exposure.get("meta") or {}), **((exposure.get("config") or {}).get("meta") or {})}
    specs = []
    for raw in meta.get("exports") or []:
        table = _identifier(raw.get("table"), f"{path}: {EXPORT_EXPOSURE} exports table")
        where = f"{path}: {EXPORT_EXPOSURE} export {table!r}"
        if table not in depends_on:
            raise ExposureError(f"{where}: not in the exposure's depends_on")
        if table not in published:
            raise ExposureError(f"{where}: not a published table (missing from {BI_EXPOSURE})")
        columns = tuple(_identifier(c, f"{where}: column") for c in raw.get("columns") or [])
        if not columns:
            raise ExposureError(f"{where}: no columns listed")
        if len(set(columns)) != len(columns):
            raise ExposureError(f"{where}: a column is listed twice")
        personal = [c for c in columns if c in PERSONAL_DATA_COLUMNS or _PERSONAL_DATA_PATTERN.search(c)]
        if personal:
            raise ExposureError(f"{where}: columns {personal} are contacts' personal data and may not be exported")
        specs.append(ExportSpec(table, columns, _order_by(raw, columns, where), bool(raw.get("csv", True))))
    if not specs:
        raise ExposureError(f"{path}: exposure {EXPORT_EXPOSURE!r} declares no exports (config.meta.exports)")
    if len({s.table for s in specs}) != len(specs):
        raise ExposureError(f"{path}: exposure {EXPORT_EXPOSURE!r} exports a table twice")
    return tuple(specs)

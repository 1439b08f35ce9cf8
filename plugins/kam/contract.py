"""The source contract of ../shared/spec/sources.md as data.

One `SourceObject` per object of the order system (ERP) and the CRM: its key,
its columns with their contract type, which may be empty, and enumerations.
Extraction validates against it, and the raw tables dbt reads are created from
it, so the contract lives in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Contract types and the SQL type a valid value is stored as in the raw schema.
SQL_TYPES = {
    "string": "varchar",
    "date": "date",
    "timestamp": "timestamp",  # always UTC, without offset
    "decimal": "decimal(18,6)",
    "rate": "decimal(18,10)",  # fx rates keep more digits
    "integer": "bigint",
    "boolean": "boolean",
    "enum": "varchar",  # stored lower-case
    "currency": "varchar",  # stored upper-case
}

# Lineage columns every raw and quarantine row carries.
LINEAGE_COLUMNS = {
    "_source": "varchar",  # file (relative to the source folder's parent) or table
    "_row": "bigint",  # line number in the file (header is line 1) or row ordinal
    "_run_id": "varchar",
    "_load_seq": "bigint",  # increases with every load: later wins on an updated_at tie
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    nullable: bool = False
    enum: tuple[str, ...] = ()
    minimum: float | None = None  # inclusive lower bound
    exclusive_minimum: float | None = None
    maximum: float | None = None
    optional: bool = False  # the column itself may be absent from the source


@dataclass(frozen=True)
class SourceObject:
    name: str
    system: str  # "erp" or "crm"
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    has_updated_at: bool = True
    optional: bool = False  # the whole object may be absent
    personal_data: tuple[str, ...] = field(default=())

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if not c.optional]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


C = Column
OBJECTS: dict[str, SourceObject] = {
    o.name: o
    for o in [
        SourceObject(
            "orders",
            "erp",
            ("order_id",),
            (
                C("order_id", "string"),
                C("customer_id", "string"),
                C("order_date", "date"),
                C("promised_date", "date", nullable=True),
                C("delivered_date", "date", nullable=True),
                C("status", "enum", enum=("placed", "shipped", "delivered", "cancelled", "returned")),
                C("currency", "currency"),
                C("updated_at", "timestamp"),
            ),
        ),
        SourceObject(
            "order_lines",
            "erp",
            ("order_id", "line_number"),
            (
                C("order_id", "string"),
                C("line_number", "integer"),
                C("product_id", "string"),
                C("product_category", "string", nullable=True),
                C("quantity", "decimal", exclusive_minimum=0),
                C("delivered_quantity", "decimal", nullable=True, minimum=0),
                C("unit_price", "decimal", minimum=0),
                C("unit_cost", "decimal", nullable=True, minimum=0),
                C("updated_at", "timestamp"),
            ),
        ),
        SourceObject(
            "fx_rates",
            "erp",
            ("currency", "rate_date"),
            (
                C("currency", "currency"),
                C("rate_date", "date"),
                C("rate_to_reporting", "rate", exclusive_minimum=0),
            ),
            has_updated_at=False,
            optional=True,
        ),
        SourceObject(
            "accounts",
            "crm",
            ("account_id",),
            (
                C("account_id", "string"),
                C("name", "string"),
                C("industry", "string", nullable=True),
                C("region", "string", nullable=True),
                C("country", "string", nullable=True),
                C("employees", "integer", nullable=True),
                C("annual_budget", "decimal", nullable=True),
                C("account_manager", "string", nullable=True),
                C("kam_designated", "boolean"),
                C("is_image_maker", "boolean"),
                C("is_expert", "boolean"),
                C("created_at", "timestamp"),
                C("updated_at", "timestamp"),
                C("is_deleted", "boolean", nullable=True, optional=True),
            ),
        ),
        SourceObject(
            "contacts",
            "crm",
            ("contact_id",),
            (
                C("contact_id", "string"),
                C("account_id", "string"),
                C("full_name", "string"),
                C("email", "string", nullable=True),
                C("phone", "string", nullable=True),
                C("job_title", "string", nullable=True),
                C("is_decision_maker", "boolean"),
                C("updated_at", "timestamp"),
            ),
            personal_data=("full_name", "email", "phone"),
        ),
        SourceObject(
            "opportunities",
            "crm",
            ("opportunity_id",),
            (
                C("opportunity_id", "string"),
                C("account_id", "string"),
                C("created_at", "timestamp"),
                C("closed_at", "timestamp", nullable=True),
                C("stage", "enum", enum=("open", "won", "lost")),
                C("amount", "decimal", nullable=True),
                C("lost_reason", "string", nullable=True),
                C("competitor", "string", nullable=True),
                C("updated_at", "timestamp"),
            ),
        ),
        SourceObject(
            "activities",
            "crm",
            ("activity_id",),
            (
                C("activity_id", "string"),
                C("account_id", "string"),
                C("activity_type", "enum", enum=("call", "meeting", "email", "visit")),
                C("occurred_at", "timestamp"),
                C("owner", "string", nullable=True),
                C("updated_at", "timestamp"),
            ),
        ),
        SourceObject(
            "cases",
            "crm",
            ("case_id",),
            (
                C("case_id", "string"),
                C("account_id", "string"),
                C("order_id", "string", nullable=True),
                C("opened_at", "timestamp"),
                C("closed_at", "timestamp", nullable=True),
                C("category", "enum", enum=("quality", "delivery", "service", "billing", "other")),
                C("severity", "enum", enum=("low", "medium", "high")),
                C("updated_at", "timestamp"),
            ),
        ),
        SourceObject(
            "surveys",
            "crm",
            ("survey_id",),
            (
                C("survey_id", "string"),
                C("account_id", "string"),
                C("responded_at", "timestamp"),
                C("score", "integer", minimum=1, maximum=5),
                C("updated_at", "timestamp"),
            ),
        ),
    ]
}
del C


def objects_of(system: str) -> list[SourceObject]:
    """The objects of one source system, in contract order."""
    return [o for o in OBJECTS.values() if o.system == system]


def raw_table_ddl(obj: SourceObject, schema: str = "raw") -> str:
    """CREATE TABLE for the raw table of an object: contract columns, then lineage."""
    cols = [f"{c.name} {SQL_TYPES[c.type]}" for c in obj.columns]
    cols += [f"{name} {sql_type}" for name, sql_type in LINEAGE_COLUMNS.items()]
    return f"create table if not exists {schema}.{obj.name} ({', '.join(cols)})"


#: raw_history.<object>: the raw columns plus the as-of date of the run that loaded the version
HISTORY_COLUMNS = {"_as_of_date": "date"}


def history_table_ddl(obj: SourceObject) -> str:
    """CREATE TABLE for raw_history.<object>: every version merged into raw, with its as-of date."""
    cols = [f"{c.name} {SQL_TYPES[c.type]}" for c in obj.columns]
    cols += [f"{name} {sql_type}" for name, sql_type in {**LINEAGE_COLUMNS, **HISTORY_COLUMNS}.items()]
    return f"create table if not exists raw_history.{obj.name} ({', '.join(cols)})"


#: quarantine.rows columns added by spec v1.1 (decision 0009): existing warehouses get them
#: with ALTER TABLE ... ADD COLUMN IF NOT EXISTS (older rows hold null there)
QUARANTINE_ADDED_COLUMNS = {"as_of_date": "date", "version": "varchar", "key_text": "varchar", "load_seq": "bigint"}
QUARANTINE_DDL = (
    "create table if not exists quarantine.rows ("
    "object varchar, reason varchar, source varchar, row_number bigint, raw varchar, "
    "run_id varchar, quarantined_at timestamp, "
    + ", ".join(f"{name} {sql_type}" for name, sql_type in QUARANTINE_ADDED_COLUMNS.items())
    + ")"
)

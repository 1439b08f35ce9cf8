"""A small, consistent fake warehouse for the gate tests: every check passes on it as built.

As-of 2026-10-15, run `run_test`. Customers: C01..C06 with revenue 600, 250, 80, 40,
20, 10 (shares .60 .25 .08 .04 .02 .01: A A B B C C, class A holds 85%), C07 an
account that never ordered, C08 a lapsed-and-lost customer whose last order (2025-06-01)
is before the window. Not customers: C99 (deleted account, no orders) and C77 (an order
dated after D, no account). Orders: one per customer, newest updated_at 2026-10-15
20:00 (4 h before the end of D); C06 ordered in USD with a rate. One order line per
revenue order. The run started 2026-10-16 02:00 UTC.

Reads of D (meta.source_reads, as extraction records them, decision 0009): the orders
file `erp/orders/orders.csv` version `v1` with 1000 rows, 5 of them bad (quarantine.rows
of D, keys BAD0..BAD4, load_seq 1..5), the accounts file with 9 rows, the fx_rates table
with 2 rows. Of D-1 (2026-10-14): the orders file version `v0`, 100 rows, 50 bad (they
never count for D). No source errors. `raw_history.<object>` holds the raw rows as of
1900-01-01 (the seed); `staging.stg_erp__orders` and `staging_backfill.stg_erp__orders` are
dbt's views of the orders as of D. Last publication: as-of 2026-10-13 with 8 customer_segments rows
(a later blocked run of 2026-10-14 claims 100).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import duckdb

AS_OF = date(2026, 10, 15)
RUN_ID = "run_test"
RUN_STARTED_AT = datetime(2026, 10, 16, 2, 0)
ORDERS_FILE = "erp/orders/orders.csv"
READ_AT = datetime(2026, 10, 16, 2, 1)
HISTORY_OBJECTS = ("accounts", "orders", "order_lines", "fx_rates")

SEGMENT_DDL = """
customer_id varchar, customer_name varchar, account_manager varchar, industry varchar, region varchar,
is_deleted boolean, as_of_date date, window_start date, window_end date,
revenue_12m decimal(18,2), revenue_prev_12m decimal(18,2), gross_margin_12m decimal(18,2),
margin_coverage double precision, is_loss_making boolean, revenue_share double precision,
revenue_cum_share double precision, abc_revenue varchar, margin_share double precision,
margin_cum_share double precision, abc_margin varchar, months_observed integer, active_months integer,
purchase_frequency double precision, demand_cv double precision, xyz_class varchar, abc_xyz varchar,
abc_xyz_strategy varchar, first_order_date date, last_order_date date, days_since_last_order integer,
typical_interval_days double precision, expected_next_order_date date, lapse_status varchar,
failures_90d integer, failures_prev_90d integer, failure_trend varchar, top_failure_area_90d varchar,
otif_rate_90d double precision, tenure_months integer, three_p_qualified boolean, kam_designated boolean,
is_breadwinner boolean, is_prospect boolean, is_image_maker boolean, is_expert boolean,
is_key_account boolean, key_account_type varchar, key_account_review varchar,
key_account_score double precision
"""
SEGMENT_COLUMNS = [line.split()[0] for line in SEGMENT_DDL.replace("\n", " ").split(", ") if line.strip()]

# customer, revenue, share, cum_share, abc, key account type (None = not a key account)
REVENUE_CUSTOMERS = [
    ("C01", 600, 0.60, 0.60, "A", "top_customer"),
    ("C02", 250, 0.25, 0.85, "A", "top_customer"),
    ("C03", 80, 0.08, 0.93, "B", None),
    ("C04", 40, 0.04, 0.97, "B", None),
    ("C05", 20, 0.02, 0.99, "C", None),
    ("C06", 10, 0.01, 1.00, "C", None),
]


def _segment_row(
    customer_id: str,
    revenue: float = 0,
    share=None,
    cum=None,
    abc=None,
    ka_type=None,
    last_order: str | None = "2026-09-01",
    lapse: str = "active",
    days: int | None = 44,
) -> dict:
    has_revenue = revenue > 0
    return {
        "customer_id": customer_id,
        "customer_name": f"Customer {customer_id}",
        "account_manager": "Anna Berg",
        "industry": "Machinery",
        "region": "DACH",
        "is_deleted": False,
        "as_of_date": AS_OF,
        "window_start": date(2025, 10, 1),
        "window_end": date(2026, 9, 30),
        "revenue_12m": revenue,
        "revenue_prev_12m": 0 if has_revenue else 120,
        "gross_margin_12m": revenue / 4,
        "margin_coverage": 1.0 if has_revenue else None,
        "is_loss_making": False,
        "revenue_share": share,
        "revenue_cum_share": cum,
        "abc_revenue": abc,
        "margin_share": share,
        "margin_cum_share": cum,
        "abc_margin": abc,
        "months_observed": 12 if has_revenue else 0,
        "active_months": 1 if has_revenue else 0,
        "purchase_frequency": 1 / 12 if has_revenue else None,
        "demand_cv": 3.3 if has_revenue else None,
        "xyz_class": "Z" if has_revenue else None,
        "abc_xyz": f"{abc}Z" if abc else None,
        "abc_xyz_strategy": "Review" if abc else None,
        "first_order_date": last_order,
        "last_order_date": last_order,
        "days_since_last_order": days,
        "typical_interval_days": None,
        "expected_next_order_date": None,
        "lapse_status": lapse,
        "failures_90d": 0,
        "failures_prev_90d": 0,
        "failure_trend": "none",
        "top_failure_area_90d": None,
        "otif_rate_90d": None,
        "tenure_months": 1 if last_order else None,
        "three_p_qualified": False,
        "kam_designated": False,
        "is_breadwinner": False,
        "is_prospect": False,
        "is_image_maker": False,
        "is_expert": False,
        "is_key_account": ka_type is not None,
        "key_account_type": ka_type,
        "key_account_review": "upgrade_candidate" if abc == "A" else "ok",
        "key_account_score": 50.0,
    }


def segment_rows() -> list[dict]:
    rows = [_segment_row(c, r, s, cum, abc, ka) for c, r, s, cum, abc, ka in REVENUE_CUSTOMERS]
    rows.append(_segment_row("C07", last_order=None, lapse="never_ordered", days=None))
    rows.append(_segment_row("C08", last_order="2025-06-01", lapse="lost", days=501))
    return rows


def insert_segment(con, row: dict) -> None:
    columns = ", ".join(SEGMENT_COLUMNS)
    marks = ", ".join("?" for _ in SEGMENT_COLUMNS)
    con.execute(f"insert into marts.customer_segments ({columns}) values ({marks})", [row[c] for c in SEGMENT_COLUMNS])


def build(path: Path) -> duckdb.DuckDBPyConnection:
    """Create the fake warehouse at `path` and return an open connection to it."""
    con = duckdb.connect(str(path))
    con.execute("set TimeZone = 'UTC'")
    for schema in ("raw", "raw_history", "quarantine", "meta", "marts", "reporting"):
        con.execute(f"create schema {schema}")
    _raw(con)
    _history(con)
    _extraction(con)
    _staging(con)
    _marts(con)
    _reporting(con)
    return con


def _raw(con) -> None:
    con.execute(
        "create table raw.accounts (account_id varchar, name varchar, is_deleted boolean, updated_at timestamp)"
    )
    accounts = [(f"C0{i}", f"Customer C0{i}", None if i % 2 else False) for i in range(1, 9)]
    con.executemany(
        "insert into raw.accounts values (?, ?, ?, '2026-01-01 00:00:00')", accounts + [("C99", "Gone", True)]
    )
    con.execute(
        "create table raw.orders (order_id varchar, customer_id varchar, order_date date, "
        "status varchar, currency varchar, updated_at timestamp)"
    )
    orders = [
        (f"SO{i}", c, "2026-09-01", "delivered", "USD" if c == "C06" else "EUR", "2026-09-02 08:00:00")
        for i, (c, *_rest) in enumerate(REVENUE_CUSTOMERS)
    ]
    orders += [
        ("SO7", "C08", "2025-06-01", "delivered", "EUR", "2025-06-02 08:00:00"),
        ("SO8", "C01", "2026-10-15", "cancelled", "EUR", "2026-10-15 20:00:00"),
        ("SO9", "C77", "2026-10-16", "placed", "GBP", "2026-10-15 19:00:00"),
    ]
    con.executemany("insert into raw.orders values (?, ?, ?, ?, ?, ?)", orders)
    con.execute("create table raw.fx_rates (currency varchar, rate_date date, rate_to_reporting decimal(18,10))")
    con.execute("insert into raw.fx_rates values ('USD', '2026-01-01', 0.9), ('GBP', '2027-01-01', 1.1)")
    con.execute(
        "create table raw.order_lines (order_id varchar, line_number bigint, quantity decimal(18,6), "
        "updated_at timestamp)"
    )
    con.execute(
        "insert into raw.order_lines select order_id, 1, 1, updated_at from raw.orders "
        "where customer_id between 'C01' and 'C06'"
    )


def _history(con) -> None:
    """raw_history.<object>: the raw rows, seeded as of 1900-01-01, load_seq from 1001 on."""
    for obj in HISTORY_OBJECTS:
        con.execute(
            f"create table raw_history.{obj} as select *, 1000 + row_number() over () as _load_seq, "
            f"date '1900-01-01' as _as_of_date from raw.{obj}"
        )


def _staging(con) -> None:
    """dbt's orders staging view: of `raw` (nightly), and of `raw_history` as of D (backfill, macro raw_as_of)."""
    con.execute("create schema staging")
    con.execute("create view staging.stg_erp__orders as select * from raw.orders")
    con.execute("create schema staging_backfill")
    con.execute(
        "create view staging_backfill.stg_erp__orders as select * exclude (version_rank) from ("
        "select *, row_number() over (partition by order_id order by updated_at desc nulls last, "
        f"_load_seq desc nulls last) as version_rank from raw_history.orders "
        f"where _as_of_date <= date '{AS_OF}') where version_rank = 1"
    )


def add_history(con, obj: str, values: dict, load_seq: int, as_of_date: str) -> None:
    """Append one version of a row to raw_history.<obj> (columns not given are null)."""
    values = {**values, "_load_seq": load_seq, "_as_of_date": as_of_date}
    columns = ", ".join(values)
    con.execute(
        f"insert into raw_history.{obj} ({columns}) values ({', '.join('?' for _ in values)})", list(values.values())
    )


def _extraction(con) -> None:
    con.execute(
        "create table quarantine.rows (object varchar, reason varchar, source varchar, "
        "row_number bigint, raw varchar, run_id varchar, quarantined_at timestamp, "
        "as_of_date date, version varchar, key_text varchar, load_seq bigint)"
    )
    con.execute(
        "create table meta.extract_runs (run_id varchar, object varchar, rows_read bigint, "
        "rows_loaded bigint, rows_quarantined bigint, raw_rows_changed bigint, as_of_date date, "
        "started_at timestamp, finished_at timestamp)"
    )
    con.executemany(
        "insert into meta.extract_runs values (?, ?, ?, ?, ?, 0, ?, ?, ?)",
        [
            (RUN_ID, "orders", 1000, 995, 5, AS_OF, RUN_STARTED_AT, RUN_STARTED_AT),
            (RUN_ID, "accounts", 9, 9, 0, AS_OF, RUN_STARTED_AT, RUN_STARTED_AT),
            ("old_run", "orders", 100, 50, 50, "2026-10-14", "2026-10-15 02:00:00", "2026-10-15 02:00:00"),
        ],
    )
    con.execute(
        "create table meta.source_reads (as_of_date date, run_id varchar, object varchar, "
        "source varchar, version varchar, rows_read bigint, rows_bad bigint, read_at timestamp)"
    )
    con.execute(
        "create table meta.source_errors (as_of_date date, run_id varchar, object varchar, "
        "source varchar, error varchar, recorded_at timestamp)"
    )
    add_read(con, "orders", ORDERS_FILE, "v1", 1000, 5)
    add_read(con, "accounts", "crm/accounts.csv", "a1", 9, 0)
    add_read(con, "fx_rates", "table:erp.fx_rates", "table:all:2:null", 2, 0)
    add_read(
        con, "orders", ORDERS_FILE, "v0", 100, 50, run_id="old_run", as_of="2026-10-14", read_at="2026-10-15 02:01:00"
    )
    add_quarantine(con, "orders", 5)
    add_quarantine(con, "orders", 50, run_id="old_run", as_of="2026-10-14", version="v0")


def add_read(
    con,
    obj: str,
    source: str,
    version: str,
    rows_read: int,
    rows_bad: int,
    run_id: str = RUN_ID,
    as_of=AS_OF,
    read_at=READ_AT,
) -> None:
    """One row of meta.source_reads: a file version (or table) read by a run of `as_of`."""
    con.execute(
        "insert into meta.source_reads values (?, ?, ?, ?, ?, ?, ?, ?)",
        [as_of, run_id, obj, source, version, rows_read, rows_bad, read_at],
    )


def add_source_error(
    con, obj: str, source: str, error: str, recorded_at="2026-10-16 02:02:00", as_of=AS_OF, run_id: str = RUN_ID
) -> None:
    con.execute(
        "insert into meta.source_errors values (?, ?, ?, ?, ?, ?)", [as_of, run_id, obj, source, error, recorded_at]
    )


def add_quarantine(
    con, obj: str, n: int, run_id: str = RUN_ID, as_of=AS_OF, version: str = "v1", source: str = ORDERS_FILE
) -> None:
    """`n` more bad rows of `source` version `version`: keys BAD<k>, load_seq k + 1, numbered on
    from the rows of that version already there (the first five of D are BAD0..BAD4)."""
    first = con.execute(
        "select count(*) from quarantine.rows where object = ? and source = ? and version = ?", [obj, source, version]
    ).fetchone()[0]
    con.execute(
        "insert into quarantine.rows select ?, 'order_date: not a date', ?, i + 2, '{}', ?, now(), "
        "?, ?, 'BAD' || i, i + 1 from range(?, ?) t(i)",
        [obj, source, run_id, as_of, version, first, first + n],
    )


def _marts(con) -> None:
    con.execute(f"create table marts.customer_segments ({SEGMENT_DDL})")
    for row in segment_rows():
        insert_segment(con, row)
    con.execute(
        "create table marts.abc_xyz_matrix (abc_xyz varchar, customers integer, "
        "revenue_12m decimal(18,2), revenue_share double precision, strategy varchar)"
    )
    cells = [(a + x, 0, 0, 0.0, f"Strategy {a}{x}") for a in "ABC" for x in "XYZ"]
    cells = [
        ("AZ", 2, 850, 0.85, "Strategy AZ")
        if c[0] == "AZ"
        else ("BZ", 2, 120, 0.12, "Strategy BZ")
        if c[0] == "BZ"
        else ("CZ", 2, 30, 0.03, "Strategy CZ")
        if c[0] == "CZ"
        else c
        for c in cells
    ]
    cells.append(("unclassified", 2, 0, 0.0, None))
    con.executemany("insert into marts.abc_xyz_matrix values (?, ?, ?, ?, ?)", cells)
    con.execute(
        "create table marts.key_accounts as select customer_id, customer_name, account_manager, "
        "key_account_type, key_account_review, key_account_score, 0.9 as potential, "
        "0.5 as relationship, 0.0 as attractiveness from marts.customer_segments where is_key_account"
    )
    con.execute(
        "create table marts.win_back_list as select customer_id, customer_name, account_manager, "
        "lapse_status, last_order_date, days_since_last_order, cast(120 as decimal(18,2)) as value_at_stake, "
        "'A' as winback_priority, false as was_key_account, 1 as failures_before_loss, "
        "'delivery' as top_failure_area_before_loss from marts.customer_segments "
        "where customer_id = 'C08'"
    )
    con.execute(
        "create table marts.failure_dynamics_monthly as select 'C03' as customer_id, "
        "date '2026-08-01' as month_start, 'late_delivery' as failure_category, "
        "'delivery' as failure_area, 1 as failure_count, 1 as orders_count, 2 as failure_count_3m"
    )
    con.execute(
        "create table marts.kam_workload as select 'Anna Berg' as account_manager, 8 as customers, "
        "2 as key_accounts, cast(850 as decimal(18,2)) as key_account_revenue_12m, "
        "0 as key_accounts_at_risk, 0 as key_accounts_lapsed, 0 as downgrade_candidates, "
        "2 as upgrade_candidates, 0 as lost_key_accounts, false as is_overloaded"
    )
    con.execute(
        "create table marts.segment_changes as select 'C06' as customer_id, 'customer' as attribute, "
        "cast(null as varchar) as previous_value, 'C' as current_value"
    )
    con.execute("create table marts.customer_segments_history as select * from marts.customer_segments")
    con.execute("create table marts.key_account_dossier as select customer_id, customer_name from marts.key_accounts")


def _reporting(con) -> None:
    con.execute(
        "create table reporting.pipeline_runs (as_of_date date, run_id varchar, started_at timestamp, "
        "finished_at timestamp, status varchar, failed_checks varchar, row_counts varchar, "
        "source_watermarks varchar, warnings varchar)"
    )
    set_published(con, 8)
    con.execute(
        "insert into reporting.pipeline_runs values ('2026-10-14', 'blocked_run', "
        "'2026-10-15 02:00:00', '2026-10-15 02:10:00', 'blocked', '[\"freshness\"]', ?, '{}', '[]')",
        [json.dumps({"customer_segments": 100})],
    )
    con.execute("create table reporting.customer_segments as select * from marts.customer_segments")


def set_published(con, rows: int) -> None:
    """Replace the last published run by one with `rows` customer_segments rows."""
    con.execute("delete from reporting.pipeline_runs where status = 'published'")
    con.execute(
        "insert into reporting.pipeline_runs values ('2026-10-13', 'published_run', "
        "'2026-10-14 02:00:00', '2026-10-14 02:10:00', 'published', '[]', ?, '{}', '[]')",
        [json.dumps({"customer_segments": rows, "abc_xyz_matrix": 10})],
    )

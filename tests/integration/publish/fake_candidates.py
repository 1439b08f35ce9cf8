"""A fake candidate warehouse: small tables of the marts' shape, distinct per night.

Built in schema `marts` (a nightly build) or `marts_backfill` (a backfill build).
Night k (k >= 1) is as-of BASE_DATE + k days and has its own row counts
(`expected_counts(k)`), so a reader can tell from counts alone whether all tables
come from the same night. The marts also carry contacts' personal data that must
never be exported (CONTACT_* values): a `contact_email` column in
customer_segments, `decision_maker_name`/`decision_maker_phone` in key_accounts,
and the source table staging.stg_crm__contacts.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import duckdb

from kam.config import load_settings

BASE_DATE = date(2026, 10, 1)
CONTACT_NAME = "Erika Zzyzx-Mustermann"
CONTACT_EMAIL = "erika.zzyzx@example-customer.com"
CONTACT_PHONE = "+49 170 5550199"
CONTACT_VALUES = (CONTACT_NAME, CONTACT_EMAIL, CONTACT_PHONE)

PASSED_GATE = {
    "passed": True,
    "failed_checks": [],
    "warnings": [
        {"name": "margin_coverage_low", "observed": 0.85, "threshold": 0.9},
    ],
}

SEGMENT_COLUMNS = {
    "customer_id": "printf('C%04d', i)",
    "customer_name": "'Kunde ' || i || case when i % 4 = 0 then ', Müller & \"Söhne\"' else '' end",
    "account_manager": "case when i % 3 = 0 then null else 'Manager ' || (i % 3) end",
    "industry": "'Machinery'",
    "region": "'DACH'",
    "is_deleted": "i % 7 = 6",
    "as_of_date": "{d}",
    "window_start": "date '2025-09-01'",
    "window_end": "date '2026-08-31'",
    "revenue_12m": "cast(1000.5 * i + {night} as decimal(18,2))",
    "revenue_prev_12m": "cast(900.25 * i as decimal(18,2))",
    "gross_margin_12m": "cast(100.1 * i - 500 as decimal(18,2))",
    "margin_coverage": "cast(case when i % 5 = 0 then null else 1.0 / i end as double precision)",
    "is_loss_making": "100.1 * i - 500 < 0",
    "revenue_share": "cast(i / 1000.0 as double precision)",
    "revenue_cum_share": "cast(i / 100.0 as double precision)",
    "abc_revenue": "case i % 3 when 0 then 'A' when 1 then 'B' else null end",
    "margin_share": "cast(0.0000001 * i as double precision)",
    "margin_cum_share": "cast(0.001 * i as double precision)",
    "abc_margin": "case i % 3 when 0 then 'A' when 1 then 'C' else null end",
    "months_observed": "cast(12 as integer)",
    "active_months": "cast(i % 12 as integer)",
    "purchase_frequency": "cast((i % 12) / 12.0 as double precision)",
    "demand_cv": "cast(0.5 + i as double precision)",
    "xyz_class": "'X'",
    "abc_xyz": "case i % 3 when 0 then 'AX' when 1 then 'BX' else null end",
    "abc_xyz_strategy": "case i % 3 when 0 then 'Develop' when 1 then 'Maintain' else null end",
    "first_order_date": "cast(date '2024-01-01' + cast(i as integer) as date)",
    "last_order_date": "cast({d} - cast(i as integer) as date)",
    "days_since_last_order": "cast(i as integer)",
    "typical_interval_days": "cast(i + 0.5 as double precision)",
    "expected_next_order_date": "cast({d} + 10 as date)",
    "lapse_status": "case i % 3 when 1 then 'lapsed' else 'active' end",
    "failures_90d": "cast(i % 4 as integer)",
    "failures_prev_90d": "cast(i % 2 as integer)",
    "failure_trend": "'stable'",
    "top_failure_area_90d": "case when i % 4 = 0 then null else 'delivery' end",
    "otif_rate_90d": "cast(0.75 as double precision)",
    "tenure_months": "cast(20 + i as integer)",
    "three_p_qualified": "false",
    "kam_designated": "i % 5 = 0",
    "is_breadwinner": "i % 6 = 0",
    "is_prospect": "false",
    "is_image_maker": "false",
    "is_expert": "false",
    "is_key_account": "i % 2 = 0",
    "key_account_type": "case when i % 2 = 0 then 'top_customer' else null end",
    "key_account_review": "'ok'",
    "key_account_score": "cast(round(33.3 + i, 1) as double precision)",
}


def as_of_of(night: int) -> date:
    return BASE_DATE + timedelta(days=night)


def night_of(as_of: date) -> int:
    return (as_of - BASE_DATE).days


def customers_of(night: int, extra: int = 0) -> int:
    return 4 + 3 * night + extra


def expected_counts(night: int, extra: int = 0) -> dict[str, int]:
    """Rows of each candidate of a night (history excluded: it accumulates)."""
    n = customers_of(night, extra)
    return {
        "customer_segments": n,
        "abc_xyz_matrix": 10,
        "key_accounts": n // 2,
        "key_account_dossier": n // 2,
        "win_back_list": (n + 2) // 3,
        "failure_dynamics_monthly": 2 * n,
        "kam_workload": 2 + night + extra,
        "segment_changes": 2 * night + extra,
    }


def settings_under(home: Path):
    """Settings with every path under `home`."""
    return replace(
        load_settings(),
        home=home,
        warehouse=str(home / "warehouse.duckdb"),
        reporting_db=str(home / "bi" / "reporting.duckdb"),
        export_dir=home / "exports",
        report_dir=home / "reports",
    )


def build_candidates(warehouse: str | Path, night: int, extra: int = 0, schema: str = "marts") -> date:
    """(Re)create `schema` (marts, or marts_backfill) as the candidates of `night` (`extra` varies a rerun); returns D."""
    d = as_of_of(night)
    n = customers_of(night, extra)
    lit = f"date '{d.isoformat()}'"
    select_segments = ",\n".join(
        f"{expr.format(d=lit, night=night)} as {name}" for name, expr in SEGMENT_COLUMNS.items()
    )
    con = duckdb.connect(str(warehouse))
    try:
        for name in (schema, "reporting", "staging", "meta"):
            con.execute(f"create schema if not exists {name}")
        con.execute(f"""create or replace table staging.stg_crm__contacts as
            select 'K1' as contact_id, 'C0002' as account_id, '{CONTACT_NAME}' as full_name,
                   '{CONTACT_EMAIL}' as email, '{CONTACT_PHONE}' as phone, true as is_decision_maker""")
        con.execute("create or replace table meta.watermarks (object varchar, watermark timestamp, run_id varchar)")
        con.execute(f"insert into meta.watermarks values ('orders', {lit} + interval 20 hour, 'r{night}')")
        con.execute(f"""create or replace table {schema}.customer_segments as
            select {select_segments}, '{CONTACT_EMAIL}' as contact_email
            from range(1, {n + 1}) as t(i)""")
        columns = ", ".join(SEGMENT_COLUMNS)
        published = con.execute(
            "select count(*) from information_schema.tables where table_schema = 'reporting' "
            "and table_name = 'customer_segments_history'"
        ).fetchone()[0]
        history = (
            f"select {columns} from reporting.customer_segments_history where as_of_date <> {lit} union all "
            if published
            else ""
        )
        con.execute(
            f"create or replace table {schema}.customer_segments_history as "
            f"{history} select {columns} from {schema}.customer_segments"
        )
        con.execute(f"""create or replace table {schema}.abc_xyz_matrix as
            select abc_xyz, cast(row_number() over (order by abc_xyz) as integer) as customers,
                   cast(100.10 * row_number() over (order by abc_xyz) as decimal(18,2)) as revenue_12m,
                   cast(0.1 as double precision) as revenue_share,
                   case when abc_xyz = 'unclassified' then null else 'Strategy ' || abc_xyz end as strategy
            from (values ('AX'), ('AY'), ('AZ'), ('BX'), ('BY'), ('BZ'), ('CX'), ('CY'), ('CZ'),
                         ('unclassified')) as v(abc_xyz)""")
        con.execute(f"""create or replace table {schema}.key_accounts as
            select customer_id, customer_name, account_manager, key_account_type, key_account_review,
                   key_account_score, cast(0.5 as double precision) as potential,
                   cast(0.25 as double precision) as relationship, cast(1 / 3 as double precision) as attractiveness,
                   cast(0.5 as double precision) as satisfaction, as_of_date,
                   '{CONTACT_NAME}' as decision_maker_name, '{CONTACT_PHONE}' as decision_maker_phone
            from {schema}.customer_segments where is_key_account""")
        con.execute(f"""create or replace table {schema}.key_account_dossier as
            select customer_id, customer_name, first_order_date, last_order_date,
                   revenue_12m, cast(2 as integer) as decision_makers
            from {schema}.customer_segments where is_key_account""")
        con.execute(f"""create or replace table {schema}.win_back_list as
            select customer_id, customer_name, account_manager, lapse_status, last_order_date,
                   days_since_last_order, cast((i % 4) * 100 as decimal(18,2)) as value_at_stake,
                   case when i % 4 = 0 then null else 'A' end as winback_priority,
                   i % 2 = 0 as was_key_account, cast(i % 3 as integer) as failures_before_loss,
                   top_failure_area_90d as top_failure_area_before_loss, as_of_date
            from (select *, cast(substr(customer_id, 2) as integer) as i from {schema}.customer_segments)
            where lapse_status = 'lapsed'""")
        con.execute(f"""create or replace table {schema}.failure_dynamics_monthly as
            select customer_id, cast(date_trunc('month', {lit}) as date) as month_start, category as failure_category,
                   'delivery' as failure_area, cast(1 as integer) as failure_count,
                   cast(2 as integer) as orders_count, cast(1 as integer) as failure_count_3m
            from {schema}.customer_segments
            cross join (values ('late_delivery'), ('incomplete_delivery')) as c(category)""")
        con.execute(f"""create or replace table {schema}.kam_workload as
            select case when i = 0 then 'unassigned' else 'Manager ' || i end as account_manager,
                   cast(i + 1 as integer) as customers, cast(i as integer) as key_accounts,
                   cast(1234.5 * i as decimal(18,2)) as key_account_revenue_12m,
                   cast(0 as integer) as key_accounts_at_risk, cast(0 as integer) as key_accounts_lapsed,
                   cast(0 as integer) as downgrade_candidates, cast(1 as integer) as upgrade_candidates,
                   cast(0 as integer) as lost_key_accounts, i > 9 as is_overloaded
            from range(0, {2 + night + extra}) as t(i)""")
        con.execute(f"""create or replace table {schema}.segment_changes as
            select printf('C%04d', i) as customer_id, 'lapse_status' as attribute,
                   'active' as previous_value, 'lapsed' as current_value,
                   cast({lit} - 1 as date) as previous_as_of_date, {lit} as as_of_date
            from range(1, {2 * night + extra + 1}) as t(i)""")
    finally:
        con.close()
    return d

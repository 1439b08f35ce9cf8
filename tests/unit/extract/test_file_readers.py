"""Reading drop-folder files: column matching, JSONL nulls, Parquet types, unparseable lines."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import duckdb
from extract_helpers import AS_OF, ORDER_COLUMNS, order, write_csv, write_jsonl

from kam.contract import OBJECTS
from kam.extract import extract_crm, extract_erp

CASE = {
    "case_id": "K1",
    "account_id": "C1",
    "order_id": "O9",
    "opened_at": "2026-01-01T09:00:00+01:00",
    "closed_at": None,
    "category": "Quality",
    "severity": "LOW",
    "updated_at": "2026-01-02T00:00:00Z",
}


def test_parts_with_other_column_order_and_extra_columns(env):
    write_csv(env.erp / "orders_part1.csv", ORDER_COLUMNS + ["sales_channel"], [order("O1") + ["web"]])
    reordered = list(reversed(ORDER_COLUMNS))
    write_csv(env.erp / "orders_part2.csv", ["note"] + reordered, [["x"] + list(reversed(order("000517")))])
    extract_erp(env.settings, "n1", AS_OF)
    assert env.query("select order_id, customer_id, order_date, status from raw.orders order by order_id") == [
        ("000517", "C1", date(2026, 1, 10), "placed"),
        ("O1", "C1", date(2026, 1, 10), "placed"),
    ]


def test_quarantined_csv_row_keeps_original_values_and_extra_columns(env):
    write_csv(
        env.erp / "orders.csv",
        ORDER_COLUMNS + ["sales_channel"],
        [order("O1", status=" On Hold ", promised_date="") + ["web"]],
    )
    extract_erp(env.settings, "n1", AS_OF)
    ((reason, raw),) = env.query("select reason, raw from quarantine.rows")
    assert reason == "status: not in enumeration: 'On Hold'"
    assert list(json.loads(raw).items()) == [
        ("order_id", "O1"),
        ("customer_id", "C1"),
        ("order_date", "2026-01-10"),
        ("promised_date", None),
        ("delivered_date", None),
        ("status", " On Hold "),
        ("currency", "EUR"),
        ("updated_at", "2026-01-10T10:00:00Z"),
        ("sales_channel", "web"),
    ]


def test_crlf_quoted_values_and_line_numbers(env):
    lines = [
        ",".join(ORDER_COLUMNS),
        'O1,"C,1",2026-01-10,,,placed,EUR,2026-01-10T10:00:00Z',
        "O2,C2,2026-01-10,,,bogus,EUR,2026-01-10T10:00:00Z",
        "O3,C3,2026-01-10,,,placed,eur,2026-01-10T10:00:00Z",
    ]
    (env.erp / "orders.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode())
    extract_erp(env.settings, "n1", AS_OF)
    assert env.query("select order_id, customer_id, currency, _row from raw.orders order by 1") == [
        ("O1", "C,1", "EUR", 2),
        ("O3", "C3", "EUR", 4),
    ]
    assert env.query("select row_number from quarantine.rows") == [(3,)]


def test_malformed_csv_line_is_quarantined_and_later_lines_keep_their_numbers(env):
    lines = [
        ",".join(ORDER_COLUMNS),
        "O1,C1,2026-01-10,,,placed,EUR,2026-01-10T10:00:00Z",
        "O2,C2,2026-01-10,,,placed,EUR,2026-01-10T10:00:00Z,surplus,values",
        "O3,C3,2026-01-10,,,placed,EUR,2026-01-10T10:00:00Z",
        "O4,C4",
        "O5,C5,2026-01-10,,,placed,EUR,2026-01-10T10:00:00Z,x",
        "O6,C6,2026-01-10,,,placed,EUR,2026-01-10T10:00:00Z",
    ]
    (env.erp / "orders.csv").write_text("\n".join(lines) + "\n")
    extract_erp(env.settings, "n1", AS_OF)
    assert env.query("select order_id, _row from raw.orders order by 1") == [("O1", 2), ("O3", 4), ("O6", 7)]
    quarantined = env.query("select reason, row_number, raw from quarantine.rows order by row_number")
    assert [(reason, row, json.loads(raw)) for reason, row, raw in quarantined] == [
        ("malformed CSV line: expected 8 fields, found 10", 3, lines[2]),
        ("malformed CSV line: expected 8 fields, found 2", 5, lines[4]),
        ("malformed CSV line: expected 8 fields, found 9", 6, lines[5]),
    ]


def test_jsonl_null_missing_nullable_key_and_numbers(env):
    write_jsonl(
        env.crm / "cases.jsonl",
        [
            CASE,
            {k: v for k, v in CASE.items() if k != "order_id"} | {"case_id": "K2"},
            CASE | {"case_id": "K3", "closed_at": "2026-01-03 10:00:00"},
        ],
    )
    write_jsonl(
        env.crm / "surveys.jsonl",
        [
            {
                "survey_id": 17,
                "account_id": "C1",
                "responded_at": "2026-01-01",
                "score": 5.0,
                "updated_at": "2026-01-01T00:00:00Z",
            }
        ],
    )
    extract_crm(env.settings, "n1", AS_OF)
    assert env.query(
        "select case_id, order_id, cast(opened_at as varchar), closed_at, category, severity from raw.cases order by 1"
    ) == [
        ("K1", "O9", "2026-01-01 08:00:00", None, "quality", "low"),
        ("K2", None, "2026-01-01 08:00:00", None, "quality", "low"),
        ("K3", "O9", "2026-01-01 08:00:00", datetime(2026, 1, 3, 10, 0), "quality", "low"),
    ]
    assert env.query("select survey_id, score from raw.surveys") == [("17", 5)]


def test_jsonl_bad_rows_and_blank_lines(env):
    write_jsonl(
        env.crm / "cases.jsonl",
        [
            CASE,
            "",
            "this is not json",
            {k: v for k, v in CASE.items() if k != "severity"} | {"case_id": "K2"},
            CASE | {"case_id": "K3", "category": "   "},
            "[1, 2]",
        ],
    )
    report = extract_crm(env.settings, "n1", AS_OF)
    assert env.query("select case_id from raw.cases") == [("K1",)]
    assert env.query("select reason, source, row_number from quarantine.rows order by row_number") == [
        ("not a JSON object", "crm/cases.jsonl", 3),
        ("severity: missing required value", "crm/cases.jsonl", 4),
        ("category: missing required value", "crm/cases.jsonl", 5),
        ("not a JSON object", "crm/cases.jsonl", 6),
    ]
    assert report.objects["cases"].rows_read == 5
    raws = [r[0] for r in env.query("select raw from quarantine.rows order by row_number")]
    assert json.loads(raws[0]) == "this is not json"
    assert json.loads(raws[1])["case_id"] == "K2"


def test_crm_part_files_csv_and_jsonl_mixed(env):
    accounts = OBJECTS["accounts"].column_names[:-1]  # without the optional is_deleted
    row = ["C1", "Acme", "", "", "", "", "", "", "yes", "no", "0", "2024-01-01", "2024-01-01T00:00:00Z"]
    write_csv(env.crm / "accounts_1.csv", accounts, [row])
    write_jsonl(
        env.crm / "accounts_2.jsonl",
        [dict(zip(accounts, row)) | {"account_id": "C2", "is_deleted": True, "employees": 12}],
    )
    extract_crm(env.settings, "n1", AS_OF)
    assert env.query(
        "select account_id, kam_designated, is_expert, employees, is_deleted from raw.accounts order by 1"
    ) == [("C1", True, False, None, None), ("C2", True, False, 12, True)]


def test_parquet_part_with_typed_columns(env, tmp_path):
    con = duckdb.connect()
    path = env.erp / "order_lines_part1.parquet"
    con.execute(f"""
        copy (select '000517' as order_id, 3::integer as line_number, 'P1' as product_id,
                     null::varchar as product_category, 2.5::decimal(10,3) as quantity,
                     2.0::double as delivered_quantity, 10.25::double as unit_price, null::double as unit_cost,
                     timestamptz '2026-01-10 01:00:00+02:00' as updated_at, 'x' as extra
              union all
              select 'O2', 1, 'P2', 'tools', -1, null, 1, 1, timestamptz '2026-01-10 00:00:00+00', 'y')
        to '{path}' (format parquet)""")
    extract_erp(env.settings, "n1", AS_OF)
    assert env.query(
        "select order_id, line_number, quantity, delivered_quantity, unit_price, updated_at, "
        "_source, _row from raw.order_lines"
    ) == [
        (
            "000517",
            3,
            Decimal("2.5"),
            Decimal("2"),
            Decimal("10.25"),
            datetime(2026, 1, 9, 23, 0),
            "erp/order_lines_part1.parquet",
            1,
        )
    ]
    assert env.query("select reason, source, row_number from quarantine.rows") == [
        ("quantity: out of range (>0): '-1.000'", "erp/order_lines_part1.parquet", 2)
    ]


def test_bad_lines_of_the_per_line_parsers_reach_quarantine_with_reasons(env):
    good = ",".join(order("O1"))
    (env.erp / "orders.csv").write_bytes(
        "\n".join(
            [
                ",".join(ORDER_COLUMNS),
                good,
                '"' + ",".join(order("O2")),
                ",".join(order("O3", customer_id="M#ller")),
                ",".join(order("O4")),
            ]
        )
        .replace("#", "\xfc")
        .encode("latin-1")
        + b"\n"
    )
    write_jsonl(
        env.crm / "cases.jsonl",
        [CASE, '{"case_id": "K2", "case_id": "K3"}', CASE | {"case_id": "K4", "category": ["a"]}],
    )
    report = extract_erp(env.settings, "n1", AS_OF).merge(extract_crm(env.settings, "n1", AS_OF))
    assert env.query("select order_id, _row from raw.orders order by 1") == [("O1", 2), ("O4", 5)]
    assert env.query("select case_id, _row from raw.cases") == [("K1", 1)]
    assert env.query("select source, row_number, reason from quarantine.rows order by 1, 2") == [
        ("crm/cases.jsonl", 2, "JSON line repeats key 'case_id'"),
        ("crm/cases.jsonl", 3, "category: JSON array where a value belongs"),
        ("erp/orders.csv", 3, "malformed CSV line: unterminated quote"),
        ("erp/orders.csv", 4, "not UTF-8: byte 0xFC at column 5"),
    ]
    assert (report.objects["orders"].rows_read, report.objects["cases"].rows_read) == (4, 3)

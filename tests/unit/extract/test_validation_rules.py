"""Every contract rule of the row checks, on single values (vectorised SQL of kam.extract.validation)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import duckdb
import pytest

from kam.contract import OBJECTS
from kam.extract.staged import StagedSource, quote_ident
from kam.extract.validation import checked_select

VALID = {
    "orders": {
        "order_id": "O1",
        "customer_id": "C1",
        "order_date": "2026-01-10",
        "promised_date": None,
        "delivered_date": None,
        "status": "placed",
        "currency": "EUR",
        "updated_at": "2026-01-10T10:00:00Z",
    },
    "order_lines": {
        "order_id": "O1",
        "line_number": "1",
        "product_id": "P1",
        "product_category": None,
        "quantity": "2",
        "delivered_quantity": None,
        "unit_price": "10.00",
        "unit_cost": None,
        "updated_at": "2026-01-10T10:00:00Z",
    },
    "fx_rates": {"currency": "USD", "rate_date": "2026-01-01", "rate_to_reporting": "0.9"},
    "accounts": {
        "account_id": "C1",
        "name": "Acme",
        "industry": None,
        "region": None,
        "country": None,
        "employees": None,
        "annual_budget": None,
        "account_manager": None,
        "kam_designated": "true",
        "is_image_maker": "false",
        "is_expert": "no",
        "created_at": "2024-01-01T00:00:00Z",
        "updated_at": "2024-01-01T00:00:00Z",
        "is_deleted": None,
    },
    "surveys": {
        "survey_id": "S1",
        "account_id": "C1",
        "responded_at": "2026-01-01T00:00:00Z",
        "score": "3",
        "updated_at": "2026-01-01T00:00:00Z",
    },
    "cases": {
        "case_id": "K1",
        "account_id": "C1",
        "order_id": None,
        "opened_at": "2026-01-01T00:00:00Z",
        "closed_at": None,
        "category": "quality",
        "severity": "low",
        "updated_at": "2026-01-01T00:00:00Z",
    },
}


#: the moment of extraction the checks run at (timestamps more than a day later are bad)
EXTRACTED_AT = datetime(2026, 12, 1, 2, 0)


def check(obj_name: str, **changes) -> tuple[dict, str | None]:
    """Check one row (a valid row with `changes`) extracted at EXTRACTED_AT: returns (converted values, reason)."""
    obj = OBJECTS[obj_name]
    row = {**VALID[obj_name], **changes}
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    names = list(row)
    con.execute(f"create table s ({', '.join(quote_ident(n) + ' varchar' for n in names)}, _line bigint)")
    con.execute(f"insert into s values ({', '.join('?' for _ in names)}, 2)", [row[n] for n in names])
    staged = StagedSource(
        table="s",
        source="test/s.csv",
        columns={c: (quote_ident(c) if c in row else "null") for c in obj.column_names},
        raw="'{}'",
        row="_line",
    )
    result = con.execute(checked_select(obj, staged, 0, EXTRACTED_AT))
    fields = [d[0] for d in result.description]
    record = dict(zip(fields, result.fetchone()))
    values = {c: record[f"v__{c}"] for c in obj.column_names}
    return values, record["_reason"]


def value(obj_name: str, column: str, text: str | None):
    values, reason = check(obj_name, **{column: text})
    assert reason is None, reason
    return values[column]


def reason(obj_name: str, column: str, text: str | None) -> str | None:
    return check(obj_name, **{column: text})[1]


def test_valid_row_has_no_reason():
    values, why = check("orders")
    assert why is None
    assert values["order_date"] == date(2026, 1, 10)


# --- trimming, empty, keys -------------------------------------------------------------------
def test_values_are_trimmed_and_keys_kept_as_written():
    values, why = check("orders", order_id="  000517 ", customer_id="\t007\r", promised_date=" 2026-01-12 ")
    assert why is None
    assert values["order_id"] == "000517"
    assert values["customer_id"] == "007"
    assert values["promised_date"] == date(2026, 1, 12)


@pytest.mark.parametrize("empty", [None, "", "   ", "\t"])
def test_empty_nullable_value_is_null(empty):
    assert value("orders", "delivered_date", empty) is None


@pytest.mark.parametrize("empty", [None, "", "  "])
def test_empty_required_value(empty):
    assert reason("orders", "customer_id", empty) == "customer_id: missing required value"


@pytest.mark.parametrize("column", ["order_id"])
def test_empty_key_is_missing_key(column):
    assert reason("orders", column, " ") == "missing key"


def test_empty_part_of_composite_key_is_missing_key():
    assert reason("order_lines", "line_number", "") == "missing key"


def test_several_problems_are_all_reported():
    _, why = check("orders", order_date="x", status="lost")
    assert why == "order_date: not a date: 'x'; status: not in enumeration: 'lost'"


# --- dates ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        ("15.03.2026", "order_date: not a date: '15.03.2026'"),
        ("2026-3-15", "order_date: not a date: '2026-3-15'"),
        ("2026-03-15T00:00:00", "order_date: not a date: '2026-03-15T00:00:00'"),
        ("2026-02-30", "order_date: unparseable date: '2026-02-30'"),
        ("2026-13-01", "order_date: unparseable date: '2026-13-01'"),
    ],
)
def test_bad_dates(text, expected):
    assert reason("orders", "order_date", text) == expected


def test_leap_day_is_a_date():
    assert value("orders", "order_date", "2028-02-29") == date(2028, 2, 29)


# --- timestamps -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-11-21T17:05:00Z", datetime(2026, 11, 21, 17, 5)),
        ("2026-11-21T17:05:00z", datetime(2026, 11, 21, 17, 5)),
        ("2026-11-21 17:05:00", datetime(2026, 11, 21, 17, 5)),
        ("2026-11-21T17:05:00", datetime(2026, 11, 21, 17, 5)),
        ("2026-11-21T17:05", datetime(2026, 11, 21, 17, 5)),
        ("2026-11-21", datetime(2026, 11, 21, 0, 0)),
        ("2026-11-21T17:05:00.250Z", datetime(2026, 11, 21, 17, 5, 0, 250000)),
        ("2026-11-21T17:05:00.1234567", datetime(2026, 11, 21, 17, 5, 0, 123456)),
        ("2026-11-21T17:05:00+02:00", datetime(2026, 11, 21, 15, 5)),
        ("2026-11-21T17:05:00-0530", datetime(2026, 11, 21, 22, 35)),
        ("2026-11-21T17:05:00+01", datetime(2026, 11, 21, 16, 5)),
        ("2026-11-21 17:05:00.5+01:00", datetime(2026, 11, 21, 16, 5, 0, 500000)),
        ("2026-11-21t23:59:59.999999-00:30", datetime(2026, 11, 22, 0, 29, 59, 999999)),
        # offsets across midnight: the UTC date differs from the written date
        ("2026-10-16T01:43:00+05:30", datetime(2026, 10, 15, 20, 13)),
        ("2026-10-15T22:00:00-04:00", datetime(2026, 10, 16, 2, 0)),
        ("2026-01-01T00:30:00+01:00", datetime(2025, 12, 31, 23, 30)),
    ],
)
def test_timestamps_become_utc(text, expected):
    assert value("orders", "updated_at", text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("21.11.2026 17:05", "updated_at: not a timestamp: '21.11.2026 17:05'"),
        ("2026-11-21T17", "updated_at: not a timestamp: '2026-11-21T17'"),
        ("2026-11-21T17:05:00 CET", "updated_at: not a timestamp: '2026-11-21T17:05:00 CET'"),
        ("yesterday", "updated_at: not a timestamp: 'yesterday'"),
        ("2026-11-21 17:05:00 +01:00", "updated_at: not a timestamp: '2026-11-21 17:05:00 +01:00'"),
        ("2026-11-21+01:00", "updated_at: not a timestamp: '2026-11-21+01:00'"),
        ("2026-11-21T25:00:00Z", "updated_at: not a timestamp: '2026-11-21T25:00:00Z'"),
        ("2026-11-21T24:00:00Z", "updated_at: not a timestamp: '2026-11-21T24:00:00Z'"),
        ("2026-11-21T10:60:00Z", "updated_at: not a timestamp: '2026-11-21T10:60:00Z'"),
        ("2026-11-21T10:00:00+25:00", "updated_at: not a timestamp: '2026-11-21T10:00:00+25:00'"),
        ("2026-02-30T10:00:00Z", "updated_at: unparseable timestamp: '2026-02-30T10:00:00Z'"),
        ("2026-04-31", "updated_at: unparseable timestamp: '2026-04-31'"),
    ],
)
def test_bad_timestamps(text, expected):
    assert reason("orders", "updated_at", text) == expected


# --- decimals and integers ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        ("12.50", Decimal("12.5")),
        ("0", Decimal("0")),
        ("+3", Decimal("3")),
        (".5", Decimal("0.5")),
        ("7.", Decimal("7")),
        ("1e2", Decimal("100")),
        ("  4.25 ", Decimal("4.25")),
    ],
)
def test_decimals(text, expected):
    assert value("order_lines", "unit_price", text) == expected


@pytest.mark.parametrize("text", ["12,50", "1_000", "NaN", "inf", "1 000", "12.5.1", "€3", "0x10", "-"])
def test_not_a_number(text):
    assert reason("order_lines", "unit_price", text) == f"unit_price: not a number: '{text}'"


def test_decimal_too_large():
    assert reason("order_lines", "unit_price", "1" * 20) == f"unit_price: number too large: '{'1' * 20}'"


@pytest.mark.parametrize("text, expected", [("3", 3), ("3.0", 3), ("3.000", 3), (" 007 ", 7), ("1e1", 10)])
def test_integers_accept_integral_decimals(text, expected):
    assert value("order_lines", "line_number", text) == expected


def test_integer_rejects_fraction_and_letters():
    assert reason("order_lines", "line_number", "2.5") == "line_number: not an integer: '2.5'"
    assert reason("order_lines", "line_number", "2a") == "line_number: not a number: '2a'"


# --- ranges ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "column, text, expected",
    [
        ("quantity", "-3", "quantity: out of range (>0): '-3'"),
        ("quantity", "0", "quantity: out of range (>0): '0'"),
        ("delivered_quantity", "-0.5", "delivered_quantity: out of range (>=0): '-0.5'"),
        ("unit_price", "-1", "unit_price: out of range (>=0): '-1'"),
        ("unit_cost", "-0.01", "unit_cost: out of range (>=0): '-0.01'"),
    ],
)
def test_order_line_ranges(column, text, expected):
    assert reason("order_lines", column, text) == expected


def test_range_boundaries_allowed():
    assert value("order_lines", "delivered_quantity", "0") == Decimal("0")
    assert value("order_lines", "unit_price", "0") == Decimal("0")
    assert value("order_lines", "quantity", "0.001") == Decimal("0.001")


def test_rate_must_be_positive_and_keeps_digits():
    assert reason("fx_rates", "rate_to_reporting", "0") == "rate_to_reporting: out of range (>0): '0'"
    assert value("fx_rates", "rate_to_reporting", "0.9200113456") == Decimal("0.9200113456")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("0", "score: out of range (1..5): '0'"),
        ("6", "score: out of range (1..5): '6'"),
        ("4.5", "score: not an integer: '4.5'"),
    ],
)
def test_score_range(text, expected):
    assert reason("surveys", "score", text) == expected


@pytest.mark.parametrize("text", ["1", "5", "5.0"])
def test_score_bounds_allowed(text):
    assert value("surveys", "score", text) == int(float(text))


# --- booleans, enums, currency --------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        ("true", True),
        ("TRUE", True),
        ("1", True),
        ("Yes", True),
        ("false", False),
        ("False", False),
        ("0", False),
        ("NO", False),
    ],
)
def test_booleans(text, expected):
    assert value("accounts", "kam_designated", text) is expected


@pytest.mark.parametrize("text", ["y", "2", "wahr", "t"])
def test_bad_boolean(text):
    assert reason("accounts", "kam_designated", text) == f"kam_designated: not a boolean: '{text}'"


def test_missing_required_boolean_and_optional_boolean():
    assert reason("accounts", "is_expert", "") == "is_expert: missing required value"
    assert value("accounts", "is_deleted", "") is None
    assert value("accounts", "is_deleted", "Yes") is True


@pytest.mark.parametrize(
    "text, expected", [("Delivered", "delivered"), (" PLACED ", "placed"), ("cancelled", "cancelled")]
)
def test_enums_case_insensitive_lower_case(text, expected):
    assert value("orders", "status", text) == expected


def test_value_outside_enumeration():
    assert reason("orders", "status", "on hold") == "status: not in enumeration: 'on hold'"
    assert reason("cases", "severity", "critical") == "severity: not in enumeration: 'critical'"


def test_currency_upper_case():
    assert value("orders", "currency", " usd ") == "USD"


def test_integer_nullable_and_decimal_nullable():
    assert value("accounts", "employees", "") is None
    assert value("accounts", "employees", "250.0") == 250
    assert reason("accounts", "annual_budget", "1.000,00") == "annual_budget: not a number: '1.000,00'"


@pytest.mark.parametrize(
    "column, text",
    [
        ("order_date", "0000-01-01"),
        ("order_date", "1899-12-31"),
        ("order_date", "2101-01-01"),
        ("promised_date", "9999-12-31"),
        ("updated_at", "0000-01-01T00:00:00Z"),
        ("updated_at", "2101-01-01"),
        ("updated_at", "1900-01-01T00:30:00+01:00"),  # its UTC date is 1899-12-31
    ],
)
def test_dates_outside_1900_2100_are_bad(column, text):
    assert reason("orders", column, text) == f"{column}: date out of range 1900-01-01..2100-12-31: '{text}'"


@pytest.mark.parametrize(
    "column, text, expected",
    [
        ("order_date", "1900-01-01", date(1900, 1, 1)),
        ("order_date", "2100-12-31", date(2100, 12, 31)),
        ("promised_date", "2100-12-31", date(2100, 12, 31)),  # dates may lie in the future
    ],
)
def test_date_range_bounds_allowed(column, text, expected):
    assert value("orders", column, text) == expected


def test_a_timestamp_more_than_a_day_after_extraction_is_bad():
    assert (
        reason("orders", "updated_at", "2099-01-01T00:00:00Z")
        == "updated_at: timestamp in the future: '2099-01-01T00:00:00Z'"
    )
    assert (
        reason("orders", "updated_at", "2026-12-02T02:00:01Z")
        == "updated_at: timestamp in the future: '2026-12-02T02:00:01Z'"
    )
    assert (
        reason("cases", "opened_at", "2026-12-02T04:00:01+02:00")
        == "opened_at: timestamp in the future: '2026-12-02T04:00:01+02:00'"
    )
    assert value("cases", "opened_at", "2026-12-02T04:00:00+02:00") == datetime(2026, 12, 2, 2, 0)  # one day
    assert value("orders", "updated_at", "2026-12-02T02:00:00Z") == datetime(2026, 12, 2, 2, 0)

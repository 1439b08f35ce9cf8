"""The bad-input catalogue: every kind of broken file or value, with the outcome the contract demands.

One `Case` per kind: a small mutation of a clean base file cut from the worked example
(example_bases.py), its family, and its expected outcome:
- LOADED: every line ends in raw (`_row` = its line), nothing quarantined, optional raw values;
- QUARANTINED: exactly the listed lines in quarantine.rows, each reason matching its pattern
  (case-insensitive regex), every other line in raw;
- REFUSED: the file is recorded in meta.source_errors with an error matching the pattern and
  naming the file, nothing of that object loaded, the extraction itself does not fail.
For LOADED and QUARANTINED, rows read must equal the file's data lines (blank lines excluded).
Expectations come from ../shared/spec/sources.md v1.1 ("Bad rows", conventions) and
docs/decisions/0009; test_bad_inputs.py and report.py both read CASES.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from tests.reliability import mutations as m
from tests.reliability.example_bases import BaseFile

LOADED, QUARANTINED, REFUSED = "loaded", "quarantined", "refused"
FILE_LEVEL, VALUE_LEVEL, ENCODING, STRUCTURE = "file-level", "value-level", "encoding", "structure"
FAMILIES = (FILE_LEVEL, STRUCTURE, ENCODING, VALUE_LEVEL)

SPLIT = r"quot|split|pars|column|field|malformed|csv"
NOT_UTF8 = r"utf-?8|encod|decod|byte"
CONTROL = r"control|nul|byte|character"
TOO_LONG = r"long|length|size|mb|limit|exceed"
NOT_JSON = r"json"
REPEATED_KEY = r"repeat|duplicate|twice|more than once"
MIDDLE_LINE = 60
NOT_UTF8_HEADER = b"order_id,customer_id,order_date,promised_date,delivered_date,status,currency,Stra\xdfe,updated_at\n"


@dataclass(frozen=True)
class Expect:
    outcome: str
    bad: dict[int, str] = field(default_factory=dict)  # line -> reason pattern
    error: str = ""  # REFUSED: pattern of the meta.source_errors error
    values: dict[tuple[int, str], object] = field(default_factory=dict)  # (line, column) -> raw value
    all_bad: str = ""  # every row quarantined with this reason pattern (Parquet has no lines)


def loaded(values: dict | None = None) -> Expect:
    return Expect(LOADED, values=values or {})


def quarantined(bad: dict[int, str]) -> Expect:
    return Expect(QUARANTINED, bad=bad)


def refused(error: str) -> Expect:
    return Expect(REFUSED, error=error)


@dataclass(frozen=True)
class Case:
    name: str
    family: str
    object: str
    mutate: Callable[[BaseFile], bytes]
    expect: Expect
    file_name: str = ""  # default: the base's `<object>.csv|jsonl`
    note: str = ""

    def file_for(self, base: BaseFile) -> str:
        return self.file_name or base.file_name


def _last(obj: str) -> int:
    from tests.reliability.example_bases import base_file

    return m.last_line(base_file(obj))


def _parquet(select: str) -> Callable[[BaseFile], bytes]:
    """The base as a Parquet file: `select` over read_csv(all_varchar) of the base, as table `b`."""

    def mutate(base: BaseFile) -> bytes:
        import duckdb

        with tempfile.TemporaryDirectory() as tmp:
            src, out = Path(tmp) / "b.csv", Path(tmp) / "b.parquet"
            src.write_bytes(base.content())
            con = duckdb.connect()
            con.execute(f"create view b as select * from read_csv('{src}', all_varchar = true, header = true)")
            con.execute(f"copy ({select}) to '{out}' (format parquet)")
            con.close()
            return out.read_bytes()

    return mutate


ORDERS_TYPED = (
    "select order_id, customer_id, cast(order_date as date) as order_date, "
    "cast(promised_date as date) as promised_date, cast(delivered_date as date) as delivered_date, "
    "status, currency, cast(updated_at as timestamptz) as updated_at from b"
)


def _cases() -> list[Case]:
    o, ol, L = "orders", "order_lines", MIDDLE_LINE
    last = _last(o)
    return [
        # --- structure: lines the CSV parser must split, or quarantine alone
        Case(
            "csv_unterminated_quote_middle",
            STRUCTURE,
            o,
            m.edit_line(L, lambda t: b'"' + t),
            quarantined({L: SPLIT}),
            note="the issue's defect: one stray quote swallowed most of the file",
        ),
        Case(
            "csv_unterminated_quote_last_line",
            STRUCTURE,
            o,
            m.edit_line(last, lambda t: b'"' + t),
            quarantined({last: SPLIT}),
        ),
        Case(
            "csv_quote_closing_last_field",
            STRUCTURE,
            ol,
            m.edit_line(L, lambda t: t + b'"'),
            quarantined({L: SPLIT + r"|updated_at"}),
            note='the value `...+02:00"` is not a timestamp',
        ),
        Case(
            "csv_stray_quote_inside_field",
            STRUCTURE,
            o,
            m.replace_in_field(30, "customer_id", b'C10"002'),
            loaded({(30, "customer_id"): 'C10"002'}),
            note="a quote inside an unquoted field is text (the line splits)",
        ),
        Case(
            "csv_one_field_too_many", STRUCTURE, o, m.edit_line(40, lambda t: t + b",extra"), quarantined({40: SPLIT})
        ),
        Case(
            "csv_one_field_too_few",
            STRUCTURE,
            o,
            m.edit_line(41, lambda t: t.rsplit(b",", 1)[0]),
            quarantined({41: SPLIT}),
        ),
        Case(
            "csv_lf_file", STRUCTURE, o, m.endings("lf"), loaded(), note="the example's CSVs are CRLF; this one is LF"
        ),
        Case(
            "csv_mixed_crlf_lf",
            STRUCTURE,
            o,
            m.endings("mixed"),
            loaded({(3, "updated_at"): datetime(2026, 1, 16, 17, 0), (4, "currency"): "EUR"}),
        ),
        Case(
            "csv_utf8_bom", STRUCTURE, o, m.whole(lambda b: b"\xef\xbb\xbf" + b), loaded({(2, "order_id"): "SO100305"})
        ),
        Case("csv_blank_lines", STRUCTURE, o, m.insert_blank_lines(10, count=2, at_end=2), loaded()),
        Case("csv_no_trailing_newline", STRUCTURE, o, m.whole(lambda b: b.rstrip(b"\r\n")), loaded()),
        Case("csv_every_field_quoted", STRUCTURE, o, m.quote_every_field, loaded()),
        Case(
            "csv_quoted_field_with_comma",
            STRUCTURE,
            "accounts",
            m.set_field(5, "name", "Rossi, Schulz & Co."),
            loaded({(5, "name"): "Rossi, Schulz & Co."}),
        ),
        # --- file level: the header decides whether the file can be read at all
        Case(
            "csv_duplicate_header_column",
            FILE_LEVEL,
            o,
            m.with_header(
                b"order_id,customer_id,order_date,promised_date,delivered_date,status,currency,status,updated_at\n"
            ),
            refused(r"status"),
        ),
        Case("csv_missing_required_column", FILE_LEVEL, o, m.drop_column("currency"), refused(r"currency")),
        Case("csv_missing_optional_column", FILE_LEVEL, "accounts", m.drop_column("is_deleted"), loaded()),
        Case("csv_extra_column", FILE_LEVEL, o, m.add_column("note", "hello"), loaded()),
        Case(
            "csv_reordered_columns",
            FILE_LEVEL,
            o,
            m.reverse_columns,
            loaded({(2, "order_id"): "SO100305", (2, "order_date"): date(2025, 8, 2)}),
        ),
        Case("csv_empty_file", FILE_LEVEL, o, m.whole(lambda b: b""), refused(r"header|empty|column")),
        Case("csv_header_only", FILE_LEVEL, o, m.whole(lambda b: b.splitlines(keepends=True)[0]), loaded()),
        Case("csv_header_not_utf8", FILE_LEVEL, o, m.with_header(NOT_UTF8_HEADER), refused(NOT_UTF8 + r"|header")),
        Case("parquet_typed_columns", FILE_LEVEL, o, _parquet(ORDERS_TYPED), loaded(), file_name="orders.parquet"),
        Case(
            "parquet_missing_column",
            FILE_LEVEL,
            o,
            _parquet("select * exclude (currency) from b"),
            refused(r"currency"),
            file_name="orders.parquet",
        ),
        Case(
            "parquet_wrong_type_column",
            FILE_LEVEL,
            o,
            _parquet(
                "select * replace (cast(strftime(cast(order_date as date), '%Y%m%d') as bigint) as order_date) from b"
            ),
            Expect(QUARANTINED, all_bad=r"order_date"),
            file_name="orders.parquet",
            note="an integer 20250802 where a date belongs is a bad value in every row",
        ),
        Case("jsonl_empty_file", FILE_LEVEL, "surveys", m.whole(lambda b: b""), loaded()),
        # --- encoding: bytes that are not UTF-8, control bytes, overlong lines
        Case(
            "csv_latin1_byte_early",
            ENCODING,
            o,
            m.replace_in_field(3, "customer_id", b"M\xfcller"),
            quarantined({3: NOT_UTF8}),
        ),
        Case(
            "csv_latin1_byte_late",
            ENCODING,
            o,
            m.replace_in_field(100, "customer_id", b"M\xfcller"),
            quarantined({100: NOT_UTF8}),
        ),
        Case(
            "csv_invalid_utf8_sequence",
            ENCODING,
            ol,
            m.replace_in_field(L, "product_category", b"x\xe2\x28\xa1y"),
            quarantined({L: NOT_UTF8}),
        ),
        Case(
            "csv_truncated_utf8_at_line_end",
            ENCODING,
            o,
            m.edit_line(20, lambda t: t + b"\xc3"),
            quarantined({20: NOT_UTF8}),
        ),
        Case(
            "csv_nul_byte", ENCODING, o, m.replace_in_field(25, "customer_id", b"C1\x000"), quarantined({25: CONTROL})
        ),
        Case(
            "csv_control_byte",
            ENCODING,
            o,
            m.replace_in_field(26, "customer_id", b"C1\x010"),
            quarantined({26: CONTROL}),
        ),
        Case(
            "csv_line_over_2mb",
            ENCODING,
            ol,
            m.replace_in_field(L, "product_category", b"x" * (2 * 1024 * 1024 + 10)),
            quarantined({L: TOO_LONG}),
        ),
        Case(
            "csv_valid_multibyte_utf8",
            ENCODING,
            "accounts",
            m.set_field(4, "name", "Müller Çelik Ørsted 株式会社"),
            loaded({(4, "name"): "Müller Çelik Ørsted 株式会社"}),
        ),
        Case(
            "jsonl_latin1_byte",
            ENCODING,
            "surveys",
            m.jsonl_string_bytes(7, "account_id", b"M\xfcller"),
            quarantined({7: NOT_UTF8}),
        ),
        Case(
            "jsonl_nul_escape",
            ENCODING,
            "surveys",
            m.set_member(8, "account_id", "C1\u00000"),
            quarantined({8: CONTROL}),
        ),
        # --- value level: dates
        Case(
            "date_not_iso", VALUE_LEVEL, o, m.set_field(10, "order_date", "2026/03/15"), quarantined({10: "order_date"})
        ),
        Case(
            "date_year_0000",
            VALUE_LEVEL,
            o,
            m.set_field(11, "order_date", "0000-03-15"),
            quarantined({11: "order_date"}),
        ),
        Case(
            "date_1899_12_31",
            VALUE_LEVEL,
            o,
            m.set_field(12, "promised_date", "1899-12-31"),
            quarantined({12: "promised_date"}),
        ),
        Case(
            "date_2101_01_01",
            VALUE_LEVEL,
            o,
            m.set_field(13, "delivered_date", "2101-01-01"),
            quarantined({13: "delivered_date"}),
        ),
        Case(
            "date_feb_30", VALUE_LEVEL, o, m.set_field(14, "order_date", "2026-02-30"), quarantined({14: "order_date"})
        ),
        Case(
            "date_bounds_1900_and_2100",
            VALUE_LEVEL,
            o,
            m.chain(m.set_field(15, "promised_date", "1900-01-01"), m.set_field(16, "promised_date", "2100-12-31")),
            loaded({(15, "promised_date"): date(1900, 1, 1), (16, "promised_date"): date(2100, 12, 31)}),
        ),
        Case(
            "date_empty_nullable",
            VALUE_LEVEL,
            o,
            m.set_field(17, "delivered_date", ""),
            loaded({(17, "delivered_date"): None}),
        ),
        # --- value level: timestamps
        Case(
            "timestamp_garbage",
            VALUE_LEVEL,
            o,
            m.set_field(18, "updated_at", "yesterday noon"),
            quarantined({18: "updated_at"}),
        ),
        Case(
            "timestamp_future_2099",
            VALUE_LEVEL,
            o,
            m.set_field(19, "updated_at", "2099-01-01T00:00:00Z"),
            quarantined({19: "updated_at"}),
        ),
        Case(
            "timestamp_with_offset",
            VALUE_LEVEL,
            o,
            m.set_field(21, "updated_at", "2026-03-01T23:30:00-05:00"),
            loaded({(21, "updated_at"): datetime(2026, 3, 2, 4, 30)}),
        ),
        Case(
            "timestamp_space_and_fraction",
            VALUE_LEVEL,
            o,
            m.set_field(22, "updated_at", "2026-03-01 10:00:00.250"),
            loaded({(22, "updated_at"): datetime(2026, 3, 1, 10, 0, 0, 250000)}),
        ),
        Case(
            "timestamp_plain_date",
            VALUE_LEVEL,
            o,
            m.set_field(23, "updated_at", "2026-03-01"),
            loaded({(23, "updated_at"): datetime(2026, 3, 1)}),
        ),
        # --- value level: numbers
        Case(
            "number_not_a_number",
            VALUE_LEVEL,
            ol,
            m.set_field(10, "unit_price", "abc"),
            quarantined({10: "unit_price"}),
        ),
        Case(
            "number_decimal_comma",
            VALUE_LEVEL,
            ol,
            m.set_field(11, "unit_price", "12,50"),
            quarantined({11: "unit_price"}),
        ),
        Case(
            "integer_integral_decimal",
            VALUE_LEVEL,
            ol,
            m.set_field(12, "line_number", "1.0"),
            loaded({(12, "line_number"): 1}),
        ),
        Case(
            "integer_not_integral",
            VALUE_LEVEL,
            ol,
            m.set_field(13, "line_number", "2.5"),
            quarantined({13: "line_number"}),
        ),
        Case("quantity_negative", VALUE_LEVEL, ol, m.set_field(14, "quantity", "-3"), quarantined({14: "quantity"})),
        Case("quantity_zero", VALUE_LEVEL, ol, m.set_field(15, "quantity", "0"), quarantined({15: "quantity"})),
        Case(
            "delivered_quantity_zero",
            VALUE_LEVEL,
            ol,
            m.set_field(16, "delivered_quantity", "0"),
            loaded({(16, "delivered_quantity"): Decimal(0)}),
        ),
        Case(
            "unit_price_negative",
            VALUE_LEVEL,
            ol,
            m.set_field(17, "unit_price", "-0.01"),
            quarantined({17: "unit_price"}),
        ),
        Case(
            "fx_rate_zero",
            VALUE_LEVEL,
            "fx_rates",
            m.set_field(5, "rate_to_reporting", "0"),
            quarantined({5: "rate_to_reporting"}),
        ),
        Case(
            "fx_rate_negative",
            VALUE_LEVEL,
            "fx_rates",
            m.set_field(6, "rate_to_reporting", "-1.1"),
            quarantined({6: "rate_to_reporting"}),
        ),
        Case(
            "employees_integral_decimal",
            VALUE_LEVEL,
            "accounts",
            m.set_field(6, "employees", "12.0"),
            loaded({(6, "employees"): 12}),
        ),
        Case(
            "employees_not_integral",
            VALUE_LEVEL,
            "accounts",
            m.set_field(7, "employees", "12.5"),
            quarantined({7: "employees"}),
        ),
        # --- value level: enumerations, booleans, currency
        Case("enum_not_in_list", VALUE_LEVEL, o, m.set_field(30, "status", "on hold"), quarantined({30: "status"})),
        Case(
            "enum_other_case",
            VALUE_LEVEL,
            o,
            m.set_field(31, "status", " SHIPPED "),
            loaded({(31, "status"): "shipped"}),
        ),
        Case(
            "currency_lower_case", VALUE_LEVEL, o, m.set_field(32, "currency", "usd"), loaded({(32, "currency"): "USD"})
        ),
        Case(
            "boolean_variants",
            VALUE_LEVEL,
            "accounts",
            m.chain(
                m.set_field(8, "kam_designated", "YES"),
                m.set_field(8, "is_image_maker", "False"),
                m.set_field(8, "is_expert", "1"),
                m.set_field(9, "kam_designated", "0"),
                m.set_field(9, "is_image_maker", "No"),
                m.set_field(9, "is_expert", "TRUE"),
            ),
            loaded(
                {
                    (8, "kam_designated"): True,
                    (8, "is_image_maker"): False,
                    (8, "is_expert"): True,
                    (9, "kam_designated"): False,
                    (9, "is_image_maker"): False,
                    (9, "is_expert"): True,
                }
            ),
        ),
        Case(
            "boolean_not_a_boolean",
            VALUE_LEVEL,
            "accounts",
            m.set_field(10, "kam_designated", "maybe"),
            quarantined({10: "kam_designated"}),
        ),
        # --- value level: required values and keys
        Case(
            "required_value_empty", VALUE_LEVEL, o, m.set_field(33, "customer_id", ""), quarantined({33: "customer_id"})
        ),
        Case("key_empty", VALUE_LEVEL, o, m.set_field(34, "order_id", ""), quarantined({34: r"key|order_id"})),
        Case(
            "key_whitespace_only",
            VALUE_LEVEL,
            o,
            m.set_field(35, "order_id", "   "),
            quarantined({35: r"key|order_id"}),
        ),
        Case(
            "key_surrounding_spaces_trimmed",
            VALUE_LEVEL,
            o,
            m.set_field(36, "order_id", "  SO777001 "),
            loaded({(36, "order_id"): "SO777001"}),
        ),
        Case(
            "key_leading_zeros_kept",
            VALUE_LEVEL,
            o,
            m.set_field(37, "order_id", "000517"),
            loaded({(37, "order_id"): "000517"}),
        ),
        Case(
            "key_repeated_newer_version_wins",
            VALUE_LEVEL,
            "fx_rates",
            m.duplicate_line_with(2, "rate_to_reporting", "0.5"),
            Expect(LOADED, values={}),
            note="two versions of one key: raw keeps the later line (checked by key)",
        ),
        # --- JSONL
        Case(
            "jsonl_not_json",
            STRUCTURE,
            "surveys",
            m.edit_line(5, lambda t: b"this is not json"),
            quarantined({5: NOT_JSON}),
        ),
        Case(
            "jsonl_array_line",
            STRUCTURE,
            "surveys",
            m.edit_line(6, lambda t: b'["SV1", "C1"]'),
            quarantined({6: NOT_JSON + r"|object"}),
        ),
        Case(
            "jsonl_trailing_garbage",
            STRUCTURE,
            "surveys",
            m.edit_line(9, lambda t: t + b" xyz"),
            quarantined({9: NOT_JSON}),
        ),
        Case(
            "jsonl_unterminated_string",
            STRUCTURE,
            "surveys",
            m.edit_line(10, lambda t: t[:40]),
            quarantined({10: NOT_JSON}),
        ),
        Case(
            "jsonl_duplicate_key",
            STRUCTURE,
            "surveys",
            m.edit_line(11, lambda t: t[:-1] + b', "score": 1}'),
            quarantined({11: REPEATED_KEY}),
        ),
        Case(
            "jsonl_nested_object_value",
            VALUE_LEVEL,
            "surveys",
            m.set_member(12, "account_id", {"id": "C19174"}),
            quarantined({12: "account_id"}),
        ),
        Case(
            "jsonl_array_value",
            VALUE_LEVEL,
            "surveys",
            m.set_member(13, "account_id", ["C19174"]),
            quarantined({13: "account_id"}),
        ),
        Case(
            "jsonl_number_id_1e3",
            VALUE_LEVEL,
            "surveys",
            m.set_key_literal(14, "survey_id", b"1e3"),
            loaded({(14, "survey_id"): "1e3"}),
            note="keys are kept exactly as written",
        ),
        Case(
            "jsonl_integer_id",
            VALUE_LEVEL,
            "surveys",
            m.set_key_literal(15, "survey_id", b"517"),
            loaded({(15, "survey_id"): "517"}),
        ),
        Case(
            "jsonl_number_as_string",
            VALUE_LEVEL,
            "surveys",
            m.set_member(16, "score", " 4 "),
            loaded({(16, "score"): 4}),
        ),
        Case(
            "jsonl_true_in_decimal_column",
            VALUE_LEVEL,
            "opportunities",
            m.set_member(5, "amount", True),
            quarantined({5: "amount"}),
        ),
        Case(
            "jsonl_score_out_of_range", VALUE_LEVEL, "surveys", m.set_member(17, "score", 6), quarantined({17: "score"})
        ),
        Case(
            "jsonl_missing_nullable_member",
            VALUE_LEVEL,
            "opportunities",
            m.drop_member(6, "closed_at"),
            loaded({(6, "closed_at"): None}),
        ),
        Case(
            "jsonl_missing_required_member",
            VALUE_LEVEL,
            "opportunities",
            m.drop_member(7, "stage"),
            quarantined({7: "stage"}),
        ),
        Case(
            "jsonl_null_required", VALUE_LEVEL, "cases", m.set_member(8, "category", None), quarantined({8: "category"})
        ),
        Case("jsonl_blank_lines", STRUCTURE, "cases", m.insert_blank_lines(10, count=2, at_end=1), loaded()),
        Case("jsonl_crlf", STRUCTURE, "cases", m.endings("crlf"), loaded()),
        Case("jsonl_no_trailing_newline", STRUCTURE, "cases", m.whole(lambda b: b.rstrip(b"\r\n")), loaded()),
    ]


CASES: list[Case] = _cases()
CASES_BY_NAME = {c.name: c for c in CASES}
assert len(CASES_BY_NAME) == len(CASES), "case names must be unique"

"""The CSV parser loses no line: every physical data line is a good row or a bad row with its reason."""

from __future__ import annotations

import pytest
from parse_helpers import ORDER_LINE_HEADER as HEADER
from parse_helpers import order_line, order_line_values, stage, write_lines

from kam.extract.csv_scan import scan_csv
from kam.extract.errors import ExtractError, FileUnreadable
from kam.extract.physical_lines import MAX_LINE_BYTES


def good_lines(staged) -> list[int]:
    return [g[0] for g in staged.good]


def test_clean_file_every_line_good_numbered_from_two(tmp_path):
    path = write_lines(tmp_path / "ol.csv", [HEADER] + [order_line(f"O{i}") for i in range(1, 4)])
    assert scan_csv(path).duckdb_safe
    staged = stage(path)
    assert staged.good == [(2, *order_line_values("O1")), (3, *order_line_values("O2")), (4, *order_line_values("O3"))]
    assert staged.bad == []
    assert staged.raws[2] == dict(zip(HEADER.split(","), order_line_values("O1")))


def test_header_only_file_stages_nothing(tmp_path):
    for name, final_end in (("with_end.csv", True), ("without_end.csv", False)):
        staged = stage(write_lines(tmp_path / name, [HEADER], final_end=final_end))
        assert (staged.good, staged.bad) == ([], [])


def test_missing_final_newline_keeps_the_last_line(tmp_path):
    path = write_lines(tmp_path / "ol.csv", [HEADER, order_line("O1"), order_line("O2")], final_end=False)
    assert good_lines(stage(path)) == [2, 3]


def test_blank_lines_are_skipped_and_later_lines_keep_their_numbers(tmp_path):
    path = write_lines(tmp_path / "ol.csv", [HEADER, order_line("O1"), "", "  \t ", order_line("O2"), "", ""])
    staged = stage(path)
    assert good_lines(staged) == [2, 5]
    assert staged.bad == []


def test_whitespace_only_line_in_an_otherwise_clean_file(tmp_path):
    # clean for the scan, so DuckDB reads it first and rejects the blank line: the per-line parser decides
    path = write_lines(tmp_path / "ol.csv", [HEADER, order_line("O1"), "   ", order_line("O2")])
    assert scan_csv(path).duckdb_safe
    staged = stage(path)
    assert good_lines(staged) == [2, 4]
    assert staged.bad == []


def test_bom_is_dropped_from_the_header(tmp_path):
    path = write_lines(tmp_path / "ol.csv", [b"\xef\xbb\xbf" + HEADER.encode(), order_line("O1")])
    assert stage(path).good == [(2, *order_line_values("O1"))]


def test_bom_with_a_line_only_the_per_line_parser_reads(tmp_path):
    path = write_lines(tmp_path / "ol.csv", [b"\xef\xbb\xbf" + HEADER.encode(), order_line("O1"), b"\x07"])
    staged = stage(path)
    assert staged.good == [(2, *order_line_values("O1"))]
    assert staged.bad == [(3, "control character 0x07 in line", "\x07")]


def test_quoted_commas_escaped_quotes_and_spaces_kept_exactly(tmp_path):
    lines = [
        HEADER,
        '"O1","1","P,1","a ""big"" box",2,,3.5,1,2026-01-01T00:00:00Z',
        'O2,1,P2, spaced ,2,"",3.5,1,2026-01-01T00:00:00Z',
        'O3,1,P3,C10"002,2,,3.5,1,2026-01-01T00:00:00Z',
    ]  # a quote inside an unquoted value is text
    staged = stage(write_lines(tmp_path / "ol.csv", lines))
    assert staged.good == [
        (2, "O1", "1", "P,1", 'a "big" box', "2", None, "3.5", "1", "2026-01-01T00:00:00Z"),
        (3, "O2", "1", "P2", " spaced ", "2", None, "3.5", "1", "2026-01-01T00:00:00Z"),
        (4, "O3", "1", "P3", 'C10"002', "2", None, "3.5", "1", "2026-01-01T00:00:00Z"),
    ]
    assert staged.bad == []


def test_same_values_whichever_parser_reads_the_file(tmp_path):
    lines = [
        HEADER,
        '"O1","1","P,1","a,""big""-box",2,,3.5,1,2026-01-01T00:00:00Z',
        'O2,1,P2,x y,2,"",3.5,1,2026-01-01T00:00:00Z',
        order_line("O3", "Müller"),
        order_line("O4") + ",,",
    ]
    fast = write_lines(tmp_path / "fast.csv", lines)
    slow = write_lines(tmp_path / "slow.csv", lines + [b"O4,\xe9"])  # a bad byte: the per-line parser
    assert scan_csv(fast).duckdb_safe and not scan_csv(slow).duckdb_safe
    assert stage(fast).good == stage(slow).good
    assert stage(slow).bad == [(6, "not UTF-8: byte 0xE9 at column 4", "O4,\\xe9")]


def test_spaces_around_quotes_follow_the_strict_parser(tmp_path):
    lines = [
        HEADER,
        ' "O1",1,P1,tools,2,,3.5,1,2026-01-01T00:00:00Z',
        '"O2" ,1,P1,tools,2,,3.5,1,2026-01-01T00:00:00Z',
        order_line("O3"),
    ]
    staged = stage(write_lines(tmp_path / "ol.csv", lines))
    assert [g[:2] for g in staged.good] == [(2, ' "O1"'), (4, "O3")]
    assert staged.bad == [(3, "malformed CSV line: text after a closing quote", lines[2])]


def test_latin1_byte_early_quarantines_that_line_only(tmp_path):
    lines = [HEADER.encode(), order_line("O1", "M\xfcller").encode("latin-1"), order_line("O2").encode()]
    staged = stage(write_lines(tmp_path / "ol.csv", lines))
    assert staged.good == [(3, *order_line_values("O2"))]
    assert staged.bad == [(2, "not UTF-8: byte 0xFC at column 10", "O1,1,P1,M\\xfcller,2,,3.5,1,2026-01-01T00:00:00Z")]


def test_control_bytes_quarantine_their_line_and_tab_is_fine(tmp_path):
    lines = [
        HEADER,
        order_line("O1", "a\x00b"),
        order_line("O2", "a\x07b"),
        order_line("O3", "a\tb"),
        order_line("O4", "a\x7fb"),
    ]
    staged = stage(write_lines(tmp_path / "ol.csv", lines))
    assert staged.good == [(4, *order_line_values("O3", "a\tb"))]
    assert staged.bad == [
        (2, "control character 0x00 in line", lines[1]),
        (3, "control character 0x07 in line", lines[2]),
        (5, "control character 0x7F in line", lines[4]),
    ]


def test_overlong_line_quarantined_and_a_line_of_exactly_the_limit_is_good(tmp_path):
    at_limit = order_line("O1", "x")
    at_limit = at_limit.replace(",x,", "," + "x" * (MAX_LINE_BYTES - len(at_limit) + 1) + ",")
    assert len(at_limit) == MAX_LINE_BYTES
    over = at_limit.replace("O1,", "O2,x")
    for end in (b"\n", b"\r\n"):
        path = write_lines(tmp_path / "ol.csv", [HEADER, at_limit, over, order_line("O3")], end=end)
        staged = stage(path)
        assert good_lines(staged) == [2, 4]
        assert [(line, reason, len(raw)) for line, reason, raw in staged.bad] == [
            (3, f"line longer than {MAX_LINE_BYTES} bytes", MAX_LINE_BYTES)
        ]


def test_overlong_line_with_bad_bytes_elsewhere_too(tmp_path):
    lines = [HEADER.encode(), b"O1," + b"y" * (3 * MAX_LINE_BYTES), b"O2,\xe9", order_line("O3").encode()]
    staged = stage(write_lines(tmp_path / "ol.csv", lines))
    assert good_lines(staged) == [4]
    assert [(line, reason) for line, reason, _ in staged.bad] == [
        (2, f"line longer than {MAX_LINE_BYTES} bytes"),
        (3, "not UTF-8: byte 0xE9 at column 4"),
    ]


def test_mixed_crlf_and_lf_lines_all_load_without_cr(tmp_path):
    data = (HEADER + "\r\n" + order_line("O1") + "\n" + order_line("O2") + "\r\n" + order_line("O3") + "\n").encode()
    (tmp_path / "ol.csv").write_bytes(data)
    staged = stage(tmp_path / "ol.csv")
    assert staged.good == [(2, *order_line_values("O1")), (3, *order_line_values("O2")), (4, *order_line_values("O3"))]
    assert staged.bad == []


def test_bare_cr_inside_a_line_is_a_control_character(tmp_path):
    lines = [HEADER, order_line("O1", "a\rb"), order_line("O2")]
    staged = stage(write_lines(tmp_path / "ol.csv", lines))
    assert staged.bad == [(2, "control character 0x0D in line", lines[1])]
    assert good_lines(staged) == [3]


@pytest.mark.parametrize("bad_line", [5, 9])
def test_unterminated_quote_costs_only_its_line(tmp_path, bad_line):
    lines = [HEADER] + [order_line(f"O{i}") for i in range(2, 10)]
    lines[bad_line - 1] = '"' + lines[bad_line - 1]
    staged = stage(write_lines(tmp_path / "ol.csv", lines))
    assert good_lines(staged) == [n for n in range(2, 10) if n != bad_line]
    assert staged.bad == [(bad_line, "malformed CSV line: unterminated quote", lines[bad_line - 1])]


def test_two_stray_quotes_do_not_join_the_lines_between(tmp_path):
    lines = [HEADER] + [order_line(f"O{i}") for i in range(2, 10)]
    lines[2] = '"' + lines[2]
    lines[6] = '"' + lines[6]
    staged = stage(write_lines(tmp_path / "ol.csv", lines))
    assert good_lines(staged) == [2, 4, 5, 6, 8, 9]
    assert [(line, reason) for line, reason, _ in staged.bad] == [
        (3, "malformed CSV line: unterminated quote"),
        (7, "malformed CSV line: unterminated quote"),
    ]


def test_quoted_value_spanning_lines_quarantines_both_lines(tmp_path):
    lines = [HEADER, 'O1,1,P1,"two', 'lines",2,,3.5,1,2026-01-01T00:00:00Z', order_line("O2")]
    staged = stage(write_lines(tmp_path / "ol.csv", lines))
    assert good_lines(staged) == [4]
    assert [(line, reason) for line, reason, _ in staged.bad] == [
        (2, "malformed CSV line: unterminated quote"),
        (3, "malformed CSV line: expected 9 fields, found 6"),
    ]


def test_quote_at_the_end_of_an_unquoted_value_is_text(tmp_path):
    lines = [HEADER, order_line("O1") + '"', order_line("O2")]
    staged = stage(write_lines(tmp_path / "ol.csv", lines))
    assert staged.good == [(2, *order_line_values("O1")[:-1], '2026-01-01T00:00:00Z"'), (3, *order_line_values("O2"))]


def test_wrong_field_counts_are_bad_lines_and_good_lines_keep_their_numbers(tmp_path):
    lines = [
        HEADER,
        order_line("O1"),
        order_line("O2") + ",x",
        order_line("O3"),
        "O4,1",
        order_line("O5") + ",,y",
        order_line("O6"),
    ]
    staged = stage(write_lines(tmp_path / "ol.csv", lines))
    assert [g[:2] for g in staged.good] == [(2, "O1"), (4, "O3"), (7, "O6")]
    assert staged.bad == [
        (3, "malformed CSV line: expected 9 fields, found 10", lines[2]),
        (5, "malformed CSV line: expected 9 fields, found 2", lines[4]),
        (6, "malformed CSV line: expected 9 fields, found 11", lines[5]),
    ]


def test_trailing_empty_fields_are_ignored(tmp_path):
    lines = [HEADER, order_line("O1") + ",", order_line("O2") + ',,""', order_line("O3") + ", "]
    for name, extra in (("fast.csv", []), ("slow.csv", [b"\x00"])):
        staged = stage(write_lines(tmp_path / name, lines + extra))
        assert staged.good == [(2, *order_line_values("O1")), (3, *order_line_values("O2"))]
        assert staged.bad[0] == (4, "malformed CSV line: expected 9 fields, found 10", lines[3])


def test_many_rejected_lines_in_a_clean_file_keep_exact_numbers(tmp_path):
    lines = [HEADER] + [order_line(f"O{n}") + (",x" if n % 7 in (0, 1) else "") for n in range(2, 300)]
    path = write_lines(tmp_path / "ol.csv", lines)
    assert scan_csv(path).duckdb_safe
    staged = stage(path)
    assert [g[:2] for g in staged.good] == [(n, f"O{n}") for n in range(2, 300) if n % 7 not in (0, 1)]
    assert [b[0] for b in staged.bad] == [n for n in range(2, 300) if n % 7 in (0, 1)]
    assert staged.lines == list(range(2, 300))


def test_header_naming_a_column_twice_is_unreadable(tmp_path):
    path = write_lines(tmp_path / "ol.csv", [HEADER + ", unit_price ", order_line("O1") + ",1"])
    with pytest.raises(FileUnreadable) as caught:
        stage(path)
    assert (caught.value.object, caught.value.source, caught.value.column, caught.value.reason) == (
        "order_lines",
        "test/ol.csv",
        "unit_price",
        "header names column 'unit_price' twice",
    )
    assert str(caught.value) == "order_lines: header names column 'unit_price' twice in test/ol.csv"
    assert isinstance(caught.value, ExtractError)


def test_missing_required_column_is_unreadable(tmp_path):
    path = write_lines(tmp_path / "ol.csv", [HEADER.replace(",unit_cost", ""), "O1,1,P1,,2,,3.5,x"])
    with pytest.raises(FileUnreadable) as caught:
        stage(path)
    assert (caught.value.column, str(caught.value)) == (
        "unit_cost",
        "order_lines: required column 'unit_cost' missing in test/ol.csv",
    )


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"", "no header line (the first line is empty)"),
        (b"\n" + HEADER.encode() + b"\n", "no header line (the first line is empty)"),
        (b"order_id,line_number,Stra\xdfe\n", "header line: not UTF-8: byte 0xDF at column 26"),
        (b'order_id,"line_number\n', "header line: malformed CSV line: unterminated quote"),
    ],
)
def test_header_that_cannot_be_read_is_unreadable(tmp_path, content, reason):
    (tmp_path / "ol.csv").write_bytes(content)
    with pytest.raises(FileUnreadable) as caught:
        stage(tmp_path / "ol.csv")
    assert (caught.value.reason, caught.value.column) == (reason, None)


def test_unsupported_extension_is_unreadable(tmp_path):
    with pytest.raises(FileUnreadable, match=r"^order_lines: unsupported file type '\.txt' in test/ol\.txt$"):
        stage(write_lines(tmp_path / "ol.txt", [HEADER]))

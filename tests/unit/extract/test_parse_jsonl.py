"""The JSONL parser: values as their source text, every line a good row or a bad row with its reason."""

from __future__ import annotations

import json

import pytest
from parse_helpers import stage, write_lines

from kam.extract.errors import FileUnreadable
from kam.extract.physical_lines import MAX_LINE_BYTES

SURVEY = {
    "survey_id": "S1",
    "account_id": "C1",
    "responded_at": "2026-01-01",
    "score": "5",
    "updated_at": "2026-01-02T00:00:00Z",
}


def survey_line(**changes) -> str:
    return json.dumps(SURVEY | changes)


def values(**changes) -> tuple:
    return tuple((SURVEY | changes).values())


def test_numbers_keep_their_source_text_and_literals_become_text(tmp_path):
    lines = [
        '{"survey_id": 1e3, "account_id": "000517", "responded_at": "2026-01-01", "score": 5.0, '
        '"updated_at": "2026-01-02T00:00:00Z"}',
        '{"survey_id": 517, "account_id": true, "responded_at": null, "score": -0.50E+1, "updated_at": false}',
        '{"survey_id": "S3", "score": 4}',
    ]
    staged = stage(write_lines(tmp_path / "s.jsonl", lines), "surveys")
    assert staged.good == [
        (1, "1e3", "000517", "2026-01-01", "5.0", "2026-01-02T00:00:00Z"),
        (2, "517", "true", None, "-0.50E+1", "false"),
        (3, "S3", None, None, "4", None),
    ]
    assert staged.bad == []
    assert staged.raws[1] == json.loads(lines[0])


def test_repeated_key_is_a_bad_row(tmp_path):
    lines = [survey_line(), '{"survey_id": "S2", "score": 1, "score": 2}', '{"survey_id": "S3", "x": {"a": 1, "a": 2}}']
    staged = stage(write_lines(tmp_path / "s.jsonl", lines), "surveys")
    assert [g[0] for g in staged.good] == [1]
    assert staged.bad == [(2, "JSON line repeats key 'score'", lines[1]), (3, "JSON line repeats key 'a'", lines[2])]


def test_object_or_array_where_a_value_belongs(tmp_path):
    lines = [
        survey_line(account_id={"id": "C1"}),
        survey_line(account_id=["C1"], score={"v": 1}),
        survey_line(note={"nested": ["fine"]}),
    ]  # an extra key may hold anything
    staged = stage(write_lines(tmp_path / "s.jsonl", lines), "surveys")
    assert staged.good == [(3, *values())]
    assert staged.bad == [
        (1, "account_id: JSON object where a value belongs", json.loads(lines[0])),
        (
            2,
            "account_id: JSON array where a value belongs; score: JSON object where a value belongs",
            json.loads(lines[1]),
        ),
    ]


@pytest.mark.parametrize(
    "line",
    [
        '{"survey_id": "S1",}',
        '["S1", "C1"]',
        '"S1"',
        "this is not json",
        '{"survey_id": NaN}',
        '{"survey_id": "S1"} xyz',
        '{"survey_id": "S1',
        "17",
    ],
)
def test_lines_that_are_not_a_json_object(tmp_path, line):
    staged = stage(write_lines(tmp_path / "s.jsonl", [survey_line(), line]), "surveys")
    assert [g[0] for g in staged.good] == [1]
    assert staged.bad == [(2, "not a JSON object", line)]


def test_bytes_that_are_not_utf8_control_bytes_and_escaped_controls(tmp_path):
    lines = [
        survey_line().encode(),
        survey_line(account_id="M#ller").replace("#", "\xfc").encode("latin-1"),
        survey_line(account_id="a#b").replace("#", "\x07").encode(),  # raw bytes, not JSON escapes
        survey_line(account_id="tab#here").replace("#", "\t").encode(),
        json.dumps(SURVEY | {"account_id": "C1\u00000"}).encode(),
        json.dumps(SURVEY | {"account_id": "two\nlines"}).encode(),
    ]
    staged = stage(write_lines(tmp_path / "s.jsonl", lines), "surveys")
    assert staged.good == [(1, *values()), (4, *values(account_id="tab\there")), (6, *values(account_id="two\nlines"))]
    column = lines[1].index(b"\xfc") + 1
    assert staged.bad == [
        (2, f"not UTF-8: byte 0xFC at column {column}", lines[1].decode("latin-1").replace("\xfc", "\\xfc")),
        (3, "control character 0x07 in line", lines[2].decode()),
        (5, "account_id: control character 0x00 in value", json.loads(lines[4])),
    ]


def test_blank_lines_crlf_and_bom(tmp_path):
    data = b"\xef\xbb\xbf" + survey_line().encode() + b"\r\n\r\n   \n" + survey_line(survey_id="S2").encode() + b"\n\n"
    (tmp_path / "s.jsonl").write_bytes(data)
    staged = stage(tmp_path / "s.jsonl", "surveys")
    assert staged.good == [(1, *values()), (4, *values(survey_id="S2"))]
    assert staged.bad == []


def test_overlong_line(tmp_path):
    long_line = survey_line(account_id="x" * MAX_LINE_BYTES)
    staged = stage(write_lines(tmp_path / "s.jsonl", [long_line, survey_line()], final_end=False), "surveys")
    assert staged.good == [(2, *values())]
    assert [(line, reason, len(raw)) for line, reason, raw in staged.bad] == [
        (1, f"line longer than {MAX_LINE_BYTES} bytes", MAX_LINE_BYTES)
    ]


def test_empty_file_and_file_of_bad_lines_only(tmp_path):
    assert (stage(write_lines(tmp_path / "empty.jsonl", [], final_end=False), "surveys").good) == []
    staged = stage(write_lines(tmp_path / "bad.jsonl", ["nope", "[1]"]), "surveys")
    assert (staged.good, [b[:2] for b in staged.bad]) == ([], [(1, "not a JSON object"), (2, "not a JSON object")])


def test_required_key_in_no_object_is_unreadable(tmp_path):
    lines = [json.dumps({k: v for k, v in SURVEY.items() if k != "score"})] * 2
    with pytest.raises(FileUnreadable) as caught:
        stage(write_lines(tmp_path / "s.jsonl", lines), "surveys")
    assert (caught.value.column, str(caught.value)) == (
        "score",
        "surveys: required column 'score' missing in test/s.jsonl",
    )


def test_required_key_in_some_object_is_enough(tmp_path):
    lines = [json.dumps({k: v for k, v in SURVEY.items() if k != "score"}), survey_line(survey_id="S2")]
    staged = stage(write_lines(tmp_path / "s.jsonl", lines), "surveys")
    assert staged.good == [(1, "S1", "C1", "2026-01-01", None, "2026-01-02T00:00:00Z"), (2, *values(survey_id="S2"))]

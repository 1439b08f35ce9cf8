"""The export files depend on the data only: a workbook written twice is byte-identical, and so is a backfill's
export but for the run its workbook's About sheet names (docs/decisions/0023)."""

from __future__ import annotations

import hashlib
import io
import json
import time
from zipfile import ZipFile

import pytest

from kam.export import ExportError, export_run
from kam.publish import publish_run
from tests.integration.publish.fake_candidates import PASSED_GATE, as_of_of, build_candidates

WORKBOOK = "kam_segments_2026-10-02.xlsx"


def _files(folder) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _parts(workbook: bytes) -> dict[str, bytes]:
    with ZipFile(io.BytesIO(workbook)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_the_workbook_written_twice_has_the_same_sha256(exported, published):
    first = _sha((exported / WORKBOOK).read_bytes())
    time.sleep(2.1)  # ZIP dates have a 2-second resolution: a save time would show
    again = export_run(published, run_id="night-1", as_of="2026-10-02")

    assert _sha((again / WORKBOOK).read_bytes()) == first
    with ZipFile(again / WORKBOOK) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert '<dcterms:created xsi:type="dcterms:W3CDTF">2026-10-02T00:00:00Z</dcterms:created>' in core
    assert '<dcterms:modified xsi:type="dcterms:W3CDTF">2026-10-02T00:00:00Z</dcterms:modified>' in core


def _publish_and_export_nights(settings):
    """Nights 1 and 2 published nightly, each exported right after; returns night 1's files."""
    d1 = build_candidates(settings.warehouse, 1)
    publish_run(settings, run_id="night-1", as_of=d1, started_at="2026-10-03T02:00:00Z", gate_result_json=PASSED_GATE)
    night_1 = _files(export_run(settings, run_id="night-1", as_of=d1))
    d2 = build_candidates(settings.warehouse, 2)
    publish_run(settings, run_id="night-2", as_of=d2, started_at="2026-10-04T02:00:00Z", gate_result_json=PASSED_GATE)
    export_run(settings, run_id="night-2", as_of=d2)
    return night_1


def test_the_export_of_a_backfill_equals_what_the_night_exported(settings):
    night_1 = _publish_and_export_nights(settings)

    d1 = build_candidates(settings.warehouse, 1, schema="marts_backfill")
    result = publish_run(
        settings,
        run_id="backfill-1",
        as_of=d1,
        started_at="2026-10-09T02:00:00Z",
        gate_result_json=PASSED_GATE,
        mode="backfill",
        candidates_schema="marts_backfill",
    )
    backfill_1 = _files(export_run(settings, run_id="backfill-1", as_of=d1, candidates_schema="marts_backfill"))

    assert result.mode == "backfill"
    assert sorted(backfill_1) == sorted(night_1)
    for name in night_1:
        if name not in ("manifest.json", WORKBOOK):
            assert backfill_1[name] == night_1[name], name
    # the workbook: every part the same bytes but the About sheet, which names the run that wrote it
    night_parts, backfill_parts = _parts(night_1[WORKBOOK]), _parts(backfill_1[WORKBOOK])
    about = "xl/worksheets/sheet1.xml"
    assert {n: p for n, p in backfill_parts.items() if n != about} == {
        n: p for n, p in night_parts.items() if n != about
    }
    assert b"<t>night-1</t>" in night_parts[about]
    assert backfill_parts[about] == night_parts[about].replace(b"<t>night-1</t>", b"<t>backfill-1</t>")
    manifests = [json.loads(files["manifest.json"]) for files in (night_1, backfill_1)]
    assert [m.pop("run_id") for m in manifests] == ["night-1", "backfill-1"]
    for m, files in zip(manifests, (night_1, backfill_1)):
        m.pop("created_at")
        assert m["files"][WORKBOOK].pop("sha256") == _sha(files[WORKBOOK])
    assert manifests[0] == manifests[1]
    # the folder of the latest night is untouched
    assert sorted(p.name for p in settings.export_dir.iterdir()) == ["2026-10-02", "2026-10-03"]


def test_a_backfill_export_refuses_candidates_of_another_date(settings):
    _publish_and_export_nights(settings)
    d1 = build_candidates(settings.warehouse, 1, schema="marts_backfill")
    publish_run(
        settings,
        run_id="backfill-1",
        as_of=d1,
        started_at="2026-10-09T02:00:00Z",
        gate_result_json=PASSED_GATE,
        mode="backfill",
        candidates_schema="marts_backfill",
    )
    build_candidates(settings.warehouse, 3, schema="marts_backfill")  # rebuilt since

    with pytest.raises(
        ExportError,
        match=r"holds customer_segments as of \[datetime.date\(2026, 10, 4\)\], "
        r"not 2026-10-02: the candidates are not this run's",
    ):
        export_run(settings, run_id="backfill-1", as_of=as_of_of(1), candidates_schema="marts_backfill")


def test_a_run_that_was_not_published_cannot_be_exported_from_candidates(settings):
    _publish_and_export_nights(settings)
    build_candidates(settings.warehouse, 1, schema="marts_backfill")

    with pytest.raises(
        ExportError,
        match=r"run 'backfill-1' as of 2026-10-02 is not published in .* "
        r"\(the reporting tables hold run 'night-2' \(as of 2026-10-03\)\)",
    ):
        export_run(settings, run_id="backfill-1", as_of=as_of_of(1), candidates_schema="marts_backfill")

"""The export folder appears complete or not at all, and a rerun replaces it whole."""

from __future__ import annotations

import pytest

import kam.export.exporter as exporter
from kam.export import export_run
from tests.integration.publish.reporting_reads import folder_fingerprint


def _fail_in_the_workbook(monkeypatch):
    def broken(path, tables, **_):
        path.write_bytes(b"PK half a workbook")
        raise OSError("disk full")

    monkeypatch.setattr(exporter, "write_workbook", broken)


def test_a_failing_first_export_leaves_no_folder(published, monkeypatch):
    _fail_in_the_workbook(monkeypatch)
    with pytest.raises(OSError, match="disk full"):
        export_run(published, run_id="night-1", as_of="2026-10-02")
    assert list(published.export_dir.iterdir()) == []


def test_a_failing_rerun_leaves_the_previous_folder_untouched(exported, published, monkeypatch):
    before = folder_fingerprint(exported)
    _fail_in_the_workbook(monkeypatch)
    with pytest.raises(OSError, match="disk full"):
        export_run(published, run_id="night-1", as_of="2026-10-02")
    assert folder_fingerprint(exported) == before
    assert [p.name for p in published.export_dir.iterdir()] == ["2026-10-02"]


def test_a_rerun_replaces_the_folder_whole(exported, published):
    (exported / "stray_file.csv").write_text("left from an older version\n")
    (published.export_dir / ".2026-10-02.0123abcd.tmp").mkdir()  # left by a crashed export
    folder = export_run(published, run_id="night-1", as_of="2026-10-02")
    assert folder == exported
    assert not (folder / "stray_file.csv").exists()
    assert "manifest.json" in {p.name for p in folder.iterdir()}
    assert [p.name for p in published.export_dir.iterdir()] == ["2026-10-02"]

"""`python -m kam.demo.generate`: default folder, --if-absent, clear errors."""

from __future__ import annotations

import json

from kam.demo.generate import main


def _as_of(folder):
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["as_of"]


def test_writes_into_kam_home_demo_by_default(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KAM_HOME", str(tmp_path))
    assert main(["--as-of", "2026-10-15", "--customers", "20"]) == 0
    assert _as_of(tmp_path / "demo") == "2026-10-15"
    assert "orders" in capsys.readouterr().out


def test_if_absent_keeps_a_drop_as_of_that_date_or_later(tmp_path, capsys):
    out = tmp_path / "drop"
    assert main(["--out", str(out), "--as-of", "2026-10-15", "--customers", "20"]) == 0
    mtime = (out / "erp.sqlite").stat().st_mtime_ns
    for as_of in ("2026-10-15", "2026-10-01"):
        capsys.readouterr()
        assert main(["--out", str(out), "--as-of", as_of, "--customers", "20", "--if-absent"]) == 0
        assert "already present" in capsys.readouterr().out
        assert (out / "erp.sqlite").stat().st_mtime_ns == mtime and _as_of(out) == "2026-10-15"


def test_if_absent_regenerates_an_older_drop_and_an_empty_folder(tmp_path):
    out = tmp_path / "drop"
    assert main(["--out", str(out), "--as-of", "2026-10-16", "--customers", "20", "--if-absent"]) == 0
    assert _as_of(out) == "2026-10-16"
    assert main(["--out", str(out), "--as-of", "2026-10-20", "--customers", "20", "--if-absent"]) == 0
    assert _as_of(out) == "2026-10-20"
    assert sorted(p.name for p in out.iterdir()) == ["crm", "erp.sqlite", "manifest.json"]


def test_an_as_of_outside_the_simulated_world_is_a_clear_error(tmp_path, capsys):
    assert main(["--out", str(tmp_path / "drop"), "--as-of", "2040-01-01", "--customers", "20"]) == 2
    error = capsys.readouterr().err
    assert "2040-01-01" in error and "outside the simulated world" in error
    assert not (tmp_path / "drop" / "manifest.json").exists()

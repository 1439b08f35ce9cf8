"""Extraction opens the warehouse with its own DuckDB memory limit (KAM_EXTRACT_MEMORY_LIMIT)."""
from dataclasses import replace

from kam.config import load_settings
from kam.extract.runner import connect_when_free


def _limit_bytes(con) -> int:
    return con.execute("select current_setting('memory_limit')").fetchone()[0]


def test_extraction_uses_its_own_memory_limit_not_the_warehouse_one(tmp_path, monkeypatch):
    monkeypatch.setenv("KAM_EXTRACT_MEMORY_LIMIT", "512MB")
    monkeypatch.setenv("KAM_DUCKDB_MEMORY_LIMIT", "4GB")
    settings = replace(load_settings(), warehouse=str(tmp_path / "warehouse.duckdb"))
    assert settings.extract_memory_limit == "512MB"
    con = connect_when_free(settings)
    try:
        shown = _limit_bytes(con)
    finally:
        con.close()
    # DuckDB shows the limit in its own units (e.g. "488.2 MiB" for 512MB)
    assert shown.replace(" ", "") in {"512.0MB", "488.2MiB", "512MB"}, shown

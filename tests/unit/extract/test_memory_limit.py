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


def test_a_memory_limit_carrying_sql_is_refused_naming_the_variable(tmp_path, monkeypatch):
    import pytest

    monkeypatch.setenv("KAM_EXTRACT_MEMORY_LIMIT", "2GB'; drop table x; --")
    settings = replace(load_settings(), warehouse=str(tmp_path / "warehouse.duckdb"))
    with pytest.raises(ValueError) as caught:
        connect_when_free(settings)
    assert str(caught.value) == (
        'KAM_EXTRACT_MEMORY_LIMIT="2GB\'; drop table x; --" is not a memory limit: expected a number with a '
        "unit (B, KB, MB, GB, TB, KiB, MiB, GiB, TiB) or a percentage, e.g. 2GB"
    )
    assert not (tmp_path / "warehouse.duckdb").exists()


def test_the_warehouse_memory_limit_and_threads_are_checked_too(tmp_path, monkeypatch):
    import pytest

    from kam.warehouse import connect

    settings = replace(load_settings(), warehouse=str(tmp_path / "w.duckdb"), duckdb_memory_limit="1GB; --")
    with pytest.raises(ValueError, match=r"^KAM_DUCKDB_MEMORY_LIMIT='1GB; --' is not a memory limit"):
        connect(settings)
    monkeypatch.setenv("KAM_DUCKDB_THREADS", "2; set x")
    with pytest.raises(ValueError, match=r"^KAM_DUCKDB_THREADS='2; set x' is not a thread count"):
        load_settings()
    con = connect(replace(settings, duckdb_memory_limit="1.5 GB"))
    assert con.execute("select current_setting('memory_limit')").fetchone()[0] == "1.3 GiB"
    con.close()


def test_a_warehouse_extraction_creates_is_private(tmp_path):
    import stat

    from extract_helpers import AS_OF, Env

    from kam.extract import extract_erp

    env = Env(tmp_path)
    folder = tmp_path / "new" / "deeper"
    settings = replace(env.settings, warehouse=str(folder / "warehouse.duckdb"))
    extract_erp(settings, "n1", AS_OF)
    mode = lambda p: stat.S_IMODE(p.stat().st_mode)  # noqa: E731
    assert (mode(folder / "warehouse.duckdb"), mode(folder), mode(tmp_path / "new")) == (0o600, 0o700, 0o700)

"""bi_reader (deploy/postgres/bi_reader.sql via kam.pg.roles): SELECT on reporting, nothing else."""

from __future__ import annotations

from urllib.parse import urlparse

import psycopg2
import pytest

from kam.pg.roles import apply_bi_reader, main

pytestmark = pytest.mark.postgres

PASSWORD = "bi-test-only"


def _as_user(url: str, user: str, password: str) -> str:
    parts = urlparse(url)
    return f"postgresql://{user}:{password}@{parts.hostname}:{parts.port}{parts.path}"


@pytest.fixture
def warehouse(pg_database):
    """The test database as a warehouse: the pipeline role (its owner) and its schemas."""
    con = psycopg2.connect(pg_database)
    with con, con.cursor() as cur:
        for schema in ("raw", "quarantine", "meta", "staging", "intermediate", "marts", "reporting"):
            cur.execute(f"create schema {schema}")
        cur.execute("create table raw.orders (order_id varchar)")
        cur.execute("create table quarantine.rows (raw varchar)")
        cur.execute("create table meta.watermarks (object varchar)")
        cur.execute("create table raw.contacts (full_name varchar, email varchar)")
        cur.execute("create view staging.stg_crm__contacts as select full_name, email from raw.contacts")
        cur.execute("create table intermediate.int_customers (customer_id varchar)")
        cur.execute("create table marts.customer_segments (customer_id varchar)")
        cur.execute("create table reporting.customer_segments (customer_id varchar)")
        cur.execute("insert into reporting.customer_segments values ('C1')")
    con.close()
    return pg_database


@pytest.fixture
def admin_url(pg_cluster, warehouse) -> str:
    """The cluster superuser on the warehouse database (bi_reader.sql's `alter role ... nosuperuser`
    needs a superuser, like the compose file's POSTGRES_USER)."""
    return _as_user(warehouse, pg_cluster.superuser, pg_cluster.password)


def pipeline_role(url: str) -> str:
    return urlparse(url).username


def attempt(url: str, statement: str) -> str:
    """'ok' or the SQLSTATE class name of the error."""
    con = psycopg2.connect(url)
    try:
        with con.cursor() as cur:
            cur.execute(statement)
        con.commit()
        return "ok"
    except psycopg2.Error as exc:
        return type(exc).__name__
    finally:
        con.close()


@pytest.mark.parametrize("use_psql", [True, False], ids=["psql", "python"])
def test_bi_reader_reads_reporting_and_nothing_else(warehouse, admin_url, use_psql):
    way = "psql" if use_psql else "python"
    assert apply_bi_reader(admin_url, PASSWORD, pipeline_role(warehouse), use_psql=use_psql) == way
    assert apply_bi_reader(admin_url, PASSWORD, pipeline_role(warehouse), use_psql=use_psql) == way  # idempotent
    owner = psycopg2.connect(warehouse)  # a table the pipeline creates later (publication)
    with owner, owner.cursor() as cur:
        cur.execute("create table reporting.key_accounts as select 'C1' as customer_id")
    owner.close()
    reader = _as_user(warehouse, "bi_reader", PASSWORD)

    assert attempt(reader, "select * from reporting.customer_segments") == "ok"
    assert attempt(reader, "select * from reporting.key_accounts") == "ok"
    for table in (
        "raw.orders",
        "raw.contacts",
        "quarantine.rows",
        "meta.watermarks",
        "staging.stg_crm__contacts",
        "intermediate.int_customers",
        "marts.customer_segments",
    ):
        assert attempt(reader, f"select * from {table}") == "InsufficientPrivilege", table
    for statement in (
        "insert into reporting.customer_segments values ('C2')",
        "update reporting.customer_segments set customer_id = 'C9'",
        "delete from reporting.customer_segments",
        "truncate reporting.customer_segments",
        "create table reporting.mine (x int)",
        "create table public.mine (x int)",
        "create table raw.mine (x int)",
        "create schema mine",
        "drop table reporting.customer_segments",
    ):
        assert attempt(reader, statement) == "InsufficientPrivilege", statement


def test_roles_command_needs_a_password(warehouse, admin_url, monkeypatch, capsys):
    monkeypatch.delenv("KAM_BI_READER_PASSWORD", raising=False)
    assert main(["--url", admin_url]) == 2
    assert "KAM_BI_READER_PASSWORD" in capsys.readouterr().err
    monkeypatch.setenv("KAM_BI_READER_PASSWORD", PASSWORD)
    assert main(["--url", admin_url, "--pipeline-role", pipeline_role(warehouse)]) == 0
    assert "via psql" in capsys.readouterr().out
    assert attempt(_as_user(warehouse, "bi_reader", PASSWORD), "select * from reporting.customer_segments") == "ok"

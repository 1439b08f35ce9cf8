"""Apply deploy/postgres/bi_reader.sql: the read-only `bi_reader` role of BI tools (idempotent).

    KAM_BI_READER_PASSWORD=... python -m kam.pg.roles [--url postgresql://...] [--pipeline-role kam]

Through `psql -f` when available, else the same statements via psycopg2; the password never on a
command line.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

from psycopg2 import sql

from kam.config import REPO_ROOT, load_settings
from kam.pg.connection import connect_url, libpq_url
from kam.warehouse.urls import safe_url

BI_READER_SQL = REPO_ROOT / "deploy" / "postgres" / "bi_reader.sql"
BI_READER = "bi_reader"
PASSWORD_ENV = "KAM_BI_READER_PASSWORD"


def current_role(url: str) -> str:
    con = connect_url(url, application_name="kam-roles")
    try:
        with con.cursor() as cur:
            cur.execute("select current_user")
            return cur.fetchone()[0]
    finally:
        con.close()


def _libpq_env(url: str) -> dict[str, str]:
    """libpq variables for the URL (keeps the password off the command line)."""
    parts = urlparse(libpq_url(url))
    env = {
        "PGHOST": parts.hostname or "localhost",
        "PGPORT": str(parts.port or 5432),
        "PGDATABASE": unquote(parts.path.lstrip("/")) or "postgres",
    }
    if parts.username:
        env["PGUSER"] = unquote(parts.username)
    if parts.password:
        env["PGPASSWORD"] = unquote(parts.password)
    return env


def apply_with_psql(
    url: str, password: str, pipeline_role: str, psql: str = "psql", script: Path = BI_READER_SQL
) -> None:
    """Run the SQL file with psql; raises with psql's message on failure."""
    env = {**os.environ, **_libpq_env(url), "KAM_BI_READER_PASSWORD": password, "KAM_PIPELINE_ROLE": pipeline_role}
    preamble = (
        f"\\getenv bi_reader_password KAM_BI_READER_PASSWORD\n\\getenv pipeline_role KAM_PIPELINE_ROLE\n\\i {script}\n"
    )
    result = subprocess.run(
        [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", "-"], input=preamble, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise RuntimeError(f"roles: psql -f {script} on {safe_url(url)} failed: {result.stderr.strip()}")


def apply_in_python(url: str, password: str, pipeline_role: str) -> None:
    """The statements of bi_reader.sql through psycopg2, in one transaction."""
    con = connect_url(url, application_name="kam-roles")
    reader = sql.Identifier(BI_READER)
    try:
        with con, con.cursor() as cur:
            cur.execute("select exists (select from pg_roles where rolname = %s)", (BI_READER,))
            if not cur.fetchone()[0]:
                cur.execute(sql.SQL("create role {} login").format(reader))
            cur.execute(
                sql.SQL("alter role {} with login nocreatedb nocreaterole password {}").format(
                    reader, sql.Literal(password)
                )
            )
            cur.execute("create schema if not exists reporting")
            cur.execute("revoke create on schema public from public")
            cur.execute(sql.SQL("revoke all on schema public from {}").format(reader))
            cur.execute(sql.SQL("grant usage on schema reporting to {}").format(reader))
            cur.execute(sql.SQL("grant select on all tables in schema reporting to {}").format(reader))
            cur.execute(
                sql.SQL("alter default privileges for role {} in schema reporting grant select on tables to {}").format(
                    sql.Identifier(pipeline_role), reader
                )
            )
    finally:
        con.close()


def apply_bi_reader(url: str, password: str, pipeline_role: str | None = None, use_psql: bool | None = None) -> str:
    """Create/refresh bi_reader on the warehouse at `url`; returns 'psql' or 'python' (the way used)."""
    if not password:
        raise ValueError(f"roles: the bi_reader password is empty (set {PASSWORD_ENV})")
    pipeline_role = pipeline_role or current_role(url)
    psql = shutil.which("psql")
    if use_psql is None:
        use_psql = psql is not None
    if use_psql:
        if psql is None:
            raise RuntimeError("roles: psql is not on PATH")
        apply_with_psql(url, password, pipeline_role, psql)
        return "psql"
    apply_in_python(url, password, pipeline_role)
    return "python"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kam.pg.roles", description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=None, help="warehouse URL (default: KAM_WAREHOUSE)")
    parser.add_argument("--pipeline-role", default=None, help="owner of the reporting tables (default: the URL's user)")
    parser.add_argument("--no-psql", action="store_true", help="run the statements through psycopg2")
    args = parser.parse_args(argv)
    url = args.url or load_settings().warehouse
    try:
        way = apply_bi_reader(
            url, os.environ.get(PASSWORD_ENV, ""), args.pipeline_role, use_psql=False if args.no_psql else None
        )
    except (ValueError, RuntimeError) as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"bi_reader applied on {safe_url(url)} (via {way})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The throwaway PostgreSQL server starts, accepts the owner's writes and keeps databases apart."""

import psycopg2
import pytest

pytestmark = pytest.mark.postgres


def test_fresh_database_accepts_writes_of_its_owner(pg_database):
    con = psycopg2.connect(pg_database)
    with con, con.cursor() as cur:
        cur.execute("create table t (id int primary key)")
        cur.execute("insert into t values (1), (2)")
        cur.execute("select count(*), current_setting('server_version_num')::int >= 150000 from t")
        assert cur.fetchone() == (2, True)
    con.close()


def test_each_test_gets_an_empty_database(pg_database):
    con = psycopg2.connect(pg_database)
    with con.cursor() as cur:
        cur.execute("select count(*) from information_schema.tables where table_schema = 'public'")
        assert cur.fetchone() == (0,)
    con.close()

"""The published-tables digest (tests/published_digest.py) sees a changed value, row or type, and ignores
what only says which run published: so the baseline comparisons of the demo and the example can fail."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from tests.published_digest import differences, published_digest


@pytest.fixture
def reporting_db(tmp_path):
    path = tmp_path / "bi.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create schema reporting")
    con.execute(
        "create table reporting.key_accounts (customer_id varchar, revenue_12m decimal(18,2), "
        "key_account_score double, is_key_account boolean, as_of_date date)"
    )
    con.execute(
        "insert into reporting.key_accounts values ('000042', 1200.50, 3.25, true, date '2026-10-15'), "
        "('000517', 80.00, null, false, date '2026-10-15')"
    )
    con.execute(
        "create table reporting.pipeline_runs (as_of_date date, run_id varchar, started_at timestamp, "
        "finished_at timestamp, status varchar)"
    )
    con.execute(
        "insert into reporting.pipeline_runs values (date '2026-10-15', 'run-1', "
        "timestamp '2026-10-16 02:00:00', timestamp '2026-10-16 02:05:00', 'published')"
    )
    con.close()
    return path


def _changed_copy(reporting_db, tmp_path, sql: str):
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(reporting_db, copy)
    con = duckdb.connect(str(copy))
    con.execute(sql)
    con.close()
    return published_digest(copy)


def test_an_unchanged_copy_has_the_same_digest(reporting_db, tmp_path):
    assert differences(published_digest(reporting_db), _changed_copy(reporting_db, tmp_path, "select 1")) == []


def test_one_changed_value_is_named_by_table_and_column(reporting_db, tmp_path):
    changed = _changed_copy(
        reporting_db, tmp_path, "update reporting.key_accounts set revenue_12m = 1200.51 where customer_id = '000042'"
    )

    problems = differences(published_digest(reporting_db), changed)

    assert problems[0] == "key_accounts: values differ in columns ['revenue_12m']"
    assert "'1200.50'" in problems[1] and "'1200.51'" in problems[1]  # a tiny table shows its rows


def test_a_missing_row_and_a_changed_type_are_reported(reporting_db, tmp_path):
    changed = _changed_copy(
        reporting_db,
        tmp_path,
        """
        delete from reporting.key_accounts where customer_id = '000517';
        alter table reporting.key_accounts alter revenue_12m type decimal(18,4)""",
    )

    problems = differences(published_digest(reporting_db), changed)

    assert problems[:2] == [
        "key_accounts: types changed {'revenue_12m': 'DECIMAL(18,2) -> DECIMAL(18,4)'}",
        "key_accounts: 2 rows before, 1 now",
    ]


def test_values_recombined_into_other_rows_are_reported(reporting_db, tmp_path):
    changed = _changed_copy(
        reporting_db,
        tmp_path,
        "update reporting.key_accounts set customer_id = case customer_id "
        "when '000042' then '000517' else '000042' end",
    )

    assert differences(published_digest(reporting_db), changed)[0] == (
        "key_accounts: same values per column, combined into different rows"
    )


def test_the_run_id_and_run_times_are_left_out(reporting_db, tmp_path):
    rerun = _changed_copy(
        reporting_db,
        tmp_path,
        "update reporting.pipeline_runs set run_id = 'run-2', "
        "started_at = timestamp '2026-10-17 02:00:00', finished_at = timestamp '2026-10-17 02:09:00'",
    )

    assert differences(published_digest(reporting_db), rerun) == []
    assert [c for c, _ in published_digest(reporting_db)["pipeline_runs"]["columns"]] == ["as_of_date", "status"]


def test_row_order_does_not_matter(reporting_db, tmp_path):
    reordered = _changed_copy(
        reporting_db,
        tmp_path,
        """
        create table reporting.copy as select * from reporting.key_accounts order by customer_id desc;
        drop table reporting.key_accounts;
        alter table reporting.copy rename to key_accounts""",
    )

    assert differences(published_digest(reporting_db), reordered) == []

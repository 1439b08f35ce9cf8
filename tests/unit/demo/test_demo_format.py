"""The drop has the contract's format: SQLite ERP tables, CRM CSV/JSONL files, a manifest."""

from __future__ import annotations

import json

import sqlalchemy as sa

from kam.contract import OBJECTS, objects_of

from .conftest import AS_OF

JSONL_OBJECTS = {"opportunities", "cases", "surveys"}
CRM_FILES = {"accounts.csv", "contacts.csv", "activities.csv", "opportunities.jsonl", "cases.jsonl", "surveys.jsonl"}


def test_every_object_has_exactly_the_contract_columns_plus_known_extras(small_tables):
    extras = {"orders": ["sales_channel"], "order_lines": ["uom"], "accounts": ["website"]}
    for name, obj in OBJECTS.items():
        columns = list(small_tables[name].columns)
        if name in JSONL_OBJECTS:  # a JSON object has no column order
            columns = sorted(columns, key=lambda c: obj.column_names.index(c) if c in obj.column_names else 99)
        assert [c for c in columns if c in obj.column_names] == obj.column_names, name
        assert [c for c in columns if c not in obj.column_names] == extras.get(name, []), name


def test_erp_tables_are_read_through_sqlalchemy_with_text_dates(small_drop):
    folder, counts = small_drop
    engine = sa.create_engine(f"sqlite:///{folder / 'erp.sqlite'}")
    try:
        inspector = sa.inspect(engine)
        assert sorted(inspector.get_table_names()) == sorted(o.name for o in objects_of("erp"))
        orders = {c["name"]: str(c["type"]) for c in inspector.get_columns("orders")}
        assert orders["order_date"] == "TEXT" and orders["updated_at"] == "TEXT"
        lines = {c["name"]: str(c["type"]) for c in inspector.get_columns("order_lines")}
        assert lines["line_number"] == "INTEGER" and lines["quantity"] == "NUMERIC"
        with engine.connect() as con:
            for table in ("orders", "order_lines", "fx_rates"):
                assert con.execute(sa.text(f"select count(*) from {table}")).scalar() == counts[table]
            line_number, quantity = con.execute(sa.text("select line_number, quantity from order_lines")).first()
            assert isinstance(line_number, int) and isinstance(quantity, (int, float))
    finally:
        engine.dispose()


def test_crm_is_a_folder_of_csv_and_jsonl_exports(small_drop):
    folder = small_drop[0]
    assert {p.name for p in (folder / "crm").iterdir()} == CRM_FILES
    assert sorted(p.name for p in folder.iterdir()) == ["crm", "erp.sqlite", "manifest.json"]
    first = (folder / "crm" / "cases.jsonl").read_text(encoding="utf-8").splitlines()[0]
    assert isinstance(json.loads(first), dict)


def test_manifest_records_seed_as_of_and_the_row_counts(small_drop, small_tables):
    folder, counts = small_drop
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["seed"] == 42 and manifest["customers"] == 80
    assert manifest["as_of"] == AS_OF.isoformat() and manifest["history_start"] == "2023-10-16"
    assert manifest["counts"] == counts
    assert counts == {name: len(frame) for name, frame in small_tables.items()}

"""No contact's name, e-mail or phone in any export file: column allow-lists, checked."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from kam.publish.exposures import EXPOSURES_FILE, ExposureError, export_specs
from kam.warehouse.reporting_db import open_reporting_db
from tests.integration.publish.fake_candidates import CONTACT_VALUES


def _texts(folder: Path):
    """Every file's text; the workbook's XML parts one by one."""
    for path in sorted(folder.iterdir()):
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    yield f"{path.name}:{member}", archive.read(member).decode("utf-8")
        else:
            yield path.name, path.read_text(encoding="utf-8")


def test_injected_contact_data_never_reaches_an_export(published, exported):
    con = open_reporting_db(published.reporting_db)
    try:  # the published tables do carry it (the fake marts leak it), so the export could
        leaked = con.execute(
            "select count(*) from customer_segments where contact_email = ?", [CONTACT_VALUES[1]]
        ).fetchone()[0]
        phones = con.execute(
            "select count(*) from key_accounts where decision_maker_phone = ?", [CONTACT_VALUES[2]]
        ).fetchone()[0]
    finally:
        con.close()
    assert leaked == 7 and phones == 3
    texts = dict(_texts(exported))
    assert any("Kunde 1" in t for t in texts.values())  # the search does look into the workbook
    found = [(name, value) for name, text in texts.items() for value in CONTACT_VALUES if value in text]
    assert found == []


def test_declared_exports_name_no_personal_data_column():
    for spec in export_specs():
        assert not {"full_name", "email", "phone"} & set(spec.columns), spec.table
        assert not [c for c in spec.columns if "mail" in c or "phone" in c], spec.table


@pytest.mark.parametrize("column", ["email", "contact_email", "decision_maker_phone", "full_name"])
def test_a_declared_personal_data_column_is_rejected(tmp_path, column):
    text = EXPOSURES_FILE.read_text(encoding="utf-8").replace(
        "columns: [customer_id, customer_name, account_manager, key_account_type,",
        f"columns: [customer_id, customer_name, {column}, account_manager, key_account_type,",
    )
    assert column in text
    path = tmp_path / "exposures.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(
        ExposureError, match=f"export 'key_accounts': columns \\['{column}'\\] are contacts' personal data"
    ):
        export_specs(path)

"""Publish and export the real marts of the worked example (dbt build of ../shared/examples/small).

Checks that the declared export columns exist in the real marts, that the
published customers are the expected ones, and that no contact data of the
example's CRM (names, e-mails, phones) reaches an export file.
"""

from __future__ import annotations

import csv
import zipfile

import pytest

from kam.export import export_run
from kam.publish import publish_run

pytestmark = pytest.mark.slow


def test_the_example_publishes_and_exports_without_contact_data(example_home, example_dir):
    publish_run(
        example_home,
        run_id="example_run",
        as_of="2026-10-15",
        started_at="2026-10-16T02:00:00Z",
        gate_result_json={"passed": True, "failed_checks": [], "warnings": []},
    )
    folder = export_run(example_home, run_id="example_run", as_of="2026-10-15")

    with open(example_dir / "expected" / "expected_customer_segments.csv", encoding="utf-8") as handle:
        expected_ids = sorted(row["customer_id"] for row in csv.DictReader(handle))
    with open(folder / "customer_segments.csv", encoding="utf-8", newline="") as handle:
        exported = list(csv.DictReader(handle))
    assert sorted(row["customer_id"] for row in exported) == expected_ids
    managers = {row["account_manager"] for row in exported}

    with open(example_dir / "src" / "crm" / "contacts.csv", encoding="utf-8", newline="") as handle:
        contacts = list(csv.DictReader(handle))
    personal = {c[k].strip() for c in contacts for k in ("email", "phone") if c[k] and c[k].strip()}
    personal |= {c["full_name"].strip() for c in contacts if c["full_name"] and c["full_name"].strip() not in managers}
    assert len(personal) > 50
    texts = {}
    for path in folder.iterdir():
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as archive:
                texts.update({f"{path.name}:{m}": archive.read(m).decode("utf-8") for m in archive.namelist()})
        else:
            texts[path.name] = path.read_text(encoding="utf-8")
    assert [(name, value) for name, text in texts.items() for value in personal if value in text] == []

"""A whole demo drop in a folder: `erp.sqlite`, `crm/` and `manifest.json`.

The drop is built in a temporary folder inside the target and moved into place
(the manifest last), so a reader never sees half a drop.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from datetime import date
from pathlib import Path

from kam.demo.crm_view import crm_tables
from kam.demo.erp_view import erp_tables
from kam.demo.timeline import check_as_of, history_start
from kam.demo.world import simulate_world
from kam.demo.writers import write_csv, write_jsonl, write_sqlite

ERP_DATABASE = "erp.sqlite"
CRM_FOLDER = "crm"
MANIFEST = "manifest.json"
CRM_FORMATS = {
    "accounts": "csv",
    "contacts": "csv",
    "activities": "csv",
    "opportunities": "jsonl",
    "cases": "jsonl",
    "surveys": "jsonl",
}


def read_manifest(out_dir: Path) -> dict | None:
    path = Path(out_dir) / MANIFEST
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def is_current(out_dir: Path, as_of: date) -> bool:
    """True when the folder holds a drop as of `as_of` or later."""
    manifest = read_manifest(out_dir)
    return manifest is not None and date.fromisoformat(manifest["as_of"]) >= as_of


def _write(folder: Path, world, as_of: date) -> dict[str, int]:
    erp = erp_tables(world, as_of)
    write_sqlite(folder / ERP_DATABASE, erp)
    crm_dir = folder / CRM_FOLDER
    crm_dir.mkdir()
    crm = crm_tables(world, as_of)
    for salt, (name, frame) in enumerate(crm.items()):
        if CRM_FORMATS[name] == "csv":
            write_csv(crm_dir / f"{name}.csv", frame)
        else:
            write_jsonl(crm_dir / f"{name}.jsonl", frame, salt=90 + salt)
    return {name: len(frame) for name, frame in {**erp, **crm}.items()}


def _move_into_place(built: Path, out_dir: Path) -> None:
    for name in (ERP_DATABASE, CRM_FOLDER):
        target = out_dir / name
        if target.exists():
            target.rename(built / f"replaced-{name}")
        (built / name).rename(target)


def generate(out_dir: Path | str, as_of: date | str, seed: int = 42, customers: int = 2000) -> dict[str, int]:
    """Write the demo drop as of `as_of` into `out_dir`; return the row count of every object."""
    as_of = date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    check_as_of(as_of)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    world = simulate_world(seed, customers)
    built = Path(tempfile.mkdtemp(prefix=".building-", dir=out_dir))
    try:
        counts = _write(built, world, as_of)
        manifest = {
            "generator": "kam.demo",
            "seed": seed,
            "customers": customers,
            "as_of": as_of.isoformat(),
            "history_start": history_start(as_of).isoformat(),
            "counts": counts,
        }
        (built / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        _move_into_place(built, out_dir)
        os.replace(built / MANIFEST, out_dir / MANIFEST)
    finally:
        shutil.rmtree(built, ignore_errors=True)
    return counts

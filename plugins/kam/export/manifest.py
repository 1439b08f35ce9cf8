"""manifest.json of an export folder (shape of outputs.md): as-of, run, time, rows and SHA-256 per file."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from pathlib import Path

from kam.export.files import fsync_file

MANIFEST_NAME = "manifest.json"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_manifest(folder: Path, *, as_of: date, run_id: str, rows: dict[str, int | dict[str, int]]) -> Path:
    """Write manifest.json for the files named in `rows` (file name -> data rows, or rows per sheet)."""
    manifest = {
        "as_of_date": as_of.isoformat(),
        "run_id": run_id,
        "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "files": {name: {"rows": count, "sha256": sha256_of(folder / name)} for name, count in rows.items()},
    }
    path = folder / MANIFEST_NAME
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    fsync_file(path)
    return path

"""A drop-folder file's identity: its name and its content (sha256), with size and mtime.

A file whose source label and sha256 are both in `meta.loaded_files` is not read
again; a known label with another sha256 is a changed file, read again as a whole
(decision 0009, "What was read").
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from kam.extract.errors import FileUnreadable

CHUNK_BYTES = 1 << 20


@dataclass(frozen=True)
class FileVersion:
    path: Path
    label: str  # source label, `<folder name>/<file name>`
    sha256: str
    size: int
    mtime: datetime  # naive UTC


def file_version(obj: str, path: Path, label: str) -> FileVersion:
    """Hash the file (streamed, never held in memory); raises FileUnreadable when it cannot be opened."""
    digest = hashlib.sha256()
    try:
        stat = path.stat()
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(CHUNK_BYTES), b""):
                digest.update(chunk)
    except OSError as exc:
        raise FileUnreadable(obj, label, f"cannot open the file ({exc.strerror or exc})") from exc
    mtime = datetime.fromtimestamp(stat.st_mtime, UTC).replace(tzinfo=None)
    return FileVersion(path=path, label=label, sha256=digest.hexdigest(), size=stat.st_size, mtime=mtime)

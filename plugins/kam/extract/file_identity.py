"""A drop-folder file's identity: its name and its content (sha256), with the stat that vouches for it.

A file whose source label and sha256 are both in `meta.loaded_files` is not read again; a known
label with another sha256 is a changed file, read again as a whole (decision 0009). Hashing every
known file each night would read the whole history, so a file is hashed only when its stat (size,
mtime, ctime, inode) differs from the fingerprint `meta.file_fingerprints` keeps of its last hash,
or when that fingerprint was taken too soon after the file changed to tell a later write apart;
`KAM_VERIFY_UNCHANGED_FILES=hash` hashes every file every night (docs/decisions/0020).
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from kam.extract.errors import FileUnreadable

CHUNK_BYTES = 1 << 20
VERIFY_SETTING = "KAM_VERIFY_UNCHANGED_FILES"
VERIFY_MODES = ("stat", "hash")
#: a fingerprint vouches for a file only if the file last changed at least this long before the
#: stat was taken: a write right after it could carry the same timestamp (coarse clocks, FAT's 2 s)
SETTLED_NS = 2_000_000_000


@dataclass(frozen=True)
class FileStat:
    """What `os.stat` says of a file, taken before it is hashed."""

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int
    taken_at_ns: int  # wall clock (ns since the epoch) when the stat was taken
    mtime: datetime | None = None  # as `meta.loaded_files` records it: naive UTC, microseconds

    def vouches_for(self, now: FileStat) -> bool:
        """Whether this earlier fingerprint proves the file unchanged at `now` without reading it."""
        settled = max(self.mtime_ns, self.ctime_ns) <= self.taken_at_ns - SETTLED_NS
        same = (self.size, self.mtime_ns, self.ctime_ns, self.inode) == (
            now.size,
            now.mtime_ns,
            now.ctime_ns,
            now.inode,
        )
        return settled and same


@dataclass(frozen=True)
class FileVersion:
    path: Path
    label: str  # source label, `<folder name>/<file name>`
    sha256: str
    stat: FileStat

    @property
    def size(self) -> int:
        return self.stat.size

    @property
    def mtime(self) -> datetime:
        return self.stat.mtime


def verify_mode() -> str:
    """`stat` (default: hash only files whose stat changed) or `hash` (every file, every night)."""
    mode = (os.environ.get(VERIFY_SETTING) or "stat").strip().lower()
    if mode not in VERIFY_MODES:
        raise ValueError(f"{VERIFY_SETTING} must be one of {', '.join(VERIFY_MODES)}, got {mode!r}")
    return mode


def file_stat(obj: str, path: Path, label: str) -> FileStat:
    """The file's stat now; raises FileUnreadable when it cannot be read."""
    taken_at_ns = time.time_ns()
    try:
        stat = path.stat()
    except OSError as exc:
        raise FileUnreadable(obj, label, f"cannot open the file ({exc.strerror or exc})") from exc
    mtime = datetime.fromtimestamp(stat.st_mtime, UTC).replace(tzinfo=None)
    return FileStat(stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, taken_at_ns, mtime)


def file_version(obj: str, path: Path, label: str, stat: FileStat) -> FileVersion:
    """Hash the file (streamed, never held in memory); raises FileUnreadable when it cannot be opened."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(CHUNK_BYTES), b""):
                digest.update(chunk)
    except OSError as exc:
        raise FileUnreadable(obj, label, f"cannot open the file ({exc.strerror or exc})") from exc
    return FileVersion(path=path, label=label, sha256=digest.hexdigest(), stat=stat)

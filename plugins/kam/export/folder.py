"""Put an export folder in place whole: written in a temp folder beside it, then renamed.

`<root>/.<name>.<uuid>.tmp` is filled, fsynced and renamed to `<root>/<name>`. An
existing folder of the same name (a rerun) is first renamed aside and deleted
after the swap, so `<name>` is at any moment either the old complete folder, the
new complete folder, or (between the two renames) absent; never partial. On any
failure the temp folder is removed and an existing folder is left as it was.
"""

from __future__ import annotations

import os
import shutil
import uuid
from contextlib import contextmanager
from pathlib import Path


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_leftovers(root: Path, name: str) -> None:
    """Temp and aside folders of this name left by a crashed earlier export."""
    for pattern in (f".{name}.*.tmp", f".{name}.*.old"):
        for leftover in root.glob(pattern):
            shutil.rmtree(leftover, ignore_errors=True)


@contextmanager
def atomic_folder(target: Path):
    """Yield an empty temp folder; on success it replaces `target` whole."""
    root, name = target.parent, target.name
    root.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(root, name)
    token = uuid.uuid4().hex
    tmp = root / f".{name}.{token}.tmp"
    tmp.mkdir()
    try:
        yield tmp
        _fsync_dir(tmp)
        aside = root / f".{name}.{token}.old"
        had_old = target.exists()
        if had_old:
            os.rename(target, aside)
        try:
            os.rename(tmp, target)
        except BaseException:
            if had_old:
                os.rename(aside, target)
            raise
        _fsync_dir(root)
        if had_old:
            shutil.rmtree(aside, ignore_errors=True)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)

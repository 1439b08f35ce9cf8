"""Files of the warehouse hold personal data (contacts): extraction keeps what it creates private.

While extraction runs, the process umask is 0o077, so the warehouse or landing file,
its `.wal`, DuckDB's spill folder and any folder created on the way are readable by
the owner only (files 0600, folders 0700). A warehouse file extraction creates is
also chmod-ed to 0600 explicitly. Existing files keep the mode their owner gave them.
The umask is process-wide: extraction runs in its own task process.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

PRIVATE_UMASK = 0o077
FILE_MODE = 0o600


@contextlib.contextmanager
def private_umask() -> Iterator[None]:
    previous = os.umask(PRIVATE_UMASK)
    try:
        yield
    finally:
        os.umask(previous)


def make_private(database: Path) -> None:
    """chmod 0600 the database file and its write-ahead log, where present."""
    for path in (database, database.with_name(database.name + ".wal")):
        if path.exists():
            os.chmod(path, FILE_MODE)

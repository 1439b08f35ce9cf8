"""Save an openpyxl workbook as a reproducible XLSX: the same data gives the same bytes.

Fixed document and ZIP timestamps, and CRs kept as `&#13;` (docs/decisions/0015).
"""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path
from zipfile import ZIP64_LIMIT, ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_CHUNK = 1 << 20


def _is_worksheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def _keep_carriage_returns(data: bytes) -> bytes:
    return data.replace(b"\r", b"&#13;")


class _ReproducibleArchive(ZipFile):
    """A ZipFile whose entries all carry ZIP_DATE (worksheet CRs kept as `&#13;`)."""

    def _entry(self, name: str) -> ZipInfo:
        info = ZipInfo(name, date_time=ZIP_DATE)
        info.compress_type = self.compression
        info.external_attr = 0o600 << 16
        return info

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        name = zinfo_or_arcname.filename if isinstance(zinfo_or_arcname, ZipInfo) else zinfo_or_arcname
        if isinstance(data, str):
            data = data.encode("utf-8")
        if _is_worksheet(name):
            data = _keep_carriage_returns(data)
        super().writestr(self._entry(name), data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        name = arcname or Path(filename).name
        large = os.path.getsize(filename) * 5 >= ZIP64_LIMIT  # a CR grows to 5 bytes at worst
        with open(filename, "rb") as source, self.open(self._entry(name), "w", force_zip64=large) as target:
            if not _is_worksheet(name):
                shutil.copyfileobj(source, target, _CHUNK)
                return
            for block in iter(lambda: source.read(_CHUNK), b""):
                target.write(_keep_carriage_returns(block))


def save_reproducible(workbook: Workbook, path: Path, created: datetime) -> None:
    """Write `workbook` to `path` with document properties created = modified = `created`."""
    workbook.properties.created = created
    workbook.properties.modified = created
    archive = _ReproducibleArchive(path, "w", ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(workbook, archive).save()

"""Save an openpyxl workbook as a reproducible XLSX: the same data gives the same bytes.

Fixed document and ZIP timestamps, and CRs kept as `&#13;` (docs/decisions/0015). The data
rows of each sheet, written apart by `kam.export.sheet_xml`, are spliced into the sheet openpyxl
writes (its header row only) before its `</sheetData>` (docs/decisions/0019).
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
_END_OF_ROWS = b"</sheetData>"


def _is_worksheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def _keep_carriage_returns(data: bytes) -> bytes:
    return data.replace(b"\r", b"&#13;")


def _copy(source, target, transform=None) -> None:
    for block in iter(lambda: source.read(_CHUNK), b""):
        target.write(transform(block) if transform else block)


class _ReproducibleArchive(ZipFile):
    """A ZipFile whose entries all carry ZIP_DATE (worksheet CRs kept as `&#13;`); `sheet_rows[i]`,
    a file of `<row>` elements, goes into `xl/worksheets/sheet<i + 1>.xml`."""

    def __init__(self, path: Path, sheet_rows: list[Path]) -> None:
        super().__init__(path, "w", ZIP_DEFLATED, allowZip64=True)
        self.sheet_rows = sheet_rows

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

    def _rows_of(self, name: str) -> Path | None:
        number = name.removeprefix("xl/worksheets/sheet").removesuffix(".xml")
        index = int(number) - 1 if number.isdigit() else -1
        return self.sheet_rows[index] if 0 <= index < len(self.sheet_rows) else None

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        name = arcname or Path(filename).name
        rows = self._rows_of(name) if _is_worksheet(name) else None
        size = os.path.getsize(filename) + (os.path.getsize(rows) if rows else 0)
        large = size * 5 >= ZIP64_LIMIT  # a CR grows to 5 bytes at worst
        with open(filename, "rb") as source, self.open(self._entry(name), "w", force_zip64=large) as target:
            if not _is_worksheet(name):
                shutil.copyfileobj(source, target, _CHUNK)
                return
            if rows is None:
                _copy(source, target, _keep_carriage_returns)
                return
            head, end, tail = source.read().partition(_END_OF_ROWS)
            target.write(_keep_carriage_returns(head))
            with open(rows, "rb") as data:
                _copy(data, target, _keep_carriage_returns)
            target.write(_keep_carriage_returns(end + tail))


def save_reproducible(workbook: Workbook, path: Path, created: datetime, sheet_rows: list[Path] | None = None) -> None:
    """Write `workbook` to `path` with document properties created = modified = `created`;
    `sheet_rows[i]` holds the data rows of the i-th sheet (`kam.export.sheet_xml`), if any."""
    workbook.properties.created = created
    workbook.properties.modified = created
    archive = _ReproducibleArchive(path, list(sheet_rows or []))
    ExcelWriter(workbook, archive).save()

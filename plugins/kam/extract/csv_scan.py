"""A fast byte-level scan of a CSV file: its physical line count and whether DuckDB may read it.

`duckdb_safe` only for inputs on which DuckDB's `read_csv` cannot lose or misread a line
(docs/decisions/0012).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from kam.extract.physical_lines import CONTROL_BYTES

CHUNK_BYTES = 16 * 1024 * 1024
# translate(None, _UNINTERESTING) keeps only control bytes, CR, LF and quotes: a small string to count in
_UNINTERESTING = bytes(b for b in range(256) if b not in CONTROL_BYTES and b != ord('"'))
# DuckDB drops spaces around a quoted value (`"a" ,`, ` "a"`, `"" ""`), the strict parser keeps or refuses
# them: any quote next to a space or tab goes to the strict parser (rarely a quoted value with inner spaces)
_QUOTE_NEXT_TO_BLANK = re.compile(rb'[ \t]"|"[ \t]')


@dataclass(frozen=True)
class CsvScan:
    duckdb_safe: bool
    lines: int | None  # physical lines, header included (known only when duckdb_safe)
    why_not: str | None  # the first reason the file is not DuckDB-safe (for logs and tests)


def _unsafe(why: str) -> CsvScan:
    return CsvScan(duckdb_safe=False, lines=None, why_not=why)


def scan_csv(path: Path) -> CsvScan:
    """Line count and DuckDB-safety of a CSV file, in one pass over its bytes (stops at the first problem).

    Blocks are taken as read (not cut at line ends): every figure is a total, and
    the byte pairs that matter (CR LF, a quote next to a blank) are also looked
    for across each block boundary.
    """
    lfs = crs = crlfs = quotes = 0
    previous = b""  # the last byte of the previous block
    utf8 = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as handle:
        while block := handle.read(CHUNK_BYTES):
            if not block.isascii():
                try:
                    utf8.decode(block)
                except UnicodeDecodeError:
                    return _unsafe("not UTF-8")
            marks = block.translate(None, _UNINTERESTING)
            if marks.translate(None, b'\r\n"'):
                return _unsafe("control byte")
            seam = previous + block[:1]
            block_crs, block_quotes = marks.count(b"\r"), marks.count(b'"')
            lfs += marks.count(b"\n")
            crs += block_crs
            quotes += block_quotes
            if block_crs or seam == b"\r\n":
                crlfs += block.count(b"\r\n") + (seam == b"\r\n")
            if (block_quotes or b'"' in seam) and (
                _QUOTE_NEXT_TO_BLANK.search(block) or _QUOTE_NEXT_TO_BLANK.search(seam)
            ):
                return _unsafe("quote next to a space or tab")
            previous = block[-1:]
    try:
        utf8.decode(b"", final=True)
    except UnicodeDecodeError:
        return _unsafe("not UTF-8")
    if crs != crlfs:
        return _unsafe("a bare CR")
    if crs and crs != lfs:
        return _unsafe("mixed CRLF and LF line endings")
    if quotes % 2:
        return _unsafe("odd number of quotes")
    return CsvScan(duckdb_safe=True, lines=lfs + (previous not in (b"", b"\n")), why_not=None)

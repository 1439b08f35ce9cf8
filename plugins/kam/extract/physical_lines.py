"""Physical lines of a text file, read in bounded blocks, and the checks every line format shares.

`line_problem` names what makes a line unusable before any format is parsed (too long, not UTF-8,
a raw control character); see docs/decisions/0012.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

MAX_LINE_BYTES = 2 * 1024 * 1024  # 2097152, DuckDB's max_line_size is set to the same
UTF8_BOM = b"\xef\xbb\xbf"
_READ_LIMIT = MAX_LINE_BYTES + 3  # content + CR + LF, plus one byte to see "longer than"
# C0 controls but tab, and DEL (LF never and CR only as a bare CR can be inside a line's content)
CONTROL_BYTES = bytes(b for b in range(32) if b != 9) + b"\x7f"
_CONTROL_RE = re.compile(b"[" + re.escape(CONTROL_BYTES) + b"]")


@dataclass(frozen=True)
class PhysicalLine:
    number: int  # 1-based physical line number in the file (header = 1)
    content: bytes  # without LF and one trailing CR; maybe cut (to MAX_LINE_BYTES bytes) when overlong
    length: int  # the content's true length in bytes

    @property
    def overlong(self) -> bool:
        return self.length > MAX_LINE_BYTES


def read_physical_lines(handle: BinaryIO) -> Iterator[PhysicalLine]:
    """Every physical line of a binary file, numbered from 1; a missing final LF is fine."""
    number = 0
    while True:
        chunk = handle.readline(_READ_LIMIT)
        if not chunk:
            return
        number += 1
        if len(chunk) == _READ_LIMIT and not chunk.endswith(b"\n"):
            length = len(chunk)
            while True:  # skip the rest of an overlong line without holding it
                more = handle.readline(_READ_LIMIT)
                length += len(more)
                if not more or more.endswith(b"\n"):
                    break
            content = chunk[:MAX_LINE_BYTES]
            yield PhysicalLine(number, content, length - _line_end_length(more or chunk))
            continue
        content = chunk[:-1] if chunk.endswith(b"\n") else chunk
        if content.endswith(b"\r"):
            content = content[:-1]
        yield PhysicalLine(number, content, len(content))


def _line_end_length(last_piece: bytes) -> int:
    if last_piece.endswith(b"\r\n"):
        return 2
    return 1 if last_piece.endswith(b"\n") else 0


def is_blank(content: bytes) -> bool:
    """Empty or only spaces and tabs: not a record, not counted."""
    return not content.strip(b" \t")


def line_problem(line: PhysicalLine) -> str | None:
    """Why a line cannot be parsed as text at all, or None."""
    if line.overlong:
        return f"line longer than {MAX_LINE_BYTES} bytes"
    content = line.content
    if not content.isascii():
        try:
            content.decode("utf-8")
        except UnicodeDecodeError as exc:
            return f"not UTF-8: byte 0x{content[exc.start]:02X} at column {exc.start + 1}"
    found = _CONTROL_RE.search(content)
    if found:
        return f"control character 0x{found.group()[0]:02X} in line"
    return None


def line_text(line: PhysicalLine) -> str:
    """The line as text (its first MAX_LINE_BYTES bytes); bytes that are not UTF-8 as backslash escapes."""
    return line.content[:MAX_LINE_BYTES].decode("utf-8", errors="backslashreplace")


BLOCK_BYTES = 8 * 1024 * 1024
# translate(None, _NOT_CONTROL) keeps only control bytes (CR and LF included)
_NOT_CONTROL = bytes(b for b in range(256) if b not in CONTROL_BYTES)


@dataclass(frozen=True)
class LineBlock:
    """`count` consecutive physical lines from `first` on: as one text when the block is clean, else one by one.

    Clean = valid UTF-8, no control byte, every CR part of a CRLF, no line over the
    limit: then `text` holds the lines (each ending in LF, or CRLF when `crlf`; the
    last maybe in nothing) and no line needs `line_problem`. Otherwise `lines`.
    """

    first: int
    count: int
    text: str | None
    crlf: bool
    lines: list[PhysicalLine] | None

    def texts(self) -> list[str]:
        """The lines of a clean block, without line ends."""
        texts = self.text.split("\n")[: self.count]
        return [t[:-1] if t.endswith("\r") else t for t in texts] if self.crlf else texts


def _strip_cr(piece: bytes) -> bytes:
    return piece[:-1] if piece.endswith(b"\r") else piece


def _block(first: int, chunk: bytes, pieces: list[bytes]) -> LineBlock:
    marks = chunk.translate(None, _NOT_CONTROL)
    crs = marks.count(b"\r")
    clean = (
        len(marks) == crs + marks.count(b"\n")
        and crs == chunk.count(b"\r\n")
        and max(map(len, pieces), default=0) <= MAX_LINE_BYTES
    )
    if clean:
        try:
            text = chunk.decode("utf-8")
        except UnicodeDecodeError:
            clean = False
    if clean:
        return LineBlock(first, len(pieces), text, crs > 0, None)
    lines = [PhysicalLine(first + i, content, len(content)) for i, content in enumerate(map(_strip_cr, pieces))]
    return LineBlock(first, len(pieces), None, False, lines)


def read_line_blocks(handle: BinaryIO) -> Iterator[LineBlock]:
    """Every physical line of a binary file in blocks of about BLOCK_BYTES, numbered from 1.

    Faster than `read_physical_lines` for whole files: a clean block is decoded and
    split in one go. A line too long to ever be a record is not held whole.
    """
    number, carry = 1, b""
    while True:
        block = handle.read(BLOCK_BYTES)
        data = carry + block if carry else block
        if not data:
            return
        if block:
            cut = data.rfind(b"\n") + 1
            if cut == 0:  # no line end yet
                if len(data) < _READ_LIMIT:
                    carry = data
                    continue
                length = len(data)
                while True:  # an overlong line: skip to its end
                    more = handle.readline(_READ_LIMIT)
                    length += len(more)
                    if not more or more.endswith(b"\n"):
                        break
                yield LineBlock(number, None, [PhysicalLine(number, data[:MAX_LINE_BYTES], length)])
                number, carry = number + 1, b""
                continue
            chunk, carry = data[:cut], data[cut:]
        else:
            chunk, carry = data, b""
        pieces = chunk.split(b"\n")
        if chunk.endswith(b"\n"):
            pieces.pop()
        yield _block(number, chunk, pieces)
        number += len(pieces)
        if not block:
            return

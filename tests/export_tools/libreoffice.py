"""LibreOffice headless for the tests: a workbook converted to PDF, a page of the PDF rendered to PNG.

`soffice` is Debian's libreoffice-calc (tests/export_tools/install_libreoffice.sh); each conversion
uses its own throwaway profile, so runs never share one. Calc 7.4 has no PNG export of a workbook
in headless mode, so the page is rendered from the PDF by Ghostscript.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

SOFFICE = Path("/usr/bin/soffice")
TIMEOUT_SECONDS = 300


def missing() -> str | None:
    """Why the conversion cannot run here, or None."""
    if not SOFFICE.exists():
        return f"{SOFFICE} not found (Debian's libreoffice-calc: tests/export_tools/install_libreoffice.sh)"
    if not shutil.which("gs"):
        return "gs not found (Debian's ghostscript: tests/export_tools/install_libreoffice.sh)"
    return None


def to_pdf(workbook: Path, out_dir: Path, profile: Path) -> tuple[subprocess.CompletedProcess, Path]:
    """`soffice --convert-to pdf` of `workbook` into `out_dir`, with the profile folder `profile`."""
    command = [
        str(SOFFICE),
        f"-env:UserInstallation={profile.resolve().as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "pdf",
        "--outdir",
        str(out_dir),
        str(workbook),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
    return result, out_dir / workbook.with_suffix(".pdf").name


def page_count(pdf: Path) -> int:
    """The page objects of a PDF LibreOffice wrote (it writes no object streams)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf.read_bytes()))


def render_page(pdf: Path, page: int, png: Path, dpi: int = 80) -> None:
    """Page `page` (from 1) of `pdf` as the PNG `png`."""
    png.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=png16m", f"-r{dpi}"]
        + [f"-dFirstPage={page}", f"-dLastPage={page}", f"-sOutputFile={png}", str(pdf)],
        check=True,
        capture_output=True,
        timeout=TIMEOUT_SECONDS,
    )

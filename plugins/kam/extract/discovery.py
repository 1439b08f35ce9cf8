"""Which files of a drop folder belong to which object, in load order.

A file belongs to the object whose name is the longest prefix of the file's stem
(`order_lines_part1.csv` is `order_lines`, `orders_part2.csv` is `orders`), with
an extension the system allows. Files are loaded in binary order of their names.
"""

from __future__ import annotations

from pathlib import Path

from kam.extract.errors import ExtractError

ERP_EXTENSIONS = (".csv", ".parquet")
CRM_EXTENSIONS = (".csv", ".jsonl")


def source_label(folder: Path, file: Path) -> str:
    """How a file is named in lineage and quarantine: `<folder name>/<file name>`."""
    return f"{folder.name}/{file.name}"


def object_of(file_name: str, objects: list[str], extensions: tuple[str, ...]) -> str | None:
    """The object a file name belongs to, or None."""
    lower = file_name.lower()
    ext = next((e for e in extensions if lower.endswith(e)), None)
    if ext is None:
        return None
    stem = file_name[: -len(ext)]
    matches = [o for o in objects if stem.startswith(o)]
    return max(matches, key=len) if matches else None


def files_by_object(folder: str | Path, objects: list[str], extensions: tuple[str, ...]) -> dict[str, list[Path]]:
    """The files of `folder` per object (every object present as a key), sorted by name."""
    path = Path(folder)
    if not path.is_dir():
        raise ExtractError(f"source folder not found or not a directory: {path}")
    result: dict[str, list[Path]] = {o: [] for o in objects}
    try:
        entries = sorted((p for p in path.iterdir() if p.is_file()), key=lambda p: p.name.encode())
    except OSError as exc:
        raise ExtractError(f"cannot list source folder {path}: {exc}") from exc
    for file in entries:
        obj = object_of(file.name, objects, extensions)
        if obj is not None:
            result[obj].append(file)
    return result

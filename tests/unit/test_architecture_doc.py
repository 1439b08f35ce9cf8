"""docs/ARCHITECTURE.md draws the tree as it is, so it cannot drift from the code again.

Every path it names under the repository's folders (and every `folder/` or `module.py` in
backticks) exists, every `kam.…` name it uses is a module or a name defined in one, every module
of plugins/kam and plugins/operators is on the page, and the columns it lists are those of the
DDL and the dbt models. The decision index docs/decisions/README.md lists every decision file.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import duckdb
import yaml

from kam.extract.meta_tables import ensure_tables

ROOT = Path(__file__).resolve().parents[2]
PLUGINS = ROOT / "plugins"
DOC = ROOT / "docs" / "ARCHITECTURE.md"
DECISIONS = ROOT / "docs" / "decisions"
ROOT_FOLDERS = ("plugins", "dags", "dbt_project", "gx", "bench", "docs", "tests", "deploy")
PLUGIN_PACKAGES = ("kam", "operators")  # written without the leading plugins/
RUN_TIME_FOLDERS = ("var/",)  # made by `make run` / `make test`, absent from a fresh clone
PATH = re.compile(rf"(?<![\w./<>-])(?:{'|'.join(ROOT_FOLDERS + PLUGIN_PACKAGES)})/[\w./*-]*")
DOTTED = re.compile(r"(?<![\w./-])(?:kam|operators)(?:\.\w+)+")
SHORT_DECISION = re.compile(r"docs/decisions/(\d{4})")
#: any other `folder/` or `module.py` in backticks (a `hooks/` too): from the root or from plugins/
BARE = re.compile(r"`([\w-][\w.-]*(?:/[\w.-]+)*(?:/|\.py))`")


def _text() -> str:
    return DOC.read_text(encoding="utf-8")


def _named_paths(text: str) -> set[str]:
    return {match.rstrip(".") for match in PATH.findall(text)} | set(BARE.findall(text))


def _on_disk(named: str) -> Path:
    return PLUGINS / named if named.split("/")[0] in PLUGIN_PACKAGES else ROOT / named


def _exists(named: str) -> bool:
    if named in RUN_TIME_FOLDERS:
        return True
    if named.split("/")[0] not in ROOT_FOLDERS + PLUGIN_PACKAGES:
        return (ROOT / named).exists() or (PLUGINS / named).exists()
    if "*" in named:
        return any(ROOT.glob(str(_on_disk(named).relative_to(ROOT))))
    if _on_disk(named).exists():
        return True
    short = SHORT_DECISION.fullmatch(named.rstrip("/"))  # `docs/decisions/0009` names decision 0009
    return bool(short) and len(list(DECISIONS.glob(f"{short.group(1)}-*.md"))) == 1


def _modules() -> dict[str, Path]:
    """Every module of plugins/kam and plugins/operators by dotted name (a package by its own name)."""
    modules = {}
    for path in sorted(PLUGINS.glob("**/*.py")):
        parts = list(path.relative_to(PLUGINS).with_suffix("").parts)
        if parts[0] in PLUGIN_PACKAGES and "__pycache__" not in parts:
            modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def _defined_names(path: Path) -> set[str]:
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def _resolves(dotted: str, modules: dict[str, Path]) -> bool:
    if dotted in modules:
        return True
    module, _, name = dotted.rpartition(".")
    return module in modules and name in _defined_names(modules[module])


def _mentioned(module: str, path: Path, text: str, paths: set[str], dotted: set[str]) -> bool:
    relative = path.relative_to(PLUGINS).as_posix()
    package = path.parent.relative_to(PLUGINS).as_posix() + "/"
    forms = {relative, f"plugins/{relative}"} | (
        {package, f"plugins/{package}"} if path.name == "__init__.py" else set()
    )
    return bool(forms & paths) or module in dotted


def _models() -> dict[str, set[str]]:
    """Every dbt model's documented columns, from the model YAMLs."""
    models = {}
    for path in (ROOT / "dbt_project" / "models").glob("*/*.yml"):
        for model in yaml.safe_load(path.read_text(encoding="utf-8")).get("models") or []:
            models[model["name"]] = {c["name"] for c in model.get("columns") or []}
    return models


def test_every_path_the_page_names_exists():
    missing = sorted(p for p in _named_paths(_text()) if not _exists(p))
    assert not missing, f"docs/ARCHITECTURE.md names paths that do not exist: {missing}"


def test_every_kam_name_the_page_uses_is_a_module_or_defined_in_one():
    modules = _modules()
    unknown = sorted({d for d in DOTTED.findall(_text()) if not _resolves(d.rstrip("."), modules)})
    assert not unknown, f"docs/ARCHITECTURE.md names modules or names that do not exist: {unknown}"


def test_every_module_of_kam_and_operators_is_on_the_page():
    text = _text()
    paths, dotted = _named_paths(text), set(DOTTED.findall(text))
    absent = sorted(m for m, path in _modules().items() if not _mentioned(m, path, text, paths, dotted))
    assert not absent, f"docs/ARCHITECTURE.md leaves out these modules: {absent}"


def test_the_intermediate_models_have_the_columns_the_page_lists():
    models, wrong = _models(), {}
    for row in re.findall(r"^\| `(\w+)` \|[^|]*\|([^\n]*)\|$", _text(), flags=re.MULTILINE):
        model, cell = row
        assert model in models, f"docs/ARCHITECTURE.md lists a model that does not exist: {model}"
        named = set(re.findall(r"`(\w+)`", cell)) - set(models)
        if named - models[model]:
            wrong[model] = sorted(named - models[model])
    assert not wrong, f"docs/ARCHITECTURE.md lists columns these models do not have: {wrong}"


def test_the_extraction_tables_have_the_columns_the_page_lists():
    con = duckdb.connect()
    ensure_tables(con)
    listed = re.findall(r"`((?:meta|quarantine)\.\w+)\(([^)]*)\)`", _text())
    assert listed, "the page lists no extraction table"
    for table, columns in listed:
        schema, name = table.split(".")
        actual = [
            r[0]
            for r in con.execute(
                "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
                "order by ordinal_position",
                [schema, name],
            ).fetchall()
        ]
        assert [c.strip() for c in columns.split(",")] == actual, f"{table}: the page lists other columns"


def test_the_decisions_index_lists_every_decision_and_only_those():
    index = (DECISIONS / "README.md").read_text(encoding="utf-8")
    linked = set(re.findall(r"\]\(([^)]+\.md)\)", index))
    files = {p.name for p in DECISIONS.glob("[0-9][0-9][0-9][0-9]-*.md")}
    assert linked == files, (
        f"docs/decisions/README.md: missing {sorted(files - linked)}, stale {sorted(linked - files)}"
    )

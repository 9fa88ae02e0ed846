"""The package's folders show its architecture, and the code keeps to it.

data in -> engine -> drawing -> app: each folder imports only from the ones
before it (and ``briefmap.safe``), every folder says what lives in it, no
module grows past about 500 lines, and JavaScript and CSS live in files.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "briefmap"
ORDER = ["data", "engine", "drawing", "app"]
# Catalog.index (data) builds the engine's index on first use: the one import
# against the flow, made inside the property so loading data never needs it.
ALLOWED_UPWARD = {("data/schema.py", "briefmap.engine.index")}


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def _folder(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "briefmap" and parts[1] in ORDER else None


@pytest.mark.parametrize("folder", ORDER)
def test_each_folder_says_what_lives_in_it(folder: str) -> None:
    init = PACKAGE / folder / "__init__.py"
    doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
    assert doc and len(doc.splitlines()) >= 3, f"{init} opens with a docstring"
    for module in (PACKAGE / folder).glob("*.py"):
        if module.name != "__init__.py":
            assert f"``{module.stem}``" in doc, f"{init} names {module.stem}"


def test_every_module_lives_in_a_folder_or_is_shared() -> None:
    loose = {p.name for p in PACKAGE.glob("*.py")}
    assert loose == {"__init__.py", "__main__.py", "heap.py", "safe.py", "screenshots.py"}


def test_imports_flow_from_data_to_app() -> None:
    wrong = []
    for path in _modules():
        rel = path.relative_to(PACKAGE).as_posix()
        here = rel.split("/")[0]
        if here not in ORDER:
            continue
        for module in _imports(path):
            there = _folder(module)
            upward = there is not None and ORDER.index(there) > ORDER.index(here)
            allowed = {(rel, module), (rel, module.rsplit(".", 1)[0])} & ALLOWED_UPWARD
            if upward and not allowed:
                wrong.append(f"{rel} imports {module}")
    assert not wrong


def test_streamlit_is_imported_only_by_the_app_folder() -> None:
    users = [
        p.relative_to(PACKAGE).as_posix()
        for p in _modules()
        if any(m == "streamlit" or m.startswith("streamlit.") for m in _imports(p))
    ]
    assert users and all(u.startswith("app/") for u in users), users


def test_no_module_is_much_over_500_lines() -> None:
    long = {p.name: n for p in _modules() if (n := len(p.read_text().splitlines())) > 520}
    assert not long


def test_no_script_or_style_of_more_than_a_few_lines_in_python() -> None:
    # Docstrings aside, a string of 5 lines or more that reads like code is
    # JavaScript or CSS that belongs in briefmap/drawing/web/.
    found = []
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docs
                and node.value.count("\n") >= 5
                and any(token in node.value for token in ("{", ";"))
            ):
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert not found

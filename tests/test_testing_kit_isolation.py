"""The product never imports the testing kit: ``workdiary.testing`` is for tests and benchmarks.

Walks every module of the product packages (all of ``workdiary`` but ``workdiary/testing``) and
reads its imports from the syntax tree: plain and ``from`` imports, relative ones resolved, and
``importlib.import_module("...")`` with a literal name.
"""

from __future__ import annotations

import ast
from pathlib import Path

import workdiary

PACKAGE = Path(workdiary.__file__).resolve().parent
KIT = "workdiary.testing"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(source: str, module: str, is_package: bool) -> set[str]:
    """Every module name ``source`` imports (``from a import b`` counts as ``a`` and ``a.b``)."""
    names: set[str] = set()
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "import_module" and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            names.add(node.args[0].value)
    return names


def kit_imports(source: str, module: str, is_package: bool = False) -> list[str]:
    return sorted(name for name in imported_names(source, module, is_package)
                  if name == KIT or name.startswith(KIT + "."))


def product_modules() -> list[Path]:
    kit = PACKAGE / "testing"
    return [path for path in sorted(PACKAGE.rglob("*.py")) if kit not in path.parents]


def test_no_product_module_imports_the_testing_kit() -> None:
    modules = product_modules()
    assert len(modules) > 50  # the walk really covers the product
    offenders = {}
    for path in modules:
        found = kit_imports(path.read_text(encoding="utf-8"), module_name(path),
                            path.name == "__init__.py")
        if found:
            offenders[str(path.relative_to(PACKAGE.parent))] = found
    assert offenders == {}, f"product modules importing {KIT}: {offenders}"


def test_the_walk_sees_every_way_of_importing_the_kit() -> None:
    assert kit_imports("import workdiary.testing.xvfb", "workdiary.cli.demo")
    assert kit_imports("from workdiary.testing.images import make_jpeg", "workdiary.cli.demo")
    assert kit_imports("from workdiary import testing", "workdiary.cli.demo")
    assert kit_imports("from ..testing import fake_api", "workdiary.cli.demo")
    assert kit_imports("from .. import testing", "workdiary.sync.outbox")
    assert kit_imports("from . import testing", "workdiary", is_package=True)
    assert kit_imports("def f():\n    import workdiary.testing", "workdiary.ui.tray")
    assert kit_imports("importlib.import_module('workdiary.testing.keyrings')", "workdiary.x")
    assert not kit_imports("from workdiary.sync import testing_notes", "workdiary.cli.demo")
    assert not kit_imports("from .capture import fakes", "workdiary.cli.demo")

"""The server's import rules (docs/architecture.md, "The server inside"), read with ``ast``.

models <- services <- api | web: the HTTP API and the web pages sit side by side on the
services and never import each other; services and models know nothing of HTTP.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import workdiary.server

SERVER = Path(workdiary.server.__file__).parent
HTTP = ("fastapi", "starlette")
DESKTOP = tuple(f"workdiary.{p}" for p in ("ui", "cli", "sync", "tracker", "capture", "store"))
# package -> module prefixes it must not import
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "models": ("workdiary.server.services", "workdiary.server.api", "workdiary.server.web",
               *HTTP),
    "migrations": ("workdiary.server.services", "workdiary.server.api",
                   "workdiary.server.web", *HTTP),
    "services": ("workdiary.server.api", "workdiary.server.web", *HTTP),
    "pdf": ("workdiary.server.api", "workdiary.server.web", *HTTP),
    "api": ("workdiary.server.web",),
    "web": ("workdiary.server.api",),
}


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def breaks(names: set[str], forbidden: tuple[str, ...]) -> list[str]:
    return sorted(n for n in names for f in forbidden if n == f or n.startswith(f + "."))


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_only_point_down(package: str) -> None:
    files = sorted((SERVER / package).rglob("*.py"))
    assert files, package
    found = {str(f.relative_to(SERVER)): breaks(imports_of(f), FORBIDDEN[package])
             for f in files}
    assert {f: b for f, b in found.items() if b} == {}


def test_the_server_never_imports_the_desktop() -> None:
    found = {str(f.relative_to(SERVER)): breaks(imports_of(f), DESKTOP)
             for f in sorted(SERVER.rglob("*.py"))}
    assert {f: b for f, b in found.items() if b} == {}


def test_the_rules_can_fail() -> None:
    names = {"workdiary.server.web.pages_diary", "fastapi.Request"}
    assert breaks(names, FORBIDDEN["api"]) == ["workdiary.server.web.pages_diary"]
    assert breaks(names, FORBIDDEN["services"]) == ["fastapi.Request",
                                                    "workdiary.server.web.pages_diary"]
    assert breaks({"workdiary.server.webhooks"}, FORBIDDEN["api"]) == []

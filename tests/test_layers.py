"""The apps' layers, read from the source: documents imports no other app, and no two apps
import each other, directly or round a longer loop (config, the composition root, may import
every app and no app imports it); and only the policy module checks roles."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("config", "workflow", "documents", "search")


def imported_modules(path: Path, package: str) -> set[str]:
    """Every module a file imports, at the top or inside a function, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
    return found


def app_imports() -> dict[str, dict[str, set[str]]]:
    """For each app: the other apps it imports, and from which of its files."""
    edges = {app: {} for app in APPS}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            # The package a relative import starts from: the folder the file is in.
            package = ".".join(path.relative_to(ROOT).parts[:-1])
            for module in imported_modules(path, package):
                target = module.split(".")[0]
                if target in APPS and target != app:
                    edges[app].setdefault(target, set()).add(str(path.relative_to(ROOT)))
    return edges


def cycles(edges) -> list[list[str]]:
    found = []

    def walk(node, trail):
        for target in edges.get(node, {}):
            if target in trail:
                found.append([*trail[trail.index(target) :], target])
            else:
                walk(target, [*trail, target])

    for app in edges:
        walk(app, [app])
    return found


def test_the_scan_sees_imports():
    # Guards the guard: the scan must find the imports that do exist.
    edges = app_imports()
    assert "documents" in edges["workflow"] and "workflow" in edges["search"]


def test_documents_imports_no_other_app():
    assert app_imports()["documents"] == {}


def test_no_import_cycle_between_apps():
    assert cycles(app_imports()) == []


@pytest.mark.parametrize("app", [a for a in APPS if a != "config"])
def test_no_app_imports_config(app):
    assert "config" not in app_imports()[app]


def test_only_the_policy_module_checks_roles():
    # Who may do what is said once, in workflow/permissions.py: nothing else asks has_role.
    callers = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Call):
                    name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                    if name == "has_role":
                        callers.add(str(path.relative_to(ROOT)))
    assert callers == {"workflow/permissions.py"}

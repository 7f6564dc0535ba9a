"""
The imports follow the layers of docs/architecture.md: `voting → sessions → events → barcamp`,
no import cycle. Read from the source with `ast`, without importing anything, so that a new
import against the direction fails here whether or not a test runs the line.
"""

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Bottom first: a package may import those before it, never those after it.
LAYERS = ("barcamp", "events", "sessions", "voting")
# The project's URLconf names every app's views: it is the top, not a part of barcamp's layer.
# (settings.py names the apps too, as strings, which are no imports.)
TOP = {"barcamp.urls"}


def module_name(path):
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules():
    return {
        module_name(path): path
        for layer in LAYERS
        for path in sorted((ROOT / layer).rglob("*.py"))
        if "migrations" not in path.parts
    }


MODULES = project_modules()


def imported_modules(name, path):
    """(module imported, line) for each project module that `name` imports, however deep in a
    function the import is: a late import is a dependency too."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from package import module` imports the module; `from module import name` the module.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:  # `import a.b.c` of a name inside a module
                target = target.rpartition(".")[0]
            if target and target != name:
                found.append((target, node.lineno))
    return found


def layer(module):
    return LAYERS.index(module.partition(".")[0])


def wrong_way(imports):
    """The imports of (importer, imported, line) that go up the layers."""
    return [
        f"{importer}:{line} imports {imported}"
        for importer, imported, line in imports
        if importer not in TOP and layer(imported) > layer(importer)
    ]


def cycles(imports):
    """The import cycles among modules, each as its modules from the smallest name on."""
    graph = {}
    for importer, imported, _line in imports:
        graph.setdefault(importer, set()).add(imported)
    found, done = [], set()

    def visit(module, path):
        if module in path:
            cycle = path[path.index(module) :]
            if min(cycle) == cycle[0]:
                found.append(cycle)
            return
        if module in done:
            return
        for imported in sorted(graph.get(module, ())):
            visit(imported, [*path, module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])
    return found


ALL_IMPORTS = [
    (name, imported, line)
    for name, path in MODULES.items()
    for imported, line in imported_modules(name, path)
]


def test_the_modules_are_found():
    assert {"barcamp.live.versions", "events.models", "sessions.models", "voting.models"} <= set(
        MODULES
    )
    assert ("events.queries", "events.row_caches") in {(a, b) for a, b, _line in ALL_IMPORTS}


def test_imports_go_down_the_layers_only():
    assert wrong_way(ALL_IMPORTS) == []


def test_there_is_no_import_cycle():
    assert cycles(ALL_IMPORTS) == []


@pytest.mark.parametrize(
    ("importer", "source", "wrong"),
    [
        (
            "barcamp.live.polls",
            "from events import live",
            ["barcamp.live.polls:1 imports events.live"],
        ),
        (
            "barcamp.decorators",
            "def f():\n    import voting.models",
            ["barcamp.decorators:2 imports voting.models"],
        ),
        (
            "events.services",
            "from voting.plenum.services import set_vote",
            ["events.services:1 imports voting.plenum.services"],
        ),
        ("sessions.views", "from ..voting import grid", ["sessions.views:1 imports voting.grid"]),
        ("voting.views", "from events import live\nfrom barcamp.live import memo", []),
        ("barcamp.urls", "from voting import views", []),
    ],
)
def test_an_import_against_the_layers_is_found(tmp_path, importer, source, wrong):
    path = tmp_path / "module.py"
    path.write_text(source)

    imports = [(importer, imported, line) for imported, line in imported_modules(importer, path)]

    assert wrong_way(imports) == wrong


def test_an_import_cycle_is_found():
    imports = [
        ("events.a", "events.b", 1),
        ("events.b", "events.c", 1),
        ("events.c", "events.a", 1),
    ]

    assert cycles(imports) == [["events.a", "events.b", "events.c"]]


def test_the_planner_imports_only_the_standard_library_and_itself():
    planner = {name: path for name, path in MODULES.items() if "planner" in name.split(".")}
    outside = []
    for name, path in planner.items():
        package = name[: name.index("planner") + len("planner")]
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                roots = [alias.name.partition(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                roots = [node.module.partition(".")[0]]
            else:
                continue  # a relative import stays inside the planner or is caught below
            outside += [
                f"{name}:{node.lineno} imports {root}"
                for root in roots
                if root not in sys.stdlib_module_names
            ]
        outside += [
            f"{name}:{line} imports {imported}"
            for imported, line in imported_modules(name, path)
            if not imported.startswith(package)
        ]

    assert planner and outside == []

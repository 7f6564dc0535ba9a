"""The inside of the voting app, read from its source (no import runs): imports go one way
through its parts, as docs/architecture.md states, no module borrows another's private
names, the planner stays pure Python, and no module grows past 600 lines.

The directions between the apps (voting → sessions → events) are another test's business.
"""

import ast
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
APP = ROOT / "voting"
MAX_LINES = 600

# Bottom to top: a module may import from its own part and from the parts below it.
LAYERS = ("models", "plenum", "tasks", "grid", "aftercamp", "records", "views", "entry")
PARTS = {
    "voting.models": "models",
    "voting.plenum": "plenum",
    "voting.tasks": "tasks",
    "voting.grid": "grid",
    "voting.aftercamp": "aftercamp",
    "voting.records": "records",
    "voting.views": "views",
    # The app's entry points: Django finds them by these names, nothing in the app imports them.
    "voting.admin": "entry",
    "voting.apps": "entry",
    "voting.urls": "entry",
    "voting.management": "entry",
    "voting.templatetags": "entry",
}
# Inside views/ every module is a page of its own; what several need is in views/shared.py.
VIEWS_SHARED = "voting.views.shared"
PLANNER = "voting.grid.planner"


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def sources(app=APP):
    return sorted(p for p in app.rglob("*.py") if "migrations" not in p.relative_to(app).parts)


def part_of(module):
    if module == "voting":
        return "models"  # the app's own __init__.py: empty, and it should import nothing above
    for prefix in sorted(PARTS, key=len, reverse=True):
        if module == prefix or module.startswith(prefix + "."):
            return PARTS[prefix]
    raise AssertionError(f"{module}: in no part of voting (add it to PARTS and to the doc)")


def resolve(node, path):
    """The module an import statement reads from, a relative one resolved."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    if not node.level:
        return node.module
    base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
    return f"{base}.{node.module}" if node.module else base


def imports(path, known):
    """(line, imported module, names taken from it) for every import in the file, those inside
    functions too; a name that is a module of the app counts as that module."""
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, ()
        elif isinstance(node, ast.ImportFrom):
            base = resolve(node, path)
            for alias in node.names:
                if f"{base}.{alias.name}" in known:
                    yield node.lineno, f"{base}.{alias.name}", ()
                else:
                    yield node.lineno, base, (alias.name,)


def private_attributes(path, known):
    """(line, "module._name") where `module` is a module of the app imported by `from … import`."""
    tree = ast.parse(path.read_text(), filename=str(path))
    bound = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = resolve(node, path)
            for alias in node.names:
                if f"{base}.{alias.name}" in known:
                    bound[alias.asname or alias.name] = f"{base}.{alias.name}"
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in bound
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            yield node.lineno, f"{bound[node.value.id]}.{node.attr}"


def problems(app=APP):
    """Every breach of the inside's rules, as readable lines."""
    files = sources(app)
    known = {module_name(path) for path in files}
    found = []
    for path in files:
        module = module_name(path)
        where = path.relative_to(ROOT)
        lines = len(path.read_text().splitlines())
        if lines > MAX_LINES:
            found.append(f"{where}: {lines} lines, more than {MAX_LINES}: split it by topic")
        rank = LAYERS.index(part_of(module))
        for line, target, names in imports(path, known):
            if module.startswith(PLANNER):
                if not (target.startswith(PLANNER) or target.partition(".")[0] in STDLIB):
                    found.append(f"{where}:{line}: the planner imports {target} (pure Python only)")
                continue
            if target.partition(".")[0] != "voting":
                continue
            if target not in known and target != "voting":
                found.append(f"{where}:{line}: imports {target}, which is not a module of voting")
                continue
            for name in names:
                if name.startswith("_") and target != module:
                    found.append(f"{where}:{line}: takes the private name {name} from {target}")
            if target == "voting":
                continue
            target_part = part_of(target)
            if LAYERS.index(target_part) > rank:
                found.append(
                    f"{where}:{line}: {part_of(module)} imports {target} ({target_part}), "
                    "which sits above it"
                )
            if (
                part_of(module) == "views"
                and target_part == "views"
                and target not in (module, VIEWS_SHARED, "voting.views")
            ):
                found.append(f"{where}:{line}: a view module imports another view module, {target}")
        for line, name in private_attributes(path, known):
            found.append(f"{where}:{line}: uses the private name {name}")
    return found


STDLIB = set(sys.stdlib_module_names) | {"__future__"}


def test_the_voting_app_keeps_its_inside_in_order():
    assert problems() == []


def write(root, files):
    for name, text in files.items():
        path = root / "voting" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root / "voting"


@pytest.mark.parametrize(
    ("files", "breach"),
    [
        (
            {"plenum/services.py": "from voting.grid import board\n", "grid/board.py": ""},
            "plenum imports voting.grid.board (grid), which sits above it",
        ),
        (
            {"grid/board.py": "from ..views import grid\n", "views/grid.py": ""},
            "grid imports voting.views.grid (views), which sits above it",
        ),
        (
            {"views/grid.py": "from .shared import _unchanged\n", "views/shared.py": ""},
            "takes the private name _unchanged from voting.views.shared",
        ),
        (
            {"views/grid.py": "from .votes import render_page\n", "views/votes.py": ""},
            "a view module imports another view module, voting.views.votes",
        ),
        (
            {
                "aftercamp/feedback.py": "from ..grid import queries\n\nqueries._rows()\n",
                "grid/queries.py": "",
            },
            "uses the private name voting.grid.queries._rows",
        ),
        (
            {"grid/planner/solve.py": "import django\n"},
            "the planner imports django (pure Python only)",
        ),
        ({"grid/queries.py": "x = 1\n" * (MAX_LINES + 1)}, f"{MAX_LINES + 1} lines"),
    ],
)
def test_a_breach_is_found(tmp_path, monkeypatch, files, breach):
    app = write(tmp_path, files)
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)

    found = problems(app)

    assert len(found) == 1
    assert breach in found[0]


def test_views_may_share_through_views_shared(tmp_path, monkeypatch):
    app = write(
        tmp_path,
        {
            "views/grid.py": "from .shared import decorate\nfrom voting.grid import board\n",
            "views/shared.py": "from voting.plenum import queries\n",
            "grid/board.py": "from voting.plenum import queries\nfrom . import planner\n",
            "grid/planner/__init__.py": "import math\nfrom .solve import Search\n",
            "grid/planner/solve.py": "",
            "plenum/queries.py": "from voting.models import Vote\n",
            "models/__init__.py": "",
        },
    )
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)

    assert problems(app) == []

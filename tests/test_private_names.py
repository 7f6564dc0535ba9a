"""The app uses libraries through their public API only (issue 28): it neither calls nor overrides a
name with a leading underscore of Django, redis-py, django-ratelimit, allauth or any other library,
which may change on any minor upgrade without a word."""

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["barcamp", "events", "sessions", "voting"]
# Underscored by their libraries' own choice and documented as public: Django's Model _meta API,
# namedtuple's methods and fields. (Enum's _sunder_ names are public too, below.)
DOCUMENTED = {"_meta", "_fields", "_asdict", "_replace", "_make"}
# Exceptions, each with its reason in docs/architecture.md and its library pinned.
EXCEPTIONS = set()


def _private(name):
    return name.startswith("_") and not name.startswith("__") and not name.endswith("_")


def _sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path, ast.parse(path.read_text(), filename=str(path))


def _own_private_names(trees):
    """The underscored names the app defines itself: its functions, attributes and variables."""
    names = set()
    for _path, tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.alias) and node.asname:
                names.add(node.asname)
    return {name for name in names if _private(name)}


def test_no_private_name_of_a_library_is_called_or_imported():
    trees = list(_sources())
    own = _own_private_names(trees) | DOCUMENTED

    used = []
    for path, tree in trees:
        for node in ast.walk(tree):
            if (str(path.relative_to(ROOT)), getattr(node, "attr", None)) in EXCEPTIONS:
                continue
            if isinstance(node, ast.Attribute) and _private(node.attr) and node.attr not in own:
                used.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.attr}")
            elif isinstance(node, ast.ImportFrom) and node.module:
                app_module = node.level or node.module.split(".")[0] in APPS
                for alias in node.names:
                    if _private(alias.name) and not app_module:
                        used.append(f"{path.relative_to(ROOT)}:{node.lineno} {alias.name}")
                if any(_private(part) for part in node.module.split(".")) and not app_module:
                    used.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.module}")

    assert used == []


def _app_classes():
    for app in APPS:
        package = importlib.import_module(app)
        for module_info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" in module_info.name or module_info.name.endswith("__main__"):
                continue
            module = importlib.import_module(module_info.name)
            for _name, cls in inspect.getmembers(module, inspect.isclass):
                if cls.__module__ == module.__name__:
                    yield cls


def test_no_private_method_of_a_library_is_overridden():
    overridden = []
    for cls in _app_classes():
        libraries = [base for base in cls.__mro__[1:] if base.__module__.split(".")[0] not in APPS]
        for name in vars(cls):
            if (
                _private(name)
                and name not in DOCUMENTED
                and any(name in vars(base) for base in libraries)
            ):
                overridden.append(f"{cls.__module__}.{cls.__qualname__}.{name}")

    assert overridden == []

import inspect
import os
import shutil
import subprocess

# Playwright runs an event loop in the test thread; Django's ORM refuses to run beside one
# unless told that the tests know what they do.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import hypothesis  # noqa: E402
import pytest  # noqa: E402
from django.core.servers.basehttp import ThreadedWSGIServer  # noqa: E402
from django.db import connection  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402

# The live server's listen backlog is 10 by default: fifty phones connecting in the same
# millisecond would be reset by the kernel before Django sees them. A real deployment has
# a backlog of 2048 (barcamp/serve.py); the parallel tests need headroom too.
ThreadedWSGIServer.request_queue_size = 256

# CI explores the same examples every run, so that a red build is reproducible.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None)
hypothesis_settings.register_profile("dev", deadline=None)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "dev")

PHONE = {"width": 390, "height": 844}
PROJECTOR = {"width": 1920, "height": 1080}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# The fast tier (`make test-fast`, `pytest -m "not slow"`) leaves out what starts a browser, a
# server or another process, and what runs many generated examples. These fixtures start a
# server (pytest counts the fixtures they need too); these callables start a process or run
# examples.
SERVER_FIXTURES = {"live_server", "collected_static", "browser"}
SLOW_CALLABLES = (subprocess, hypothesis.given)


def calls_something_slow(item):
    """The test, or a function of its module that it calls, refers to one of SLOW_CALLABLES."""
    function = getattr(item, "function", None)
    if function is None:
        return False
    called = [getattr(item.module, name, None) for name in function.__code__.co_names]
    codes = [function.__code__, *(f.__code__ for f in called if inspect.isfunction(f))]
    return any(
        any(getattr(item.module, name, None) is slow for slow in SLOW_CALLABLES)
        for code in codes
        for name in code.co_names
    )


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(config, items):
    for item in items:
        if (
            item.get_closest_marker("browser")
            or hypothesis.is_hypothesis_test(getattr(item, "function", None))
            or SERVER_FIXTURES.intersection(item.fixturenames)
            or calls_something_slow(item)
        ):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = shutil.which("chromium")
    if not executable:
        pytest.fail(
            "Debian's chromium is missing: `make test` installs it, or apt-get install chromium"
        )
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE, "locale": "de-DE"}


@pytest.fixture
def postgres_only():
    """Rules that rest on row locks and real parallelism are proven on PostgreSQL only."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL); CI runs it there")


@pytest.fixture(autouse=True)
def _english():
    """Tests read messages in English, the language of the source; requests still negotiate their
    own language (German by default), which tests of the language switch check."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _tasks_must_not_fail():
    """The immediate task backend swallows a task's exception (it records a failed result): a
    mail task that breaks would only show as a missing mail. Make it fail the test instead."""
    from django.tasks.base import TaskResultStatus
    from django.tasks.signals import task_finished

    failed = []

    def record(sender, task_result, **kwargs):
        if task_result.status == TaskResultStatus.FAILED:
            failed.append(task_result.errors[-1].traceback)

    task_finished.connect(record)
    yield
    task_finished.disconnect(record)
    assert failed == [], "\n".join(failed)


class BackgroundTasks:
    """The tasks a test handed to `voting.tasks.enqueue_in_background`, run when it says so."""

    def __init__(self):
        self.handed_over = []

    def __call__(self, task, *args):
        self.handed_over.append((task, args))

    def run(self):
        """Run what was handed over, in this thread (the test's transaction), as a worker would."""
        handed_over, self.handed_over = self.handed_over, []
        return [task.call(*args) for task, args in handed_over]


@pytest.fixture(autouse=True)
def background_tasks(request, monkeypatch):
    """
    A thread of its own does not see a test's transaction (nor, on SQLite, may it read beside
    it): tests collect what the board hands to the background, and run it when they mean to.
    Tests with a live server, whose rows are committed, keep the real thread.
    """
    from voting import tasks

    collected = BackgroundTasks()
    marker = request.node.get_closest_marker("django_db")
    committed = marker is not None and marker.kwargs.get("transaction", False)
    if not committed and not {"live_server", "transactional_db"} & set(request.fixturenames):
        monkeypatch.setattr(tasks, "enqueue_in_background", collected)
    return collected


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    from barcamp.live import fragments, memo, versions

    cache.clear()
    fragments._fragments.clear()
    memo._memo.clear()
    versions._coalescing.clear()
    versions._seen.clear()
    yield


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """STATIC_ROOT with the collected, compressed, fingerprinted files that production serves."""
    import subprocess
    import sys
    from pathlib import Path

    root = tmp_path_factory.mktemp("static")
    env = {
        "PATH": os.environ["PATH"],
        "DEBUG": "false",
        "SECRET_KEY": "collectstatic-only-0123456789-abcdefghijklmnopqrstuvwxyz",
        "STATIC_ROOT": str(root),
        "DATABASE_URL": "sqlite:///:memory:",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        check=True,
        timeout=180,
    )
    return root

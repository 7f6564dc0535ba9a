"""The fast tier (`make test-fast`) leaves out, by rule, what starts a browser, a server
or a process, or runs many generated examples."""

import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests import conftest


class Item:
    """What pytest_collection_modifyitems reads of a collected test."""

    def __init__(self, function, *, fixtures=(), markers=()):
        self.function = function
        self.module = sys.modules[__name__]
        self.fixturenames = list(fixtures)
        self.markers = [getattr(pytest.mark, name) for name in markers]

    def get_closest_marker(self, name):
        return next((m for m in self.markers if m.name == name), None)

    def add_marker(self, marker):
        self.markers.append(marker)


def plain():
    assert 1 + 1 == 2


def runs_a_command():
    subprocess.run([sys.executable, "-c", "pass"], check=True)


def calls_a_helper_that_runs_one():
    runs_a_command()


def runs_generated_examples():
    @given(st.integers())
    def example(number):
        assert number == number

    example()


@given(st.integers())
def a_hypothesis_test(number):
    assert number == number


def slow(item):
    conftest.pytest_collection_modifyitems(None, [item])
    return item.get_closest_marker("slow") is not None


@pytest.mark.parametrize(
    "item, expected",
    [
        (Item(plain, fixtures=["db", "client"]), False),
        (Item(plain, markers=["browser"]), True),
        (Item(plain, fixtures=["db", "live_server"]), True),
        (Item(plain, fixtures=["collected_static"]), True),
        (Item(runs_a_command), True),
        (Item(calls_a_helper_that_runs_one), True),
        (Item(runs_generated_examples), True),
        (Item(a_hypothesis_test), True),
    ],
    ids=[
        "plain",
        "browser",
        "live-server",
        "static-files",
        "subprocess",
        "helper-subprocess",
        "examples",
        "hypothesis-test",
    ],
)
def test_a_test_is_slow_when_it_starts_a_browser_a_server_or_a_process(item, expected):
    assert slow(item) == expected

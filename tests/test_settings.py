"""Settings come from the environment; production settings pass Django's deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 20 + "Q7#x!9zLr2@vWm4$Tn8&bY1^cH6*pS3",
    "ALLOWED_HOSTS": "camp.example.org",
    "DATABASE_URL": "sqlite:///:memory:",
    "EMAIL_HOST": "smtp.example.org",
}


def manage(*args, env):
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "barcamp.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_deploy_reports_nothing_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_secret_key_is_required_when_debug_is_off():
    env = {**PRODUCTION, "SECRET_KEY": ""}

    result = manage("check", env=env)

    assert result.returncode == 1
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_debug_is_off_unless_set():
    env = {key: value for key, value in PRODUCTION.items() if key != "DEBUG"}

    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        env=env,
    )

    assert result.stdout.strip() == "False"


def test_debug_with_a_typo_is_an_error_not_a_guess():
    result = manage("check", env={**PRODUCTION, "DEBUG": "ture"})

    assert result.returncode == 1
    assert "DEBUG must be true or false" in result.stderr


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (
            {"DATABASE_URL": "postgres://app@db.internal:5432/barcamp"},
            "django.db.backends.postgresql True",
        ),
        ({"DATABASE_URL": ""}, "django.db.backends.sqlite3 False"),
    ],
)
def test_database_from_database_url_with_pool_on_postgresql(env, expected):
    code = "from django.conf import settings as s; d = s.DATABASES['default']; print(d['ENGINE'], 'pool' in d.get('OPTIONS', {}))"

    result = manage("shell", "--no-imports", "-c", code, env={**PRODUCTION, **env})

    assert result.stdout.strip() == expected, result.stderr


@pytest.mark.parametrize(("value", "expected"), [("", "5"), ("false", "None")])
def test_prepared_statements_can_be_switched_off_for_a_pooler(value, expected):
    code = "from django.conf import settings as s; print(s.DATABASES['default']['OPTIONS']['prepare_threshold'])"
    env = {
        **PRODUCTION,
        "DATABASE_URL": "postgres://app@db.internal:5432/barcamp",
        "DATABASE_PREPARED_STATEMENTS": value,
    }

    result = manage("shell", "--no-imports", "-c", code, env=env)

    assert result.stdout.strip() == expected, result.stderr


@pytest.mark.parametrize(
    ("url", "value", "expected"),
    [
        ("postgres://app@db.internal/barcamp", "", "-c statement_timeout=30s"),
        ("postgres://app@db.internal/barcamp", "500ms", "-c statement_timeout=500ms"),
        ("postgres://app@db.internal/barcamp", "0", "-c statement_timeout=0"),
        (
            "postgres://app@db.internal/barcamp?options=-c%20search_path%3Dcamps",
            "2min",
            "-c search_path=camps -c statement_timeout=2min",
        ),
    ],
)
def test_statements_have_a_time_limit_on_postgresql(url, value, expected):
    code = (
        "from django.conf import settings as s; print(s.DATABASES['default']['OPTIONS']['options'])"
    )
    env = {**PRODUCTION, "DATABASE_URL": url, "DATABASE_STATEMENT_TIMEOUT": value}

    result = manage("shell", "--no-imports", "-c", code, env=env)

    assert result.stdout.strip() == expected, result.stderr


def test_a_statement_time_limit_that_is_no_duration_is_an_error():
    env = {
        **PRODUCTION,
        "DATABASE_URL": "postgres://app@db.internal/barcamp",
        "DATABASE_STATEMENT_TIMEOUT": "30 seconds",
    }

    result = manage("check", env=env)

    assert result.returncode != 0
    assert "DATABASE_STATEMENT_TIMEOUT must be a duration such as 30s" in result.stderr


def test_redis_url_selects_the_shared_cache_for_sessions_and_rate_limits():
    code = (
        "from django.conf import settings as s; "
        "print(s.CACHES['default']['BACKEND'], getattr(s, 'RATELIMIT_USE_CACHE', 'default'), "
        "s.SESSION_ENGINE)"
    )

    result = manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        env={**PRODUCTION, "REDIS_URL": "redis://127.0.0.1:6379/3"},
    )

    assert result.stdout.strip() == (
        "barcamp.cache.FailOpenRedisCache default events.login_sessions.cached_db"
    ), result.stderr


@pytest.mark.parametrize(
    ("redis_url", "expected"), [("redis://127.0.0.1:6379/3", "300"), ("", "0")]
)
def test_the_user_is_cached_only_in_a_shared_cache(redis_url, expected):
    code = "from django.conf import settings as s; print(s.USER_CACHE_TIMEOUT)"

    result = manage("shell", "--no-imports", "-c", code, env={**PRODUCTION, "REDIS_URL": redis_url})

    assert result.stdout.strip() == expected, result.stderr


def test_smtp_mail_from_environment():
    code = "from django.conf import settings as s; m = s.MAILERS['default']; print(m['BACKEND'], m['OPTIONS']['host'])"

    result = manage(
        "shell", "--no-imports", "-c", code, env={**PRODUCTION, "EMAIL_HOST": "smtp.example.org"}
    )

    assert result.stdout.strip() == "django.core.mail.backends.smtp.EmailBackend smtp.example.org"


@pytest.mark.parametrize(
    ("value", "backend"),
    [
        (None, "django.tasks.backends.immediate.ImmediateBackend"),
        ("database", "django_tasks_db.DatabaseBackend"),
        ("django.tasks.backends.dummy.DummyBackend", "django.tasks.backends.dummy.DummyBackend"),
    ],
)
def test_tasks_backend_comes_from_the_environment(value, backend):
    env = {**PRODUCTION, **({"TASKS_BACKEND": value} if value else {})}

    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.TASKS['default']['BACKEND'])",
        env=env,
    )

    assert result.stdout.strip().splitlines()[-1] == backend, result.stderr


@pytest.mark.parametrize(("value", "expected"), [("", "True"), ("false", "False")])
def test_an_answered_vote_waits_for_the_disk_unless_the_operator_opts_out(value, expected):
    code = "from django.conf import settings as s; print(s.VOTE_SYNCHRONOUS_COMMIT)"
    env = {
        **PRODUCTION,
        "DATABASE_URL": "postgres://app@db.internal:5432/barcamp",
        "VOTE_SYNCHRONOUS_COMMIT": value,
    }

    result = manage("shell", "--no-imports", "-c", code, env=env)

    assert result.stdout.strip() == expected, result.stderr

"""What of the deployment can be checked without a container engine: compose parses, gunicorn's
configuration starts the app, static files come compressed and fingerprinted, the settings the
deployment sets pass Django's deploy checks."""

import gzip
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from tests.http import GUNICORN, free_port

ROOT = Path(__file__).resolve().parent.parent


def env_example():
    lines = (ROOT / "deploy" / "env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def test_compose_file_parses_and_runs_two_app_replicas_behind_a_proxy():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())

    services = compose["services"]
    assert set(services) == {"migrate", "app", "worker", "scheduler", "proxy", "db", "redis"}
    assert services["app"]["deploy"]["replicas"] == 2
    assert services["app"]["environment"]["DATABASE_URL"].startswith("postgres://")
    assert services["app"]["environment"]["REDIS_URL"].startswith("redis://")
    assert services["app"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro" in services["proxy"]["volumes"]
    assert services["worker"]["command"] == ["python", "manage.py", "db_worker", "--no-reload"]
    assert services["worker"]["environment"]["TASKS_BACKEND"] == "database"
    assert "python manage.py send_notifications;" in services["scheduler"]["command"][-1]
    assert "server app:8000;" in (ROOT / "deploy" / "nginx.conf").read_text()


def test_dockerfile_installs_the_locked_requirements_and_runs_gunicorn():
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert "pip install --require-hashes -r requirements/run.lock" in dockerfile
    assert "collectstatic --noinput" in dockerfile
    assert 'CMD ["gunicorn", "barcamp.wsgi"]' in dockerfile
    assert "USER barcamp" in dockerfile


def test_the_deployment_settings_pass_check_deploy():
    env = {
        **{
            key: value
            for key, value in os.environ.items()
            if key not in {"DJANGO_ALLOW_ASYNC_UNSAFE"}
        },
        **env_example(),
        "DATABASE_URL": "postgres://barcamp:secret@db:5432/barcamp",
        "REDIS_URL": "redis://redis:6379/0",
        "SECRET_KEY": "k" * 30 + "Q7#x!9zLr2@vWm4$Tn8&bY1^cH6*pS3",
        "DJANGO_SETTINGS_MODULE": "barcamp.settings",
    }

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def gunicorn(tmp_path, collected_static):
    """The production server as gunicorn.conf.py configures it, on a free port, with collected static files."""
    port = free_port()
    env = {
        "PATH": os.environ["PATH"],
        "DEBUG": "false",
        "SECRET_KEY": "a-long-random-secret-only-for-this-test-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "STATIC_ROOT": str(collected_static),
        "EMAIL_HOST": "smtp.example.org",
        "SECURE_SSL_REDIRECT": "false",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_ACCESS_LOG": "",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    with (tmp_path / "gunicorn.log").open("w") as log:
        server = subprocess.Popen(
            GUNICORN,
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_gunicorn_configuration_starts_the_app_and_serves_static_files_compressed_and_fingerprinted(
    gunicorn,
):
    health = urllib.request.urlopen(f"{gunicorn}/healthz", timeout=5)
    page = (
        urllib.request.urlopen(
            urllib.request.Request(f"{gunicorn}/", headers={"X-Forwarded-Proto": "https"}),
            timeout=5,
        )
        .read()
        .decode()
    )
    stylesheet = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', page).group(1)
    static = urllib.request.urlopen(
        urllib.request.Request(gunicorn + stylesheet, headers={"Accept-Encoding": "gzip"}),
        timeout=5,
    )

    assert health.status == 200
    assert static.headers["Content-Encoding"] == "gzip"
    assert "immutable" in static.headers["Cache-Control"]
    assert b"--color-accent" in gzip.decompress(static.read())


def test_gunicorn_warms_the_app_up_in_the_master_before_forking_the_workers(gunicorn, tmp_path):
    log = (tmp_path / "gunicorn.log").read_text()

    assert "Warmed up in" in log, log
    assert log.index("Warmed up in") < log.index("Booting worker"), log

"""What of the deployment can be checked without a container engine: compose parses, the
production server (granian, barcamp/serve.py) starts the app warm,
static files come compressed and fingerprinted, the settings the deployment sets pass Django's
deploy checks."""

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from tests.http import free_port, production_env, running_servers

ROOT = Path(__file__).resolve().parent.parent


def env_example():
    lines = (ROOT / "deploy" / "env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def test_compose_file_parses_and_runs_two_app_replicas_behind_a_proxy():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())

    services = compose["services"]
    assert set(services) == {"migrate", "app", "worker", "scheduler", "proxy", "db", "redis"}
    assert services["app"]["deploy"]["replicas"] == 2
    assert "command" not in services["app"]  # the image's: the production server, granian
    assert services["app"]["environment"]["DATABASE_URL"].startswith("postgres://")
    assert services["app"]["environment"]["REDIS_URL"].startswith("redis://")
    assert services["app"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro" in services["proxy"]["volumes"]
    assert services["worker"]["command"] == ["python", "manage.py", "db_worker", "--no-reload"]
    assert services["worker"]["environment"]["TASKS_BACKEND"] == "database"
    assert "python manage.py send_notifications;" in services["scheduler"]["command"][-1]
    assert "server app:8000;" in (ROOT / "deploy" / "nginx.conf").read_text()


def test_dockerfile_installs_the_locked_requirements_and_runs_the_production_server():
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert "pip install --require-hashes -r requirements/run.lock" in dockerfile
    assert "collectstatic --noinput" in dockerfile
    assert 'CMD ["python", "-m", "barcamp.serve"]' in dockerfile
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
def server(tmp_path, collected_static):
    """A production server as its configuration sets it up, on a free port, with collected static files."""
    env = production_env(
        port=free_port(),
        static_root=collected_static,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        SERVER_WORKERS="2",
        SERVER_ACCESS_LOG="true",
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    with running_servers([env], logs=[tmp_path / "server.log"]) as (base,):
        yield base


def test_the_server_starts_the_app_and_serves_static_files_compressed_and_fingerprinted(server):
    base = server
    health = urllib.request.urlopen(f"{base}/healthz", timeout=5)
    page = (
        urllib.request.urlopen(
            urllib.request.Request(f"{base}/", headers={"X-Forwarded-Proto": "https"}),
            timeout=5,
        )
        .read()
        .decode()
    )
    stylesheet = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', page).group(1)
    static = urllib.request.urlopen(
        urllib.request.Request(base + stylesheet, headers={"Accept-Encoding": "gzip"}),
        timeout=5,
    )

    assert health.status == 200
    assert static.headers["Content-Encoding"] == "gzip"
    assert "immutable" in static.headers["Cache-Control"]
    assert b"--color-accent" in gzip.decompress(static.read())


def test_every_worker_starts_warm(server, tmp_path):
    log = (tmp_path / "server.log").read_text()

    # In each worker, before granian starts serving with it: the app is the worker's factory.
    for _ in range(50):
        if log.count("[INFO] Started worker-") == 2:
            break
        time.sleep(0.1)
        log = (tmp_path / "server.log").read_text()
    workers = re.findall(r"Spawning worker-(\d+) with PID: (\d+)", log)
    assert len(workers) == 2, log
    for number, pid in workers:
        assert log.index(f"worker {pid} warmed up in") < log.index(f"Started worker-{number}"), log


def test_the_server_configuration_reads_the_environment(monkeypatch):
    from granian.constants import Interfaces

    from barcamp import serve

    monkeypatch.setenv("SERVER_BIND", "127.0.0.1:9123")
    monkeypatch.setenv("SERVER_WORKERS", "3")
    monkeypatch.setenv("SERVER_THREADS", "4")
    monkeypatch.setenv("SERVER_MAX_CONNECTIONS", "700")
    monkeypatch.setenv("SERVER_ACCESS_LOG", "false")

    configured = serve.server()

    assert (configured.bind_addr, configured.bind_port) == ("127.0.0.1", 9123)
    assert configured.interface == Interfaces.WSGI
    assert (configured.workers, configured.blocking_threads, configured.backpressure) == (3, 4, 700)
    assert configured.factory and configured.target == "barcamp.serve:application"
    assert not configured.log_access
    assert not configured.websockets


def test_each_worker_serves_the_warmed_up_app(monkeypatch):
    from barcamp import serve, warmup
    from barcamp.live.polls import LivePolls

    calls = []
    monkeypatch.setattr(warmup, "warm", lambda: calls.append("warm"))
    monkeypatch.setattr(serve.gc, "freeze", lambda: calls.append("freeze"))

    application = serve.application()

    assert isinstance(application, LivePolls)
    assert calls == ["warm", "freeze"]


def test_a_worker_told_to_stop_while_it_warms_up_stops_instead_of_serving(monkeypatch):
    import signal

    from barcamp import serve, warmup

    before = signal.getsignal(signal.SIGTERM)
    monkeypatch.setattr(warmup, "warm", lambda: os.kill(os.getpid(), signal.SIGTERM))
    monkeypatch.setattr(serve.gc, "freeze", lambda: None)

    with pytest.raises(SystemExit) as stopped:
        serve.application()

    assert stopped.value.code == 0
    assert signal.getsignal(signal.SIGTERM) is before


@pytest.mark.django_db
def test_an_uploaded_svg_is_served_sandboxed_and_a_pdf_stays_viewable(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
    )
    (tmp_path / "slides.pdf").write_bytes(b"%PDF-1.4 slides")

    svg = client.get("/media/logo.svg")
    pdf = client.get("/media/slides.pdf")

    assert svg.status_code == pdf.status_code == 200
    assert svg["Content-Security-Policy"].startswith("default-src 'none';")
    assert svg["Content-Security-Policy"].endswith("; sandbox")
    assert "sandbox" not in pdf["Content-Security-Policy"]
    assert svg["X-Content-Type-Options"] == pdf["X-Content-Type-Options"] == "nosniff"


def test_nginx_serves_uploaded_svgs_with_the_same_sandbox():
    from barcamp.urls import SVG_CSP

    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    media = conf[conf.index("location /media/") :]
    media = media[: media.index("\n    }")]

    assert f'~*\\.svg$ "{SVG_CSP}";' in conf
    assert "add_header Content-Security-Policy $upload_csp always;" in media
    assert 'add_header X-Content-Type-Options "nosniff" always;' in media


@pytest.mark.skipif(not shutil.which("nginx"), reason="needs nginx (apt-get install nginx-light)")
def test_nginx_with_the_deploy_configuration_sandboxes_svgs_and_not_pdfs(tmp_path):
    """The real nginx: the configuration parses, and /media/ answers with the headers above."""
    media = tmp_path / "media"
    media.mkdir()
    (media / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    (media / "slides.pdf").write_bytes(b"%PDF-1.4 slides")
    port = free_port()
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    site = site.replace("server app:8000;", "server 127.0.0.1:9;")  # no app needed here
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};")
    site = site.replace("alias /srv/media/;", f"alias {media}/;")
    (tmp_path / "site.conf").write_text(site)
    # Started as root, nginx's workers would run as nobody, who may not read pytest's tmp_path.
    user = "user root;\n" if os.geteuid() == 0 else ""
    (tmp_path / "nginx.conf").write_text(
        f"{user}pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{ access_log off; include /etc/nginx/mime.types; include {tmp_path}/site.conf; }}\n"
    )
    nginx = ["nginx", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]
    subprocess.run([*nginx, "-t"], check=True, capture_output=True, timeout=10)
    subprocess.run(nginx, check=True, timeout=10)
    try:
        for _ in range(50):
            try:
                svg = urllib.request.urlopen(f"http://127.0.0.1:{port}/media/logo.svg", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        pdf = urllib.request.urlopen(f"http://127.0.0.1:{port}/media/slides.pdf", timeout=1)
    finally:
        subprocess.run([*nginx, "-s", "stop"], timeout=10)

    from barcamp.urls import SVG_CSP

    assert svg.headers["Content-Security-Policy"] == SVG_CSP
    assert pdf.headers["Content-Security-Policy"] is None
    assert (
        svg.headers["X-Content-Type-Options"] == pdf.headers["X-Content-Type-Options"] == "nosniff"
    )


def test_the_service_workers_files_are_fingerprinted_and_immutable(server):
    """The worker serves an immutable file from its cache without asking: only safe because a
    changed file gets a new name (whitenoise's manifest), and the worker's script names them."""
    base = server
    worker = urllib.request.urlopen(f"{base}/sw.js", timeout=5)
    script = worker.read().decode()
    files = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", script).group(1))

    assert worker.headers["Cache-Control"] == "no-cache"
    assert re.fullmatch(r"/static/css/app\.[0-9a-f]{12}\.css", files[0])
    for path in files:
        response = urllib.request.urlopen(base + path, timeout=5)
        if path.startswith("/static/"):
            assert "immutable" in response.headers["Cache-Control"], path
        else:
            assert path == "/offline.html"

"""A PaaS builds from the repository and runs the Procfile: a clean clone, no `make setup`, no npm.

The clone is of this repository's HEAD, so the test sees only what is committed. It runs the
`release` and `web` lines of the Procfile as a platform would, uploads an exam and registers an
LMS with the CLI, launches as a student and loads every script of the resource page and the
player over HTTP.
"""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests import factories
from tests.conftest import REDIS_URL
from tests.packages.build import quiz2004_zip

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def procfile(folder):
    """{process: command} from the Procfile."""
    lines = (folder / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip() and not line.startswith("#"))


@pytest.fixture
def clone(tmp_path):
    folder = tmp_path / "examgate"
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True,
                          check=True).stdout.strip()
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(ROOT), str(folder)], check=True)
    subprocess.run(["git", "-C", str(folder), "checkout", "--quiet", head], check=True)
    assert not (folder / ".venv").exists() and not (folder / "node_modules").exists()
    # A platform that picks its buildpack by the files at the top would build a package.json as Node.js.
    assert not (folder / "package.json").exists()
    return folder


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def platform_env(database_uri, tmp_path):
    """The environment a PaaS gives each process: config vars, PORT, and the installed requirements on PATH."""
    env = {"PATH": f"{VENV_BIN}{os.pathsep}/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8",
           "DATABASE_URL": database_uri, "SECRET_KEY": "procfile-test-secret", "PORT": str(free_port()),
           "WEB_CONCURRENCY": "1", "PACKAGE_CACHE_DIR": str(tmp_path / "package-cache")}
    if REDIS_URL:
        env["REDIS_URL"] = REDIS_URL
    return env


def run(command, folder, env):
    result = subprocess.run(["bash", "-c", command], cwd=folder, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"{command}: {result.stderr}"
    return result.stdout


@pytest.fixture
def web(clone, platform_env):
    """The release phase, the CLI set-up of the README, then the web process; yields its base URL."""
    processes = procfile(clone)
    run(processes["release"], clone, platform_env)
    cli_env = {**platform_env, "FLASK_APP": "wsgi"}
    consumer = json.loads(run('flask consumers add "Procfile LMS" --json', clone, cli_env))
    (clone.parent / "quiz.zip").write_bytes(quiz2004_zip())
    run(f"flask exams upload {clone.parent / 'quiz.zip'} --title Quiz --slug quiz", clone, cli_env)
    server = subprocess.Popen(["bash", "-c", f"exec {processes['web']}"], cwd=clone, env=platform_env,
                              start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base_url = f"http://127.0.0.1:{platform_env['PORT']}"
    try:
        wait_until_healthy(base_url, server)
        yield base_url, consumer
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def wait_until_healthy(base_url, server):
    """Poll /healthz while gunicorn boots (slowly on a busy machine: the deadline is generous)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert server.poll() is None, server.stderr.read().decode()
        try:
            if requests.get(f"{base_url}/healthz", timeout=10).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or still booting
            pass
        time.sleep(0.1)
    pytest.fail("the web process never answered /healthz")


def scripts(page):
    return re.findall(r'<script src="([^"]+)"', page.text)


def load_scripts(session, base_url, page):
    """Fetch every script the page names; returns the paths loaded."""
    loaded = []
    for src in scripts(page):
        response = session.get(base_url + src, timeout=10)
        assert response.status_code == 200, src
        loaded.append(src.split("?")[0])
        vendored = ROOT / src.lstrip("/").split("?")[0]
        if src.startswith("/static/vendor/"):
            assert response.content == vendored.read_bytes(), src
    return loaded


def test_a_clean_clone_serves_the_player_and_htmx(web):
    base_url, consumer = web
    session = requests.Session()
    launch = factories.signed_launch(consumer["key"], consumer["secret"], url=f"{base_url}/lti/launch",
                                     custom_exam="quiz")
    resource_page = session.post(f"{base_url}/lti/launch", data=launch, timeout=10)
    assert resource_page.status_code == 200 and "Start the exam" in resource_page.text
    assert "/static/vendor/htmx.min.js" in load_scripts(session, base_url, resource_page)

    action = re.search(r'<form method="post" action="([^"]+)" class="start-form">', resource_page.text)[1]
    token = re.search(r'name="lt" value="([^"]+)"', resource_page.text)[1]
    player = session.post(base_url + action, data={"lt": token}, timeout=10)
    assert player.status_code == 200 and 'id="player-frame"' in player.text
    assert "/static/vendor/scorm2004.min.js" in load_scripts(session, base_url, player)

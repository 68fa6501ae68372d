"""The embedded default boots from a fresh directory with no environment at all."""

import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.timeout(180)
def test_fresh_directory_no_env_boots_logs_in_and_loads_home(tmp_path):
    app_dir = tmp_path / "app"
    shutil.copytree(ROOT, app_dir, ignore=shutil.ignore_patterns(".venv", "var", ".git", "test-artifacts", "*.pyc",
                                                                  "__pycache__", ".pytest_cache", "bench-out"))
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path)}
    python = sys.executable
    run = lambda *args: subprocess.run([python, "manage.py", *args], cwd=app_dir, env=env, check=True,  # noqa: E731
                                       capture_output=True, text=True, timeout=120)
    run("migrate", "--no-input")
    seeded = run("seed_demo")
    assert "paralegal" in seeded.stdout
    assert (app_dir / "var" / "cmr.sqlite3").exists(), "the embedded default must use SQLite in ./var"
    port = _free_port()
    server = subprocess.Popen([python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"], cwd=app_dir,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        for _ in range(100):
            try:
                login_page = opener.open(base + "/accounts/login/").read().decode()
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("server did not start")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1)
        form = urllib.parse.urlencode({"username": "paralegal", "password": "demo-paralegal-pass",
                                       "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(base + "/accounts/login/", data=form, headers={"Referer": base + "/accounts/login/"})
        home = opener.open(request)
        assert home.status == 200
        assert home.geturl().endswith("/uploads/")
        assert "Uploads" in home.read().decode()
    finally:
        server.terminate()
        server.wait(timeout=10)

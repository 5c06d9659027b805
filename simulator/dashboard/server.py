"""Run the dashboard's Solara server in the background and open it in headless Chromium.

Used by the dashboard's browser test and by :mod:`simulator.dashboard.assets`; needs the
``playwright`` package (dev extra) and Debian's ``chromium``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from types import TracebackType

APP = Path(__file__).resolve().parent / "app.py"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
"""Flags for a headless Chromium on a machine without outside network."""


def chromium_path() -> str | None:
    """The Chromium executable (``$CHROMIUM`` or Debian's), or None if there is none."""
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


class DashboardServer:
    """``solara run simulator/dashboard/app.py`` on localhost, for the length of a ``with`` block.

    Parameters
    ----------
    port
        Port on 127.0.0.1.
    cache_dir
        Solara's asset cache (``SOLARA_ASSETS_PROXY_CACHE_DIR``); see
        :mod:`simulator.dashboard.assets`.
    timeout
        Seconds to wait for the server to answer.
    """

    def __init__(self, port: int, cache_dir: Path | None = None, timeout: float = 90.0) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}/"
        self.cache_dir = cache_dir
        self.timeout = timeout
        self._log = tempfile.NamedTemporaryFile(prefix="solara-", suffix=".log", delete=False)
        self._process: subprocess.Popen | None = None

    def __enter__(self) -> DashboardServer:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        if self.cache_dir is not None:
            Path(self.cache_dir).mkdir(parents=True, exist_ok=True)
            env["SOLARA_ASSETS_PROXY_CACHE_DIR"] = str(self.cache_dir)
        command = [
            sys.executable,
            "-m",
            "solara",
            "run",
            str(APP),
            "--port",
            str(self.port),
            "--host",
            "127.0.0.1",
            "--production",
        ]
        self._process = subprocess.Popen(command, stdout=self._log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"the dashboard server exited:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.url, timeout=5) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.5)
        self.__exit__(None, None, None)
        raise TimeoutError(f"the dashboard did not answer on {self.url} within {self.timeout} s:\n{self.log()}")

    def __exit__(self, exc_type: type | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self._process.kill()

    def log(self) -> str:
        """Everything the server has printed."""
        self._log.flush()
        return Path(self._log.name).read_text(errors="replace")


def open_page(url: str, wait_ms: int = 5000) -> None:
    """Load ``url`` in headless Chromium and wait, so the server sees every asset request."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if executable is None:
        raise RuntimeError("no Chromium found (install Debian's chromium package)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(url, timeout=60_000)
        page.wait_for_timeout(wait_ms)
        browser.close()

"""Start the real dashboard on a free port and drive Debian's Chromium: shared by the browser tests and the screenshots.

Never downloads a browser: Playwright launches /usr/bin/chromium (Makefile target `browser` installs it).
"""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from data_prep import build_event_table, io
from data_prep.settings import SEEDS_DIR

REPO_DIR = Path(__file__).resolve().parents[2]
HOSTILE_ARTICLE = REPO_DIR / "tests" / "fixtures" / "app" / "hostile_article.txt"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
START_TIMEOUT = 60.0


def build_table(folder: Path) -> Path:
    """The seeds plus the hostile fixture article, built by the real pipeline."""
    result = build_event_table([SEEDS_DIR, HOSTILE_ARTICLE])
    io.write_outputs(folder, result.events, result.mentions, result.articles)
    return folder


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {process.returncode}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        time.sleep(0.25)
    raise TimeoutError(f"{url} not healthy after {timeout:.0f} s")


@contextlib.contextmanager
def serve(data_dir: Path, log: Path) -> Iterator[str]:
    """Run `python -m streamlit run dashboard/serve.py` (as `make run` does) on a free port; yields its base URL."""
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", "dashboard/serve.py",
               "--server.port", str(port), "--server.headless", "true"]
    env = {**os.environ, "EVENTS_DATA": str(data_dir)}
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=REPO_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(url, process)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

"""A real Label Studio server for the round-trip tests and the docs' screenshot.

Label Studio runs from its own virtual environment (``.venv-label-studio`` at the repository
root, made by .ci/run, or the ``label-studio`` executable that ``CASTCORPUS_LABEL_STUDIO``
names): its pins (pyarrow < 25, Django and its stack) are not the project's, and
label-studio-sdk's opencv dependency caps numpy below the project's. The client side
(tests/labelstudio_client.py) runs with that environment's Python too, where label-studio-sdk
comes with the server.

The server listens on 127.0.0.1 only, on a free port, with a temporary data folder, a user and
an API token made at start-up, and every call home switched off (error reports, usage
statistics, the version check).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_VENV = REPO / ".venv-label-studio"
CLIENT = Path(__file__).resolve().parent / "labelstudio_client.py"
USER, PASSWORD = "annotator@example.org", "castcorpus-test-password"
#: Label Studio's switches for everything that would leave the machine.
QUIET = {"SENTRY_DSN": "", "FRONTEND_SENTRY_DSN": "", "LATEST_VERSION_CHECK": "false", "COLLECT_ANALYTICS": "false",
         "FEATURE_FLAGS_OFFLINE": "true", "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
         "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true"}


def executable() -> Path | None:
    """The ``label-studio`` executable to run, or None when there is none."""
    named = os.environ.get("CASTCORPUS_LABEL_STUDIO")
    path = Path(named) if named else DEFAULT_VENV / "bin" / "label-studio"
    return path if path.is_file() else None


@dataclass
class Server:
    url: str
    token: str
    python: Path  # the server environment's Python, which has label-studio-sdk
    seconds_to_start: float

    def client(self, *args: str) -> dict:
        """Run tests/labelstudio_client.py against this server; its JSON answer."""
        done = subprocess.run([str(self.python), str(CLIENT), self.url, self.token, *args],
                              capture_output=True, text=True, timeout=300, env=_env())
        if done.returncode != 0:
            raise RuntimeError(f"label-studio client failed:\n{done.stderr[-3000:]}")
        return json.loads(done.stdout)


def _env() -> dict[str, str]:
    # The server's environment, not the tests': no PYTHONPATH into our sources, no proxies.
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")}
    return {**keep, **QUIET, "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running(label_studio: Path, data_dir: Path, timeout: float = 300):
    """Start Label Studio, wait until it answers, yield a :class:`Server`, stop it."""
    port, token = _free_port(), secrets.token_hex(20)
    url = f"http://127.0.0.1:{port}"
    log = open(data_dir / "server.log", "w", encoding="utf-8")
    started = time.monotonic()
    process = subprocess.Popen(
        [str(label_studio), "start", "--no-browser", "--internal-host", "127.0.0.1", "--port", str(port),
         "--host", url, "--data-dir", str(data_dir / "data"), "--username", USER, "--password", PASSWORD,
         "--user-token", token],
        stdout=log, stderr=subprocess.STDOUT, env=_env(), start_new_session=True)
    try:
        _wait(url, process, started + timeout, data_dir / "server.log")
        yield Server(url, token, label_studio.parent / "python", time.monotonic() - started)
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # the server and the workers it started, by group id
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def _wait(url: str, process: subprocess.Popen, deadline: float, log: Path) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"label-studio exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(1)
    raise RuntimeError(f"label-studio did not answer on {url} in time:\n{log.read_text()[-3000:]}")

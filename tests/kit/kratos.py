"""A real Ory Kratos for the integration suite: found, configured, started and stopped.

``make test-kratos`` builds Kratos v1.3.1 from the Go module proxy (``tools/kratos``) into
``~/.cache/ory-async/`` and runs the integration suite with ``--server=both``. The suite
starts the binary once per run on free loopback ports with a fresh folder, a SQLite
database file in it (migrated first) and secrets made for that run, waits for ``/health/ready``, and stops it at the end
whatever happens; the server's log is printed when it fails to start and kept in the folder.

``ORY_KRATOS_URL`` (admin) and ``ORY_KRATOS_PUBLIC_URL`` point the suite at a Kratos the user
already runs instead (one started with docker, say); nothing is started then.
"""

from __future__ import annotations

import atexit
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

HERE = Path(__file__).resolve().parents[1] / "kratos"  # its config and schemas
VERSION = "v1.3.1"
CACHE = Path(os.environ.get("ORY_ASYNC_CACHE", Path.home() / ".cache" / "ory-async"))
BINARY = Path(os.environ.get("ORY_KRATOS_BIN", CACHE / f"kratos-{VERSION}"))
READY_WITHIN = 60.0

HOW_TO = (
    "run `make test-kratos` (it builds Kratos with Go), or set ORY_KRATOS_URL and "
    "ORY_KRATOS_PUBLIC_URL to a running Kratos"
)


class KratosUnavailableError(RuntimeError):
    """No Kratos to test against: neither a built binary nor ``ORY_KRATOS_URL``."""


@dataclass
class Kratos:
    """A running Kratos: its admin and public URLs, and the process when we started it."""

    url: str
    public_url: str
    process: subprocess.Popen[bytes] | None = None
    folder: Path | None = None
    log_path: Path | None = field(default=None)

    def log(self) -> str:
        """The server's log so far (empty for a server we did not start)."""
        if self.log_path is None or not self.log_path.exists():
            return ""
        return self.log_path.read_text("utf-8", errors="replace")

    def stop(self) -> None:
        """Stop the process we started (TERM, then KILL); its folder and log stay for
        the run's summary and are removed when the interpreter exits."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def remove(self) -> None:
        """Stop the process and remove its folder (unless ``ORY_KRATOS_KEEP`` is set)."""
        self.stop()
        if self.folder is not None and os.environ.get("ORY_KRATOS_KEEP") is None:
            shutil.rmtree(self.folder, ignore_errors=True)


def _free_ports(count: int) -> list[int]:
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 (loopback http)
            return bool(answer.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def external() -> Kratos | None:
    """The Kratos named by ``ORY_KRATOS_URL``/``ORY_KRATOS_PUBLIC_URL``, if set."""
    url = os.environ.get("ORY_KRATOS_URL")
    if not url:
        return None
    public = os.environ.get("ORY_KRATOS_PUBLIC_URL")
    if not public:
        msg = "ORY_KRATOS_URL is set but ORY_KRATOS_PUBLIC_URL is not: set both (admin and public URL)"
        raise KratosUnavailableError(msg)
    return Kratos(url=url.rstrip("/"), public_url=public.rstrip("/"))


def start() -> Kratos:
    """The Kratos to test against: the one the environment names, else our own binary."""
    running = external()
    if running is not None:
        if not _ready(f"{running.url}/admin/health/ready"):
            msg = f"ORY_KRATOS_URL={running.url} does not answer /admin/health/ready"
            raise KratosUnavailableError(msg)
        return running
    if not BINARY.exists():
        msg = f"no Kratos binary at {BINARY}: {HOW_TO}"
        raise KratosUnavailableError(msg)
    folder = Path(tempfile.mkdtemp(prefix="ory-async-kratos-"))
    for name in ("identity.schema.json", "customer.schema.json"):
        shutil.copy(HERE / name, folder / name)
    public_port, admin_port, ui_port, smtp_port = _free_ports(4)
    config = Template((HERE / "kratos.yml").read_text("utf-8")).substitute(
        public_port=public_port,
        admin_port=admin_port,
        ui_port=ui_port,
        smtp_port=smtp_port,
        folder=folder,
        cookie_secret=secrets.token_hex(16),
        cipher_secret=secrets.token_hex(16),
    )
    (folder / "kratos.yml").write_text(config, "utf-8")
    log_path = folder / "kratos.log"
    with log_path.open("wb") as log:
        migrated = subprocess.run(
            [str(BINARY), "migrate", "sql", "-e", "--yes", "-c", str(folder / "kratos.yml")],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=folder,
            check=False,
            timeout=READY_WITHIN,
        )
    if migrated.returncode != 0:
        log_text = log_path.read_text("utf-8", errors="replace")
        shutil.rmtree(folder, ignore_errors=True)
        msg = f"Kratos could not create its database (exit {migrated.returncode}):\n{log_text[-4000:]}"
        raise KratosUnavailableError(msg)
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [str(BINARY), "serve", "--dev", "-c", str(folder / "kratos.yml")],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=folder,
            start_new_session=True,
        )
    kratos = Kratos(
        url=f"http://127.0.0.1:{admin_port}",
        public_url=f"http://127.0.0.1:{public_port}",
        process=process,
        folder=folder,
        log_path=log_path,
    )
    atexit.register(kratos.remove)  # no process or folder left behind, whatever happens
    ready_by = time.monotonic() + READY_WITHIN
    while not _ready(f"{kratos.url}/admin/health/ready"):
        if process.poll() is not None or time.monotonic() > ready_by:
            log_text = kratos.log()
            kratos.remove()
            msg = f"Kratos did not become ready (exit code {process.poll()}); its log:\n{log_text}"
            raise KratosUnavailableError(msg)
        time.sleep(0.1)  # polling a starting process, not timing a test
    return kratos

"""Real servers the replica tests share: PostgreSQL and Redis from Debian's packages, each
started on a free 127.0.0.1 port in a temporary folder and removed afterwards.

PostgreSQL refuses to run as root: as root the cluster belongs to the ``postgres`` user
the Debian package creates, and its commands run through ``runuser``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Self

from tests.web import free_port


def find_command(name: str) -> Path | None:
    """``name`` on PATH or in Debian's versioned PostgreSQL folder (newest first)."""
    found = shutil.which(name)
    if found:
        return Path(found)
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (folder / name).exists():
            return folder / name
    return None


def available(*names: str) -> bool:
    return all(find_command(name) for name in names)


class ServiceError(RuntimeError):
    pass


class Service:
    """A server in a process of its own: ``start`` it, ``stop`` it (politely, then not),
    or use it as a context manager."""

    process: subprocess.Popen[Any] | None = None

    def start(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=20)
            self.process = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def wait_for_port(port: int, seconds: float, process: subprocess.Popen[Any] | None = None) -> bool:
    """Whether something listens on 127.0.0.1:``port`` within ``seconds`` (False at once if
    ``process`` has exited)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return False
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


class PostgresServer:
    """A throwaway cluster: ``initdb`` into a temporary folder, ``pg_ctl start`` on a free
    port (Unix socket in the same folder), ``pg_ctl stop`` and removal on exit."""

    def __init__(self) -> None:
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="orderbot-pg-"))
        self.data = self.root / "data"
        self.user = "orderbot"
        self._as: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
            self._as = ["runuser", "-u", "postgres", "--"]

    def _run(self, name: str, *args: str) -> None:
        command = find_command(name)
        if command is None:
            raise ServiceError(f"{name} not found: install Debian's postgresql package")
        result = subprocess.run(
            [*self._as, str(command), *args], capture_output=True, text=True, timeout=120
        )
        if result.returncode != 0:
            raise ServiceError(f"{name} failed: {result.stdout}{result.stderr}")

    def start(self) -> None:
        if not self.data.exists():
            self._run(
                "initdb", "-D", str(self.data), "-A", "trust", "-U", self.user,
                "-E", "UTF8", "--locale=C", "--no-sync",
            )  # fmt: skip
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"),
            "-w", "-t", "60", "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        """``fast`` keeps every committed row (the cluster runs with ``synchronous_commit``
        off); ``immediate`` is for throwing it away."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def __enter__(self) -> PostgresServer:
        try:
            self.start()
        except BaseException:
            shutil.rmtree(self.root, ignore_errors=True)
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        try:
            self.stop("immediate")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def new_database(self, name: str) -> str:
        """An empty database ``name``; returns its SQLAlchemy URL."""
        import psycopg

        dsn = f"host=127.0.0.1 port={self.port} user={self.user} dbname=postgres"
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


class RedisServer(Service):
    """``redis-server`` on a free port, nothing saved to disk."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = find_command("redis-server")
        if command is None:
            raise ServiceError("redis-server not found: install Debian's redis-server package")
        self.process = subprocess.Popen(
            [str(command), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        if not wait_for_port(self.port, 20, self.process):
            self.stop()
            raise ServiceError(f"redis-server did not listen on port {self.port}")


class ModelServerProcess(Service):
    """``orderbot model serve MODEL --port P`` as a site owner runs it, in its own process
    (so a test can kill it mid-answer)."""

    def __init__(self, model: str, cache: Path, *, port: int | None = None, parallel: int = 1):
        import sys

        self.model = model
        self.port = port or free_port()
        self.api_url = f"http://127.0.0.1:{self.port}/v1"
        self.command = [
            str(Path(sys.executable).parent / "orderbot"), "model", "serve", model,
            "--port", str(self.port), "--parallel", str(parallel),
        ]  # fmt: skip
        self.env = {**os.environ, "ORDERBOT_GENERATION__MODEL_CACHE": str(cache)}
        self.process: subprocess.Popen[str] | None = None
        self.output: list[str] = []

    def start(self) -> None:
        self.process = subprocess.Popen(
            self.command, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        assert self.process.stdout is not None
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line and self.process.poll() is not None:
                break
            self.output.append(line)
            if line.startswith("web replicas:"):
                return
        self.stop()
        raise ServiceError(f"model server did not start: {''.join(self.output)}")

    def kill(self) -> None:
        """As a crash would: no goodbye to the clients."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=20)
            self.process = None


class ChromaServer(Service):
    """``chroma run --path FOLDER --port P`` (the command the chromadb package installs)
    on 127.0.0.1; ``stop``/``start`` keep the folder, so the data survives a restart."""

    def __init__(self, folder: Path) -> None:
        import sys

        self.folder = folder
        self.port = free_port()
        self.command = [
            str(Path(sys.executable).parent / "chroma"), "run", "--path", str(folder),
            "--host", "127.0.0.1", "--port", str(self.port),
        ]  # fmt: skip
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            self.command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        if not wait_for_port(self.port, 60, self.process):
            code = self.process.poll()
            self.stop()
            raise ServiceError(
                f"chroma run exited with {code}"
                if code is not None
                else f"chroma run did not listen on port {self.port}"
            )

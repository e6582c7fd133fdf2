"""Starting and stopping gunicorn, and reading its workers' memory."""

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

from bench.client import get

ROOT = Path(__file__).resolve().parent.parent


def free_port(low: int = 20000, high: int = 32000) -> int:
    """A loopback port nothing listens on (below the ephemeral range, see ENVIRONMENT.md)."""
    for port in range(low, high):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {low}..{high}")


class Gunicorn:
    """`gunicorn -c gunicorn.conf.py APP` on 127.0.0.1:<free port>, the production settings.

    Use as a context manager: the server is stopped (TERM, then KILL of its process group)
    whatever happens inside.
    """

    def __init__(
        self,
        app: str,
        workers: int,
        env: dict[str, str],
        log_path: Path,
        ready_path: str = "/healthz",
    ):
        self.app, self.workers, self.env = app, workers, env
        self.log_path, self.ready_path = log_path, ready_path
        self.port = 0
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Gunicorn":
        self.port = free_port()
        command = [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "--config",
            str(ROOT / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--error-logfile",
            str(self.log_path),
            "--log-level",
            "warning",
            self.app,
        ]
        self.process = subprocess.Popen(  # our own command line  # noqa: S603  # nosec B603
            command,
            cwd=ROOT,
            env={**os.environ, **self.env},
            start_new_session=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        self._wait_ready()
        return self

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn {self.app} exited; see {self.log_path}")
            try:
                status, _ = get(self.port, self.ready_path)
                if status == 200 and len(self.worker_pids()) == self.workers:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn {self.app} not ready after {timeout:.0f} s")

    def worker_pids(self) -> list[int]:
        pid = self.process.pid
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            return []
        return [int(child) for child in children]

    def all_pids(self) -> list[int]:
        """The master and its workers."""
        return [self.process.pid, *self.worker_pids()] if self.process else []

    def worker_rss_mb(self) -> list[float]:
        """Resident memory of each worker (VmRSS), in MiB."""
        sizes = []
        for pid in self.worker_pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        sizes.append(int(line.split()[1]) / 1024)
            except OSError:
                continue
        return sorted(sizes)

    def __exit__(self, *exc) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=25)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

"""Driving a server with wrk and the scenario script (bench/lua/scenario.lua)."""

import json
import os
import resource
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

LUA = Path(__file__).resolve().parent / "lua" / "scenario.lua"


@dataclass
class Request:
    method: str
    path: str
    cookie: str = ""
    body: str = ""

    def line(self) -> str:
        for part in (self.method, self.path, self.cookie, self.body):
            if "\t" in part or "\n" in part:
                raise ValueError(f"tab or newline in a prepared request: {part!r}")
        return f"{self.method}\t{self.path}\t{self.cookie}\t{self.body}\n"


def write_requests(path: Path, requests: list[Request]) -> Path:
    path.write_text("".join(request.line() for request in requests), encoding="utf-8")
    return path


@dataclass
class Result:
    """One wrk run: throughput, latency and how every response answered."""

    connections: int
    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    statuses: dict[int, int]
    socket_errors: int
    unexpected: int  # responses with another status than expected
    sent: int  # requests built (the last ones may still have been in flight at the end)
    wrapped: int  # requests that reused a line (the request file was used up)
    locations: list[int] = field(repr=False)  # ids in the Location of expected responses
    # CPU time spent during the run, per request answered: by the server's processes, by
    # PostgreSQL (all its processes on this machine) and by wrk itself.
    cpu_ms: dict[str, float] = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        return self.unexpected + self.socket_errors


_TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of `pids` so far (processes that are gone count 0)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / _TICK


def postgres_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


# Each connection connects afresh about every this many of its requests (see scenario.lua).
RECONNECT_EVERY = 20


def run_wrk(
    url: str,
    requests_file: Path,
    expect: int,
    connections: int,
    seconds: float,
    threads: int,
    work_dir: Path,
    label: str,
    server_pids: Callable[[], list[int]] = list,
) -> Result:
    """Run wrk against `url` for `seconds` with `connections` clients; parse done()'s JSON."""
    threads = max(1, min(threads, connections))
    out = work_dir / f"{label}-c{connections}.json"
    out.unlink(missing_ok=True)
    env = {
        **os.environ,
        "BENCH_REQUESTS": str(requests_file),
        "BENCH_EXPECT": str(expect),
        "BENCH_THREADS": str(threads),
        "BENCH_OUT": str(out),
        "BENCH_RECONNECT": str(RECONNECT_EVERY),
    }
    command = [
        "wrk",
        "--threads",
        str(threads),
        "--connections",
        str(connections),
        "--duration",
        f"{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "--script",
        str(LUA),
        url,
    ]
    app_before, db_before = cpu_seconds(server_pids()), cpu_seconds(postgres_pids())
    wrk_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    completed = subprocess.run(  # our own command line  # noqa: S603  # nosec B603
        command, env=env, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    wrk_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = {
        "app": cpu_seconds(server_pids()) - app_before,
        "postgres": cpu_seconds(postgres_pids()) - db_before,
        "wrk": wrk_after.ru_utime + wrk_after.ru_stime - wrk_before.ru_utime - wrk_before.ru_stime,
    }
    if completed.returncode != 0 or not out.exists():
        raise RuntimeError(f"wrk failed ({completed.returncode}): {completed.stderr.strip()}")
    data = json.loads(out.read_text())
    statuses = {int(status): count for status, count in data["statuses"].items()}
    latency = data["latency_us"]
    errors = data["errors"]
    return Result(
        connections=connections,
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=latency["p50"] / 1000,
        p90_ms=latency["p90"] / 1000,
        p99_ms=latency["p99"] / 1000,
        max_ms=latency["max"] / 1000,
        statuses=statuses,
        # wrk's "status" errors are responses >= 400: counted in `unexpected` already.
        socket_errors=errors["connect"] + errors["read"] + errors["write"] + errors["timeout"],
        unexpected=sum(count for status, count in statuses.items() if status != expect),
        sent=data["sent"],
        wrapped=data["wrapped"],
        locations=[int(i) for i in data["locations"]],
        cpu_ms={k: 1000 * v / data["requests"] for k, v in cpu.items()} if data["requests"] else {},
    )

"""Start N app replicas behind nginx on this machine: one command for a team, one class for tests and bench.

    python deploy/replicas.py --replicas 2 --port 8080     # serve until Ctrl-C (scripts/serve_replicas.sh)

Each replica is a plain `streamlit run assistant/app.py` on its own localhost port, checked healthy on
/_stcore/health before nginx (Debian's package, `apt-get install nginx`) is started in front with
sticky sessions (deploy/nginx.conf.template) and websocket upgrade. Each replica loads the bundled data
itself, read-only. `restart(i)` drains a replica first: nginx stops sending new browsers to it, open
conversations keep it until they close or the drain time runs out, then it is restarted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def open_connections(port: int) -> int:
    """Established TCP connections to a local port (the replica's open browser sessions, via nginx)."""
    n = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    parts = line.split()
                    if parts[3] == "01" and int(parts[1].rsplit(":", 1)[1], 16) == port:
                        n += 1
        except OSError:
            pass
    return n


class Replica:
    def __init__(self, port: int, log: Path, extra_args: list[str], root: Path = ROOT):
        self.port, self.log_path, self.extra_args, self.root = port, log, extra_args, root
        self.url = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen | None = None
        self.started = 0.0

    def start(self) -> None:
        self.started = time.perf_counter()
        log = open(self.log_path, "a")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "assistant/app.py", "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(self.port),
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", *self.extra_args],
            cwd=self.root, stdout=log, stderr=subprocess.STDOUT,
            # Another checkout (bench: the code before a change) imports its own `assistant`, not this one.
            env={**os.environ, "PYTHONUNBUFFERED": "1", **({"PYTHONPATH": str(self.root)} if self.root != ROOT else {})})
        log.close()

    def wait_healthy(self, timeout: float = 90) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"replica on port {self.port} exited with {self.proc.returncode}; "
                                   f"see {self.log_path}")
            if healthy(self.url):
                return time.perf_counter() - self.started
            time.sleep(0.05)
        raise TimeoutError(f"replica on port {self.port} did not become healthy; see {self.log_path}")

    def stop(self, timeout: float = 15) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Cluster:
    """N replicas, and nginx in front of them when `balancer` (always for N > 1)."""

    def __init__(self, n: int = 2, port: int | None = None, log_dir: Path | None = None,
                 extra_args: list[str] | None = None, balancer: bool = True, root: Path = ROOT):
        self.dir = Path(tempfile.mkdtemp(prefix="dpa-replicas-"))
        self.log_dir = (log_dir or self.dir).resolve()  # nginx reads relative paths against its prefix
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.balancer = balancer or n > 1
        self.port = port or free_port()
        self.replicas = [Replica(free_port(), self.log_dir / f"replica-{i}.log", extra_args or [], root)
                         for i in range(n)]
        self.nginx: subprocess.Popen | None = None
        self.first_answer_s: float | None = None
        self.started = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}" if self.balancer else self.replicas[0].url

    @property
    def pids(self) -> list[int]:
        return [r.proc.pid for r in self.replicas if r.proc]

    def nginx_pids(self) -> list[int]:
        """The nginx master and its worker (children of the master), for their CPU."""
        if not self.nginx:
            return []
        master = self.nginx.pid
        children = Path(f"/proc/{master}/task/{master}/children")
        kids = [int(p) for p in children.read_text().split()] if children.exists() else []
        return [master, *kids]

    def write_conf(self, down: set[int] = frozenset()) -> Path:
        servers = "\n".join(
            f"        server 127.0.0.1:{r.port} max_fails=1 fail_timeout=5s{' down' if i in down else ''};"
            for i, r in enumerate(self.replicas))
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.dir / "temp" / sub).mkdir(parents=True, exist_ok=True)
        conf = TEMPLATE.read_text().format(
            pid=self.dir / "nginx.pid", error_log=self.log_dir / "nginx-error.log", daemon="off",
            temp=self.dir / "temp", servers=servers, listen=f"127.0.0.1:{self.port}")
        path = self.dir / "nginx.conf"
        path.write_text(conf)
        return path

    def start(self) -> None:
        """Start the replicas, wait until each is healthy, then nginx in front; on failure stop what started."""
        self.started = time.perf_counter()
        try:
            self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> None:
        for r in self.replicas:
            r.start()
        for r in self.replicas:
            r.wait_healthy()
        if self.balancer:
            conf = self.write_conf()
            self.nginx = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(self.dir)],
                                          stdout=subprocess.DEVNULL, stderr=open(self.log_dir / "nginx.log", "a"))
            deadline = time.monotonic() + 20
            while not healthy(self.url):
                if self.nginx.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"nginx did not start; see {self.log_dir / 'nginx.log'}")
                time.sleep(0.05)

    def reload(self, down: set[int] = frozenset()) -> None:
        self.write_conf(down)
        subprocess.run([NGINX, "-c", str(self.dir / "nginx.conf"), "-p", str(self.dir), "-s", "reload"], check=True)

    def restart(self, i: int, drain_s: float = 300) -> None:
        """Drain replica i (no new browsers; open conversations until they close or drain_s), restart it."""
        r = self.replicas[i]
        if self.balancer:
            self.reload(down={i})
            deadline = time.monotonic() + drain_s
            while open_connections(r.port) and time.monotonic() < deadline:
                time.sleep(1)
        r.stop()
        r.start()
        r.wait_healthy()
        if self.balancer:
            self.reload()

    def stop(self) -> None:
        if self.nginx and self.nginx.poll() is None:
            self.nginx.send_signal(signal.SIGQUIT)  # graceful: finish open requests
            try:
                self.nginx.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.nginx.kill()
                self.nginx.wait()
        for r in self.replicas:
            r.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--replicas", type=int, default=2)
    p.add_argument("--port", type=int, default=8080, help="where nginx listens (127.0.0.1)")
    p.add_argument("--logs", type=Path, default=None, help="folder for the replicas' and nginx's logs")
    a = p.parse_args(argv)
    cluster = Cluster(a.replicas, port=a.port, log_dir=a.logs)
    cluster.start()
    print(f"{a.replicas} replicas behind nginx: {cluster.url}  (logs in {cluster.log_dir}; Ctrl-C stops)",
          flush=True)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    try:
        while not stop:
            for i, r in enumerate(cluster.replicas):
                if r.proc.poll() is not None:  # a replica died: start it again
                    print(f"replica {i} exited with {r.proc.returncode}; restarting", flush=True)
                    r.start()
                    r.wait_healthy()
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()

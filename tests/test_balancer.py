"""Two app replicas behind nginx (deploy/replicas.py): a conversation through the balancer answers as the
engine does, each browser stays on one replica, and both replicas get browsers.

Driven at the protocol level (bench/stclient.py), no browser. nginx missing is a failure, not a skip:
scripts/test.sh installs Debian's package.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "deploy")]

import replicas  # noqa: E402
from stclient import Session  # noqa: E402

from assistant import ui  # noqa: E402

CONVERSATION = ("How many agreements did France sign?", "And Germany?", "only since 2022",
                "How many agreements were signed per year?")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    assert shutil.which("nginx") or Path(replicas.NGINX).exists(), "nginx is missing: apt-get install -y nginx"
    c = replicas.Cluster(2, log_dir=tmp_path_factory.mktemp("replicas"))
    try:
        c.start()
        yield c
    finally:
        c.stop()


def _serving(c: replicas.Cluster) -> list[int]:
    return [replicas.open_connections(r.port) for r in c.replicas]


def test_a_conversation_through_the_balancer_answers_as_the_engine_does(cluster, engine):
    conversation = engine.conversation()
    expected = [ui.safe(conversation.ask(q).answer) for q in CONVERSATION]

    async def talk() -> list[str]:
        async with Session(cluster.url) as s:
            return [(await s.ask(q)).newest_answer()[0] for q in CONVERSATION]

    assert asyncio.run(talk()) == expected


def test_each_browser_stays_on_one_replica_and_both_replicas_serve(cluster):
    async def grew_on(open_one) -> int:
        """Which replica got the websocket that open_one opens (counted from the replicas' sockets)."""
        await asyncio.sleep(0.3)  # the page's own request has closed
        before = _serving(cluster)
        s = await open_one()
        await asyncio.sleep(0.3)
        grew = [i for i, (a, b) in enumerate(zip(before, _serving(cluster), strict=True)) if b > a]
        assert len(grew) == 1, (before, _serving(cluster))
        opened.append(s)
        return grew[0]

    async def browser(cookie: str = "") -> Session:
        s = Session(cluster.url, cookie=cookie)
        await s.connect()
        return s

    async def visit() -> None:
        try:
            first = await grew_on(browser)
            cookie = opened[0].cookie
            assert "dpa_route=" in cookie  # nginx gave this browser its affinity cookie
            # The same browser again (its cookie, a new socket, as after a dropped connection): same replica.
            for _ in range(3):
                assert await grew_on(lambda: browser(cookie)) == first
            # New browsers spread over both replicas.
            homes = {await grew_on(browser) for _ in range(12)}
            assert homes == {0, 1}
        finally:
            for s in opened:
                await s.close()

    opened: list[Session] = []
    asyncio.run(visit())


def test_a_restart_drains_the_replica_first(cluster):
    """While replica 0 drains (a conversation still open on it), new browsers go to replica 1; then it restarts."""

    async def scenario() -> None:
        import threading

        staying: list[Session] = []
        while _serving(cluster)[0] == 0 and len(staying) < 20:  # a conversation open on replica 0
            s = Session(cluster.url)
            await s.connect()
            staying.append(s)
            await asyncio.sleep(0.2)
        restart = threading.Thread(target=cluster.restart, args=(0,), kwargs={"drain_s": 6})
        restart.start()
        await asyncio.sleep(1.5)  # nginx has reloaded with replica 0 marked down; it waits for its sessions
        before = _serving(cluster)
        newcomers = [Session(cluster.url) for _ in range(4)]
        for s in newcomers:
            await s.connect()
        await asyncio.sleep(0.3)
        after = _serving(cluster)
        assert after[0] == before[0] and after[1] >= before[1] + 4, (before, after)
        for s in staying + newcomers:
            await s.close()  # the drain ends when replica 0's last conversation closes
        await asyncio.to_thread(restart.join, 120)
        assert replicas.healthy(cluster.replicas[0].url)
        async with Session(cluster.url) as s:  # the balancer serves after the restart
            assert (await s.ask(CONVERSATION[0])).newest_answer()

    asyncio.run(scenario())


def test_health_check_passes_through_the_balancer(cluster):
    assert replicas.healthy(cluster.url)


def test_the_compose_files_hold_together(tmp_path):
    """compose.yaml names the Dockerfile's app and the nginx config; that config passes `nginx -t`."""
    import subprocess

    import yaml

    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    app, balancer = compose["services"]["app"], compose["services"]["balancer"]
    assert app["build"] == "." and (ROOT / "Dockerfile").exists()
    assert "/_stcore/health" in " ".join(app["healthcheck"]["test"])
    assert balancer["depends_on"]["app"]["condition"] == "service_healthy"
    conf_path = balancer["volumes"][0].split(":")[0]
    conf = (ROOT / conf_path).read_text()
    assert "server app:8501" in conf and "hash $dpa_route consistent" in conf
    # The same file with the replicas' name resolved here, checked by this machine's nginx.
    local = conf.replace("server app:8501", "server 127.0.0.1:8501").replace("listen 80;", "listen 127.0.0.1:1;")
    local = local.replace("/var/run/nginx.pid", str(tmp_path / "nginx.pid"))
    (tmp_path / "nginx.conf").write_text(local)
    check = subprocess.run([replicas.NGINX, "-t", "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path),
                            "-e", str(tmp_path / "error.log")], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr

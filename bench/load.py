"""Many users at the protocol level: the server measured, not the browsers.

Each simulated user opens the chat page over Streamlit's websocket (bench/stclient.py), asks a
conversation from `questions.LOAD` (each user starts at a different question), waits a think time
between questions, and checks every answer's text against the engine's own answer for the same
conversation, computed in this process. The servers are started here (one process, or replicas
behind nginx: deploy/replicas.py) unless --url is given.

    .venv/bin/python bench/load.py profile                    # CPU per answer and per click, one user
    .venv/bin/python bench/load.py run --users 100            # 100 users, 30 s think time, 180 s
    .venv/bin/python bench/load.py find --replicas 2          # the largest N with p95 <= 1 s
    .venv/bin/python bench/load.py memory --users 20          # RSS per replica and per session after 25 turns
    .venv/bin/python bench/load.py run --url http://host:8080 --users 50   # a server started elsewhere

Reported: answers/s, Enter -> answer p50/p95/p99 at the client (the newest answer's text arrived),
errors, wrong answers, the servers' CPU per answer (from /proc) and RSS, and this client's own CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT), str(ROOT / "deploy")]

import replicas  # noqa: E402
from measure import cpu_seconds, mib, pct, proc_status  # noqa: E402
from questions import LOAD  # noqa: E402
from stclient import Session  # noqa: E402


@functools.cache
def _expected(plan: tuple[str, ...]) -> list[str]:
    from assistant import ui

    engine = _engine()
    conversation = engine.conversation()
    return [ui.safe(conversation.ask(q).answer) for q in plan]


@functools.cache
def _engine():
    from assistant.answer import Engine

    return Engine.load()


def expected_answers(plans: list[list[str]]) -> list[list[str]]:
    """The Markdown each plan's answers should show: the engine's answer text, escaped as the page does."""
    return [_expected(tuple(plan)) for plan in plans]


def plans_for(users: int, turns: int) -> list[list[str]]:
    """User i asks LOAD from question i onwards (wrapping), so users ask different things at once."""
    return [[LOAD[(u + t) % len(LOAD)] for t in range(turns)] for u in range(min(users, len(LOAD)))]


@dataclass
class Stats:
    latencies_ms: list[float] = field(default_factory=list)  # Enter -> the newest answer's text arrived
    run_ms: list[float] = field(default_factory=list)  # Enter -> script run finished
    turn_of: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    answered: int = 0
    measuring: bool = False


class Servers:
    """What answers: one streamlit process, replicas behind nginx, or a URL started elsewhere."""

    def __init__(self, replicas_n: int, url: str | None, pids: list[int], config: list[str], log_dir: Path,
                 root: Path = ROOT):
        self.cluster = None
        if url:
            self.url, self.pids = url, pids
        else:
            self.cluster = replicas.Cluster(replicas_n, log_dir=log_dir, extra_args=config,
                                            balancer=replicas_n > 1, root=root)
            self.cluster.start()
            self.url, self.pids = self.cluster.url, self.cluster.pids
            asyncio.run(self._first_answer())

    async def _first_answer(self) -> None:
        """Server start to the first answer a user gets (the clock started with the first replica)."""
        async with Session(self.url) as s:
            await s.ask(LOAD[0])
        self.cluster.first_answer_s = round(time.perf_counter() - self.cluster.started, 2)

    def cpu_s(self) -> float:
        return sum(cpu_seconds(p) for p in self.pids)

    def balancer_cpu_s(self) -> float:
        return sum(cpu_seconds(p) for p in self.cluster.nginx_pids()) if self.cluster else 0.0

    def rss_kib(self) -> list[int]:
        return [proc_status(p).get("VmRSS", 0) for p in self.pids]

    def stop(self) -> None:
        if self.cluster:
            self.cluster.stop()


async def user(url: str, plan: list[str], want: list[str], think_s: float, stats: Stats, stop_at: float,
               first_wait: float) -> None:
    await asyncio.sleep(first_wait)
    try:
        async with Session(url) as s:
            for turn, (question, expected) in enumerate(zip(plan, want, strict=True), start=1):
                if time.monotonic() >= stop_at:
                    return
                run = await s.ask(question)
                newest = run.newest_answer()
                if run.exceptions or run.errors:
                    stats.errors.append(f"turn {turn} {question!r}: {(run.exceptions + run.errors)[0]}")
                    return
                if newest is None or newest[0] != expected:
                    shown = newest[0][:120] if newest else None
                    stats.wrong.append(f"turn {turn} {question!r}: expected {expected[:120]!r}, shown {shown!r}")
                    return  # the conversation is off track from here on
                stats.answered += 1
                if stats.measuring:
                    stats.latencies_ms.append((newest[1] - run.started) * 1000)
                    stats.run_ms.append((run.finished - run.started) * 1000)
                    stats.turn_of.append(turn)
                # A user still thinking when the window closes asks no more: the run ends without waiting out the think.
                await asyncio.sleep(min(think_s * random.uniform(0.5, 1.5), max(0.0, stop_at - time.monotonic())))
    except Exception as e:  # a dropped connection, a timeout: an error the user would see
        stats.errors.append(f"{type(e).__name__}: {str(e)[:200]}")


async def _run(servers: Servers, users: int, think_s: float, duration_s: float, warmup_s: float,
               turns: int, seed: int) -> dict:
    random.seed(seed)
    base = plans_for(users, turns)
    wants = expected_answers(base)
    stats = Stats()
    start = time.monotonic()
    stop_at = start + warmup_s + duration_s
    tasks = [asyncio.create_task(user(servers.url, base[u % len(base)], wants[u % len(base)], think_s, stats,
                                      stop_at, random.uniform(0, min(think_s, warmup_s or think_s))))
             for u in range(users)]
    await asyncio.sleep(warmup_s)  # users arrive spread over the first think time; measure after
    stats.measuring = True
    cpu0, client0, answered0, lb0 = servers.cpu_s(), cpu_seconds(), stats.answered, servers.balancer_cpu_s()
    t0 = time.monotonic()
    load0 = os.getloadavg()[0]
    await asyncio.sleep(max(0.0, stop_at - time.monotonic()))
    wall = time.monotonic() - t0
    cpu, client, answered = servers.cpu_s() - cpu0, cpu_seconds() - client0, stats.answered - answered0
    balancer = servers.balancer_cpu_s() - lb0
    rss = servers.rss_kib()
    await asyncio.wait(tasks, timeout=120)  # answers in flight finish; then the sessions close
    for t in tasks:
        t.cancel()
    lat = stats.latencies_ms
    return {
        "users": users, "think_s": think_s, "replicas": len(servers.pids), "measured_s": round(wall, 1),
        "answers": answered, "answers_per_s": round(answered / wall, 2) if wall else 0.0,
        "p50_ms": round(pct(lat, 50)), "p95_ms": round(pct(lat, 95)), "p99_ms": round(pct(lat, 99)),
        "run_p95_ms": round(pct(stats.run_ms, 95)),
        "errors": len(stats.errors), "wrong": len(stats.wrong),
        "server_cpu_ms_per_answer": round(cpu * 1000 / answered, 1) if answered else None,
        "server_cpu_cores": round(cpu / wall, 2) if wall else 0.0,
        "client_cpu_cores": round(client / wall, 2) if wall else 0.0,
        "nginx_cpu_cores": round(balancer / wall, 3) if wall else 0.0,
        "server_rss_mib": [round(mib(r)) for r in rss],
        "median_turn": statistics.median(stats.turn_of) if stats.turn_of else 0,
        "loadavg_1m_at_start": round(load0, 2),
        "first_errors": (stats.errors + stats.wrong)[:5],
    }


def run(servers: Servers, **kw) -> dict:
    return asyncio.run(_run(servers, **kw))


def find(servers: Servers, start: int, target_ms: float, **kw) -> dict:
    """Double N while p95 <= target and no errors, then bisect between the last good and first bad N."""
    good, bad, n = None, None, start
    results = []
    while True:
        r = run(servers, users=n, **kw)
        results.append(r)
        print(json.dumps(r), flush=True)
        ok = r["p95_ms"] <= target_ms and r["errors"] == 0 and r["wrong"] == 0 and r["answers"] > 0
        if ok:
            good = r
        else:
            bad = r
        if bad is None:
            n *= 2
        else:
            lo = good["users"] if good else 0
            if bad["users"] - lo <= max(10, lo // 10):
                break
            n = (lo + bad["users"]) // 2
    return {"largest_users": good["users"] if good else 0, "at_largest": good, "tried": results}


async def _profile(servers: Servers, turns: int, clicks: int, settle_s: float) -> dict:
    """One user, nothing else running: the servers' CPU for each answer and each click that asks nothing."""
    plan = plans_for(1, turns)[0]
    want = expected_answers([plan])[0]
    per_answer, per_click, wrong = [], {}, 0
    opened = []  # the page opened (GET, websocket, the first screen's run), five times
    for _ in range(5):
        before = servers.cpu_s()
        async with Session(servers.url):
            await asyncio.sleep(settle_s)
            opened.append(round((servers.cpu_s() - before) * 1000, 1))
    async with Session(servers.url) as s:
        await asyncio.sleep(settle_s)
        for q, expected in zip(plan, want, strict=True):
            before = servers.cpu_s()
            run_ = await s.ask(q)
            await asyncio.sleep(settle_s)  # the post-run work (collection, session stats) counts too
            per_answer.append((servers.cpu_s() - before) * 1000)
            newest = run_.newest_answer()
            wrong += newest is None or newest[0] != expected
        seen = s.widgets  # every widget on the page: a question's run may draw only its new turn
        pins = [i for i, (kind, label) in seen.items() if label in ("Pin to suite", "Save this question to a check list")]
        suite = [i for i, (kind, label) in seen.items() if kind == "text_input"]
        pinned_to = Path(tempfile.mkdtemp()) / "pinned.csv"
        actions = [("type the pin suite", lambda: s.type_text(suite[0], str(pinned_to)))] if suite else []
        actions += [("pin an answer", lambda i=i: s.click(i)) for i in pins[:clicks]]
        # The whole page run again, as after a visit to another page: it folds the older answers.
        actions += [("run the whole page", lambda: s.rerun())]
        for name, act in actions:
            before = servers.cpu_s()
            r = await act()
            await asyncio.sleep(settle_s)
            per_click.setdefault(name, []).append(round((servers.cpu_s() - before) * 1000, 1))
            if r.exceptions or r.errors:
                wrong += 1
        opens = [i for i, (kind, label) in s.widgets.items() if label.startswith("Show the chart")]
        for i in opens[:clicks]:
            before = servers.cpu_s()
            r = await s.click(i)
            await asyncio.sleep(settle_s)
            per_click.setdefault("unfold an older answer", []).append(round((servers.cpu_s() - before) * 1000, 1))
            if r.exceptions or r.errors:
                wrong += 1
    return {
        "turns": turns, "wrong": wrong, "open_page_ms": opened, "cpu_ms_per_answer": [round(c, 1) for c in per_answer],
        "answer_turn20_ms": round(per_answer[19], 1) if len(per_answer) >= 20 else None,
        "answer_median_turns_16_25_ms": round(statistics.median(per_answer[15:25]), 1) if len(per_answer) > 15
        else None,
        "clicks_ms": per_click,
        "click_median_ms": round(statistics.median([c for k, v in per_click.items() for c in v
                                                    if k != "run the whole page"]), 1) if per_click else None,
        "server_rss_mib": [round(mib(r)) for r in servers.rss_kib()],
        "loadavg_1m": round(os.getloadavg()[0], 2),
    }


async def _memory(servers: Servers, sessions: int, turns: int) -> dict:
    """RSS of each replica before and after `sessions` open conversations of `turns` questions each."""
    await asyncio.sleep(1)
    before = servers.rss_kib()
    plans = plans_for(sessions, turns)
    wants = expected_answers(plans)
    opened, wrong = [], 0
    for _ in range(sessions):
        s = Session(servers.url)
        await s.connect()
        opened.append(s)
    for batch in range(0, sessions, 4):  # four at a time: this measures memory, not speed
        async def converse(s: Session, plan: list[str], want: list[str]) -> int:
            bad = 0
            for q, w in zip(plan, want, strict=True):
                newest = (await s.ask(q)).newest_answer()
                bad += newest is None or newest[0] != w
            return bad
        wrong += sum(await asyncio.gather(*(converse(opened[i], plans[i % len(plans)], wants[i % len(plans)])
                                            for i in range(batch, min(batch + 4, sessions)))))
    await asyncio.sleep(2)
    after = servers.rss_kib()
    for s in opened:
        await s.close()
    return {"sessions": sessions, "turns": turns, "wrong": wrong,
            "rss_before_mib": [round(mib(r)) for r in before], "rss_after_mib": [round(mib(r)) for r in after],
            "per_session_mib": round(mib(sum(after) - sum(before)) / sessions, 2)}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("mode", choices=["profile", "run", "find", "memory"])
    p.add_argument("--users", type=int, default=20)
    p.add_argument("--think", type=float, default=30.0, help="seconds between a user's questions (±50 %%)")
    p.add_argument("--duration", type=float, default=180.0, help="seconds measured, after the warm-up")
    p.add_argument("--warmup", type=float, default=None, help="seconds before measuring (default: the think time)")
    p.add_argument("--turns", type=int, default=25, help="questions a user asks at most")
    p.add_argument("--replicas", type=int, default=1, help="app processes; more than one go behind nginx")
    p.add_argument("--url", help="a server started elsewhere (then --pid for its CPU and memory)")
    p.add_argument("--pid", type=int, action="append", default=[])
    p.add_argument("--config", action="append", default=[], help="extra `streamlit run` flags, e.g. "
                   "--config=--runner.postScriptGC=false")
    p.add_argument("--target", type=float, default=1000.0, help="find: the p95 to stay under, ms")
    p.add_argument("--start", type=int, default=50, help="find: the first N tried")
    p.add_argument("--clicks", type=int, default=3, help="profile: clicks of each kind")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--root", type=Path, default=ROOT, help="serve the app from another checkout of the project "
                   "(e.g. `git archive <commit> | tar -x -C DIR`: the code before a change)")
    p.add_argument("--logs", type=Path, default=ROOT / "bench" / "out")
    a = p.parse_args(argv)
    a.logs.mkdir(parents=True, exist_ok=True)
    servers = Servers(a.replicas, a.url, a.pid, a.config, a.logs, a.root.resolve())
    try:
        if a.mode == "profile":
            out = asyncio.run(_profile(servers, a.turns, a.clicks, settle_s=0.5))
        elif a.mode == "memory":
            out = asyncio.run(_memory(servers, a.users, a.turns))
        else:
            kw = dict(think_s=a.think, duration_s=a.duration, warmup_s=a.think if a.warmup is None else a.warmup,
                      turns=a.turns, seed=a.seed)
            out = run(servers, users=a.users, **kw) if a.mode == "run" else find(servers, a.start, a.target, **kw)
        if servers.cluster:
            out["start_to_first_answer_s"] = servers.cluster.first_answer_s
        print(json.dumps(out, indent=1))
    finally:
        servers.stop()


if __name__ == "__main__":
    main()

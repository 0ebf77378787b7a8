"""Timing and memory helpers shared by the benchmark's parts: percentiles, RSS, in-process runs."""

from __future__ import annotations

import os
import statistics
import time
from dataclasses import dataclass, field

STAGES = ("parse", "build_sql", "validate", "execute", "answer", "chart")


def pct(values: list[float], p: float) -> float:
    """Percentile with linear interpolation (p in 0..100); 0 for no values."""
    if not values:
        return 0.0
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def proc_status(pid: int | str = "self") -> dict[str, int]:
    """VmRSS (now) and VmHWM (peak) of a process, in KiB, from /proc."""
    out = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    key, value = line.split(":")
                    out[key] = int(value.split()[0])
    except OSError:
        pass
    return out


def cpu_seconds(pid: int | str = "self") -> float:
    """User + system CPU time a process has used so far, from /proc/PID/stat."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return 0.0


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU jiffies of the whole machine since boot, from /proc/stat."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def mib(kib: float) -> float:
    return kib / 1024


@dataclass
class QuestionTimes:
    """All the timed askings of one question (same conversation position)."""

    question: str
    status: str = ""
    kind: str | None = None
    sql: str | None = None
    totals: list[float] = field(default_factory=list)
    stages: dict[str, list[float]] = field(default_factory=dict)
    duckdb_ms: float | None = None


def time_conversations(engine, conversations, repeats: int, warmup: bool = True) -> list[QuestionTimes]:
    """Ask every conversation `repeats` times (after one untimed pass); timings per question position."""
    slots: list[QuestionTimes] = [QuestionTimes(q) for turns in conversations for q in turns]
    for rep in range(repeats + (1 if warmup else 0)):
        i = 0
        for turns in conversations:
            conversation = engine.conversation()
            for q in turns:
                answer = conversation.ask(q)
                slot = slots[i]
                i += 1
                if warmup and rep == 0:
                    continue
                slot.status, slot.kind, slot.sql = answer.status, answer.kind, answer.sql
                slot.totals.append(answer.elapsed_ms)
                for stage, ms in answer.timings.items():
                    slot.stages.setdefault(stage, []).append(ms)
    return slots


def time_duckdb(engine, slots: list[QuestionTimes], runs: int = 5) -> None:
    """DuckDB alone on the already-open connection: the same final SQL, median of `runs`."""
    cursor = engine.db.cursor()
    cache: dict[str, float] = {}
    for slot in slots:
        if not slot.sql:
            continue
        if slot.sql not in cache:
            times = []
            for _ in range(runs):
                t = time.perf_counter()
                cursor.execute(slot.sql).fetchall()
                times.append((time.perf_counter() - t) * 1000)
            cache[slot.sql] = statistics.median(times)
        slot.duckdb_ms = cache[slot.sql]


def summarise(slots: list[QuestionTimes]) -> dict:
    """Stage and total percentiles over every timed answer; per-question medians over questions."""
    out: dict = {"answers": sum(len(s.totals) for s in slots), "questions": len(slots)}
    for stage in STAGES:
        values = [v for s in slots for v in s.stages.get(stage, [])]
        out[stage] = (pct(values, 50), pct(values, 95), max(values, default=0.0), len(values))
    totals = [v for s in slots for v in s.totals]
    ok = [v for s in slots if s.status == "ok" for v in s.totals]
    out["total"] = (pct(totals, 50), pct(totals, 95), max(totals, default=0.0), len(totals))
    out["total_ok"] = (pct(ok, 50), pct(ok, 95), max(ok, default=0.0), len(ok))
    duck = [s.duckdb_ms for s in slots if s.duckdb_ms is not None]
    out["duckdb"] = (pct(duck, 50), pct(duck, 95), max(duck, default=0.0), len(duck))
    ratios = [statistics.median(s.totals) / s.duckdb_ms for s in slots if s.duckdb_ms and s.totals]
    out["ratio"] = (pct(ratios, 50), pct(ratios, 95), max(ratios, default=0.0), len(ratios))
    per_q = [statistics.median(s.totals) for s in slots if s.totals]
    out["per_question_p50"] = (pct(per_q, 50), pct(per_q, 95), max(per_q, default=0.0), len(per_q))
    out["statuses"] = {st: sum(1 for s in slots if s.status == st) for st in ("ok", "clarify", "unsupported")}
    return out

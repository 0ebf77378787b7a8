"""The benchmark: speed at every scale, cold starts, memory, and many users at once.

    python bench/run.py [--scales 1000,10000,100000,1000000] [--quick]

Prints Markdown tables and writes them to bench/out/results.md. It measures and reports; it asserts
nothing about time (the targets are printed beside the numbers). See bench/README.md.
"""

from __future__ import annotations

import argparse
import gc
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT)]

import browser  # noqa: E402
from measure import STAGES, mib, pct, proc_status, summarise, time_conversations, time_duckdb  # noqa: E402
from questions import BUILTIN, LOAD, suite_conversations  # noqa: E402

CLI_QUESTION = "How many agreements are in the data?"
TARGETS = {"p95 total, bundled data, with charts": "<= 30 ms", "p95 total at 100k rows": "<= 150 ms",
           "cold start to first CLI answer": "<= 2.5 s", "per question at 1M rows": "well under 1 s"}


class Report:
    """Markdown printed as it is produced and kept for bench/out/results.md."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def add(self, text: str = "", console: bool = True) -> None:
        self.parts.append(text)
        if console:
            print(text, flush=True)

    def table(self, headers: list[str], rows: list[list], console: bool = True) -> None:
        def cell(v) -> str:
            if isinstance(v, float):
                return f"{v:,.1f}" if abs(v) >= 10 else f"{v:.2f}"
            return str(v).replace("|", "\\|")

        lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
        lines += ["| " + " | ".join(cell(v) for v in r) + " |" for r in rows]
        self.add("\n".join(lines) + "\n", console)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(self.parts) + "\n", encoding="utf-8")


def _short(q: str, n: int = 60) -> str:
    q = " ".join(q.split())
    return q if len(q) <= n else q[: n - 1] + "…"


def _stage_rows(summary: dict) -> list[list]:
    rows = [[s, *summary[s][:3], summary[s][3]] for s in STAGES]
    rows.append(["**total (all answers)**", *summary["total"][:3], summary["total"][3]])
    rows.append(["total (status ok)", *summary["total_ok"][:3], summary["total_ok"][3]])
    rows.append(["DuckDB alone, same SQL (median of 5)", *summary["duckdb"][:3], summary["duckdb"][3]])
    rows.append(["ratio total / DuckDB (per question)", *summary["ratio"][:3], summary["ratio"][3]])
    return rows


# -- 1. in process, bundled data ------------------------------------------------------------------
def bundled(report: Report, repeats: int) -> dict:
    from assistant.answer import Engine

    conversations, source = suite_conversations()
    engine = Engine.load()
    gc.freeze()  # as the app does once its engine is loaded (assistant/ui.py): the loaded data is never collected
    slots = time_conversations(engine, conversations, repeats)
    time_duckdb(engine, slots)
    summary = summarise(slots)
    report.add("## 1. Per question, in process, bundled data\n")
    report.add(f"{summary['questions']} questions from the {source}, each asked {repeats} times after one "
               f"untimed pass ({summary['answers']} timed answers; statuses {summary['statuses']}). "
               "Stages come from `Answer.timings`; total is `elapsed_ms`. Milliseconds.\n")
    report.table(["stage", "p50", "p95", "max", "n"], _stage_rows(summary))
    ranked = sorted((s for s in slots if s.totals), key=lambda s: -pct(s.totals, 95))
    headers = ["question", "status", "kind", "total p50", "total p95", "execute p50", "DuckDB alone", "total / DuckDB"]

    def row(s) -> list:
        ex = statistics.median(s.stages["execute"]) if "execute" in s.stages else "-"
        ratio = statistics.median(s.totals) / s.duckdb_ms if s.duckdb_ms else "-"
        return [_short(s.question), s.status, s.kind or "-", statistics.median(s.totals), pct(s.totals, 95), ex,
                s.duckdb_ms if s.duckdb_ms is not None else "-", ratio]

    report.add("Slowest 15 questions by p95 (every question is in bench/out/results.md):\n")
    report.table(headers, [row(s) for s in ranked[:15]])
    report.add("### Every question\n", console=False)
    report.table(headers, [row(s) for s in slots if s.totals], console=False)
    return {"summary": summary, "engine": engine}


# -- 2. cold start of the CLI ---------------------------------------------------------------------
def cold_cli(report: Report, runs: int) -> dict:
    walls, peaks, inside = [], [], []
    for _ in range(runs):
        with tempfile.TemporaryFile() as out:
            t = time.perf_counter()
            proc = subprocess.Popen([sys.executable, "-m", "assistant", "ask", "--json", CLI_QUESTION], cwd=ROOT,
                                    stdout=out, stderr=subprocess.DEVNULL)
            _, status, usage = os.wait4(proc.pid, 0)
            walls.append(time.perf_counter() - t)
            proc.returncode = os.waitstatus_to_exitcode(status)
            peaks.append(usage.ru_maxrss)  # KiB on Linux
            out.seek(0)
            answer = json.loads(out.read().decode().splitlines()[0])
            inside.append(answer["elapsed_ms"])
    report.add("## 2. Cold start: a fresh process to its first answer\n")
    report.add(f"`python -m assistant ask --json \"{CLI_QUESTION}\"`, {runs} runs "
               f"(status of the last: {answer['status']}). Target {TARGETS['cold start to first CLI answer']}.\n")
    report.table(["measure", "median", "min", "max"], [
        ["wall time, process start to exit (s)", statistics.median(walls), min(walls), max(walls)],
        ["the answer's own elapsed_ms (ms)", statistics.median(inside), min(inside), max(inside)],
        ["peak RSS of the CLI (MiB)", mib(statistics.median(peaks)), mib(min(peaks)), mib(max(peaks))],
    ])
    return {"wall_s": statistics.median(walls), "peak_mib": mib(max(peaks))}


def cold_streamlit(report: Report, runs: int, engine, out_dir: Path) -> None:
    report.add("## 3. Cold start: the Streamlit server to its first rendered answer\n")
    why = browser.missing()
    if why:
        report.add(f"Skipped: {why}.\n")
        return
    want = engine.conversation().ask(CLI_QUESTION).answer
    results = browser.cold_start(CLI_QUESTION, want, runs, out_dir)
    report.add(f"Headless Chromium (already running) on a fresh `streamlit run assistant/app.py`; {runs} runs. "
               "Seconds from starting the server process.\n")
    rows = []
    for key, label in (("healthy_s", "server healthy (/_stcore/health)"), ("page_s", "page shown with chat input"),
                       ("answer_s", "first answer shown after typing the question")):
        values = [r[key] for r in results]
        rows.append([label, statistics.median(values), min(values), max(values)])
    values = [r["enter_to_answer_ms"] / 1000 for r in results]
    rows.append(["of which Enter to answer shown", statistics.median(values), min(values), max(values)])
    report.table(["milestone (s)", "median", "min", "max"], rows)
    bad = [r["outcome"] for r in results if r["outcome"] != "ok"]
    if bad:
        report.add("Problems: " + "; ".join(bad) + "\n")


# -- 4. scale ---------------------------------------------------------------------------------------
def worker(db_path: str, repeats: int) -> None:
    """In a fresh process: open a synthetic database, ask the built-in questions, report JSON."""
    from assistant.answer import Engine
    from assistant.data import load_dataset
    from assistant.run import Database

    dataset = load_dataset()  # the real words: vocabulary comes from the bundled data
    import assistant.charts  # noqa: F401  (imported before the baseline, as the engine's first answer would)

    base = proc_status()["VmRSS"]
    t = time.perf_counter()
    engine = Engine(Database(db_path, dataset))
    open_ms = (time.perf_counter() - t) * 1000
    opened = proc_status()["VmRSS"]
    slots = time_conversations(engine, BUILTIN, repeats)
    time_duckdb(engine, slots)
    mem = proc_status()
    summary = summarise(slots)
    rows = engine.db.execute("SELECT count(*) FROM agreements").rows[0][0]
    broken = sum(1 for s in slots if s.status == "unsupported" and s.sql is None and s.stages.get("build_sql"))
    print(json.dumps({
        "rows": rows, "open_ms": open_ms, "summary": summary, "broken": broken,
        "per_question": [[s.question, s.status, statistics.median(s.totals) if s.totals else 0.0,
                          pct(s.totals, 95)] for s in slots],
        "rss_base_kib": base, "rss_open_kib": opened, "rss_end_kib": mem["VmRSS"], "peak_kib": mem["VmHWM"],
    }))


def scale(report: Report, scales: list[int], repeats: int) -> None:
    import synth

    from assistant.data import load_dataset

    report.add("## 4. Scale: synthetic datasets\n")
    report.add(f"The {sum(len(c) for c in BUILTIN)} built-in questions (bench/questions.py), each asked {repeats} "
               "times after one untimed pass, in a fresh process per scale (the vocabulary is the bundled data's; "
               "the database is synthetic, see bench/synth.py). Milliseconds; memory in MiB. Targets: "
               f"{TARGETS['p95 total at 100k rows']} p95 at 100k rows, {TARGETS['per question at 1M rows']} at 1M.\n")
    dataset = load_dataset()
    folder = Path(tempfile.mkdtemp(prefix="dpa-bench-"))
    results = {}
    try:
        for n in scales:
            path = folder / f"synthetic-{n}.duckdb"
            t = time.perf_counter()
            synth.generate(dataset, n, path)
            gen_s = time.perf_counter() - t
            problems = synth.check(path)
            proc = subprocess.run([sys.executable, __file__, "--worker", str(path), "--repeats", str(repeats)],
                                  cwd=ROOT, capture_output=True, text=True)
            if proc.returncode != 0:
                report.add(f"{n:,} rows: the worker failed:\n```\n{proc.stderr[-2000:]}\n```\n")
                continue
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            r.update(gen_s=gen_s, size_mib=path.stat().st_size / 2**20, problems=problems)
            results[n] = r
            path.unlink()
            print(f"  ... {n:,} rows done (p95 total {r['summary']['total'][1]:.1f} ms)", flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if not results:
        return
    rows = []
    for r in results.values():
        s = r["summary"]
        rows.append([f"{r['rows']:,}", r["size_mib"], r["gen_s"], s["total"][0], s["total"][1], s["total"][2],
                     s["per_question_p50"][1], s["execute"][1], s["duckdb"][1], s["ratio"][0], s["statuses"]["ok"],
                     r["broken"] + len(r["problems"])])
    report.table(["agreements", "file MiB", "generate s", "total p50", "total p95", "total max",
                  "p95 of question medians", "execute p95", "DuckDB alone p95", "total/DuckDB p50", "ok answers",
                  "failures"], rows)
    report.add("Stages at each scale (p50 / p95, ms):\n")
    report.table(["agreements", *STAGES], [
        [f"{r['rows']:,}", *(f"{r['summary'][st][0]:.2f} / {r['summary'][st][1]:.2f}" for st in STAGES)]
        for r in results.values()])
    report.add("Memory of the answering process (MiB): after start-up (imports + bundled vocabulary), after opening "
               "the database, after all questions, and its peak:\n")
    report.table(["agreements", "RSS at start", "after open", "after questions", "growth", "peak RSS", "open ms"], [
        [f"{r['rows']:,}", mib(r["rss_base_kib"]), mib(r["rss_open_kib"]), mib(r["rss_end_kib"]),
         mib(r["rss_end_kib"] - r["rss_base_kib"]), mib(r["peak_kib"]), r["open_ms"]] for r in results.values()])
    report.add("Per question, median total ms at each scale:\n")
    names = list(results)
    per = {n: r["per_question"] for n, r in results.items()}
    rows = []
    for i, (q, status, _, _) in enumerate(per[names[0]]):
        rows.append([_short(q, 55), status, *(per[n][i][2] for n in names), *(per[n][i][3] for n in names[-1:])])
    report.table(["question", "status", *(f"{n:,}" for n in names), f"p95 at {names[-1]:,}"], rows)
    for n, r in results.items():
        if r["problems"]:
            report.add(f"Invariant problems in the synthetic {n:,}-row data: {r['problems']}\n")


# -- 5. many users at once --------------------------------------------------------------------------
def load(report: Report, engine, sessions: int, per_session: int, bound_s: float, out_dir: Path) -> None:
    report.add("## 5. Many users: concurrent sessions against one Streamlit server\n")
    why = browser.missing()
    if why:
        report.add(f"Skipped: {why}.\n")
        return
    plans = []
    for k in range(sessions):
        start = (k * 7) % len(LOAD)
        questions = [LOAD[(start + j) % len(LOAD)] for j in range(per_session)]
        conversation = engine.conversation()  # the single-user answer, asked in the same order
        plans.append([(q, conversation.ask(q).answer) for q in questions])
    r = browser.load_test(plans, out_dir, bound_s)
    total = sessions * per_session
    report.add(f"{sessions} headless Chromium sessions (one browser context each) at once, {per_session} questions "
               f"each, each a conversation starting at a different question of bench/questions.py LOAD; bounded to "
               f"{bound_s:.0f} s. An answer is correct when the newest assistant message shows the text the engine "
               "gives in process for the same conversation.\n")
    report.table(["measure", "value"], [
        ["answers correct / asked", f"{r.answered} / {total}"],
        ["errors", len(r.errors)],
        ["wrong or missing answers", len(r.mismatches)],
        ["finished within the bound", "no" if r.timed_out else "yes"],
        ["wall time (s)", r.wall_s],
        ["throughput (answers/s)", r.answered / r.wall_s if r.wall_s else 0.0],
        ["Enter to answer shown p50 (ms)", pct(r.latencies_ms, 50)],
        ["Enter to answer shown p95 (ms)", pct(r.latencies_ms, 95)],
        ["Enter to page finished p50 (ms)", pct(r.run_ms, 50)],
        ["Enter to page finished p95 (ms)", pct(r.run_ms, 95)],
        ["server CPU time during the sessions (s)", r.server_cpu_s],
        ["server CPU per answer (ms)", 1000 * r.server_cpu_s / r.answered if r.answered else 0.0],
        [f"machine CPU busy, all {os.cpu_count()} CPUs (server + browser)", f"{100 * r.machine_busy:.0f}%"],
        ["server RSS after the first visit (MiB)", mib(r.server_rss_idle_kib)],
        ["server RSS at the end (MiB)", mib(r.server_rss_end_kib)],
        [f"server peak RSS with {sessions} sessions (MiB)", mib(r.server_peak_kib)],
    ])
    for line in (r.errors + r.mismatches)[:20]:
        report.add(f"- {line}")
    if r.errors or r.mismatches:
        report.add("")


def _machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
               platform.processor())
    import duckdb
    import sqlglot

    return (f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, DuckDB {duckdb.__version__}, "
            f"sqlglot {sqlglot.__version__}, {dt.datetime.now().isoformat(timespec='seconds')}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scales", help="agreements per synthetic dataset, comma-separated "
                                    "(default 1000,10000,100000,1000000; with --quick 1000,10000)")
    p.add_argument("--quick", action="store_true", help="a smoke run: fewer repeats, small scales, 4 sessions x 5")
    p.add_argument("--repeats", type=int, help="timed askings of each question (default 5; quick 2)")
    p.add_argument("--sessions", type=int, help="concurrent browser sessions (default 20; quick 4)")
    p.add_argument("--questions", type=int, help="questions per session (default 25; quick 5)")
    p.add_argument("--bound", type=float, default=900, help="time bound of the load test, seconds (default 900)")
    p.add_argument("--skip", default="", help="parts to skip, comma-separated: bundled,cli,server,scale,load")
    p.add_argument("--out", default=str(HERE / "out" / "results.md"))
    p.add_argument("--worker", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    repeats = args.repeats or (2 if args.quick else 5)
    if args.worker:
        worker(args.worker, max(1, min(repeats, 3)))
        return 0
    scales = [int(s) for s in (args.scales or ("1000,10000" if args.quick else "1000,10000,100000,1000000"))
              .split(",") if s.strip()]
    sessions = args.sessions or (4 if args.quick else 20)
    per_session = args.questions or (5 if args.quick else 25)
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)

    report = Report()
    report.add("# Defence Pacts Assistant: benchmark\n")
    report.add(f"`python bench/run.py {' '.join(argv if argv is not None else sys.argv[1:])}`".rstrip() + "  \n"
               f"{_machine()}\n")
    report.add("Targets (reported against, not asserted): " +
               "; ".join(f"{k} {v}" for k, v in TARGETS.items()) + ".\n")
    started = time.perf_counter()
    engine = None
    if "bundled" not in skip:
        engine = bundled(report, repeats)["engine"]
    if engine is None:
        from assistant.answer import Engine

        engine = Engine.load()
    if "cli" not in skip:
        cold_cli(report, 2 if args.quick else 5)
    if "server" not in skip:
        cold_streamlit(report, 1 if args.quick else 3, engine, out.parent)
    if "scale" not in skip and scales:
        scale(report, scales, max(1, min(repeats, 3)))
    if "load" not in skip:
        load(report, engine, sessions, per_session, args.bound, out.parent)
    report.add(f"_Benchmark wall time: {time.perf_counter() - started:.0f} s._")
    report.save(out)
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

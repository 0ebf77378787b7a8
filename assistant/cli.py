"""Command line: ask / eval / build-db / figures (see ../shared/ANSWER_CONTRACT.md)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assistant.errors import AssistantError


def _ask(args) -> int:
    from assistant.answer import Engine

    engine = Engine.load()
    conversation = engine.conversation()
    for question in args.questions:
        answer = conversation.ask(question)
        if args.json:
            print(json.dumps(answer.to_dict(), ensure_ascii=False), flush=True)
        else:
            print(answer.as_text(), end="\n\n", flush=True)
    return 0


def _eval(args) -> int:
    from assistant.answer import Engine
    from assistant.suites import load_suite, report, run_suite

    engine = Engine.load(strict=True)  # an internal error is a failed case, never a polite pass
    results = []
    for path in args.suites:
        results += run_suite(engine, load_suite(Path(path)))
    text, ok = report(results)
    print(text)
    return 0 if ok else 1


def _build_db(args) -> int:
    from assistant.data import build_database_file

    dataset = build_database_file(args.out)
    print(f"wrote {args.out}: {len(dataset.agreements)} agreements, {len(dataset.countries)} countries")
    return 0


def _figures(args) -> int:
    from assistant.figures import table
    from assistant.run import Database

    db = Database.from_data()
    print(table(db))
    if args.charts:
        from assistant.brief_charts import write_brief_charts

        for path in write_brief_charts(db, Path(args.charts)):
            print(f"wrote {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant", description="The Defence Pacts Assistant")
    sub = parser.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask", help="answer questions (several = one conversation)")
    ask.add_argument("--json", action="store_true", help="one JSON answer object per line")
    ask.add_argument("questions", nargs="+")
    ask.set_defaults(run=_ask)
    ev = sub.add_parser("eval", help="run canned question suites and report pass/fail")
    ev.add_argument("suites", nargs="+")
    ev.set_defaults(run=_eval)
    build = sub.add_parser("build-db", help="validate data/ and write the DuckDB database")
    build.add_argument("--out", required=True)
    build.set_defaults(run=_build_db)
    fig = sub.add_parser("figures", help="the brief's headline figures beside ours")
    fig.add_argument("--charts", metavar="DIR", help="also write the brief's four graphs as PNG and SVG")
    fig.set_defaults(run=_figures)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except AssistantError as e:
        print(f"error: {e.message}", file=sys.stderr)
        return 2

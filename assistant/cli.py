"""Command line: ask / eval / build-db / figures / export-data / hash-password (see ../shared/ANSWER_CONTRACT.md)."""

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


def _export_data(args) -> int:
    from assistant.data import load_dataset
    from assistant.registry.config import data_home
    from assistant.registry.export import log_csv, write_export
    from assistant.registry.store import open_store

    bundled = load_dataset()
    store = open_store(bundled)
    version, current = store.current()
    out = Path(args.out) if args.out else data_home() / "export" / "agreements.csv"
    diff = write_export(bundled, current, out)
    print(f"wrote {out}: {len(current.agreements)} agreements (registry data version {version}, {store.config.kind})")
    if args.log:
        Path(args.log).write_text(log_csv(store.log()), encoding="utf-8", newline="")
        print(f"wrote {args.log}: the registry's change log")
    print(f"diff against the bundled data/agreements.csv ({len(bundled.agreements)} agreements):")
    print("\n".join(diff.lines()))
    return 0


def _hash_password(args) -> int:
    from assistant.registry.reviewers import main_hash

    print(main_hash())
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
    export = sub.add_parser("export-data", help="write the current data (bundled CSV + accepted changes) as CSV "
                                                "and print a diff against the bundled file")
    export.add_argument("--out", help="the CSV to write (default: <data folder>/export/agreements.csv)")
    export.add_argument("--log", metavar="PATH", help="also write the registry's change log as CSV")
    export.set_defaults(run=_export_data)
    hp = sub.add_parser("hash-password", help="hash a reviewer's password for the configuration (DPA_REVIEWERS)")
    hp.set_defaults(run=_hash_password)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except AssistantError as e:
        print(f"error: {e.message}", file=sys.stderr)
        return 2

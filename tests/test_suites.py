"""Every canned suite in tests/suites/ passes: each conversation is one test case.

Expected results in the suites are written as reference SQL or values, independently of the parser.
"""

import datetime as dt
from pathlib import Path

import pytest

from assistant.suites import Suite, compare, load_suite

SUITES = sorted((Path(__file__).parent / "suites").glob("*.yaml"))
LOADED = {path.stem: load_suite(path) for path in SUITES}
CASES = [(name, i, turns) for name, suite in LOADED.items() for i, turns in enumerate(suite.conversations)]


def test_the_suites_hold_at_least_250_questions():
    assert sum(len(turns) for _, _, turns in CASES) >= 250


@pytest.mark.parametrize("suite,index,turns", CASES, ids=[f"{s}:{i}:{t[0].q[:40]}" for s, i, t in CASES])
def test_suite_conversation(engine, suite, index, turns):
    engine = engine.as_of(LOADED[suite].data_until)  # the data the suite was written against
    conversation = engine.conversation()
    for case in turns:
        answer = conversation.ask(case.q)
        problems = compare(engine, answer, case.expect)
        assert not problems, f"{case.q!r}: " + "; ".join(problems)


def test_the_eval_command_reports_accuracy_and_latency(tmp_path, capsys):
    from assistant.cli import main

    suite = tmp_path / "mini.yaml"
    suite.write_text("cases:\n  - q: How many agreements are in the data?\n    sql: SELECT agreement_id FROM agreements\n"
                     "  - q: What is the capital of France?\n    status: ok\n", encoding="utf-8")
    assert main(["eval", str(suite)]) == 1  # the second case expects the wrong status on purpose
    out = capsys.readouterr().out
    assert "FAIL [mini] 'What is the capital of France?'" in out
    assert "expected ok, got unsupported" in out
    assert "1/2 passed (50.0%)" in out and "p95" in out


def test_a_pinned_answer_becomes_a_passing_case(engine, tmp_path):
    from assistant.suites import pin, run_suite

    path = tmp_path / "pinned.csv"
    answer = engine.conversation().ask("How many agreements did Spain sign after 2020?")
    pin(path, answer.question, answer)
    results = run_suite(engine, load_suite(path))
    assert [r.ok for r in results] == [True]
    assert load_suite(path).conversations[0][0].expect["count"] == answer.row_count > 0
    assert isinstance(load_suite(path), Suite)


def test_a_pinned_follow_up_keeps_its_conversation(engine, tmp_path):
    from assistant.suites import pin, run_suite

    conversation = engine.conversation()
    first = conversation.ask("How many agreements did France sign?")
    follow = conversation.ask("And Germany?")
    for path in (tmp_path / "pinned.csv", tmp_path / "pinned.yaml"):
        pin(path, follow.question, follow, earlier=[first])
        suite = load_suite(path)
        assert [[c.q for c in turns] for turns in suite.conversations] == \
            [["How many agreements did France sign?", "And Germany?"]]
        assert suite.conversations[0][1].expect["count"] == follow.row_count != first.row_count
        assert all(r.ok for r in run_suite(engine, suite))


SUITE_DATA = [
    # (top of the YAML file, the day the suite is run as of)
    ("cases:\n", None),
    ("data_until: 2025-09-30\ncases:\n", dt.date(2025, 9, 30)),
    ("data_until: '2019-12-31'\ncases:\n", dt.date(2019, 12, 31)),
]


@pytest.mark.parametrize("head,day", SUITE_DATA, ids=[str(d) for _, d in SUITE_DATA])
def test_a_suite_runs_on_the_data_it_was_written_against(engine, tmp_path, head, day):
    from assistant.suites import run_suite

    path = tmp_path / "dated.yaml"
    path.write_text(head + "  - q: How many agreements are in the data?\n"
                    "    sql: SELECT agreement_id FROM agreements\n", encoding="utf-8")
    suite = load_suite(path)
    assert suite.data_until == day
    (result,) = run_suite(engine, suite)
    signed = [a for a in engine.db.dataset.agreements if day is None or a.signed_date <= day]
    added_later = {c.agreement_id for c in engine.db.dataset.changes if c.column == "added" and day and c.changed_on > day}
    assert result.ok and result.answer.row_count == len([a for a in signed if a.agreement_id not in added_later])
    if day == dt.date(2025, 9, 30):
        assert result.answer.row_count == 328  # A0001–A0328, the data these suites were written against
    assert engine.as_of(day).db.dataset.period in result.answer.interpretation


def test_a_suite_with_a_bad_data_until_is_refused(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("data_until: last autumn\ncases:\n  - q: How many agreements?\n", encoding="utf-8")
    with pytest.raises(ValueError, match="data_until 'last autumn'"):
        load_suite(path)


def test_every_suite_written_before_the_data_grew_says_so():
    """The suites pinned on the data of the brief's period run on it, so rows added since cannot break them."""
    dated = [*SUITES, *sorted((Path(__file__).parent.parent / "bench" / "heldout").glob("*.yaml"))]
    later = {"heldout33.yaml", "heldout34.yaml", "heldout35.yaml", "heldout36.yaml", "heldout37.yaml", "heldout38.yaml",
             "rules_2026.yaml"}  # written on the data of 2026-11-25 (to March 2026)
    assert {path.name: load_suite(path).data_until for path in dated} == \
        {path.name: dt.date(2026, 11, 25) if path.name in later else dt.date(2025, 9, 30) for path in dated}


def test_pinning_keeps_the_suite_data_day(engine, tmp_path):
    from assistant.suites import pin

    path = tmp_path / "dated.yaml"
    path.write_text("data_until: 2025-09-30\ncases:\n  - q: How many agreements are in the data?\n", encoding="utf-8")
    old = engine.as_of(dt.date(2025, 9, 30))
    answer = old.conversation().ask("How many agreements did Spain sign?")
    pin(path, answer.question, answer)
    suite = load_suite(path)
    assert suite.data_until == dt.date(2025, 9, 30) and suite.size == 2

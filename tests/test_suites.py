"""Every canned suite in tests/suites/ passes: each conversation is one test case.

Expected results in the suites are written as reference SQL or values, independently of the parser.
"""

from pathlib import Path

import pytest

from assistant.suites import Suite, compare, load_suite

SUITES = sorted((Path(__file__).parent / "suites").glob("*.yaml"))
CASES = [(path.stem, i, turns) for path in SUITES for i, turns in enumerate(load_suite(path).conversations)]


def test_the_suites_hold_at_least_250_questions():
    assert sum(len(turns) for _, _, turns in CASES) >= 250


@pytest.mark.parametrize("suite,index,turns", CASES, ids=[f"{s}:{i}:{t[0].q[:40]}" for s, i, t in CASES])
def test_suite_conversation(engine, suite, index, turns):
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

"""The live engine follows the registry's data version: a new engine is built whole and swapped in, so a question
asked while a change is accepted sees the data before it or after it, never half of it."""

from __future__ import annotations

import threading
import time

import pytest

from assistant.answer import Engine
from assistant.registry.current import LiveEngine
from assistant.run import Database
from tests.registry_fixtures import sign_in, synthetic

QUESTION = "How many agreements are there?"


def build(data):
    return Engine(Database.from_dataset(data), strict=True)


@pytest.mark.parametrize("registry_url", ["sqlite"], indirect=True)
def test_a_question_asked_while_another_builds_the_new_engine_answers_at_once_on_the_old_one(store):
    started, release = threading.Event(), threading.Event()

    def slow_build(data):
        if len(data.agreements) > len(store.base.agreements):  # the rebuild, not the first build
            started.set()
            release.wait(30)
        return build(data)

    live = LiveEngine(store, slow_build)
    store.accept(store.propose(synthetic(1)), sign_in(store))
    builder = threading.Thread(target=live.get)
    builder.start()
    assert started.wait(30)
    t0 = time.perf_counter()
    assert live.get().version == 0  # not blocked behind the build
    assert time.perf_counter() - t0 < 1.0
    release.set()
    builder.join()
    assert live.get().version == 1


@pytest.mark.parametrize("registry_url", ["sqlite", "postgresql"], indirect=True)
def test_an_accepted_change_reaches_the_live_engine_without_a_restart(store, base_data):
    live = LiveEngine(store, build)
    before = live.get()
    assert before.version == 0 and before.engine.answer(QUESTION)[0].row_count == len(base_data.agreements)
    assert live.get() is before  # no change, no rebuild
    store.accept(store.propose(synthetic(1)), sign_in(store))
    after = live.get()
    assert after.version == 1 and after.engine is not before.engine
    assert after.engine.answer(QUESTION)[0].row_count == len(base_data.agreements) + 1
    answer, _ = after.engine.answer("Which agreements did France and Poland sign together in 2026?")
    assert "Synthetic test arrangement number 1" in str(answer.rows)


@pytest.mark.parametrize("registry_url", ["sqlite"], indirect=True)
def test_the_chat_answers_what_was_added_since_a_day_from_the_change_log(store, base_data):
    """Issue 12, a history you can cite: "what was added since …?" reads the day a row entered the data."""
    import datetime as dt

    live = LiveEngine(store, build)
    today = dt.date.today()
    question = f"What was added since {today.day} {today:%B} {today.year}?"
    before = live.get().engine.answer(question)[0]
    assert before.status == "ok"
    store.accept(store.propose(synthetic(1)), sign_in(store))
    after = live.get().engine.answer(question)[0]
    assert after.row_count == before.row_count + 1
    assert "Synthetic test arrangement number 1" in str(after.rows)
    assert "not the day it was signed" in after.interpretation


@pytest.mark.parametrize("registry_url", ["sqlite"], indirect=True)
def test_questions_asked_while_changes_are_accepted_never_see_half_a_change(store, base_data):
    """Accepts alternate between adding a row and correcting two cells of another: every answer's count, and the
    corrected row's title and summary, belong to one and the same version."""
    live = LiveEngine(store, build)
    n, stop, seen, errors = 4, threading.Event(), [], []
    target = base_data.agreements[5].agreement_id
    from assistant.registry.proposals import CORRECT, Proposal

    def ask() -> None:
        while not stop.is_set():
            try:
                v = live.get()
                count = v.engine.answer(QUESTION)[0].row_count
                title, summary = v.engine.db.execute(
                    f"SELECT title, summary FROM agreements WHERE agreement_id = '{target}'").rows[0]
                seen.append((v.version, count, title, summary))
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(e)

    askers = [threading.Thread(target=ask) for _ in range(3)]
    for t in askers:
        t.start()
    reviewer = sign_in(store)
    for i in range(n):
        store.accept(store.propose(synthetic(i)), reviewer)
        fix = Proposal.of(CORRECT, {"summary": f"Corrected {i}.", "title": f"Corrected title {i}"},
                          agreement_id=target, reason="test")
        store.accept(store.propose(fix), reviewer)
    assert live.get(force=True).version == 2 * n
    deadline = time.monotonic() + 30
    while not any(s[0] == 2 * n for s in list(seen)) and time.monotonic() < deadline:
        time.sleep(0.05)  # let the askers answer on the last version too
    stop.set()
    for t in askers:
        t.join()
    assert not errors, errors
    assert {s[0] for s in seen} >= {0, 2 * n}  # the askers saw the first data and the last
    original = base_data.agreements[5]
    for version, count, title, summary in seen:  # version v holds ceil(v / 2) added rows and v // 2 corrections
        assert count == len(base_data.agreements) + (version + 1) // 2, (version, count)
        fixes = version // 2
        expected = (original.title, original.summary) if not fixes else \
            (f"Corrected title {fixes - 1}", f"Corrected {fixes - 1}.")
        assert (title, summary) == expected, version

"""A question pinned with its reading (data version and SQL) tells, when it later fails, whether the data
changed — listing the rows added, corrected or withdrawn since the pin that explain it — or the reading
changed; re-pinning makes it pass again. The data changes are synthetic, in a temporary registry."""

from __future__ import annotations

import csv
import functools

import pytest

from assistant.answer import Engine
from assistant.registry.proposals import CORRECT, WITHDRAW, Proposal
from assistant.run import Database
from assistant.suites import DATA_CHANGED, READING_CHANGED, diagnose, load_suite, pin, repin, run_suite
from tests.registry_fixtures import sign_in, synthetic

pytestmark = pytest.mark.parametrize("registry_url", ["sqlite"], indirect=True)
QUESTION = "Which agreements did France and Poland sign together?"


def engines(store):
    @functools.lru_cache
    def at(version: int) -> Engine:
        return Engine(Database.from_dataset(store.data_at(version)), strict=True)
    return at


def pinned(store, tmp_path, question=QUESTION):
    at = engines(store)
    answer, _ = at(store.version()).answer(question)
    path = tmp_path / "checks.csv"
    pin(path, question, answer, version=store.version())
    return path, at


def run(store, path, at):
    version = store.version()
    results = run_suite(at(version), load_suite(path))
    return results, [diagnose(r, version, at(version), at, store.log()) for r in results]


def test_a_pinned_question_keeps_its_data_version_and_reading(store, tmp_path):
    path, _ = pinned(store, tmp_path)
    (row,) = csv.DictReader(open(path, encoding="utf-8"))
    assert row["pinned_version"] == "0" and row["pinned_sql"].startswith("SELECT")


def test_an_addition_since_the_pin_is_reported_as_the_data_changed_with_the_row(store, tmp_path):
    path, at = pinned(store, tmp_path)
    added = store.accept(store.propose(synthetic(1)), sign_in(store)).agreement_id
    unrelated = store.accept(store.propose(synthetic(2, parties="EE;LV")), sign_in(store)).agreement_id
    (result,), (why,) = run(store, path, at)
    assert not result.ok and why.verdict == DATA_CHANGED
    assert len(why.rows) == 1 and why.rows[0].startswith(f"added {added} Synthetic test arrangement number 1")
    assert unrelated not in why.words()  # only the rows that explain the change


@pytest.mark.parametrize("action", ["corrected", "withdrawn"])
def test_a_correction_or_withdrawal_since_the_pin_is_reported_with_the_row(store, tmp_path, base_data, action):
    path, at = pinned(store, tmp_path)
    answer, _ = at(0).answer(QUESTION)
    target = answer.rows[0][answer.columns.index("agreement_id")]
    if action == "corrected":  # moved out of the France-Poland set: another party
        p = Proposal.of(CORRECT, {"parties": "FR;LT"}, agreement_id=target, reason="test")
    else:
        p = Proposal(WITHDRAW, (), target, "test")
    store.accept(store.propose(p), sign_in(store))
    (result,), (why,) = run(store, path, at)
    assert not result.ok and why.verdict == DATA_CHANGED
    assert why.rows[0].startswith(f"{action} {target}")


def test_other_sql_than_pinned_is_reported_as_the_reading_changed(store, tmp_path):
    path, at = pinned(store, tmp_path)
    rows = list(csv.DictReader(open(path, encoding="utf-8")))
    rows[0]["pinned_sql"] = rows[0]["pinned_sql"].replace("SELECT", "SELECT DISTINCT", 1)  # pinned by older rules
    rows[0]["expected_count"] = "999"
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    (result,), (why,) = run(store, path, at)
    assert not result.ok and why.verdict == READING_CHANGED


def test_re_pinning_in_one_go_makes_the_changed_questions_pass(store, tmp_path):
    path, at = pinned(store, tmp_path)
    pin(path, "How many agreements are there?", at(0).answer("How many agreements are there?")[0], version=0)
    store.accept(store.propose(synthetic(1)), sign_in(store))
    results, whys = run(store, path, at)
    assert [r.ok for r in results] == [False, False] and {w.verdict for w in whys} == {DATA_CHANGED}
    assert repin(path, results, store.version()) == 2
    results, whys = run(store, path, at)
    assert all(r.ok for r in results) and not any(w.verdict for w in whys)
    assert {r["pinned_version"] for r in csv.DictReader(open(path, encoding="utf-8"))} == {"1"}

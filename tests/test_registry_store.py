"""The registry store on SQLite and on PostgreSQL: proposals, decisions, the change log, ids and versions,
reviewers checked inside every function, and concurrent reviewers losing nothing."""

from __future__ import annotations

import threading

import pytest

from assistant.data import BRIEF_END, row_cells
from assistant.registry.current import ADDED, CORRECTED, WITHDRAWN
from assistant.registry.proposals import CORRECT, WITHDRAW, Proposal, ProposalRefused
from assistant.registry.reviewers import NotAReviewer, Reviewer, Reviewers
from assistant.registry.store import ACCEPTED, PENDING, REJECTED, ProposalClosed
from tests.registry_fixtures import BACKENDS, REVIEWERS, sign_in, synthetic


def highest(data) -> int:
    return max(int(a.agreement_id[1:]) for a in data.agreements)


@pytest.mark.parametrize("registry_url", BACKENDS, indirect=True)
def test_an_accepted_addition_gets_the_next_id_and_a_new_version_and_is_logged(store, base_data):
    pid = store.propose(synthetic(1))
    assert store.version() == 0 and [p.id for p in store.proposals()] == [pid]
    done = store.accept(pid, sign_in(store), note="checked the page")
    expected_id = f"A{highest(base_data) + 1:04d}"
    assert done.agreement_id == expected_id and done.data_version == 1 and store.version() == 1
    version, data = store.current()
    assert version == 1 and len(data.agreements) == len(base_data.agreements) + 1
    row = next(a for a in data.agreements if a.agreement_id == expected_id)
    assert row.parties == ("FR", "PL") and row.scope == "bilateral" and row.year == 2026
    (entry,) = store.log(expected_id)
    assert (entry.action, entry.proposed_by, entry.reviewed_by, entry.reason, entry.note, entry.source_url) == (
        ADDED, "tester", "rita", "test", "checked the page", "https://example.org/synthetic/1")
    assert store.proposal(pid).status == ACCEPTED and store.proposal(pid).result_id == expected_id
    assert not store.proposals()  # nothing pending


@pytest.mark.parametrize("registry_url", BACKENDS, indirect=True)
def test_a_correction_logs_each_changed_cell_with_its_old_and_new_value(store, base_data):
    a = base_data.agreements[0]
    cells = {"title": a.title + " (corrected)", "topics": "air_defence;training"}
    pid = store.propose(Proposal.of(CORRECT, cells, agreement_id=a.agreement_id, reason="the page says so"))
    done = store.accept(pid, sign_in(store, "rolf"))
    assert done.agreement_id == a.agreement_id
    log = store.log(a.agreement_id)
    assert {(c.action, c.column, c.old_value, c.new_value) for c in log} == {
        (CORRECTED, "title", a.title, a.title + " (corrected)"),
        (CORRECTED, "topics", ";".join(a.topics), "air_defence;training")}
    _, data = store.current()
    now = next(r for r in data.agreements if r.agreement_id == a.agreement_id)
    assert now.title.endswith("(corrected)") and now.topics == ("air_defence", "training")
    assert len(data.agreements) == len(base_data.agreements)


@pytest.mark.parametrize("registry_url", BACKENDS, indirect=True)
def test_a_withdrawn_row_leaves_the_data_and_its_id_is_never_given_again(store, base_data):
    last = f"A{highest(base_data):04d}"
    pid = store.propose(Proposal(WITHDRAW, (), last, "not a defence agreement"))
    store.accept(pid, sign_in(store))
    _, data = store.current()
    assert last not in {a.agreement_id for a in data.agreements}
    (entry,) = store.log(last)
    assert entry.action == WITHDRAWN and last in entry.old_value  # the row as it stood is kept in the log
    added = store.accept(store.propose(synthetic(2)), sign_in(store))
    assert added.agreement_id == f"A{highest(base_data) + 1:04d}"  # one past the highest ever used


@pytest.mark.parametrize("registry_url", BACKENDS, indirect=True)
def test_a_rejected_proposal_changes_nothing(store):
    pid = store.propose(synthetic(3))
    store.reject(pid, sign_in(store), note="no source")
    assert store.version() == 0 and not store.log()
    assert (store.proposal(pid).status, store.proposal(pid).note) == (REJECTED, "no source")


@pytest.mark.parametrize("registry_url", BACKENDS, indirect=True)
def test_a_proposal_is_decided_once(store):
    pid = store.propose(synthetic(4))
    store.accept(pid, sign_in(store))
    for decide in (lambda: store.accept(pid, sign_in(store, "rolf")), lambda: store.reject(pid, sign_in(store), "x")):
        with pytest.raises(ProposalClosed):
            decide()
    assert store.version() == 1 and len(store.log()) == 1


@pytest.mark.parametrize("registry_url", BACKENDS, indirect=True)
@pytest.mark.parametrize("who", [
    None,
    "rita",
    Reviewer("rita", "0" * 64),  # a forged identity: the right name, a made-up proof
    Reviewers(REVIEWERS).sign_in("rita", "rita-secret-1"),  # signed in elsewhere: another key
], ids=["nobody", "a-name", "forged", "other-sign-in"])
def test_a_non_reviewer_calling_the_store_directly_is_refused_and_nothing_is_written(store, who):
    pid = store.propose(synthetic(5))
    with pytest.raises(NotAReviewer):
        store.accept(pid, who)
    with pytest.raises(NotAReviewer):
        store.reject(pid, who, "no")
    assert store.version() == 0 and not store.log() and store.proposal(pid).status == PENDING


@pytest.mark.parametrize("registry_url", BACKENDS, indirect=True)
@pytest.mark.parametrize("name, password", [("rita", "wrong"), ("mallory", "rita-secret-1"), ("", ""),
                                            ("rita", "rolf-secret-2")])
def test_sign_in_refuses_a_wrong_name_or_password(store, name, password):
    with pytest.raises(NotAReviewer):
        store.reviewers.sign_in(name, password)


@pytest.mark.parametrize("registry_url", BACKENDS, indirect=True)
def test_accepting_checks_again_against_the_data_as_it_now_stands(store, base_data):
    a = base_data.agreements[1]
    fix = store.propose(Proposal.of(CORRECT, {"summary": "Corrected summary."}, agreement_id=a.agreement_id,
                                    reason="typo"))
    gone = store.propose(Proposal(WITHDRAW, (), a.agreement_id, "duplicate"))
    store.accept(gone, sign_in(store))
    with pytest.raises(ProposalRefused):
        store.accept(fix, sign_in(store))
    assert store.version() == 1 and store.proposal(fix).status == PENDING


@pytest.mark.parametrize("registry_url", BACKENDS, indirect=True)
def test_the_change_log_cannot_be_rewritten(store):
    store.accept(store.propose(synthetic(6)), sign_in(store))
    for sql in ("UPDATE changes SET reason = 'rewritten'", "DELETE FROM changes"):
        with pytest.raises(Exception, match="append-only"):
            with store.backend.transaction(write=True) as tx:
                tx.run(sql)
    assert store.log()[0].reason == "test"


@pytest.mark.parametrize("registry_url", BACKENDS, indirect=True)
def test_two_reviewers_accepting_different_proposals_at_once_lose_nothing(store, base_data):
    n = 8
    ids = [store.propose(synthetic(10 + i, signed_date=f"2026-01-{10 + i:02d}")) for i in range(n)]
    reviewers = [sign_in(store, "rita"), sign_in(store, "rolf")]
    start, results, errors = threading.Barrier(n), {}, []

    def accept(i: int) -> None:
        start.wait()
        try:
            results[ids[i]] = store.accept(ids[i], reviewers[i % 2])
        except Exception as e:  # noqa: BLE001 - collected and reported below
            errors.append(e)

    threads = [threading.Thread(target=accept, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert sorted(r.data_version for r in results.values()) == list(range(1, n + 1))
    new_ids = sorted(r.agreement_id for r in results.values())
    assert new_ids == [f"A{highest(base_data) + k:04d}" for k in range(1, n + 1)]
    version, data = store.current()
    assert version == n and len(data.agreements) == len(base_data.agreements) + n
    assert {e.proposed_by for e in store.log()} == {"tester"} and {e.reviewed_by for e in store.log()} == {"rita", "rolf"}


@pytest.mark.parametrize("registry_url", BACKENDS, indirect=True)
def test_every_bundled_row_reads_back_the_same_through_the_registry(store, base_data):
    _, data = store.current()
    assert [row_cells(a) for a in data.agreements] == [row_cells(a) for a in base_data.agreements]


@pytest.mark.parametrize("registry_url", BACKENDS, indirect=True)
def test_a_suite_written_against_older_data_still_sees_a_row_withdrawn_since(store, base_data):
    """Dataset.as_of: a row withdrawn through the registry today was in the data on 30 September 2025, and a row
    added today was not."""
    old = next(a for a in base_data.agreements if a.signed_date.year == 2020)
    store.accept(store.propose(Proposal(WITHDRAW, (), old.agreement_id, "test")), sign_in(store))
    store.accept(store.propose(synthetic(1, signed_date="2020-05-05")), sign_in(store))
    _, data = store.current()
    assert old.agreement_id not in {a.agreement_id for a in data.agreements}
    then, expected = data.as_of(BRIEF_END), base_data.as_of(BRIEF_END)
    assert sorted(row_cells(a)["agreement_id"] for a in then.agreements) == \
        sorted(a.agreement_id for a in expected.agreements)
    assert next(a for a in then.agreements if a.agreement_id == old.agreement_id) == old


def test_five_wrong_passwords_lock_a_name_for_five_minutes():
    now = [1000.0]
    reviewers = Reviewers(REVIEWERS, clock=lambda: now[0])
    for _ in range(5):
        with pytest.raises(NotAReviewer, match="do not match"):
            reviewers.sign_in("rita", "guess")
    with pytest.raises(NotAReviewer, match="Too many wrong passwords"):
        reviewers.sign_in("rita", "rita-secret-1")  # even the right one, for now
    assert reviewers.sign_in("rolf", "rolf-secret-2").name == "rolf"  # other names are not locked
    now[0] += 301
    assert reviewers.sign_in("rita", "rita-secret-1").name == "rita"

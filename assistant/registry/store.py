"""The registry store: proposals, decisions and the append-only change log, on SQLite or PostgreSQL.

Anyone may propose; accept and reject check, inside the function, that the caller is a signed-in reviewer.
Accepting is one transaction under the registry's write lock: it reads the newest log, checks the proposal
again against the data as it now stands, gives an added row the next id after the highest ever used, appends
the change to the log and bumps the data version. Every write is whole or not at all.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace

from assistant.data import CORRECTABLE, Agreement, Dataset, row_cells
from assistant.errors import AssistantError
from assistant.registry.backend import Backend, Tx
from assistant.registry.config import RegistryConfig, load_config
from assistant.registry.current import ADDED, CORRECTED, WITHDRAWN, LoggedChange, apply, next_id
from assistant.registry.proposals import ADD, CORRECT, WITHDRAW, Proposal, checked
from assistant.registry.reviewers import Reviewer, Reviewers

PENDING, ACCEPTED, REJECTED = "pending", "accepted", "rejected"
ANONYMOUS = "anonymous"
_CHANGE_COLUMNS = ("seq", "data_version", "changed_at", "agreement_id", "action", "col", "old_value", "new_value",
                   "reason", "source_url", "proposed_by", "reviewed_by", "proposal_id", "note")
_PROPOSAL_COLUMNS = ("id", "kind", "agreement_id", "cells", "reason", "proposed_by", "proposed_at", "status",
                     "reviewed_by", "reviewed_at", "note", "result_id")


@dataclass(frozen=True)
class StoredProposal:
    id: int
    proposal: Proposal
    proposed_at: str
    status: str
    reviewed_by: str | None
    reviewed_at: str | None
    note: str | None
    result_id: str | None  # the row the accepted proposal made or changed


@dataclass(frozen=True)
class Accepted:
    agreement_id: str
    data_version: int
    changes: tuple[LoggedChange, ...]


class ProposalClosed(AssistantError):
    """The proposal was already accepted or rejected (perhaps by another reviewer a moment ago)."""


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _stored(row: tuple) -> StoredProposal:
    r = dict(zip(_PROPOSAL_COLUMNS, row, strict=True))
    p = Proposal(r["kind"], tuple(json.loads(r["cells"])), r["agreement_id"], r["reason"], r["proposed_by"])
    return StoredProposal(int(r["id"]), p, r["proposed_at"], r["status"], r["reviewed_by"], r["reviewed_at"],
                          r["note"], r["result_id"])


def _logged(row: tuple) -> LoggedChange:
    r = dict(zip(_CHANGE_COLUMNS, row, strict=True))
    return LoggedChange(int(r["seq"]), int(r["data_version"]), r["changed_at"], r["agreement_id"], r["action"],
                        r["col"], r["old_value"], r["new_value"], r["reason"], r["source_url"], r["proposed_by"],
                        r["reviewed_by"], int(r["proposal_id"]), r["note"])


class Store:
    """The registry at `config.url`, on top of the bundled data `base`."""

    def __init__(self, config: RegistryConfig, base: Dataset, reviewers: Reviewers | None = None):
        self.config = config
        self.base = base
        self.reviewers = reviewers or Reviewers(config.reviewers)
        self.backend = Backend(config.url)

    # reading -----------------------------------------------------------------------------------------------
    def version(self) -> int:
        with self.backend.transaction() as tx:
            return self._version(tx)

    @staticmethod
    def _version(tx: Tx) -> int:
        return int(tx.one("SELECT value FROM meta WHERE key = 'data_version'")[0])  # type: ignore[index]

    def _log(self, tx: Tx, upto: int | None = None) -> tuple[LoggedChange, ...]:
        sql = f"SELECT {', '.join(_CHANGE_COLUMNS)} FROM changes"
        rows = tx.all(sql + " WHERE data_version <= ? ORDER BY seq", (upto,)) if upto is not None else \
            tx.all(sql + " ORDER BY seq")
        return tuple(_logged(r) for r in rows)

    def current(self) -> tuple[int, Dataset]:
        """The data version and the data as it stands at it: the bundled rows with every accepted change.
        A version's changes are committed with it, so the pair is always consistent."""
        with self.backend.transaction() as tx:
            version = self._version(tx)
            return version, apply(self.base, self._log(tx, version))

    def data_at(self, version: int) -> Dataset:
        """The data as it stood at an earlier data version (a pinned question is explained against it)."""
        with self.backend.transaction() as tx:
            return apply(self.base, self._log(tx, version))

    def log(self, agreement_id: str | None = None) -> tuple[LoggedChange, ...]:
        """The change log, oldest first (one agreement's history with `agreement_id`)."""
        with self.backend.transaction() as tx:
            if agreement_id is None:
                return self._log(tx)
            rows = tx.all(f"SELECT {', '.join(_CHANGE_COLUMNS)} FROM changes WHERE agreement_id = ? ORDER BY seq",
                          (agreement_id,))
            return tuple(_logged(r) for r in rows)

    def proposals(self, status: str | None = PENDING) -> tuple[StoredProposal, ...]:
        sql = f"SELECT {', '.join(_PROPOSAL_COLUMNS)} FROM proposals"
        with self.backend.transaction() as tx:
            rows = tx.all(sql + " WHERE status = ? ORDER BY id", (status,)) if status else tx.all(sql + " ORDER BY id")
        return tuple(_stored(r) for r in rows)

    def proposal(self, proposal_id: int) -> StoredProposal:
        with self.backend.transaction() as tx:
            return self._proposal(tx, proposal_id)

    @staticmethod
    def _proposal(tx: Tx, proposal_id: int) -> StoredProposal:
        row = tx.one(f"SELECT {', '.join(_PROPOSAL_COLUMNS)} FROM proposals WHERE id = ?", (int(proposal_id),))
        if row is None:
            raise AssistantError(f"There is no proposal number {proposal_id}.")
        return _stored(row)

    # writing -----------------------------------------------------------------------------------------------
    def propose(self, p: Proposal) -> int:
        """Save a proposal for review (anyone may); its number. ProposalRefused, with nothing written, if a
        field breaks a rule against the data as it stands now."""
        p = Proposal(p.kind, p.cells, p.agreement_id.strip(), p.reason.strip(), p.proposed_by.strip() or ANONYMOUS)
        _, data = self.current()
        checked(p, data)
        with self.backend.transaction(write=True) as tx:
            row = tx.one("INSERT INTO proposals (kind, agreement_id, cells, reason, proposed_by, proposed_at, status) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                         (p.kind, p.agreement_id, json.dumps(list(p.cells)), p.reason, p.proposed_by, _now(), PENDING))
        return int(row[0])  # type: ignore[index]

    def accept(self, proposal_id: int, reviewer: Reviewer, note: str = "") -> Accepted:
        """Apply a pending proposal (reviewers only), in one transaction: the log, the new id, the new version."""
        who = self.reviewers.check(reviewer)
        with self.backend.transaction(write=True) as tx:
            stored = self._open(tx, proposal_id)
            version = self._version(tx) + 1
            log = self._log(tx)
            data = apply(self.base, log)
            p = stored.proposal
            row = checked(p, data)  # again: the data may have changed since it was proposed
            when, note = _now(), note.strip()[:1000]
            if p.kind == ADD:
                assert row is not None
                aid = next_id(self.base, log)
                cells = row_cells(replace(row, agreement_id=aid))
                entries = [(aid, ADDED, ADDED, "", json.dumps(cells), cells["source_url"])]
            elif p.kind == CORRECT:
                assert row is not None
                aid, before, after = p.agreement_id, row_cells(_row(data, p.agreement_id)), row_cells(row)
                entries = [(aid, CORRECTED, c, before[c], after[c], after["source_url"])
                           for c in CORRECTABLE if before[c] != after[c]]
            else:
                aid, before = p.agreement_id, row_cells(_row(data, p.agreement_id))
                entries = [(aid, WITHDRAWN, WITHDRAWN, json.dumps(before), "", before["source_url"])]
            for e_aid, action, col, old, new, url in entries:
                tx.run("INSERT INTO changes (data_version, changed_at, agreement_id, action, col, old_value, new_value, "
                       "reason, source_url, proposed_by, reviewed_by, proposal_id, note) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (version, when, e_aid, action, col, old, new, p.reason, url, p.proposed_by, who.name,
                        stored.id, note))
            tx.run("UPDATE meta SET value = ? WHERE key = 'data_version'", (version,))
            tx.run("UPDATE proposals SET status = ?, reviewed_by = ?, reviewed_at = ?, note = ?, result_id = ? "
                   "WHERE id = ? AND status = ?", (ACCEPTED, who.name, when, note, aid, stored.id, PENDING))
            new = tuple(c for c in self._log(tx) if c.data_version == version)
        return Accepted(aid, version, new)

    def reject(self, proposal_id: int, reviewer: Reviewer, note: str) -> None:
        """Close a pending proposal without changing the data (reviewers only); the note says why."""
        who = self.reviewers.check(reviewer)
        with self.backend.transaction(write=True) as tx:
            stored = self._open(tx, proposal_id)
            tx.run("UPDATE proposals SET status = ?, reviewed_by = ?, reviewed_at = ?, note = ? WHERE id = ? AND "
                   "status = ?", (REJECTED, who.name, _now(), note.strip()[:1000], stored.id, PENDING))

    def _open(self, tx: Tx, proposal_id: int) -> StoredProposal:
        stored = self._proposal(tx, proposal_id)
        if stored.status != PENDING:
            raise ProposalClosed(f"Proposal {stored.id} was already {stored.status} by {stored.reviewed_by}.")
        return stored


def open_store(base: Dataset, config: RegistryConfig | None = None) -> Store:
    """The registry named by the configuration (environment, then Streamlit's secrets, then the default SQLite
    file in the data folder), over the bundled data `base`."""
    return Store(config or load_config(), base)


def _row(data: Dataset, agreement_id: str) -> Agreement:
    return next(a for a in data.agreements if a.agreement_id == agreement_id)


__all__ = ["open_store", "Store", "StoredProposal", "Accepted", "ProposalClosed", "PENDING", "ACCEPTED", "REJECTED", "WITHDRAW",
           "CORRECT", "ADD"]

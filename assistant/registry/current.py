"""The data as it stands: the bundled rows with the registry's accepted changes applied, and the live engine
that is rebuilt and swapped whole when the data version moves.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from assistant.data import ADDED as LOG_ADDED
from assistant.data import WITHDRAWN as LOG_WITHDRAWN
from assistant.data import Change, Dataset, check_row, row_cells
from assistant.errors import DataError

log = logging.getLogger(__name__)
ADDED, CORRECTED, WITHDRAWN = "added", "corrected", "withdrawn"


@dataclass(frozen=True)
class LoggedChange:
    """One line of the registry's change log: who proposed, who reviewed, when, what changed, why, the source."""

    seq: int
    data_version: int
    changed_at: str  # ISO time, UTC
    agreement_id: str
    action: str  # added | corrected | withdrawn
    column: str  # the corrected column; 'added' / 'withdrawn' for whole rows
    old_value: str  # a withdrawn row: the row as it stood (JSON of its cells)
    new_value: str  # an added row: the row (JSON of its cells)
    reason: str
    source_url: str
    proposed_by: str
    reviewed_by: str
    proposal_id: int
    note: str

    @property
    def day(self) -> dt.date:
        return dt.date.fromisoformat(self.changed_at[:10])


def apply(base: Dataset, changes: tuple[LoggedChange, ...]) -> Dataset:
    """The bundled data with the logged changes applied in order. Every resulting row is checked again by the
    loader's rules, so the registry can never hold a row the bundled file could not."""
    countries = base.countries
    rows = {a.agreement_id: a for a in base.agreements}
    history = list(base.changes)
    try:
        for c in changes:
            if c.action == ADDED:
                rows[c.agreement_id] = check_row(json.loads(c.new_value), countries)
                history.append(Change(c.day, c.agreement_id, LOG_ADDED, "", "", c.reason))
            elif c.action == CORRECTED:
                cells = row_cells(rows[c.agreement_id])
                cells[c.column] = c.new_value
                cells["year"] = cells["signed_date"][:4]
                parties = cells["parties"].split(";")
                cells["n_parties"], cells["scope"] = str(len(parties)), "bilateral" if len(parties) == 2 else "plurilateral"
                rows[c.agreement_id] = check_row(cells, countries)
                history.append(Change(c.day, c.agreement_id, c.column, c.old_value, c.new_value, c.reason))
            elif c.action == WITHDRAWN:
                rows.pop(c.agreement_id, None)  # absent once a published file left it out
                history.append(Change(c.day, c.agreement_id, LOG_WITHDRAWN, c.old_value, "", c.reason))
    except (KeyError, ValueError, DataError) as e:
        raise DataError(f"The registry's change {c.seq} ({c.action} {c.agreement_id}) no longer applies to the "
                        f"bundled data: {getattr(e, 'message', e)}") from None
    return Dataset(countries, tuple(rows.values()), base.until, tuple(history))


def next_id(base: Dataset, changes: tuple[LoggedChange, ...]) -> str:
    """'A' + 4 digits, one after the highest id ever used (a withdrawn row's id is never given again)."""
    used = [a.agreement_id for a in base.agreements] + [c.agreement_id for c in changes]
    numbers = [int(i[1:]) for i in used if i[:1] == "A" and i[1:].isdigit()]
    return f"A{max(numbers, default=0) + 1:04d}"


@dataclass(frozen=True)
class Versioned:
    """An engine and the data version it was built from; swapped as one value, never edited."""

    version: int
    engine: object  # assistant.answer.Engine (not imported here: the registry does not need the parser)


class LiveEngine:
    """The process's engine, kept at the registry's data version: `get()` checks the version (one small query,
    at most every `every` seconds) and, when it moved, builds a new engine from the bundled data and the log,
    then swaps it in with one assignment. A question holds the engine it started with to its end, so no answer
    sees half a change, and every open session gets the new data on its next question."""

    def __init__(self, store, build: Callable[[Dataset], object], every: float = 0.0):
        self._store, self._build, self._every = store, build, every
        self._lock = threading.Lock()
        self._checked = 0.0
        version, data = store.current()
        self._current = Versioned(version, build(data))

    def get(self, force: bool = False) -> Versioned:
        """The newest engine; `force` asks the registry now (after this process accepted a change)."""
        current = self._current
        now = time.monotonic()
        if not force and now - self._checked < self._every:
            return current
        self._checked = now
        try:
            version = self._store.version()
        except Exception:  # the registry is unreachable: keep answering on the data already loaded
            log.exception("could not read the registry's data version")
            return current
        if version == current.version:
            return current
        if not self._lock.acquire(blocking=force):  # another question is building it: answer on the old one
            return current
        try:
            if self._current.version < version:
                built_version, data = self._store.current()
                self._current = Versioned(built_version, self._build(data))
        finally:
            self._lock.release()
        return self._current

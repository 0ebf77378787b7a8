"""The data as it stands (bundled CSV + accepted changes) written in the contract's CSV shape, with a diff against
the bundled file; and the change log as CSV. The written file sorts and quotes as data/merge_sources.py does, so
with no accepted change it is the bundled file byte for byte."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from assistant.data import AGREEMENT_COLUMNS, CORRECTABLE, Dataset, row_cells
from assistant.registry.current import LoggedChange

LOG_COLUMNS = ("seq", "data_version", "changed_at", "agreement_id", "action", "column", "old_value", "new_value",
               "reason", "source_url", "proposed_by", "reviewed_by", "proposal_id", "note")


@dataclass(frozen=True)
class Diff:
    added: tuple[tuple[str, str], ...]  # (id, title)
    withdrawn: tuple[tuple[str, str], ...]
    corrected: tuple[tuple[str, str, str, str], ...]  # (id, column, old, new)

    def __bool__(self) -> bool:
        return bool(self.added or self.withdrawn or self.corrected)

    def lines(self) -> list[str]:
        out = [f"+ {i}  {t}" for i, t in self.added]
        out += [f"- {i}  {t}" for i, t in self.withdrawn]
        out += [f"~ {i}  {c}: {_short(o)!r} -> {_short(n)!r}" for i, c, o, n in self.corrected]
        counts = f"{len(self.added)} added, {len(self.corrected)} cell(s) corrected, {len(self.withdrawn)} withdrawn"
        return out + [counts if self else "no change: the current data is the bundled file"]


def _short(text: str, n: int = 70) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def agreements_csv(data: Dataset) -> str:
    rows = sorted((row_cells(a) for a in data.agreements), key=lambda r: (r["signed_date"], r["title"]))
    out = io.StringIO(newline="")
    w = csv.DictWriter(out, fieldnames=AGREEMENT_COLUMNS)
    w.writeheader()
    w.writerows(rows)
    return out.getvalue()


def diff(bundled: Dataset, current: Dataset) -> Diff:
    old = {a.agreement_id: row_cells(a) for a in bundled.agreements}
    new = {a.agreement_id: row_cells(a) for a in current.agreements}
    return Diff(
        tuple((i, new[i]["title"]) for i in sorted(set(new) - set(old))),
        tuple((i, old[i]["title"]) for i in sorted(set(old) - set(new))),
        tuple((i, c, old[i][c], new[i][c]) for i in sorted(set(old) & set(new)) for c in CORRECTABLE
              if old[i][c] != new[i][c]),
    )


def write_export(bundled: Dataset, current: Dataset, out: Path | str) -> Diff:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".part")
    tmp.write_text(agreements_csv(current), encoding="utf-8", newline="")
    tmp.replace(out)  # whole or not at all
    return diff(bundled, current)


def log_csv(changes: tuple[LoggedChange, ...]) -> str:
    """The change log for download: one line per change, oldest first."""
    out = io.StringIO(newline="")
    w = csv.writer(out)
    w.writerow(LOG_COLUMNS)
    for c in changes:
        w.writerow([c.seq, c.data_version, c.changed_at, c.agreement_id, c.action, c.column, c.old_value,
                    c.new_value, c.reason, c.source_url, c.proposed_by, c.reviewed_by, c.proposal_id, c.note])
    return out.getvalue()

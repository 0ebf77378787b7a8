"""A proposal — add a row, correct one, withdraw one — and its checks.

The row a proposal would make is checked by the loader's own rules (assistant.data.check_row), field by field;
the registry adds only what a file never meets: bounds on lengths, no markup or control characters in text,
http(s) addresses with a host, a reason for corrections and withdrawals. Likely duplicates are reported, not
refused: the same set of parties within 45 days, or a title that reads nearly the same.
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
from dataclasses import dataclass, replace

from rapidfuzz import fuzz, utils

from assistant.data import CORRECTABLE, FORMS, TOPICS, Agreement, Dataset, check_row, row_cells
from assistant.errors import AssistantError, FieldError

ADD, CORRECT, WITHDRAW = "add", "correct", "withdraw"
KINDS = (ADD, CORRECT, WITHDRAW)
LIMITS = {"title": 300, "summary": 1500, "source_url": 500, "reason": 1000, "proposed_by": 80, "parties": 200,
          "topics": 300, "signed_date": 10, "date_precision": 5, "form": 40, "mutual_defence_clause": 5,
          "agreement_id": 10}
TEXT_FIELDS = ("title", "summary", "reason", "proposed_by")
DUPLICATE_DAYS = 45
SIMILAR_TITLE = 88  # rapidfuzz token_sort_ratio: above it two titles read as the same document
# A tag, a Markdown link or image, or a script scheme: text here is plain words, and shown as typed.
MARKUP = re.compile(r"<\s*[a-zA-Z!/?]|\]\s*\(|\b(javascript|vbscript|data)\s*:", re.IGNORECASE)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
# Stand-ins that pass every rule: a field already found at fault is replaced by one, so the loader's rules can
# name the faults of the other fields too (each field's message, not only the first).
_GOOD = {"title": "t", "signed_date": "2020-01-01", "date_precision": "day", "parties": "DE;FR", "form": FORMS[0],
         "topics": TOPICS[0], "mutual_defence_clause": "false", "summary": "", "source_url": "https://example.org/"}


@dataclass(frozen=True)
class Proposal:
    """What someone asks to change. `cells` holds the proposed row's fields as the CSV writes them
    (parties 'DE;FR', topics 'cyber;training', booleans 'true'/'false'); a withdrawal has none."""

    kind: str
    cells: tuple[tuple[str, str], ...] = ()
    agreement_id: str = ""  # correct / withdraw: the row concerned; add: empty (the id is given on acceptance)
    reason: str = ""
    proposed_by: str = ""

    @classmethod
    def of(cls, kind: str, cells: dict[str, str] | None = None, **kw) -> Proposal:
        return cls(kind, tuple((k, str(v)) for k, v in (cells or {}).items()), **kw)

    @property
    def fields(self) -> dict[str, str]:
        return dict(self.cells)


@dataclass(frozen=True)
class Problem:
    field: str  # a column, or 'reason', 'proposed_by', 'agreement_id', 'kind'
    message: str


@dataclass(frozen=True)
class Duplicate:
    agreement: Agreement
    why: str


class ProposalRefused(AssistantError):
    """A proposal broke a rule; nothing was written. `problems` holds each field's message."""

    def __init__(self, problems: tuple[Problem, ...]):
        super().__init__("The proposal was not saved: " + "; ".join(f"{p.field}: {p.message}" for p in problems))
        self.problems = problems


def _text_problems(name: str, value: str) -> list[Problem]:
    out = []
    if len(value) > LIMITS.get(name, 1000):
        out.append(Problem(name, f"too long ({len(value)} characters; at most {LIMITS.get(name, 1000)})."))
    if CONTROL.search(value):
        out.append(Problem(name, "contains control or direction characters; type plain text."))
    if MARKUP.search(value):
        out.append(Problem(name, "contains markup or a script address (such as <…>, ](…) or javascript:); "
                                 "type plain words."))
    return out


def url_problem(url: str) -> str | None:
    """Why `url` is not an address a row may cite (None if it is one)."""
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https"):
        return "must be a web address starting with http:// or https:// (javascript:, data: and others are refused)."
    if not parts.netloc or not re.fullmatch(r"[A-Za-z0-9.-]+(:\d+)?", parts.netloc):
        return "the address needs a host name, such as https://www.gov.pl/…"
    if re.search(r"[\s<>\"'`\\]", url.strip()):
        return "the address contains spaces, quotes or angle brackets."
    return None


def _derived(cells: dict[str, str]) -> dict[str, str]:
    """The row with the columns the loader derives (year, n_parties, scope) filled in from the proposed ones."""
    row = dict(cells)
    date = row.get("signed_date", "").strip()
    row["year"] = date[:4] if re.fullmatch(r"\d{4}-\d\d-\d\d", date) else ""
    parties = [p for p in re.split(r"[;,\s]+", row.get("parties", "")) if p]
    row["parties"] = ";".join(parties)
    row["n_parties"] = str(len(parties))
    row["scope"] = "bilateral" if len(parties) == 2 else "plurilateral"
    return row


def _loader_problems(row: dict[str, str], dataset: Dataset, today: dt.date | None,
                     known: set[str]) -> tuple[list[Problem], Agreement | None]:
    """Every field's fault by the loader's rules: a field at fault is set to a stand-in and the row checked again."""
    row = {**row, **{f: _GOOD[f] for f in known if f in _GOOD}}
    out: list[Problem] = []
    for _ in range(len(_GOOD) + 1):
        try:
            agreement = check_row(_derived(row), dataset.countries, today)
            return out, (None if out or known else agreement)
        except FieldError as e:
            column = {"year": "signed_date", "n_parties": "parties", "scope": "parties"}.get(e.column, e.column)
            if column not in _GOOD or column in known:
                out.append(Problem(column, e.message))
                return out, None
            known.add(column)
            shown = f" (you gave {e.value[:40]!r})" if e.value and e.value not in e.message else ""
            out.append(Problem(column, e.message.rstrip(".") + shown + "."))
            row[column] = _GOOD[column]
    return out, None


def check(p: Proposal, dataset: Dataset, today: dt.date | None = None) -> tuple[tuple[Problem, ...], Agreement | None]:
    """(problems, the row the proposal would make). No problems: the row is ready; a withdrawal makes no row."""
    problems: list[Problem] = []
    if p.kind not in KINDS:
        return (Problem("kind", f"must be one of {', '.join(KINDS)}."),), None
    for name in TEXT_FIELDS:
        problems += _text_problems(name, getattr(p, name, ""))
    cells = p.fields
    unknown = sorted(set(cells) - set(CORRECTABLE))
    if unknown:
        problems.append(Problem(unknown[0], "not a field of a proposal (ids and derived columns are filled in)."))
    current = {a.agreement_id: a for a in dataset.agreements}
    aid = p.agreement_id.strip()
    if p.kind == ADD:
        if aid:
            taken = "is already taken; propose a correction of that row instead" if aid in current else \
                "is given by the registry when the proposal is accepted; leave it empty"
            problems.append(Problem("agreement_id", f"{aid[:LIMITS['agreement_id']]!r} {taken}."))
        base = {c: "" for c in CORRECTABLE}
    else:
        if aid not in current:
            problems.append(Problem("agreement_id", f"{aid[:12]!r} is not an agreement in the current data."))
            return tuple(problems), None
        if not p.reason.strip():
            problems.append(Problem("reason", "say why the row should be corrected or withdrawn."))
        base = {c: row_cells(current[aid])[c] for c in CORRECTABLE}
    if p.kind == WITHDRAW:
        if cells:
            problems.append(Problem(next(iter(cells)), "a withdrawal changes no field; propose a correction instead."))
        return tuple(problems), None
    row = {**base, **{k: v for k, v in cells.items() if k in CORRECTABLE}}
    row["agreement_id"] = aid if p.kind == CORRECT else "A9999"  # a placeholder: ids are given on acceptance
    known: set[str] = set()
    for name in CORRECTABLE:
        value = row.get(name, "")
        if name == "source_url" and value.strip() and (why := url_problem(value)):
            found = [Problem(name, why)] + [p for p in _text_problems(name, value) if "long" in p.message]
        elif name in ("title", "summary", "source_url"):
            found = _text_problems(name, value)
        else:
            found = [Problem(name, f"too long ({len(value)} characters).")] if len(value) > LIMITS[name] else []
        if found:
            known.add(name)
            problems += found
    more, agreement = _loader_problems(row, dataset, today, known)
    problems += more
    if p.kind == CORRECT and agreement is not None and row_cells(agreement) == row_cells(current[aid]):
        problems.append(Problem("title", "the correction changes nothing in the row."))
    return tuple(problems), (None if problems else agreement)


def checked(p: Proposal, dataset: Dataset, today: dt.date | None = None) -> Agreement | None:
    """The row the proposal would make (None for a withdrawal); ProposalRefused if any field breaks a rule."""
    problems, agreement = check(p, dataset, today)
    if problems:
        raise ProposalRefused(problems)
    return agreement


def likely_duplicates(row: Agreement, dataset: Dataset, limit: int = 5) -> tuple[Duplicate, ...]:
    """Rows that may be the same agreement: the same parties signed within 45 days, or a nearly equal title."""
    found = []
    for a in dataset.agreements:
        if a.agreement_id == row.agreement_id:
            continue
        days = abs((a.signed_date - row.signed_date).days)
        similar = fuzz.token_sort_ratio(a.title, row.title, processor=utils.default_process)
        if set(a.parties) == set(row.parties) and days <= DUPLICATE_DAYS:
            found.append((0, days, Duplicate(a, f"the same parties, signed {days} day(s) apart")))
        elif similar >= SIMILAR_TITLE:
            found.append((1, -similar, Duplicate(a, f"a similar title ({similar:.0f}% alike)")))
    return tuple(d for *_, d in sorted(found, key=lambda t: (t[0], t[1]))[:limit])


def proposed_rows(proposals: list[tuple[str, Proposal]], dataset: Dataset) -> Dataset:
    """Pending additions as rows (labelled, e.g. 'proposal 3'), to look for duplicates among them too."""
    rows = []
    for label, p in proposals:
        if p.kind == ADD:
            problems, row = check(p, dataset)
            if row is not None:
                rows.append(replace(row, agreement_id=label))
    return Dataset(dataset.countries, tuple(rows))

"""Load and validate data/ and build the DuckDB database: the only place that reads data files.

A file that breaks one invariant of ../shared/DATA_CONTRACT.md is refused whole with a message
naming the file, the row, the column and the value; nothing is loaded in part.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb

from assistant.errors import DataError, FieldError

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

FORMS = ("strategic partnership", "cooperation agreement", "political declaration", "statement of intent")
TOPICS = (
    "comprehensive", "industry_procurement", "operations", "military_mobility", "cyber", "training",
    "maritime", "air_defence", "research_technology", "ukraine_support",
)
# Topic codes as they read in sentences, tables and chart legends.
TOPIC_LABELS = {
    "comprehensive": "comprehensive", "industry_procurement": "industry and procurement",
    "operations": "operations", "military_mobility": "military mobility", "cyber": "cyber",
    "training": "training", "maritime": "maritime", "air_defence": "air defence",
    "research_technology": "research and technology", "ukraine_support": "support to Ukraine",
}
REGIONS = ("Northern Europe", "Western Europe", "Eastern Europe", "Southern Europe")
PRECISIONS = ("day", "month", "year")
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December")
# The data starts in 2014 and runs to its newest row: a row may be signed up to the day it is loaded, never later.
# The brief's own period (2014 – September 2025) stays a named scope: its figures are compared on it, and the
# suites written before the data grew run on the data as it stood at its end (Dataset.as_of).
FIRST_DATE = dt.date(2014, 1, 1)
BRIEF_END = dt.date(2025, 9, 30)
LAST_DATE = dt.date.today()  # the newest date a row may carry when this process loads the data

AGREEMENT_COLUMNS = (
    "agreement_id", "title", "signed_date", "date_precision", "year", "parties", "n_parties", "scope",
    "form", "topics", "mutual_defence_clause", "summary", "source_url",
)
COUNTRY_COLUMNS = ("code", "name", "eu_member", "nato_member", "region")
# data/changes.csv, the change log written by data/merge_sources.py: one line per row added or cell corrected,
# so that the data as it stood on an earlier day can be rebuilt (Dataset.as_of).
CHANGE_COLUMNS = ("changed_on", "agreement_id", "column", "old_value", "new_value", "reason")
CORRECTABLE = ("title", "signed_date", "date_precision", "parties", "form", "topics", "mutual_defence_clause",
               "summary", "source_url")
ADDED = "added"
WITHDRAWN = "withdrawn"  # a row taken out through the registry: old_value holds its cells (JSON), to restore it
BOOLEANS = {"true": True, "false": False}


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    eu_member: bool
    nato_member: bool
    region: str


@dataclass(frozen=True)
class Agreement:
    agreement_id: str
    title: str
    signed_date: dt.date
    date_precision: str
    year: int
    parties: tuple[str, ...]
    n_parties: int
    scope: str
    form: str
    topics: tuple[str, ...]
    mutual_defence_clause: bool
    summary: str
    source_url: str


@dataclass(frozen=True)
class Change:
    """One line of the change log: a row added on a day, or one cell of a row corrected (old -> new)."""

    changed_on: dt.date
    agreement_id: str
    column: str  # a correctable column, or 'added'
    old_value: str
    new_value: str
    reason: str


def month_words(day: dt.date) -> str:
    return f"{MONTH_NAMES[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class Dataset:
    countries: tuple[Country, ...]
    agreements: tuple[Agreement, ...]
    until: dt.date | None = None  # the data as it stood on this day: only rows signed up to it (None: all rows)
    changes: tuple[Change, ...] = ()

    @property
    def last_date(self) -> dt.date:
        """The end of the period the data covers: the as-of day, else the newest row's date."""
        return self.until or max(a.signed_date for a in self.agreements)

    @property
    def period(self) -> str:
        """The period in words, as answers say it: '2014 – September 2025'."""
        return f"{FIRST_DATE.year} – {month_words(self.last_date)}"

    def as_of(self, day: dt.date) -> Dataset:
        """The data as it stood on `day` (a suite written then runs on it): the rows signed up to that day, as
        they read then — rows added to the log after `day` are left out and later corrections are undone."""
        later = [c for c in self.changes if c.changed_on > day]
        added = {c.agreement_id for c in later if c.column == ADDED}
        rows = {a.agreement_id: a for a in self.agreements if a.agreement_id not in added}
        for c in later:  # a row withdrawn since `day` was still in the data then
            if c.column == WITHDRAWN and c.agreement_id not in added:
                rows[c.agreement_id] = check_row(json.loads(c.old_value), self.countries)
        for c in reversed(later):  # newest first, so each cell ends at the value it had on `day`
            if c.column in CORRECTABLE and c.agreement_id in rows:
                rows[c.agreement_id] = _with_cell(rows[c.agreement_id], c.column, c.old_value)
        kept = tuple(a for a in rows.values() if a.signed_date <= day)
        if not kept:
            raise DataError(f"No agreement in the data was signed on or before {day.isoformat()}.")
        return Dataset(self.countries, kept, day, tuple(c for c in self.changes if c.changed_on <= day))


def _with_cell(a: Agreement, column: str, value: str) -> Agreement:
    """`a` with one cell set back to a logged value (derived columns follow)."""
    if column == "signed_date":
        day = dt.date.fromisoformat(value)
        return replace(a, signed_date=day, year=day.year)
    if column == "parties":
        parties = tuple(sorted(_split(value)))
        return replace(a, parties=parties, n_parties=len(parties),
                       scope="bilateral" if len(parties) == 2 else "plurilateral")
    if column == "topics":
        return replace(a, topics=tuple(_split(value)))
    if column == "mutual_defence_clause":
        return replace(a, mutual_defence_clause=BOOLEANS[value.strip().lower()])
    return replace(a, **{column: value})


class _Rows:
    """Reads one CSV file strictly and names the place of every fault."""

    def __init__(self, path: Path, columns: tuple[str, ...]):
        self.path, self.name = path, f"{path.parent.name}/{path.name}"
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            line = raw[: e.start].count(b"\n") + 1
            raise DataError(f"{self.name}, row {line}: the file is not UTF-8 text "
                            f"(byte {raw[e.start:e.start + 1]!r} at position {e.start}). "
                            "Save it as 'CSV UTF-8' and try again.") from None
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            header = next(reader)
        except StopIteration:
            raise DataError(f"{self.name}: the file is empty; it needs the header row "
                            f"{','.join(columns)}.") from None
        missing = [c for c in columns if c not in header]
        if missing:
            raise DataError(f"{self.name}, row 1 (header), column '{missing[0]}': the column is missing "
                            f"(value: none). Expected columns: {', '.join(columns)}.")
        dupes = sorted({c for c in header if header.count(c) > 1})
        if dupes:
            raise DataError(f"{self.name}, row 1 (header), column '{dupes[0]}': the column appears twice.")
        self.header = header
        self.records: list[tuple[int, dict[str, str]]] = []
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                raise DataError(f"{self.name}, row {line}: blank line (value: {','.join(cells)!r}). "
                                "Remove empty rows; every row must be one complete record.")
            if len(cells) != len(header):
                raise DataError(f"{self.name}, row {line}: has {len(cells)} cells but the header has "
                                f"{len(header)} (value: {','.join(cells)[:80]!r}).")
            self.records.append((line, dict(zip(header, cells, strict=True))))

    def fail(self, line: int, column: str, value: str, why: str) -> DataError:
        return FieldError(f"{self.name}, row {line}, column '{column}', value {value!r}: {why}", column, value)


class _OneRow:
    """A single row outside any file (a proposal in the registry): faults name only the field."""

    name = "proposal"

    def fail(self, line: int, column: str, value: str, why: str) -> FieldError:
        return FieldError(why, column, value)


def _bool(rows: _Rows, line: int, column: str, value: str) -> bool:
    if value.strip().lower() not in BOOLEANS:
        raise rows.fail(line, column, value, "must be true or false.")
    return BOOLEANS[value.strip().lower()]


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def load_countries(path: Path) -> tuple[Country, ...]:
    rows = _Rows(path, COUNTRY_COLUMNS)
    seen: set[str] = set()
    countries = []
    for line, r in rows.records:
        code = r["code"].strip()
        if len(code) != 2 or not code.isalpha() or not code.isupper():
            raise rows.fail(line, "code", code, "must be an ISO 3166-1 alpha-2 code such as FR.")
        if code in seen:
            raise rows.fail(line, "code", code, "duplicate code.")
        seen.add(code)
        if not r["name"].strip():
            raise rows.fail(line, "name", r["name"], "the name is empty.")
        if r["region"] not in REGIONS:
            raise rows.fail(line, "region", r["region"], f"must be one of {', '.join(REGIONS)}.")
        countries.append(Country(code, r["name"].strip(), _bool(rows, line, "eu_member", r["eu_member"]),
                                 _bool(rows, line, "nato_member", r["nato_member"]), r["region"]))
    if not countries:
        raise DataError(f"{rows.name}: no countries in the file.")
    return tuple(countries)


def _agreement(rows: _Rows, line: int, r: dict[str, str], countries: dict[str, Country], last: dt.date) -> Agreement:
    aid = r["agreement_id"].strip()
    if not aid:
        raise rows.fail(line, "agreement_id", aid, "every agreement needs an id.")
    if not r["title"].strip():
        raise rows.fail(line, "title", r["title"], "the title is empty.")
    try:
        signed = dt.date.fromisoformat(r["signed_date"].strip())
    except ValueError:
        raise rows.fail(line, "signed_date", r["signed_date"], "not a date in the form YYYY-MM-DD.") from None
    if signed < FIRST_DATE:
        raise rows.fail(line, "signed_date", r["signed_date"], f"before the data's period, which starts on {FIRST_DATE}.")
    if signed > last:
        raise rows.fail(line, "signed_date", r["signed_date"], f"in the future (after {last}): only signed agreements belong in the data.")
    precision = r["date_precision"].strip()
    if precision not in PRECISIONS:
        raise rows.fail(line, "date_precision", precision, "must be day, month or year.")
    if (precision == "month" and signed.day != 1) or (precision == "year" and (signed.month, signed.day) != (1, 1)):
        raise rows.fail(line, "signed_date", r["signed_date"], f"with precision '{precision}' the date must be the first day of the {precision}.")
    if r["year"].strip() != str(signed.year):
        raise rows.fail(line, "year", r["year"], f"must equal the year of signed_date ({signed.year}).")
    parties = _split(r["parties"])
    for code in parties:
        if code not in countries:
            raise rows.fail(line, "parties", code, "unknown country code (not in data/countries.csv).")
    if len(set(parties)) != len(parties):
        dup = next(p for p in parties if parties.count(p) > 1)
        raise rows.fail(line, "parties", dup, "the same party is listed twice.")
    if len(parties) < 2:
        raise rows.fail(line, "parties", r["parties"], "an agreement needs at least two parties.")
    if not any(countries[p].eu_member for p in parties):
        raise rows.fail(line, "parties", r["parties"], "at least one party must be an EU member state.")
    if r["n_parties"].strip() != str(len(parties)):
        raise rows.fail(line, "n_parties", r["n_parties"], f"must equal the number of parties ({len(parties)}).")
    scope = "bilateral" if len(parties) == 2 else "plurilateral"
    if r["scope"].strip() != scope:
        raise rows.fail(line, "scope", r["scope"], f"with {len(parties)} parties the scope is '{scope}'.")
    if r["form"].strip() not in FORMS:
        raise rows.fail(line, "form", r["form"], f"must be one of: {', '.join(FORMS)}.")
    topics = _split(r["topics"])
    if not topics:
        raise rows.fail(line, "topics", r["topics"], "at least one topic is needed.")
    for topic in topics:
        if topic not in TOPICS:
            raise rows.fail(line, "topics", topic, f"unknown topic; use: {', '.join(TOPICS)}.")
    if len(set(topics)) != len(topics):
        raise rows.fail(line, "topics", r["topics"], "a topic is listed twice.")
    url = r["source_url"].strip()
    if not url.startswith(("https://", "http://")) or " " in url:
        raise rows.fail(line, "source_url", url, "every agreement needs a public web address (http or https).")
    return Agreement(aid, r["title"].strip(), signed, precision, signed.year, tuple(sorted(parties)),
                     len(parties), scope, r["form"].strip(), tuple(topics),
                     _bool(rows, line, "mutual_defence_clause", r["mutual_defence_clause"]),
                     r["summary"].strip(), url)


def check_row(record: dict[str, str], countries: tuple[Country, ...], today: dt.date | None = None) -> Agreement:
    """One row given as the CSV's cells, checked by exactly the rules a file row meets; the first fault is raised
    as a FieldError naming its column (the registry's proposals are checked here, never by a copy of the rules)."""
    cells = {c: str(record.get(c, "") or "") for c in AGREEMENT_COLUMNS}
    return _agreement(_OneRow(), 0, cells, {c.code: c for c in countries}, today or dt.date.today())  # type: ignore[arg-type]


def row_cells(a: Agreement) -> dict[str, str]:
    """An agreement as the CSV's cells (lists ';'-joined, booleans true/false), the inverse of check_row."""
    return {
        "agreement_id": a.agreement_id, "title": a.title, "signed_date": a.signed_date.isoformat(),
        "date_precision": a.date_precision, "year": str(a.year), "parties": ";".join(a.parties),
        "n_parties": str(a.n_parties), "scope": a.scope, "form": a.form, "topics": ";".join(a.topics),
        "mutual_defence_clause": "true" if a.mutual_defence_clause else "false", "summary": a.summary,
        "source_url": a.source_url,
    }


def load_agreements(path: Path, countries: tuple[Country, ...], today: dt.date | None = None) -> tuple[Agreement, ...]:
    """Every row of `path`, checked; `today` is the newest signing date accepted (default: the real today)."""
    rows = _Rows(path, AGREEMENT_COLUMNS)
    last = today or dt.date.today()
    by_code = {c.code: c for c in countries}
    seen: dict[str, int] = {}
    agreements = []
    for line, r in rows.records:
        a = _agreement(rows, line, r, by_code, last)
        if a.agreement_id in seen:
            raise rows.fail(line, "agreement_id", a.agreement_id, f"duplicate id (also on row {seen[a.agreement_id]}).")
        seen[a.agreement_id] = line
        agreements.append(a)
    if not agreements:
        raise DataError(f"{rows.name}: no agreements in the file.")
    return tuple(agreements)


def load_dataset(data_dir: Path | str | None = None, until: dt.date | None = None) -> Dataset:
    """The whole of data/, checked; with `until`, the data as it stood that day (rows signed up to it)."""
    data_dir = Path(data_dir or DATA_DIR)
    for name in ("countries.csv", "agreements.csv"):
        if not (data_dir / name).is_file():
            raise DataError(f"{data_dir.name}/{name}: the file is missing.")
    countries = load_countries(data_dir / "countries.csv")
    agreements = load_agreements(data_dir / "agreements.csv", countries)
    log = data_dir / "changes.csv"
    changes = load_changes(log, agreements) if log.is_file() else ()
    dataset = Dataset(countries, agreements, None, changes)
    return dataset.as_of(until) if until else dataset


def load_changes(path: Path, agreements: tuple[Agreement, ...]) -> tuple[Change, ...]:
    """The change log, checked: every line names a known row and a correctable column, and an old value that
    the row could hold (so the data as it stood before the change can be rebuilt)."""
    rows = _Rows(path, CHANGE_COLUMNS)
    ids = {a.agreement_id for a in agreements}
    changes = []
    for line, r in rows.records:
        try:
            day = dt.date.fromisoformat(r["changed_on"].strip())
        except ValueError:
            raise rows.fail(line, "changed_on", r["changed_on"], "not a date in the form YYYY-MM-DD.") from None
        if changes and day < changes[-1].changed_on:
            raise rows.fail(line, "changed_on", r["changed_on"], "the log is append-only: dates must not go back.")
        aid, column, old = r["agreement_id"].strip(), r["column"].strip(), r["old_value"]
        if aid not in ids:
            raise rows.fail(line, "agreement_id", aid, "no agreement with this id in data/agreements.csv.")
        if column not in (ADDED, *CORRECTABLE):
            raise rows.fail(line, "column", column, f"must be {ADDED} or one of: {', '.join(CORRECTABLE)}.")
        if column == "signed_date":
            try:
                dt.date.fromisoformat(old.strip())
            except ValueError:
                raise rows.fail(line, "old_value", old, "not a date in the form YYYY-MM-DD.") from None
        if column == "mutual_defence_clause" and old.strip().lower() not in BOOLEANS:
            raise rows.fail(line, "old_value", old, "must be true or false.")
        changes.append(Change(day, aid, column, old, r["new_value"], r["reason"].strip()))
    return tuple(changes)


SCHEMA = """
CREATE TABLE countries (code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, eu_member BOOLEAN NOT NULL,
                        nato_member BOOLEAN NOT NULL, region VARCHAR NOT NULL);
CREATE TABLE agreements (agreement_id VARCHAR PRIMARY KEY, title VARCHAR NOT NULL, signed_date DATE NOT NULL,
    date_precision VARCHAR, year INTEGER, parties VARCHAR[], n_parties INTEGER, scope VARCHAR, form VARCHAR,
    topics VARCHAR[], mutual_defence_clause BOOLEAN, summary VARCHAR, source_url VARCHAR NOT NULL);
CREATE VIEW agreement_parties AS
    SELECT agreement_id, unnest(parties) AS country_code FROM agreements;
"""


def write_database(dataset: Dataset, con: duckdb.DuckDBPyConnection) -> None:
    con.execute("BEGIN")
    con.execute(SCHEMA)
    con.executemany("INSERT INTO countries VALUES (?, ?, ?, ?, ?)",
                    [(c.code, c.name, c.eu_member, c.nato_member, c.region) for c in dataset.countries])
    con.executemany(
        "INSERT INTO agreements VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(a.agreement_id, a.title, a.signed_date, a.date_precision, a.year, list(a.parties), a.n_parties,
          a.scope, a.form, list(a.topics), a.mutual_defence_clause, a.summary, a.source_url)
         for a in dataset.agreements])
    con.execute("COMMIT")


def build_database_file(out: Path | str, data_dir: Path | str | None = None, until: dt.date | None = None) -> Dataset:
    """Validate data/ and write a DuckDB file; on bad data raise DataError and leave no file."""
    return write_database_file(out, load_dataset(data_dir, until))


def write_database_file(out: Path | str, dataset: Dataset) -> Dataset:
    """Write an already checked dataset to a DuckDB file, whole or not at all."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".duckdb", dir=out.parent)
    os.close(fd)
    os.unlink(tmp)  # duckdb wants to create the file itself
    try:
        con = duckdb.connect(tmp)
        try:
            write_database(dataset, con)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp, out)
    finally:
        for leftover in (tmp, tmp + ".wal"):
            if os.path.exists(leftover):
                os.unlink(leftover)
    return dataset

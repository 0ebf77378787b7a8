"""The Intent: what a question asks, as plain frozen data between the parser and the SQL builder.

Each filter renders itself twice, as a sqlglot condition on `agreements AS a` and as plain words,
so the interpretation a user reads and the SQL that runs cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field, replace

from sqlglot import exp

from assistant.data import TOPIC_LABELS

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


def col(name: str, table: str = "a") -> exp.Column:
    return exp.column(name, table)


def lit(value: object) -> exp.Expression:
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int):
        return exp.Literal.number(value)
    if isinstance(value, dt.date):
        return exp.cast(exp.Literal.string(value.isoformat()), "DATE")
    return exp.Literal.string(str(value))


def codes_array(codes: tuple[str, ...]) -> exp.Array:
    return exp.Array(expressions=[lit(c) for c in codes])


def join_words(items: list[str], last: str = "and") -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


@dataclass(frozen=True)
class Parties:
    """Agreements by their parties. mode: any (at least one), all (every one named), only (no others)."""

    codes: tuple[str, ...]
    mode: str = "any"
    label: str = ""  # "France", "the Baltic states (Estonia, Latvia, Lithuania)"
    slot: str = "country"  # follow-ups replace filters of the same slot

    def condition(self) -> exp.Expression:
        if len(self.codes) == 1 and self.mode != "only":
            return exp.func("list_contains", col("parties"), lit(self.codes[0]), dialect="duckdb")
        fn = {"any": "list_has_any", "all": "list_has_all"}.get(self.mode)
        if fn:
            return exp.Anonymous(this=fn, expressions=[col("parties"), codes_array(self.codes)])
        return exp.Anonymous(this="list_has_all", expressions=[codes_array(self.codes), col("parties")])

    def words(self) -> str:
        if self.mode == "only":
            return f"only among {self.label} (every party a member)"
        if self.mode == "all" and len(self.codes) > 1:
            return f"signed by {self.label} together"
        return f"involving {self.label}"


@dataclass(frozen=True)
class Excluding:
    codes: tuple[str, ...]
    label: str
    slot: str = "exclude"

    def condition(self) -> exp.Expression:
        return exp.not_(exp.Anonymous(this="list_has_any", expressions=[col("parties"), codes_array(self.codes)]))

    def words(self) -> str:
        return f"without {self.label}"


@dataclass(frozen=True)
class Years:
    """Signed in a span of calendar years, both ends included; None leaves an end open."""

    start: int | None
    end: int | None
    said: str = ""  # how the user put it: "since 2022", "after 2020"
    slot: str = "time"

    def condition(self) -> exp.Expression:
        year = col("year")
        if self.start == self.end:
            return year.eq(lit(self.start))
        parts = []
        if self.start is not None:
            parts.append(year >= lit(self.start))
        if self.end is not None:
            parts.append(year <= lit(self.end))
        return exp.and_(*parts)

    def words(self) -> str:
        if self.start == self.end:
            return f"signed in {self.start}"
        if self.end is None:
            said = f" ('{self.said}' = from {self.start} on)" if self.said and str(self.start) not in self.said else \
                (f" ('{self.said}' includes {self.start})" if self.said else "")
            return f"signed in {self.start} or later{said}"
        if self.start is None:
            return f"signed in {self.end} or earlier"
        return f"signed between {self.start} and {self.end} (both included)"


@dataclass(frozen=True)
class YearIn:
    years: tuple[int, ...]
    slot: str = "time"

    def condition(self) -> exp.Expression:
        return col("year").isin(*[lit(y) for y in self.years])

    def words(self) -> str:
        return "signed in " + join_words([str(y) for y in self.years], "or")


@dataclass(frozen=True)
class Month:
    """A calendar month; only rows dated to the day or month can be placed in a month."""

    year: int
    month: int
    slot: str = "time"

    def condition(self) -> exp.Expression:
        return exp.and_(col("year").eq(lit(self.year)),
                        exp.func("month", col("signed_date")).eq(lit(self.month)),
                        col("date_precision").isin(lit("day"), lit("month")))

    def words(self) -> str:
        return f"signed in {MONTHS[self.month - 1]} {self.year} (rows dated to the day or month)"


@dataclass(frozen=True)
class Dates:
    """Signed on or after / before a day, e.g. the full-scale invasion of 24 February 2022."""

    start: dt.date | None = None
    before: dt.date | None = None
    label: str = ""
    slot: str = "time"

    def condition(self) -> exp.Expression:
        parts = []
        if self.start:
            parts.append(col("signed_date") >= lit(self.start))
        if self.before:
            parts.append(col("signed_date") < lit(self.before))
        return exp.and_(*parts)

    def words(self) -> str:
        exact = self.label.split(" ", 1)[-1]  # "before 3 March 2024": the label already says the day
        if re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4}", exact):
            return f"signed {self.label}"
        if self.start and self.before:
            last = self.before - dt.timedelta(days=1)
            return f"signed {self.label} (from {self.start.day} {MONTHS[self.start.month - 1]} {self.start.year} to " \
                   f"{last.day} {MONTHS[last.month - 1]} {last.year})"
        if self.start:
            return f"signed {self.label} (on or after {self.start.day} {MONTHS[self.start.month - 1]} {self.start.year})"
        return f"signed {self.label} (before {self.before.day} {MONTHS[self.before.month - 1]} {self.before.year})"


@dataclass(frozen=True)
class Period:
    """Part of a year (a half, a quarter): signed from `start` to before `before`, among rows dated to the
    day or month (a row known only to its year cannot be placed in a half or a quarter)."""

    start: dt.date
    before: dt.date
    label: str  # "the first half of 2024"
    months: str  # "January–June"
    slot: str = "time"

    @property
    def year(self) -> int:
        return self.start.year

    def condition(self) -> exp.Expression:
        return exp.and_(col("signed_date") >= lit(self.start), col("signed_date") < lit(self.before),
                        col("date_precision").isin(lit("day"), lit("month")))

    def words(self) -> str:
        return f"signed in {self.label} ({self.months}; rows dated to the day or month)"


@dataclass(frozen=True)
class Form:
    forms: tuple[str, ...]
    slot: str = "form"

    def condition(self) -> exp.Expression:
        if len(self.forms) == 1:
            return col("form").eq(lit(self.forms[0]))
        return col("form").isin(*[lit(f) for f in self.forms])

    def words(self) -> str:
        return "in the form of a " + join_words(list(self.forms), "or")


@dataclass(frozen=True)
class Topic:
    topic: str
    slot: str = "topic"

    def condition(self) -> exp.Expression:
        return exp.func("list_contains", col("topics"), lit(self.topic), dialect="duckdb")

    def words(self) -> str:
        return f"on {TOPIC_LABELS.get(self.topic, self.topic)}"


@dataclass(frozen=True)
class Scope:
    scope: str
    slot: str = "scope"

    def condition(self) -> exp.Expression:
        return col("scope").eq(lit(self.scope))

    def words(self) -> str:
        return "bilateral (two parties)" if self.scope == "bilateral" else "plurilateral (three or more parties)"


@dataclass(frozen=True)
class PartyCount:
    op: str  # '=', '>=', '>', '<=', '<'
    n: int
    slot: str = "size"

    def condition(self) -> exp.Expression:
        ops = {"=": exp.EQ, ">=": exp.GTE, ">": exp.GT, "<=": exp.LTE, "<": exp.LT}
        return ops[self.op](this=col("n_parties"), expression=lit(self.n))

    def words(self) -> str:
        said = {"=": "exactly", ">=": "at least", ">": "more than", "<=": "at most", "<": "fewer than"}[self.op]
        return f"with {said} {self.n} parties"


@dataclass(frozen=True)
class MutualDefence:
    value: bool = True
    slot: str = "mutual"

    def condition(self) -> exp.Expression:
        return col("mutual_defence_clause").eq(lit(self.value))

    def words(self) -> str:
        return "with a mutual defence clause" if self.value else "without a mutual defence clause"


@dataclass(frozen=True)
class Text:
    """A word in the title or summary ("IRIS-T", "Nancy"); compared in lower case, as a literal."""

    word: str
    slot: str = "text"
    in_title: bool = False  # a name ("Aachen", "Quirinal"): the agreements it names, not those that mention it

    def condition(self) -> exp.Expression:
        needle = lit(self.word.lower())
        title = exp.func("contains", exp.func("lower", col("title")), needle)
        return title if self.in_title else exp.or_(title, exp.func("contains", exp.func("lower", col("summary")),
                                                                   needle.copy()))

    def words(self) -> str:
        if self.in_title:
            return f"with '{html.escape(self.word)}' in the title"
        return f"mentioning '{html.escape(self.word)}' in the title or summary"


@dataclass(frozen=True)
class Named:
    """An agreement named by (part of) its title: "the Baltic Defence Line Agreement"."""

    phrase: str
    ids: tuple[str, ...]
    exclude: bool = False  # "which other agreements ...": all but these
    slot: str = "text"

    def condition(self) -> exp.Expression:
        if not self.ids:  # none named (nothing added since that day): no row, or every row
            return exp.true() if self.exclude else exp.false()
        among = col("agreement_id").isin(*[lit(i) for i in self.ids])
        return exp.not_(among) if self.exclude else among

    def words(self) -> str:
        if self.exclude:
            return f"other than {html.escape(self.phrase)} ({', '.join(self.ids)})"
        if self.phrase.startswith("the agreement"):
            return f"among {html.escape(self.phrase)} ({', '.join(self.ids)})"
        return f"named '{html.escape(self.phrase)}'"


Filter = Named | Parties | Excluding | Years | YearIn | Month | Dates | Period | Form | Topic | Scope | PartyCount | MutualDefence | Text

OTHER_STATES = "the other states"  # restrict_label of "who else signed them?": only states that signed are rows
SLOT_ORDER = ("country", "exclude", "time", "form", "topic", "scope", "size", "mutual", "text", "added")


def ordered(filters) -> tuple:
    """Filters in reading order (who, when, what), so the interpretation reads naturally."""
    return tuple(sorted(filters, key=lambda f: SLOT_ORDER.index(f.slot)))


@dataclass(frozen=True)
class Refusal:
    """What the parser returns instead of an Intent: a question to decline or to ask back about."""

    status: str  # "unsupported" or "clarify"
    answer: str
    interpretation: str
    suggestions: tuple[str, ...] = ()
    reason: str = ""  # "no_question": nothing about agreements was asked (a kind may supply the question)




@dataclass(frozen=True)
class Intent:
    """One question, understood. Filters narrow the agreements; kind says what to compute on them."""

    kind: str = "count"
    filters: tuple[Filter, ...] = ()
    dims: tuple[str, ...] = ()  # breakdown / rank dimensions, e.g. ("year",) or ("year", "form")
    focus: tuple[str, ...] = ()  # partners / never: the state whose partners are asked about
    focus_label: str = ""
    restrict: tuple[str, ...] = ()  # country rows limited to these codes ("each Nordic state")
    restrict_label: str = ""
    metric: str = "agreements"  # rank countries by "agreements" or by number of "partners"
    n: int | None = None  # top / bottom N (ties with the N-th are shown too)
    ascending: bool = False
    count_rows: bool = False  # "how many partners / countries": the answer is the number of rows
    share: tuple[Filter, ...] = ()  # share questions: the part whose share of `filters` is asked
    chart: str | None = None  # the user's chart override: line, bar, table, map, network, heatmap
    # Kinds in assistant/kinds/ (one module each) keep their own settings here:
    op: str = ""  # threshold: '>', '>=', '<', '<=', '=' on each state's count
    value: int | None = None  # threshold: the number compared with
    stat: str = ""  # average: 'mean' or 'median'
    per: str = ""  # average: 'agreement' (parties per agreement), 'state' or 'year' (agreements per …)
    linked: tuple[str, ...] = ()  # linked: states with at least one agreement with each of these …
    unlinked: tuple[str, ...] = ()  # … and none with any of these
    last_year: int | None = None  # average per year: the data's last year, where the question leaves the end open
    pairs: tuple[str, ...] = ()  # neighbours: the pairs of bordering states looked at ("DE-PL")
    sides: tuple[Filter, ...] = ()  # groups or periods compared: each side's own figure ("Southern vs Eastern Europe")
    earlier_states: tuple[str, ...] = ()  # states a follow-up replaced ("What about Germany?" after France): "the two"
    notes: tuple[str, ...] = field(default=())  # readings the interpretation should state
    # What the answer to this intent showed, for follow-ups ("tell me more about it", "its agreements"):
    cited: tuple[str, ...] = ()  # agreement ids, when the answer named a few agreements
    cited_states: tuple[str, ...] = ()  # state codes, when the answer named a few states
    listed: tuple[str, ...] = ()  # the rows of the list a row was picked from ("the second one", then "the third?")

    def with_(self, **changes) -> Intent:
        return replace(self, **changes)


def begins(t) -> dt.date:
    """Where a time filter starts (an open start is the earliest), to put periods in order."""
    start = getattr(t, "start", None)
    if isinstance(t, Years):
        return dt.date(t.start, 1, 1) if t.start else dt.date.min
    if isinstance(start, dt.date):
        return start
    return dt.date(t.year, getattr(t, "month", 1), 1) if hasattr(t, "year") else dt.date.min


def other_side(t, before: bool):
    """The time on the other side of a date: 'before it' after 'since the invasion' (None where there is none)."""
    if isinstance(t, Dates) and before and t.start:
        return Dates(before=t.start, label=re.sub(r"^(after|since|from|in|during|between)\b", "before", t.label))
    if isinstance(t, Dates) and not before and t.before:
        return Dates(start=t.before, label=re.sub(r"^(before|until|in|during|within|between)\b", "after", t.label))
    if isinstance(t, (Month, Period)):  # before / after "March 2024", "the second half of 2024"
        first = t.start if isinstance(t, Period) else dt.date(t.year, t.month, 1)
        after = t.before if isinstance(t, Period) else dt.date(t.year + t.month // 12, t.month % 12 + 1, 1)
        said = t.label if isinstance(t, Period) else f"{MONTHS[t.month - 1]} {t.year}"
        return Dates(before=first, label=f"before {said}") if before else Dates(start=after, label=f"after {said}")
    if isinstance(t, Years) and before and t.start:  # before "in 2023" / "2015-2019": up to the year before
        return Years(None, t.start - 1)
    if isinstance(t, Years) and not before and t.end:
        return Years(t.end + 1, None)
    return None

"""Time phrases -> filters, read as SEMANTICS.md says ("since 2022" includes 2022, "after 2020" = from 2021).

`find_time(text)` returns the filters it found, notes for the interpretation, problems worth asking
back about, and the text with the matched phrases blanked out so nothing reads them twice.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from rapidfuzz.distance import DamerauLevenshtein

from assistant.intent import MONTHS as MONTH_NAMES
from assistant.intent import Dates, Month, Period, YearIn, Years

FIRST_YEAR, LAST_YEAR = 2014, 2025  # LAST_YEAR: the brief's last year; the data's own end comes from the dataset
DATA_PERIOD = "the data"  # label of the data's own period (no words) among the periods: where the data ends
INVASION = dt.date(2022, 2, 24)
MONTHS = {m: i + 1 for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"])}
MONTHS.update({"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
               "oct": 10, "nov": 11, "dec": 12})
MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20}
Y = r"((?:19|20)\d\d)"


@dataclass
class TimeFound:
    filters: list = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    clarify: list[str] = field(default_factory=list)  # suggestions when the time is ambiguous
    lone_month: int = 0  # a month named without a year
    lone_part: tuple[str, int] | None = None  # a half or quarter named without a year: ("half", 2)
    outside: str = ""  # a time wholly outside the data
    text: str = ""


# (pattern, builder) in order: longer, more specific phrases first.
MONTH_SHORT_YEAR = re.compile(rf"\b((?:since|from|after|before|in|until|till|by|during) (?:{MONTH_RE})) '?(1[4-9]|2[0-6])\b"
                              r"(?! ?(?:%|per cent|percent|agreements?|deals?|states?|countries|parties|partners))")
SHORT_YEAR = re.compile(r"\b(since|from|after|before|in|until|till|by) '?(1[4-9]|2[0-5])\b(?! ?(?:%|per cent|percent|agreements?|"
                        r"deals?|states?|countries|parties|partners|"  + MONTH_RE + r"))")
RULES: list[tuple[re.Pattern, object]] = [
    (re.compile(rf"\b(?:between|from) {Y} (?:and|to|until|till|through|-|–) {Y}\b"),
     lambda m: Years(int(m[1]), int(m[2]))),
    (re.compile(rf"\b{Y} ?(?:-|–|to|until|till|through) ?{Y}\b"), lambda m: Years(int(m[1]), int(m[2]))),
    # "since 1 October 2025", "before 24 Feb 2022", "on 12 March 2026": a day
    (re.compile(rf"\b(?P<side>since|from|starting|as of|on or after|after|before|prior to|until|till|up to|by|on)?\s*"
                rf"(?P<day>\d{{1,2}})(?:st|nd|rd|th)? (?P<month>{MONTH_RE}),? {Y}\b|"
                rf"\b(?P<side2>since|from|starting|as of|on or after|after|before|prior to|until|till|up to|by|on)?\s*"
                rf"(?P<month2>{MONTH_RE}) (?P<day2>\d{{1,2}})(?:st|nd|rd|th)?,? {Y}\b"), "day"),
    (re.compile(rf"\b(?:since|from|starting|starting in|starting from|as of|beginning in|beginning|after|before|prior to|until|till|up to|by|in|during)?\s*(?:the )?(?:start of |beginning of |end of )?({MONTH_RE}) {Y}\b"
                r"(?P<on> onwards?\b| on\b| and later\b| or later\b| and after\b)?"),
     "month"),
    # "which of those are from 2019", "the ones dating from 2016": dated in that year (not "from 2019 on")
    (re.compile(rf"\b(?:are|is|was|were|dating|dated|date|ones|one|those|these) from {Y}\b"
                r"(?! ?(?:on\b|onwards?|to\b|-|–|until|till|through|and\b|or\b))"), lambda m: Years(int(m[1]), int(m[1]))),
    (re.compile(rf"\b(?:since|from|starting in|starting from|starting|as of|beginning in|beginning with|beginning) {Y}\b"),
     lambda m: Years(int(m[1]), None, m[0])),
    (re.compile(rf"\b{Y} (?:or|and) (?:later|after|since|onwards|beyond)\b|\b{Y} onwards?\b|\b{Y} and up\b"),
     lambda m: Years(int(m[1] or m[2] or m[3]), None, m[0])),
    (re.compile(rf"\b(?:after|later than|post|following) {Y}\b"), lambda m: Years(int(m[1]) + 1, None, m[0])),
    (re.compile(rf"\b(?:before|prior to|earlier than|pre) {Y}\b"), lambda m: Years(None, int(m[1]) - 1)),
    (re.compile(rf"\b{Y} (?:or|and) (?:earlier|before)\b"), lambda m: Years(None, int(m[1]))),
    (re.compile(rf"\b(?:until|till|up to|up until|through|no later than|by the end of|by) {Y}\b"),
     lambda m: Years(None, int(m[1]))),
    (re.compile(r"\b(?:in |over |during |within )?the (?:last|past|previous) (\d+|two|three|four|five|six|seven|eight|nine|ten) years\b"),
     "last_years"),
    (re.compile(rf"\b{Y}(?:(?:, ?| and | or | & ){Y})+\b"), "year_list"),
    (re.compile(rf"\b{Y}s?\b"), lambda m: Years(int(m[1]), int(m[1]))),
]
_INVASION = (r"(?:the )?(?:start of (?:the )?|beginning of (?:the )?|outbreak of (?:the )?)?(?:russia'?s? |the russian )?"
             r"(?:full[- ]scale |large[- ]scale |all[- ]out )?(?:russian )?(?:invasion|war|attack)"
             r"(?: (?:of|on|in|against) ukraine)?(?: in (?:february )?2022)?")
AFTER_INVASION = re.compile(rf"\b(?:after|since|following|post|from|in the wake of|in the aftermath of) {_INVASION}\b")
BEFORE_INVASION = re.compile(rf"\b(?:before|prior to|preceding|ahead of|until) {_INVASION}\b")
RELATIVE = re.compile(r"\b(this|last|next|current|past) year\b|\bthis month\b|\blast month\b")
LONE_MONTH = re.compile(rf"(?:^\s*|\b(?:in|during|since|after|before|for|of) )({MONTH_RE})\b(?! \d)")


def _day(m: re.Match) -> Dates | None:
    """'since 1 October 2025' (that day included), 'after …' (from the next day), 'before …', 'on …' (that day)."""
    side = m["side"] or m["side2"] or "on"
    year = int(m[m.re.groupindex["day"] + 2] if m["day"] else m[m.re.groupindex["day2"] + 1])
    try:
        day = dt.date(year, MONTHS[m["month"] or m["month2"]], int(m["day"] or m["day2"]))
    except ValueError:
        return None
    said = f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"
    nxt = day + dt.timedelta(days=1)
    if side in ("after",):
        return Dates(start=nxt, label=f"after {said}")
    if side in ("before", "prior to"):
        return Dates(before=day, label=f"before {said}")
    if side in ("until", "till", "up to", "by"):
        return Dates(before=nxt, label=f"up to {said}")
    if side == "on":
        return Dates(start=day, before=nxt, label=f"on {said}")
    return Dates(start=day, label=f"since {said}")


def _month(m: re.Match, found: TimeFound):
    text = m[0]
    month, year = MONTHS[m[1]], int(m[2])
    first = dt.date(year, month, 1)
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    label = f"{m[1].title()} {year}"
    if re.match(r"(since|from|starting|as of|beginning)", text) or m.group("on"):  # "Oct 2025 onwards"
        return Dates(start=first, label=f"since {label}")
    if text.startswith("after"):
        return Dates(start=nxt, label=f"after {label}")
    if re.match(r"(before|prior to)", text):
        return Dates(before=first, label=f"before {label}")
    if re.match(r"(until|till|up to|by)", text):
        return Dates(before=nxt, label=f"up to {label}")
    return Month(year, month)


EVENT_BEFORE = r"(?:before|prior to|until|ahead of|preceding|pre)"
EVENT_AFTER = r"(?:since|after|following|from|post|in the wake of|in the aftermath of|after the|since the)"
ORDINAL = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
HALF = re.compile(rf"\b(?:in |during |over |for )?(?:the )?(first|second|1st|2nd|last) half(?: of)?(?: the year)?(?: (?:of )?{Y})?\b"
                  rf"|\bh([12])(?: of)?(?: {Y})?\b")
QUARTER = re.compile(rf"\b(?:in |during |over |for )?(?:the )?(first|second|third|fourth|1st|2nd|3rd|4th|last) quarter(?: of)?"
                     rf"(?: the year)?(?: (?:of )?{Y})?\b|\bq([1-4])(?: of)?(?: {Y})?\b")


def period(part: str, index: int, year: int) -> Period:
    """A half (index 1-2) or quarter (1-4) of a year as a Period filter."""
    size = 6 if part == "half" else 3
    first = (index - 1) * size + 1
    start = dt.date(year, first, 1)
    before = dt.date(year + 1, 1, 1) if first + size > 12 else dt.date(year, first + size, 1)
    name = {1: "first", 2: "second", 3: "third", 4: "fourth"}[index]
    return Period(start, before, f"the {name} {part} of {year}",
                  f"{MONTH_NAMES[first - 1]}–{MONTH_NAMES[first + size - 2]}")


def _parts_of_year(found: TimeFound, blank) -> None:
    for part, pattern in (("half", HALF), ("quarter", QUARTER)):
        for m in list(pattern.finditer(found.text)):
            word, digit, year = m[1], m[3], m[2] or m[4]
            index = int(digit) if digit else (2 if part == "half" else 4) if word == "last" else ORDINAL[word]
            if year:
                found.filters.append(period(part, index, int(year)))
            else:
                found.lone_part = (part, index)
                found.clarify = [f"Agreements signed in the {m[0].strip()} of {y}" for y in (2025, 2024)]
                found.notes.append(f"'{m[0].strip()}' needs a year")
            blank(m.span())


def _names(state: str, text: str) -> bool:
    """Whether the text names the state, also with a typo ("sweeden" for Sweden): one edit away."""
    return any(w == state or (len(w) >= 5 and DamerauLevenshtein.distance(w, state) <= 1) for w in re.findall(r"[a-z]+", text))


def _events(found: TimeFound, events, blank) -> None:
    """'since Brexit', 'before Finland joined NATO', 'since it joined NATO' (the state the question names)."""
    by_key = {e.key: e for e in events}
    for e in events:
        for p in sorted(e.phrases, key=len, reverse=True):
            pattern = rf"\b(?:({EVENT_BEFORE})|{EVENT_AFTER})(?: the)?[ -]{re.escape(p)}\b"
            for m in list(re.finditer(pattern, found.text)):
                event = e
                if e.of_named:
                    named = [by_key[k] for k in e.of_named if _names(by_key[k].label.split()[0].lower(), found.text)]
                    if len(named) != 1:
                        found.clarify = [f"How many agreements were signed since {by_key[k].label.split(' (')[0]}?"
                                         for k in e.of_named]
                        found.notes.append(f"'{p}' needs the state it refers to")
                        blank(m.span())
                        continue
                    event = named[0]
                day = event.day + dt.timedelta(days=1) if event.strictly_after else event.day
                state = event.label.split()[0].lower()
                if event.who and not e.of_named and not re.search(rf"\b{state}\b", found.text[: m.start()] +
                                                                   found.text[m.end():]):
                    # "Since Sweden joined NATO, how many has it signed?": 'it' is the state the event names.
                    found.text = re.sub(r"\b(it|its|it's|they|their)\b", lambda x, state=state: state + ("'s" if x[0] in
                                        ("its", "it's", "their") else ""), found.text, count=1)
                name = event.label.split(" (")[0]
                if m[1]:
                    found.filters.append(Dates(before=day, label=f"before {name}"))
                else:
                    after = "after" if event.strictly_after else "since"
                    found.filters.append(Dates(start=day, label=f"{after} {event.label if event.strictly_after else name}"))
                blank(m.span())


def data_end(periods=()) -> dt.date:
    """The last day the data covers: from the data's own period (Vocabulary adds it from the dataset)."""
    return next((before - dt.timedelta(days=1) for _, _, before, label in periods if label == DATA_PERIOD),
                dt.date(2025, 9, 30))


def find_time(text: str, invasion_phrases: list[str], before_invasion: list[str], events=(), periods=()) -> TimeFound:
    found = TimeFound(text=text)
    end = data_end(periods)
    last_year = end.year
    covers = f"The data covers agreements signed from {FIRST_YEAR} to {MONTH_NAMES[end.month - 1]} {end.year}."

    def blank(span):
        found.text = found.text[: span[0]] + " " * (span[1] - span[0]) + found.text[span[1]:]

    for phrases, start, before, label in periods:  # "in the brief's period"; "after the brief's period"
        for p in sorted(phrases, key=len, reverse=True):
            said = re.escape(p).replace(r"the\ ", r"(?:the\ )?")  # a kind's reader may have taken out "the"
            for m in list(re.finditer(rf"(?:\b(?P<side>after|since|following|outside|beyond|before|prior to) )?"
                                      rf"(?<![\w]){said}(?![\w])", found.text)):
                side = m["side"]
                name = re.sub(r"^(in|during|within|over) ", "", label)
                if side in ("before", "prior to"):
                    found.filters.append(Dates(before=start, label=f"before {name}"))
                elif side and before:
                    found.filters.append(Dates(start=before, label=f"after {name}"))
                else:
                    found.filters.append(Dates(start=start, before=before, label=label))
                blank(m.span())

    # "since oct 25", "in March '24": a month with a two-digit year
    found.text = MONTH_SHORT_YEAR.sub(lambda m: f"{m[1]} 20{m[2]}", found.text)
    found.text = SHORT_YEAR.sub(lambda m: f"{m[1]} 20{m[2]}", found.text)  # "since '22", "in 24": the year
    _events(found, events, blank)
    _parts_of_year(found, blank)

    for phrases, build in ((before_invasion, lambda: Dates(before=INVASION, label="before the full-scale invasion")),
                           (invasion_phrases, lambda: Dates(start=INVASION, label="after the full-scale invasion"))):
        for p in sorted(phrases, key=len, reverse=True):
            for m in re.finditer(rf"(?<![\w]){re.escape(p)}(?: (?:of|in|on|against) ukraine)?(?![\w])", found.text):
                found.filters.append(build())
                blank(m.span())
    for pattern, build in ((AFTER_INVASION, lambda: Dates(start=INVASION, label="after the full-scale invasion")),
                           (BEFORE_INVASION, lambda: Dates(before=INVASION, label="before the full-scale invasion"))):
        for m in list(pattern.finditer(found.text)):
            found.filters.append(build())
            blank(m.span())
    if RELATIVE.search(found.text):
        found.clarify = [f"How many agreements were signed in {last_year}?",
                         f"How many agreements were signed in {last_year - 1}?"]
        found.notes.append(f"the data runs to {MONTH_NAMES[end.month - 1]} {end.year}, so 'this year' or 'last year' "
                           "needs a year")
        blank(RELATIVE.search(found.text).span())
    m = LONE_MONTH.search(found.text)
    if m and not re.search(rf"{m[1]} {Y}", found.text):
        found.clarify = [f"How many agreements were signed in {m[1].title()} {y}?" for y in (2024, 2025, 2023)]
        found.notes.append(f"'{m[1]}' needs a year")
        found.lone_month = MONTHS[m[1]]
        blank(m.span())
    for pattern, build in RULES:
        for m in list(pattern.finditer(found.text)):
            if build == "day":
                f = _day(m)
                if f is None:
                    continue
            elif build == "month":
                f = _month(m, found)
            elif build == "last_years":
                n = int(m[1]) if m[1].isdigit() else NUMBER_WORDS[m[1]]
                f = Years(last_year - n + 1, last_year)
                found.notes.append(f"'the last {n} years' = the last {n} years in the data ({last_year - n + 1}-{last_year})")
            elif build == "year_list":
                years = tuple(sorted({int(y) for y in re.findall(Y, m[0])}))
                contiguous = years == tuple(range(years[0], years[-1] + 1))
                f = Years(years[0], years[-1]) if contiguous else YearIn(years)
            else:
                f = build(m)
            found.filters.append(f)
            blank(m.span())
    for f in found.filters:
        years = _years_of(f)
        if years and (years[1] < FIRST_YEAR or years[0] > last_year):
            found.outside = covers
        if isinstance(f, Period) and f.start > end:
            found.outside = covers
        if isinstance(f, Month) and (f.year, f.month) > (end.year, end.month):
            found.outside = covers
    return found


def _years_of(f) -> tuple[int, int] | None:
    if isinstance(f, Period):
        return (f.year, f.year)
    if isinstance(f, Years):
        return (f.start or 0, f.end or 9999)
    if isinstance(f, YearIn):
        return (min(f.years), max(f.years))
    if isinstance(f, Month):
        return (f.year, f.year)
    return None

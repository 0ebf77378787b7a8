"""New to the data: the agreements added to the registry since a day (issue 12's citable history).

    What was added since 1 October?
    Which agreements were added to the data after 1 November 2026?
    new entries since October 2026 involving Ukraine

"Added" is the day a row entered the data (the change log: data/changes.csv and the registry's accepted
proposals), not the day it was signed. A day without a year is the latest such day up to today.
"""

from __future__ import annotations

import datetime as dt
import re

from sqlglot import exp

from assistant.build_sql import AGREEMENT_COLUMNS, filtered
from assistant.intent import MONTHS, Intent, Named, join_words
from assistant.kinds.frame import Context, Frame
from assistant.parse_time import MONTH_RE
from assistant.parse_time import MONTHS as MONTH_NUMBERS
from assistant.wording import filter_words

KIND = "added"
EXAMPLES = ("What was added since 1 October?", "Which agreements were added to the data after 1 November 2026?")
WORDS = ("added", "additions")
CUE = re.compile(r"\b(?:was|were|been|got|have been|has been)? ?(?:added|entered into the (?:data|registry|dataset)|new "
                 r"(?:rows|entries|additions)|additions|newly added)\b")
DAY = re.compile(rf"\b(?P<side>since|after|from|as of|on or after)\s+(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m1>{MONTH_RE})"
                 rf"|(?P<m2>{MONTH_RE})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?|(?P<m3>{MONTH_RE}))(?:,?\s+(?P<y>20\d\d))?\b")


def recognise(text: str, context: Context) -> Frame | None:
    cue, day = CUE.search(text), DAY.search(text)
    if not cue or not day:
        return None
    month = MONTH_NUMBERS[day["m1"] or day["m2"] or day["m3"]]
    number = int(day["d1"] or day["d2"] or 1)
    today = dt.date.today()
    year = int(day["y"]) if day["y"] else today.year - (dt.date(today.year, month, min(number, 28)) > today)
    try:
        start = dt.date(year, month, number)
    except ValueError:
        return None
    if day["side"] == "after" and (day["d1"] or day["d2"]):
        start += dt.timedelta(days=1)
    rest = CUE.sub(" ", text[: day.start()] + " " + text[day.end():])
    rest = re.sub(r"\b(?:to|in|into) (?:the )?(?:data|dataset|registry|database)\b", " ", rest)
    return Frame(KIND, rest, {"start": start, "said": day[0]})


def make(frame: Frame, base: Intent, context: Context) -> Intent:
    start = frame.settings["start"]
    ids = tuple(sorted(a for a, day in context.v.added_on.items() if day >= start))
    label = f"added to the data on or after {start.day} {MONTHS[start.month - 1]} {start.year}"
    return Intent(kind=KIND, filters=(*base.filters, Named(label, ids, slot="added")), notes=base.notes)


def sql(intent: Intent) -> exp.Select:
    q = filtered(exp.select(*[f"a.{c}" for c in AGREEMENT_COLUMNS]).from_("agreements AS a"), intent)
    return q.order_by("a.signed_date DESC", "a.agreement_id")


def _added(intent: Intent) -> str:
    return next(f.phrase for f in intent.filters if isinstance(f, Named) and f.slot == "added")


def _others(v, intent: Intent) -> str:
    others = [f for f in intent.filters if not (isinstance(f, Named) and f.slot == "added")]
    return f", {filter_words(v, intent, others)}" if others else ""


def interpretation(v, intent: Intent) -> str:
    return f"The agreements {_added(intent)}{_others(v, intent)} (the change log: the day a row entered the data, " \
           "not the day it was signed), newest signing first."


def describe(v, intent: Intent, columns: list[str], rows: list[list], row_count: int) -> str:
    if not rows:
        return f"No agreements were {_added(intent)}{_others(v, intent)}."
    col = {c: i for i, c in enumerate(columns)}
    titles = join_words([f"{r[col['title']]} ({r[col['signed_date']]})" for r in rows[:5]])
    more = f" and {row_count - 5} more" if row_count > 5 else ""
    return f"{row_count} agreement{'s were' if row_count != 1 else ' was'} {_added(intent)}{_others(v, intent)}: " \
           f"{titles}{more}."

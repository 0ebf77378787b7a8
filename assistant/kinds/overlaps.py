"""Overlaps, in the brief's words ("a registry ... to help monitor overlaps"): the same pair of states on the
same topic in two agreements signed within 12 months (the Monitor page counts them the same way,
assistant/monitor.py).

    Which agreements overlap?
    overlapping agreements involving Poland since 2022
    are there overlaps on cyber?

Each row is an agreement and the earlier one it overlaps with: the pair, the topic and the days between.
Consecutive agreements of a pair on a topic are compared, so three such agreements make two overlaps.
"""

from __future__ import annotations

import re

import sqlglot
from sqlglot import exp

from assistant.build_sql import filtered
from assistant.intent import Intent, Parties, Topic
from assistant.kinds.frame import Context, Frame
from assistant.monitor import OVERLAP_DAYS
from assistant.wording import filter_words

KIND = "overlaps"
EXAMPLES = ("Which agreements overlap?", "overlapping agreements involving Poland since 2022")
WORDS = ("overlap", "overlaps", "overlapping", "duplicates")
CUE = re.compile(r"\b(?:overlap|overlaps|overlapping|overlapped|duplicat(?:e|es|ed|ing|ion|ions)|redundant|"
                 r"double[- ]ups?)\b")
PAIRS = """
SELECT a.agreement_id, a.title, a.signed_date, p1.country_code AS state_a, p2.country_code AS state_b, t.topic,
       lag(a.agreement_id) OVER w AS earlier_id, lag(a.title) OVER w AS earlier_title,
       lag(a.signed_date) OVER w AS earlier_date
FROM agreements AS a
JOIN agreement_parties AS p1 ON p1.agreement_id = a.agreement_id
JOIN agreement_parties AS p2 ON p2.agreement_id = a.agreement_id AND p1.country_code < p2.country_code
CROSS JOIN unnest(a.topics) AS t(topic)
WINDOW w AS (PARTITION BY p1.country_code, p2.country_code, t.topic ORDER BY a.signed_date, a.agreement_id)
"""


def recognise(text: str, context: Context) -> Frame | None:
    if not CUE.search(text):
        return None
    rest = CUE.sub(" ", text)
    rest = re.sub(r"\b(?:with each other|one another|each other|within (?:12|twelve) months|in the same year)\b", " ", rest)
    return Frame(KIND, rest + " agreements", {})


def make(frame: Frame, base: Intent, context: Context) -> Intent:
    return Intent(kind=KIND, filters=base.filters, notes=base.notes)


def sql(intent: Intent) -> exp.Select:
    # The question's filters choose the agreements compared (both of each overlapping pair).
    pairs = filtered(sqlglot.parse_one(PAIRS, read="duckdb"), intent)
    return (exp.select("agreement_id", "title", "signed_date", "state_a", "state_b", "topic", "earlier_id",
                       "earlier_title", "earlier_date",
                       exp.alias_(exp.column("signed_date") - exp.column("earlier_date"), "days_apart"))
            .from_(pairs.subquery("o"))
            .where(f"earlier_id IS NOT NULL AND signed_date - earlier_date <= {OVERLAP_DAYS}")
            .where(_pair_of(intent))
            .order_by("signed_date DESC", "state_a", "state_b", "topic"))


def _pair_of(intent: Intent) -> exp.Expression:
    """'Poland's overlapping agreements': pairs that include Poland (not every pair in Poland's agreements); 'on
    cyber': overlaps on that topic (not on the other topics of cyber agreements)."""
    named = [c for f in intent.filters if isinstance(f, Parties) and f.mode == "any" for c in f.codes]
    topics = [exp.Literal.string(f.topic) for f in intent.filters if isinstance(f, Topic)]
    conditions = [exp.column("topic").isin(*topics)] if topics else []  # "overlaps on cyber": on that topic
    if named:
        codes = [exp.Literal.string(c) for c in named]
        conditions.append(exp.or_(exp.column("state_a").isin(*codes), exp.column("state_b").isin(*codes)))
    return exp.and_(*conditions) if conditions else exp.true()


def interpretation(v, intent: Intent) -> str:
    return f"Overlaps among agreements {filter_words(v, intent)}: the same pair of states on the same topic in two " \
           f"agreements signed within 12 months ({OVERLAP_DAYS} days) of each other, consecutive ones compared."


def describe(v, intent: Intent, columns: list[str], rows: list[list], row_count: int) -> str:
    if not rows:
        return f"No overlaps among agreements {filter_words(v, intent)}: no pair of states signed two agreements " \
               "on the same topic within 12 months."
    col = {c: i for i, c in enumerate(columns)}
    r = rows[0]
    newest = f"{v.names[r[col['state_a']]]} and {v.names[r[col['state_b']]]} on {r[col['topic']]}: " \
             f"{r[col['title']]} ({r[col['signed_date']]}), {r[col['days_apart']]} days after " \
             f"{r[col['earlier_title']]} ({r[col['earlier_date']]})"
    return f"{row_count} overlap{'s' if row_count != 1 else ''} among agreements {filter_words(v, intent)} (a pair " \
           f"of states, one topic, two agreements within 12 months). The newest: {newest}."

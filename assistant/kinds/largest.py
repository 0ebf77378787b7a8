"""Size: the agreements with the most parties (ties shown).

    What is the largest agreement in the data?
    Which agreement has the most signatories?
    What's the biggest agreement Estonia is part of?
    which of those has the most parties?      (the rows of the last answer)

SEMANTICS.md: "the largest / biggest agreement" = most parties (ties shown).
"""

from __future__ import annotations

import re

from sqlglot import exp

from assistant.build_sql import AGREEMENT_COLUMNS, filtered
from assistant.intent import Intent, Refusal, join_words
from assistant.kinds.frame import REFERS, Context, Frame
from assistant.wording import filter_words

KIND = "largest"
WORDS = ("largest", "biggest", "broadest")  # cue words a typo may stand for
EXAMPLES = ("What is the largest agreement in the data?", "Which agreement has the most signatories?",
            "What's the biggest agreement Estonia is part of?")
SIZE = re.compile(r"\b(?:largest|biggest|widest|broadest|most inclusive)(?: (?:single|defence|security))? "
                  r"(?P<noun>agreements?|deals?|pacts?|accords?|treaty|treaties|arrangements?|one|ones|grouping|document)\b"
                  r"|\b(?:the )?(?:most|highest number of|greatest number of|largest number of|biggest number of) "
                  r"(?:parties|signatories|signatory states|signatory countries|participants|members|countries involved|"
                  r"states involved|countries signing|states signing)\b")


def recognise(text: str, context: Context) -> Frame | None:
    m = SIZE.search(text)
    if not m:
        return None
    rest = text[: m.start()] + " " + text[m.end():]
    refers = context.previous is not None and bool(REFERS.search(rest))
    rest = re.sub(r"\b(what is|what's|whats|which|what|is|was|has|had|have|in the data set|in the dataset|in the data|"
                  r"the)\b", " ", rest)
    return Frame(KIND, rest + " agreements", {}, refers=refers)


def make(frame: Frame, base: Intent, context: Context) -> Intent | Refusal:
    return Intent(kind=KIND, filters=base.filters, notes=base.notes)


def sql(intent: Intent) -> exp.Select:
    q = filtered(exp.select(*[f"a.{c}" for c in AGREEMENT_COLUMNS], "a.n_parties").from_("agreements AS a"), intent)
    return q.qualify("rank() OVER (ORDER BY a.n_parties DESC) = 1").order_by("a.signed_date DESC", "a.agreement_id")


def interpretation(v, intent: Intent) -> str:
    return f"The agreements with the most parties (ties shown), among agreements {filter_words(v, intent)}."


def describe(v, intent: Intent, columns: list[str], rows: list[list], row_count: int) -> str:
    if not rows:
        return f"There are no agreements {filter_words(v, intent)} in the data."
    col = {c: i for i, c in enumerate(columns)}
    size = rows[0][col["n_parties"]]
    if len(rows) == 1:
        r = rows[0]
        return f"The largest agreement {filter_words(v, intent)} is {r[col['title']]} ({r[col['signed_date']]}), " \
               f"with {size} parties."
    titles = join_words([f"{r[col['title']]} ({r[col['signed_date']]})" for r in rows[:8]])
    return f"{len(rows)} agreements {filter_words(v, intent)} tie as the largest, with {size} parties each: {titles}."

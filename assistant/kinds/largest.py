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
from assistant.kinds.frame import REFERS, Context, Frame, number
from assistant.wording import filter_words

KIND = "largest"
WORDS = ("largest", "biggest", "broadest")  # cue words a typo may stand for
EXAMPLES = ("What is the largest agreement in the data?", "Which agreement has the most signatories?",
            "What's the biggest agreement Estonia is part of?")
SIZE = re.compile(r"\b(?:largest|biggest|widest|broadest|most inclusive)(?: (?:single|defence|security))? "
                  r"(?P<noun>agreements?|deals?|pacts?|accords?|treaty|treaties|arrangements?|one|ones|grouping|document)\b"
                  r"|\b(?:the )?(?:most|highest number of|greatest number of|largest number of|biggest number of) "
                  r"(?:parties|signatories|signatory states|signatory countries|participants|members|countries involved|"
                  r"states involved|countries signing|states signing)\b"
                  r"|\b(?:largest|biggest)(?: one)? of (?:those|these|them|the list)\b"  # (of the rows just shown)
                  r"|\b(?:largest|biggest)(?: one)?\s*\??\s*$")  # "which is the largest?"
TOP = re.compile(r"\b(?:the |top )?(?P<n>\d{1,2}|two|three|four|five|six|seven|eight|nine|ten) (?=(?:largest|biggest|widest|"
                 r"broadest)\b)")


def recognise(text: str, context: Context) -> Frame | None:
    m = SIZE.search(text)
    if not m:
        return None
    top = next((t for t in TOP.finditer(text) if t.end() == m.start()), None)
    n = number(top["n"]) if top else None
    rest = text[: top.start() if top else m.start()] + " " + text[m.end():]
    refers = context.previous is not None and bool(REFERS.search(text))
    rest = re.sub(r"\b(what is|what's|whats|which|what|is|was|has|had|have|in the data set|in the dataset|in the data|"
                  r"the)\b", " ", rest)
    if refers and not REFERS.search(rest):
        rest = "of those " + rest  # "the largest of those": the rows just shown
    return Frame(KIND, rest + " agreements", {"n": n}, refers=refers)


def make(frame: Frame, base: Intent, context: Context) -> Intent | Refusal:
    return Intent(kind=KIND, filters=base.filters, notes=base.notes, n=frame.settings.get("n"))


def sql(intent: Intent) -> exp.Select:
    q = filtered(exp.select(*[f"a.{c}" for c in AGREEMENT_COLUMNS], "a.n_parties").from_("agreements AS a"), intent)
    keep = f"<= {int(intent.n)}" if intent.n else "= 1"  # "the five biggest agreements": the top five, ties shown
    return q.qualify(f"rank() OVER (ORDER BY a.n_parties DESC) {keep}").order_by("a.n_parties DESC", "a.signed_date DESC",
                                                                                 "a.agreement_id")


def interpretation(v, intent: Intent) -> str:
    top = f"The {intent.n} agreements" if intent.n and intent.n > 1 else "The agreements"
    return f"{top} with the most parties (ties shown), among agreements {filter_words(v, intent)}."


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
    if intent.n and intent.n > 1:
        return f"The {intent.n} largest agreements {filter_words(v, intent)} by number of parties" + \
            (f" ({len(rows)} shown because of ties)" if len(rows) > intent.n else "") + \
            ": " + join_words([f"{r[col['title']]} ({r[col['n_parties']]} parties)" for r in rows[:10]]) + "."
    return f"{len(rows)} agreements {filter_words(v, intent)} tie as the largest, with {size} parties each: {titles}."

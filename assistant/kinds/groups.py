"""Groups side by side: each group's own number of agreements, for the same filters.

    How does Southern Europe compare with Eastern Europe in 2024?
    Nordic vs Baltic states: agreements since 2022
    compare the Visegrad group and the Baltic states

SEMANTICS.md: comparisons of two or more states, groups or periods = each one's own figure side by side.
A group's figure counts the agreements involving at least one of its members (an agreement counts once per group).
"""

from __future__ import annotations

import re

from sqlglot import exp

from assistant.build_sql import filtered
from assistant.intent import Intent, Parties, Refusal, join_words, lit
from assistant.kinds.frame import Context, Frame
from assistant.wording import filter_words

KIND = "groups"
EXAMPLES = ("How does Southern Europe compare with Eastern Europe in 2024?", "Nordic vs Baltic states since 2022",
            "compare the Visegrad group and the Baltic states")
CUE = re.compile(r"\b(?:compare|compared|compares|comparison|versus|vs|against|side by side)\b")


def recognise(text: str, context: Context) -> Frame | None:
    if not CUE.search(text):
        return None
    found = context.scan(text)
    keys = list(dict.fromkeys(key for _pos, key, _noun in found.groups))
    if len(keys) < 2 or found.countries:
        return None
    rest = context.strip(text, ("group",))
    return Frame(KIND, CUE.sub(" ", rest), {"groups": keys})


def make(frame: Frame, base: Intent, context: Context) -> Intent | Refusal:
    sides = tuple(Parties(context.v.groups[k].members, "any", context.v.groups[k].label)
                  for k in frame.settings["groups"])
    return Intent(kind=KIND, filters=base.filters, sides=sides, notes=base.notes)


def sql(intent: Intent) -> exp.Expression:
    parts = []
    for i, side in enumerate(intent.sides):
        q = filtered(exp.select(exp.alias_(lit(side.label), "grp"), exp.alias_(lit(i), "pos"),
                                "count(*) AS agreements").from_("agreements AS a"), intent)
        parts.append(q.where(side.condition()))
    union = parts[0]
    for q in parts[1:]:
        union = exp.union(union, q, distinct=False)
    return exp.select("grp AS \"group\"", "agreements").from_(union.subquery("g")).order_by("pos")


def interpretation(v, intent: Intent) -> str:
    return f"Each group's own number of agreements {filter_words(v, intent)}, side by side: " \
           f"{join_words([s.label for s in intent.sides])} (an agreement counts once for each group it involves)."


def describe(v, intent: Intent, columns: list[str], rows: list[list], row_count: int) -> str:
    figures = "; ".join(f"{r[0]}: {r[1]}" for r in rows)
    return f"Agreements {filter_words(v, intent)}, side by side: {figures}."

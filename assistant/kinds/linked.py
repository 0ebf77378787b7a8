"""Sets of states by their ties: linked to both A and B, or to A but not to B.

    Which states are linked to both France and Germany?
    Which countries have agreements with both Poland and Lithuania?
    Which countries have agreements with Germany but not with France?
    And to Ukraine but not to Poland?          (after one of these)

SEMANTICS.md: "states linked to both France and Germany" = states with at least one agreement with each
(France and Germany themselves excluded).
"""

from __future__ import annotations

import re

from sqlglot import exp

from assistant.build_sql import in_codes, where
from assistant.intent import Intent, Parties, Refusal, join_words, lit
from assistant.kinds.frame import ASKS_FOR_STATES, Context, Frame
from assistant.wording import filter_words

KIND = "linked"
EXAMPLES = ("Which states are linked to both France and Germany?",
            "Which countries have agreements with Germany but not with France?")
BUT_NOT = re.compile(r"\b(?:but|and|yet|though) (?:not|never|none|no agreements?|no deals?)(?: (?:with|to))?\b|"
                     r"\bexcept (?:with|to)\b")
BOTH = re.compile(r"\b(both|each of|all of|all three|as well as)\b")
TIE = re.compile(r"\b(linked|link|links|connected|tied|ties|agreements?|deals?|pacts?|signed|partners?|relations|"
                 r"cooperat\w*|partnerships?|accords?)\b")


def recognise(text: str, context: Context) -> Frame | None:
    split = BUT_NOT.search(text)
    previous = context.previous
    edit = previous is not None and previous.kind == KIND
    if not (split or BOTH.search(text)) or not (TIE.search(text) or edit):
        return None
    if not (ASKS_FOR_STATES.search(text) or edit):
        return None
    left, right = (text[: split.start()], text[split.end():]) if split else (text, "")
    linked, unlinked = context.countries(left), context.countries(right)
    if not linked and previous is not None and re.search(r"\b(both of them|them both|the two|these two|those two|each of "
                                                         r"them|both)\b", left):
        # "Which states are linked to both of them?": the pair the last question named
        pair = next((f.codes for f in previous.filters if isinstance(f, Parties) and f.mode == "all"), ())
        linked = list(pair or previous.cited_states)
    if edit and split is not None and not linked and unlinked:  # "but not to Czechia" after "linked to both A and B"
        linked, unlinked = list(previous.linked), list(dict.fromkeys([*previous.unlinked, *unlinked]))
    if split is None and len(linked) < 2 or split is not None and not (linked and unlinked):
        return None
    rest = context.strip_states(text[: split.start()] + " " + text[split.end():] if split else text)
    rest = re.sub(r"\b(both of them|them both|the two|these two|those two|each of them)\b", " ", rest)
    rest = " ".join(re.sub(r"\b(both|each of|all of|as well as|and|with|to|linked|connected|tied)\b", " ", rest).split())
    return Frame(KIND, rest, {"linked": tuple(linked), "unlinked": tuple(unlinked)})


def make(frame: Frame, base: Intent, context: Context) -> Intent | Refusal:
    named = set(frame.settings["linked"]) | set(frame.settings["unlinked"])
    # The rest's own state filters are the states just read as linked / unlinked; keep the other filters.
    filters = tuple(f for f in base.filters if not (isinstance(f, Parties) and set(f.codes) <= named))
    restrict, label = base.restrict, base.restrict_label
    if set(restrict) <= named:  # "which countries … Germany but not France": the rows are other states
        restrict, label = (), ""
    for f in base.filters:
        if isinstance(f, Parties) and len(f.codes) > 1 and not set(f.codes) & named and not restrict:
            restrict, label = f.codes, f.label
            filters = tuple(x for x in filters if x is not f)
    return Intent(kind=KIND, filters=filters, linked=frame.settings["linked"], unlinked=frame.settings["unlinked"],
                  restrict=restrict, restrict_label=label, notes=base.notes)


def _partners_of(intent: Intent, code: str) -> exp.Select:
    inner = exp.select("unnest(a.parties) AS code").from_("agreements AS a") \
        .where(exp.func("list_contains", exp.column("parties", "a"), lit(code), dialect="duckdb"))
    condition = where(intent)
    return inner.where(condition) if condition is not None else inner


def sql(intent: Intent) -> exp.Select:
    q = exp.select("c.name AS country", "c.code AS code").from_("countries AS c") \
        .where(exp.not_(in_codes("c.code", intent.linked + intent.unlinked)))
    for code in intent.linked:
        q = q.where(exp.In(this=exp.column("code", "c"), query=_partners_of(intent, code).subquery()))
    for code in intent.unlinked:
        q = q.where(exp.not_(exp.In(this=exp.column("code", "c"), query=_partners_of(intent, code).subquery())))
    if intent.restrict:
        q = q.where(in_codes("c.code", intent.restrict))
    return q.order_by("country")


def _ties(v, intent: Intent) -> str:
    linked = join_words([v.prose_name(c) for c in intent.linked])
    text = f"at least one agreement with {'each of ' if len(intent.linked) > 1 else ''}{linked}"
    if intent.unlinked:
        text += f" and none with {join_words([v.prose_name(c) for c in intent.unlinked], 'or')}"
    return text


def interpretation(v, intent: Intent) -> str:
    among = f" among {intent.restrict_label}" if intent.restrict_label else ""
    scope = f", counting agreements {filter_words(v, intent)}" if intent.filters else ""
    return f"The states{among} with {_ties(v, intent)} (the named states themselves excluded){scope}."


def describe(v, intent: Intent, columns: list[str], rows: list[list], row_count: int) -> str:
    scope = f" (agreements {filter_words(v, intent)})" if intent.filters else ""
    if not rows:
        return f"No state has {_ties(v, intent)}{scope}."
    states = "state has" if len(rows) == 1 else "states have"
    return f"{len(rows)} {states} {_ties(v, intent)}{scope}: {join_words([r[0] for r in rows])}."

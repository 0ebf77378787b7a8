"""Side by side: each group's or each period's own number of agreements, for the same other filters.

    How does Southern Europe compare with Eastern Europe in 2024?
    Nordic vs Baltic states: agreements since 2022
    How did the number of agreements signed in 2014-2018 compare with 2019-2023?
    Compare Q3 2023 with Q3 2024

SEMANTICS.md: comparisons of two or more states, groups or periods = each one's own figure side by side.
A group's figure counts the agreements involving at least one of its members (an agreement counts once per
group). States side by side are a per-state breakdown (assistant/edits.py, compare).
"""

from __future__ import annotations

import re
from dataclasses import replace

from sqlglot import exp

from assistant.build_sql import filtered
from assistant.intent import Intent, Parties, Refusal, begins, join_words, lit, other_side
from assistant.kinds.frame import Context, Frame
from assistant.wording import filter_words

KIND = "sides"
WORDS = ("compare", "compared", "comparison", "versus")  # cue words a typo may stand for
EXAMPLES = ("How does Southern Europe compare with Eastern Europe in 2024?", "Nordic vs Baltic states since 2022",
            "How did the number of agreements signed in 2014-2018 compare with 2019-2023?")
YEARS = re.compile(r"\b(?:19|20)\d\d\b")
OTHER_SIDE = re.compile(r"\b(?:vs|versus|compared? (?:with|to)|against|and)\s+(?P<side>after|before|since) (?:it|that|then)\b")
BOTH_SIDES = re.compile(r"\b(?P<a>before|prior to|after|since) (?:vs\.?|versus|and|or|compared (?:with|to)|against) "
                        r"(?P<b>before|after|since|from)\b")
CUE = re.compile(r"\b(?:compare|compared|compares|comparison|versus|vs|against|side by side)\b")


def recognise(text: str, context: Context) -> Frame | None:
    both = BOTH_SIDES.search(text)
    if both:  # "before vs since the full-scale invasion", "before and after Brexit": the one date, both sides
        rest = text[: both.start()] + " " + text[both.start("b"):]
        side = "before" if both["a"] in ("before", "prior to") else "after"
        return Frame(KIND, CUE.sub(" ", rest), {"groups": [], "other_side": side})
    if not CUE.search(text):
        return None
    found = context.scan(text)
    keys = list(dict.fromkeys(key for _pos, key, _noun in found.groups))
    if len(keys) >= 2 and not found.countries:  # (states side by side: a per-state breakdown, edits.compare)
        return Frame(KIND, CUE.sub(" ", context.strip(text, ("group",))), {"groups": keys})
    if len(set(YEARS.findall(text))) >= 2 and context.previous is None:  # two periods named in one question
        return Frame(KIND, CUE.sub(" ", text), {"groups": []})
    other = OTHER_SIDE.search(text)
    if other:  # "in the brief's period vs after it", "since 2022 compared with before that"
        rest = text[: other.start()] + " " + text[other.end():]
        return Frame(KIND, CUE.sub(" ", rest), {"groups": [], "other_side": other["side"]})
    return None


def make(frame: Frame, base: Intent, context: Context) -> Intent | Refusal:
    if frame.settings["groups"]:
        sides = tuple(Parties(context.v.groups[k].members, "any", context.v.groups[k].label)
                      for k in frame.settings["groups"])
        return Intent(kind=KIND, filters=base.filters, sides=sides, notes=base.notes)
    times = tuple(f for f in base.filters if f.slot == "time")
    side = frame.settings.get("other_side")
    if side and len(times) == 1 and other_side(times[0], side == "before") is not None:
        times += (other_side(times[0], side == "before"),)
    if len(times) < 2:
        return Refusal("clarify", "Which periods would you like side by side? Name each, e.g. 'compare 2014-2018 "
                       "with 2019-2023'.", "a comparison of periods without two periods",
                       ("Compare 2014-2018 with 2019-2023", "Agreements per year"))
    if side:  # the earlier side first
        times = tuple(sorted(times, key=begins))
    return Intent(kind=KIND, filters=tuple(f for f in base.filters if f.slot != "time"),
                  sides=tuple(replace(t, slot="side") for t in times), notes=base.notes)


def sql(intent: Intent) -> exp.Expression:
    parts = []
    for i, side in enumerate(intent.sides):
        label = side.start if all(getattr(s, "start", None) == getattr(s, "end", 0) for s in intent.sides) \
            else _label(side)  # single years side by side are labelled by the year itself (2023, 2024)
        q = filtered(exp.select(exp.alias_(lit(label), "grp"), exp.alias_(lit(i), "pos"),
                                "count(*) AS agreements").from_("agreements AS a"), intent)
        parts.append(q.where(side.condition()))
    union = parts[0]
    for q in parts[1:]:
        union = exp.union(union, q, distinct=False)
    return exp.select("grp AS \"group\"", "agreements").from_(union.subquery("g")).order_by("pos")


def _label(side) -> str:
    """'Southern Europe', 'between 2014 and 2018 (both included)': the group's name without its note."""
    if isinstance(side, Parties):
        return side.label.split(" (")[0]
    return side.words().removeprefix("signed ")


def interpretation(v, intent: Intent) -> str:
    groups = isinstance(intent.sides[0], Parties)
    return f"Each {'group' if groups else 'period'}'s own number of agreements {filter_words(v, intent)}, side by " \
           f"side: {join_words([_label(s) for s in intent.sides])}" + \
           (" (an agreement counts once for each group it involves)." if groups else ".")


def describe(v, intent: Intent, columns: list[str], rows: list[list], row_count: int) -> str:
    said, labels = set(), []
    for r in rows:  # an explanation in brackets is said once ("before / after Brexit (the UK left the EU …)")
        label = str(r[0])
        for note in re.findall(r" \([^()]*\)", label):
            label = label.replace(note, "") if note in said else label
            said.add(note)
        labels.append(label)
    figures = "; ".join(f"{label}: {r[1]}" for label, r in zip(labels, rows, strict=True))
    return f"Agreements {filter_words(v, intent) + ', ' if intent.filters else ''}side by side: {figures}."

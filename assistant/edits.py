"""Follow-ups as typed edits of the last Intent (SEMANTICS.md, "Follow-ups"). Each edit is one small rule:
how it is recognised, the Intent it makes from the last one, and the sentence that says what it did.

    KeepStates   "only the EU members", "which of these are in NATO?" after a list of states: those states only
    Compare      "how does that compare with Latvia?", "vs Latvia": each state's own figure, side by side
    Refer        "the second one", "tell me more about the third one": a row the last answer showed
    SwapParty    "And Germany?" after a pair: the new state replaces the second party ("… instead of X": X)
    NarrowShown  "which of these include Ukraine?" after the largest / first / latest agreements: those rows only
    Complement   "Which EU states are missing from that list?" after partners: the states never signed with
    AddParty     "Add France to that", "include Poland too": one more state, together with those named
    DropSlot     "all years", "any topic", "regardless of form": the last question without that filter (the rest of
                 the question, if any, is then read as a follow-up of that)

The older follow-up rules (narrowing, replacing a slot, "which of these", "show it per year") live in
assemble.py; they move here one by one.
"""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.intent import Excluding, Intent, Named, Parties, Refusal, YearIn, Years, begins, ordered, other_side
from assistant.kinds import Context
from assistant.kinds.sides import OTHER_SIDE

STATE_ROWS = ("partners", "never", "threshold", "linked")
KEEP = re.compile(r"^(?:ok |and |so |now )*(?:keep|show|list|give me)? ?(?:only|just) ")
ORDINALS = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3, "4th": 3, "fifth": 4,
            "5th": 4, "sixth": 5, "6th": 5, "seventh": 6, "eighth": 7, "ninth": 8, "tenth": 9, "last": -1}
REFER = re.compile(r"^(?:and |ok |so |now |then )*(?:tell me (?:more )?about |what is |what's |whats |what was |show me |show |"
                   r"details (?:of|on|about) |more (?:on|about) |open |describe )?(?:the )?(?P<nth>" + "|".join(ORDINALS) +
                   r")(?: one| agreement| row| item| entry| document)?(?: (?:of|among|in) (?:those|these|them|the list))?"
                   r"(?: ?[-:,]? ?(?:please|pls|details?(?: please| pls)?|what is it|what was it|in detail|in full|about|"
                   r"info))?\s*\??$")
# "#2 on that list", "number 3", "no. 2": a row of the last answer by its place
NUMBERED = re.compile(r"^(?:the )?(?:#|number |no\.? |nr\.? )?([1-9]|10)(?: on (?:that|the|this) list| in (?:that|the) list)?\b")
ORDINAL_WORDS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth", 7: "seventh", 8: "eighth",
                 9: "ninth", 10: "tenth"}
# ("the first one" / "the last one" inside a question read as the earliest / latest: see the first and latest kinds)
REFER_INSIDE = re.compile(r"\b(?:signed|sign|about|of|in|cover|covers|is|was) the (?P<nth>" +
                          "|".join(k for k in ORDINALS if k not in ("first", "1st", "last")) +
                          r") (?:one|agreement|document|row|entry)\b")
REFER_THEN = re.compile(r"^(?:and |ok |so )*(?:the )?(?P<nth>" + "|".join(ORDINALS) + r")(?: one| agreement| row)?"
                        r"\s*[:,\-–]?\s*(?P<rest>.*\b(?:it|its|that one|this one)\b.*)$")
COMPARE = re.compile(r"^(?:please |now |ok |so |and )?compare\b(?=.+\b(?:and|with|to|versus|vs)\b)|"
                     r"^(?:please |now |ok |so |and )?compare (?:the two|both|them both|both of them|those two|these two|"
                     r"the pair|the 2)\b|\bcompares? (?:with|to)\b|\b(?:how does (?:that|this|it) compare (?:with|to)|compared? (?:with|to)|versus|vs|against|"
                     r"(?:and|what about|how about) \w+(?: \w+)? (?:by|for) comparison|side by side(?: with)?|relative to)\b")
WITH_STATE = re.compile(r"(?<!compare )(?<!compared )(?<!compares )\bwith ([a-z][\w'-]*(?: [a-z][\w'-]*)?)")
INSTEAD = re.compile(r"\b(?:instead of|in place of|rather than|replacing)\b")
SWAP_CUE = re.compile(r"^(?:and|what about|how about|and what about|ok and|same for|now|then|and for)\b")


def shows_states(intent: Intent) -> bool:
    return intent.kind in STATE_ROWS or (intent.kind in ("rank", "breakdown") and intent.dims == ("country",))


def _said(intent: Intent, sentence: str) -> Intent:
    return intent.with_(notes=(sentence, *intent.notes))


def keep_states(text: str, previous: Intent, context: Context) -> Intent | None:
    """'only the EU members' after a list of states keeps the EU members among those states."""
    if not shows_states(previous):
        return None
    found = context.scan(text)
    if any(m != "list" for _, m in found.measures) or re.search(r"\d", context.strip(text, ("group",))):
        return None  # "top 3 Southern European states by …" asks a new question; "which of these are in NATO?" narrows
    named = tuple(dict.fromkeys(c for _, c in found.countries))
    if named and not found.groups and KEEP.match(text.strip()) and not (
            found.forms or found.topics or found.unknown or found.dims or re.search(r"\b(with|their|its|his|her)\b", text)) \
            and (not previous.restrict or set(named) <= set(previous.restrict)):  # "Keep just Hungary and Slovakia."
        return _said(previous.with_(restrict=tuple(sorted(named)), restrict_label=context.v.name_list(named),
                                    n=None, kind="breakdown" if previous.kind == "rank" else previous.kind),
                     f"the same states, only {context.v.name_list(named)}")
    if not found.groups or found.countries or found.forms or found.topics or found.scopes or found.unknown \
            or found.dims and not re.search(r"\b(ones|members|states|countries|nations)\b", text):
        return None
    members = set(context.v.names)
    labels = []
    negated = _negated_groups(text, context)
    for _pos, key, _noun in found.groups:
        group = context.v.groups[key]
        if key in negated:  # "which of these aren't in NATO?": the states shown outside the group
            members -= set(group.members)
            labels.append(f"the states not in {group.label}")
        else:
            members &= set(group.members)
            labels.append(group.label)
    label = " and ".join(labels)
    shown = previous.cited_states if previous.kind == "rank" and previous.n else ()
    codes = set(shown or previous.restrict or context.v.names) & members  # after a top 5: those five
    among = f"{previous.restrict_label} that are {label}" if previous.restrict_label else label
    if not codes or SWAP_CUE.match(text.strip()):
        # "and which of the Baltic states?" after the Nordic ones: the group takes the place of the last one
        codes, among = members, label
    if shown:
        among = f"{label} among the states just shown"
        previous = previous.with_(n=None, kind="breakdown")
    return _said(previous.with_(restrict=tuple(sorted(codes)), restrict_label=among, chart=None),
                 f"the same states, only {label}")


NEGATION = re.compile(r"\b(?:aren'?t|are not|isn'?t|is not|not|outside(?: of)?|excluding|except)\b")


def _negated_groups(text: str, context: Context) -> set[str]:
    """The groups a negation governs: "aren't in NATO", "not part of the EU", "outside the EU"."""
    keys = set()
    for m in NEGATION.finditer(text):
        after = " ".join(text[m.end():].split()[:5])
        keys |= {key for _pos, key, _noun in context.scan(after).groups}
    return keys


def compare(text: str, previous: Intent | None, context: Context) -> Intent | Refusal | None:
    """'How does that compare with Latvia?': each state's own figure for the same question, side by side.
    'How does Cyprus's total compare with Malta's?' names both: each one's agreements (with the question's filters)."""
    if not COMPARE.search(text):
        return None
    new = context.countries(text)
    # "Germany's agreements with Ukraine vs France's": Ukraine is the partner of both, not a third state compared
    partners = [m[0] for m in WITH_STATE.finditer(text) if context.countries(m[1])]
    partner_codes = {c for phrase in partners for c in context.countries(phrase)}
    if partner_codes and len([c for c in new if c not in partner_codes]) >= 2:
        new = [c for c in new if c not in partner_codes]
    else:
        partners = []
    if len(new) >= 2 and not re.search(r"\b(that|this|it|those|these|them|the (?:three|four|3|4)|all (?:three|four))\b", text):
        rest = COMPARE.sub(" ", _strip_states_outside_events(text, context, partners))
        rest = re.sub(r"\b(?:(?:the )?number of )?partners?\b|\bthey(?:'ve|'d| have| had)?\b|\btheir\b|\beach\b", " ",
                      rest)  # ("… they've signed": the states compared)
        base = context.parse(rest, None)
        if isinstance(base, Refusal) and base.reason != "no_question":
            return base
        filters = base.filters if isinstance(base, Intent) else ()
        partners = bool(re.search(r"\bpartners?\b", text))  # "Sweden's number of partners compared with Finland's"
        return _said(Intent(kind="rank" if partners else "breakdown", metric="partners" if partners else "agreements",
                            dims=("country",), filters=filters, restrict=tuple(sorted(new)), n=len(new) if partners else None,
                            restrict_label=context.v.name_list(new)),
                     f"each state's own figure side by side: {context.v.name_list(new)}")
    if previous is None or OTHER_SIDE.search(text):
        return None  # ("Ireland in the brief's period vs after it": two periods side by side, the sides kind)
    if not new and THE_TWO.search(text):
        return _compare_the_two(text, previous, context)
    if not new:
        return _compare_years(text, previous, context)
    single = [f for f in previous.filters if isinstance(f, Parties) and len(f.codes) == 1 and f.mode == "any"]
    if previous.kind in ("count", "list") and len(single) == 1:
        states = single[0].codes + tuple(c for c in new if c not in single[0].codes)
        filters = tuple(f for f in previous.filters if f is not single[0])
        intent = Intent(kind="breakdown", dims=("country",), filters=filters, restrict=tuple(sorted(states)),
                        restrict_label=context.v.name_list(states))
    elif previous.kind in ("breakdown", "rank") and previous.dims == ("country",) and previous.restrict \
            and len(previous.restrict) < 10:
        states = tuple(dict.fromkeys(previous.restrict + tuple(new)))
        intent = previous.with_(restrict=tuple(sorted(states)), restrict_label=context.v.name_list(states), n=None)
    elif previous.kind == "share" and len(single) == 1:  # "versus the UK?" after France's share
        states = single[0].codes + tuple(c for c in new if c not in single[0].codes)
        intent = previous.with_(filters=tuple(f for f in previous.filters if f is not single[0]),
                                restrict=tuple(sorted(states)), restrict_label=context.v.name_list(states))
    elif previous.kind == "partners" and len(previous.focus) == 1:
        states = previous.focus + tuple(c for c in new if c not in previous.focus)
        intent = Intent(kind="rank", metric="partners", dims=("country",), filters=previous.filters, n=len(states),
                        restrict=tuple(sorted(states)), restrict_label=context.v.name_list(states))
    else:
        names = context.v.name_list(new)
        return Refusal("clarify", f"I can put {names} beside the last answer when it counted one state's agreements "
                       f"or partners. Which figure for {names} would you like?",
                       f"a comparison with {names} that the last answer cannot be set beside",
                       (f"How many agreements did {names} sign?", f"Who are {names}'s partners?"))
    return _said(intent, f"each state's own figure side by side: {context.v.name_list(states)}")


# "those two countries" after one agreement: its parties (assemble.py), not its row
ITS_STATES = re.compile(r"\b(?:those|these|the|its) (two|three|four|five|six) (?:countries|states|parties|nations|"
                        r"signatories)\b|\bboth (?:countries|states|parties|nations|signatories)\b")
THE_TWO = re.compile(r"\b(?:the two|both|the pair|them both|both of them|the 2|those two|these two)\b")


def _compare_the_two(text: str, previous: Intent, context: Context) -> Intent | Refusal:
    """'compare the two' after 'France per year' then 'what about Germany': Germany beside France."""
    single = [f for f in previous.filters if isinstance(f, Parties) and len(f.codes) == 1 and f.mode == "any"]
    pair = [f for f in previous.filters if isinstance(f, Parties) and len(f.codes) == 2]
    if len(single) == 1 and previous.earlier_states:
        states, drop = (previous.earlier_states[-1], single[0].codes[0]), single[0]
    elif len(pair) == 1:
        states, drop = pair[0].codes, pair[0]
    else:
        return Refusal("clarify", "Which two states would you like side by side? Name them, e.g. 'compare France and "
                       "Germany'.", "a comparison of 'the two' without two states to compare",
                       ("Compare France and Germany", "Compare Poland and Lithuania"))
    filters = [f for f in previous.filters if f is not drop]
    if DROPS[0][1].search(text):  # "over the whole period"
        filters = [f for f in filters if f.slot != "time"]
    return _said(Intent(kind="breakdown", dims=("country",), filters=ordered(filters), restrict=tuple(sorted(states)),
                        restrict_label=context.v.name_list(states)),
                 f"each state's own figure side by side: {context.v.name_list(states)}")


def _strip_states_outside_events(text: str, context: Context, keep: list[str] = ()) -> str:
    """The text without the states compared — but "since Finland joined NATO" keeps its Finland (it is a date),
    and a partner named after 'with' (in `keep`) stays."""
    kept = {}
    for phrase in keep:
        key = f"zzkeep{len(kept)}zz"
        kept[key] = phrase
        text = text.replace(phrase, key)
    for event in context.v.events:
        for phrase in sorted(event.phrases, key=len, reverse=True):
            if phrase in text:
                key = f"zzevent{len(kept)}zz"
                kept[key] = phrase
                text = text.replace(phrase, key)
    text = context.strip_states(text)
    for key, phrase in kept.items():
        text = text.replace(key, phrase)
    return text


def _compare_years(text: str, previous: Intent, context: Context) -> Intent | None:
    """'how does that compare with 2024?' after a question about 2021: both years side by side."""
    years = [int(y) for y in re.findall(r"\b(20[12]\d)\b", text)]
    one = [f for f in previous.filters if isinstance(f, Years) and f.start is not None and f.start == f.end]
    if not years or len(one) != 1 or previous.kind not in ("count", "list"):
        return None
    span = tuple(sorted({one[0].start, *years}))
    filters = ordered([f for f in previous.filters if f is not one[0]] + [YearIn(span)])
    return _said(Intent(kind="breakdown", dims=("year",), filters=filters),
                 "each year's own figure side by side: " + ", ".join(map(str, span)))


OF_THOSE = re.compile(r"\b(?:of|among|from) (?:those|these|them|the list)\b")


def _chosen(nth: str, text: str, previous: Intent, context: Context) -> str:
    """'the second one' is a place in the last answer; 'the first / last of those' is the earliest / latest
    of those rows by date (a list is shown newest first, so its place would say the opposite)."""
    if nth in ("first", "1st", "last") and OF_THOSE.search(text):
        by_date = sorted(previous.cited, key=lambda a: (context.v.signed[a], a))
        return by_date[0] if nth != "last" else by_date[-1]
    return previous.cited[ORDINALS[nth]]


COMPARATIVE = re.compile(r"^(?:and |ok |so |now |then )*(?:show me |tell me (?:more )?about |what is |what's |what was |"
                         r"details (?:of|on) |open )?the (?P<which>earlier|older|later|newer|more recent)"
                         r"(?: (?:one|agreement|document))?(?: of (?:the|those|these) (?:two|ones))?\s*\??$")


def refer(text: str, previous: Intent, context: Context) -> Intent | Refusal | None:
    """'the second one': the agreement in that place among the rows the last answer showed — or, after a row
    picked from a list, among that list ('the second one - …', then 'and the third?')."""
    rows = previous.listed or previous.cited
    picked = _refer(text, previous.with_(cited=rows), context)
    return picked.with_(listed=rows) if isinstance(picked, Intent) else picked


def _refer(text: str, previous: Intent, context: Context) -> Intent | Refusal | None:
    """'the second one: who signed it?' asks the rest of the question about that agreement."""
    if not previous.cited:
        return None
    inside = REFER_INSIDE.search(text)
    if inside and not REFER.match(text.strip()) and ORDINALS[inside["nth"]] < len(previous.cited):
        # "Who signed the first one?": the rest of the question, about that row of the last answer
        chosen = previous.cited[ORDINALS[inside["nth"]]]
        one = Intent(kind="detail", filters=(Named(f"the agreement shown {inside['nth']} in the last answer", (chosen,)),),
                     cited=(chosen,))
        return context.parse(text[: inside.start()] + " it " + text[inside.end():], one)
    m = REFER_THEN.match(NUMBERED.sub(lambda x: ORDINAL_WORDS[int(x[1])], text.strip()))
    if m and ORDINALS[m["nth"]] < len(previous.cited):
        chosen = _chosen(m["nth"], text, previous, context)
        one = Intent(kind="detail", filters=(Named(f"the agreement shown {m['nth']} in the last answer", (chosen,)),),
                     cited=(chosen,))
        return context.parse(m["rest"], one)
    pick = COMPARATIVE.match(text.strip())
    if pick and len(previous.cited) >= 2:  # "show me the earlier one" of the two just shown
        by_date = sorted(previous.cited, key=lambda a: (context.v.signed[a], a))
        chosen = by_date[0] if pick["which"] in ("earlier", "older") else by_date[-1]
        return Intent(kind="detail", filters=(Named(f"the {pick['which']} agreement of the last answer", (chosen,)),),
                      notes=(f"'the {pick['which']} one' = {chosen}, by signing date",))
    m = REFER.match(NUMBERED.sub(lambda x: ORDINAL_WORDS[int(x[1])], text.strip()))
    if not m:
        return None
    index = ORDINALS[m["nth"]]
    if index >= len(previous.cited):
        return None
    chosen = _chosen(m["nth"], text, previous, context)
    where = f"the {m['nth']} row of the last answer" if chosen == previous.cited[index] or not OF_THOSE.search(text) \
        else f"the {'latest' if m['nth'] == 'last' else 'earliest'} of its rows"
    return Intent(kind="detail", filters=(Named(f"the agreement shown {m['nth']} in the last answer", (chosen,)),),
                  notes=(f"'the {m['nth']}' = {chosen}, {where}",))


def instead_of(text: str, previous: Intent, context: Context) -> Intent | None:
    """'Same question for Ukraine instead of the UK': the new state wherever the old one stood (a party, the
    state whose partners were asked, a state compared)."""
    m = INSTEAD.search(text)
    if not m:
        return None
    new, old = context.countries(text[: m.start()]), context.countries(text[m.end():])
    if len(new) != 1 or len(old) != 1:
        return None
    swap = {old[0]: new[0]}
    changed = False
    filters = []
    for f in previous.filters:
        if isinstance(f, Parties) and old[0] in f.codes:
            codes = tuple(swap.get(c, c) for c in f.codes)
            filters.append(Parties(codes, f.mode, context.v.name_list(codes)))
            changed = True
        else:
            filters.append(f)
    focus = tuple(swap.get(c, c) for c in previous.focus)
    restrict = tuple(sorted(swap.get(c, c) for c in previous.restrict))
    changed = changed or focus != previous.focus or restrict != tuple(sorted(previous.restrict))
    if not changed:
        return None
    return _said(replace(previous, filters=ordered(filters), focus=focus,
                         focus_label=context.v.name_list(focus) if focus else "", restrict=restrict,
                         restrict_label=context.v.name_list(restrict) if restrict != tuple(sorted(previous.restrict))
                         else previous.restrict_label),
                 f"the same question with {context.v.prose_name(new[0])} in place of {context.v.prose_name(old[0])}")


def swap_party(text: str, previous: Intent, context: Context) -> Intent | None:
    """'And Germany?' after 'What has Poland signed with France?': Poland with Germany."""
    if not SWAP_CUE.match(text.strip()) and not INSTEAD.search(text):
        return None
    pairs = [f for f in previous.filters if isinstance(f, Parties) and f.mode == "all"]
    instead = INSTEAD.search(text)
    new = context.countries(text[: instead.start()] if instead else text)
    if len(pairs) != 1 or len(new) != 1 or re.search(r"\bwith\b", text):
        return None
    found = context.scan(text)
    if found.groups or found.forms or found.topics or found.scopes or found.unknown or found.measures or found.dims:
        return None
    pair = pairs[0]
    old = context.countries(text[instead.end():]) if instead else [pair.codes[-1]]
    order = [c for c in pair.codes if c != pair.codes[-1]] + [pair.codes[-1]]  # the order the question named them
    if pair.label:
        named = [c for c in context.countries(pair.label)]
        order = named if set(named) == set(pair.codes) else order
    if len(old) != 1 or old[0] not in order or new[0] in order:
        return None
    codes = tuple(new[0] if c == old[0] else c for c in order)
    filters = ordered([f for f in previous.filters if f is not pair] +
                      [Parties(codes, "all", context.v.name_list(codes))])
    return _said(replace(previous, filters=filters),
                 f"the same question with {context.v.prose_name(new[0])} in place of {context.v.prose_name(old[0])}")


SHOWN_REF = re.compile(r"\b(?:of|among|from|out of) (?:these|those|them)\b|\b(?:these|those|them)\b")


def narrow_shown(text: str, previous: Intent, context: Context) -> Intent | Refusal | None:
    """'which of these include Ukraine?' after a selection by rank (the largest, the latest three): its rows,
    narrowed — not every agreement the filters of the last question match."""
    if previous.kind not in ("largest", "first", "latest") or not previous.cited or not SHOWN_REF.search(text) \
            or ITS_STATES.search(text):
        return None
    base = context.parse(SHOWN_REF.sub(" ", text), None)
    if isinstance(base, Refusal):
        return None if base.reason == "no_question" else base
    filters = ordered([Named("the agreements just shown", previous.cited), *base.filters])
    if base.kind in ("largest", "first", "latest", "average", "check"):  # "which is the largest of those?"
        return base.with_(filters=filters, notes=("'those' = the agreements the last answer showed", *base.notes))
    kind = base.kind if base.kind in ("count", "list") else "list"
    return Intent(kind=kind, filters=filters, notes=("'these' = the agreements the last answer showed", *base.notes))


ADD = re.compile(r"^(?:and |ok |so |now |then )*(?:add|include|plus|throw in|bring in|also with)\b(?P<who>.+?)"
                 r"(?:\s+(?:to (?:that|it|this|the list|them|those)|too|as well|also))*\s*\??$")


def add_party(text: str, previous: Intent, context: Context) -> Intent | None:
    """'Add France to that': the same question with one more state among the parties (all of them together)."""
    m = ADD.match(text.strip())
    if not m:
        return None
    new = context.countries(m["who"])
    found = context.scan(context.strip_states(m["who"]))
    if not new or found.unknown or found.groups or found.topics or found.forms:
        return None
    parties = [f for f in previous.filters if isinstance(f, Parties) and f.mode in ("any", "all")]
    if previous.kind in ("breakdown", "rank") and previous.restrict and previous.dims == ("country",):
        states = tuple(dict.fromkeys(previous.restrict + tuple(new)))
        return _said(previous.with_(restrict=tuple(sorted(states)), restrict_label=context.v.name_list(states)),
                     f"{context.v.name_list(new)} added")
    if len(parties) != 1:
        return None
    codes = tuple(dict.fromkeys(parties[0].codes + tuple(new)))
    filters = ordered([f for f in previous.filters if f is not parties[0]] +
                      [Parties(codes, "all", context.v.name_list(codes))])
    return _said(replace(previous, filters=filters), f"{context.v.name_list(new)} added: all of them together")


DROPS = (("time", re.compile(r"\b(?:all|any|every) (?:years?|dates?|periods?|time)\b|\ball[- ]time\b|\bwhole period\b|"
                             r"\b(?:whatever|whichever) (?:the )?(?:year|date|period)\b|"
                             r"\bregardless of (?:the )?(?:year|date|period|time)\b|\b(?:drop|forget|remove|ignore|without) "
                             r"the (?:year|date|period|time)(?: filter)?\b|\bover the whole (?:period|data)\b")),
         ("topic", re.compile(r"\b(?:any|all|every) topics?\b|\b(?:regardless of|whatever|whichever) (?:the )?topic\b|"
                              r"\b(?:drop|forget|remove|"
                              r"ignore|without) the topic(?: filter)?\b")),
         ("form", re.compile(r"\b(?:any|all|every) (?:forms?|kinds?|types?)(?: of (?:agreements?|documents?))?\b|"
                             r"\bregardless of (?:the )?(?:form|kind|type)\b|\b(?:drop|forget|remove|ignore|without) the "
                             r"(?:form|type)(?: filter)?\b")),
         ("scope", re.compile(r"\b(?:bilateral (?:and|or) plurilateral|regardless of (?:the )?scope|any scope)\b")),
         ("all", re.compile(r"\ball (?:of )?(?:their|its|his|her) (?:agreements|deals|pacts|ones)\b")),
         ("states", re.compile(r"\b(?:all|any|every) (?:the )?(?:states?|countries|country|nations?)\b(?! (?:with|that|which|who))")))


def drop_slot(text: str, previous: Intent, context: Context) -> Intent | Refusal | None:
    """'What about Denmark and Ukraine, all years?': the last question without its time, then the rest."""
    dropped, said_any, rest = [], False, text
    for slot, pattern in DROPS:
        if pattern.search(rest):
            said_any = True  # "whatever the topic": never read as "per topic", whether or not there was one
            rest = pattern.sub(" ", rest)
            if slot == "all":  # "each V4 member separately, all their agreements": no filter of the last question
                dropped.extend(dict.fromkeys(f.slot for f in previous.filters))
            elif any(f.slot == slot for f in previous.filters) or slot == "states" and previous.restrict:
                dropped.append(slot)
    if not said_any:
        return None
    without = previous.with_(filters=tuple(f for f in previous.filters if f.slot not in dropped))
    if "states" in dropped:  # "at least 25, all states": among every state again, not only those just kept
        without = without.with_(restrict=(), restrict_label="")
    rest = " ".join(re.sub(r"^[\s,;:.-]*(?:and|but|now|ok|so)?[\s,;:.-]*$", "", rest).split()).strip(" ,;:-?")
    said = f"the last question without its {' and '.join(dropped)} filter" if dropped else "the same question"
    if not re.search(r"[^\W\d_]{3}", rest):
        return _said(without, said)
    result = context.parse(rest, without)
    return _said(result, said) if isinstance(result, Intent) else result


REMOVE = re.compile(r"^(?:ok |okay |and |so |now |then )*(?:drop|remove|take out|leave out|exclude|without|minus|forget) "
                    r"(?P<tail>.+)$")


def remove_party(text: str, previous: Intent, context: Context) -> Intent | Refusal | None:
    """'drop Spain again - only the bilateral ones': the last question without that state, then the rest."""
    m = REMOVE.match(text.strip(" ?."))
    if not m:
        return None
    words = m["tail"].split()
    cut = 0  # the states named right after the verb ("drop Spain (and Italy) again"); what follows is the rest
    for i in range(len(words), 0, -1):
        head = " ".join(words[:i])
        if context.countries(head) and not context.strip_states(head).replace("and", "").replace("the", "").strip():
            cut = i
            break
    if not cut:
        return None
    gone = context.countries(" ".join(words[:cut]))
    rest = re.sub(r"^(?:again|from (?:that|it|the list|them))\b", "", " ".join(words[cut:])).strip()
    filters = []
    for f in previous.filters:
        if isinstance(f, Parties) and set(gone) & set(f.codes):
            left = tuple(c for c in f.codes if c not in gone)
            if left:
                filters.append(Parties(left, f.mode if len(left) > 1 else "any", context.v.name_list(left)))
            continue
        filters.append(f)
    restrict = tuple(c for c in previous.restrict if c not in gone)
    without = previous.with_(filters=ordered(filters), restrict=restrict,
                             restrict_label=context.v.name_list(restrict) if restrict != previous.restrict and restrict
                             else previous.restrict_label)
    said = f"the last question without {context.v.name_list(gone)}"
    if rest and re.search(r"[^\W\d_]{3}", rest):
        result = context.parse(rest, without)
        return _said(result, said) if isinstance(result, Intent) else result
    return _said(without, said)


COMPLEMENT = re.compile(r"\b(?:missing from|not on|aren't on|are not on|absent from|left off|not in|isn't on|is not on) "
                        r"(?:that|the|this) list\b|\bthe (?:others|rest)\b")


OTHERS = re.compile(r"^(?:and |what about |how about |ok |now )*(?:the )?(?:others|other ones|rest|remaining ones|remaining "
                    r"states|other states|other countries)\s*\??$")


THE_OTHERS = re.compile(r"^(?:and |what about |how about |ok |now |so )*(?:show |list |give me )?(?:the |all the )?(?:others|"
                        r"other ones|rest|remaining ones)\b(?P<rest>.*)$")


def other_agreements(text: str, previous: Intent, context: Context) -> Intent | Refusal | None:
    """'the others?' after 'which of these involve Belgium or the Netherlands?': the same agreements without
    those states; 'the others from Q1 2026?' then reads the rest as a follow-up of that."""
    m = THE_OTHERS.match(text.strip())
    parties = [f for f in previous.filters if isinstance(f, Parties) and f.mode == "any"]
    if not m or previous.kind not in ("list", "count") or len(parties) != 1 or len(
            [f for f in previous.filters if isinstance(f, Parties)]) != 1:
        return None
    named = parties[0]
    without = previous.with_(filters=ordered([f for f in previous.filters if f is not named] +
                                             [Excluding(named.codes, named.label)]), kind="list", n=None)
    said = f"the same agreements without {named.label}"
    rest = m["rest"].strip(" ?.")
    if rest and re.search(r"[^\W\d_]{3}", rest):
        result = context.parse(rest, without)
        return _said(result, said) if isinstance(result, Intent) else result
    return _said(without, said)


def complement(text: str, previous: Intent, context: Context) -> Intent | None:
    """'Which EU states are missing from that list?' after a state's partners: the states it never signed with
    (among the group named); after a never-signed list, its partners."""
    if previous.kind == "threshold" and previous.restrict and OTHERS.match(text.strip()):
        # "and the others?" after "which of these are outside the EU?": the same bound, the states left out
        others = tuple(sorted(set(context.v.names) - set(previous.restrict)))
        return _said(previous.with_(restrict=others, restrict_label="the other states"),
                     "the same question for the states left out of the last answer")
    if previous.kind not in ("partners", "never") or not previous.focus or not COMPLEMENT.search(text):
        return None
    found = context.scan(COMPLEMENT.sub(" ", text))
    if found.countries or found.topics or found.forms or found.unknown:
        return None
    restrict, label = previous.restrict, previous.restrict_label
    for _pos, key, _noun in found.groups:
        group = context.v.groups[key]
        restrict, label = group.members, group.label
    kind = "never" if previous.kind == "partners" else "partners"
    return _said(previous.with_(kind=kind, restrict=restrict, restrict_label=label, n=None, count_rows=False),
                 "the states not on the last list" if kind == "never" else "the states on the other side of the last list")


FLIP = re.compile(r"^(?:and |what about |how about |ok |now |so )*(?P<dir>before|prior to|after|since)(?: (?:it|that|then|this|"
                  r"that date|the same date|that point|they)(?: (?:joined|acceded|happened|started|began|took place))?)?"
                  r"\s*\??$")


def flip_time(text: str, previous: Intent, context: Context) -> Intent | None:
    """'And before it?' after 'since the full-scale invasion': the same question for the time on the other side."""
    m = FLIP.match(text.strip())
    times = [f for f in previous.filters if f.slot == "time"]
    if not m or not times:
        return None
    if len(times) != 1:
        return Refusal("clarify", f"{m['dir'].capitalize()} which date? Name it, e.g. '{m['dir']} 2022'.",
                       f"'{m['dir']} it' after a question with more than one time condition",
                       (f"Same question {m['dir']} 2022",))
    t, before = times[0], m["dir"] in ("before", "prior to")
    flipped = other_side(t, before)
    if flipped is None:  # "and after it?" after "since 2022": there is no after; never the same answer again
        return Refusal("clarify", f"{m['dir'].capitalize()} which date? The last question covered agreements "
                       f"{t.words()}; name the date, e.g. '{m['dir']} 2022'.",
                       f"'{m['dir']} it' with no date on that side of the last question's time",
                       (f"Same question {m['dir']} 2022", "Agreements per year"))
    return _said(previous.with_(filters=ordered([f for f in previous.filters if f is not t] + [flipped])),
                 "the same question for the time on the other side of that date")


SIDE_WORD = re.compile(r"\b(?P<late>after|later|since|afterwards)\b|\b(?P<early>before|earlier|prior)\b")


def pick_side(text: str, previous: Intent, context: Context) -> Intent | Refusal | None:
    """'show those signed after' after two periods side by side, 'list the Baltic ones' after two groups: the
    agreements of that one side, with the comparison's other filters."""
    if previous.kind != "sides" or not previous.sides:
        return None
    found = context.scan(text)
    if found.countries or found.forms or found.topics or found.dims or found.unknown or any(
            m not in ("list", "count") for _, m in found.measures):
        return None
    chosen = None
    if isinstance(previous.sides[0], Parties):
        keys = {key for _pos, key, _noun in found.groups}
        chosen = [s for s in previous.sides if any(context.v.groups[k].members == s.codes for k in keys)]
    else:
        m = SIDE_WORD.search(text)
        if m:
            by_time = sorted(previous.sides, key=begins)
            chosen = [by_time[-1] if m["late"] else by_time[0]]
    if not chosen or len(chosen) != 1:
        return None
    side = replace(chosen[0], slot="country" if isinstance(chosen[0], Parties) else "time")
    kind = "count" if any(m == "count" for _, m in found.measures) else "list"
    return _said(Intent(kind=kind, filters=ordered([*previous.filters, side])),
                 f"the agreements of one side of the comparison: {side.words()}")


HAVE_ONE = re.compile(r"\b(?:have|has|had|include|includes|contain|contains|carry|carries|feature|features|with)\s+"
                      r"(?:one|ones|it|that|them|such an? (?:one|clause|provision)|such clauses|the same|that too|one too)\b")
OTHER_WORD = re.compile(r"\b(?:other|others|else)\b")


def same_attribute(text: str, previous: Intent, context: Context) -> Intent | Refusal | None:
    """'which other agreements have one?', 'which uk agreements do have one then' after 'does it have a mutual
    defence clause?': the agreements with what the last question checked ('one' = that clause)."""
    if previous.kind != "check" or not previous.share:
        return None
    m = HAVE_ONE.search(text)
    if not m:
        return None
    rest = OTHER_WORD.sub(" ", text[: m.start()] + " " + text[m.end():])
    base = context.parse(rest, None)
    if isinstance(base, Refusal):
        if base.reason != "no_question":
            return base
        base = Intent(kind="list")
    filters = [*base.filters, *previous.share]
    if OTHER_WORD.search(text) and previous.cited:
        filters.append(Named("the agreements just checked", previous.cited, exclude=True))
    kind = base.kind if base.kind in ("count", "list") else "list"
    return _said(Intent(kind=kind, filters=ordered(filters), notes=base.notes),
                 f"'{m[0].split()[-1]}' = what the last question checked: {'; '.join(f.words() for f in previous.share)}")


EDITS = (refer, pick_side, same_attribute, other_agreements, complement, keep_states, compare, flip_time, add_party, remove_party, drop_slot, instead_of, swap_party,
         narrow_shown)


def find_edit(text: str, previous: Intent | None, context: Context) -> Intent | Refusal | None:
    if previous is None:  # only a comparison naming its own states reads without a last question
        return compare(text, None, context)
    for edit in EDITS:
        result = edit(text, previous, context)
        if result is not None:
            return result
    return None

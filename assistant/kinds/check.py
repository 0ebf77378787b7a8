"""Yes or no about named agreements: does this agreement have that clause, topic, form or scope?

    Does the Treaty of Aachen have a mutual defence clause?
    Does the Quirinal Treaty have a mutual defence clause?
    Is there a mutual assistance clause in the Treaty of Nancy?
    does it contain a mutual defence commitment?          (the agreement the last answer showed)

The agreement is found by the words before the verb (its name, its parties and form, or 'it'); what is
asked of it is read from the words after. The answer names each agreement with yes or no — never a
filtered list that comes back empty and reads as "there are none".
"""

from __future__ import annotations

import re

from sqlglot import exp

from assistant.build_sql import AGREEMENT_COLUMNS, filtered
from assistant.intent import Form, Intent, Named, Refusal, Text, join_words
from assistant.kinds.frame import Context, Frame
from assistant.wording import filter_words

KIND = "check"
EXAMPLES = ("Does the Treaty of Aachen have a mutual defence clause?",
            "Is there a mutual assistance clause in the Treaty of Nancy?", "does it contain a mutual defence commitment?")
ASK = re.compile(r"^(?:so |and |ok |okay |then )*(?:does|did|do|has|have|is|was)\b")
VERB = re.compile(r"\b(?:have|has|had|contain|contains|contained|include|includes|included|cover|covers|covered|carry|"
                  r"carries|feature|features|provide for|provides for|commit|commits)\b")
IS_THERE = re.compile(r"^(?:so |and |ok )*(?:is|was) there (?P<attr>.+?) in (?P<subj>.+)$")
NAMED_THEN_IT = re.compile(r"^(?P<name>.+?) (?:does|did|has|is) (?:it|this one|that one) (?:have|has|had|contain|contains|"
                           r"include|includes|carry|carries|feature|features|cover|covers)\b(?P<attr>.+)$")
IS_A = re.compile(r"^(?:is|was) (?P<subj>.+?) an? (?P<attr>.+?) (?:one|agreement|treaty|deal|pact|document)$")
ONE = re.compile(r"^\s*(?:does|did|do|has|have|is|was)?\s*(?:it|that one|this one|that agreement|this agreement|that|this)\s*$")


def recognise(text: str, context: Context) -> Frame | None:
    text = text.strip(" ?.")
    m = IS_THERE.match(text)
    named = NAMED_THEN_IT.match(text)
    is_a = IS_A.match(text)
    if m:
        subject, attribute = m["subj"], m["attr"]
    elif is_a and context.scan(is_a["subj"]).texts:  # "Is the Kensington treaty a mutual-defence one?"
        subject, attribute = is_a["subj"], is_a["attr"]
    elif named and context.scan(named["name"]).texts:  # "Quirinal Treaty: does it have a mutual defence clause?"
        subject, attribute = named["name"], named["attr"]
    elif ASK.match(text) and VERB.search(text):
        verb = VERB.search(text)
        subject, attribute = text[: verb.start()], text[verb.end():]
    else:
        return None
    asked = context.scan(attribute)
    if not (asked.mutual or asked.topics or asked.forms or asked.scopes) or asked.groups:
        return None
    if asked.countries:  # "Does the Treaty of Barcelona commit France and Spain to …": the states are its parties
        if not (context.scan(subject).texts or re.search(r"\b(it|that one|this one)\b", subject)):
            return None
        attribute = context.strip_states(attribute)
    return Frame(KIND, subject, {"attribute": attribute, "question": text},
                 refers=bool(ONE.match(ASK.sub("", subject) or subject)))


def make(frame: Frame, base: Intent, context: Context) -> Intent | Refusal:
    previous = context.previous
    if frame.refers:
        if previous is None or not previous.cited:
            return Refusal("clarify", "Which agreement do you mean? Name it, e.g. 'the Treaty of Nancy'.",
                           "a question about 'it' with no agreement shown before", ("Tell me about the Treaty of Nancy",))
        subject: tuple = (Named("the agreement just shown", previous.cited),)
    else:
        subject = base.filters
        if not any(isinstance(f, (Named, Text, Form)) for f in subject):
            # "Does Estonia have agreements on cyber?" asks whether there are any: a count, not a yes/no per agreement
            return context.parse(frame.settings["question"], previous, kinds=False)
        if not subject:
            return Refusal("clarify", "Which agreement do you mean? Name it, e.g. 'the Treaty of Nancy'.",
                           "a yes-or-no question without an agreement", ("Tell me about the Treaty of Nancy",))
    attribute = re.sub(r"\b(between|among|for) (?:the two|them|both|the parties|the three)\b", " ",
                       frame.settings["attribute"])
    attribute = context.parse(attribute + " agreements", None)
    if isinstance(attribute, Refusal):
        return attribute
    return Intent(kind=KIND, filters=subject, share=attribute.filters, notes=base.notes)


def _asked(intent: Intent) -> exp.Expression:
    return exp.and_(*[f.condition() for f in intent.share])


def sql(intent: Intent) -> exp.Select:
    q = exp.select(*[f"a.{c}" for c in AGREEMENT_COLUMNS], exp.alias_(_asked(intent), "answer")).from_("agreements AS a")
    return filtered(q, intent).order_by("a.signed_date DESC", "a.agreement_id")


def _what(intent: Intent) -> str:
    return "; ".join(f.words() for f in intent.share)


def interpretation(v, intent: Intent) -> str:
    return f"Whether the agreements {filter_words(v, intent)} are ones {_what(intent)} — yes or no for each."


def describe(v, intent: Intent, columns: list[str], rows: list[list], row_count: int) -> str:
    if not rows:
        return f"I found no agreement {filter_words(v, intent)}, so I cannot say whether it is one {_what(intent)}."
    col = {c: i for i, c in enumerate(columns)}
    if len(rows) == 1:
        r = rows[0]
        yes = bool(r[col["answer"]])
        return f"{'Yes' if yes else 'No'}: {r[col['title']]} ({r[col['signed_date']]}) is {'' if yes else 'not '}" \
               f"one {_what(intent)}."
    yes = [r for r in rows if r[col["answer"]]]
    names = join_words([f"{r[col['title']]} ({r[col['signed_date']]})" for r in yes[:6]])
    return f"{len(yes)} of the {len(rows)} agreements {filter_words(v, intent)} are ones {_what(intent)}" + \
        (f": {names}." if yes else ".")

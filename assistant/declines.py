"""Declines that speak of the data, not of the parser: what the data holds and lacks, "I understand questions in
English", the in-scope half of a question about a state outside the data, and questions near the one asked,
each checked to have an answer. Words from prompts/en/declines.yaml; the parser's reading is left as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.vocabulary import Vocabulary, tokens
from assistant.wording import possessive

Ask = Callable[[str], tuple[str, int]]  # question -> (status, row count), without offering anything further


def _named(vocab: Vocabulary, question: str) -> tuple[list[str], list[str], list[str]]:
    """The states in the data, the groups, and the states outside it that the question names."""
    words = [w.lower().removesuffix("'s").removesuffix("’s") for w in tokens(question)]
    inside, groups, outside = [], [], []
    for n in (3, 2, 1):
        for i in range(len(words) - n + 1):
            for tag in vocab.lexicon.get(tuple(words[i:i + n]), []):
                target = {"country": inside, "group": groups, "outside": outside}.get(tag.kind)
                if target is not None and tag.value not in target:
                    target.append(tag.value)
    return inside, groups, outside


def _near(vocab: Vocabulary, inside: list[str], groups: list[str]) -> list[str]:
    """Questions about what the question named, that the data answers."""
    out = []
    for key in groups:
        label = re.sub(r"\s*\(.*\)", "", vocab.groups[key].label if key in vocab.groups else key)
        out += [f"How many agreements involve {label}?", f"Agreements among {label} per year",
                f"Which of {label} signed the most agreements?"]
    for code in inside[:2]:
        name = vocab.prose_name(code)
        out += [f"How many agreements did {name} sign?", f"Who are {possessive(name)} partners?",
                f"Which agreements did {name} sign since 2022?"]
    return out


def explain(vocab: Vocabulary, question: str, status: str, answer: str, suggestions: list[str],
            ask: Ask) -> tuple[str, list[str]]:
    """A better reply and suggestions for a decline or an ask-back; (answer, suggestions) unchanged where none fits."""
    rules = vocab.declines
    words = {w.lower() for w in tokens(question)}
    text = " " + " ".join(w.lower() for w in tokens(question)) + " "
    inside, groups, outside = _named(vocab, question)
    new = None
    if len(words & set(rules["foreign"])) >= 2 and status == "unsupported":
        new = ("I understand questions in English. Ask, for example, “How many agreements did Germany sign?” "
               "or “Who are Poland's partners?”")
    elif outside and status == "unsupported":
        names = [vocab.prose_name(c) if c in vocab.names else c for c in outside]
        said = re.match(r"^(.+?) (?:is|are) outside the data", answer)
        who = said[1] if said else ", ".join(names)
        new = (f"{who} {'is' if ' and ' not in who and ',' not in who else 'are'} not in this data: it covers "
               f"agreements among the 27 EU member states, the United Kingdom and Ukraine, {vocab.period}.")
        if inside:
            new += f" I can answer the part about {vocab.name_list(inside)}."
    elif status == "unsupported":
        lack = next((what for what, ws in rules["lacks"].items() if any(f" {w} " in text for w in ws)), None)
        if lack:
            new = f"{lack}: {rules['holds']}."
    elif status == "clarify" and groups and answer.startswith("I don't know what"):
        label = re.sub(r"\s*\(.*\)", "", vocab.groups[groups[0]].label)
        new = rules["vague_group"].format(group=label)
    near = _near(vocab, inside, groups)
    checked = []
    for q in near:
        status_q, rows = ask(q)
        if status_q == "ok" and rows and q not in checked:
            checked.append(q)
        if len(checked) == 3:
            break
    if new is None:
        return answer, suggestions
    if status == "clarify" and checked:  # the group's own questions replace the reading it could not make out
        return new, checked
    return (new or answer), checked + [s for s in suggestions if s not in checked][:max(1, 4 - len(checked))]

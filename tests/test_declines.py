"""Declines that speak of the data, not of the parser, and offer at least one question the data answers."""

from __future__ import annotations

import pytest

DECLINES = [  # question, status, words the reply must hold, words it must not
    ("What is Germany's defence budget?", "unsupported", ["Budgets", "aren't in this data", "which states signed"],
     ["don't know how to read"]),
    ("How many troops does Poland have?", "unsupported", ["Troop numbers aren't in this data"], ["read 'troops'"]),
    ("Wie viele Abkommen hat Deutschland unterzeichnet?", "unsupported", ["I understand questions in English"],
     ["'wie'", "'viele'"]),
    ("How many agreements did Norway sign with Germany?", "unsupported",
     ["Norway is not in this data", "the part about Germany"], []),
    ("What's going on with the Nordics?", "clarify", ["what the data holds on the Nordic states"],
     ["don't know what 'going'"]),
    ("What is the capital of France?", "unsupported", ["isn't in this data"], []),
]


@pytest.mark.parametrize(("question", "status", "said", "unsaid"), DECLINES, ids=[d[0] for d in DECLINES])
def test_a_decline_speaks_of_the_data_and_offers_an_answerable_question(engine, question, status, said, unsaid):
    reply = engine.conversation().ask(question)
    assert reply.status == status
    for w in said:
        assert w in reply.answer, (w, reply.answer)
    for w in unsaid:
        assert w not in reply.answer, (w, reply.answer)
    answered = [s for s in reply.suggestions if (a := engine.conversation().ask(s)).status == "ok" and a.row_count]
    assert answered, reply.suggestions


@pytest.mark.parametrize(("question", "name"), [
    ("How many agreements did Norway sign with Germany?", "Germany"),
    ("What is Germany's defence budget?", "Germany"),
    ("What's going on with the Nordics?", "Nordic"),
])
def test_the_suggestions_stay_near_the_question(engine, question, name):
    assert name in engine.conversation().ask(question).suggestions[0]

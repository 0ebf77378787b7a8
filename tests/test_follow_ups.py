"""Follow-up chips that fit where the officer stands: none that repeat the answer, wider questions under an
empty one, and every chip answerable."""

from __future__ import annotations

import pytest

# a conversation, then chips that must not be offered under its last answer
NOT_OFFERED = [
    (["Agreements per year", "Show it as a line chart"], "Show it as a line chart"),
    (["Agreements per form"], "Show it as a line chart"),  # a line through forms means nothing
    (["Which countries signed the most agreements?", "Show the top 10"], "Show the top 10"),
    (["Top 10 countries by number of agreements"], "Show the top 10"),
    (["Who are Slovakia's partners?", "Show them on a map"], "Show them on a map"),
    (["How many agreements were signed per year?"], "Show them per year"),
    (["How many agreements did Spain sign in 2023?"], "Show them per year"),
]


@pytest.mark.parametrize(("turns", "chip"), NOT_OFFERED, ids=[" / ".join(t) for t, _ in NOT_OFFERED])
def test_no_chip_repeats_what_the_answer_already_is(engine, turns, chip):
    conversation = engine.conversation()
    for question in turns:
        answer = conversation.ask(question)
    assert answer.status == "ok"
    assert chip not in answer.suggestions


EMPTY = [
    "How many cyber agreements did Malta sign in 2016?",
    "Naval agreements of Cyprus with a mutual defence clause since 2023",
    "Who are Malta's partners in 2014?",
    "Which bilateral agreements did Austria and Malta sign in 2015?",
]


@pytest.mark.parametrize("question", EMPTY)
def test_an_empty_answer_offers_wider_questions_that_have_answers(engine, question):
    answer = engine.conversation().ask(question)
    assert answer.status == "ok" and answer.row_count == 0
    assert answer.suggestions
    for s in answer.suggestions:
        assert not s.startswith(("Show ", "Only ", "Just ")), f"a follow-up of nothing: {s}"
        wider = engine.conversation().ask(s)
        assert wider.status == "ok" and wider.row_count > 0, (s, wider.answer)


STARTS = [
    "How many agreements were signed per year?",
    "Who are Slovakia's partners?",
    "Which countries signed the most agreements since 2022?",
    "How many agreements did Spain sign after 2020?",
    "Which states has Austria never signed with?",
    "Tell me about the Treaty of Nancy",
    "Agreements per year by form",
    "What share of agreements are bilateral?",
    "Which agreements did Poland sign in 2025?",
    "What was the first agreement France signed?",
]


@pytest.mark.parametrize("question", STARTS)
def test_every_chip_is_answered(engine, question):
    first = engine.conversation().ask(question)
    for chip in first.suggestions:
        conversation = engine.conversation()
        conversation.ask(question)
        answer = conversation.ask(chip)
        assert answer.status == "ok", (chip, answer.answer)

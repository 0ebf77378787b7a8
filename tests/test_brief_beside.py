"""The brief's figure beside ours: a question asking for a figure the brief gives gets one line with the
brief's figure (and why ours differs); other questions get none; 'since the invasion' means one thing."""

from __future__ import annotations

import pytest

from assistant.figures import compute

BESIDE = [  # question, words the line must hold
    ("How many agreements are there?", ["over 160 (~169)", "coarsely"]),
    ("How many agreements were signed since the invasion?", ["135", "24 February 2022", "after September 2025"]),
    ("How many agreements since 2022?", ["135", "from 1 January"]),
    ("How many agreements were signed in 2024?", ["57", "coarsely"]),
    ("How many agreements in 2025?", ["36", "after September 2025"]),
    ("How many industry agreements were signed in 2025?", ["almost 20", "procurement"]),
    ("How many agreements have a mutual defence clause?", ["6", "after September 2025"]),
    ("How many agreements has the UK signed with EU states?", ["25 UK bilateral arrangements"]),
    ("Which EU states have a comprehensive agreement with Ukraine?", ["21", "after September 2025"]),
    ("How many partners does France have?", ["more than 20", "after September 2025"]),
    ("Who are Germany's partners?", ["more than 20", "after September 2025"]),
]


@pytest.mark.parametrize(("question", "words"), BESIDE, ids=[b[0] for b in BESIDE])
def test_a_question_for_a_brief_figure_gets_the_brief_beside_ours(engine, question, words):
    answer = engine.conversation().ask(question)
    assert answer.status == "ok" and answer.brief, question
    assert answer.brief.startswith("The Böll brief gives ")
    for w in words:
        assert w in answer.brief, (w, answer.brief)


@pytest.mark.parametrize("question", [
    "How many agreements did Spain sign?", "Agreements per year", "Who are Slovakia's partners?",
    "How many agreements were signed in 2019?", "Tell me about the Treaty of Nancy",
])
def test_other_questions_get_no_brief_line(engine, question):
    assert engine.conversation().ask(question).brief is None


def test_since_the_invasion_means_the_same_in_the_chat_and_on_the_about_page(engine):
    about = {f.label: value for f, value in compute(engine.db)}
    figure = next(v for k, v in about.items() if "invasion" in k)
    # The About page compares within the brief's period; the chat counts all the data unless asked for that period.
    chat = engine.conversation().ask("How many agreements were signed since the invasion in the brief's period?")
    every = engine.conversation().ask("How many agreements were signed since the invasion?")
    assert chat.row_count == int(figure) == 191
    assert every.row_count > chat.row_count and "24 February 2022" in every.interpretation

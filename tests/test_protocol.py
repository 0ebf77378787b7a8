"""The chat page on a real server, driven at the protocol level (bench/stclient.py): what AppTest cannot show,
because AppTest reruns the whole script where the browser reruns only the fragment a click was in.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest
from streamlit.proto.Common_pb2 import StringArray
from streamlit.proto.WidgetStates_pb2 import WidgetState

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "deploy")]

import replicas  # noqa: E402
from stclient import Session  # noqa: E402

from assistant import ui  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    lists = tmp_path_factory.mktemp("check-lists")
    before = os.environ.get(ui.CHECK_LISTS_ENV)
    os.environ[ui.CHECK_LISTS_ENV] = str(lists)  # the server (started below) and this process save to the same place
    c = replicas.Cluster(1, log_dir=tmp_path_factory.mktemp("server"), balancer=False)
    try:
        c.start()
        yield c
    finally:
        c.stop()
        if before is None:
            os.environ.pop(ui.CHECK_LISTS_ENV, None)
        else:
            os.environ[ui.CHECK_LISTS_ENV] = before


def test_a_follow_up_chip_inside_an_answer_asks_it(server, engine):
    conversation = engine.conversation()
    first = conversation.ask("How many agreements did France sign?")
    chip = first.suggestions[0]
    expected = ui.safe(conversation.ask(chip).answer)

    async def talk() -> str:
        async with Session(server.url) as s:
            run = await s.ask(first.question)
            chips = [i for i, (kind, label) in run.widgets.items() if kind == "button_group" and label == "Follow up"]
            assert chips and s.fragment_of[chips[0]], "the follow-up chips should sit in the answer's fragment"
            state = WidgetState(id=chips[0], string_array_value=StringArray(data=[chip]))
            clicked = await s.rerun([state], s.fragment_of[chips[0]])
            return clicked.newest_answer()[0]

    assert asyncio.run(talk()) == expected


def test_pin_inside_an_answer_reruns_only_that_answer(server):
    name = "Protocol test list"

    async def talk():
        async with Session(server.url) as s:
            await s.ask("How many agreements did Spain sign after 2020?")
            on_page = s.widgets  # the sidebar was drawn when the page opened, the answer by the question's run
            chosen = next(i for i, (kind, _) in on_page.items() if kind == "text_input")
            await s.type_text(chosen, name)
            save = next(i for i, (_, label) in on_page.items() if label == "Save this question to a check list")
            return await s.click(save)

    clicked = asyncio.run(talk())
    assert clicked.status == "FINISHED_FRAGMENT_RUN_SUCCESSFULLY"
    assert not [kind for kind in clicked.blocks.values() if kind.startswith("chat_message")]  # nothing else redrawn
    assert any("Saved to the check list" in text for text in clicked.markdown.values())
    saved = ui.check_list_path(ui.check_list_name(name))
    assert saved.read_text(encoding="utf-8").count("Spain") == 1


def test_a_question_on_the_page_draws_only_its_own_turn(server, engine):
    """Asking runs the empty place after the last answer, not the page: earlier answers are not sent again,
    and the last answer's chips are dropped (its save button is redrawn without them)."""
    conversation = engine.conversation()
    questions = ["How many agreements did France sign?", "And Germany?", "Per year?"]
    expected = [ui.safe(conversation.ask(q).answer) for q in questions]

    async def talk():
        async with Session(server.url) as s:
            return [await s.ask(q) for q in questions]

    runs = asyncio.run(talk())
    assert [r.newest_answer()[0] for r in runs] == expected
    for r in runs[1:]:
        assert r.status == "FINISHED_FRAGMENT_RUN_SUCCESSFULLY"
        assert r.answers == [r.newest_answer()[0]]  # no earlier answer drawn again
        labels = [label for kind, label in r.widgets.values()]
        assert labels.count("Follow up") == 1 and labels.count("Save this question to a check list") == 2

"""The chat page: ask in the browser, see the answer, copy the cited rows into a memo.

Display only: the engine (assistant.answer) does the work; memo.py builds what is copied and downloaded.
Start it with `streamlit run assistant/app.py` (scripts/start.sh).

How it runs: a page run (the page opened, a new conversation, back from another page) draws the whole
conversation, older answers folded, and after it a few empty places (keyed fragments). A question fills the
next place in a run of its own (_ask_later), so the answers already on the page are neither rerun nor sent
again; a click that asks nothing reruns only the fragment it is in (the save button, an unfold, the sidebar).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.errors import StreamlitAPIException

from assistant import memo, suites, ui
from assistant.answer import Answer

st.set_page_config(page_title="Defence Pacts Assistant", page_icon=":material/handshake:", layout="wide")


def _state() -> None:
    s = st.session_state
    if "conversation" not in s:
        s.conversation = ui.engine().conversation()
        s.turns = []  # list[Answer], oldest first
        s.pinned = {}  # turn index -> where it was pinned
        s.versions = {}  # turn index -> the registry's data version it was answered on (kept when pinned)
    s.setdefault("check_list", ui.DEFAULT_CHECK_LIST)
    s.setdefault("opened", set())  # older turns the user unfolded


MAX_QUESTION = 1000  # characters read of a question; the rest is cut, and the answer says so
FULL_TURNS = 6  # answers drawn in full by a page run; older ones show their text and open on demand
PLACES = 5  # empty places for new turns drawn at once after the conversation (see _ask_later and places)


def _place_key(j: int) -> str:
    return f"place-{j}"


def _after_key(i: int) -> str:
    return f"after-{i}"


def _looked_up(a: Answer) -> bool:
    """An answer from the data (not a question back, not a decline): it gets follow-ups and a save button."""
    return a.status not in ("clarify", "unsupported")


def _ask_later(question: str) -> None:
    """Ask `question` (the chat box, a chip, a reading): in place when the page is on screen, else in a page run.

    In place: only the empty place after the last answer runs (a keyed fragment: it asks and draws the new
    turn) and the last answer's follow-up chips, which go away. The answers already on the page are neither
    run nor sent again, so a question costs the same at turn 20 as at turn 1. AppTest, which shows only a
    fragment's own output after a fragment run, gets the whole page run instead.
    """
    s = st.session_state
    if not question.strip():
        return
    s.pending = question
    n = len(s.get("turns", []))
    if n < s.get("places_upto", 0) and ui.merges_fragment_runs():
        try:
            st.rerun([_place_key(n)] + ([_after_key(n - 1)] if n and _looked_up(s.turns[n - 1]) else []))
        except StreamlitAPIException:  # the page on screen is not the one that drew that place: run it all
            ui.log.warning("no place %d on the page for a question; the whole page runs", n)


def _typed() -> None:
    _ask_later(st.session_state.get("question_box") or "")


def _chip_chosen(key: str) -> None:
    choice = st.session_state.get(key)
    st.session_state[key] = None  # the chips are actions, not a selection
    if choice:
        _ask_later(choice)


@dataclass(frozen=True)
class Shown:
    """What an answer shows beyond its text, built once: a page run draws the recent answers again."""

    memo: memo.Memo
    table: object | None  # pyarrow.Table for st.dataframe
    chart: dict | None  # the chart with its datasets already in Arrow
    copy_html: str | None


def _shown(i: int, a: Answer) -> Shown:
    parts = st.session_state.setdefault("parts", {})
    if i not in parts:
        engine = ui.engine()
        names = engine.vocab.names
        m = memo.from_answer(a, names, len(engine.db.dataset.agreements), period=engine.db.dataset.period)
        parts[i] = Shown(
            memo=m,
            table=ui.arrow(ui.frame(a.columns, a.rows, names)) if a.rows else None,
            chart=ui.chart_for_display(a.chart) if a.chart else None,
            copy_html=memo.copy_button_html(m) if a.rows else None,
        )
    return parts[i]


def _new_conversation() -> None:
    for k in ("conversation", "turns", "pinned", "versions", "pending", "parts", "opened", "places_upto"):
        st.session_state.pop(k, None)
    st.rerun()  # the whole page: the sidebar that holds this button runs alone otherwise


def _pin(i: int) -> None:
    """Save the question, with its answer as the one expected, to the chosen check list (a follow-up with its turns)."""
    answer: Answer = st.session_state.turns[i]
    name = ui.check_list_name(st.session_state.check_list)
    target = ui.check_list_path(name)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        suites.pin(target, answer.question, answer, earlier=st.session_state.turns[:i],
                    version=st.session_state.versions.get(i))
        st.session_state.pinned[i] = name
    except Exception:
        ui.log.exception("could not save to %s", target)
        st.session_state.pinned[i] = f"error: I could not save to the check list “{name}”. Please tell the team that looks after the assistant."


@st.fragment
def sidebar() -> None:
    """A fragment: typing a check list's name reruns the sidebar, not the conversation (a save reads it then)."""
    st.button("New conversation", icon=":material/add_comment:", on_click=_new_conversation, width="stretch")
    st.text_input(
        "Check list for saved questions",
        key="check_list",
        help="“Save this question to a check list” under an answer adds the question, with today's answer "
        "as the one expected, to the check list of this name. Run, read and download your check lists on "
        "the Check lists page, to see after a data update that the answers still hold.",
    )
    st.caption("Answers come only from the bundled dataset: no language model, nothing leaves this machine.")


def first_screen() -> None:
    data = ui.engine().db.dataset
    first, second = ui.intro_lines(len(data.agreements), data.period)
    st.markdown(first)
    st.markdown(second)
    st.pills(
        "Try one of these",
        ui.engine().vocab.suggestions["starter"],
        key="starter_chips",
        on_change=_chip_chosen,
        args=("starter_chips",),
    )


def _chips(label: str, questions: list[str], key: str) -> None:
    if questions:
        st.pills(label, questions, key=key, on_change=_chip_chosen, args=(key,))


def _changed(a: Answer) -> None:
    """What the reading changed in the question (a typo read as a name, a question cut), just under the first line."""
    if a.changed:
        st.caption(":material/edit_note: " + ui.safe("I " + "; ".join(a.changed) + "."))


def render_answer(i: int, a: Answer) -> bool:
    """The answer in full; True when it is a looked-up answer, which gets follow-ups and a save button."""
    if a.status == "clarify":
        st.markdown(ui.safe(a.answer))
        _changed(a)
        for j, s in enumerate(a.suggestions):
            st.button(s, key=f"clarify-{i}-{j}", on_click=_ask_later, args=(s,), icon=":material/arrow_forward:")
        return False
    if a.status == "unsupported":
        st.markdown(ui.safe(a.answer))
        _changed(a)
        st.caption(
            "I answer questions about defence agreements signed by the EU-27 states, the United Kingdom "
            f"and Ukraine, {ui.engine().db.dataset.period}: who signed with whom, when, in which form, on which topics."
        )
        _chips("You could ask", a.suggestions, f"sugg-{i}")
        return False

    st.markdown(ui.safe(a.answer))
    _changed(a)
    if a.brief:  # the figure staff will quote from the brief, beside ours
        with st.container(horizontal=True, gap="small", vertical_alignment="center"):
            st.caption(ui.safe(a.brief))
            st.page_link("pages/3_About_the_data.py", label="Why the figures differ", icon=":material/info:")
    with st.expander("How I understood your question", icon=":material/manage_search:"):
        st.markdown(ui.safe(a.interpretation))
        if a.sql:
            st.code(a.sql, language="sql", wrap_lines=True)
        st.caption(f"{a.row_count} row(s) · answered in {a.elapsed_ms:.0f} ms")
    shown = _shown(i, a)
    if shown.chart:
        st.vega_lite_chart(shown.chart, width="stretch")
    if a.rows:
        ui.table(shown.table, key=f"table-{i}")
        if a.row_count > len(a.rows):
            st.caption(f"Showing {len(a.rows)} of {a.row_count} rows.")
        ui.download_row(shown.memo, key=f"dl-{i}", chart=a.chart, copy_html=shown.copy_html)
    elif a.chart:
        ui.download_row(shown.memo, key=f"dl-{i}", chart=a.chart, copy=False)
    return True


def after(i: int) -> None:
    """Under a looked-up answer: the follow-up chips (the last answer only) and where it was saved, or the
    button that saves it. A keyed fragment: a save reruns only this, and asking the next question reruns
    the last answer's, which drops its chips."""
    s = st.session_state
    a: Answer = s.turns[i]
    where = s.pinned.get(i)
    if where and where.startswith("error:"):
        st.warning(where.removeprefix("error: "))
    elif where:
        st.caption(f":material/bookmark_added: Saved to the check list “{ui.safe(where)}”; run it on the Check lists page.")
    if i == len(s.turns) - 1 and not s.get("pending"):
        _chips("Try a wider question" if not a.row_count else "Follow up", a.suggestions, f"sugg-{i}")
    if not where:
        st.button(
            "Save this question to a check list",
            key=f"pin-{i}",
            on_click=_pin,
            args=(i,),
            icon=":material/bookmark_add:",
            type="tertiary",
            help="Keep this question with today's answer in your check list (named in the sidebar), to check "
            "later that it still gets the same answer",
        )


def _open(i: int) -> None:
    st.session_state.opened.add(i)


def render_brief(i: int, a: Answer) -> None:
    """An older answer, folded to its text: a page run redraws the whole conversation."""
    st.markdown(ui.safe(a.answer))
    if a.rows or a.chart:
        st.button("Show the chart and cited rows", key=f"open-{i}", on_click=_open, args=(i,),
                  icon=":material/unfold_more:", type="tertiary")


def answer(i: int) -> None:
    """One answer in full: its text, reading, chart, table and exports, then what comes after it.

    Nothing in it reruns the page: the exports run in the browser or build their file on the click, a reading
    or a chip asks a question (see _ask_later), and the chips and the save button sit in a fragment of their own.
    """
    a: Answer = st.session_state.turns[i]
    with ui.friendly():
        if render_answer(i, a):
            st.fragment(key=_after_key(i))(after)(i)


@st.fragment
def folded(i: int) -> None:
    """An older answer folded to its text; a fragment, so unfolding it reruns only this answer."""
    s = st.session_state
    if i >= len(s.turns):  # the conversation was cleared since the page was drawn
        return
    if i in s.opened:
        answer(i)
    else:
        s.get("parts", {}).pop(i, None)  # a folded answer keeps only its Answer: memory stays bounded
        with ui.friendly():
            render_brief(i, s.turns[i])


def draw_turn(i: int) -> None:
    with st.chat_message("user"):
        st.markdown(ui.safe(st.session_state.turns[i].question))
    with st.chat_message("assistant"):
        if i < st.session_state.get("folded_below", 0):
            folded(i)
        else:
            answer(i)


def _ask(question: str) -> None:
    """Ask and draw the new turn: the question, then its answer in the assistant's message."""
    s = st.session_state
    s.conversation.engine = ui.engine(fresh=True)  # asked in a run of its own: the newest data version too
    cut = question[:MAX_QUESTION]  # a question, not a file
    with st.chat_message("user"):
        st.markdown(ui.safe(cut))
    with st.chat_message("assistant"):
        new = None
        with ui.friendly():
            with st.spinner("Looking it up…"):
                new = s.conversation.ask(cut)
            if len(question) > len(cut):
                new.changed.insert(0, f"read only the first {MAX_QUESTION} characters of your question "
                                      f"(it had {len(question)})")
            s.turns.append(new)
            s.versions[len(s.turns) - 1] = ui.engine_version()
        if new is not None:
            answer(len(s.turns) - 1)
    # Answers that have scrolled out of the page run's full view keep only their Answer (memory stays bounded);
    # a click inside one rebuilds its parts.
    parts = s.get("parts", {})
    for i in [i for i in parts if i < len(s.turns) - FULL_TURNS and i not in s.opened]:
        del parts[i]
    ui.scroll_to_last_question(len(s.turns))  # the answer's first line in view, not the end of its table


def places(start: int, count: int) -> None:
    """Empty places for turns start, start + 1, … (keyed fragments, drawn as nothing): a question asked on the
    page fills the next one in a run of its own (see _ask_later). The last of them, once filled, holds the
    next set, so the conversation never runs out of places and the nesting grows by one every `count` turns."""
    st.session_state.places_upto = start + count  # before: the first may fill, and its last set a later one
    for j in range(start, start + count):
        st.fragment(key=_place_key(j))(_fill)(j, count if j == start + count - 1 else 0)


def _fill(j: int, then: int) -> None:
    s = st.session_state
    for i in range(j, len(s.turns)):  # a question asked while this one was answering: the turn is here already
        draw_turn(i)
    if question := (s.pop("pending", None) or "").strip():
        if not s.turns:  # the first question: the place that held the first screen holds the conversation
            _caption()
        _ask(question)
    elif j == 0 and not s.turns:
        first_screen()
    if then and len(s.turns) > j:  # the last place, filled: the next set goes inside it
        places(len(s.turns), then)


def _caption() -> None:
    data = ui.engine().db.dataset
    st.caption(f"{len(data.agreements)} defence agreements · EU-27, United Kingdom, Ukraine · {data.period}")


def main() -> None:
    engine = ui.engine(fresh=True)  # the newest data version: an accepted change reaches this session now
    _state()
    s = st.session_state
    s.conversation.engine = engine
    s.places_upto = 0  # until this run draws them
    ui.navigation()
    with st.sidebar:
        sidebar()
    st.title("Defence Pacts Assistant")
    st.chat_input("Ask about European defence agreements…", key="question_box", on_submit=_typed)
    turns: list[Answer] = s.turns
    if turns:
        _caption()
    s.folded_below = max(0, len(turns) - FULL_TURNS)
    for i in range(len(turns)):
        draw_turn(i)
    places(len(turns), PLACES if ui.merges_fragment_runs() else 1)


with ui.friendly():
    main()

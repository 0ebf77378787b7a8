"""The chat page: ask in the browser, see the answer, copy the cited rows into a memo.

Display only: the engine (assistant.answer) does the work; memo.py builds what is copied and downloaded.
Start it with `streamlit run assistant/app.py` (scripts/start.sh).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

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


def _ask_later(question: str) -> None:
    """A clicked suggestion is asked in the run that the click starts."""
    st.session_state.pending = question


def _chip_chosen(key: str) -> None:
    choice = st.session_state.get(key)
    if choice:
        st.session_state.pending = choice
    st.session_state[key] = None  # the chips are actions, not a selection


@dataclass(frozen=True)
class Shown:
    """What an answer shows beyond its text, built once: every question redraws the conversation."""

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
    for k in ("conversation", "turns", "pinned", "versions", "pending", "parts", "opened"):
        st.session_state.pop(k, None)


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


def sidebar() -> None:
    ui.navigation()
    with st.sidebar:
        st.button("New conversation", icon=":material/add_comment:", on_click=_new_conversation, width="stretch")
        st.text_input(
            "Check list for saved questions",
            key="check_list",
            help="“Save this question to a check list” under an answer adds the question, with today's answer "
            "as the one expected, to the check list of this name. Run, read and download your check lists on "
            "the Check lists page, to see after a data update that the answers still hold.",
        )
        st.caption("Answers come only from the bundled dataset: no language model, nothing leaves this machine.")


def first_screen(n_agreements: int) -> None:
    first, second = ui.intro_lines(n_agreements, ui.engine().db.dataset.period)
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


def render_answer(i: int, a: Answer, last: bool) -> None:
    if a.status == "clarify":
        st.markdown(ui.safe(a.answer))
        _changed(a)
        for j, s in enumerate(a.suggestions):
            st.button(s, key=f"clarify-{i}-{j}", on_click=_ask_later, args=(s,), icon=":material/arrow_forward:")
        return
    if a.status == "unsupported":
        st.markdown(ui.safe(a.answer))
        _changed(a)
        st.caption(
            "I answer questions about defence agreements signed by the EU-27 states, the United Kingdom "
            f"and Ukraine, {ui.engine().db.dataset.period}: who signed with whom, when, in which form, on which topics."
        )
        _chips("You could ask", a.suggestions, f"sugg-{i}")
        return

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

    where = st.session_state.pinned.get(i)
    if where and where.startswith("error:"):
        st.warning(where.removeprefix("error: "))
    elif where:
        st.caption(f":material/bookmark_added: Saved to the check list “{ui.safe(where)}”; run it on the Check lists page.")
    if last:
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


MAX_QUESTION = 1000  # characters read of a question; the rest is cut, and the answer says so
FULL_TURNS = 6  # answers drawn in full; older ones show their text and open on demand (reruns stay fast)


def _open(i: int) -> None:
    st.session_state.opened.add(i)


def render_brief(i: int, a: Answer) -> None:
    """An older answer, folded to its text: every rerun redraws the whole conversation."""
    st.markdown(ui.safe(a.answer))
    if a.rows or a.chart:
        st.button("Show the chart and cited rows", key=f"open-{i}", on_click=_open, args=(i,),
                  icon=":material/unfold_more:", type="tertiary")


@st.fragment
def turn(i: int, last: bool) -> None:
    """One recent answer. A fragment: a click inside it that asks nothing (pin) reruns only this answer;
    a chip or a reading asks, and the whole page runs (tests/test_protocol.py)."""
    if st.session_state.get("pending"):  # a chip or a reading clicked here asks a question: the whole page runs
        st.rerun()
    turns: list[Answer] = st.session_state.turns
    if i < len(turns):  # else the conversation was cleared since the page was drawn
        with ui.friendly():
            render_answer(i, turns[i], last=last)


@st.fragment
def older(upto: int) -> None:
    """The turns before the last FULL_TURNS, folded to their text, in one fragment: unfolding one reruns these."""
    if st.session_state.get("pending"):
        st.rerun()
    turns: list[Answer] = st.session_state.turns
    parts = st.session_state.get("parts", {})
    for i, a in enumerate(turns[:upto]):
        with st.chat_message("user"):
            st.markdown(ui.safe(a.question))
        with st.chat_message("assistant"):
            with ui.friendly():
                if i in st.session_state.opened:
                    render_answer(i, a, last=False)
                else:
                    parts.pop(i, None)  # a folded answer keeps only its Answer: memory stays bounded
                    render_brief(i, a)


def main() -> None:
    engine = ui.engine(fresh=True)  # the newest data version: an accepted change reaches this session now
    _state()
    st.session_state.conversation.engine = engine
    sidebar()
    st.title("Defence Pacts Assistant")
    typed = st.chat_input("Ask about European defence agreements…")
    asked = (typed or st.session_state.pop("pending", None) or "").strip()
    question = asked[:MAX_QUESTION]  # a question, not a file
    turns: list[Answer] = st.session_state.turns
    n = len(engine.db.dataset.agreements)

    if not turns and not question:
        first_screen(n)
        return
    st.caption(f"{n} defence agreements · EU-27, United Kingdom, Ukraine · {engine.db.dataset.period}")
    folded = max(0, len(turns) - FULL_TURNS)
    if folded:
        older(folded)
    for i in range(folded, len(turns)):
        with st.chat_message("user"):
            st.markdown(ui.safe(turns[i].question))
        with st.chat_message("assistant"):
            turn(i, last=(i == len(turns) - 1 and not question))
    if question:
        with st.chat_message("user"):
            st.markdown(ui.safe(question))
        with st.chat_message("assistant"):
            answer = None
            with ui.friendly():
                with st.spinner("Looking it up…"):
                    answer = st.session_state.conversation.ask(question)
                if len(asked) > len(question):
                    answer.changed.insert(0, f"read only the first {MAX_QUESTION} characters of your question "
                                             f"(it had {len(asked)})")
                turns.append(answer)
                st.session_state.versions[len(turns) - 1] = ui.engine_version()
            if answer is not None:
                turn(len(turns) - 1, last=True)
        ui.scroll_to_last_question(len(turns))  # the answer's first line in view, not the end of its table


with ui.friendly():
    main()

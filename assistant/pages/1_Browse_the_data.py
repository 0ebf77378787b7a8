"""Browse and filter the whole dataset, then copy or download what is on screen.

The filters are the chat's own filter objects (assistant/intent.py): the same SQL, through the same gate,
and the same words, so the Browse page and the chat can never disagree. A selection that reads back as a
plain question can be asked in the chat.
"""

from __future__ import annotations

import streamlit as st

from assistant import build_sql, memo, ui, validate
from assistant.data import FORMS, TOPICS
from assistant.intent import Form, Intent, MutualDefence, Parties, Text, Topic, Years
from assistant.parse import Parser
from assistant.registry.export import log_csv
from assistant.wording import filter_words, question_words

st.set_page_config(
    page_title="Browse the data · Defence Pacts Assistant", page_icon=":material/table_view:", layout="wide"
)


def selection(engine) -> Intent:
    """The filters chosen on the page, as the Intent the chat would make ('list', oldest first)."""
    data = engine.db.dataset
    by_name = {c.name: c.code for c in sorted(data.countries, key=lambda c: c.name)}
    years = [a.year for a in data.agreements]
    c1, c2 = st.columns([3, 2])
    with c1:
        chosen = st.multiselect("States", list(by_name), placeholder="Any state")
    with c2:
        mode = st.radio(
            "Agreements with", ["any of these states", "all of these states"], horizontal=True, disabled=len(chosen) < 2
        )
    low, high = st.slider("Years signed", min(years), max(years), (min(years), max(years)))
    c3, c4, c5 = st.columns([2, 3, 2])
    with c3:
        forms = st.multiselect("Form", FORMS, placeholder="Any form")
    with c4:  # as in the chat: 'on cyber and air defence' means both topics
        topics = st.multiselect("Topics (all of)", TOPICS, format_func=memo.topic_label, placeholder="Any topic")
    with c5:
        text = st.text_input("Title or summary contains", placeholder="e.g. Aachen")
    mutual = st.checkbox("Only agreements with a mutual defence clause")

    filters: list = []
    if chosen:
        codes = tuple(by_name[n] for n in chosen)
        together = mode.startswith("all") and len(codes) > 1
        label = engine.vocab.name_list(codes) if together else " or ".join(chosen)
        filters.append(Parties(codes, "all" if together else "any", label))
    if (low, high) != (min(years), max(years)):
        filters.append(Years(low, high))
    if forms:
        filters.append(Form(tuple(forms)))
    filters += [Topic(t) for t in topics]
    if mutual:
        filters.append(MutualDefence())
    if text.strip():
        filters.append(Text(text.strip().lower()))
    return Intent("list", tuple(filters), ascending=True)


def rows_of(engine, intent: Intent) -> tuple[list[str], list[list], int]:
    """The chat's own query for these filters: built, checked by the one gate, run read-only."""
    result = engine.db.execute(validate.accept(build_sql.build(intent)))
    columns = list(result.columns)
    rows = [list(r) for r in result.rows]
    matching = rows[0][columns.index("n_matching")] if rows else 0
    i = columns.index("n_matching")
    return columns[:i] + columns[i + 1:], [r[:i] + r[i + 1:] for r in rows], matching


def chat_question(engine, intent: Intent) -> str | None:
    """'Which agreements involving France signed between 2016 and 2020?' — offered only where the chat reads
    it back as exactly these filters."""
    if not intent.filters:
        return "Which agreements are in the data?"
    words = [question_words(engine.vocab, f) for f in intent.filters]
    if not all(words):
        return None
    question = "Which agreements " + " ".join(words) + "?"
    read = Parser(engine.vocab).parse(question)
    mine = sorted(f.condition().sql() for f in intent.filters)
    theirs = sorted(f.condition().sql() for f in getattr(read, "filters", ()))
    return question if isinstance(read, Intent) and mine == theirs else None


def _ask_in_chat(question: str) -> None:
    st.session_state.pending = question


def history(engine) -> None:
    """One agreement's history: the research passes' changes (data/changes.csv) and the registry's reviewed ones,
    with who proposed and reviewed each; the whole registry log downloadable."""
    data = engine.db.dataset
    with st.expander("History of an agreement", icon=":material/history:"):
        by_id = {a.agreement_id: a for a in data.agreements}
        chosen = st.selectbox("Agreement", sorted(by_id, reverse=True), index=None, key="history-id",
                              format_func=lambda i: f"{i} · {by_id[i].signed_date} · {by_id[i].title}",
                              placeholder="Type a title, a year or an id")
        try:
            store = ui.registry()
            bundled, logged = store.base.changes, store.log()
        except Exception:  # the registry is unreachable: the bundled log still says what it knows
            bundled, logged = data.changes, ()
        if chosen:
            lines = [{"When": c.changed_on.isoformat(), "What": "added" if c.column == "added" else "corrected",
                      "Field": "" if c.column == "added" else c.column, "Old": c.old_value, "New": c.new_value,
                      "Why": c.reason, "Proposed by": "research team", "Reviewed by": "", "Source": ""}
                     for c in bundled if c.agreement_id == chosen]
            lines += [{"When": c.changed_at[:16].replace("T", " "), "What": c.action,
                       "Field": c.column if c.action == "corrected" else "",
                       "Old": c.old_value if c.action == "corrected" else "",
                       "New": c.new_value if c.action == "corrected" else "", "Why": c.reason,
                       "Proposed by": c.proposed_by, "Reviewed by": c.reviewed_by, "Source": c.source_url}
                      for c in logged if c.agreement_id == chosen]
            if lines:
                st.dataframe(lines, hide_index=True, width="stretch", key="history-table")
            else:
                st.caption("No change since the first release: the row reads as it was first published.")
        if logged:
            st.download_button("Download the registry's change log (CSV)", log_csv(logged), "change-log.csv",
                               "text/csv", icon=":material/download:", on_click="ignore", key="history-log-csv")


def main() -> None:
    ui.navigation()
    engine = ui.engine(fresh=True)
    data = engine.db.dataset
    names = engine.vocab.names

    st.title("Browse the data")
    st.caption(
        f"All {len(data.agreements)} agreements. Narrow them down with the filters; the table, the copy "
        "button and the downloads follow the filters."
    )
    intent = selection(engine)
    columns, rows, matching = rows_of(engine, intent)
    description = "Agreements " + filter_words(engine.vocab, intent) if intent.filters else "All agreements"

    with st.container(horizontal=True, vertical_alignment="center"):
        st.markdown(f"**{matching}** of {len(data.agreements)} agreements · {ui.safe(description)}")
        question = chat_question(engine, intent)
        if question and st.button("Ask this in the chat", icon=":material/forum:", help=question,
                                  on_click=_ask_in_chat, args=(question,)):
            st.switch_page("app.py")
    if not rows:
        st.info("No agreement matches all these filters. Loosen one of them.")
        return
    if matching > len(rows):
        st.caption(f"Showing the first {len(rows)} of {matching}.")
    m = memo.build(description, f"{matching} agreements.", columns, rows, names, len(data.agreements))
    ui.download_row(m, key="browse-dl")
    ui.table(ui.frame(columns, rows, names), key="browse-table", max_height=620)
    history(engine)


with ui.friendly():
    main()

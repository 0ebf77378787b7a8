"""Browse and filter the whole dataset, then copy or download what is on screen."""

from __future__ import annotations

import streamlit as st

from assistant import memo, ui
from assistant.data import FORMS, TOPICS

st.set_page_config(
    page_title="Browse the data · Defence Pacts Assistant", page_icon=":material/table_view:", layout="wide"
)

COLUMNS = ["agreement_id", "title", "signed_date", "parties", "form", "topics", "source_url"]


def main() -> None:
    ui.navigation()
    engine = ui.engine()
    data = engine.db.dataset
    names = engine.vocab.names
    by_name = {c.name: c.code for c in sorted(data.countries, key=lambda c: c.name)}
    years = [a.year for a in data.agreements]

    st.title("Browse the data")
    st.caption(
        f"All {len(data.agreements)} agreements. Narrow them down with the filters; the table, the copy "
        "button and the downloads follow the filters."
    )

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
    with c4:
        topics = st.multiselect("Topics (any of)", TOPICS, format_func=memo.topic_label, placeholder="Any topic")
    with c5:
        text = st.text_input("Title or summary contains", placeholder="e.g. Aachen")
    mutual = st.checkbox("Only agreements with a mutual defence clause")

    codes = {by_name[n] for n in chosen}
    needle = text.strip().lower()
    rows = []
    for a in sorted(data.agreements, key=lambda a: (a.signed_date, a.agreement_id)):
        parties = set(a.parties)
        if codes and not (codes <= parties if mode.startswith("all") and len(codes) > 1 else codes & parties):
            continue
        if not low <= a.year <= high or (forms and a.form not in forms):
            continue
        if topics and not set(topics) & set(a.topics):
            continue
        if mutual and not a.mutual_defence_clause:
            continue
        if needle and needle not in a.title.lower() and needle not in a.summary.lower():
            continue
        rows.append(
            [a.agreement_id, a.title, a.signed_date.isoformat(), list(a.parties), a.form, list(a.topics), a.source_url]
        )

    words = []
    if codes:
        joiner = " and " if mode.startswith("all") else " or "
        words.append("involving " + joiner.join(sorted(chosen)))
    words.append(f"signed {low}–{high}" if low != high else f"signed in {low}")
    if forms:
        words.append("form: " + ", ".join(forms))
    if topics:
        words.append("topics: " + ", ".join(memo.topic_label(t) for t in topics))
    if mutual:
        words.append("with a mutual defence clause")
    if needle:
        words.append(f"mentioning “{text.strip()}”")
    description = "Agreements " + ", ".join(words)

    st.markdown(f"**{len(rows)}** of {len(data.agreements)} agreements · {ui.safe(description)}")
    if not rows:
        st.info("No agreement matches all these filters. Loosen one of them.")
        return
    m = memo.build(description, f"{len(rows)} agreements.", COLUMNS, rows, names, len(data.agreements))
    ui.download_row(m, key="browse-dl")
    ui.table(ui.frame(COLUMNS, rows, names), key="browse-table", max_height=620)


with ui.friendly():
    main()

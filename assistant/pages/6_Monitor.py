"""Monitor overlaps and gaps, in the brief's words: the same pair on the same topic within 12 months, the EU
states with no agreement with Ukraine, the UK or France, neighbours with none, and what is new since a day.

Display only: assistant/monitor.py computes each list from the data this page answers with.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from assistant import charts, memo, monitor, ui
from assistant.data import BRIEF_END, TOPICS

st.set_page_config(page_title="Monitor · Defence Pacts Assistant", page_icon=":material/monitoring:", layout="wide")


def _row(a) -> dict:
    return {"ID": a.agreement_id, "Title": a.title, "Date": a.signed_date.isoformat(), "Parties": ", ".join(a.parties)}


def main() -> None:
    ui.navigation()
    engine = ui.engine(fresh=True)
    data = engine.db.dataset
    names = {c.code: c.name for c in data.countries}
    st.title("Monitor overlaps and gaps")
    st.caption(f"{len(data.agreements)} agreements, {data.period}. Every list follows the data as it now stands, "
               "accepted proposals included.")

    st.subheader("Overlapping agreements")
    c1, c2 = st.columns([2, 1])
    with c1:
        topics = st.multiselect("Topics", TOPICS, format_func=memo.topic_label, placeholder="Any topic",
                                key="overlap-topics")
    with c2:
        months = st.number_input("Signed within (months)", 1, 60, 12, key="overlap-months")
    found = monitor.overlaps(data, days=round(months * 365 / 12), topics=tuple(topics))
    st.markdown(f"**{len(found)}** times the same pair of states signed two agreements on the same topic "
                f"within {months} months (newest first).")
    if found:
        st.dataframe([{"Pair": f"{names[o.pair[0]]} – {names[o.pair[1]]}", "Topic": memo.topic_label(o.topic),
                       "Days apart": o.days, "First": f"{o.first.agreement_id} {o.first.title} ({o.first.signed_date})",
                       "Then": f"{o.second.agreement_id} {o.second.title} ({o.second.signed_date})"}
                      for o in found], hide_index=True, width="stretch", height=360)

    st.subheader("Gaps")
    partners = st.multiselect("EU states with no agreement with", sorted(names, key=names.get),
                              default=list(monitor.PARTNERS), format_func=names.get, key="gap-partners")
    st.dataframe([{"Partner": names[p], "EU states with no agreement": ", ".join(names[c] for c in monitor.gaps(data, p))
                   or "none: every EU state has one"} for p in partners], hide_index=True, width="stretch")
    pairs = monitor.neighbours_without(data, monitor.land_neighbours(charts.europe(), set(names)))
    st.markdown(f"**{len(pairs)}** pairs of neighbours (a shared land border) have no agreement together, "
                "bilateral or in a larger group:")
    st.dataframe([{"Neighbours": f"{names[a]} – {names[b]}"} for a, b in pairs], hide_index=True)

    st.subheader("What is new")
    c3, c4 = st.columns([1, 2])
    with c3:
        day = st.date_input("Since", value=BRIEF_END + dt.timedelta(days=1), min_value=dt.date(2014, 1, 1),
                            format="YYYY-MM-DD", key="new-since")
    with c4:
        how = st.radio("Counting", ["signed since that day", "added to the data since that day"], horizontal=True,
                       key="new-how")
    if how.startswith("signed"):
        rows = sorted((a for a in data.agreements if a.signed_date >= day), key=lambda a: a.signed_date, reverse=True)
        shown = [_row(a) for a in rows]
    else:
        try:
            registry_days = {c.agreement_id: c.day for c in ui.registry().log() if c.action == "added"}
        except Exception:  # the registry is unreachable: the bundled log still says what it knows
            registry_days = {}
        shown = [{**_row(n.agreement), "Added": n.added_on.isoformat()}
                 for n in monitor.new_since(data, day - dt.timedelta(days=1), registry_days)]
    st.markdown(f"**{len(shown)}** agreements {how.replace('that day', day.isoformat())}.")
    if shown:
        st.dataframe(shown, hide_index=True, width="stretch")


with ui.friendly():
    main()

"""About the data: the codebook and method (data/README.md), the brief's figures beside ours, and what
the assistant's words mean (prompts/semantics.md)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from assistant import figures, ui

st.set_page_config(page_title="About the data · Defence Pacts Assistant", page_icon=":material/info:", layout="wide")


def main() -> None:
    ui.navigation()
    engine = ui.engine(fresh=True)
    st.title("About the data")
    st.markdown(ui.intro_lines(len(engine.db.dataset.agreements), engine.db.dataset.period)[0])

    figures_tab, words_tab, codebook_tab = st.tabs(
        ["The brief's figures beside ours", "What the words mean", "Codebook and method"]
    )
    with figures_tab:
        with ui.friendly():
            st.markdown(
                "The headline figures of the Böll EU Brief *Phalanx of defence pacts?* (October 2025) "
                "beside the same figures computed from our rebuilt dataset, within "
                f"{ui.safe(figures.BRIEF_PERIOD)}: rows signed later are left out of this comparison, "
                f"though every answer counts them (the data covers {ui.safe(engine.db.dataset.period)}). "
                "The chat adds the brief's figure under any answer that gives one of these."
            )
            st.markdown(
                "**Why ours are higher:** we list each signed document on its own (implementing arrangements, "
                "follow-up plans, several documents signed the same day, arms purchases), where the brief counts "
                "partnerships more coarsely. “Since the invasion” means signed on or after 24 February 2022, "
                "in the chat and here; “since 2022” counts from 1 January 2022. The codebook tab tells the "
                "whole story, figure by figure."
            )
            # st.table reads cells as Markdown: "> 20" would become a quote, so the cells are escaped.
            rows = [
                {
                    "Figure": ui.safe(f.label),
                    "The brief": ui.safe(f.brief),
                    "Ours": ui.safe(ours),
                    "How close it should be": ui.safe(f.tolerance),
                }
                for f, ours in figures.compute(engine.db)
            ]
            st.table(pd.DataFrame(rows), hide_index=True)
            with st.expander("How each of ours is computed"):
                for f in figures.FIGURES:
                    st.markdown(f"**{ui.safe(f.label)}**")
                    st.code(figures.scoped(f.sql, figures.BRIEF_END), language="sql", wrap_lines=True)
    with words_tab:
        _markdown_file(ui.ROOT / "prompts" / "semantics.md", "The readings of common phrasings are not available yet.")
    with codebook_tab:
        _markdown_file(ui.ROOT / "data" / "README.md", "data/README.md is missing.")


def _markdown_file(path, missing: str) -> None:
    if path.exists():
        st.markdown(path.read_text(encoding="utf-8"))
    else:
        st.info(missing)


with ui.friendly():
    main()

"""Streamlit helpers shared by the pages: the engine loaded once per process, friendly errors,
safe text, and the cited-rows table with its copy and download buttons. Display only, no logic.
"""

from __future__ import annotations

import gc
import logging
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import streamlit as st
from streamlit import dataframe_util

from assistant import memo
from assistant.answer import Engine
from assistant.data import Dataset, load_dataset
from assistant.errors import AssistantError, DataError
from assistant.registry.current import LiveEngine
from assistant.registry.store import Store, open_store
from assistant.run import Database

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent
SUITES_DIR = ROOT / "tests" / "suites"  # the built-in checks that ship with the code
CHECK_LISTS_ENV = "DPA_CHECK_LISTS"  # where staff's own check lists live, when set
DEFAULT_CHECK_LIST = "My checks"
REGISTRY_CHECK_SECONDS = 1.0  # how often a page run asks the registry whether the data moved on
FRIENDLY = "Sorry, something went wrong on this page. Please try again, or rephrase your question."


PAGES = (  # (script relative to assistant/, label, icon): the sidebar navigation of every page
    ("app.py", "Ask a question", ":material/forum:"),
    ("pages/1_Browse_the_data.py", "Browse the data", ":material/table_view:"),
    ("pages/2_Question_suites.py", "Check lists", ":material/checklist:"),
    ("pages/3_About_the_data.py", "About the data", ":material/info:"),
    ("pages/4_Propose_an_agreement.py", "Propose an agreement", ":material/add_circle:"),
    ("pages/5_Review.py", "Review proposals", ":material/fact_check:"),
    ("pages/6_Monitor.py", "Monitor overlaps and gaps", ":material/monitoring:"),
)


def navigation() -> None:
    """Plain-worded page links at the top of the sidebar (Streamlit's own would call the chat page 'app')."""
    with st.sidebar:
        for script, label, icon in PAGES:
            st.page_link(script, label=label, icon=icon)
        st.divider()


def _warm(engine: Engine) -> Engine:
    # One answer now pays the one-off costs (chart library import, first SQL validation) at start-up,
    # not on the first question someone asks.
    engine.answer(engine.vocab.suggestions["starter"][0])
    return engine


def _build(dataset: Dataset) -> Engine:
    return _warm(Engine(Database.from_dataset(dataset)))


@st.cache_resource(show_spinner="Loading the agreements…")
def _live() -> LiveEngine | Engine:
    """The process's engine, kept at the registry's data version (the bundled data alone if the registry cannot
    be opened: questions are still answered, and the registry pages say why they cannot work)."""
    try:
        live: LiveEngine | Engine = LiveEngine(registry(), _build, every=REGISTRY_CHECK_SECONDS)
    except Exception:  # unreachable, or its log no longer applies: the chat still answers on the bundled data
        log.exception("registry unavailable, answering on the bundled data")
        live = _warm(Engine.load())
    # The engine keeps ~145 000 objects alive for the life of the process. Moving them (and Streamlit's
    # own) out of the collector's reach means a full collection walks only what sessions create since.
    gc.collect()
    gc.freeze()
    return live


@st.cache_resource(show_spinner=False)
def registry() -> Store:
    """The registry of this process (assistant/registry/config.py says where it lives), over the bundled data."""
    return open_store(load_dataset())


def _current(force: bool = False) -> tuple[int | None, Engine]:
    """(data version, engine); the version is None when the registry could not be opened."""
    live = _live()
    if isinstance(live, LiveEngine):
        v = live.get(force)
        return v.version, v.engine  # type: ignore[return-value]
    return None, live


def data_changed() -> None:
    """This session accepted a change: take the new data version now, not at the next periodic check."""
    st.session_state.engine_version, st.session_state.engine = _current(force=True)


def engine_version() -> int | None:
    """The registry's data version of the engine this page answers with (None: the bundled data alone)."""
    engine()
    return st.session_state.get("engine_version")


@st.cache_resource(show_spinner="Loading the data as it stood then…", max_entries=4)
def engine_at(version: int) -> Engine:
    """An engine over the data as it stood at an earlier version (to explain a pinned question's change)."""
    return Engine(Database.from_dataset(registry().data_at(version)))


def engine(fresh: bool = False) -> Engine:
    """The engine this page answers with; on bad data, say what is wrong and stop the page.

    `fresh` (the first call of a page's run) takes the newest data version; later calls in the run, and the
    session's fragment reruns, get the same engine, so one page never mixes two versions of the data."""
    try:
        s = st.session_state
        if fresh or "engine" not in s:
            s.engine_version, s.engine = _current()
        return s.engine
    except DataError as e:
        st.error(f"The data could not be loaded, so I cannot answer questions yet.\n\n{e.message}")
        st.stop()
    except Exception:
        log.exception("could not load the engine")
        st.error("The assistant could not start. Please tell the team that looks after it.")
        st.stop()
    raise AssertionError("unreachable")


def merges_fragment_runs() -> bool:
    """Whether this session's page draws a fragment's run in place, among what it already shows, as a browser
    does. AppTest (no HTTP request behind it, so no headers) shows only the fragment's own output after one."""
    try:
        return bool(st.context.headers)
    except Exception:
        return False


@contextmanager
def friendly() -> Iterator[None]:
    """Turn any failure inside into a calm message instead of a traceback.

    Streamlit's own control flow (st.stop, st.rerun) derives from BaseException and passes through.
    """
    try:
        yield
    except AssistantError as e:
        st.error(e.message)
    except Exception:
        log.exception("page failure")
        st.error(FRIENDLY)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def safe(text: Any) -> str:
    """Text for st.markdown shown exactly as written: no Markdown, links, HTML or LaTeX from it."""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", "  \n")


def intro_lines(n_agreements: int, period: str = "2014 – September 2025") -> tuple[str, str]:
    """The opening lines; `period` is the data's (Dataset.period), e.g. '2014 – May 2026'."""
    return (
        f"I know **{n_agreements} defence agreements** signed between European states — the EU-27, the "
        f"United Kingdom and Ukraine — from {period.replace(' – ', ' to ')}.",
        "Ask in plain English who signed what, when, in which form and on which topics: you get the answer, "
        "how I read your question, a chart and the sources, ready to paste into a memo.",
    )


def frame(columns: Sequence[str], rows: Sequence[Sequence[Any]], names: Mapping[str, str]) -> pd.DataFrame:
    """The on-screen table: the memo's columns and headers, numbers kept as numbers so they sort."""
    chosen = memo.memo_columns(columns)
    index = {c: i for i, c in enumerate(columns)}
    data = {}
    for c, header in chosen:
        values = [r[index[c]] for r in rows]
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values if v is not None):
            data[header] = values
        else:
            data[header] = [memo.cell_text(c, v, names) for v in values]
    return pd.DataFrame(data)


def arrow(df: pd.DataFrame) -> pa.Table:
    """The table as Arrow, converted once: st.dataframe sends an Arrow table as it is, a DataFrame it converts
    on every rerun (a long conversation redraws its tables on every question)."""
    return pa.Table.from_pandas(df, preserve_index=False)


def chart_for_display(spec: dict) -> dict:
    """The chart with its datasets already in Arrow, as st.vega_lite_chart would convert them on every rerun."""
    if not isinstance(spec.get("datasets"), dict):
        return spec
    return {**spec, "datasets": {name: values if isinstance(values, bytes) else
                                 dataframe_util.convert_anything_to_arrow_bytes(pd.DataFrame(values))
                                 for name, values in spec["datasets"].items()}}


def _columns(df: pd.DataFrame | pa.Table) -> list[str]:
    return list(df.column_names if isinstance(df, pa.Table) else df.columns)


def column_config(df: pd.DataFrame | pa.Table) -> dict:
    tc = st.column_config.TextColumn
    config: dict[str, Any] = {
        "Title": tc("Title", width="medium"),  # wraps onto three lines, leaving room for the whole Source
        "Summary": tc("Summary", width="large"),
        "Date": tc("Date", width=96),  # a whole date on one line, even in the taller wrapped rows
        "Parties": tc("Parties", width="medium"),  # wraps too: the room goes to the Source address
        "ID": tc("ID", width="small"),
        # The whole address, wrapped: a memo cites the page, not only its site.
        "Source": st.column_config.LinkColumn("Source", width="large", help="Opens the source in a new tab"),
        "Per cent": st.column_config.NumberColumn("Per cent", format="%.1f%%"),
    }
    columns = _columns(df)
    return {k: v for k, v in config.items() if k in columns}


WRAPPED_ROW = 72  # px: above 4rem Streamlit's grid wraps long cells (three lines of a title) instead of cutting them


def table(df: pd.DataFrame | pa.Table, key: str | None = None, max_height: int = 390) -> None:
    columns = _columns(df)
    row = WRAPPED_ROW if "Title" in columns or "Source" in columns else 35
    height = min(38 + row * len(df), max_height)
    # A few short columns (counts per year, per state) read better narrow than stretched across the page.
    width = "stretch" if len(columns) > 3 or "Title" in columns else min(220 * len(columns), 720)
    # On screen the source link sits next to what it proves; the downloads keep the memo's order.
    order = [c for c in ("Title", "Date", "Parties", "Source") if c in columns]
    order += [c for c in columns if c not in order]
    st.dataframe(
        df, column_config=column_config(df), column_order=order, hide_index=True, width=width, height=height,
        row_height=row if row != 35 else None, key=key,
    )


def download_row(m: memo.Memo, key: str, chart: dict | None = None, copy: bool = True,
                 copy_html: str | None = None) -> None:
    """The memo actions: copy (HTML + tab-separated), Markdown, CSV, Excel and, with a chart, PNG.

    Every file is built only when its button is clicked; `copy_html` is the copy button built once
    (memo.copy_button_html), so redrawing an answer builds nothing.
    """
    stem = memo.file_stem(m.question)
    with st.container(horizontal=True, gap="small", vertical_alignment="center"):
        if copy:
            st.iframe(copy_html or memo.copy_button_html(m), width=132, height=40,
                      alt="Copy the cited rows for Word or Outlook")
        downloads = [
            ("Markdown", lambda m=m: memo.to_markdown(m), "md", "text/markdown", ":material/description:"),
            ("CSV", lambda m=m: memo.to_csv(m), "csv", "text/csv", ":material/table_view:"),
            ("Excel", lambda m=m: memo.to_excel(m), "xlsx",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ":material/grid_on:"),
        ]
        if chart:
            downloads.append(("Chart PNG", lambda spec=chart: memo.chart_png(spec), "png", "image/png",
                              ":material/image:"))
        for label, data, ext, mime, icon in downloads:
            st.download_button(label, data, f"{stem}.{ext}", mime, key=f"{key}-{ext}", icon=icon, on_click="ignore")


def scroll_to_last_question(nonce: int) -> None:
    """Bring the newest question to the top of the window, its answer's first line just under it.

    Streamlit keeps a chat page pinned to its bottom, so a long answer would show its downloads, not its
    sentence. The page is held there for up to 15 seconds while the chart and the table paint (on a slow or
    busy machine they move it late); holding stops as soon as the reader scrolls themselves.
    """
    st.html(
        f"""<script>/* turn {nonce} */
        (() => {{
          let stopped = false;
          const stop = () => {{ stopped = true; }};
          ["wheel", "touchstart", "keydown", "mousedown"].forEach(e => window.addEventListener(e, stop, {{once: true, capture: true}}));
          const bring = () => {{
            if (stopped) return;
            const asked = document.querySelectorAll('[data-testid="stChatMessage"]');
            if (asked.length < 2) return;
            const question = asked[asked.length - 2];
            const header = document.querySelector('[data-testid="stHeader"]');
            question.style.scrollMarginTop = ((header ? header.getBoundingClientRect().bottom : 0) + 8) + "px";
            question.scrollIntoView({{block: "start", behavior: "instant"}});
          }};
          const timer = setInterval(bring, 120);
          setTimeout(() => clearInterval(timer), 15000);  // a busy machine paints late; a reader's own scroll stops it
          bring();
        }})();
        </script>""",
        unsafe_allow_javascript=True,
    )


def check_list_dir() -> Path:
    """The folder of staff's saved check lists: $DPA_CHECK_LISTS, else the user's data folder. Never inside the
    checkout, so an update of the code cannot overwrite them and git never sees them."""
    chosen = os.environ.get(CHECK_LISTS_ENV, "").strip()
    if chosen:
        return Path(chosen).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME", "").strip() or str(Path.home() / ".local" / "share")
    return Path(data_home) / "defence-pacts-assistant" / "check-lists"


def check_list_name(name: str) -> str:
    """A list's name as typed, made safe to keep as a file: letters, digits, spaces, dashes, underscores."""
    return re.sub(r"\s+", " ", re.sub(r"[^\w \-]", "", name or "")).strip()[:60] or DEFAULT_CHECK_LIST


def check_list_path(name: str) -> Path:
    return check_list_dir() / f"{check_list_name(name)}.csv"


def check_lists() -> list[str]:
    """The names of the saved check lists, A to Z."""
    folder = check_list_dir()
    return sorted((p.stem for p in folder.glob("*.csv")), key=str.lower) if folder.is_dir() else []

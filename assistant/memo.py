"""Copy and download content for memos: one table, rendered as HTML, tab-separated text, Markdown, CSV,
Excel and (for the chart) PNG, each carrying a line that cites the dataset and the question.

Pure functions: no Streamlit, no database. The page passes in what it shows.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import html
import io
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.data import TOPIC_LABELS

DATASET = "European defence agreements dataset (EU-27, United Kingdom, Ukraine; 2014 – September 2025)"
TOOL = "Defence Pacts Assistant"

# The memo columns for rows that list agreements: (source column, header).
AGREEMENT_COLUMNS = (
    ("title", "Title"),
    ("signed_date", "Date"),
    ("parties", "Parties"),
    ("form", "Form"),
    ("topics", "Topics"),
    ("summary", "Summary"),  # only detail answers carry it
    ("source_url", "Source"),
    ("agreement_id", "ID"),
)
HEADER_LABELS = {
    "n_agreements": "Agreements",
    "agreements": "Agreements",
    "percent": "Per cent",
    "signed_date": "Date",
    "source_url": "Source",
    "agreement_id": "ID",
    "mutual_defence_clause": "Mutual defence clause",
    "n_parties": "Parties (number)",
    "date_precision": "Date precision",
}


@dataclass(frozen=True)
class Memo:
    """The table a memo needs, as display strings, plus the lines around it."""

    question: str
    answer: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    citation: str
    link_column: int | None = None  # index of the column holding source URLs

    @property
    def is_empty(self) -> bool:
        return not self.rows


def citation(question: str, n_agreements: int | None = None, today: dt.date | None = None,
             period: str | None = None) -> str:
    """The line that cites the dataset and the question (pasted under every table); `period` is the data's
    (Dataset.period), when it differs from the brief's."""
    today = today or dt.date.today()
    size = f", {n_agreements} agreements" if n_agreements else ""
    dataset = (DATASET.replace("2014 – September 2025", period) if period else DATASET)[:-1] + size + ")"
    q = " ".join(question.split())
    return f"Source: {dataset}, via the {TOOL}, {today.isoformat()}. Question: “{q}”"


def topic_label(code: str) -> str:
    return TOPIC_LABELS.get(code, code.replace("_", " "))


def _names(codes: Sequence[str], names: Mapping[str, str]) -> str:
    return ", ".join(names.get(c, c) for c in codes)


def cell_text(column: str, value: Any, names: Mapping[str, str]) -> str:
    if value is None:
        return ""
    if column == "topics" and isinstance(value, (list, tuple)):
        return ", ".join(topic_label(t) for t in value)
    if isinstance(value, (list, tuple)):
        return _names([str(v) for v in value], names)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if column == "percent" and isinstance(value, (int, float)):
        return f"{value:.1f}%"
    if isinstance(value, float):
        return f"{value:.1f}" if value != int(value) else str(int(value))
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value)


def header_label(column: str) -> str:
    return HEADER_LABELS.get(column, column.replace("_", " ").capitalize())


def is_agreement_rows(columns: Sequence[str]) -> bool:
    return "title" in columns and "signed_date" in columns


def memo_columns(columns: Sequence[str]) -> list[tuple[str, str]]:
    """(source column, header) pairs shown in the memo, in order."""
    if is_agreement_rows(columns):
        return [(c, h) for c, h in AGREEMENT_COLUMNS if c in columns]
    shown = list(columns)
    # A state's name says what its ISO code says; keep the code only where no name column exists.
    if "code" in shown and any(c in shown for c in ("country", "partner", "name")):
        shown.remove("code")
    return [(c, header_label(c)) for c in shown]


def build(
    question: str,
    answer: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    names: Mapping[str, str],
    n_agreements: int | None = None,
    today: dt.date | None = None,
    period: str | None = None,
) -> Memo:
    """The memo table for an answer's cited rows: agreements get the memo columns, parties by name."""
    chosen = memo_columns(columns)
    index = {c: i for i, c in enumerate(columns)}
    table = tuple(tuple(cell_text(c, r[index[c]], names) for c, _ in chosen) for r in rows)
    headers = tuple(h for _, h in chosen)
    link = next((i for i, (c, _) in enumerate(chosen) if c == "source_url"), None)
    return Memo(question, answer, headers, table, citation(question, n_agreements, today, period), link)


def from_answer(
    answer: Any, names: Mapping[str, str], n_agreements: int | None = None, today: dt.date | None = None,
    period: str | None = None,
) -> Memo:
    """`build` for an assistant.answer.Answer (or anything with the same attributes)."""
    return build(answer.question, answer.answer, answer.columns, answer.rows, names, n_agreements, today, period)


# ---- renderings ---------------------------------------------------------------------------------

_CELL_STYLE = "border:1px solid #9aa5b1;padding:4px 6px;vertical-align:top;text-align:left"


@functools.lru_cache(maxsize=256)  # a memo is frozen; reruns redraw every turn
def to_html(memo: Memo) -> str:
    """An HTML fragment (answer, table, citation) that pastes as a real table into Word and Outlook."""
    e = html.escape
    out = [f"<p>{e(memo.answer)}</p>"]
    if memo.rows:
        out.append('<table style="border-collapse:collapse;font-family:Calibri,Arial,sans-serif;font-size:10pt">')
        out.append(
            "<thead><tr>"
            + "".join(f'<th style="{_CELL_STYLE};background:#e4e8ee">{e(h)}</th>' for h in memo.headers)
            + "</tr></thead>"
        )
        out.append("<tbody>")
        for row in memo.rows:
            cells = []
            for i, v in enumerate(row):
                text = f'<a href="{e(v)}">{e(v)}</a>' if i == memo.link_column and v else e(v)
                cells.append(f'<td style="{_CELL_STYLE}">{text}</td>')
            out.append("<tr>" + "".join(cells) + "</tr>")
        out.append("</tbody></table>")
    out.append(f'<p style="font-size:9pt;color:#52606d"><i>{e(memo.citation)}</i></p>')
    return "\n".join(out)


def _flat(text: str) -> str:
    return re.sub(r"[\t\r\n]+", " ", text)


@functools.lru_cache(maxsize=256)  # a memo is frozen; reruns redraw every turn
def to_tsv(memo: Memo) -> str:
    """Tab-separated text (the plain-text half of the clipboard): header, rows, then the citation."""
    lines = ["\t".join(_flat(h) for h in memo.headers)] if memo.rows else []
    lines += ["\t".join(_flat(v) for v in row) for row in memo.rows]
    lines += ["", _flat(memo.citation)] if lines else [_flat(memo.answer), "", _flat(memo.citation)]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return _flat(text).replace("\\", "\\\\").replace("|", "\\|")


@functools.lru_cache(maxsize=256)  # a memo is frozen; reruns redraw every turn
def to_markdown(memo: Memo) -> str:
    out = [f"**Question:** {_md(memo.question)}", "", _md(memo.answer), ""]
    if memo.rows:
        out.append("| " + " | ".join(_md(h) for h in memo.headers) + " |")
        out.append("|" + "|".join("---" for _ in memo.headers) + "|")
        for row in memo.rows:
            cells = [f"<{v}>" if i == memo.link_column and v else _md(v) for i, v in enumerate(row)]
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
    out.append(f"*{_md(memo.citation)}*")
    return "\n".join(out) + "\n"


@functools.lru_cache(maxsize=256)  # a memo is frozen; reruns redraw every turn
def to_csv(memo: Memo) -> str:
    """CSV with a header row; the citation follows the table after an empty row."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    if memo.rows:
        w.writerow(memo.headers)
        w.writerows(memo.rows)
    else:
        w.writerow([memo.answer])
    w.writerow([])
    w.writerow([memo.citation])
    return buf.getvalue()


_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _excel_value(text: str) -> tuple[Any, str | None]:
    """A cell as Excel should hold it (numbers as numbers, dates as dates) and its number format."""
    if _NUMBER.fullmatch(text):
        return (float(text) if "." in text else int(text)), None
    if text.endswith("%") and _NUMBER.fullmatch(text[:-1]):
        return float(text[:-1]) / 100, "0.0%"
    if _DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text), "yyyy-mm-dd"
        except ValueError:
            return text, None
    return text, None


def to_excel(memo: Memo) -> bytes:
    """An .xlsx workbook: question and answer on top, the table with live source links, the citation below."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "Answer"
    ws.append(["Question", memo.question])
    ws.append(["Answer", memo.answer])
    ws["A1"].font = ws["A2"].font = Font(bold=True)
    ws.append([])
    first = ws.max_row + 1
    if memo.rows:
        ws.append(list(memo.headers))
        for cell in ws[first]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="E4E8EE")
        for row in memo.rows:
            ws.append([_excel_value(v)[0] for v in row])
            for i, v in enumerate(row, start=1):
                fmt = _excel_value(v)[1]
                if fmt:
                    ws.cell(ws.max_row, i).number_format = fmt
            if memo.link_column is not None and row[memo.link_column]:
                cell = ws.cell(ws.max_row, memo.link_column + 1)
                cell.hyperlink = row[memo.link_column]
                cell.font = Font(color="1F5FA8", underline="single")
        ws.freeze_panes = ws.cell(first + 1, 1)
        for i, h in enumerate(memo.headers, start=1):
            width = max([len(h)] + [len(r[i - 1]) for r in memo.rows])
            ws.column_dimensions[ws.cell(first, i).column_letter].width = min(max(width + 2, 8), 60)
            for r in range(first + 1, ws.max_row + 1):
                ws.cell(r, i).alignment = Alignment(wrap_text=True, vertical="top")
    ws.append([])
    ws.append([memo.citation])
    ws.cell(ws.max_row, 1).font = Font(italic=True, color="52606D")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def chart_png(spec: Mapping[str, Any], scale: float = 2.0, width: int = 720) -> bytes:
    """The chart as a PNG image on a white background (vl-convert renders Vega-Lite without a browser).

    On the page a chart fills its container; an image has none, so "container" widths get a fixed one.
    """
    import vl_convert

    spec = dict(spec)
    if spec.get("width") == "container":
        spec["width"] = width
    spec.setdefault("background", "white")
    spec.setdefault("padding", 12)
    return vl_convert.vegalite_to_png(spec, scale=scale)


def file_stem(question: str, limit: int = 60) -> str:
    """A file name from the question: 'How many agreements did France sign?' -> 'how-many-agreements-did-france-sign'."""
    slug = re.sub(r"[^a-z0-9]+", "-", question.lower()).strip("-")[:limit].strip("-")
    return slug or "answer"


@functools.lru_cache(maxsize=256)  # a memo is frozen; reruns redraw every turn
def copy_button_html(memo: Memo, label: str = "Copy table") -> str:
    """A small self-contained button that puts the table on the clipboard as HTML and as tab-separated text.

    It runs inside st.iframe's frame (which allows clipboard-write). Where the async
    clipboard API is missing it falls back to selecting a hidden rendered copy of the table.
    """
    # "<" as \u003c: nothing in the payload can close the <script> element or open a comment.
    payload_html = json.dumps(to_html(memo)).replace("<", "\\u003c")
    payload_text = json.dumps(to_tsv(memo)).replace("<", "\\u003c")
    payload_label = json.dumps(label).replace("<", "\\u003c")
    return f"""
<style>
  html, body {{ margin: 0; padding: 0; background: transparent; }}
  button {{ box-sizing: border-box; max-width: 100%; display: inline-flex; align-items: center; gap: 6px;
           height: 40px; padding: 0 12px;
           font: 400 13.5px/1 "Source Sans Pro", "Source Sans 3", "Segoe UI", system-ui, sans-serif;
           border-radius: 8px; cursor: pointer; border: 1px solid rgba(49, 51, 63, 0.2);
           background: #ffffff; color: #1f2933; white-space: nowrap; }}
  button:hover {{ border-color: #2f5d8a; color: #2f5d8a; }}
  button:active {{ background: #2f5d8a; color: #ffffff; }}
  svg {{ width: 18px; height: 18px; fill: currentColor; }}
</style>
<button id="copy" type="button" title="Copies the cited rows and the citation line; paste into Word or Outlook">
  <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M16 1H4a2 2 0 0 0-2 2v14h2V3h12V1zm3 4H8a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h11a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2zm0 16H8V7h11v14z"/></svg>
  <span id="label" role="status">{html.escape(label)}</span>
</button>
<script>
  const HTML = {payload_html};
  const TEXT = {payload_text};
  const label = document.getElementById("label");
  function done(text) {{
    label.textContent = text;
    setTimeout(() => {{ label.textContent = {payload_label}; }}, 2000);
  }}
  function fallback() {{
    const div = document.createElement("div");
    div.contentEditable = "true";
    div.style.position = "fixed"; div.style.left = "-10000px";
    div.innerHTML = HTML;
    document.body.appendChild(div);
    const range = document.createRange(); range.selectNodeContents(div);
    const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
    const ok = document.execCommand("copy");
    sel.removeAllRanges(); div.remove();
    return ok;
  }}
  document.getElementById("copy").addEventListener("click", async () => {{
    try {{
      if (window.ClipboardItem && navigator.clipboard && navigator.clipboard.write) {{
        await navigator.clipboard.write([new ClipboardItem({{
          "text/html": new Blob([HTML], {{type: "text/html"}}),
          "text/plain": new Blob([TEXT], {{type: "text/plain"}}),
        }})]);
        done("Copied");
        return;
      }}
    }} catch (e) {{ /* fall through to the selection copy */ }}
    done(fallback() ? "Copied" : "Copy failed");
  }});
</script>
"""

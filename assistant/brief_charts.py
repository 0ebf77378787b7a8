"""The brief's four graphs drawn from our data, as PNG and SVG for memos (`python -m assistant figures --charts DIR`).

Each graph is the chat's own chart for the same result shape (assistant/charts.py), at a fixed width.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import vl_convert as vlc

from assistant.charts import draw
from assistant.figures import BRIEF_END, scoped
from assistant.intent import Intent
from assistant.run import Database

WIDTH = 640
VEGA_LITE = "6.4"  # the schema altair 6 writes


@dataclass(frozen=True)
class Graph:
    name: str
    title: str
    intent: Intent
    sql: str
    note: str = ""  # how to read it, above the source line


GRAPHS = (
    Graph("graph1_agreements_per_year", "Graph 1. Defence agreements signed per year, 2014 - September 2025",
          Intent("breakdown", dims=("year",)),
          "SELECT year, count(*) AS agreements FROM agreements GROUP BY year ORDER BY year"),
    Graph("graph2_types", "Graph 2. Types of agreement (form)",
          Intent("breakdown", dims=("form",)),
          "SELECT form, count(*) AS agreements FROM agreements GROUP BY form ORDER BY agreements DESC, form"),
    Graph("graph3_content", "Graph 3. Content of the agreements (topics)",
          Intent("breakdown", dims=("topic",)),
          "SELECT topic, count(*) AS agreements FROM (SELECT unnest(topics) AS topic FROM agreements) "
          "GROUP BY topic ORDER BY agreements DESC, topic",
          "An agreement may cover several topics, so the bars add up to more than the agreements."),
    Graph("graph4_constellation", "Graph 4. Constellation of bilateral partnerships",
          Intent("breakdown", dims=("pair",), chart="network"),
          "SELECT c1.name AS country_a, c2.name AS country_b, c1.code AS code_a, c2.code AS code_b, "
          "count(*) AS agreements FROM agreements a "
          "JOIN agreement_parties p1 ON p1.agreement_id = a.agreement_id "
          "JOIN agreement_parties p2 ON p2.agreement_id = a.agreement_id AND p1.country_code < p2.country_code "
          "JOIN countries c1 ON c1.code = p1.country_code JOIN countries c2 ON c2.code = p2.country_code "
          "WHERE a.scope = 'bilateral' GROUP BY ALL ORDER BY agreements DESC, country_a, country_b",
          "Circle size: the state's bilateral agreements. Line width: agreements between the two states."),
)


def brief_specs(db: Database) -> dict[str, dict]:
    """Graph name -> Vega-Lite spec at memo width, with the data's extent in the subtitle. Like the brief's
    figures, the graphs are drawn within the brief's period (rows signed later are left out)."""
    total, last = db.execute(scoped("SELECT count(*), max(signed_date) FROM agreements", BRIEF_END)).rows[0]
    subtitle = f"Source: Defence Pacts Assistant data, {total} agreements signed 2014 - {last:%B %Y}"
    specs = {}
    for g in GRAPHS:
        result = db.execute(scoped(g.sql, BRIEF_END))
        spec = draw(g.intent, result.columns, result.rows, g.title)
        spec["title"] = {"text": g.title, "subtitle": [line for line in (g.note, subtitle) if line],
                         "anchor": "start", "fontSize": 15, "subtitleColor": "#555", "subtitlePadding": 4}
        if spec.get("width") == "container":
            spec["width"] = WIDTH
        specs[g.name] = spec
    return specs


def write_brief_charts(db: Database, out_dir: Path) -> list[Path]:
    """Write each graph as PNG (2x, for print) and SVG; return the paths written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, spec in brief_specs(db).items():
        png, svg = out_dir / f"{name}.png", out_dir / f"{name}.svg"
        png.write_bytes(vlc.vegalite_to_png(spec, vl_version=VEGA_LITE, scale=2))
        svg.write_text(vlc.vegalite_to_svg(spec, vl_version=VEGA_LITE), encoding="utf-8")
        written += [png, svg]
    return written

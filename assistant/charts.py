"""Result shape -> Altair chart: a rule table reads the result's columns (and the user's override) and draws.

Pure and quick: nothing is rendered here, and the only files read (the Europe boundaries, the states'
regions) are read once. The same form, topic, scope or region has the same colour in every chart.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

import altair as alt
from altair.utils.schemapi import debug_mode

from assistant.data import DATA_DIR, FIRST_DATE, FORMS, LAST_DATE, REGIONS, TOPIC_LABELS, TOPICS, load_countries
from assistant.intent import Dates, Intent, YearIn, Years

log = logging.getLogger(__name__)

WIDTH = 560  # fixed-size charts (map, matrix, network) fit the chat column; bar charts fill it
BLUE, ORANGE, GREY, LIGHT = "#0072B2", "#D55E00", "#bdbdbd", "#eeeeee"
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
# Fixed domain -> colour tables (Okabe-Ito; Paul Tol's muted scheme for the ten topics): colour-blind safe.
PALETTES: dict[str, dict[str, str]] = {
    "form": dict(zip(FORMS, ("#0072B2", "#E69F00", "#009E73", "#CC79A7"), strict=True)),
    "topic": dict(zip((TOPIC_LABELS[t] for t in TOPICS), (
        "#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255", "#AA4499",
        "#EE7733"), strict=True)),
    "scope": {"bilateral": "#0072B2", "plurilateral": "#D55E00"},
    "region": dict(zip(REGIONS, ("#56B4E9", "#E69F00", "#009E73", "#D55E00"), strict=True)),
}
TITLES = {  # column -> axis / legend / tooltip title, in words
    "year": "Year signed", "month": "Month signed", "form": "Form", "topic": "Topic", "scope": "Scope",
    "region": "Region", "parties": "Number of parties", "country": "State", "partner": "Partner state",
    "agreements": "Agreements", "partners": "Partner states", "code": "Code", "title": "Agreement",
    "signed_date": "Date signed", "agreement_id": "Id", "topics": "Topics", "country_a": "State",
    "country_b": "Partner state", "pair": "Pair of states",
}
MEASURES = ("agreements", "partners")
TIME = ("year", "month")
BLUES = alt.SchemeParams("blues", extent=[0.15, 1])  # sequential, single hue; the palest step still shows
CONFIG = {"view": {"stroke": None, "continuousWidth": 300, "continuousHeight": 300},
          "axis": {"labelLimit": 220, "titleFontWeight": "normal"}}
ALL_PARTIES = "Parties"  # tooltip title of the agreement list's parties column
DATASET = "European defence agreements dataset (EU-27, United Kingdom, Ukraine)"
FEW = 12  # an agreement timeline with this many dots or fewer names each one beside its dot (a PNG has no tooltips)
Drawn = alt.TopLevelMixin | dict  # a rule's chart: an altair chart, or a layered spec composed by _layer


def source_note(today: dt.date | None = None, period: str = "") -> str:
    """The one line under every chart's title: what the figures come from, the span it covers (the data's period,
    e.g. '2014 – March 2026'), when they were drawn."""
    today = today or dt.date.today()
    return (f"Source: {DATASET}, {period or f'{FIRST_DATE.year} – {LAST_DATE:%B %Y}'}; "
            f"Defence Pacts Assistant, answered {today.isoformat()}")


def choose_chart(intent: Intent, columns: list[str], rows: list[tuple], title: str,
                 today: dt.date | None = None, period: str = "") -> dict | None:
    """The Vega-Lite spec (data inlined) that shows this result best, or None where a chart would not help."""
    try:
        return draw(intent, columns, rows, title, today, period)
    except Exception:  # a chart is a bonus: never lose the answer over it
        log.exception("no chart for columns %s", columns)
        return None


def draw(intent: Intent | None, columns: list[str], rows: list[tuple], title: str,
         today: dt.date | None = None, period: str = "") -> dict | None:
    """Apply the first rule that matches; the rows go into the spec's `datasets` once, by name."""
    shape = Shape(intent or Intent(), list(columns), [_record(columns, r) for r in rows], title)
    rule = next((r for r in RULES if r.applies(shape)), None)
    # Building with named data keeps altair's copying and eager validation off the rows: ~1 ms, not ~100.
    with debug_mode(False):
        chart = rule.draw(shape) if rule else None
        if chart is None:
            return None
        spec = chart if isinstance(chart, dict) else chart.to_dict(validate=False)
    # The title and the source line travel inside the spec, so the page, the PNG and the SVG all carry them.
    spec["title"] = {"text": textwrap.wrap(title, 80) or [""], "anchor": "start",
                     "subtitle": source_note(today, period), "subtitleColor": "#52606d", "subtitleFontSize": 10,
                     "subtitlePadding": 4, "offset": 10}
    spec["config"] = CONFIG
    spec["datasets"] = shape.datasets
    return spec


@dataclass(frozen=True)
class Shape:
    """A result as the rules see it: the dimension columns, the measure, the records."""

    intent: Intent
    columns: list[str]
    records: list[dict]
    title: str
    datasets: dict[str, list] = field(default_factory=dict)

    def data(self, name: str, values: list) -> alt.Data:
        self.datasets[name] = values
        return alt.Data(name=name)

    @property
    def override(self) -> str | None:
        return None if self.intent.chart == "auto" else self.intent.chart

    @property
    def measure(self) -> str | None:
        return self.columns[-1] if self.columns and self.columns[-1] in MEASURES else None

    @property
    def dims(self) -> list[str]:
        return [c for c in self.columns if c not in MEASURES and c not in ("code", "code_a", "code_b")]


@dataclass(frozen=True)
class Rule:
    name: str
    applies: Callable[[Shape], bool]
    draw: Callable[[Shape], Drawn | None]


def _record(columns: list[str], row: tuple) -> dict:
    """One row as JSON values in words: dates as ISO text, lists of codes or topics as names."""
    out = {}
    for c, v in zip(columns, row, strict=False):
        if isinstance(v, (dt.date, dt.datetime)):
            v = v.isoformat()
        elif isinstance(v, (list, tuple)):
            names = {code: name for code, (name, _) in states().items()} if c == "parties" else TOPIC_LABELS
            v = ", ".join(names.get(x, str(x)) for x in v)
        elif isinstance(v, Decimal):
            v = float(v)
        if c == "topic":
            v = TOPIC_LABELS.get(v, v)
        out[c] = v
    return out


def _domain(column: str, values: list) -> list:
    """The colour domain: the fixed vocabulary order for known columns, else order of appearance."""
    seen = list(dict.fromkeys(values))
    palette = PALETTES.get(column, {})
    return [v for v in palette if v in seen] + [v for v in seen if v not in palette]


def _colour(column: str, values: list, legend: bool = True) -> alt.Color:
    """Colour by a column; known vocabularies keep their fixed colours everywhere."""
    domain = _domain(column, values)
    palette = PALETTES.get(column)
    if palette:
        colours = [palette.get(v, GREY) for v in domain]
    else:
        colours = [OKABE_ITO[i % len(OKABE_ITO)] for i in range(len(domain))]
    kind = "O" if column == "parties" else "N"
    return alt.Color(f"{column}:{kind}", title=TITLES.get(column, column), sort=domain,
                     scale=alt.Scale(domain=domain, range=colours),
                     # two columns of long labels fit the chat column; four ran off its edge
                     legend=alt.Legend(orient="top", direction="horizontal", columns=2 if len(domain) > 3 else 3,
                                       labelLimit=260) if legend else None)


def _tooltip(*fields: str, measure: str | None = None) -> list[alt.Tooltip]:
    tips = [alt.Tooltip(f, title=TITLES.get(f.split(":")[0], f.split(":")[0])) for f in fields]
    if measure:
        tips.append(alt.Tooltip(f"{measure}:Q", title=TITLES[measure], format="d"))
    return tips


# ---- agreement lists: a timeline of dots ------------------------------------------------------------

def _timeline(s: Shape) -> Drawn | None:
    if s.intent.kind == "count" and not s.intent.chart or s.intent.kind == "detail" or len(s.records) < 2:
        return None
    data = [dict(r, jitter=(i * 0.618034) % 1) for i, r in enumerate(s.records)]
    forms = [r.get("form") for r in data]
    dates = sorted(dt.date.fromisoformat(r["signed_date"][:10]) for r in data)
    days = (dates[-1] - dates[0]).days
    if days > 3 * 365:
        axis = alt.Axis(format="%Y", tickCount="year", labelAngle=0)
    elif days > 60:
        axis = alt.Axis(format="%b %Y", tickCount={"interval": "month", "step": 1 if days < 200 else 3}, labelAngle=0)
    else:
        axis = alt.Axis(format="%d %b %Y", tickCount=5, labelAngle=0)
    few = len(data) <= FEW
    if few:  # each dot named: a short title beside it (towards the middle), so the image says which is which
        middle = dates[0] + (dates[-1] - dates[0]) / 2
        for r in data:
            r["label"] = textwrap.shorten(str(r.get("title", "")), 42, placeholder="…")
            r["late"] = dt.date.fromisoformat(r["signed_date"][:10]) > middle
    base = alt.Chart(s.data("agreements", data)).encode(
        x=alt.X("signed_date:T", title="Date signed", axis=axis, scale=alt.Scale(padding=24 if few else 12)),
        y=alt.Y("form:N", title="Form", sort=[f for f in FORMS if f in forms]),
        yOffset=alt.YOffset("jitter:Q", scale=alt.Scale(domain=[-0.3, 1.3])),
        tooltip=[alt.Tooltip("title:N", title="Agreement"),
                 alt.Tooltip("signed_date:T", title="Date signed", format="%d %B %Y"),
                 alt.Tooltip("parties:N", title=ALL_PARTIES), alt.Tooltip("form:N", title="Form"),
                 alt.Tooltip("topics:N", title="Topics"), alt.Tooltip("agreement_id:N", title="Id")],
    )
    dots = base.mark_circle(size=90, opacity=0.8, stroke="white", strokeWidth=0.5).encode(
        color=_colour("form", forms), href=alt.Href("source_url:N"))
    height = alt.Step(60 if few else 44)
    if not few:
        return dots.properties(width="container", height=height)
    text = base.encode(text=alt.Text("label:N"))
    early = text.mark_text(align="left", dx=8, fontSize=10, color="#333").transform_filter("!datum.late")
    late = text.mark_text(align="right", dx=-8, fontSize=10, color="#333").transform_filter("datum.late")
    return _layer(dots, early, late, width="container", height=height)


# ---- counts over time -------------------------------------------------------------------------------

def _year_span(intent: Intent, years: list[int]) -> list[int]:
    """Every year the question covers, so that years without agreements show as zero, not as nothing."""
    start, end = FIRST_DATE.year, max(years)
    for f in intent.filters:
        if isinstance(f, YearIn):
            return sorted(set(f.years) | set(years))
        if isinstance(f, Years):
            start, end = f.start or start, f.end or end
        if isinstance(f, Dates):
            start = f.start.year if f.start else start
            end = f.before.year if f.before else end
    return list(range(min(start, *years), min(max(end, *years), LAST_DATE.year) + 1))


def _month_span(months: list[str]) -> list[str]:
    months = sorted(months)
    (y, m), (y2, m2) = (map(int, months[0].split("-"))), (map(int, months[-1].split("-")))
    out = []
    while (y, m) <= (y2, m2):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _over_time(s: Shape) -> Drawn | None:
    dim, measure = s.dims[0], s.measure
    counts = {r[dim]: r[measure] for r in s.records}
    if len(counts) < 2 and s.override not in ("bar", "line"):
        return None
    if dim == "year":
        data = [{"year": y, measure: counts.get(y, 0)} for y in _year_span(s.intent, list(counts))]
        x = alt.X("year:O", title=TITLES["year"], axis=alt.Axis(labelAngle=0))
    else:
        data = [{"month": m, "label": dt.date(int(m[:4]), int(m[5:]), 1).strftime("%b %Y"), measure: counts.get(m, 0)}
                for m in _month_span(list(counts))]
        x = alt.X("label:O", title=TITLES["month"], sort=[d["label"] for d in data],
                  axis=alt.Axis(labelAngle=-45 if len(data) > 8 else 0))
    y = alt.Y(f"{measure}:Q", title=f"{TITLES[measure]} signed", axis=alt.Axis(tickMinStep=1))
    tip = _tooltip("year:O" if dim == "year" else "label:O", measure=measure)
    tip[0].title = TITLES[dim]
    base = alt.Chart(s.data("counts", data)).encode(x=x, y=y, tooltip=tip)
    if s.override == "line":
        marks = base.mark_line(color=BLUE, point=alt.OverlayMarkDef(color=BLUE, size=40))
    else:
        marks = base.mark_bar(color=BLUE)
    labels = base.mark_text(dy=-10 if s.override == "line" else -7, fontSize=10, color="#333") \
        .encode(text=alt.Text(f"{measure}:Q"))
    if len(data) > 30:
        return marks.properties(width="container", height=260)
    return _layer(marks, labels, width="container", height=260)


# ---- counts by one category -------------------------------------------------------------------------

def _bars(s: Shape, label: str, colour: str | None = None) -> Drawn | None:
    measure = s.measure
    if len(s.records) < 2 and s.override not in ("bar",):
        return None
    ranked = sorted(s.records, key=lambda r: (-(r[measure] or 0), str(r[label])), reverse=s.intent.ascending)
    y = alt.Y(f"{label}:N", title=TITLES.get(label, label.capitalize()), sort=[r[label] for r in ranked])
    top = max((r[measure] or 0) for r in s.records)
    x = alt.X(f"{measure}:Q", title=TITLES.get(measure, measure), axis=alt.Axis(tickMinStep=1),
              scale=alt.Scale(domainMax=top * 1.08 + 1))  # room for the value labels
    tips = _tooltip(f"{label}:N", measure=measure)
    tips[0].title = TITLES.get(label, label.capitalize())
    if colour:
        color = _colour(colour, [r[colour] for r in s.records], legend=False)
    else:
        color = alt.ColorValue(BLUE)
    base = alt.Chart(s.data("counts", s.records)).encode(y=y, x=x, tooltip=tips)
    bars = base.mark_bar(height={"band": 0.8}).encode(color=color)
    text = base.mark_text(align="left", dx=3, fontSize=10, color="#333").encode(text=alt.Text(f"{measure}:Q"))
    step = 20 if len(s.records) <= 12 else 16
    return _layer(bars, text, width="container", height=alt.Step(step))


def _categories(s: Shape) -> Drawn | None:
    dim = s.dims[0]
    if dim == "parties":  # a number: keep it in order, upright
        if len(s.records) < 2:
            return None
        base = alt.Chart(s.data("counts", s.records)).encode(
            x=alt.X("parties:O", title=TITLES["parties"], axis=alt.Axis(labelAngle=0)),
            y=alt.Y(f"{s.measure}:Q", title=TITLES[s.measure]),
            tooltip=_tooltip("parties:O", measure=s.measure))
        return _layer(base.mark_bar(color=BLUE), base.mark_text(dy=-7, fontSize=10).encode(text=alt.Text(f"{s.measure}:Q")),
                      width="container", height=240)
    return _bars(s, dim, colour=dim if dim in PALETTES else None)


# ---- counts by state: bars, or a map of Europe ------------------------------------------------------

@cache
def europe() -> tuple[dict, ...]:
    """The boundary features (see data/MAP_SOURCE.md), read once per process."""
    with open(DATA_DIR / "europe.geojson", encoding="utf-8") as fh:
        return tuple(json.load(fh)["features"])


@cache
def states() -> dict[str, tuple[str, str]]:
    """Code -> (name, region) of the 29 states, through the data loader, read once."""
    return {c.code: (c.name, c.region) for c in load_countries(DATA_DIR / "countries.csv")}


# The frame of the 29 states (Portugal and Ireland to Ukraine and Cyprus, Malta to Finland).
FRAME = {"type": "Feature", "properties": {}, "geometry": {"type": "MultiPoint", "coordinates": [
    [-10.5, 34.6], [10, 34.6], [35, 34.6], [41, 45], [33, 70.3], [10, 71], [-10.5, 55]]}}


def _map(s: Shape, colour: alt.Color, lookup: list[str], tip: list[alt.Tooltip], **calculate: str) -> dict:
    features = s.data("europe", list(europe()))
    projection = alt.Projection(type="azimuthalEqualArea", rotate=[-12, -52, 0], fit=FRAME)
    base = alt.Chart(features).mark_geoshape(fill=LIGHT, stroke="white", strokeWidth=0.6, clip=True) \
        .encode(tooltip=alt.Tooltip("properties.name:N", title="State")) \
        .transform_filter("!datum.properties.in_scope").properties(projection=projection)
    states = alt.Chart(features).mark_geoshape(stroke="white", strokeWidth=0.6, clip=True, invalid="show") \
        .transform_filter("datum.properties.in_scope") \
        .transform_lookup(lookup="properties.code", from_=alt.LookupData(s.data("counts", s.records), "code", lookup)) \
        .transform_calculate(name="datum.properties.name", **calculate) \
        .encode(color=colour, tooltip=tip).properties(projection=projection)
    return _layer(base, states, width=WIDTH, height=int(WIDTH * 0.95))


def _countries(s: Shape) -> Drawn | None:
    label, measure = s.dims[0], s.measure
    if s.override != "map":
        return _bars(s, label)
    who = s.intent.focus_label or ", ".join(s.intent.focus)
    for f in s.intent.focus:
        s.records.append({"code": f, "focus": True, "role": f"the state asked about ({who})"})
    # States in scope but absent from the result signed nothing that matches, unless the question
    # named which states to count ("each Nordic state") or asked for a top N: then the rest are not known.
    missing = "null" if s.intent.restrict or s.intent.n else "0"
    colour = alt.Color("value:Q", title=TITLES[measure], condition=[{"test": "datum.focus", "value": ORANGE},
                                                                   {"test": "!isValid(datum.value)", "value": GREY}],
                       scale=alt.Scale(scheme=BLUES, domainMin=0),
                       legend=alt.Legend(orient="bottom-left", direction="horizontal", gradientLength=180))
    tip = [alt.Tooltip("name:N", title="State"), alt.Tooltip("value:Q", title=TITLES[measure], format="d")]
    if s.intent.focus:
        tip.append(alt.Tooltip("role:N", title="Role"))
    return _map(s, colour, [measure, "focus", "role"], tip,
                value=f"datum.focus ? null : isValid(datum.{measure}) ? datum.{measure} : {missing}")


def _never(s: Shape) -> dict | None:
    if s.override != "map":
        return None
    who = s.intent.focus_label or ", ".join(s.intent.focus) or "them"
    never, has, itself = f"never signed with {who}", f"signed with {who}", who
    for r in s.records:
        r["role"] = never
    for f in s.intent.focus:
        s.records.append({"code": f, "role": itself})
    domain, colours = [never, has, itself], [ORANGE, "#56B4E9", BLUE]
    colour = alt.Color("role:N", title=None, scale=alt.Scale(domain=domain, range=colours),
                       legend=alt.Legend(orient="bottom-left", labelLimit=320))
    return _map(s, colour, ["role"], [alt.Tooltip("name:N", title="State"), alt.Tooltip("role:N", title="")],
                role=f"datum.role || {json.dumps(has)}")


# ---- two categories: stacked bars (or a matrix) -----------------------------------------------------

def _matrix(s: Shape, x: str, y: str, symmetric: bool = False) -> Drawn:
    measure = s.measure
    data = s.records
    totals: dict = {}
    for r in data:
        totals[r[y]] = totals.get(r[y], 0) + r[measure]
        if symmetric:
            totals[r[x]] = totals.get(r[x], 0) + r[measure]
    order_y = sorted(totals, key=lambda k: (-totals[k], str(k)))
    order_x = order_y if symmetric else list(dict.fromkeys(sorted(r[x] for r in data)))
    if symmetric:
        data = data + [dict(r, **{x: r[y], y: r[x]}) for r in data]
    n = max(len(order_x), len(order_y))
    cell = max(12, min(40, WIDTH // max(len(order_x), 1)))
    base = alt.Chart(s.data("counts", data)).encode(
        x=alt.X(f"{x}:O", title=TITLES.get(x, x), sort=order_x, axis=alt.Axis(labelAngle=-45 if x != "year" else 0)),
        y=alt.Y(f"{y}:O", title=TITLES.get(y, y), sort=order_y),
        tooltip=_tooltip(f"{y}:N", f"{x}:N", measure=measure))
    rect = base.mark_rect(stroke="white", strokeWidth=0.5).encode(
        color=alt.Color(f"{measure}:Q", title=TITLES[measure],
                        scale=alt.Scale(scheme=BLUES, domainMin=0),
                        legend=alt.Legend(orient="top", gradientLength=160)))
    if n <= 16:
        text = base.mark_text(fontSize=10).encode(
            text=alt.Text(f"{measure}:Q"),
            color=alt.condition(f"datum.{measure} > {max(r[measure] for r in data) / 2}", alt.ColorValue("white"),
                                alt.ColorValue("#333")))
        return _layer(rect, text, width=alt.Step(cell), height=alt.Step(min(cell, 22)))
    return rect.properties(width=alt.Step(cell), height=alt.Step(min(cell, 22)))


def _two_way(s: Shape) -> Drawn | None:
    first, second = s.dims
    measure = s.measure
    if len(s.records) < 2:
        return None
    time = next((d for d in s.dims if d in TIME), None)
    along = time or first
    by = second if along == first else first
    distinct = len({r[by] for r in s.records})
    if s.override == "heatmap" or (distinct > 10 and by not in PALETTES):
        return _matrix(s, along, by)
    records = s.records
    if time:  # a full grid: a category missing in a year is a zero (lines must not skip it)
        seen = [r[time] for r in records]
        span = _year_span(s.intent, seen) if time == "year" else _month_span(seen)
        have = {(r[time], r[by]) for r in records}
        records = records + [{time: t, by: b, measure: 0} for t in span for b in dict.fromkeys(r[by] for r in records)
                             if (t, b) not in have]
    colour = _colour(by, [r[by] for r in records])
    order = {v: i for i, v in enumerate(_domain(by, [r[by] for r in records]))}
    data = sorted((dict(r, order=order.get(r[by], 99)) for r in records), key=lambda r: (str(r[along]), r["order"]))
    tips = _tooltip(f"{along}:N", f"{by}:N", measure=measure)
    if time:
        x = alt.X(f"{along}:O", title=TITLES.get(along, along), axis=alt.Axis(labelAngle=0 if time == "year" else -45))
        y = alt.Y(f"{measure}:Q", title=f"{TITLES[measure]} signed", stack=s.override != "line")
        base = alt.Chart(s.data("counts", data)).encode(x=x, y=y, color=colour, tooltip=tips)
        if s.override == "line":  # a line's path follows the data, which is in time order
            return base.mark_line(point=True).properties(width="container", height=280)
        return base.mark_bar().encode(order=alt.Order("order:Q")).properties(width="container", height=280)
    totals: dict = {}
    for r in data:
        totals[r[along]] = totals.get(r[along], 0) + r[measure]
    y = alt.Y(f"{along}:N", title=TITLES.get(along, along), sort=sorted(totals, key=lambda k: (-totals[k], str(k))))
    x = alt.X(f"{measure}:Q", title=TITLES[measure])
    return alt.Chart(s.data("counts", data)).mark_bar().encode(
        y=y, x=x, color=colour, tooltip=tips, order=alt.Order("order:Q")
    ).properties(width="container", height=alt.Step(22))


# ---- pairs of states: a matrix, a constellation, or ranked pairs ------------------------------------

def _pairs(s: Shape) -> Drawn | None:
    if not s.records:
        return None
    if s.override == "network":
        return network(s.records, s.datasets)
    if s.intent.kind == "rank" and len(s.records) <= 15 and s.override != "heatmap":
        for r in s.records:
            r["pair"] = f"{r['country_a']} – {r['country_b']}"
        return _bars(s, "pair")
    return _matrix(s, "country_b", "country_a", symmetric=True)


@cache
def _layout(edges: tuple[tuple[str, str, int], ...]) -> dict[str, tuple[float, float]]:
    """Node -> position in [0, 1]^2: a seeded spring layout, so the same partners always look the same."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_weighted_edges_from(edges)
    # Unweighted springs: weighting them pulls the hubs into one blot; the lines carry the weights.
    pos = nx.spring_layout(graph, weight=None, seed=7, k=2.5 / max(len(graph), 1) ** 0.5, iterations=200)
    xs, ys = [float(p[0]) for p in pos.values()], [float(p[1]) for p in pos.values()]
    x0, y0 = min(xs), min(ys)
    dx, dy = (max(xs) - x0) or 1.0, (max(ys) - y0) or 1.0
    return {n: ((float(p[0]) - x0) / dx, (float(p[1]) - y0) / dy) for n, p in pos.items()}


def _spread(pos: dict[str, tuple[float, float]], radii: dict[str, float], w: float, h: float,
            gap: float = 24.0) -> dict[str, tuple[float, float]]:
    """Push apart circles that overlap (with room for a label), in pixels; a few cheap numpy passes."""
    import numpy as np

    codes = list(pos)
    p = np.array([(pos[c][0] * w, pos[c][1] * h) for c in codes])
    r = np.array([radii[c] for c in codes])
    need = r[:, None] + r[None, :] + gap
    np.fill_diagonal(need, 0)
    for _ in range(40):
        delta = p[:, None, :] - p[None, :, :]
        dist = np.hypot(delta[..., 0], delta[..., 1]) + np.eye(len(codes))
        push = np.clip(need - dist, 0, None) / 2
        if not push.any():
            break
        p += (delta / dist[..., None] * push[..., None]).sum(axis=1)
    p = (p - p.min(axis=0)) / np.maximum(np.ptp(p, axis=0), 1e-9)
    return {c: (float(x), float(y)) for c, (x, y) in zip(codes, p, strict=True)}


def network(records: list[dict], datasets: dict[str, list], width: int = WIDTH) -> dict:
    """A constellation: states as circles sized by their agreements, lines as thick as each pair's count."""
    height = int(width * 0.85)
    names: dict[str, str] = {}
    weight: dict[str, int] = {}
    partners: dict[str, int] = {}
    for r in records:
        names[r["code_a"]], names[r["code_b"]] = r["country_a"], r["country_b"]
        for c in (r["code_a"], r["code_b"]):
            weight[c] = weight.get(c, 0) + r["agreements"]
            partners[c] = partners.get(c, 0) + 1
    pos = _layout(tuple(sorted((r["code_a"], r["code_b"], r["agreements"]) for r in records)))
    top_node = max(weight.values())
    area = (30, 900)  # circle areas in px^2, from none to the busiest state

    def radius(c: str) -> float:
        return ((area[0] + (area[1] - area[0]) * weight[c] / top_node) / 3.1416) ** 0.5

    pad = 0.06
    span_y = 1 + 2 * pad
    pos = _spread(pos, {c: radius(c) for c in pos}, width / (1 + 2 * pad), height / span_y)
    region = {code: r for code, (_, r) in states().items()}
    nodes = [{"code": c, "name": names[c], "x": round(x, 4), "y": round(y, 4),
              "label_y": round(y + (radius(c) + 2) * span_y / height, 4), "agreements": weight[c],
              "partners": partners[c], "region": region.get(c, "other")} for c, (x, y) in sorted(pos.items())]
    edges = [{"a": names[r["code_a"]], "b": names[r["code_b"]], "agreements": r["agreements"],
              "x": round(pos[r["code_a"]][0], 4), "y": round(pos[r["code_a"]][1], 4),
              "x2": round(pos[r["code_b"]][0], 4), "y2": round(pos[r["code_b"]][1], 4)}
             for r in sorted(records, key=lambda r: r["agreements"])]  # heavy lines drawn last, on top
    sx = alt.Scale(domain=[-pad, 1 + pad], nice=False, zero=False)
    sy = alt.Scale(domain=[-pad, 1 + pad], nice=False, zero=False)
    top = max(e["agreements"] for e in edges)
    datasets.update(edges=edges, nodes=nodes)
    lines = alt.Chart(alt.Data(name="edges")).mark_rule(color="#5b6b7c", strokeCap="round").encode(
        x=alt.X("x:Q", scale=sx, axis=None), y=alt.Y("y:Q", scale=sy, axis=None), x2=alt.X2("x2:Q"), y2=alt.Y2("y2:Q"),
        strokeWidth=alt.StrokeWidth("agreements:Q", scale=alt.Scale(domain=[1, top], range=[0.5, 7]), legend=None),
        opacity=alt.Opacity("agreements:Q", scale=alt.Scale(domain=[1, top], range=[0.15, 0.85]), legend=None),
        tooltip=[alt.Tooltip("a:N", title="State"), alt.Tooltip("b:N", title="Partner"),
                 alt.Tooltip("agreements:Q", title="Agreements together")])
    base = alt.Chart(alt.Data(name="nodes")).encode(x=alt.X("x:Q", scale=sx, axis=None))
    circles = base.mark_circle(opacity=1, stroke="white", strokeWidth=1).encode(
        y=alt.Y("y:Q", scale=sy, axis=None),
        size=alt.Size("agreements:Q", scale=alt.Scale(domain=[0, top_node], range=list(area)), legend=None),
        color=_colour("region", [n["region"] for n in nodes]),
        tooltip=[alt.Tooltip("name:N", title="State"),
                 alt.Tooltip("agreements:Q", title="Agreements (summed over partners)"),
                 alt.Tooltip("partners:Q", title="Partner states"), alt.Tooltip("region:N", title="Region")])
    label = base.encode(y=alt.Y("label_y:Q", scale=sy, axis=None), text=alt.Text("name:N"))
    halo = label.mark_text(baseline="bottom", fontSize=10, stroke="white", strokeWidth=3, strokeOpacity=0.85)
    text = label.mark_text(baseline="bottom", fontSize=10, color="#222")
    return _layer(lines, circles, halo, text, width=width, height=height)


def _layer(*charts: alt.Chart, **properties) -> dict:
    """Layers as one spec. Composed by hand: altair's LayerChart deep-copies every layer several times,
    which costs more than drawing the chart."""
    layers = []
    for chart in charts:
        spec = chart.to_dict(validate=False)
        for key in ("$schema", "config", "datasets"):
            spec.pop(key, None)
        layers.append(spec)
    props = {k: v.to_dict(validate=False) if hasattr(v, "to_dict") else v for k, v in properties.items()}
    return {"$schema": alt.SCHEMA_URL, "layer": layers, **props}


def _none(s: Shape) -> None:
    return None


RULES = (  # first match wins
    Rule("the user asked for a table", lambda s: s.override == "table", _none),
    Rule("no rows", lambda s: not s.records, _none),
    Rule("agreements listed: a timeline", lambda s: "agreement_id" in s.columns, _timeline),
    Rule("a share: one number", lambda s: "percent" in s.columns, _none),
    Rule("pairs of states: matrix or network", lambda s: {"code_a", "code_b"} <= set(s.columns), _pairs),
    Rule("states without a count: a list, or a map", lambda s: s.columns == ["country", "code"], _never),
    Rule("counts by state: bars, or a map", lambda s: "code" in s.columns and s.measure is not None, _countries),
    Rule("two categories: stacked bars", lambda s: s.measure is not None and len(s.dims) == 2, _two_way),
    Rule("counts over time: bars or a line", lambda s: s.measure is not None and s.dims in (["year"], ["month"]),
         _over_time),
    Rule("counts by one category: sorted bars", lambda s: s.measure is not None and len(s.dims) == 1, _categories),
)

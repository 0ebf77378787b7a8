"""Chart choice: each result shape (made from the real data by fixed SQL) gets the expected chart."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import pytest
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema import load_schema

from assistant.charts import PALETTES, choose_chart
from assistant.intent import Intent, Parties, Years

VEGA_LITE = load_schema()
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"

AGREEMENT_COLUMNS = ("a.agreement_id, a.title, a.signed_date, a.parties, a.form, a.topics, a.scope, "
                     "a.mutual_defence_clause, a.source_url")


def _by(dims: str, expr: str, where: str = "TRUE") -> str:
    return (f"SELECT {dims}, count(DISTINCT agreement_id) AS agreements FROM "
            f"(SELECT a.agreement_id, {expr} FROM agreements AS a WHERE {where}) GROUP BY ALL ORDER BY ALL")


FRANCE = Parties(("FR",), label="France")
# shape name -> (intent as the parser would make it, SQL giving the columns build_sql.py gives)
SHAPES = {
    "count": (Intent("count", (FRANCE,)),
              f"SELECT {AGREEMENT_COLUMNS}, count(*) OVER () AS n_matching FROM agreements AS a "
              "WHERE list_contains(a.parties, 'FR') ORDER BY a.signed_date"),
    "list": (Intent("list", (FRANCE, Years(2024, 2024))),
             f"SELECT {AGREEMENT_COLUMNS}, count(*) OVER () AS n_matching FROM agreements AS a "
             "WHERE list_contains(a.parties, 'FR') AND a.year = 2024 ORDER BY a.signed_date"),
    "latest": (Intent("latest", n=3),
               f"SELECT {AGREEMENT_COLUMNS} FROM agreements AS a ORDER BY a.signed_date DESC LIMIT 3"),
    "detail": (Intent("detail"),
               f"SELECT {AGREEMENT_COLUMNS}, a.summary, a.date_precision, a.n_parties FROM agreements AS a "
               "WHERE a.title ILIKE '%Nancy%'"),
    "year": (Intent("breakdown", dims=("year",)), _by("year", "a.year AS year")),
    "year_gaps": (Intent("breakdown", dims=("year",)),
                  _by("year", "a.year AS year", "list_contains(a.topics, 'ukraine_support')")),
    "month": (Intent("breakdown", (Years(2024, 2024),), dims=("month",)),
              _by("month", "strftime(a.signed_date, '%Y-%m') AS month",
                  "a.year = 2024 AND a.date_precision IN ('day', 'month')")),
    "form": (Intent("breakdown", dims=("form",)), _by("form", "a.form AS form")),
    "topic": (Intent("breakdown", dims=("topic",)), _by("topic", "unnest(a.topics) AS topic")),
    "scope": (Intent("breakdown", dims=("scope",)), _by("scope", "a.scope AS scope")),
    "parties": (Intent("breakdown", dims=("parties",)), _by("parties", "a.n_parties AS parties")),
    "region": (Intent("breakdown", dims=("region",)),
               "SELECT c.region AS region, count(DISTINCT ap.agreement_id) AS agreements FROM agreement_parties ap "
               "JOIN countries c ON c.code = ap.country_code GROUP BY ALL ORDER BY agreements DESC"),
    "country": (Intent("breakdown", dims=("country",)),
                "SELECT c.name AS country, c.code AS code, count(DISTINCT ap.agreement_id) AS agreements "
                "FROM countries c LEFT JOIN agreement_parties ap ON ap.country_code = c.code "
                "GROUP BY ALL ORDER BY agreements DESC, country"),
    "partners": (Intent("partners", focus=("FR",), focus_label="France"),
                 "SELECT c.name AS partner, c.code AS code, count(DISTINCT a.agreement_id) AS agreements "
                 "FROM agreements a JOIN agreement_parties ap ON ap.agreement_id = a.agreement_id "
                 "JOIN countries c ON c.code = ap.country_code WHERE list_contains(a.parties, 'FR') "
                 "AND c.code <> 'FR' GROUP BY ALL ORDER BY agreements DESC, partner"),
    "most_partners": (Intent("rank", dims=("country",), metric="partners", n=5),
                      "SELECT c.name AS country, c.code AS code, count(DISTINCT p2.country_code) AS partners "
                      "FROM countries c JOIN agreement_parties p1 ON p1.country_code = c.code "
                      "JOIN agreement_parties p2 ON p2.agreement_id = p1.agreement_id AND p2.country_code <> c.code "
                      "GROUP BY ALL ORDER BY partners DESC, country LIMIT 5"),
    "never": (Intent("never", focus=("GB",), focus_label="the United Kingdom"),
              "SELECT c.name AS country, c.code AS code FROM countries c WHERE c.code <> 'GB' AND c.code NOT IN "
              "(SELECT ap.country_code FROM agreement_parties ap JOIN agreements a ON a.agreement_id = ap.agreement_id "
              "WHERE list_contains(a.parties, 'GB')) ORDER BY country"),
    "pairs": (Intent("breakdown", dims=("pair",)),
              "SELECT c1.name AS country_a, c2.name AS country_b, c1.code AS code_a, c2.code AS code_b, "
              "count(DISTINCT a.agreement_id) AS agreements FROM agreements a "
              "JOIN agreement_parties p1 ON p1.agreement_id = a.agreement_id "
              "JOIN agreement_parties p2 ON p2.agreement_id = a.agreement_id AND p1.country_code < p2.country_code "
              "JOIN countries c1 ON c1.code = p1.country_code JOIN countries c2 ON c2.code = p2.country_code "
              "GROUP BY ALL ORDER BY agreements DESC, country_a, country_b"),
    "year_form": (Intent("breakdown", dims=("year", "form")), _by("year, form", "a.year AS year, a.form AS form")),
    "year_scope": (Intent("breakdown", dims=("year", "scope")), _by("year, scope", "a.year AS year, a.scope AS scope")),
    "year_topic": (Intent("breakdown", dims=("year", "topic")),
                   _by("year, topic", "a.year AS year, unnest(a.topics) AS topic")),
    "form_topic": (Intent("breakdown", dims=("form", "topic")),
                   _by("form, topic", "a.form AS form, unnest(a.topics) AS topic")),
    "country_year": (Intent("breakdown", dims=("country", "year")),
                     "SELECT c.name AS country, a.year AS year, count(DISTINCT a.agreement_id) AS agreements "
                     "FROM agreements a JOIN agreement_parties ap ON ap.agreement_id = a.agreement_id "
                     "JOIN countries c ON c.code = ap.country_code GROUP BY ALL ORDER BY ALL"),
    "share": (Intent("share"),
              "SELECT count(*) FILTER (WHERE a.scope = 'bilateral') AS matching, count(*) AS total, "
              "round(100.0 * count(*) FILTER (WHERE a.scope = 'bilateral') / count(*), 1) AS percent "
              "FROM agreements a"),
}


@pytest.fixture(scope="module")
def results(db):
    return {name: db.execute(sql) for name, (_, sql) in SHAPES.items()}


@pytest.fixture(scope="module")
def db():
    from assistant.run import Database

    return Database.from_data()


def chart_for(results, shape: str, override: str | None = None) -> dict | None:
    intent, _ = SHAPES[shape]
    result = results[shape]
    return choose_chart(intent.with_(chart=override), result.columns, result.rows, f"Test chart: {shape}")


def marks(spec: dict) -> list[str]:
    """The mark types of a spec, layers in order."""
    if "layer" in spec:
        return [m for layer in spec["layer"] for m in marks(layer)]
    mark = spec["mark"]
    return [mark if isinstance(mark, str) else mark["type"]]


def encodings(spec: dict) -> dict[str, dict]:
    """Every channel of every layer -> its definition (the first layer that has it)."""
    out: dict[str, dict] = {}
    for layer in spec.get("layer", [spec]):
        for channel, definition in encodings(layer).items() if "layer" in layer else layer.get("encoding", {}).items():
            out.setdefault(channel, definition)
    return out


CASES = [  # shape, user override, expected marks (layer order), expected channel -> field (type)
    ("count", None, None, {}),
    ("detail", None, None, {}),
    ("share", None, None, {}),
    ("never", None, None, {}),
    ("list", None, ["circle"], {"x": "signed_date:temporal", "color": "form:nominal", "y": "form:nominal"}),
    ("latest", None, ["circle", "text", "text"], {"x": "signed_date:temporal", "color": "form:nominal"}),
    ("count", "auto", ["circle"], {"x": "signed_date:temporal"}),
    ("year", None, ["bar", "text"], {"x": "year:ordinal", "y": "agreements:quantitative"}),
    ("year", "line", ["line", "text"], {"x": "year:ordinal", "y": "agreements:quantitative"}),
    ("year", "bar", ["bar", "text"], {"x": "year:ordinal"}),
    ("month", None, ["bar", "text"], {"x": "label:ordinal", "y": "agreements:quantitative"}),
    ("form", None, ["bar", "text"], {"y": "form:nominal", "x": "agreements:quantitative", "color": "form:nominal"}),
    ("topic", None, ["bar", "text"], {"y": "topic:nominal", "x": "agreements:quantitative", "color": "topic:nominal"}),
    ("scope", None, ["bar", "text"], {"y": "scope:nominal", "color": "scope:nominal"}),
    ("region", None, ["bar", "text"], {"y": "region:nominal", "color": "region:nominal"}),
    ("parties", None, ["bar", "text"], {"x": "parties:ordinal", "y": "agreements:quantitative"}),
    ("country", None, ["bar", "text"], {"y": "country:nominal", "x": "agreements:quantitative"}),
    ("country", "map", ["geoshape", "geoshape"], {"color": "value:quantitative"}),
    ("partners", None, ["bar", "text"], {"y": "partner:nominal", "x": "agreements:quantitative"}),
    ("partners", "map", ["geoshape", "geoshape"], {"color": "value:quantitative"}),
    ("most_partners", None, ["bar", "text"], {"y": "country:nominal", "x": "partners:quantitative"}),
    ("never", "map", ["geoshape", "geoshape"], {"color": "role:nominal"}),
    ("pairs", None, ["rect"], {"x": "country_b:ordinal", "y": "country_a:ordinal", "color": "agreements:quantitative"}),
    ("pairs", "heatmap", ["rect"], {"color": "agreements:quantitative"}),
    ("pairs", "network", ["rule", "circle", "text", "text"],
     {"x": "x:quantitative", "x2": "x2", "size": "agreements:quantitative", "strokeWidth": "agreements:quantitative"}),
    ("year_form", None, ["bar"], {"x": "year:ordinal", "y": "agreements:quantitative", "color": "form:nominal"}),
    ("year_form", "line", ["line"], {"x": "year:ordinal", "color": "form:nominal"}),
    ("year_form", "heatmap", ["rect", "text"], {"x": "year:ordinal", "y": "form:ordinal"}),
    ("year_scope", None, ["bar"], {"x": "year:ordinal", "color": "scope:nominal"}),
    ("year_topic", None, ["bar"], {"x": "year:ordinal", "color": "topic:nominal"}),
    ("form_topic", None, ["bar"], {"y": "form:nominal", "x": "agreements:quantitative", "color": "topic:nominal"}),
    ("country_year", None, ["rect"], {"x": "year:ordinal", "y": "country:ordinal"}),
    *[(shape, "table", None, {}) for shape in ("list", "year", "form", "country", "pairs", "year_form")],
]


@pytest.mark.parametrize(("shape", "override", "expected_marks", "expected"), CASES,
                         ids=[f"{c[0]}-{c[1] or 'default'}" for c in CASES])
def test_each_result_shape_gets_its_chart(results, shape, override, expected_marks, expected):
    spec = chart_for(results, shape, override)
    if expected_marks is None:
        assert spec is None
        return
    assert spec is not None, f"{shape}: no chart"
    assert marks(spec) == expected_marks
    enc = encodings(spec)
    for channel, want in expected.items():
        field, _, kind = want.partition(":")
        assert enc[channel]["field"] == field, (channel, enc[channel])
        if kind:
            assert enc[channel]["type"] == kind, (channel, enc[channel])
    assert spec["title"]["text"] == [f"Test chart: {shape}"]


@pytest.mark.parametrize(("shape", "override"), [(c[0], c[1]) for c in CASES if c[2]],
                         ids=[f"{c[0]}-{c[1] or 'default'}" for c in CASES if c[2]])
def test_every_chart_spec_is_valid_vega_lite(results, shape, override):
    spec = chart_for(results, shape, override)
    validate_jsonschema(spec, VEGA_LITE)  # raises with the schema's message


def test_years_without_agreements_are_drawn_as_zero(results):
    spec = chart_for(results, "year_gaps")
    values = _values(spec)
    years = [v["year"] for v in values]
    assert years == list(range(2014, max(years) + 1))
    assert any(v["agreements"] == 0 for v in values)


def test_a_time_filter_bounds_the_years_drawn(results):
    intent, _ = SHAPES["year"]
    result = results["year"]
    rows = [r for r in result.rows if r[0] >= 2022]
    spec = choose_chart(intent.with_(filters=(Years(2022, None),)), result.columns, rows, "Since 2022")
    # From 2022 to the newest year in the data (2025 in the brief's period; later as the data grows).
    assert [v["year"] for v in _values(spec)] == list(range(2022, max(r[0] for r in rows) + 1))


@pytest.mark.parametrize(("shape", "column"), [("form", "form"), ("year_form", "form"), ("topic", "topic"),
                                               ("year_topic", "topic"), ("scope", "scope"), ("year_scope", "scope")])
def test_the_same_category_has_the_same_colour_in_every_chart(results, shape, column):
    scale = encodings(chart_for(results, shape))["color"]["scale"]
    palette = PALETTES[column]
    assert scale["domain"], scale
    for value, colour in zip(scale["domain"], scale["range"], strict=True):
        assert palette[value] == colour


def test_agreement_dots_carry_title_date_and_source(results):
    spec = chart_for(results, "list")
    enc = encodings(spec)
    assert {t["field"] for t in enc["tooltip"]} >= {"title", "signed_date", "parties", "form", "topics"}
    assert enc["href"]["field"] == "source_url"
    assert all(isinstance(v["signed_date"], str) for v in _values(spec, "agreements"))


def test_the_map_joins_on_iso_codes_for_all_29_states(results):
    from assistant.charts import europe

    codes = {f["properties"]["code"] for f in europe() if f["properties"]["in_scope"]}
    countries = {r[1] for r in results["country"].rows}
    assert codes == countries and len(codes) == 29 and {"GB", "GR", "UA"} <= codes


def test_top_pairs_are_ranked_bars(results):
    result = results["pairs"]
    spec = choose_chart(Intent("rank", dims=("pair",), n=5), result.columns, result.rows[:5], "Top pairs")
    assert marks(spec) == ["bar", "text"]
    assert encodings(spec)["y"]["field"] == "pair"


@pytest.mark.parametrize(("columns", "rows", "why"), [
    (["year", "agreements"], [(2024, 76)], "one bar is one number"),
    (["form", "agreements"], [], "no rows"),
    (["surprise", "agreements", "extra"], [("x", 1, 2)], "a shape no rule knows"),
    (["year", "agreements"], [("not a year", None)], "bad values never raise"),
])
def test_no_chart_where_it_would_not_help(columns, rows, why):
    assert choose_chart(Intent("breakdown", dims=("year",)), columns, rows, "t") is None, why


def test_a_map_of_named_states_greys_the_others_instead_of_zero(results):
    result = results["country"]
    nordic = ("DK", "FI", "SE")
    rows = [r for r in result.rows if r[1] in nordic]
    spec = choose_chart(Intent("breakdown", dims=("country",), restrict=nordic, chart="map"), result.columns, rows,
                        "Nordic states on a map")
    calculate = [t["calculate"] for t in spec["layer"][1]["transform"] if t.get("as") == "value"]
    assert calculate and calculate[0].endswith(": null")


def test_choose_chart_is_fast(results):
    shapes = [(s, o) for s, o, m, _ in CASES if m]
    timings = []
    for _ in range(3):
        for shape, override in shapes:
            start = time.perf_counter()
            chart_for(results, shape, override)
            timings.append((time.perf_counter() - start) * 1000)
    median = statistics.median(timings)
    print(f"\nchoose_chart: median {median:.1f} ms, max {max(timings):.1f} ms over {len(timings)} calls")
    assert median < 50


def test_the_four_brief_graphs_render_to_png_and_svg(db):
    from assistant.brief_charts import write_brief_charts

    paths = write_brief_charts(db, ARTIFACTS)
    pngs = [p for p in paths if p.suffix == ".png"]
    svgs = [p for p in paths if p.suffix == ".svg"]
    assert len(pngs) == 4 and len(svgs) == 4
    for png in pngs:
        data = png.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000, png
    for svg in svgs:
        assert "<svg" in svg.read_text()[:500], svg


def _values(spec: dict, name: str = "counts") -> list[dict]:
    """The inlined rows of a spec (every chart names its data and carries it in `datasets`)."""
    return spec["datasets"][name]


def _channels(spec: dict) -> list[tuple[str, dict]]:
    """Every (channel, definition) of every layer."""
    if "layer" in spec:
        return [c for layer in spec["layer"] for c in _channels(layer)]
    return list(spec.get("encoding", {}).items())


@pytest.mark.parametrize(("shape", "override"), [(c[0], c[1]) for c in CASES if c[2]],
                         ids=[f"{c[0]}-{c[1] or 'default'}" for c in CASES if c[2]])
def test_every_chart_kind_carries_what_a_memo_needs(results, shape, override):
    """Title, source line (dataset, date range, date of the answer), axis titles, and a legend wherever colour
    says something the axes do not; a short agreement list names its agreements beside the dots."""
    import datetime as dt

    intent, _ = SHAPES[shape]
    result = results[shape]
    day = dt.date(2026, 3, 4)
    spec = choose_chart(intent.with_(chart=override), result.columns, result.rows, f"Test chart: {shape}", today=day,
                        period="2014 – September 2025")
    assert spec["title"]["text"] == [f"Test chart: {shape}"]
    note = spec["title"]["subtitle"]
    assert "European defence agreements dataset" in note and "2014 – September 2025" in note
    assert "2026-03-04" in note
    channels = _channels(spec)
    axes = {}
    for channel, d in channels:
        if channel in ("x", "y") and "field" in d:
            axes.setdefault(channel, set()).add(d["field"])
            if d.get("axis", {}) is not None:
                assert d.get("title"), f"{shape}: the {channel} axis ({d['field']}) has no title"
    for channel, d in channels:
        if channel == "color" and "field" in d and not any(d["field"] in f for f in axes.values()):
            assert d.get("legend", {}) is not None, f"{shape}: colour by {d['field']} without a legend"
    if "agreement_id" in result.columns and len(result.rows) <= 12:
        assert any(c == "text" and d.get("field") == "label" for c, d in channels), f"{shape}: dots not named"

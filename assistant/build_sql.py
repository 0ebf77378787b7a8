"""Intent -> one sqlglot SELECT over the contract's tables. Pure, no I/O.

User words reach SQL only as literals made by the filters in intent.py; every fixed piece here is
the project's own text. The result goes through validate.py before it runs.
"""

from __future__ import annotations

from sqlglot import exp

from assistant.intent import Intent, codes_array, lit

MAX_ROWS = 5000
AGREEMENT_COLUMNS = ("agreement_id", "title", "signed_date", "parties", "form", "topics", "scope",
                     "mutual_defence_clause", "source_url")
DIM_EXPR = {  # dimension -> (expression in the inner query, output name)
    "year": ("a.year", "year"),
    "month": ("strftime(a.signed_date, '%Y-%m')", "month"),
    "form": ("a.form", "form"),
    "scope": ("a.scope", "scope"),
    "parties": ("a.n_parties", "parties"),
    "topic": ("unnest(a.topics)", "topic"),
    "country": ("c.name", "country"),
    "region": ("c.region", "region"),
}
CHRONOLOGICAL = ("year", "month", "parties")


def where(intent: Intent, filters=None) -> exp.Expression | None:
    conditions = [f.condition() for f in (intent.filters if filters is None else filters)]
    return exp.and_(*conditions) if conditions else None


def _filtered(q: exp.Select, intent: Intent) -> exp.Select:
    """q with the intent's filters as its WHERE (the only place filters enter a query)."""
    w = where(intent)
    return q if w is None else q.where(w)


def _agreements(intent: Intent) -> exp.Select:
    columns = [f"a.{c}" for c in AGREEMENT_COLUMNS]
    if intent.kind == "detail":
        columns += ["a.summary", "a.date_precision", "a.n_parties"]
    q = _filtered(exp.select(*columns).from_("agreements AS a"), intent)
    if intent.kind in ("first", "latest"):
        order = "a.signed_date" + (" DESC" if intent.kind == "latest" else "")
        return q.qualify(f"rank() OVER (ORDER BY {order}) <= {int(intent.n or 1)}").order_by(order, "a.agreement_id")
    q = q.select("count(*) OVER () AS n_matching")
    return q.order_by("a.signed_date", "a.agreement_id")


def _ranked(q: exp.Select, intent: Intent, measure: str, label: str) -> exp.Select:
    direction = "" if intent.ascending else " DESC"
    q = q.order_by(f"{measure}{direction}", label)
    if intent.n:
        q = q.qualify(f"rank() OVER (ORDER BY {measure}{direction}) <= {int(intent.n)}")
    return q


def _in(column: str, codes) -> exp.Expression:
    return exp.column(*reversed(column.split("."))).isin(*[lit(c) for c in codes])


def _breakdown(intent: Intent) -> exp.Select:
    dims = list(intent.dims) or ["country"]
    needs_countries = any(d in ("country", "region") for d in dims)
    inner = exp.select("a.agreement_id").from_("agreements AS a")
    for d in dims:
        expr, name = DIM_EXPR[d]
        inner = inner.select(f"{expr} AS {name}")
    if needs_countries:
        inner = inner.select("c.code AS code").join("agreement_parties AS ap", on="ap.agreement_id = a.agreement_id") \
            .join("countries AS c", on="c.code = ap.country_code")
    if "month" in dims:
        inner = inner.where("a.date_precision IN ('day', 'month')")
    inner = _filtered(inner, intent)
    if intent.restrict and needs_countries:
        inner = inner.where(_in("c.code", intent.restrict))
    names = [DIM_EXPR[d][1] for d in dims]
    if dims == ["country"]:
        # Every state of interest appears, with zero where it signed nothing that matches.
        q = exp.select("c.name AS country", "c.code AS code", "count(DISTINCT s.agreement_id) AS agreements") \
            .from_("countries AS c").join(inner.subquery("s"), on="s.code = c.code", join_type="left") \
            .group_by("c.name", "c.code")
        if intent.restrict:
            q = q.where(_in("c.code", intent.restrict))
        elif intent.filters and not intent.ascending:
            q = q.having("count(DISTINCT s.agreement_id) > 0")
        if intent.kind == "rank":
            return _ranked(q, intent, "agreements", "country")
        return q.order_by("agreements DESC", "country")
    outer_names = names + (["code"] if dims == ["country"] else [])
    q = exp.select(*outer_names, "count(DISTINCT agreement_id) AS agreements").from_(inner.subquery("s")) \
        .group_by(*outer_names)
    if intent.kind == "rank":
        return _ranked(q, intent, "agreements", names[0])
    if dims[0] in CHRONOLOGICAL:
        return q.order_by(*names)
    if len(dims) == 1:
        return q.order_by("agreements DESC", names[0])
    return q.order_by(names[0], "agreements DESC", names[1])


def _pairs(intent: Intent) -> exp.Select:
    q = exp.select("c1.name AS country_a", "c2.name AS country_b", "c1.code AS code_a", "c2.code AS code_b",
                   "count(DISTINCT a.agreement_id) AS agreements") \
        .from_("agreements AS a") \
        .join("agreement_parties AS p1", on="p1.agreement_id = a.agreement_id") \
        .join("agreement_parties AS p2", on="p2.agreement_id = a.agreement_id AND p1.country_code < p2.country_code") \
        .join("countries AS c1", on="c1.code = p1.country_code") \
        .join("countries AS c2", on="c2.code = p2.country_code") \
        .group_by("c1.name", "c2.name", "c1.code", "c2.code")
    q = _filtered(q, intent)
    if intent.restrict:  # "each pair of Baltic states": both states of the pair in the group
        q = q.where(exp.and_(_in("c1.code", intent.restrict), _in("c2.code", intent.restrict)))
    if intent.kind == "rank":
        return _ranked(q, intent, "agreements", "country_a")
    return q.order_by("agreements DESC", "country_a", "country_b")


def _most_partners(intent: Intent) -> exp.Select:
    q = exp.select("c.name AS country", "c.code AS code", "count(DISTINCT p2.country_code) AS partners") \
        .from_("countries AS c") \
        .join("agreement_parties AS p1", on="p1.country_code = c.code") \
        .join("agreements AS a", on="a.agreement_id = p1.agreement_id") \
        .join("agreement_parties AS p2", on="p2.agreement_id = a.agreement_id AND p2.country_code <> c.code") \
        .group_by("c.name", "c.code")
    q = _filtered(q, intent)
    if intent.restrict:
        q = q.where(_in("c.code", intent.restrict))
    return _ranked(q, intent, "partners", "country")


def _focus(intent: Intent) -> exp.Expression:
    return exp.Anonymous(this="list_has_any", expressions=[exp.column("parties", "a"), codes_array(intent.focus)])


def _partners(intent: Intent) -> exp.Select:
    if intent.restrict:  # named candidates appear with zero too: "which Baltic states are Spain's partners"
        inner = exp.select("a.agreement_id", "ap.country_code AS code").from_("agreements AS a") \
            .join("agreement_parties AS ap", on="ap.agreement_id = a.agreement_id").where(_focus(intent))
        inner = _filtered(inner, intent)
        q = exp.select("c.name AS partner", "c.code AS code", "count(DISTINCT s.agreement_id) AS agreements") \
            .from_("countries AS c").join(inner.subquery("s"), on="s.code = c.code", join_type="left") \
            .where(_in("c.code", intent.restrict)).where(exp.not_(_in("c.code", intent.focus))) \
            .group_by("c.name", "c.code")
        return _ranked(q, intent, "agreements", "partner")
    q = exp.select("c.name AS partner", "c.code AS code", "count(DISTINCT a.agreement_id) AS agreements") \
        .from_("agreements AS a") \
        .join("agreement_parties AS ap", on="ap.agreement_id = a.agreement_id") \
        .join("countries AS c", on="c.code = ap.country_code") \
        .where(_focus(intent)).where(exp.not_(_in("c.code", intent.focus))) \
        .group_by("c.name", "c.code")
    return _ranked(_filtered(q, intent), intent, "agreements", "partner")


def _never(intent: Intent) -> exp.Select:
    partners = exp.select("ap.country_code").from_("agreement_parties AS ap") \
        .join("agreements AS a", on="a.agreement_id = ap.agreement_id").where(_focus(intent))
    partners = _filtered(partners, intent)
    q = exp.select("c.name AS country", "c.code AS code").from_("countries AS c") \
        .where(exp.not_(_in("c.code", intent.focus))) \
        .where(exp.not_(exp.In(this=exp.column("code", "c"), query=partners.subquery())))
    if intent.restrict:
        q = q.where(_in("c.code", intent.restrict))
    return q.order_by("country")


def _share(intent: Intent) -> exp.Select:
    part = exp.and_(*[f.condition() for f in intent.share])
    matching = exp.Filter(this=exp.Count(this=exp.Star()), expression=exp.Where(this=part))
    q = exp.select(exp.alias_(matching, "matching"), "count(*) AS total") \
        .select(exp.alias_(exp.func("round", exp.Div(this=exp.Mul(this=exp.Literal.number("100.0"), expression=matching.copy()),
                                                     expression=exp.func("nullif", exp.Count(this=exp.Star()), exp.Literal.number(0))),
                                     exp.Literal.number(1)), "percent")) \
        .from_("agreements AS a")
    q = _filtered(q, intent)
    return q


def build(intent: Intent) -> exp.Select:
    if intent.kind in ("count", "list", "first", "latest", "detail"):
        q = _agreements(intent)
    elif intent.kind == "partners":
        q = _partners(intent)
    elif intent.kind == "never":
        q = _never(intent)
    elif intent.kind == "share":
        q = _share(intent)
    elif intent.metric == "partners":
        q = _most_partners(intent)
    elif "pair" in intent.dims:
        q = _pairs(intent)
    else:
        q = _breakdown(intent)
    return q.limit(MAX_ROWS)

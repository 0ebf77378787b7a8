"""Intent -> one sqlglot SELECT over the contract's tables. Pure, no I/O.

User words reach SQL only as literals made by the filters in intent.py; every fixed piece here is
the project's own text. The result goes through validate.py before it runs.
"""

from __future__ import annotations

from sqlglot import exp

from assistant.intent import OTHER_STATES, Intent, codes_array, lit

MAX_ROWS = 5000
MAX_CITED = 500  # agreements cited under one answer, newest first; the answer still counts them all
AGREEMENT_COLUMNS = ("agreement_id", "title", "signed_date", "parties", "form", "topics", "scope",
                     "mutual_defence_clause", "source_url")
DIM_EXPR = {  # dimension -> expression on one agreement (topic and the country dimensions are unnested)
    "year": "a.year",
    "month": "strftime(a.signed_date, '%Y-%m')",
    "form": "a.form",
    "scope": "a.scope",
    "parties": "a.n_parties",
}
CHRONOLOGICAL = ("year", "month", "parties")
# Country-level questions unnest `parties` on the filtered agreements rather than joining the
# agreement_parties view back to agreements: the same rows, several times faster at scale
# (bench/README.md: country breakdown 409 -> 27 ms, pairs 567 -> 74 ms at 1M agreements).


def where(intent: Intent, filters=None) -> exp.Expression | None:
    conditions = [f.condition() for f in (intent.filters if filters is None else filters)]
    return exp.and_(*conditions) if conditions else None


def filtered(q: exp.Select, intent: Intent) -> exp.Select:
    """q with the intent's filters as its WHERE (the only place filters enter a query)."""
    w = where(intent)
    return q if w is None else q.where(w)


def _agreements(intent: Intent) -> exp.Select:
    columns = [f"a.{c}" for c in AGREEMENT_COLUMNS]
    if intent.kind == "detail":
        columns += ["a.summary", "a.date_precision", "a.n_parties"]
    q = filtered(exp.select(*columns).from_("agreements AS a"), intent)
    if intent.kind in ("first", "latest"):
        order = "a.signed_date" + (" DESC" if intent.kind == "latest" else "")
        return q.qualify(f"rank() OVER (ORDER BY {order}) <= {int(intent.n or 1)}").order_by(order, "a.agreement_id")
    # How many match, counted once in a scalar subquery, so the cited rows can stop at MAX_CITED.
    matching = filtered(exp.select("count(*)").from_("agreements AS a"), intent).subquery()
    q = q.select(exp.alias_(matching, "n_matching"))
    return q.order_by("a.signed_date" if intent.ascending else "a.signed_date DESC", "a.agreement_id")


def _ranked(q: exp.Select, intent: Intent, measure: str, label: str) -> exp.Select:
    direction = "" if intent.ascending else " DESC"
    q = q.order_by(f"{measure}{direction}", label)
    if intent.n:
        q = q.qualify(f"rank() OVER (ORDER BY {measure}{direction}) <= {int(intent.n)}")
    return q


def in_codes(column: str, codes) -> exp.Expression:
    return exp.column(*reversed(column.split("."))).isin(*[lit(c) for c in codes])


def per_party(intent: Intent, *extra: str, focus: bool = False) -> exp.Select:
    """The filtered agreements, one row per agreement and party: agreement_id, code, parties, *extra."""
    inner = exp.select("a.agreement_id", "a.parties", "unnest(a.parties) AS code", *extra).from_("agreements AS a")
    if focus:
        inner = inner.where(_focus(intent))
    return filtered(inner, intent)


def _by_country(intent: Intent, counted: exp.Select, label: str, exclude=(), zeros: bool = False) -> exp.Select:
    """States with their count from `counted` (code, n); with `zeros`, states counting none are listed too."""
    q = exp.select(f"c.name AS {label}", "c.code AS code", "coalesce(s.n, 0) AS agreements") \
        .from_("countries AS c").join(counted.subquery("s"), on="s.code = c.code", join_type="left" if zeros else "inner")
    if intent.restrict:
        q = q.where(in_codes("c.code", intent.restrict))
    if exclude:
        q = q.where(exp.not_(in_codes("c.code", exclude)))
    return _ranked(q, intent, "agreements", label) if intent.kind in ("rank", "partners") and intent.n else \
        q.order_by("agreements DESC", label)


def _breakdown(intent: Intent) -> exp.Select:
    dims = list(intent.dims) or ["country"]
    if dims == ["country"]:
        counted = exp.select("s.code", "count(*) AS n").from_(per_party(intent).subquery("s")).group_by("s.code")
        # Zeros where the question names the candidates ("each Nordic state"), asks for the fewest, or has no filter.
        named = bool(intent.restrict) and intent.restrict_label != OTHER_STATES
        return _by_country(intent, counted, "country", zeros=named or intent.ascending or not intent.filters)
    by_party = any(d in ("country", "region") for d in dims)
    plain = [d for d in dims if d in DIM_EXPR]
    inner = per_party(intent, *[f"{DIM_EXPR[d]} AS {d}" for d in plain], "a.topics") if by_party else \
        filtered(exp.select("a.agreement_id", "a.topics", *[f"{DIM_EXPR[d]} AS {d}" for d in plain])
                  .from_("agreements AS a"), intent)
    if "month" in dims:
        inner = inner.where("a.date_precision IN ('day', 'month')")
    carried = ["s.agreement_id", *[f"s.{d}" for d in plain]] + (["s.code"] if by_party else [])
    if "topic" in dims:  # a second unnest in its own layer: unnests in one SELECT would be zipped, not crossed
        inner = exp.select(*carried, "unnest(s.topics) AS topic").from_(inner.subquery("s"))
        carried = ["s.agreement_id", *[f"s.{d}" for d in plain]] + (["s.code"] if by_party else []) + ["s.topic"]
    outputs = {d: (f"s.{d}" if d in DIM_EXPR or d == "topic" else "c.name" if d == "country" else "c.region")
               for d in dims}
    # An agreement counts once per label; only a region can hold two parties of the same agreement.
    measure = "count(DISTINCT s.agreement_id)" if "region" in dims else "count(*)"
    q = exp.select(*[f"{outputs[d]} AS {d}" for d in dims], f"{measure} AS agreements").from_(inner.subquery("s"))
    if by_party:
        q = q.join("countries AS c", on="c.code = s.code")
        if intent.restrict:
            q = q.where(in_codes("c.code", intent.restrict))
    q = q.group_by(*[outputs[d] for d in dims])
    if intent.kind == "rank":
        return _ranked(q, intent, "agreements", dims[0])
    if dims[0] in CHRONOLOGICAL:
        return q.order_by(*dims)
    if len(dims) == 1:
        return q.order_by("agreements DESC", dims[0])
    return q.order_by(dims[0], "agreements DESC", dims[1])


def _pair_rows(intent: Intent) -> exp.Select:
    """One row per agreement and pair of its parties (code_a < code_b)."""
    return exp.select("s.agreement_id", "s.code AS code_a",
                      "unnest(list_filter(s.parties, lambda x: x > s.code)) AS code_b", dialect="duckdb") \
        .from_(per_party(intent).subquery("s"))


def _pairs(intent: Intent) -> exp.Select:
    counted = exp.select("p.code_a", "p.code_b", "count(*) AS n").from_(_pair_rows(intent).subquery("p")) \
        .group_by("p.code_a", "p.code_b")
    q = exp.select("c1.name AS country_a", "c2.name AS country_b", "s.code_a AS code_a", "s.code_b AS code_b",
                   "s.n AS agreements").from_(counted.subquery("s")) \
        .join("countries AS c1", on="c1.code = s.code_a").join("countries AS c2", on="c2.code = s.code_b")
    if intent.restrict:  # "each pair of Baltic states": both states of the pair in the group
        q = q.where(exp.and_(in_codes("c1.code", intent.restrict), in_codes("c2.code", intent.restrict)))
    if intent.kind == "rank":
        return _ranked(q, intent, "agreements", "country_a")
    return q.order_by("agreements DESC", "country_a", "country_b")


def _most_partners(intent: Intent) -> exp.Select:
    links = exp.select("s.code", "unnest(list_filter(s.parties, lambda x: x <> s.code)) AS partner", dialect="duckdb") \
        .from_(per_party(intent).subquery("s"))
    counted = exp.select("l.code", "count(DISTINCT l.partner) AS n").from_(links.subquery("l")).group_by("l.code")
    q = exp.select("c.name AS country", "c.code AS code", "s.n AS partners") \
        .from_("countries AS c").join(counted.subquery("s"), on="s.code = c.code")
    if intent.restrict:
        q = q.where(in_codes("c.code", intent.restrict))
    return _ranked(q, intent, "partners", "country")


def _focus(intent: Intent) -> exp.Expression:
    return exp.Anonymous(this="list_has_any", expressions=[exp.column("parties", "a"), codes_array(intent.focus)])


def _partners(intent: Intent) -> exp.Select:
    counted = exp.select("s.code", "count(*) AS n").from_(per_party(intent, focus=True).subquery("s")) \
        .group_by("s.code")
    # Partners are states with at least one agreement: "which EU states have signed with Ukraine" lists 21, not 27.
    return _by_country(intent, counted, "partner", exclude=intent.focus)


def _never(intent: Intent) -> exp.Select:
    partners = exp.select("s.code").from_(per_party(intent, focus=True).subquery("s"))
    q = exp.select("c.name AS country", "c.code AS code").from_("countries AS c") \
        .where(exp.not_(in_codes("c.code", intent.focus))) \
        .where(exp.not_(exp.In(this=exp.column("code", "c"), query=partners.subquery())))
    if intent.restrict:
        q = q.where(in_codes("c.code", intent.restrict))
    return q.order_by("country")


def _share_by_state(intent: Intent) -> exp.Select:
    """'versus the UK?' after a share: each state's own share, over its own agreements, side by side."""
    part = exp.and_(*[f.condition() for f in intent.share])
    rows = filtered(exp.select("unnest(a.parties) AS code", exp.alias_(part, "is_part")).from_("agreements AS a"), intent)
    matching = exp.Filter(this=exp.Count(this=exp.Star()), expression=exp.Where(this=exp.column("is_part", "s")))
    percent = exp.func("round", exp.Div(this=exp.Mul(this=exp.Literal.number("100.0"), expression=matching.copy()),
                                        expression=exp.func("nullif", exp.Count(this=exp.Star()), exp.Literal.number(0))),
                       exp.Literal.number(1))
    return exp.select("c.name AS country", "c.code AS code", exp.alias_(matching, "matching"), "count(*) AS total",
                      exp.alias_(percent, "percent")) \
        .from_("countries AS c").join(rows.subquery("s"), on="s.code = c.code") \
        .where(in_codes("c.code", intent.restrict)).group_by("c.name", "c.code").order_by("percent DESC", "country")


def _share(intent: Intent) -> exp.Select:
    if intent.restrict:
        return _share_by_state(intent)
    part = exp.and_(*[f.condition() for f in intent.share])
    matching = exp.Filter(this=exp.Count(this=exp.Star()), expression=exp.Where(this=part))
    q = exp.select(exp.alias_(matching, "matching"), "count(*) AS total") \
        .select(exp.alias_(exp.func("round", exp.Div(this=exp.Mul(this=exp.Literal.number("100.0"), expression=matching.copy()),
                                                     expression=exp.func("nullif", exp.Count(this=exp.Star()), exp.Literal.number(0))),
                                     exp.Literal.number(1)), "percent")) \
        .from_("agreements AS a")
    q = filtered(q, intent)
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
    return q.limit(MAX_CITED if intent.kind in ("count", "list") else MAX_ROWS)

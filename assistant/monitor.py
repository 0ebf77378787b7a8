"""Overlaps, gaps and what is new, in the brief's words ("a registry ... to help monitor overlaps, identify gaps"):
pure functions over a Dataset, for the Monitor page.

    overlaps   the same pair of states on the same topic in two agreements signed within 12 months
    gaps       the EU states with no agreement with a given partner (Ukraine, the UK, France ...)
    neighbours pairs of states that share a land border (from the map's boundaries) and have no agreement
    new_since  the rows added to the data since a day (the research passes' log and the registry's)
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from assistant.data import ADDED, Agreement, Dataset

OVERLAP_DAYS = 365  # "within 12 months"
PARTNERS = ("UA", "GB", "FR")  # the gaps the brief names first


@dataclass(frozen=True)
class Overlap:
    pair: tuple[str, str]
    topic: str
    first: Agreement
    second: Agreement

    @property
    def days(self) -> int:
        return (self.second.signed_date - self.first.signed_date).days


def overlaps(data: Dataset, days: int = OVERLAP_DAYS, topics: tuple[str, ...] = ()) -> tuple[Overlap, ...]:
    """Each pair of states with two agreements on one topic signed `days` or fewer apart (consecutive ones:
    three such agreements make two overlaps). Newest first."""
    by_key: dict[tuple[tuple[str, str], str], list[Agreement]] = {}
    for a in data.agreements:
        for pair in itertools.combinations(sorted(a.parties), 2):
            for topic in a.topics:
                if not topics or topic in topics:
                    by_key.setdefault((pair, topic), []).append(a)
    found = []
    for (pair, topic), rows in by_key.items():
        rows.sort(key=lambda a: (a.signed_date, a.agreement_id))
        for first, second in itertools.pairwise(rows):
            if (second.signed_date - first.signed_date).days <= days:
                found.append(Overlap(pair, topic, first, second))
    return tuple(sorted(found, key=lambda o: (o.second.signed_date, o.pair, o.topic), reverse=True))


def partners_of(data: Dataset, code: str) -> set[str]:
    return {p for a in data.agreements if code in a.parties for p in a.parties if p != code}


def gaps(data: Dataset, partner: str) -> tuple[str, ...]:
    """The EU member states (other than `partner`) that have signed no agreement with `partner`, A to Z by code."""
    signed = partners_of(data, partner)
    return tuple(sorted(c.code for c in data.countries if c.eu_member and c.code != partner and c.code not in signed))


def land_neighbours(features: tuple[dict, ...], codes: set[str]) -> tuple[tuple[str, str], ...]:
    """Pairs of states among `codes` whose boundaries share a stretch of border (two or more common vertices in
    the map's GeoJSON, data/europe.geojson; Natural Earth draws a shared border once, with the same points)."""
    points = {}
    for f in features:
        code = f["properties"].get("code")
        if code in codes:
            geometry = f["geometry"]
            polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
            points[code] = {(round(x, 4), round(y, 4)) for polygon in polygons for ring in polygon for x, y in ring}
    return tuple((a, b) for a, b in itertools.combinations(sorted(points), 2) if len(points[a] & points[b]) >= 2)


def neighbours_without(data: Dataset, pairs: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """The neighbouring pairs that have no agreement in the data (bilateral or within a larger group)."""
    together = {pair for a in data.agreements for pair in itertools.combinations(sorted(a.parties), 2)}
    return tuple(p for p in pairs if p not in together)


@dataclass(frozen=True)
class New:
    agreement: Agreement
    added_on: dt.date


def new_since(data: Dataset, day: dt.date, registry_days: dict[str, dt.date] | None = None) -> tuple[New, ...]:
    """The agreements added to the data after `day` (by the log's day of adding: data/changes.csv, and the
    registry's acceptances in `registry_days`), newest first."""
    added = {c.agreement_id: c.changed_on for c in data.changes if c.column == ADDED}
    added.update(registry_days or {})
    rows = {a.agreement_id: a for a in data.agreements}
    found = [New(rows[i], on) for i, on in added.items() if i in rows and on > day]
    return tuple(sorted(found, key=lambda n: (n.added_on, n.agreement.signed_date), reverse=True))

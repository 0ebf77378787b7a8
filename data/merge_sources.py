"""Merge the researchers' per-slice files in data/sources/ into data/agreements.csv.

Run once after adding rows to a slice: `python data/merge_sources.py`. Ids are kept for rows already
in agreements.csv (matched on title + date + parties) and new rows get the next free id, so an id is
never reused. Derived columns (year, n_parties, scope) are computed here, then checked by the loader.
"""

import csv
import glob
from pathlib import Path

HERE = Path(__file__).resolve().parent
COLUMNS = ["agreement_id", "title", "signed_date", "date_precision", "year", "parties", "n_parties", "scope",
           "form", "topics", "mutual_defence_clause", "summary", "source_url"]


def key(r):
    return (r["title"].strip(), r["signed_date"].strip(), r["parties"].strip())


def main():
    out = HERE / "agreements.csv"
    old = {key(r): r["agreement_id"] for r in csv.DictReader(open(out, encoding="utf-8"))} if out.exists() else {}
    next_id = max((int(i[1:]) for i in old.values()), default=0) + 1
    rows = []
    for path in sorted(glob.glob(str(HERE / "sources" / "*.csv"))):
        rows += list(csv.DictReader(open(path, encoding="utf-8")))
    rows.sort(key=lambda r: (r["signed_date"], r["title"]))
    merged = []
    for r in rows:
        parties = sorted(p.strip() for p in r["parties"].split(";") if p.strip())
        aid = old.get(key(r))
        if aid is None:
            aid, next_id = f"A{next_id:04d}", next_id + 1
        merged.append({**{c: r.get(c, "").strip() for c in COLUMNS}, "agreement_id": aid,
                       "parties": ";".join(parties), "year": r["signed_date"][:4], "n_parties": len(parties),
                       "scope": "bilateral" if len(parties) == 2 else "plurilateral",
                       "mutual_defence_clause": r["mutual_defence_clause"].strip().lower()})
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS)
        w.writeheader()
        w.writerows(merged)
    print(f"{len(merged)} agreements written to {out}")


if __name__ == "__main__":
    main()

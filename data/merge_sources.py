"""Merge the researchers' per-slice files in data/sources/ into data/agreements.csv, and log what changed.

Run once after adding or correcting rows in a slice:

    python data/merge_sources.py --reason "why these rows changed"

Ids are kept for rows already in agreements.csv (matched on title + date + parties) and new rows get the next
free id, so an id is never reused. A correction that changes the title, date or parties of a row would make it
a new row; to keep its id, add a line to data/sources/corrections.csv naming the id and the row's new title,
date and parties. Derived columns (year, n_parties, scope) are computed here, then checked by the loader.

Every row added and every cell changed is appended to data/changes.csv (the day, the id, the column, the old
and the new value, the reason), so the data as it stood on an earlier day can be rebuilt: a suite written
against older data runs on that (assistant.data.Dataset.as_of).
"""

import argparse
import csv
import datetime as dt
import glob
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
COLUMNS = ["agreement_id", "title", "signed_date", "date_precision", "year", "parties", "n_parties", "scope",
           "form", "topics", "mutual_defence_clause", "summary", "source_url"]
LOGGED = ["title", "signed_date", "date_precision", "parties", "form", "topics", "mutual_defence_clause", "summary",
          "source_url"]
CHANGE_COLUMNS = ["changed_on", "agreement_id", "column", "old_value", "new_value", "reason"]


def key(r):
    parties = ";".join(sorted(p.strip() for p in r["parties"].split(";") if p.strip()))
    return (r["title"].strip(), r["signed_date"].strip(), parties)


def read(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def corrections(old_ids):
    """The new key of each corrected row -> the id it keeps (data/sources/corrections.csv)."""
    path = HERE / "sources" / "corrections.csv"
    pinned = {}
    for r in read(path) if path.exists() else []:
        aid = r["agreement_id"].strip()
        if aid not in old_ids:
            sys.exit(f"{path.name}: {aid} is not an id in agreements.csv; a correction keeps an existing id.")
        pinned[key(r)] = aid
    return pinned


def changes(before, after, today, reason):
    """The log lines for the difference between two versions of agreements.csv (by id)."""
    lines = []
    for aid, r in after.items():
        if aid not in before:
            lines.append([today, aid, "added", "", r["title"], reason])
            continue
        for column in LOGGED:
            if before[aid][column] != r[column]:
                lines.append([today, aid, column, before[aid][column], r[column], reason])
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reason", default="", help="why the rows changed (written to data/changes.csv)")
    args = parser.parse_args(argv)
    out = HERE / "agreements.csv"
    previous = read(out) if out.exists() else []
    old = {key(r): r["agreement_id"] for r in previous}
    pinned = corrections(set(old.values()))
    next_id = max((int(i[1:]) for i in [*old.values(), *pinned.values()]), default=0) + 1
    rows = []
    for path in sorted(glob.glob(str(HERE / "sources" / "*.csv"))):
        if Path(path).name != "corrections.csv":
            rows += read(path)
    rows.sort(key=lambda r: (r["signed_date"], r["title"]))
    merged, used = [], {}
    for r in rows:
        parties = sorted(p.strip() for p in r["parties"].split(";") if p.strip())
        aid = pinned.get(key(r)) or old.get(key(r))
        if aid is None:
            aid, next_id = f"A{next_id:04d}", next_id + 1
        if aid in used:
            sys.exit(f"{aid} would be given to two rows: {used[aid]!r} and {r['title']!r}; "
                     "a correction's old row must leave its slice.")
        used[aid] = r["title"]
        merged.append({**{c: r.get(c, "").strip() for c in COLUMNS}, "agreement_id": aid,
                       "parties": ";".join(parties), "year": r["signed_date"][:4], "n_parties": str(len(parties)),
                       "scope": "bilateral" if len(parties) == 2 else "plurilateral",
                       "mutual_defence_clause": r["mutual_defence_clause"].strip().lower()})
    retired = sorted(set(old.values()) - set(used))
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS)
        w.writeheader()
        w.writerows(merged)
    log = changes({r["agreement_id"]: r for r in previous}, {r["agreement_id"]: r for r in merged},
                  dt.date.today().isoformat(), args.reason.strip())
    if log:
        path = HERE / "changes.csv"
        new = not path.exists()
        with open(path, "a", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            if new:
                w.writerow(CHANGE_COLUMNS)
            w.writerows(log)
    print(f"{len(merged)} agreements written to {out}; {len(log)} changes logged"
          + (f"; retired ids (never reused): {', '.join(retired)}" if retired else ""))


if __name__ == "__main__":
    main()

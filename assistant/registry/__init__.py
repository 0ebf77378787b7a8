"""The registry: proposals, review and an append-only change log on top of the bundled CSV.

    config.py     where the registry lives (a SQLite file in the data folder, or a PostgreSQL URL), who reviews
    reviewers.py  reviewers' hashed passwords and the sign-in, the only maker of a Reviewer
    proposals.py  a proposal (add / correct / withdraw) and its checks: the loader's rules, bounds, duplicates
    backend.py    one connection to SQLite or PostgreSQL, the same SQL on both
    store.py      propose, accept, reject, the log and the data version: every write one transaction
    current.py    the bundled data with the accepted changes applied; the live engine swapped on a new version
    export.py     the current data in the contract's CSV shape, and its diff against the bundled file
"""

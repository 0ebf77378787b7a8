"""Question kinds, one module each: its example questions, how it is recognised, the Intent it makes,
its SQL and its words. Adding a kind = adding a module here and listing it in KINDS.

Each module has:
    KIND         the Intent.kind it makes
    EXAMPLES     questions it answers (its docstring says the same in prose)
    recognise(text, context) -> Frame | None     the kind's own words found in the question
    make(frame, base, context) -> Intent | Refusal   the Intent, from the frame and the filters of the rest
    WORDS (optional) its cue words, which a typo may stand for ("avergae" -> "average")
    sql(intent) -> sqlglot Select                 the query (validated by validate.py like any other)
    interpretation(v, intent) -> str, describe(v, intent, columns, rows, row_count) -> str
"""

from __future__ import annotations

from assistant.kinds import added, average, check, largest, linked, neighbours, overlaps, sides, threshold
from assistant.kinds.frame import Context, Frame

KINDS = {m.KIND: m for m in (added, overlaps, neighbours, check, linked, threshold, average, largest, sides)}  # recognised in this order
CUE_WORDS = tuple(w for m in KINDS.values() for w in getattr(m, "WORDS", ()))

__all__ = ["CUE_WORDS", "KINDS", "Context", "Frame"]

"""What a kind recognises (a Frame) and what it may ask of the parser (a Context): plain values, no state."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from assistant.parse_time import NUMBER_WORDS as TIME_NUMBER_WORDS

# Words that make a kind's question lean on the rows just shown: "which of those has the most parties?"
REFERS = re.compile(r"\b(these|those|them|they|of which|that list|the list|the same)\b")
ASKS_FOR_STATES = re.compile(r"\b(which|what|list|name|show|give|how many|who|find)\b.*\b(states?|countries|country|nations?|"
                             r"members?|allies|governments|capitals|partners|ones)\b|^\s*who\b|"
                             r"\b(states|countries|nations|allies|member states|members)\b")
NUMBER_WORDS = {**TIME_NUMBER_WORDS, "thirty": 30, "forty": 40, "fifty": 50}  # bounds run higher than "top N"


@dataclass(frozen=True)
class Frame:
    """A kind's words found in a question: its settings, and the rest of the text to read for filters."""

    kind: str
    rest: str
    settings: dict[str, Any] = field(default_factory=dict)
    refers: bool = False  # the rest narrows the rows of the last answer ("of those")


@dataclass(frozen=True)
class Context:
    """What a kind may ask while reading: the vocabulary, the last Intent, and two readers from the parser."""

    v: Any
    previous: Any
    countries: Callable[[str], list[str]]  # state codes named in a piece of text, in order
    parse: Callable[[str, Any], Any]  # text (+ previous) -> Intent | Refusal
    scan: Callable[[str], Any]  # text -> what its words mention (the parser's _Found)
    strip_states: Callable[[str], str]  # text without the names of states
    strip: Callable[[str, tuple[str, ...]], str] = lambda text, kinds: text  # text without words of these kinds


def number(word: str) -> int | None:
    return int(word) if word.isdigit() else NUMBER_WORDS.get(word)

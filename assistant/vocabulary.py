"""Countries, groups, synonyms and templates from prompts/<language>/: the only place that reads rule files.

It turns the YAML into one phrase lexicon (a tuple of words -> the tags it carries) that the
parser matches longest-first, plus the word lists for typo correction.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from assistant.data import ADDED, FIRST_DATE, Country, Dataset
from assistant.parse_time import DATA_PERIOD

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"
LANGUAGE = "en"  # one folder of rules per language: prompts/en/ (another language is another folder beside it)
LOWER_CODES = {"fr", "ee", "lv", "lt", "pl", "ua", "gb", "nl", "dk", "fi", "cz", "sk", "hu", "ro", "bg", "hr", "gr", "cy",
               "mt", "lu", "pt", "uk"}
TOKEN = re.compile(r"(?:[^\W_]|&)+(?:['’.\-](?:[^\W_]|&)+)*\.?|%")


@dataclass(frozen=True)
class Tag:
    kind: str  # country, outside, group, form, topic, scope, mutual, agreement, dim, measure, chart, off_topic, not_in_data
    value: str = ""


@dataclass(frozen=True)
class Event:
    """A date named by an event ("since Brexit"); of_named: "since it joined NATO" picks one of these keys by
    the state the question names."""

    key: str
    label: str
    phrases: tuple[str, ...]
    day: dt.date | None = None
    strictly_after: bool = False
    of_named: tuple[str, ...] = ()
    who: str = ""  # the state the event is about ("since Sweden joined NATO, how many has it signed?")


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    members: tuple[str, ...]


def tokens(text: str) -> list[str]:
    return [t.rstrip(".") if t.count(".") == 1 and t.endswith(".") else t for t in TOKEN.findall(text)]


def _read(name: str, language: str = LANGUAGE) -> dict:
    with open(PROMPTS_DIR / language / name, encoding="utf-8") as f:
        return yaml.safe_load(f)


def _capitalised(texts) -> dict[str, bool]:
    """Each word of the texts (lower case) -> whether every time it is written, it starts with a capital."""
    seen: dict[str, bool] = {}
    for text in texts:
        for word in tokens(text):
            key = word.lower()
            seen[key] = seen.get(key, True) and word[0].isupper()
    return seen


def _is_name(word: str, in_summaries: dict[str, bool], in_titles: dict[str, bool]) -> bool:
    """A title word that names something (Aachen, CV90, IRIS-T): written with a capital wherever the summaries
    use it (in the titles, where the summaries never do), or with a digit or hyphen."""
    if re.search(r"[\d-]", word):
        return True
    if word in in_summaries:
        return in_summaries[word]
    return in_titles.get(word, True)


class Vocabulary:
    """Everything the parser knows about words, built once per process from prompts/ and the data."""

    def __init__(self, dataset: Dataset):
        self.countries: dict[str, Country] = {c.code: c for c in dataset.countries}
        self.names = {c.code: c.name for c in dataset.countries}
        self.codes_by_name = {c.name: c.code for c in dataset.countries}
        words = _read("vocabulary.yaml")
        self.spelling: dict[str, str] = words["spelling"]
        self.shorthand = [(re.compile(rf"(?<![\w/&]){re.escape(k)}" + (r"(?![\w/&])" if k[-1].isalnum() else ""),
                                      re.IGNORECASE), v) for k, v in sorted(words["shorthand"].items(),
                                                                             key=lambda kv: -len(kv[0]))]
        self.templates: dict = _read("templates.yaml")
        # The period the data covers, from the dataset (never written into the rules): '2014 – May 2026'.
        self.period = dataset.period
        self.last_date = dataset.last_date
        for key in ("all_agreements", "period_covered"):
            self.templates[key] = self.templates[key].format(period=self.period)
        self.suggestions: dict = _read("suggestions.yaml")
        self.declines: dict = _read("declines.yaml")  # what a decline says of the data (assistant/declines.py)
        self.lexicon: dict[tuple[str, ...], list[Tag]] = {}
        self.filler: set[tuple[str, ...]] = set()

        country_words = _read("countries.yaml")
        for code, aliases in country_words["in_scope"].items():
            for alias in [self.names[code].lower(), *aliases]:
                self._add(alias, Tag("country", code))
        # A code in capitals ("DE", "FR") read as a one-word name of its state; "US" is outside the data.
        self.code_words = {code: next(a for a in [self.names[code].lower(), *aliases] if " " not in a)
                           for code, aliases in country_words["in_scope"].items()}
        self.code_words["UK"] = "uk"
        self.code_words.update({"US": "usa", "NO": "norway", "CH": "switzerland", "TR": "turkey"})  # outside the data
        for name, aliases in country_words["out_of_scope"].items():
            for alias in aliases:
                self._add(alias, Tag("outside", name))

        self.groups: dict[str, Group] = {}
        self.group_words: dict[str, str] = {}  # a name each group is read by ("in that region": the last one's)
        for key, g in _read("groups.yaml")["groups"].items():
            self.groups[key] = Group(key, g["label"], self._members(g))
            self.group_words[key] = " ".join(tokens(self.fold(g["words"][0])))
            for w in g["words"]:
                self._add(w, Tag("group", key))

        for section, kind in (("forms", "form"), ("topics", "topic"), ("scope", "scope"),
                              ("dimensions", "dim"), ("measures", "measure"), ("charts", "chart")):
            for value, phrases in words[section].items():
                for p in phrases:
                    self._add(p, Tag(kind, value))
        self.phrases = {k: [self.fold(p) for p in words[k]] for k in ("invasion", "before_invasion")}
        self.periods = tuple((tuple(self.fold(p) for p in e["words"]), e["start"], e["before"], e["label"])
                             for e in words["periods"].values())
        # The data's own period has no words: it tells the time reader where the data ends (from the dataset).
        self.periods += (((), FIRST_DATE, dataset.last_date + dt.timedelta(days=1), DATA_PERIOD),)
        self.events = tuple(Event(key, e["label"], tuple(self.fold(p) for p in e["words"]), e.get("day"),
                                  bool(e.get("strictly_after")), tuple(e.get("of_named", ())), e.get("who", ""))
                            for key, e in words["events"].items())
        for kind in ("mutual_defence", "agreement_words", "off_topic"):
            for p in words[kind]:
                self._add(p, Tag(kind))
        # Attributes the data lacks: reason key -> the sentence that says so.
        self.not_in_data: dict[str, str] = {}
        for key, entry in words["not_in_data"].items():
            self.not_in_data[key] = entry["says"]
            for p in entry["words"]:
                self._add(p, Tag("not_in_data", key))
        for p in words["filler"]:
            self.filler.add(tuple(tokens(self.fold(p))))
        self.follow_up = {mode: sorted(ps, key=len, reverse=True) for mode, ps in words["follow_up"].items()}
        moves = words["conversation"]
        fresh = "|".join(re.escape(p) for p in sorted(moves["fresh_start"], key=len, reverse=True))
        self.fresh_start = re.compile(rf"^\s*(?:ok[,.]? |okay[,.]? |right[,.]? |now[,.]? )?(?:{fresh})\s*[-:,.;–]*\s*")
        keep = "|".join(re.escape(p) for p in sorted(moves["keep_going"], key=len, reverse=True))
        self.keep_going = re.compile(rf"^(?:(?:{keep})\b\s*)+")
        self.max_phrase = max(len(k) for k in self.lexicon)

        # Distinctive words of agreement titles ("nancy", "iris-t", "cv90"): a question may name them.
        known = {w for key in list(self.lexicon) + list(self.filler) for w in key}
        words = {w for a in dataset.agreements for w in tokens(a.title.lower()) if len(w) >= 3 and w not in known}
        # ... but only names ("aachen", "iris-t", "cv90"), not common words that happen to stand in a title
        # ("drones", "radar"): a name is written with a capital wherever the summaries use it, or has a digit or hyphen.
        in_summaries = _capitalised(a.summary for a in dataset.agreements)
        in_titles = _capitalised(a.title for a in dataset.agreements)
        self.title_words = {w for w in words if _is_name(w, in_summaries, in_titles)}
        self.common_title_words = words - self.title_words
        self.summary_words = {w for a in dataset.agreements for w in tokens(a.summary.lower())
                              if len(w) >= 4 and w not in known}
        self.phrase_words = {w for key in self.lexicon for w in key}
        # First words of phrases about the data ("arms purchases", "joint procurement"): countable after "how many".
        self.phrase_starts = {key[0] for key, tags in self.lexicon.items()
                              if len(key) > 1 and any(t.kind != "off_topic" for t in tags)}
        self.summary_stems = {w[:-1] if w.endswith("s") and not w.endswith("ss") and len(w) > 4 else w
                              for a in dataset.agreements for w in tokens(a.summary.lower())}
        self.titles = [" ".join(tokens(a.title.lower())) for a in dataset.agreements]
        self.title_ids = [a.agreement_id for a in dataset.agreements]
        # Every run of words in some title, so a question's phrase is checked against titles in O(1).
        self.title_runs = {" ".join(ws[i:j]) for t in self.titles for ws in [t.split()]
                           for i in range(len(ws)) for j in range(i + 2, len(ws) + 1)}
        self.signed = {a.agreement_id: a.signed_date for a in dataset.agreements}
        self.parties_of = {a.agreement_id: tuple(a.parties) for a in dataset.agreements}
        present = set(self.signed)  # the day each row entered the data (the change log), for "added since …"
        self.added_on = {c.agreement_id: c.changed_on for c in dataset.changes
                         if c.column == ADDED and c.agreement_id in present}
        # Filler words a typo must not become: they would silently vanish ("fewer" is not "newer").
        self.never_fix_to = {"newer", "older", "fewer", "lower", "later", "earlier", "never", "ever", "every", "other"}
        self.first_words = {"may", "march"}  # real words that are also month names, never "corrected"
        # Single words worth correcting typos towards (short words are too easy to mistake).
        self.fuzzy_targets = sorted({k[0] for k in self.lexicon if len(k) == 1 and len(k[0]) >= 4 and k[0].isalpha()}
                                    | ({k[0] for k in self.filler if len(k) == 1 and len(k[0]) >= 4 and k[0].isalpha()}
                                       - self.never_fix_to)
                                    | {w for key in self.lexicon for w in key if len(w) >= 5 and w.isalpha()})

    def expand(self, text: str) -> str:
        """Shorthand ('w/', 'btwn', 'govt') and two-letter codes typed in capitals ('DE/FR', 'UK-FR') in words the
        lexicon reads; a pair joined by '/' or '-' is a pair of parties ('DE/FR' = Germany with France)."""
        for pattern, words in self.shorthand:
            text = pattern.sub(words, text)
        if not text.isupper():  # a question typed in capitals has no codes to tell apart
            text = re.sub(r"\b[A-Z]{2}\b", lambda m: self.code_words.get(m[0], m[0]), text)
        # Codes typed in lower case, where they are not also common words ("fr", "ee lv lt", not "it", "be", "at").
        text = re.sub(r"(?<![\w'.-])([a-z]{2})(?![\w'.-])", lambda m: self.code_words[m[1].upper()]
                      if m[1] in LOWER_CODES else m[1], text)
        # "pl-ua", "fr/de": two codes joined, in any case, are a pair of states.
        text = re.sub(r"\b([A-Za-z]{2})[-/]([A-Za-z]{2})\b", lambda m: f"{self.code_words[m[1].upper()]} with "
                      f"{self.code_words[m[2].upper()]}" if m[1].upper() in self.code_words and
                      m[2].upper() in self.code_words else m[0], text)
        return re.sub(r"\b([^\W\d_]+)\s*(?:/|\s-\s)\s*([^\W\d_]+)\b", lambda m: f"{m[1]} with {m[2]}"
                      if all(any(t.kind == "country" for t in self.lexicon.get((w.lower(),), [])) for w in (m[1], m[2]))
                      else m[0], text)

    def _members(self, g: dict) -> tuple[str, ...]:
        if "members" in g:
            return tuple(sorted(g["members"]))
        if "region" in g:
            return tuple(sorted(c.code for c in self.countries.values() if c.region == g["region"]))
        field = g["where"]
        if field.startswith("not "):
            return tuple(sorted(c.code for c in self.countries.values() if not getattr(c, field[4:])))
        return tuple(sorted(c.code for c in self.countries.values() if getattr(c, field)))

    def fold(self, text: str) -> str:
        return " ".join(self.spelling.get(t, t) for t in tokens(text.lower()))

    def _add(self, phrase: str, tag: Tag) -> None:
        key = tuple(tokens(self.fold(phrase)))
        if key:
            tags = self.lexicon.setdefault(key, [])
            if tag not in tags:
                tags.append(tag)

    def prose_name(self, code: str) -> str:
        """The name as it reads in a sentence: 'the United Kingdom', 'the Netherlands'."""
        name = self.names[code]
        return f"the {name}" if code in ("GB", "NL") else name

    def name_list(self, codes) -> str:
        names = [self.prose_name(c) for c in codes]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

    def scope_sentence(self) -> str:
        return (f"The data covers agreements signed from {self.period.replace(' – ', ' to ')} among the 27 EU member "
                "states, the United Kingdom and Ukraine: " + ", ".join(sorted(self.names.values())) + ".")


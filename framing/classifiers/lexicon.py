"""The lexicon baseline: one compiled matcher, the guidelines' precedence and voice rules.

Every decision is explained: ``explain`` returns the terms found, with their
offsets in the sentence, which of them decided a label, and whether each
stands in quotes or behind a marker such as "so-called".
"""

from __future__ import annotations

import _sre
import re
import re._casefix as _sre_casefix  # re's case classes (Python 3.11 and later)
import re._parser as _sre_parser
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

import ahocorasick_rs
import numpy as np

from framing.classifiers.protocol import Runtime
from framing.classifiers.schema import (
    DEFAULT_SCHEME,
    SCHEME,
    SCHEME_FILE,
    Scheme,
    check_sentences,
    load_scheme,
)
from framing.errors import FramingError
from framing.schemes import NONE, Labelled

#: For the Syrian scheme, when its lexicon file sets no ``[exclude] ambiguous``: exclusions that mean
#: ISIS or Kurdish forces (they make generic terms ambiguous).
SYRIAN_AMBIGUITY = r"ISIS|ISIL|Daesh|Daish|Islamic State|\bIS\b|YPG|SDF|PKK|PYD|YPJ|Kurd|Democratic Forces|US-backed"


@dataclass(frozen=True)
class Evidence:
    """One matched term: its span in the sentence and what it says. ``source`` is ``lexicon`` for a term
    of the word list, ``model`` for a word the model's label rests on (``framing.classifiers.explain``:
    ``drop`` is how much the label's probability falls without it)."""

    term: str
    start: int
    end: int
    field: str
    label: str
    quoted: bool
    deciding: bool = False
    source: str = "lexicon"
    drop: float | None = None

    def as_dict(self) -> dict:
        """The entry as a scores file holds it: a lexicon term with the keys it always had (files written
        before model evidence read the same), a model word with ``source`` and ``drop`` too."""
        keys = ("term", "start", "end", "field", "label", "quoted", "deciding")
        extra = ("source", "drop") if self.source != "lexicon" else ()
        return {k: getattr(self, k) for k in keys + extra}


@dataclass(frozen=True)
class Decision(Labelled):
    """The labels of one sentence (``actors``: per actor field of the scheme, in its order; ``voice``)
    and the evidence behind them. An actor's label also reads as an attribute (``decision.opposition``)."""

    actors: dict[str, str]
    voice: str
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class _Entry:
    labels: tuple[str, ...]  # "field:label" pairs; empty for exclusions
    kind: str  # "specific", "generic" or "exclude"

    @cached_property
    def pairs(self) -> tuple[tuple[str, str], ...]:
        """``labels`` as (field, label) pairs, split once."""
        return tuple(tuple(key.split(":")) for key in self.labels)


#: A term found in a sentence: its start, end, text and entry.
Term = tuple[int, int, str, _Entry]


def trie_pattern(words: list[str]) -> str:
    """One regex for many literals, factored as a trie: ``rebel(?:s|\\-held)?`` rather than an alternation
    of every term, so the engine tests each position once, not once per term. Longer terms win, as they
    would listed longest first."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def walk(node: dict) -> str:
        branches = [re.escape(char) + walk(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return walk(trie)


#: Patterns that spell out at most this many strings are matched as literals, in the trie.
FINITE_LIMIT = 5000


def finite_strings(pattern: str, limit: int = FINITE_LIMIT) -> list[str] | None:
    """Every string a pattern made only of literals, character sets, alternatives and optional parts
    matches (``(?:US|U.S.) (?:troops|forces)``), or ``None`` for any other pattern (lookarounds,
    boundaries, repeats, inline flags) or one that spells out more than ``limit`` strings. Such
    patterns join the literal trie, which the engine tests once per position instead of once per
    pattern."""

    def walk(items) -> list[str] | None:
        results = [""]
        for op, arg in items:
            name = str(op)
            if name == "LITERAL":
                options = [chr(arg)]
            elif name == "IN" and all(str(o) == "LITERAL" for o, _ in arg):
                options = [chr(a) for _, a in arg]
            elif name == "BRANCH":
                branches = [walk(b) for b in arg[1]]
                if any(b is None for b in branches):
                    return None
                options = [x for b in branches for x in b]
            elif name == "SUBPATTERN" and not arg[1] and not arg[2]:
                options = walk(arg[3])
            elif name in ("MAX_REPEAT", "MIN_REPEAT") and arg[0] == 0 and arg[1] == 1:
                inner = walk(arg[2])
                options = None if inner is None else ["", *inner]
            else:
                return None
            if options is None or len(results) * len(options) > limit:
                return None
            results = [r + o for r in results for o in options]
        return results

    try:
        return walk(_sre_parser.parse(pattern))
    except (re.error, TypeError, ValueError, OverflowError):
        return None


# -- the prefilter: a sentence that cannot hold any term skips the matcher ------------------------------
#
# Every match of the matcher contains, for the alternative that matched, one of a few "required" strings:
# a term of the trie is its own, and a pattern's are read off its parse tree (``required_strings``). A
# sentence holding none of them cannot match, so ``Prefilter.may_match`` answers from one pass over the
# text for all of them (an Aho-Corasick automaton), without the matcher's per-position lookbehind and
# alternatives. The search runs on the text folded so that two characters the matcher's case-insensitive
# comparison takes as equal become the same character (``fold``); strings spelled where the pattern is
# case-sensitive (``(?-i:IS)``) are searched in the text as it is. Either way it can only say "maybe" more
# often than the matcher, never less.

#: Characters that ``re`` takes as equal beyond their lower case (``i`` and dotless ``ı``, ``s`` and ``ſ``...):
#: each mapped to the smallest of its class, which is the ASCII one where there is one.
_CASE_CLASSES: dict[int, int] = {}
for _char, _others in _sre_casefix._EXTRA_CASES.items():  # noqa: SLF001 - re's own table, the one it matches with
    _CASE_CLASSES[_char] = min((_char, *_others))
#: What ``fold`` changes after ``str.lower``: the case classes, each to its smallest member.
_CANONICAL = {char: low for char, low in _CASE_CLASSES.items() if char != low}
_NOT_CANONICAL = re.compile("[" + "".join(re.escape(chr(c)) for c in _CANONICAL) + "]")


def fold_char(char: str) -> str:
    """The character a pattern's ``char`` is searched as in ``fold``-ed text: its lower case as ``re``
    compares it (``_sre.unicode_tolower``), then the smallest of its case class."""
    low = _sre.unicode_tolower(ord(char))
    return chr(_CASE_CLASSES.get(low, low))


def fold(text: str) -> str:
    """``text`` with every character as ``fold_char`` gives it, so that two characters a case-insensitive
    ``re`` match takes as equal become one. ``str.lower`` agrees with ``re``'s lower case on every
    character but ``İ`` (U+0130: ``re`` lowers it to ``i``, ``str.lower`` to ``i`` and a combining dot), and
    on the final sigma (``ς``), which the case classes join to ``σ``."""
    if text.isascii():  # no case class reaches an ASCII text but through its ASCII member
        return text.lower()
    lowered = text.replace("\u0130", "i").lower()
    return lowered.translate(_CANONICAL) if _NOT_CANONICAL.search(lowered) else lowered


def fold_literal(literal: str) -> str:
    """A literal of a case-insensitive pattern as it reads in ``fold``-ed text (``fold_char`` of each character)."""
    return "".join(map(fold_char, literal))


#: Strings one pattern may spell out in ``required_strings`` before a run of them is closed.
REQUIRED_LIMIT = 2000

_ZERO_WIDTH = ("AT", "ASSERT_NOT")


def _spelled(items, exact: bool, limit: int) -> list[tuple[bool, str]] | None:
    """Every string a sequence of parse-tree items consumes, each with whether all of its characters are
    compared case-sensitively (``exact``), or None for a sequence that is not finite (or over ``limit``).
    Zero-width items (boundaries, lookarounds) consume nothing: the empty string."""
    results: list[tuple[bool, str]] = [(True, "")]
    for op, arg in items:
        options = _spelled_item(str(op), arg, exact, limit)
        if options is None or len(results) * len(options) > limit:
            return None
        results = [(a and b, x + y) for a, x in results for b, y in options]
    return results


def _spelled_item(name: str, arg, exact: bool, limit: int) -> list[tuple[bool, str]] | None:
    """``_spelled`` of one item."""
    if name == "LITERAL":
        return [(exact, chr(arg))]
    if name == "IN" and all(str(o) == "LITERAL" for o, _ in arg):
        return [(exact, chr(a)) for _, a in arg]
    if name == "BRANCH":
        branches = [_spelled(b, exact, limit) for b in arg[1]]
        return None if any(b is None for b in branches) else [x for b in branches for x in b]
    if name == "SUBPATTERN":
        return _spelled(arg[3], _exact(exact, arg), limit)
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") and arg[0] == 0 and arg[1] == 1:
        inner = _spelled(arg[2], exact, limit)
        return None if inner is None else [(True, ""), *inner]
    if name in _ZERO_WIDTH or name == "ASSERT":
        return [(True, "")]
    return None


def _exact(exact: bool, subpattern) -> bool:
    """Whether a group's characters are compared case-sensitively, given its flags ``(?i:...)``, ``(?-i:...)``."""
    _, add, remove, _ = subpattern
    return (exact and not add & re.IGNORECASE) or bool(remove & re.IGNORECASE)


def _required(items, exact: bool, limit: int) -> list[tuple[bool, str]] | None:
    """Strings one of which every match of a sequence of parse-tree items contains (with whether it is
    compared case-sensitively), or None when none can be told. Runs of finite items are spelled out, a
    finite positive lookahead appended to the run before it; the best run or nested requirement is kept."""
    candidates: list[list[tuple[bool, str]]] = []
    run: list[tuple[bool, str]] = [(True, "")]
    for op, arg in items:
        name = str(op)
        if name == "ASSERT" and arg[0] == 1:  # what follows must spell the lookahead's text: the run may end with it
            ahead = _spelled(arg[1], exact, limit)
            if ahead is not None and len(run) * len(ahead) <= limit:
                candidates.append([(a and b, x + y) for a, x in run for b, y in ahead])
            continue  # it consumes nothing: the run goes on
        options = _spelled_item(name, arg, exact, limit)
        if options is not None and len(run) * len(options) <= limit:
            run = [(a and b, x + y) for a, x in run for b, y in options]
            continue
        candidates.append(run)
        run = [(True, "")]
        if options is not None:  # finite, but too many with the run: it starts a new one
            run = options
        elif (nested := _nested(name, arg, exact, limit)) is not None:
            candidates.append(nested)
    candidates.append(run)
    usable = [c for c in candidates if all(s for _, s in c)]
    return max(usable, key=_strength) if usable else None


def _nested(name: str, arg, exact: bool, limit: int) -> list[tuple[bool, str]] | None:
    """``_required`` of an item that is not finite: a group, alternatives, or a repeat of at least once."""
    if name == "SUBPATTERN":
        return _required(arg[3], _exact(exact, arg), limit)
    if name == "BRANCH":
        branches = [_required(b, exact, limit) for b in arg[1]]
        return None if any(b is None for b in branches) else [x for b in branches for x in b]
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") and arg[0] >= 1:
        return _required(arg[2], exact, limit)
    return None


def _strength(strings: list[tuple[bool, str]]) -> tuple[int, int]:
    """How rare a set of required strings is likely to be: its shortest (a case-sensitive string counts
    as three letters longer), then fewer strings."""
    return min(len(s) + 3 * exact for exact, s in strings), -len(strings)


def required_strings(pattern: str, limit: int = REQUIRED_LIMIT) -> list[tuple[bool, str]] | None:
    """Strings one of which every text the (case-insensitive) ``pattern`` matches in contains, each with
    whether it must be there case for case (``True``: it stands in ``(?-i:...)``), else in any case as ``re``
    compares it; None when the pattern gives none (such a lexicon is matched without a prefilter)."""
    try:
        return _required(_sre_parser.parse(pattern), False, limit)
    except (re.error, TypeError, ValueError, OverflowError, RecursionError):
        return None


class Prefilter:
    """Searches that rule out sentences with no term, built from the required strings of every alternative of
    a matcher: its literal terms (``literals``) and its patterns (``folded``; ``exact``, those spelled
    case-sensitively). ``plan`` says whether a pattern may match and where the first literal term may start.

    The strings are found by Aho-Corasick automata (``ahocorasick_rs``: one pass over the text finds every
    place any of them occurs), where a regular expression of all of them tried each place in turn at about
    1.5 times the cost (README, "Speed")."""

    def __init__(self, literals: set[str], folded: set[str], exact: set[str]) -> None:
        self.literals, self.folded, self.exact_strings = set(literals), set(folded), set(exact)
        # an empty string is everywhere (and no automaton takes it): a pattern that requires one may always
        # match, and a literal term may start at the very beginning
        self.always = "" in folded or "" in exact
        self.empty_literal = "" in literals
        self.strings = sorted((literals | folded) - {""})
        self.is_pattern = [string in folded for string in self.strings]
        self.any = ahocorasick_rs.AhoCorasick(self.strings) if self.strings else None
        self.exact = ahocorasick_rs.AhoCorasick(sorted(exact - {""})) if exact - {""} else None

    def __reduce__(self):  # the automata do not pickle: a copy builds its own
        return Prefilter, (self.literals, self.folded, self.exact_strings)

    @classmethod
    def of(cls, literals: list[str], patterns: list[str]) -> Prefilter | None:
        """The prefilter of a matcher of case-insensitive ``literals`` and ``patterns``; None if a pattern has
        no required string (then every sentence goes to the whole matcher)."""
        folded: set[str] = set()
        exact: set[str] = set()
        for pattern in patterns:
            required = required_strings(pattern)
            if required is None:
                return None
            exact |= {s for case, s in required if case}
            folded |= {fold_literal(s) for case, s in required if not case}
        return cls({fold_literal(term) for term in literals}, folded, exact)

    def hits(self, seen: str) -> tuple[bool, list[tuple[int, int, int]]]:
        """For ``seen`` (a sentence without invisible characters): ``(True, [])`` when a pattern may match in it,
        else ``(False, places)``: where each literal string occurs in ``fold(seen)``, as (its index in
        ``strings``, start, end), overlapping ones included, in no set order."""
        if self.always or (self.exact is not None and self.exact.find_matches_as_indexes(seen)):
            return True, []
        if self.any is None:
            return False, []
        places = self.any.find_matches_as_indexes(fold(seen), overlapping=True)
        is_pattern = self.is_pattern
        for which, _, _ in places:
            if is_pattern[which]:
                return True, []
        return False, places

    def plan(self, seen: str) -> tuple[bool, int | None]:
        """``(True, None)`` when a pattern may match in ``seen``, else ``(False, first)``, where ``first`` is the
        first place a literal term may start (None: no literal term is in it). A pattern said not to match
        certainly does not, and no literal term starts before ``first``."""
        patterns, places = self.hits(seen)
        if patterns:
            return True, None
        starts = [start for _, start, _ in places] + ([0] if self.empty_literal else [])
        return False, min(starts, default=None)

    def may_match(self, seen: str) -> bool:
        """Whether the matcher may find a term in ``seen``: False only when it certainly finds none."""
        patterns, first = self.plan(seen)
        return patterns or first is not None


def _texts(table: dict, key: str, where: str) -> list[str]:
    """``table[key]`` (default empty), checked to be a list of text: a lone string would otherwise be
    read letter by letter."""
    values = table.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise TypeError(f'{where}.{key} is {values!r}; it must be a list of text, such as ["a", "b"]')
    return values


def _scheme_of(spec: dict, source: str, scheme: Scheme | None) -> Scheme:
    """The scheme a lexicon's labels follow: the one its ``scheme`` key names, given or the default."""
    name = spec.get("scheme", DEFAULT_SCHEME)
    scheme = scheme or (SCHEME if name == SCHEME.name else None)
    if scheme is None or scheme.name != name:
        given = f", not {scheme.name!r}" if scheme is not None else ""
        raise FramingError(f"{source}: a lexicon of scheme {name!r}{given}; give that scheme's file (scheme.toml)")
    return scheme


class Lexicon:
    """Terms and patterns per label, compiled into one case-insensitive regex. Its labels are those of
    the scheme its file names (``scheme = "..."``; none: the default), given as ``scheme``."""

    def __init__(self, spec: dict, source: str = "<lexicon>", scheme: Scheme | None = None) -> None:
        self.source = source
        self.version = spec.get("version")
        self.scheme = _scheme_of(spec, source, scheme)
        known, actors = self.scheme.labels, self.scheme.actor_fields
        literals: dict[str, _Entry] = {}
        patterns: list[tuple[str, _Entry]] = []
        try:
            for key, table in spec.get("labels", {}).items():
                field, label = key.split(":")
                if field not in actors or label not in known[field]:
                    raise ValueError(f"unknown label {key!r}")
                for kind in ("specific", "generic"):
                    for term in _texts(table, "terms" if kind == "specific" else "generic", key):
                        literals[term.lower()] = _Entry((key,), kind)
                patterns += [(p, _Entry((key,), "specific")) for p in _texts(table, "patterns", key)]
            for table in spec.get("compound", []):
                labels = _texts(table, "labels", "compound")
                if not all(k.partition(":")[2] in known.get(k.partition(":")[0], ()) for k in labels):
                    raise ValueError(f"a compound's labels {labels} are not all field:label of the schema")
                patterns += [(p, _Entry(tuple(labels), "specific")) for p in _texts(table, "patterns", "compound")]
            exclude = spec.get("exclude", {})
            for term in _texts(exclude, "terms", "exclude"):
                literals[term.lower()] = _Entry((), "exclude")
            for pattern in _texts(exclude, "patterns", "exclude"):
                spelled = finite_strings(pattern)
                if spelled is None:
                    patterns.append((pattern, _Entry((), "exclude")))
                else:
                    literals |= {term.lower(): _Entry((), "exclude") for term in spelled}
            markers = _texts(spec.get("voice", {}), "markers", "voice")
            ambiguous = exclude.get("ambiguous", SYRIAN_AMBIGUITY if self.scheme.name == DEFAULT_SCHEME else None)
            if ambiguous is not None and not isinstance(ambiguous, str):
                raise TypeError(f"exclude.ambiguous is {ambiguous!r}; it must be one regular expression")
        except (KeyError, ValueError, AttributeError, TypeError) as error:
            raise FramingError(f"{source}: malformed lexicon ({error}); compare it with models/lexicon/lexicon.toml")
        self._unnamed = dict.fromkeys(actors, NONE)  # the labels of a sentence with no term
        self._entries: list[_Entry] = [entry for _, entry in patterns]
        self._literals = literals
        # a term re matched through its extra case rules ("ſyrian", "İslamic") is found by its folded spelling
        self._folded = {fold(term): entry for term, entry in literals.items()}
        self.prefilter = Prefilter.of(list(literals), [p for p, _ in patterns])
        alternatives = [f"(?P<p{i}>{p})" for i, (p, _) in enumerate(patterns)]
        if literals:  # an empty trie would match the empty string everywhere
            alternatives.append("(?P<lit>" + trie_pattern(list(literals)) + ")")
        alternatives = alternatives or ["(?!)"]  # an empty lexicon (a new scheme's) matches nothing
        try:
            self.matcher = re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])", re.IGNORECASE)
            # the matcher without its patterns, for sentences in which none of them can match: it finds the same
            # terms (at each place the patterns, tried first, would all fail) for half the cost
            self._literal_matcher = (
                re.compile(r"(?<![\w-])(?:" + alternatives[-1] + r")(?![\w-])", re.IGNORECASE)
                if literals and patterns
                else self.matcher
            )
            # the literal terms are read off the places the prefilter found (``_literal_terms``), unless two
            # terms fold alike or one is empty: then the literal matcher searches for them (as it would find
            # one of the two where the places would give the longer)
            self._terms_from_places = (
                self.prefilter is not None and "" not in literals and len(self.prefilter.literals) == len(literals)
            )
            marker_words = "|".join(re.escape(m) for m in sorted(markers, key=len, reverse=True))
            self.marker = re.compile(rf"(?:{marker_words})\W+(?:[\w'-]+\W+){{0,3}}$", re.IGNORECASE)
            # a sentence holding none of the markers (in any case) has none before a term
            self._markers = None  # no marker (or an empty one, which any words match): always searched
            if markers and all(markers):
                self._markers = Prefilter({fold_literal(m) for m in markers}, set(), set())
            self.ambiguous = re.compile(ambiguous) if ambiguous else None
        except re.error as error:
            raise FramingError(f"{source}: a pattern does not compile ({error}); fix it in the lexicon file")

    @classmethod
    def from_file(cls, path: Path, scheme: Scheme | None = None) -> Lexicon:
        """A lexicon file; one of another scheme than the default reads its scheme from ``scheme`` or
        from the ``scheme.toml`` beside it (as in a model directory or the files of ``framing init-scheme``)."""
        try:
            spec = tomllib.loads(path.read_text(encoding="utf-8"))
            beside = path.parent / SCHEME_FILE
            if scheme is None and spec.get("scheme", DEFAULT_SCHEME) != DEFAULT_SCHEME and beside.is_file():
                scheme = load_scheme(beside)
            return cls(spec, str(path), scheme)
        except FileNotFoundError:
            raise FramingError(f"{path}: lexicon file not found; the model directory is incomplete")
        except tomllib.TOMLDecodeError as error:
            raise FramingError(f"{path}: not valid TOML ({error})")
        except UnicodeDecodeError as error:
            raise FramingError(f"{path}: not UTF-8 (byte {error.object[error.start]:#04x}); re-save it as UTF-8")

    def _entry(self, match: re.Match) -> _Entry:
        if match.lastgroup == "lit":
            found = match.group()
            return self._literals.get(found.lower()) or self._folded[fold(found)]
        return self._entries[int(match.lastgroup[1:])]

    def decide(self, sentence: str) -> Decision:
        """Label one sentence by the guidelines' rules and explain the decision.

        Invisible characters (``INVISIBLE``) are passed over, so that "ter\u00adrorists" is a naming; the
        evidence's offsets and terms are still those of ``sentence`` as given."""
        seen, offsets = visible(sentence)
        found = self.terms(seen)
        if not found:  # most sentences: no label, no evidence, as the rules would say, for a fraction of the cost
            return Decision(dict(self._unnamed), NONE, ())
        return self.apply_rules(sentence, found, (seen, offsets))

    def terms(self, seen: str) -> list[Term]:
        """Every term the matcher finds in ``seen``, in order. Where the prefilter rules out every pattern, the
        literal terms are found from its places (or by the literal matcher, from the first of them): the same
        terms (at each place the patterns, tried first, would all fail) for a fraction of the cost."""
        if self.prefilter is None:
            return self._matched(self.matcher.finditer(seen))
        patterns, places = self.prefilter.hits(seen)
        if patterns:
            return self._matched(self.matcher.finditer(seen))
        if not places:
            return []
        if not self._terms_from_places:
            return self._matched(self._literal_matcher.finditer(seen, min(start for _, start, _ in places)))
        return self._literal_terms(seen, places)

    def _matched(self, matches) -> list[Term]:
        return [(m.start(), m.end(), m.group(), self._entry(m)) for m in matches]

    def _literal_terms(self, seen: str, places: list[tuple[int, int, int]]) -> list[Term]:
        """The terms the literal matcher (``(?<![\\w-])(?:terms)(?![\\w-])``, case-insensitive) finds in ``seen``,
        from the places its folded terms occur in ``fold(seen)``: from left to right, at each place that no
        word character or hyphen precedes, the longest term that none follows; the next one after its end."""
        longest: dict[int, int] = {}
        size = len(seen)
        for _, start, end in places:
            if end < size and (seen[end].isalnum() or seen[end] in "_-"):
                continue
            if start and (seen[start - 1].isalnum() or seen[start - 1] in "_-"):
                continue
            if end > longest.get(start, -1):
                longest[start] = end
        found, after = [], 0
        for start in sorted(longest):
            if start >= after:
                end = after = longest[start]
                term = seen[start:end]
                found.append((start, end, term, self._literals.get(term.lower()) or self._folded[fold(term)]))
        return found

    def apply_rules(self, original: str, found: list[Term], visible_text: tuple | None = None) -> Decision:
        """The decision on the terms ``found`` in ``visible(original)`` (``visible_text``, if already made):
        precedence, ambiguity, quotes and markers (``decide`` skips this for a sentence with no term)."""
        sentence, offsets = visible_text or visible(original)
        quoted = quoted_spans(sentence)
        ambiguous = self.ambiguous is not None and any(
            e.kind == "exclude" and self.ambiguous.search(term) for _, _, term, e in found
        )
        specific = {f for *_, e in found if e.kind == "specific" for f, _ in e.pairs}
        # a marker is looked for before a term only if the sentence holds one at all (most do not)
        may_mark = self._markers is None or self._markers.may_match(sentence)
        named = []  # (term, start, end, field, label, quoted or marked) of each term that names an actor
        for start, end, term, entry in found:
            if entry.kind == "generic" and ambiguous and not any(f in specific for f, _ in entry.pairs):
                continue
            if not entry.labels:
                continue
            inside = any(s <= start and end <= e for s, e in quoted)
            marked = inside or (may_mark and self.marker.search(sentence[max(0, start - 80) : start]) is not None)
            for field, label in entry.pairs:
                named.append((term, start, end, field, label, marked))
        strongest = self.scheme.strongest
        labels = {f: strongest(f, [n[4] for n in named if n[3] == f]) for f in self.scheme.actor_fields}
        evidence = [Evidence(*n, n[4] == labels[n[3]]) for n in named]
        deciding = [e for e in evidence if e.deciding]
        voice = "none" if not deciding else "reported" if all(e.quoted for e in deciding) else "own"
        if offsets is not None:
            evidence = [_in_original(e, original, offsets) for e in evidence]
        return Decision(labels, voice, tuple(evidence))


#: Characters that do not show but split words for a matcher: soft hyphen, zero-width space, non-joiner
#: and joiner, word joiner, and U+FEFF (a byte-order mark, or a zero-width no-break space).
INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")


def visible(text: str) -> tuple[str, list[int] | None]:
    """``text`` without invisible characters, and the offset in ``text`` of each character left and of
    its end (None when there were none)."""
    if not INVISIBLE.search(text):
        return text, None
    kept = [i for i, char in enumerate(text) if not INVISIBLE.match(char)]
    return "".join(text[i] for i in kept), kept + [len(text)]


def _in_original(evidence: Evidence, text: str, offsets: list[int]) -> Evidence:
    """Evidence found in ``visible(text)``, with the offsets and term of ``text``."""
    start, end = offsets[evidence.start], offsets[evidence.end - 1] + 1
    return replace(evidence, term=text[start:end], start=start, end=end)


#: Double quotation marks (straight, curly, guillemets): what opens and closes a quote.
QUOTATION_MARKS = re.compile(r'["\u201c\u201d\u00ab\u00bb]')
#: A single-quoted span: an opening mark no word character precedes (looked back for after the mark, so that
#: the search skips to the marks instead of trying every place), no line break inside, a closing mark no word
#: character follows.
_SINGLE = re.compile(r"['\u2018](?<!\w['\u2018])([^'\u2018\u2019\n]+)['\u2019](?!\w)")


def quoted_spans(sentence: str) -> list[tuple[int, int]]:
    """Spans inside quotation marks; an unclosed quote runs to the sentence's edge."""
    spans: list[tuple[int, int]] = []
    opened: int | None = None
    for mark in QUOTATION_MARKS.finditer(sentence):
        char, at = mark.group(), mark.start()
        looks_closing = (
            at > 0 and not sentence[at - 1].isspace() and sentence[at + 1 : at + 2] in ("", " ", ",", ".", ";")
        )
        closes = char in "\u201d\u00bb" or (char == '"' and (opened is not None or looks_closing))
        if closes and opened is not None:
            spans.append((opened, mark.end()))
            opened = None
        elif closes and not spans:  # a quote carried over from the previous sentence
            spans.append((0, mark.end()))
        else:
            opened = mark.start()
    if opened is not None:
        spans.append((opened, len(sentence)))
    spans += [(m.start(), m.end()) for m in _SINGLE.finditer(sentence)]
    return spans


class LexiconClassifier:
    """Estimator over sentences: ``predict`` gives an (n, fields) label array in the order of its
    lexicon's scheme's fields (``scheme``)."""

    #: Pure Python and quick to fork: one worker process per core, small chunks.
    runtime = Runtime(in_process=False, chunk_chars=60_000)
    #: A word list reads no context (title, previous sentence): scoring need not gather it.
    reads_context = False

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.scheme = lexicon.scheme

    def fit(self, X: Sequence[str], y: Sequence[Sequence[str]] | None = None, *args, **kwargs) -> LexiconClassifier:
        """Nothing to learn; checks the input and sets ``labels_`` (dev data and context are ignored)."""
        check_sentences(X)
        if y is not None and len(y) != len(X):
            raise ValueError(f"X has {len(X)} sentences but y has {len(y)} rows")
        self.labels_ = [np.array(self.scheme.labels[f]) for f in self.scheme.fields]
        return self

    def explain(self, X: Sequence[str]) -> list[Decision]:
        check_sentences(X)
        return [self.lexicon.decide(s) for s in X]

    def predict(self, X: Sequence[str], context=None) -> np.ndarray:
        """The (n, fields) labels in the scheme's order; a word list reads no ``context``."""
        decisions = self.explain(X)
        width = len(self.scheme.fields)
        return np.array([d.labels() for d in decisions], dtype=object).reshape(len(decisions), width)

    def predict_proba(self, X: Sequence[str], context=None) -> list[np.ndarray]:
        """One (n, k) array per field, in ``labels_`` order (one-hot: a lexicon is sure); no ``context``."""
        return self.proba_of(self.explain(X))

    def prepare(self, X: Sequence[str], context=None) -> list[Decision]:
        """The decisions of ``X`` (the lexicon's whole work: labels and evidence at once)."""
        return self.explain(X)

    def probabilities(self, prepared: list[Decision]) -> list[np.ndarray]:
        """``predict_proba`` of prepared sentences."""
        return self.proba_of(prepared)

    def evidence(self, prepared: list[Decision], best: list[np.ndarray]) -> list[Decision]:
        """The matched terms behind each sentence's labels (the lexicon's labels are its decisions)."""
        return prepared

    def sure(self, prepared: list[Decision]) -> tuple[list[tuple[str, ...]], list[Decision]] | None:
        """Each sentence's labels in the scheme's order (those ``probabilities`` gives probability one) and its
        decision, for callers that would otherwise read them off one-hot arrays; None if a label is not one
        of its field's (then only the arrays say what a caller makes of it)."""
        labels = [d.labels() for d in prepared]
        known = [set(self.scheme.labels[f]) for f in self.scheme.fields]
        for distinct in set(labels):
            if not all(label in names for label, names in zip(distinct, known, strict=True)):
                return None
        return labels, prepared

    def proba_of(self, decisions: Sequence[Decision]) -> list[np.ndarray]:
        """``predict_proba`` of decisions already made, so callers that also want the evidence decide once."""
        fields, known = self.scheme.fields, self.scheme.labels
        predicted = np.array([d.labels() for d in decisions], dtype=object).reshape(len(decisions), len(fields))
        return [(predicted[:, i, None] == np.array(known[f])[None, :]).astype(float) for i, f in enumerate(fields)]

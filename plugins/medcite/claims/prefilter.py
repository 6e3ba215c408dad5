"""Scan a sentence once, then run only the rule table's patterns that can match it (issue 25, speed).

The rule table and the model's features search one sentence with some sixty regular expressions; most cannot
match most sentences, yet Python's ``re`` tries each at every position. This module reads each pattern once (its
parsed form, as ``re`` itself parses it) for what it cannot match without: ``\\b(?:help|helps|eases?)\\b`` needs a
word "help", "helps" or one beginning "ease"; ``\\w+itis`` needs the letters "itis"; ``\\d`` a digit. A sentence is
folded to lower case and split into words once; a pattern whose needs are all absent is not run: its answer is "no
match", as running it would have said. A pattern that may match runs as before, on the sentence as written, so the
match (and the words a verdict quotes) are the same; only where it starts looking changes, when that is provable:
a pattern whose match begins in the same word as what it needs cannot match before the word holding the first of
them, and an alternative anchored with ``^`` is tried at the start only. Every search of a sentence is remembered,
so the rule table, the model's features and a verdict's explanation share one set of searches.

A pattern this reading does not understand needs nothing: it always runs, from the start. ``FAST = False`` runs
every pattern plainly (the reference that tests/test_claims_speed.py compares with, sentence by sentence).

The plain patterns (no lookaround, no back reference, no long repeat: :func:`re2_source`) are also put in one
RE2 set, which says in one scan of the sentence exactly which of them match, when RE2 reads the sentence as
``re`` does (:func:`settable`: no newline, no control character only ``re`` calls a space, nothing beyond ASCII
but punctuation and symbols). Then a plain pattern the set does not name is not run at all, and a feature that
only asks whether it matches (:meth:`Scan.test`) is not searched either; a match that is needed (its words, where
it starts) is still ``re``'s. ``FAST_SET = False`` leaves the set out.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

# The parser behind re.compile (private, so read defensively: any surprise means "needs nothing").
from re import _parser as sre  # type: ignore[attr-defined]

import re2

FAST = True
FAST_SET = True  # False: the RE2 set is not asked (the scan's word index alone decides what runs)
WORD_RE = re.compile(r"\w+")
DIGIT_RE = re.compile(r"\d")
DIGIT = "\\d"  # the key of "a digit somewhere" (never a word: words are \w+)
PREFIX = 4  # a needed word given by its start is looked up by its first 3 or 4 letters
# Characters that IGNORECASE matches with an ASCII letter but that str.lower() leaves alone or makes two characters
# (tests/test_claims_speed.py checks this against every code point).
FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
# Words so common that a pattern needing one of them is nearly always run.
COMMON = frozenset({"a", "an", "the", "of", "to", "in", "on", "for", "and", "or", "is", "are", "be", "it", "as", "at",
                    "by", "you", "your", "this", "that", "with", "can", "may"})
Items = list[tuple[object, object]]


def fold(text: str) -> str:
    """Lower case, one character for one (so positions agree with ``text``)."""
    return text.lower() if text.isascii() else text.translate(FOLD).lower()


def _word(char: str) -> bool:
    return char.isalnum() or char == "_"


@dataclass(frozen=True)
class Need:
    """What a pattern (or one alternative of it) cannot match without: one of ``words`` (a word of the sentence
    equal to it, or beginning with it for a key of 3-4 letters), or one of ``letters`` anywhere, or a digit."""

    words: frozenset[str]
    letters: tuple[str, ...]
    digit: bool
    same_word: bool  # the match begins in the word (run of word characters) where this need is found

    def cost(self) -> float:
        """Roughly, how often a sentence has what this needs (lower: the pattern is skipped more often)."""
        return (sum(2.0 if w in COMMON or len(w) < 3 else 0.4 if len(w) == 3 else 0.2 for w in self.words)
                + sum(10.0 if len(s.strip()) < 2 else 3.0 if len(s.strip()) < 3 or s.strip() in COMMON
                      else 1.0 if len(s) < 5 else 0.5 for s in self.letters) + 3.0 * self.digit
                + 0.01 * (not self.same_word))


def _best(needs: list[Need], same_word: bool = False) -> Need | None:
    """The cheapest need (of those whose match begins in the same word as they are found, if ``same_word``)."""
    needs = [need for need in needs if need.same_word] if same_word else needs
    return min(needs, key=Need.cost) if needs else None


def _union(needs: list[Need | None]) -> Need | None:
    if not needs or any(need is None for need in needs):
        return None
    known = [need for need in needs if need is not None]
    return Need(frozenset().union(*(n.words for n in known)), tuple(dict.fromkeys(s for n in known for s in n.letters)),
                any(n.digit for n in known), all(n.same_word for n in known))


def _class_members(items: object) -> tuple[bool, bool]:
    """(only non-word characters, only word characters) for a character class's members."""
    nonword = wordy = isinstance(items, list) and bool(items)
    for op, value in items if isinstance(items, list) else ():
        if op is sre.LITERAL and isinstance(value, int):
            nonword, wordy = nonword and not _word(chr(value)), wordy and _word(chr(value))
        elif op is sre.CATEGORY:
            nonword = nonword and value in (sre.CATEGORY_SPACE, sre.CATEGORY_NOT_WORD)
            wordy = wordy and value in (sre.CATEGORY_WORD, sre.CATEGORY_DIGIT)
        elif op is sre.RANGE and isinstance(value, tuple):
            low, high = chr(value[0]), chr(value[1])
            wordy = wordy and any(a <= low and high <= b for a, b in (("a", "z"), ("A", "Z"), ("0", "9")))
            nonword = False
        else:
            nonword = wordy = False
    return nonword, wordy


class _Reader:
    """Walks one parsed sequence; each of ``candidates`` is necessary for a match (the cheapest one is kept)."""

    def __init__(self, nonword: bool, same_word: bool) -> None:
        self.candidates: list[Need] = []
        self.run: list[str] = []
        self.run_nonword = self.run_same_word = False
        self.nonword = nonword  # the character before the next one consumed is a non-word one (or there is none)
        self.same_word = same_word  # all consumed so far are word characters (or nothing is)
        self.consumes = False  # something may have been consumed

    def flush(self, boundary_after: bool = False) -> None:
        run, self.run = "".join(self.run), []
        if not run:
            return
        self.candidates.append(Need(frozenset(), (run,), False, self.run_same_word))
        for found in WORD_RE.finditer(run):
            if not (found.start() > 0 or self.run_nonword):
                continue  # the sentence's word may begin before these letters
            word, whole = found.group(), found.end() < len(run) or boundary_after
            same_word = self.run_same_word and found.start() == 0
            if whole:
                self.candidates.append(Need(frozenset({word}), (), False, same_word))
            elif len(word) >= PREFIX - 1:
                self.candidates.append(Need(frozenset({word[:PREFIX]}), (), False, same_word))

    def consumed(self, nonword_after: bool, word_only: bool) -> None:
        self.nonword = nonword_after
        self.same_word = self.same_word and word_only
        self.consumes = True

    def read(self, items: Items) -> _Reader:
        for op, value in items:
            self.item(op, value)
        self.flush()
        return self

    def inner(self, items: Items) -> _Reader:
        return _Reader(self.nonword, self.same_word).read(items)

    def item(self, op: object, value: object) -> None:
        if op is sre.LITERAL and isinstance(value, int):
            char = chr(value)
            if not char.isascii():
                self.flush()
                self.consumed(False, False)
                return
            if not self.run:
                self.run_nonword, self.run_same_word = self.nonword, self.same_word
            self.run.append(char.lower())
            self.consumed(not _word(char), _word(char))
            return
        if op is sre.AT:
            self.flush(boundary_after=value is sre.AT_BOUNDARY)
            # Before a word character here comes a non-word one, or the start.
            self.nonword = value in (sre.AT_BOUNDARY, sre.AT_BEGINNING, sre.AT_BEGINNING_STRING)
            return
        self.flush()
        if op in (sre.ASSERT, sre.ASSERT_NOT):
            return  # zero width: what came before is unchanged
        if op is sre.IN:
            if value == [(sre.CATEGORY, sre.CATEGORY_DIGIT)]:
                self.candidates.append(Need(frozenset(), (), True, self.same_word))
            self.consumed(*_class_members(value))
            return
        if op is sre.SUBPATTERN and isinstance(value, tuple):
            self.group([list(value[-1])])
            return
        if op is sre.BRANCH and isinstance(value, tuple):
            self.group([list(alternative) for alternative in value[1]])
            return
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)) and isinstance(
                value, tuple):
            low, high, body = value
            inner = self.inner(list(body))
            if low >= 1:
                found = (_best(inner.candidates), _best(inner.candidates, True))
                self.candidates.extend(need for need in dict.fromkeys(found) if need is not None)
            if high == 0 or not inner.consumes:
                return
            self.consumed(inner.nonword and (low >= 1 or self.nonword), inner.same_word)
            return
        # ANY, NOT_LITERAL, group references, atomic groups, anything else: consumes something unknown.
        self.consumed(False, False)

    def group(self, alternatives: list[Items]) -> None:
        readers = [self.inner(alternative) for alternative in alternatives]
        for same_word in (False, True):  # the cheapest need, and the cheapest that bounds where a match begins
            need = _union([_best(reader.candidates, same_word) for reader in readers])
            if need is not None:
                self.candidates.append(need)
        if any(reader.consumes for reader in readers):
            self.nonword = all(reader.nonword for reader in readers)
            self.same_word = all(reader.same_word for reader in readers)
            self.consumes = True


@dataclass(frozen=True)
class Alternative:
    need: Need | None  # what it cannot match without (the cheapest such need)
    bound: Need | None  # a need whose match begins in the same word as it is found (the cheapest such)
    anchored: bool  # begins with ^ (not multiline) or \A: can match at the start only


def plan(pattern: re.Pattern[str]) -> tuple[Alternative, ...]:
    """The top-level alternatives of ``pattern``, each with what it needs (None: needs nothing we know of)."""
    if not isinstance(pattern.pattern, str) or pattern.flags & re.ASCII:  # ASCII \w and \b: not our words
        return (Alternative(None, None, False),)
    try:
        parsed = list(sre.parse(pattern.pattern, pattern.flags))
        alternatives = [list(a) for a in parsed[0][1][1]] if len(parsed) == 1 and parsed[0][0] is sre.BRANCH \
            else [parsed]
        found = []
        for items in alternatives:
            first = items[0] if items else (None, None)
            anchored = first[0] is sre.AT and (first[1] is sre.AT_BEGINNING_STRING or (
                first[1] is sre.AT_BEGINNING and not pattern.flags & re.MULTILINE))
            candidates = _Reader(False, True).read(items).candidates
            found.append(Alternative(_best(candidates), _best(candidates, True), anchored))
        return tuple(found)
    except Exception:  # a private parser: whatever it does, the pattern then simply always runs
        return (Alternative(None, None, False),)


def need(pattern: re.Pattern[str]) -> Need | None:
    """What ``pattern`` as a whole cannot match without, or None."""
    return _union([alternative.need for alternative in plan(pattern)])


# What a pattern may use for RE2 to read it as Python's ``re`` does (on the texts of :func:`settable`): groups
# ``(?:``, ``(?P<``, ``(?i:`` only (no lookaround, back reference, conditional or other flags), no ``{,n}``, no
# escapes RE2 reads otherwise (``\Z``, ``\u``, ``\N``, a digit); and no repeat of more than SIMPLE_REPEAT (or
# ``.*``/``.+``): one automaton for such patterns stays small, while ``.{0,80}`` makes it grow with every new
# sentence (measured: the whole table as one RE2 set costs 0.3 ms a new sentence, its plain patterns 0.015-0.03 ms).
SIMPLE_REPEAT = 3
_RE2_UNSAFE = re.compile(r"\\[ZzuUN0-9]|\(\?(?!:|P<|i:)|\{,|\.[*+]|[*+?}][+]")
_REPEAT = re.compile(r"\{(\d*),?(\d*)\}")
# Text characters RE2 and ``re`` see alike: printable ASCII, tab, carriage return and form feed (not a newline,
# which ``$`` treats apart, nor \v or \x1c-\x1f, which only ``re``'s \s matches); beyond ASCII, punctuation and
# symbols that are neither word characters nor spaces and have no other case (typographic quotes, dashes).
_ASCII_UNSAFE = frozenset("\n\x0b\x1c\x1d\x1e\x1f")


@lru_cache(maxsize=4096)
def _safe_char(char: str) -> bool:
    if char.isascii():
        return char not in _ASCII_UNSAFE
    return (unicodedata.category(char)[0] in "PS" and not char.isalnum() and not char.isspace()
            and char.lower() == char == char.upper() and char.casefold() == char)


def settable(text: str) -> bool:
    """Whether RE2 answers for ``text`` exactly as ``re`` does (for the patterns :func:`re2_source` accepts)."""
    if text.isascii():
        return _ASCII_UNSAFE.isdisjoint(text)
    return all([_safe_char(char) for char in set(text)])


def re2_source(pattern: re.Pattern[str]) -> str | None:
    """The pattern as RE2 reads it to the same answer on a :func:`settable` text, or None if it may not."""
    source = pattern.pattern
    if not isinstance(source, str) or pattern.flags & ~(re.IGNORECASE | re.UNICODE) or not source.isascii():
        return None
    if _RE2_UNSAFE.search(source):
        return None
    for low, high in _REPEAT.findall(source):
        if max(int(low or 0), int(high or 0)) > SIMPLE_REPEAT:
            return None
    return "(?i)" + source if pattern.flags & re.IGNORECASE else source


@dataclass(frozen=True)
class SetSnapshot:
    """An RE2 set of the exact patterns among the first ``known`` registered: pattern i of the set has bit bits[i]."""

    set: re2.Set
    bits: list[int]
    exact: int  # the bits of all its patterns
    known: int


class _Registry:
    """The patterns searched through :func:`search`, each a bit; which bits each word or string of letters allows.
    Keyed by id(pattern): a compiled pattern hashes its whole program on every lookup (the patterns are kept)."""

    def __init__(self) -> None:
        self.patterns: list[re.Pattern[str]] = []
        self.bits: dict[int, int] = {}
        self.plans: dict[int, tuple[Alternative, ...]] = {}
        self.by_word: dict[str, int] = {}
        self.by_letters: list[tuple[str, int]] = []
        self.always = 0  # patterns that need nothing
        self.lock = threading.Lock()
        # The patterns RE2 reads as re does, as one RE2 set (built again when one is added): on a settable text,
        # one scan says exactly which of them match.
        self.sources: list[tuple[int, str]] = []  # (bit, RE2 source)
        self.exact = 0
        self.set: SetSnapshot | None = None

    def re2_set(self) -> SetSnapshot | None:
        """The RE2 set of the exact patterns registered so far (None if there are none)."""
        current = self.set
        if current is None or current.known != len(self.patterns):
            with self.lock:
                known, sources = len(self.patterns), list(self.sources)
                if not sources:
                    return None
                options = re2.Options()
                options.max_mem = RE2_MEMORY
                options.log_errors = False
                built = re2.Set.SearchSet(options)
                for _, source in sources:
                    built.Add(source)
                built.Compile()
                mask = 0
                for bit, _ in sources:
                    mask |= bit
                current = self.set = SetSnapshot(built, [bit for bit, _ in sources], mask, known)
        return current

    def add(self, pattern: re.Pattern[str]) -> None:
        """Index the pattern's needs first, then publish it: a sentence scanned meanwhile, which saw fewer patterns
        (Scan.known), searches it plainly."""
        with self.lock:
            if id(pattern) in self.bits:
                return
            bit = 1 << len(self.patterns)
            self.plans[id(pattern)] = plan(pattern)
            wanted = need(pattern)
            if wanted is None:
                self.always |= bit
            else:
                for word in wanted.words | ({DIGIT} if wanted.digit else set()):
                    self.by_word[word] = self.by_word.get(word, 0) | bit
                letters = dict(self.by_letters)
                for string in wanted.letters:
                    letters[string] = letters.get(string, 0) | bit
                self.by_letters = list(letters.items())
            source = re2_source(pattern)
            if source is not None:
                try:  # RE2 parses it as re does (or refuses it: then re alone searches it, as before)
                    re2.compile(source)
                except re2.error:
                    source = None
            if source is not None:
                self.sources.append((bit, source))
                self.exact |= bit
            self.patterns.append(pattern)
            self.bits[id(pattern)] = bit
        scan.cache_clear()


RE2_MEMORY = 64 << 20  # RE2's budget for the set's automaton (a set never gives up for want of it: it starts over)
REGISTRY = _Registry()
_MISSING = object()


class Scan:
    """One sentence, folded and split into words once; which registered patterns can match it; its searches,
    remembered."""

    __slots__ = ("_reversed", "exact", "folded", "found", "keys", "known", "possible", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.folded = folded = fold(text)
        words = WORD_RE.findall(folded)
        keys = set(words)
        keys.update([word[:PREFIX - 1] for word in words if len(word) > PREFIX - 1])
        keys.update([word[:PREFIX] for word in words if len(word) > PREFIX])
        if DIGIT_RE.search(folded):
            keys.add(DIGIT)
        self.keys = keys
        self.known = len(REGISTRY.patterns)  # first: these patterns' needs are indexed below
        by_word = REGISTRY.by_word
        possible = REGISTRY.always
        for key in by_word.keys() & keys:
            possible |= by_word[key]
        for letters, bits in REGISTRY.by_letters:
            if letters in folded:
                possible |= bits
        self.exact = 0  # the patterns whose bit in ``possible`` says exactly whether they match
        if FAST_SET and REGISTRY.exact:
            snapshot = REGISTRY.re2_set()
            if snapshot is not None and snapshot.known == self.known and settable(text):
                set_bits = snapshot.bits
                matched = 0
                for index in snapshot.set.Match(text) or ():
                    matched |= set_bits[index]
                self.exact = snapshot.exact
                possible = (possible & ~snapshot.exact) | matched
        self.possible = possible
        self.found: dict[object, re.Match[str] | None] = {}
        self._reversed = ""

    def word_start(self, at: int) -> int:
        """Where the run of word characters ending just before ``at`` begins (``at`` if there is none)."""
        if not self._reversed:
            self._reversed = self.folded[::-1]
        run = WORD_RE.match(self._reversed, len(self.folded) - at)
        return at - (run.end() - run.start()) if run else at

    def has(self, wanted: Need) -> bool:
        """Whether this sentence has one of the needed words or letters (or the digit)."""
        return bool((wanted.words and not wanted.words.isdisjoint(self.keys))
                    or any(letters in self.folded for letters in wanted.letters)
                    or (wanted.digit and DIGIT in self.keys))

    def present(self, wanted: Need) -> list[str] | None:
        """The needed words and letters this sentence has (a digit as DIGIT), or None if it has none."""
        found = [*(wanted.words & self.keys if wanted.words else ()),
                 *(letters for letters in wanted.letters if letters in self.folded)]
        if wanted.digit and DIGIT in self.keys:
            found.append(DIGIT)
        return found or None

    def earliest(self, alternative: Alternative, known: bool = False) -> int | None:
        """Where a match of ``alternative`` can begin at the earliest; None if it cannot match this sentence.
        ``known``: its need is known to be there (the pattern's only alternative, whose bit is set)."""
        need, bound = alternative.need, alternative.bound
        if need is not None and not known and need is not bound and not self.has(need):
            return None
        if bound is None:
            return 0
        if alternative.anchored:  # where it begins is known: the start
            return 0 if self.has(bound) else None
        present = self.present(bound)
        if present is None:
            return None
        first = [self.folded.find(key) if key != DIGIT else self.digit() for key in present]
        return self.word_start(min(first))

    def digit(self) -> int:
        found = DIGIT_RE.search(self.folded)
        return found.start() if found else 0

    def search(self, pattern: re.Pattern[str], pos: int = 0) -> re.Match[str] | None:
        bit = REGISTRY.bits.get(id(pattern))
        if bit is None:
            REGISTRY.add(pattern)
            return scan(self.text).search(pattern, pos)
        if bit >> self.known:  # registered after this sentence was scanned
            return pattern.search(self.text, pos)
        if not self.possible & bit:
            return None
        key = id(pattern) if not pos else (id(pattern), pos)
        found = self.found.get(key, _MISSING)
        if found is _MISSING:
            found = self.found[key] = self._search(pattern, pos)
        return found  # type: ignore[return-value]

    def _search(self, pattern: re.Pattern[str], pos: int) -> re.Match[str] | None:
        at_start = False  # an anchored alternative may match (at 0)
        bound: int | None = None  # where an unanchored one may begin at the earliest
        alternatives = REGISTRY.plans[id(pattern)]
        known = len(alternatives) == 1  # then the pattern's bit says its need is there
        for alternative in alternatives:
            earliest = self.earliest(alternative, known)
            if earliest is None:
                continue
            if alternative.anchored:
                at_start = True
            elif bound is None or earliest < bound:
                bound = earliest
        if at_start and not pos:
            # The search's first attempt is a match at 0; after it, an anchored alternative cannot match.
            found = pattern.match(self.text)
            if found or bound is None:
                return found
            return pattern.search(self.text, max(bound, 1))
        return None if bound is None else pattern.search(self.text, max(bound, pos))


    def test(self, pattern: re.Pattern[str]) -> bool:
        """``bool(self.search(pattern))``, from the RE2 set's answer when it has one."""
        bit = REGISTRY.bits.get(id(pattern), 0)
        if bit & self.exact:
            return bool(self.possible & bit)
        return self.search(pattern) is not None

    def call(self, function: Callable[[str], re.Match[str] | None]) -> re.Match[str] | None:
        key = id(function)
        found = self.found.get(key, _MISSING)
        if found is _MISSING:
            found = self.found[key] = function(self.text)
        return found  # type: ignore[return-value]


@lru_cache(maxsize=256)
def scan(text: str) -> Scan:
    """The sentence's scan: shared by the searches of one classification (rule table, features, explanation), so
    a few hundred are enough; the verdicts themselves are cached by the classifiers."""
    return Scan(text)


def search(pattern: re.Pattern[str], text: str, pos: int = 0) -> re.Match[str] | None:
    """``pattern.search(text, pos)``, the same answer, run only if the pattern can match (and remembered)."""
    if not FAST:
        return pattern.search(text, pos)
    return scan(text).search(pattern, pos)


def call(function: Callable[[str], re.Match[str] | None], text: str) -> re.Match[str] | None:
    """``function(text)`` for a pure function of the sentence (a rule made of several searches), remembered."""
    if not FAST:
        return function(text)
    return scan(text).call(function)

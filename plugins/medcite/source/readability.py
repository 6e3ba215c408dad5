"""Flesch-Kincaid grade of an article's prose, with pyphen's hyphenation dictionary for
syllables (works offline; no data is downloaded at run time)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pyphen

WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’-]*")


@lru_cache(maxsize=1)
def _dictionary() -> pyphen.Pyphen:
    """Loaded on first use (about 3 MB): a build whose grades all come from citation-lint never needs it."""
    return pyphen.Pyphen(lang="en_US")


@lru_cache(maxsize=65536)
def syllables(word: str) -> int:
    """Syllables of one word: hyphenation points + 1, at least the number of vowel groups / 2."""
    word = word.lower().strip("'’-")
    if not word:
        return 0
    by_dictionary = sum(len(_dictionary().positions(part)) + 1 for part in word.split("-") if part)
    vowel_groups = len(re.findall(r"[aeiouy]+", word))
    if word.endswith("e") and not word.endswith(("le", "ee")) and vowel_groups > 1:
        vowel_groups -= 1
    return max(1, by_dictionary, vowel_groups)


MIN_WORDS_FOR_GRADE = 100  # below this a reading grade says little (the linter and every page use it)


@dataclass(frozen=True)
class Readability:
    words: int
    sentences: int
    syllables: int

    @property
    def grade(self) -> float:
        if not self.words or not self.sentences:
            return 0.0
        return 0.39 * self.words / self.sentences + 11.8 * self.syllables / self.words - 15.59


def measure(sentences: list[str]) -> Readability:
    words = [w for s in sentences for w in WORD_RE.findall(s)]
    return Readability(len(words), len([s for s in sentences if WORD_RE.search(s)]), sum(syllables(w) for w in words))

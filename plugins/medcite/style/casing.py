"""Sentence case for titles, as Citing Medicine writes them (one implementation: the style uses it
to format, the linter to report what it changed).

NLM capitalises only the first word of a title, proper nouns, proper adjectives, acronyms and
initialisms; a subtitle after a colon starts in lower case. BibTeX files often hold titles in
Title Case, so a title is converted only when it *is* in Title Case: every lower-case word in it
is a minor word (``of``, ``and``, ``with`` …). A title already in sentence case is left as the
editor wrote it, because its capitals are then deliberate (``Australian``, ``Achilles``).

What is never changed: text in braces (BibTeX's case protection: ``{Australian}``), LaTeX
commands, words with a capital after the first letter (``NSAIDs``, ``McKenzie``, ``MRI``), words
holding a digit (``L5``, ``COVID-19``), single letters other than ``A`` (``vitamin D``), and the
first word of the title and of each sentence in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MINOR_WORDS = frozenset({
    "a", "an", "the", "and", "but", "or", "nor", "for", "so", "yet", "as", "at", "by", "in", "of", "off", "on",
    "per", "to", "up", "via", "vs", "versus", "from", "into", "onto", "over", "with", "upon", "than", "that",
    "after", "among", "before", "between", "during", "through", "under", "without", "within", "about", "against",
    "across", "toward", "towards",
})
# One token of a title: a run of word characters (letters, digits) and apostrophes. Hyphens split
# tokens, so "Low-Back" is two words. Single character classes only: no backtracking to speak of.
WORD_RE = re.compile(r"[\w'\u2019]+")


@dataclass(frozen=True)
class CaseResult:
    text: str
    lowered: tuple[str, ...] = ()  # the words whose capital was removed, in order


def _unprotected_spans(latex: str) -> list[tuple[int, int]]:
    """Offsets of the text outside braces and outside LaTeX commands (``\\emph``, ``\\&``)."""
    spans: list[tuple[int, int]] = []
    depth, start, index = 0, 0, 0
    while index < len(latex):
        char = latex[index]
        if char == "\\":
            if depth == 0 and start < index:
                spans.append((start, index))
            index += 1
            while index < len(latex) and latex[index].isalpha():
                index += 1
            if index < len(latex) and not latex[index - 1].isalpha():
                index += 1  # a one-character command such as \& or \%
            if depth == 0:
                start = index
            continue
        if char == "{":
            if depth == 0 and start < index:
                spans.append((start, index))
            depth += 1
        elif char == "}" and depth > 0:
            depth -= 1
            if depth == 0:
                start = index + 1
        index += 1
    if depth == 0 and start < len(latex):
        spans.append((start, len(latex)))
    return spans


def _words(latex: str) -> list[tuple[int, int, str, bool]]:
    """(start, end, word, touches_protected) for each word outside braces."""
    found = []
    for first, last in _unprotected_spans(latex):
        for match in WORD_RE.finditer(latex, first, last):
            # A word glued to a brace or command ("M{\"u}ller", "\'Ecole") is part of protected text.
            glued = (match.start() == first and first > 0 and latex[first - 1] in "}") or \
                    (match.end() == last and last < len(latex) and latex[last] in "{\\")
            found.append((match.start(), match.end(), match.group(), glued))
    return found


def _starts_sentence(latex: str, offset: int) -> bool:
    """Whether the word at ``offset`` follows '.', '?' or '!' (a new sentence keeps its capital)."""
    index = offset - 1
    while index >= 0 and latex[index] in _BEFORE_A_SENTENCE:  # walked back, not sliced: no copy of the prefix per word
        index -= 1
    return index < 0 or latex[index] in ".?!"


_BEFORE_A_SENTENCE = frozenset(" \t\"'`(\u2018\u201c")


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper() and word[1:] == word[1:].lower() and not any(ch.isdigit() for ch in word)


def is_title_case(latex: str) -> bool:
    """At least two capitalised words (after the first) and no lower-case word but minor ones."""
    capitalised = 0
    for index, (start, _, word, glued) in enumerate(_words(latex)):
        if index == 0 or glued:
            continue
        if word[:1].islower() and word.lower() not in MINOR_WORDS:
            return False
        if _is_capitalised(word) and len(word) > 1 and not _starts_sentence(latex, start):
            capitalised += 1
    return capitalised >= 2


def sentence_case(latex: str) -> CaseResult:
    """The title in sentence case (LaTeX source in, LaTeX source out) and the words it lowered."""
    if not is_title_case(latex):
        return CaseResult(latex)
    pieces: list[str] = []
    lowered: list[str] = []
    last = 0
    for index, (start, end, word, glued) in enumerate(_words(latex)):
        if index == 0 or glued or not _is_capitalised(word) or _starts_sentence(latex, start):
            continue
        if len(word) == 1 and word != "A":
            continue  # "Vitamin D", "Type I": a lone capital is a name or a numeral
        pieces.append(latex[last:start])
        pieces.append(word.lower())
        lowered.append(word)
        last = end
    pieces.append(latex[last:])
    return CaseResult("".join(pieces), tuple(lowered))

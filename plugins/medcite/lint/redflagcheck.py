"""The ``red-flag-urgency`` rule: prose that names a warning sign from the red-flag data together
with another urgency than the data gives it ("numbness around your bottom ... book a routine
appointment"), or with no level at all ("see your doctor", "get help urgently").

A sentence is read with what frames it: a list item with the sentence that introduces its list
("Tell your doctor if any of these apply:"), text in an admonition with the box's title. Pure: a
page's text and the data in, findings out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..core.model import Finding, InputError
from ..core.rules import RULES
from ..source.citations import CITATION_RE
from ..source.prose import LINK_RE, LIST_RE, MARKUP_RE, Document
from ..source.redflags import LEVELS, RedFlags, Sign, lint_text, load_red_flags, phrase_keyword, phrase_pattern
from ..source.snippets import include_lines

RULE = "red-flag-urgency"
# A doctor named with no time frame: below every level of the scale.
# ("Ask your doctor about bone health" asks for information; it sets no time frame for a sign.)
ROUTINE_RE = re.compile(r"\broutine appointment|\b(?:book|make) an appointment\b|"
                        r"\b(?:see|tell|contact|visit)\s++(?:your|a)\s++(?:own\s++)?(?:doctor|GP|family doctor)\b|"
                        r"\b(?:talk to|ask)\s++(?:your|a)\s++(?:own\s++)?(?:doctor|GP|family doctor)\b"
                        r"(?!\s++(?:about|whether|which|how|what)\b)", re.I)
# An editor's word that a sentence is right as written: <!-- red-flag-ok: why --> in or right after it.
OK_RE = re.compile(r"<!--\s*+red-flag-ok\b(?P<colon>:?)(?P<reason>[^>]*?)-->")
# Urgency with no level: which of the three is meant?
VAGUE_RE = re.compile(r"\burgently\b|\bat once\b|\bright away\b|\bstraight away\b|\bimmediately\b|"
                      r"\bas soon as possible\b|\bquickly\b", re.I)
# A sentence about the warning signs in general ("any of the signs in the box", "urgent warning signs").
SIGNS_REF_RE = re.compile(r"\bwarning signs?\b|\bred flags?\b|\bsigns? in the box", re.I)
CHILD_RE = re.compile(r"\b(?:child|children|childhood|teen|teens|teenager|teenagers|young person|young people|"
                      r"kids?|baby|babies|toddlers?|son|daughter)\b", re.I)
ADMONITION_HEAD_RE = re.compile(r"^(?P<indent>[ \t]*+)(?:!!!|\?\?\?\+?)[ \t]++[^\n\"]*+(?:\"(?P<title>[^\"\n]*+)\")?")
COMMENT_RE = re.compile(r"<!--.*?-->")
# A "sentence" longer than this is not prose a reader would meet: it is judged on its start (as the claim
# rules judge it), so text with no sentence breaks cannot make the phrases slow.
MAX_CHARS = 1000


@dataclass(frozen=True)
class Matcher:
    """The data's phrases and level words, compiled once per data file."""

    signs: tuple[tuple[Sign, tuple[tuple[str, re.Pattern[str]], ...]], ...]  # (keyword, phrase) pairs
    levels: tuple[tuple[str, re.Pattern[str]], ...]

    @classmethod
    def of(cls, data: RedFlags) -> Matcher:
        signs = tuple((sign, tuple((phrase_keyword(p), phrase_pattern(p)) for p in sign.phrases))
                      for sign in data.signs)
        levels = tuple((name, re.compile("|".join(data.levels[name].words), re.I)) for name in LEVELS)
        return cls(signs, levels)

    def stated(self, text: str) -> set[str]:
        return {name for name, pattern in self.levels if pattern.search(text)}

    def named(self, text: str, child: bool) -> list[Sign]:
        low = text.lower()
        return [sign for sign, phrases in self.signs
                if (child or "adult" in sign.who) and any(key in low and p.search(text) for key, p in phrases)]


_matchers: dict[RedFlags, Matcher] = {}


def matcher(data: RedFlags) -> Matcher:
    found = _matchers.get(data)
    if found is None:
        if len(_matchers) > 8:
            _matchers.clear()
        found = _matchers[data] = Matcher.of(data)
    return found


def check_red_flags(path: str, text: str, document: Document, data: RedFlags) -> list[Finding]:
    """Every sentence of the page that gives a sign from ``data`` another urgency (or none)."""
    match = matcher(data)
    lines = text.split("\n")
    findings: list[Finding] = list(_unknown_blocks(path, text, data))
    leads, titles = _frames(lines)
    starts: dict[int, list[int]] = {}  # line -> columns where its sentences start
    for _, sentence in document.sentences():
        starts.setdefault(sentence.line, []).append(sentence.column)
    for block in document.blocks:
        lead, title = (leads[block.line - 1], titles[block.line - 1]) if 0 < block.line <= len(lines) else ("", "")
        for sentence in block.sentences:
            problem = _judge(match, data, sentence.text[:MAX_CHARS], lead[:MAX_CHARS], title[:MAX_CHARS])
            marker = _marker(lines, sentence.line, sentence.column, starts)
            if marker is not None and not marker["reason"].strip():
                findings.append(RULES[RULE].finding(
                    path, sentence.line, sentence.column,
                    "a red-flag-ok exemption needs a reason: <!-- red-flag-ok: why -->"))
            elif problem and marker is None:
                findings.append(RULES[RULE].finding(path, sentence.line, sentence.column, problem, text=sentence.text))
    return findings


def _judge(match: Matcher, data: RedFlags, sentence: str, lead: str, title: str) -> str | None:
    child = bool(CHILD_RE.search(" ".join((title, lead, sentence))))
    signs = match.named(sentence, child)
    if lead:  # signs named by the list item together with its lead-in (and not by the lead-in alone)
        alone = {sign.id for sign in match.named(lead, child)}
        signs += [s for s in match.named(f"{lead} {sentence}", child) if s.id not in alone and s not in signs]
    stated = match.stated(sentence) or match.stated(lead) or match.stated(title)
    if signs and stated:
        given = {sign.urgency for sign in signs}
        wrong = sorted(stated - given, key=LEVELS.index)
        if wrong:
            return f"says {'/'.join(wrong)} for {_signs(data, signs)}"
        return None
    if stated:
        return None
    routine = ROUTINE_RE.search(f"{lead} {sentence}") if signs else None
    if routine:
        return f"says '{routine.group(0)}' with no time frame for {_signs(data, signs)}"
    vague = VAGUE_RE.search(sentence) or (VAGUE_RE.search(lead) if signs else None)
    if vague and (signs or SIGNS_REF_RE.search(sentence)):
        about = _signs(data, signs) if signs else "the warning signs"
        return (f"'{vague.group(0)}' is not a level of the urgency scale ({', '.join(LEVELS)}); for {about} "
                "name the level, or say 'follow the advice in that box'")
    return None


def _marker(lines: list[str], line: int, column: int, starts: dict[int, list[int]]) -> re.Match[str] | None:
    """A red-flag-ok marker standing in the sentence at (line, column) or right after it, on the same line."""
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    if "red-flag-ok" not in text:
        return None
    following = [start for start in starts.get(line, []) if start > column]
    end = min(following) - 1 if following else len(text)
    for found in OK_RE.finditer(text):
        if column - 1 <= found.start() <= end:
            return found
    return None


def _signs(data: RedFlags, signs: Iterable[Sign]) -> str:
    """'saddle-numbness' (emergency: call 999 ...) as the data gives it."""
    shown = [f"'{sign.id}', which {data.path} gives as {sign.urgency} ({data.levels[sign.urgency].title})"
             for sign in _unique(signs)]
    return "; ".join(shown)


def _unique(signs: Iterable[Sign]) -> Iterator[Sign]:
    seen: set[str] = set()
    for sign in signs:
        if sign.id not in seen:
            seen.add(sign.id)
            yield sign


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _clean(line: str) -> str:
    line = COMMENT_RE.sub(" ", CITATION_RE.sub(" ", line))
    line = LINK_RE.sub(lambda m: m["text"], line)
    return " ".join(MARKUP_RE.sub(" ", line).split())


def _frames(lines: list[str]) -> tuple[list[str], list[str]]:
    """For every line: the sentence introducing its list (a list item's nearest earlier line at the same or a
    smaller indent that is not a list item, if it ends with a colon) and the title of the admonition holding
    it. One pass down the page with two small stacks, so a page of many thousand items stays linear."""
    leads, titles = [""] * len(lines), [""] * len(lines)
    others: list[tuple[int, str]] = []  # (indent, cleaned text) of recent lines that are not list items
    boxes: list[tuple[int, str]] = []  # (indent, title) of the admonitions open here
    for number, line in enumerate(lines):
        if not line.strip():
            continue
        indent = _indent(line)
        while boxes and indent <= boxes[-1][0]:
            boxes.pop()
        titles[number] = boxes[-1][1] if boxes else ""
        head = ADMONITION_HEAD_RE.match(line) if line.lstrip().startswith(("!!!", "???")) else None
        item = LIST_RE.match(line)
        if item is not None:
            depth = len(item["indent"])
            text = next((text for level, text in reversed(others) if level <= depth), "")
            leads[number] = text if text.endswith(":") else ""
            continue
        while others and others[-1][0] >= indent:
            others.pop()
        others.append((indent, "" if head else _clean(line)))
        if head is not None:
            boxes.append((indent, head["title"] or ""))
    return leads, titles


def _unknown_blocks(path: str, text: str, data: RedFlags) -> Iterator[Finding]:
    """Include lines naming a block the data does not have (the page shows a warning box there)."""
    for include in include_lines(text):
        block = data.block_name(include.name)
        if not include.in_code and block is not None and block not in data.blocks:
            line, column = include.line, include.column
            yield RULES["red-flag-data"].finding(
                path, line, column, f"{data.path} has no block '{block}' (blocks: {', '.join(data.blocks)})")


def load_for_lint(path: Path, shown: str) -> tuple[RedFlags | None, list[Finding]]:
    """The data file for a lint run, or the finding that says why it cannot be used."""
    try:
        return load_red_flags(path, shown), []
    except InputError as exc:
        return None, [RULES["red-flag-data"].finding(shown, max(exc.line, 1), 1, exc.message)]


def lint_documents(data: RedFlags | None) -> list[tuple[str, str]]:
    """The generated boxes' text as one document at the data file's path (sentences at their data lines)."""
    return [(data.path, lint_text(data))] if data is not None else []


def red_flag_block_names(data: RedFlags | None) -> Callable[[str], bool]:
    """Which include names are the data's blocks (made into boxes by the extension, never read as files)."""
    if data is None:
        return lambda name: False
    return lambda name: data.block_name(name) is not None

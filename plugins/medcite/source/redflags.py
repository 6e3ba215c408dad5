"""Warning signs ("red flags") kept as data: one YAML file holds every sign, its one urgency level,
who it applies to, the boxes (blocks) it belongs to, its sources and the phrases that name it.

From that file come the red-flag boxes on every page (:mod:`medcite.redflagblocks` expands the
include lines into them on every engine) and the ``red-flag-urgency`` lint rule
(:mod:`medcite.redflagcheck`). This module only reads, checks and renders the data: no Markdown
engine, no printing. A broken file is a :class:`~medcite.model.InputError` naming file and line.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..core.model import InputError, decode_utf8, read_regular_file
from .citations import find_citations
from .snippets import included_names

LEVELS = ("emergency", "same-day", "days")  # most urgent first
WHO = ("adult", "child")
NO_CITE = "<!-- no-cite: where to go and how fast, on the site's shared urgency scale; the sources follow -->"


@dataclass(frozen=True)
class Level:
    """How one urgency level reads: its box type, its title, its first sentence, and the words that say it."""

    name: str
    admonition: str
    title: str
    action: str
    words: tuple[str, ...]


# The site's three-level scale. A data file may replace any part of a level (``levels:``).
DEFAULT_LEVELS: dict[str, Level] = {
    "emergency": Level("emergency", "danger", "Emergency: call 999 or go to the emergency department now",
                       "Call 999 for an ambulance, or go to the emergency department (A&E) now. Outside the UK, "
                       "call your local emergency number.",
                       (r"\b999\b", r"\bA&E\b", r"emergency department", r"\bambulance\b", r"\bemergency\b")),
    "same-day": Level("same-day", "warning", "Urgent: get seen by a doctor the same day",
                      "Get seen by a doctor the same day: ask your GP surgery for an urgent appointment, or call "
                      "NHS 111 today.",
                      (r"\bsame[- ]day\b", r"\btoday\b", r"\b111\b", r"\burgent (?:GP )?appointment",
                       r"within 24 hours")),
    "days": Level("days", "note", "See a doctor within a few days",
                  "Make an appointment to see a GP within a few days.",
                  (r"within (?:a few )?days", r"\ba day or two\b", r"\bin a few days\b", r"\bsoon\b(?! as)")),
}

TOP_KEYS = {"include_path": "folder the pages include blocks from (their --8<-- lines)",
            "levels": "optional changes to the three urgency levels", "blocks": "the boxes", "signs": "the signs"}
BLOCK_KEYS = {"when": "the sentence before the list", "about": "the paragraph after the list (with citations)",
              "pages": "the pages that show the box"}
SIGN_KEYS = {"id", "words", "urgency", "who", "blocks", "sources", "phrases"}
LEVEL_KEYS = {"admonition", "title", "action", "words"}
ID_RE = re.compile(r"^[a-z0-9]++(?:-[a-z0-9]++)*+$")


@dataclass(frozen=True)
class Sign:
    id: str
    words: str
    urgency: str
    who: tuple[str, ...]
    blocks: tuple[str, ...]
    sources: tuple[str, ...]
    phrases: tuple[str, ...]
    line: int  # where the sign starts in the data file
    words_line: int


@dataclass(frozen=True)
class Block:
    id: str
    when: dict[str, str]  # level -> sentence before the list ("" for the default: a level without one)
    about: dict[str, str]  # level -> paragraph after the list
    pages: tuple[str, ...]
    line: int
    text_lines: dict[str, int] = field(default_factory=dict)  # "when:<level>"/"about:<level>" -> data line


@dataclass(frozen=True, eq=False)
class RedFlags:
    """The parsed data file; equal (and hashed) by its path and content, so it can key lint caches."""

    path: str
    digest: str
    include_path: str
    levels: dict[str, Level]
    blocks: dict[str, Block]
    signs: tuple[Sign, ...]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RedFlags) and (self.path, self.digest) == (other.path, other.digest)

    def __hash__(self) -> int:
        return hash((self.path, self.digest))

    def __repr__(self) -> str:  # the lint cache's key: which file, which content
        return f"RedFlags({self.path!r}, {self.digest[:16]})"

    def block_signs(self, block: str) -> list[Sign]:
        return [sign for sign in self.signs if block in sign.blocks]

    def block_name(self, include: str) -> str | None:
        """The block an include line names (``includes/red-flags/cancer.md`` -> ``cancer``), if it is ours."""
        folder, _, name = include.strip().rpartition("/")
        if folder.strip("./") != self.include_path.strip("./") or not name.endswith(".md"):
            return None
        return name[:-3]


# -- reading ---------------------------------------------------------------------------------------
def load_red_flags(path: str | Path, shown: str | None = None) -> RedFlags:
    """Read and check the data file; every problem is an InputError with the file and line."""
    shown = shown or Path(path).as_posix()
    try:
        text = decode_utf8(read_regular_file(path), shown)
    except FileNotFoundError:
        raise InputError(shown, 0, "red-flag data file not found") from None
    except OSError as exc:
        raise InputError(shown, 0, f"cannot read: {exc.strerror or exc}") from None
    return parse_red_flags(text, shown)


def parse_red_flags(text: str, shown: str) -> RedFlags:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        context, start = getattr(exc, "context", None), getattr(exc, "context_mark", None)
        if context and start is not None and start.line + 1 != line:
            problem += f" ({context} that starts at line {start.line + 1})"
        raise InputError(shown, line, f"not valid YAML: {problem}") from None
    if root is None:
        raise InputError(shown, 1, "the red-flag data file is empty")
    top = _mapping(root, shown, "the file", TOP_KEYS)
    levels = _levels(top.get("levels"), shown)
    include_node = top.get("include_path")
    include = _text(include_node, shown, "include_path") if include_node is not None else "includes/red-flags"
    block_nodes = _mapping(_need(top, "blocks", root, shown), shown, "blocks")
    blocks = {name: _block(name, node, shown) for name, node in block_nodes.items()}
    signs_node = _need(top, "signs", root, shown)
    if not isinstance(signs_node, yaml.SequenceNode):
        raise InputError(shown, _line(signs_node), "'signs' must be a list of signs (each starting with '- id:')")
    signs: list[Sign] = []
    seen: dict[str, int] = {}
    for node in signs_node.value:
        sign = _sign(node, shown, blocks)
        if sign.id in seen:
            raise InputError(shown, sign.line, f"sign '{sign.id}' is defined twice (first at line {seen[sign.id]})")
        seen[sign.id] = sign.line
        signs.append(sign)
    for name, block in blocks.items():
        if not any(name in sign.blocks for sign in signs):
            raise InputError(shown, block.line, f"block '{name}' has no signs")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return RedFlags(shown, digest, include, levels, blocks, tuple(signs))


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _need(mapping: dict[str, yaml.Node], key: str, parent: yaml.Node, shown: str) -> yaml.Node:
    if key not in mapping:
        raise InputError(shown, _line(parent), f"missing '{key}'")
    return mapping[key]


def _mapping(node: yaml.Node, shown: str, what: str, known: dict[str, str] | set[str] | None = None
             ) -> dict[str, yaml.Node]:
    if not isinstance(node, yaml.MappingNode):
        raise InputError(shown, _line(node), f"{what} must be a mapping of 'key: value' lines")
    found: dict[str, yaml.Node] = {}
    for key_node, value in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if not isinstance(key, str):
            raise InputError(shown, _line(key_node), f"{what}: a key must be text")
        if known is not None and key not in known:
            raise InputError(shown, _line(key_node), f"unknown key '{key}' in {what}; known keys: "
                             + ", ".join(sorted(known)))
        if key in found:
            raise InputError(shown, _line(key_node), f"'{key}' appears twice in {what}")
        found[key] = value
    return found


def _text(node: yaml.Node, shown: str, what: str) -> str:
    if not isinstance(node, yaml.ScalarNode) or node.tag != "tag:yaml.org,2002:str" or not node.value.strip():
        raise InputError(shown, _line(node), f"{what} must be text (put it in quotes)")
    return " ".join(str(node.value).split())


def _texts(node: yaml.Node, shown: str, what: str) -> tuple[str, ...]:
    if isinstance(node, yaml.ScalarNode):
        return (_text(node, shown, what),)
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        raise InputError(shown, _line(node), f"{what} must be a list of text")
    return tuple(_text(item, shown, what) for item in node.value)


def _levels(node: yaml.Node | None, shown: str) -> dict[str, Level]:
    levels = dict(DEFAULT_LEVELS)
    if node is None:
        return levels
    for name, value in _mapping(node, shown, "levels", set(LEVELS)).items():
        parts = _mapping(value, shown, f"level '{name}'", LEVEL_KEYS)
        old = levels[name]
        # A file's level words are phrases (as a sign's are), never raw regexes: nothing a site writes can be slow.
        words = tuple(_compile(word, shown, _line(parts["words"])).pattern
                      for word in _texts(parts["words"], shown, f"{name} words")) if "words" in parts else old.words
        levels[name] = Level(name, _text(parts["admonition"], shown, "admonition") if "admonition" in parts
                             else old.admonition,
                             _text(parts["title"], shown, "title") if "title" in parts else old.title,
                             _text(parts["action"], shown, "action") if "action" in parts else old.action, words)
    return levels


def _block(name: str, node: yaml.Node, shown: str) -> Block:
    if not ID_RE.match(name):
        raise InputError(shown, _line(node), f"block id '{name}' must be lower-case words joined by '-'")
    parts = _mapping(node, shown, f"block '{name}'", BLOCK_KEYS)
    lines: dict[str, int] = {}
    texts: dict[str, dict[str, str]] = {}
    for key in ("when", "about"):
        value = parts.get(key)
        texts[key] = {}
        if value is None:
            continue
        if isinstance(value, yaml.MappingNode):
            for level, text_node in _mapping(value, shown, f"block '{name}' {key}", set(LEVELS)).items():
                texts[key][level] = _text(text_node, shown, f"block '{name}' {key}")
                lines[f"{key}:{level}"] = _line(text_node)
        else:
            texts[key][""] = _text(value, shown, f"block '{name}' {key}")
            lines[f"{key}:"] = _line(value)
    pages = _texts(parts["pages"], shown, f"block '{name}' pages") if "pages" in parts else ()
    return Block(name, texts["when"], texts["about"], pages, _line(node), lines)


def _sign(node: yaml.Node, shown: str, blocks: dict[str, Block]) -> Sign:
    parts = _mapping(node, shown, "a sign", SIGN_KEYS)
    for key in ("id", "words", "urgency", "who", "blocks", "sources", "phrases"):
        _need(parts, key, node, shown)
    sign_id = _text(parts["id"], shown, "id")
    if not ID_RE.match(sign_id):
        raise InputError(shown, _line(parts["id"]), f"sign id '{sign_id}' must be lower-case words joined by '-'")
    urgency = _text(parts["urgency"], shown, "urgency")
    if urgency not in LEVELS:
        raise InputError(shown, _line(parts["urgency"]), f"sign '{sign_id}': unknown urgency '{urgency}'; use one "
                         "of " + ", ".join(LEVELS))
    who = _texts(parts["who"], shown, "who")
    for person in who:
        if person not in WHO:
            raise InputError(shown, _line(parts["who"]), f"sign '{sign_id}': who must be adult and/or child, "
                             f"not '{person}'")
    in_blocks = _texts(parts["blocks"], shown, "blocks")
    for block in in_blocks:
        if block not in blocks:
            raise InputError(shown, _line(parts["blocks"]), f"sign '{sign_id}': unknown block '{block}'")
    sources = _texts(parts["sources"], shown, "sources")
    phrases = _texts(parts["phrases"], shown, "phrases")
    for phrase in phrases:
        _compile(phrase, shown, _line(parts["phrases"]))
    words = _text(parts["words"], shown, "words")
    return Sign(sign_id, words, urgency, who, in_blocks, sources, phrases, _line(node), _line(parts["words"]))


# -- phrases ---------------------------------------------------------------------------------------
WORD_RE = re.compile(r"[A-Za-z0-9&']++\*?+")
GAP = r"[^.;:!?]{0,80}?"  # "..." in a phrase: up to 80 characters within the same clause


def _compile(phrase: str, shown: str, line: int) -> re.Pattern[str]:
    """A phrase as a regex. Words match whole words ("numb*" also numbness); "..." allows a gap within the
    clause; "A & B" needs both parts anywhere in the sentence. Plain text only, so no phrase can be slow."""
    try:
        return phrase_pattern(phrase)
    except ValueError as exc:
        raise InputError(shown, line, f"phrase {phrase!r}: {exc}") from None


def phrase_keyword(phrase: str) -> str:
    """The phrase's longest word (lower case, no "*"): text without it cannot match, which a plain
    substring test finds far faster than the regex."""
    return max((word.rstrip("*").lower() for word in WORD_RE.findall(phrase)), key=len, default="")


def phrase_pattern(phrase: str) -> re.Pattern[str]:
    parts = []
    for part in phrase.split(" & "):
        pieces = []
        for chunk in part.split("..."):
            words = WORD_RE.findall(chunk)
            if not words:
                raise ValueError("each part needs at least one word")
            pieces.append(r"[\s-]++".join(
                rf"\b{re.escape(word[:-1])}\w*+" if word.endswith("*") else rf"\b{re.escape(word)}\b"
                for word in words))
        parts.append(f"(?=.*?{GAP.join(pieces)})" if " & " in phrase else GAP.join(pieces))
    # "A & B": look-aheads anchored at the start (tried once per sentence, not at every position).
    return re.compile(r"\A" + "".join(parts) if " & " in phrase else parts[0], re.IGNORECASE | re.DOTALL)


# -- rendering -------------------------------------------------------------------------------------
def block_levels(data: RedFlags, block: str) -> list[str]:
    present = {sign.urgency for sign in data.block_signs(block)}
    return [level for level in LEVELS if level in present]


def render_block(data: RedFlags, block: str) -> str:
    """The block's Markdown: one admonition per urgency level its signs have, most urgent first.

    Classes: ``red-flag`` (every box), ``red-flag-<block>`` and ``red-flag-<level>``."""
    info = data.blocks[block]
    out: list[str] = []
    for index, level_name in enumerate(block_levels(data, block)):
        level = data.levels[level_name]
        when = info.when.get(level_name) or info.when.get("", "If you have any of these:")
        # A block's general "about" paragraph goes in its first (most urgent) box only.
        about = info.about.get(level_name, info.about.get("", "") if index == 0 else "")
        out += [f'!!! {level.admonition} red-flag red-flag-{block} red-flag-{level_name} "{level.title}"', "",
                f"    {level.action} {NO_CITE} {when} {NO_CITE}", ""]
        for sign in data.block_signs(block):
            if sign.urgency == level_name:
                out.append(f"    - {sign.words} [{'; '.join('@' + key for key in sign.sources)}]")
        if about:
            out += ["", f"    {about}"]
        out.append("")
    return "\n".join(out)


def missing_block(include: str, problem: str) -> str:
    """What a page shows where a box cannot be made: a visible warning, never nothing."""
    text = problem.replace('"', "'")
    return (f'!!! danger red-flag red-flag-missing "Warning signs could not be shown"\n\n'
            f"    The warning signs for this page ({include}) could not be shown: {text}. "
            "If you are worried, call NHS 111, or 999 in an emergency.\n")


def lint_text(data: RedFlags) -> str:
    """The text of every box, for citation-lint, with each sentence at the line of the data file it comes
    from: a finding in a generated box points at the line to edit. Each line is its own list item, so text
    from neighbouring lines of the data never runs into one sentence."""
    placed: dict[int, list[str]] = {}
    for name, block in data.blocks.items():
        levels = block_levels(data, name)
        placed.setdefault(block.line, []).extend(f"{data.levels[level].action} {NO_CITE}" for level in levels)
        for key, line in block.text_lines.items():
            kind, _, level_name = key.partition(":")
            if level_name and level_name not in levels:
                continue
            if kind == "when":
                placed.setdefault(line, []).append(f"{block.when[level_name]} {NO_CITE}")
            else:
                placed.setdefault(line, []).append(block.about[level_name])
    for sign in data.signs:
        placed.setdefault(sign.words_line, []).append(f"{sign.words} [{'; '.join('@' + k for k in sign.sources)}]")
    last = max(placed, default=0)
    return "".join(f"- {' '.join(placed[number])}\n" if number in placed else "\n" for number in range(1, last + 1))


def cited_keys(data: RedFlags, page: str) -> list[str]:
    """The keys the red-flag boxes of a page (its source text) cite, for the bibliography's "cited on" index."""
    keys: dict[str, None] = {}
    for name in included_names(page):
        block = data.block_name(name)
        if block in data.blocks:
            text = render_block(data, block)
            keys.update(dict.fromkeys(item.key for cite in find_citations(text) for item in cite.items))
    return list(keys)

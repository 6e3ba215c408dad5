"""Recorded findings: what each source reports, with its figures, as data (``findings.yml``).

Editors write a source's findings once, when they vet it, in plain words and with where in the source each was
seen::

    pengel2003acute:
      - finding: 73% had at least one recurrence within 12 months.
        where: abstract, results
      - finding: Pain and disability each fell by about 58% in the first month.
        where: abstract, results
        figures: [58%]        # optional: the figures, if the wording holds more numbers than the finding reports

A finding's figures are the quantities read from its words (:mod:`medcite.core.quantities`), or, when ``figures``
is given, those instead; each of them must be readable. ``check_sentence`` then holds a cited sentence's
numbers against the findings of the sources it cites. The file is read with line numbers, and every problem
in it (YAML that does not parse, a key that is not in the bibliography, a figure that cannot be read, a field
of the wrong type) is a finding naming the file and line, never a traceback.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

import yaml

from ..core.quantities import Quantity, matches, nearest, read_quantities

FIELDS = ("finding", "where", "figures")
MAX_DEPTH = 6  # a findings file is three levels deep; anything deeper is refused before it is walked


@dataclass(frozen=True)
class RecordedFinding:
    key: str
    text: str
    where: str
    figures: tuple[Quantity, ...]
    line: int  # 1-based line of the finding in its file


@dataclass(frozen=True)
class FileProblem:
    line: int
    column: int
    message: str


@dataclass(frozen=True)
class NumberProblem:
    """A quantity of a sentence that no recorded finding of its sources supports (or cannot be checked)."""

    rule: str  # "number-not-in-source" or "source-findings-missing"
    quantity: Quantity | None
    message: str


@dataclass
class Findings:
    by_key: dict[str, list[RecordedFinding]]
    problems: list[FileProblem]

    def for_key(self, key: str) -> list[RecordedFinding]:
        return self.by_key.get(key, [])


def _depth(node: yaml.Node, limit: int) -> bool:
    """Whether ``node`` nests deeper than ``limit`` (iteratively: a hostile file cannot overflow the stack)."""
    stack: list[tuple[yaml.Node, int]] = [(node, 1)]
    while stack:
        current, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(current, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in current.value)
        elif isinstance(current, yaml.MappingNode):
            stack.extend((v, depth + 1) for _, v in current.value)
    return False


def _at(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _text(node: yaml.Node) -> str | None:
    if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:str":
        return str(node.value).strip()
    return None


def parse_findings(text: str, known_keys: Collection[str] | None = None) -> Findings:
    """Read a findings file's text; problems are returned, never raised."""
    out = Findings({}, [])

    def problem(node: yaml.Node | None, message: str, line: int = 1, column: int = 1) -> None:
        if node is not None:
            line, column = _at(node)
        out.problems.append(FileProblem(line, column, message))

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem(None, f"not valid YAML: {exc.problem or exc.context}", line, column)
        return out
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        problem(None, f"not valid YAML: {type(exc).__name__}")
        return out
    if root is None:
        return out
    if _depth(root, MAX_DEPTH):
        problem(root, f"nested more than {MAX_DEPTH} levels deep; a findings file is key -> list -> finding")
        return out
    if not isinstance(root, yaml.MappingNode):
        problem(root, "must be a mapping of citation keys to lists of findings")
        return out
    for key_node, value in root.value:
        key = _text(key_node) if isinstance(key_node, yaml.ScalarNode) else None
        if not key:
            problem(key_node, "a citation key must be text")
            continue
        if known_keys is not None and key not in known_keys:
            problem(key_node, f"'{key}' is not a key of the bibliography")
            continue
        if key in out.by_key:
            problem(key_node, f"'{key}' is given twice; write all its findings under one key")
            continue
        if not isinstance(value, yaml.SequenceNode):
            problem(value, f"the findings of '{key}' must be a list")
            continue
        out.by_key[key] = list(_read_items(key, value.value, problem))
    return out


def _read_items(key: str, items: Iterable[yaml.Node], problem) -> Iterable[RecordedFinding]:  # type: ignore[no-untyped-def]
    for item in items:
        if not isinstance(item, yaml.MappingNode):
            problem(item, f"a finding of '{key}' must be a mapping with 'finding' and 'where'")
            continue
        fields: dict[str, yaml.Node] = {}
        for name_node, value in item.value:
            name = _text(name_node)
            if name not in FIELDS:
                problem(name_node, f"unknown field '{name_node.value}' (fields: {', '.join(FIELDS)})")
                continue
            fields[name] = value
        text = _text(fields["finding"]) if "finding" in fields else None
        where = _text(fields["where"]) if "where" in fields else None
        if not text:
            problem(fields.get("finding", item), f"a finding of '{key}' needs 'finding': its words, as text")
            continue
        if not where:
            problem(fields.get("where", item),
                    f"the finding '{text[:40]}' needs 'where': where in the source it was seen")
            continue
        figures = _figures(key, fields.get("figures"), text, problem)
        if figures is None:
            continue
        yield RecordedFinding(key, text, where, figures, _at(item)[0])


def _figures(key: str, node: yaml.Node | None, text: str, problem) -> tuple[Quantity, ...] | None:  # type: ignore[no-untyped-def]
    if node is None:
        return tuple(read_quantities(text))
    if not isinstance(node, yaml.SequenceNode):
        problem(node, "'figures' must be a list of figures, e.g. [58%, 4 to 6 weeks]")
        return None
    out: list[Quantity] = []
    for fig in node.value:
        written = _text(fig) if isinstance(fig, yaml.ScalarNode) else None
        if written is None and isinstance(fig, yaml.ScalarNode):
            written = str(fig.value)  # a bare number such as 15
        read = read_quantities(written) if written else []
        if len(read) != 1:
            problem(fig, f"cannot read the figure {written!r} of '{key}' (write one figure: 58%, 7 in 10, 6 weeks)")
            return None
        out.append(read[0])
    return tuple(out)


Cites = Sequence[tuple[int, Sequence[str]]]
CLAUSE_BREAK = re.compile(r"[,;:()\u2013\u2014]|\s-\s")


def sources_of(quantity: Quantity, text: str, cites: Cites, keys: Sequence[str]) -> tuple[str, ...]:
    """The sources a quantity of ``text`` is held against (rule 7 of :mod:`medcite.core.quantities`).

    ``cites`` are the sentence's citations, each as (offset in ``text``, its keys), in order. A quantity
    belongs to the first citation after it; citations with only spaces or punctuation between them count
    as one. It is held against all of the sentence's sources (``keys``) when that is ambiguous: no
    citation follows it, or a citation stands before it in the same clause (nothing among , ; : ( ) or a
    dash between them), as in "Two trials [@a] found 40% [@b]".
    """
    after = next((i for i, (offset, _) in enumerate(cites) if offset >= quantity.end), None)
    if after is None:
        return tuple(dict.fromkeys(keys))
    before = [offset for offset, _ in cites[:after] if offset <= quantity.start]
    if before and not CLAUSE_BREAK.search(text, before[-1], quantity.start):
        return tuple(dict.fromkeys(keys))
    group = list(cites[after][1])
    for (offset, _), (following, more) in itertools.pairwise(cites[after:]):
        if any(ch.isalnum() for ch in text[offset:following]):
            break
        group.extend(more)
    return tuple(dict.fromkeys(group))


def check_sentence(
    quantities: Sequence[Quantity], keys: Sequence[str], findings: Mapping[str, list[RecordedFinding]],
    cites: Cites = (), text: str = "",
) -> list[NumberProblem]:
    """Hold each quantity of a cited claim against the recorded findings of the sources it cites.

    A quantity is supported when a figure of one of its sources matches it: the sources of the citation
    it belongs to (:func:`sources_of`, given the sentence's ``text`` and ``cites``), or all of ``keys``
    when the citations' places are not given. If none does and every one of those sources has recorded
    findings, that is ``number-not-in-source``; if some has none, the number cannot be checked: one
    ``source-findings-missing`` for the sentence.
    """
    if not quantities or not keys:
        return []
    out: list[NumberProblem] = []
    without_all: dict[str, None] = {}
    for q in quantities:
        own = sources_of(q, text, cites, keys) if cites else tuple(dict.fromkeys(keys))
        figures = [(fig, f) for key in own for f in findings.get(key, []) for fig in f.figures]
        if any(matches(q, fig) for fig, _ in figures):
            continue
        without = [key for key in own if not findings.get(key)]
        if without:
            without_all.update(dict.fromkeys(without))
            continue
        near = nearest(q, [fig for fig, _ in figures])
        hint = ""
        if near is not None:
            finding = next(f for fig, f in figures if fig is near)
            hint = f"; nearest recorded figure: '{near.text}' ({finding.key}: \"{finding.text}\")"
        cited = ", ".join(f"@{k}" for k in own)
        out.append(NumberProblem(
            "number-not-in-source", q,
            f"'{q.text}' is not a figure that {cited} reported{hint}",
        ))
    if without_all:
        names = ", ".join(f"@{k}" for k in without_all)
        out.append(NumberProblem(
            "source-findings-missing", None,
            f"this claim gives a number, but {names} has no recorded findings to check it against "
            "(add them to the findings file)",
        ))
    return out


SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")
TAG = re.compile(r"<[^>]{0,200}>")  # JATS markup some exports leave in an abstract


def suggest_stub(key: str, abstract: str) -> str:
    """A findings.yml stub for ``key``: the abstract's sentences that hold a number, word for word (so it holds
    no number the abstract does not), each for an editor to check against the source. Empty if none."""
    text = " ".join(TAG.sub(" ", abstract).split())
    sentences = [s for s in SENTENCE_END.split(text) if read_quantities(s)]
    if not sentences:
        return ""
    lines = [f"# Suggested for findings.yml from the abstract of {key}: check each against the source,",
             "# shorten it to the finding in your own words, and keep only what a page cites it for.",
             f"{key}:"]
    for sentence in sentences:
        lines.append(f"  - finding: {json.dumps(sentence, ensure_ascii=False)}  # check against the source")
        lines.append("    where: abstract")
    return "\n".join(lines) + "\n"

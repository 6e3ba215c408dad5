"""One of each: one exception root, one definition of each vocabulary, one bounded cache helper, no dead
private helpers. Each check reads the package's source (``ast``), so a second copy added later fails here."""

from __future__ import annotations

import ast
import hashlib
import importlib
import inspect
import json
import pkgutil
from pathlib import Path

import pytest

import medcite
import medcite.bib.bibliography as bibliography
from medcite.app.shards import finding_to_dict
from medcite.core.codec import CodecError, finding_from_json, finding_to_json
from medcite.core.errors import MedciteError
from medcite.core.memo import Memo
from medcite.core.vocab import EVIDENCE_LABELS, evidence_choices

PACKAGE = Path(medcite.__file__).parent
SOURCES = {path.relative_to(PACKAGE).as_posix(): path.read_text(encoding="utf-8") for path in PACKAGE.rglob("*.py")}
TREES = {name: ast.parse(text) for name, text in SOURCES.items()}


def all_modules() -> list[object]:
    names = [info.name for info in pkgutil.walk_packages([str(PACKAGE)], "medcite.")]
    return [importlib.import_module(name) for name in names]


def test_every_error_of_medcite_has_one_root() -> None:
    """Each front end turns errors into its message in one ``except MedciteError``."""
    errors = [obj for module in all_modules() for _, obj in inspect.getmembers(module, inspect.isclass)
              if issubclass(obj, Exception) and obj.__module__.startswith("medcite.")]
    assert len(errors) >= 6
    assert [error.__qualname__ for error in errors if not issubclass(error, MedciteError)] == []


def listed_strings(node: ast.AST) -> set[str]:
    """The strings a literal table lists: a dict's keys, a tuple's, set's or list's items, a Literal's values."""
    items = node.keys if isinstance(node, ast.Dict) else getattr(node, "elts", [])
    if isinstance(node, ast.Subscript):
        items = getattr(node.slice, "elts", [node.slice])
    return {n.value for n in items if isinstance(n, ast.Constant) and isinstance(n.value, str)}


@pytest.mark.parametrize(("what", "words", "home"), [
    ("the evidence levels", set(EVIDENCE_LABELS), "core/vocab.py"),
    ("the claim labels", {"must", "should", "none"}, "claims/table.py"),
    ("the month abbreviations", {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
     "core/nlm.py"),
])
def test_each_vocabulary_is_written_once(what: str, words: set[str], home: str) -> None:
    """No table, tuple or set outside its home lists the whole vocabulary again."""
    copies = []
    for name, tree in TREES.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict | ast.Tuple | ast.Set | ast.List | ast.Subscript) and \
                    {word.lower() for word in words} <= {word.lower() for word in listed_strings(node)}:
                copies.append(f"{name}:{node.lineno}")
    assert copies and all(copy.startswith(home + ":") for copy in copies), f"{what}: {copies}"


def test_evidence_levels_in_messages_come_from_the_vocabulary() -> None:
    assert evidence_choices() == "guideline, systematic-review, rct, cohort, cross-sectional, review, textbook or " \
                                 "statistics"
    assert not any("cross-sectional, review" in text for name, text in SOURCES.items() if name != "core/vocab.py")


def test_in_memory_caches_use_the_one_bounded_helper() -> None:
    """A module-level cache is a ``Memo`` (or an ``lru_cache``), never a hand-rolled dict with its own eviction."""
    hand_rolled = []
    for name, tree in TREES.items():
        for node in tree.body:
            target = node.target if isinstance(node, ast.AnnAssign) else None
            if isinstance(target, ast.Name) and "cache" in target.id.lower() and isinstance(node.value, ast.Dict):
                hand_rolled.append(f"{name}:{node.lineno} {target.id}")
    assert hand_rolled == []


def test_memo_keeps_the_most_recently_used() -> None:
    memo: Memo[str, int] = Memo(2)
    made: list[str] = []
    for key in ("a", "b", "a", "c", "a", "b"):
        memo.get(key, lambda key=key: made.append(key) or len(made))
    assert made == ["a", "b", "c", "b"]  # "b" was the least recently used when "c" came
    assert len(memo) == 2 and memo.peek("c") is None


def test_no_private_helper_is_dead() -> None:
    """A module-level ``_name`` (function, class or constant) that nothing in the package uses."""
    used = {n.id for tree in TREES.values() for n in ast.walk(tree) if isinstance(n, ast.Name)}
    used |= {n.attr for tree in TREES.values() for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    used |= {a.name for tree in TREES.values() for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
             for a in n.names}
    dead = []
    for name, tree in TREES.items():
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.ClassDef):
                names = [node.name]
            elif isinstance(node, ast.Assign):
                names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            else:
                continue
            for private in names:
                if private.startswith("_") and not private.startswith("__") and private not in used:
                    dead.append(f"{name}:{node.lineno} {private}")
    assert dead == []


def test_findings_are_stored_in_one_form(tmp_path: Path) -> None:
    """The bibliography cache and the shard/lint-cache files write a finding the same way, and read it back."""
    bib_path = tmp_path / "refs.bib"
    bib_path.write_text("@misc{a, title = {T}, year = {2020}}\n@misc{a, title = {U}, year = {2021}}\n",
                        encoding="utf-8")
    bibliography._cache.clear()
    _, findings = bibliography.load_bibliography(bib_path, "refs.bib")
    assert findings, "a duplicate key is a finding of the loader"
    stored = json.loads(bibliography._disk_cache_path("refs.bib", hashlib.sha256(bib_path.read_bytes())
                                                       .hexdigest()).read_text(encoding="utf-8"))
    assert stored["payload"]["findings"] == [finding_to_json(f) for f in findings] == \
        [finding_to_dict(f) for f in findings]
    assert [finding_from_json(item) for item in stored["payload"]["findings"]] == findings
    with pytest.raises(CodecError, match="line: expected int"):
        finding_from_json({**finding_to_json(findings[0]), "line": "2"})

"""Score the claim classifier on a labelled TSV (``label<TAB>kind<TAB>sentence[<TAB>register]``)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .classify import Verdict, classify
from .table import LABELS


@dataclass
class Scores:
    total: int = 0
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    by_kind: Counter[tuple[str, str, bool]] = field(default_factory=Counter)  # (label, kind, correct)
    mistakes: list[tuple[str, str, str, Verdict]] = field(default_factory=list)

    def count(self, gold: str) -> int:
        return sum(n for (g, _), n in self.confusion.items() if g == gold)

    def recall(self, label: str) -> float:
        return self.confusion[(label, label)] / max(1, self.count(label))

    def precision(self, label: str) -> float:
        predicted = sum(n for (_, p), n in self.confusion.items() if p == label)
        return self.confusion[(label, label)] / max(1, predicted)

    @property
    def must_recall(self) -> float:
        """Claims that get an error (must be cited in the same sentence)."""
        return self.recall("must")

    @property
    def should_flagged(self) -> float:
        """Anatomy, definitions and mechanisms flagged at warning level or above."""
        flagged = self.confusion[("should", "should")] + self.confusion[("should", "must")]
        return flagged / max(1, self.count("should"))

    @property
    def none_false_positives(self) -> float:
        """Sentences needing no citation that were flagged anyway."""
        flagged = self.confusion[("none", "must")] + self.confusion[("none", "should")]
        return flagged / max(1, self.count("none"))


def read_labelled(path: Path) -> list[tuple[str, str, str]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#") or line.startswith("label\t"):
            continue
        label, kind, sentence = line.split("\t")[:3]  # a fourth column may name the writer's register
        if label not in LABELS:
            raise ValueError(f"{path}:{number}: unknown label {label!r}")
        rows.append((label, kind, sentence))
    return rows


def score(rows: list[tuple[str, str, str]], classifier: Callable[[str], Verdict] = classify) -> Scores:
    scores = Scores()
    for label, kind, sentence in rows:
        verdict = classifier(sentence)
        scores.total += 1
        scores.confusion[(label, verdict.label)] += 1
        scores.by_kind[(label, kind, verdict.label == label)] += 1
        if verdict.label != label:
            scores.mistakes.append((label, kind, sentence, verdict))
    return scores


def report(name: str, scores: Scores, by_kind: bool = True) -> str:
    lines = [f"{name}: {scores.total} sentences"]
    lines.append(f"  {'label':<8}{'n':>5}{'recall':>9}{'precision':>11}")
    for label in LABELS:
        recall, precision = scores.recall(label), scores.precision(label)
        lines.append(f"  {label:<8}{scores.count(label):>5}{recall:>9.3f}{precision:>11.3f}")
    lines.append(f"  must recall at error level : {scores.must_recall:.3f}  (target >= 0.95)")
    lines.append(f"  should flagged (warn/error): {scores.should_flagged:.3f}  (target >= 0.80)")
    lines.append(f"  none false positives       : {scores.none_false_positives:.3f}  (target <= 0.08)")
    if not by_kind:
        return "\n".join(lines)
    kinds = sorted({(label, kind) for label, kind, _ in scores.by_kind})
    cells = []
    for label, kind in kinds:
        right, wrong = scores.by_kind[(label, kind, True)], scores.by_kind[(label, kind, False)]
        cells.append(f"{label}/{kind} {right}/{right + wrong}")
    lines.append("  correct by kind: " + ", ".join(cells))
    return "\n".join(lines)


@dataclass(frozen=True)
class RealUnit:
    """One unit of the real-text corpus (tests/eval/real/labelled.jsonl) with the context the labellers saw."""

    text: str
    label: str
    is_heading: bool
    is_list_item: bool
    lead_in: str
    heading: str
    site: str
    prev: str = ""  # the unit just before it on the page


def read_real(path: Path, split: str) -> list[RealUnit]:
    """The units of one split; the other split's rows are dropped as they are read."""
    units = []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["split"] != split:
            continue
        units.append(RealUnit(record["text"], record["label"], bool(record["is_heading"]),
                              bool(record["is_list_item"]), record["list_lead_in"], record["heading"],
                              record["site"], record.get("prev", "")))
    return units


@dataclass(frozen=True)
class RealScores:
    n: int
    must_recall: float  # gold must at error level
    must_precision: float  # of the error-level verdicts, gold must
    should_flagged: float  # gold should at warning or error
    none_flagged: float  # gold none at warning or error

    def cells(self) -> tuple[float, float, float, float]:
        return self.must_recall, self.must_precision, self.should_flagged, self.none_flagged


def level(verdict: Verdict) -> int:
    """2: an error (a confident must-cite claim), 1: a warning, 0: not flagged."""
    if verdict.label == "must":
        return 2 if verdict.confident else 1
    return 1 if verdict.label == "should" else 0


def score_real(units: list[RealUnit], classify: Callable[[RealUnit], Verdict]) -> RealScores:
    """Headings count as not flagged (the linter never classifies a heading)."""
    levels = [0 if unit.is_heading else level(classify(unit)) for unit in units]
    gold = [unit.label for unit in units]

    def share(numerator: int, denominator: int) -> float:
        return numerator / max(1, denominator)

    must = sum(g == "must" for g in gold)
    errors = sum(v == 2 for v in levels)
    return RealScores(
        len(units),
        share(sum(g == "must" and v == 2 for g, v in zip(gold, levels, strict=True)), must),
        share(sum(g == "must" and v == 2 for g, v in zip(gold, levels, strict=True)), errors),
        share(sum(g == "should" and v > 0 for g, v in zip(gold, levels, strict=True)),
              sum(g == "should" for g in gold)),
        share(sum(g == "none" and v > 0 for g, v in zip(gold, levels, strict=True)), sum(g == "none" for g in gold)))

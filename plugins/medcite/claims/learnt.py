"""A small linear model over words, word pairs and the rule table's matches.

Features are plain strings ("w:help", "b:may help", "hit:efficacy", "shape:no-stop"), so a
verdict can be explained by the features that weighed most. The weights are data: a JSON file
written by ``scripts/train_claims.py`` from the labelled dev sets, read here without running
any code from it. Scoring a sentence is a dictionary lookup per feature: no dependency beyond
the standard library.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import prefilter
from .prefilter import scan, search
from .table import (
    BODY_RE,
    DOSE,
    DRUG_RE,
    HEALTH_RE,
    LABELS,
    NUMBER_RE,
    PEOPLE_RE,
    REASON_RE,
    SHOULD_RULES,
    STRONG_RULES,
    STRUCTURE_RULES,
    WEAK_RULES,
    _imperative,
    rule_verdict,
)

MODEL_PATH = Path(__file__).parent / "assets" / "claims-model.json"
MODEL_VERSION = 1

TOKEN_RE = re.compile(r"[a-z]+(?:['’-][a-z]+)*|\d+(?:[.,]\d+)*|[%°£$&:;!?()]", re.IGNORECASE)
DOSE_RE = re.compile(DOSE, re.IGNORECASE)
ANALOGY_RE = re.compile(r"\b(?:(?:a bit|rather|a little|much|just|sort of|kind of) like|like an?|as if|as though|"
                        r"think of (?:it|them|this|your)|act(?:s|ing)? like|works? like)\b", re.IGNORECASE)
THRESHOLD_RE = re.compile(r"\b(?:if|when|unless)\b.{0,80}\b(?:more than|longer than|after|over|above|still|not "
                          r"(?:better|improv\w*|go(?:ne)? down|settl\w*)|gets? worse|worse|wakes? you|at night|"
                          r"spreads?|severe|sudden\w*|high temperature|fever|numb\w*|bleed\w*|swollen|red|hot)\b",
                          re.IGNORECASE)
CTA_RE = re.compile(r"\b(?:call|ring|phone|contact|see|tell|speak to|talk to|seek|go to|return to|come back|get "
                    r"(?:help|medical|urgent)|999|111|911|a&e|emergency|urgent\w*|gp|doctor|surgeon|nurse|"
                    r"physio\w*|pharmacist|ward|clinic)\b", re.IGNORECASE)
YOUR_DOCTOR_RE = re.compile(r"^(?:your|the|a) (?:doctor|gp|physio\w*|surgeon|nurse|team|specialist|consultant)s? "
                            r"(?:will|may|might|can|could|usually|often|should)\b", re.IGNORECASE)
LABEL_COLON_RE = re.compile(r"^[\w' ()-]{1,40}:\s")
STOPWORD_PAIRS = frozenset({"of the", "in the", "to the", "and the", "on the", "for the", "it is", "is a", "to a"})


HAS = tuple(("has:" + name, pattern) for name, pattern in (
    ("number", NUMBER_RE), ("people", PEOPLE_RE), ("body", BODY_RE), ("health", HEALTH_RE), ("drug", DRUG_RE),
    ("dose", DOSE_RE), ("analogy", ANALOGY_RE), ("threshold", THRESHOLD_RE), ("cta", CTA_RE),
    ("your-doctor", YOUR_DOCTOR_RE)))
RULES = (*STRUCTURE_RULES, *STRONG_RULES, *SHOULD_RULES, *WEAK_RULES)
HITS = tuple(("hit:" + rule.name, rule.pattern, isinstance(rule.pattern, re.Pattern)) for rule in RULES)


_SEARCHES: tuple[int, dict[int, list[str]], int, list[tuple[str, Callable[[str], re.Match[str] | None]]]] | None = None


def _searches() -> tuple[dict[int, list[str]], int, list[tuple[str, Callable[[str], re.Match[str] | None]]]]:
    """The "has:" and "hit:" features by their pattern's prefilter bit (a pattern may give several), the bits of
    them all, and the rules that are functions."""
    global _SEARCHES
    known = len(prefilter.REGISTRY.patterns)
    if _SEARCHES is None or _SEARCHES[0] != known:
        by_bit: dict[int, list[str]] = {}
        others: list[tuple[str, Callable[[str], re.Match[str] | None]]] = []
        for name, pattern, is_pattern in [(name, pattern, True) for name, pattern in HAS] + list(HITS):
            if is_pattern:
                assert isinstance(pattern, re.Pattern)
                prefilter.REGISTRY.add(pattern)
                by_bit.setdefault(prefilter.REGISTRY.bits[id(pattern)], []).append(name)
            else:
                others.append((name, pattern))  # type: ignore[arg-type]
        mask = 0
        for bit in by_bit:
            mask |= bit
        _SEARCHES = (len(prefilter.REGISTRY.patterns), by_bit, mask, others)
    return _SEARCHES[1], _SEARCHES[2], _SEARCHES[3]


def bit_pattern(bit: int) -> re.Pattern[str]:
    return prefilter.REGISTRY.patterns[bit.bit_length() - 1]


def _length_bucket(count: int) -> str:
    for limit, name in ((3, "1-3"), (6, "4-6"), (12, "7-12"), (25, "13-25")):
        if count <= limit:
            return name
    return "26+"


def features(text: str) -> list[str]:
    """The features of one normalised sentence (each present once, so values are 0/1)."""
    tokens = [t.lower() for t in TOKEN_RE.findall(text)]
    words = ["0" if t[0].isdigit() else t for t in tokens]
    found: set[str] = {"bias"}
    found.update(["w:" + w for w in words])
    found.update(["b:" + pair for pair in [f"{a} {b}" for a, b in itertools.pairwise(words)]
                  if pair not in STOPWORD_PAIRS])
    if words:
        found.add("first:" + words[0])
        found.add("first2:" + " ".join(words[:2]))
        found.add("last:" + words[-1])
    stripped = text.rstrip(" \"'’”)]")
    found.add("end:" + (stripped[-1] if stripped and stripped[-1] in ".!?:;" else "none"))
    found.add("len:" + _length_bucket(len(words)))
    if text[:1].islower():
        found.add("shape:lower-start")
    if len(words) <= 10 and sum([1 for w in text.split() if w[:1].isupper()]) >= max(2, len(text.split()) - 1):
        found.add("shape:title-case")
    if LABEL_COLON_RE.match(text):
        found.add("shape:label-colon")
    if prefilter.FAST:  # the same searches, through the sentence's scan directly (no call per pattern to find it)
        by_bit, mask, others = _searches()  # first: registers the patterns before the sentence is scanned
        sentence = scan(text)
        matched = sentence.possible & sentence.exact & mask  # the RE2 set's answers: these match, no others
        while matched:
            bit = matched & -matched
            found.update(by_bit[bit])
            matched ^= bit
        # The others that may match, and any registered after the sentence was scanned: searched.
        rest = mask & ~sentence.exact & (sentence.possible | -(1 << sentence.known))
        while rest:
            bit = rest & -rest
            if sentence.search(bit_pattern(bit)):
                found.update(by_bit[bit])
            rest ^= bit
        found.update([name for name, pattern in others if sentence.call(pattern)])
    else:
        found.update([name for name, pattern in HAS if search(pattern, text)])
        found.update(["hit:" + rule.name for rule in RULES if rule.match(text)])
    if "has:analogy" in found and "has:health" in found:
        found.add("has:analogy+health")
    if "has:threshold" in found and "has:cta" in found:
        found.add("has:threshold+cta")
    imperative = prefilter.call(_imperative, text) if prefilter.FAST else _imperative(text)
    if imperative:
        found.add("hit:imperative")
        found.add("imp:" + imperative["verb"].lower())
        if search(REASON_RE, text):
            found.add("hit:reason-in-instruction")
    verdict = rule_verdict(text)
    found.add("rule:" + verdict.rule)
    found.add("rule-label:" + verdict.label)
    return sorted(found)


@dataclass(frozen=True)
class Prediction:
    probabilities: dict[str, float]
    contributions: dict[str, list[tuple[str, float]]]  # label -> (feature, weight), strongest first

    def top(self, label: str, count: int = 3) -> list[tuple[str, float]]:
        strongest = getattr(self.contributions, "strongest", None)  # the first few without sorting them all
        ordered = self.contributions[label] if strongest is None else strongest(label, count)
        return [(name, weight) for name, weight in ordered if weight > 0][:count]


@dataclass(frozen=True)
class LinearModel:
    """Multinomial logistic regression: one weight per (feature, label)."""

    weights: dict[str, tuple[float, float, float]]
    must_threshold: float  # P(must) at or above which a sentence is a must-cite claim
    flag_threshold: float  # P(must) + P(should) at or above which it is at least should-cite

    def predict(self, feature_names: list[str]) -> Prediction:
        scores = [0.0, 0.0, 0.0]
        parts: dict[str, list[tuple[str, float]]] = {label: [] for label in LABELS}
        for name in feature_names:
            row = self.weights.get(name)
            if row is None:
                continue
            for index, label in enumerate(LABELS):
                scores[index] += row[index]
                # What pushes towards this label rather than the average of the other two.
                others = (sum(row) - row[index]) / 2
                parts[label].append((name, row[index] - others))
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        probabilities = {label: exps[i] / total for i, label in enumerate(LABELS)}
        for label in LABELS:
            parts[label].sort(key=lambda item: (-item[1], item[0]))
        return Prediction(probabilities, parts)

    def decide(self, probabilities: dict[str, float]) -> str:
        if probabilities["must"] >= self.must_threshold:
            return "must"
        if probabilities["must"] + probabilities["should"] >= self.flag_threshold:
            return "should"
        return "none"

    def to_json(self, meta: dict[str, object]) -> str:
        rows = {name: [round(w, 4) for w in row] for name, row in sorted(self.weights.items())}
        return json.dumps({"version": MODEL_VERSION, "labels": list(LABELS), "meta": meta,
                           "must_threshold": self.must_threshold, "flag_threshold": self.flag_threshold,
                           "weights": rows}, indent=0, sort_keys=True, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> LinearModel:
        data = json.loads(text)
        if data.get("version") != MODEL_VERSION or data.get("labels") != list(LABELS):
            raise ValueError(f"claims model: expected version {MODEL_VERSION} with labels {LABELS}")
        weights = {str(name): (float(row[0]), float(row[1]), float(row[2])) for name, row in data["weights"].items()}
        return cls(weights, float(data["must_threshold"]), float(data["flag_threshold"]))


def load_model(path: Path = MODEL_PATH) -> LinearModel:
    return LinearModel.from_json(path.read_text(encoding="utf-8"))

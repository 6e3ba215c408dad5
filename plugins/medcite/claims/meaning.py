"""The claim classifier of issue 25: pretrained meaning + the rule table's matches + page context.

A sentence becomes one vector: its WordLlama embedding (:mod:`medcite.claims.embed`), the embedding of its
list's lead-in (for a list item), that of the unit just before it on the page (what a pronoun points to: "It
usually settles in a few weeks"), and named 0/1 features: which rules of the rule table match it (so the
rules' knowledge is kept, and explains), the same for the lead-in, the kind of section it sits under
("Symptoms", "How to", "When to get help"), whether it is a list item or in an admonition. A multinomial
logistic regression (numpy, trained by ``scripts/train_meaning.py`` on real published text, cross-validated
by site) turns the vector into P(must), P(should), P(none); a second one over the same vector, trained on the
labellers' kinds (statistic, efficacy, instruction, admin, ...), gives P(kind), summed by label, and the two are
averaged (a kind is a tighter group than a label, so the pair draws a bent boundary: must recall at precision
0.91 on CV 0.48 -> 0.52). The explanation reads the label model's weights.

Severity by confidence: P(must) at or above ``error_threshold`` is an error (chosen on cross-validation so
that error-level precision is at least 0.90); a sentence that is not so confident but whose P(must) +
P(should) reaches ``flag_threshold`` is a warning. Every verdict names the features that weighed most and
its probability.

The model is two files: ``claims-meaning.npz`` (the arrays, read without pickle) and
``claims-meaning.json`` (feature names, thresholds, cross-validated figures and the npz's SHA-256). A
missing, truncated or altered file is a :class:`ModelFileError` naming the file: never a silent fallback.
"""

from __future__ import annotations

import hashlib
import heapq
import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # numpy is loaded only when this classifier is used, not by every lint run
    import numpy as np

from ..core.errors import MedciteError
from .embed import DIM, embed_one
from .learnt import Prediction
from .learnt import features as table_features
from .table import normalise

ASSETS = Path(__file__).parent / "assets"
META_PATH = ASSETS / "claims-meaning.json"
ARRAYS_PATH = ASSETS / "claims-meaning.npz"
FORMAT = 2
# Unit vectors, scaled: larger scales overfit on cross-validation by site (must recall at precision 0.91 with the
# previous unit's embedding: 0.46 at scale 4, 0.48 at 3 and 2; 0.38 at 8).
EMBEDDING_SCALE = 3.0
# The embedded texts, in column order: the sentence, its list's lead-in, the unit before it on the page.
EMBEDDED = ("sentence", "lead-in", "previous sentence")
DENSE = len(EMBEDDED) * DIM
# Prefixes of the rule-table features kept: which rules match, the table's verdict, shape, and the words and word
# pairs themselves (the model keeps those seen in at least three training sentences).
SYMBOLIC = ("hit:", "has:", "rule-label:", "rule:", "shape:", "end:", "len:", "w:", "b:")
HEADING_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((name, re.compile(pattern, re.IGNORECASE)) for
                                                               name, pattern in (
    ("how-to", r"\bhow (?:to|do i|you can)\b|\bexercises?\b|\bstretch|\bsteps?\b|\btips\b|\bwhat (?:to|you can) do\b|"
               r"\bself[- ]care\b|\bthings (?:to|you can) try\b|\btechnique|\binstructions?\b|\bdirections\b"),
    ("symptoms", r"\bsymptoms?\b|\bsigns?\b"),
    ("causes", r"\bcause[sd]?\b|\brisk\b|\bwho (?:gets|is at)\b|\bwhy\b"),
    ("get-help", r"\bwhen to\b|\bget (?:help|medical|urgent)|\bemergenc|\burgent|\bsee a (?:gp|doctor)|\bcall 999|"
                 r"\bimmediate"),
    ("treatment", r"\btreat|\bmanag|\brelie|\btherap|\bmedicines?\b|\bsurgery\b|\brecover"),
    ("side-effects", r"\bside[- ]effects?\b|\bwarnings?\b|\bprecautions?\b|\binteractions?\b|\bdos(?:e|age)\b"),
    ("about", r"\babout (?:us|the author)\b|\bour (?:team|clinic|practice|services)\b|\bcontact\b|\bbook\b|"
              r"\bopening\b|\bappointments?\b|\bprivacy\b|\bcookies?\b|\bdisclaimer\b|\bfees?\b|\bprices?\b"),
    ("what-is", r"^what (?:is|are)\b|\boverview\b|\bintroduction\b|\bdefinition\b|\banatomy\b"),
))


class ModelFileError(MedciteError):
    """The claim model's files are missing, truncated or altered."""


@dataclass(frozen=True)
class Context:
    """Where a sentence sits on its page (what the labellers saw)."""

    is_list_item: bool = False
    lead_in: str = ""  # for a list item: the sentence introducing the list
    heading: str = ""  # the nearest heading above
    admonition: bool = False
    prev: str = ""  # the unit just before it on the page (the previous sentence, or the heading it follows)


NO_CONTEXT = Context()


def heading_kinds(heading: str) -> list[str]:
    return list(_heading_kinds(heading))


@lru_cache(maxsize=4096)
def _heading_kinds(heading: str) -> tuple[str, ...]:
    """Cached: a page's sentences share a few headings and lead-ins."""
    return tuple([name for name, pattern in HEADING_KINDS if pattern.search(heading)]) if heading else ("none",)


@lru_cache(maxsize=65536)
def _table(text: str) -> tuple[str, ...]:
    return tuple([name for name in table_features(text) if name.startswith(SYMBOLIC)])


def symbolic_features(text: str, context: Context) -> list[str]:
    """The named 0/1 features of a sentence in its context."""
    found = list(_table(text))
    if context.is_list_item:
        found.append("ctx:list-item")
        if "hit:imperative" in found:
            found.append("ctx:list-item-instruction")
        if context.lead_in:
            found.append("ctx:lead-in")
            if context.lead_in.rstrip().endswith(":"):
                found.append("ctx:lead-in-colon")
            found.extend("lead-" + name for name in _table(context.lead_in) if name.startswith(("hit:", "has:",
                                                                                                  "rule-label:")))
            found.extend("lead-kind:" + kind for kind in heading_kinds(context.lead_in))
        else:
            found.append("ctx:list-no-lead-in")
    if context.admonition:
        found.append("ctx:admonition")
    found.extend(["heading:" + kind for kind in _heading_kinds(context.heading)])
    return found


def embeddings(text: str, context: Context) -> np.ndarray:
    """The sentence's, its lead-in's and the previous unit's embeddings, scaled, side by side (3 x 256; a lead-in
    only for a list item, zeros where there is none)."""
    import numpy as np

    lead = embed_one(context.lead_in) if context.is_list_item and context.lead_in else _zeros()
    previous = embed_one(normalise(context.prev)) if context.prev else _zeros()
    return np.concatenate([embed_one(text), lead, previous]) * EMBEDDING_SCALE


def absent(context: Context) -> tuple[bool, ...]:
    """Which of the embedded texts (EMBEDDED) the context lacks: their block of :func:`embeddings` is zeros."""
    return False, not (context.is_list_item and context.lead_in), not context.prev


@lru_cache(maxsize=1)
def _zeros() -> np.ndarray:
    import numpy as np

    zeros = np.zeros(DIM, np.float32)
    zeros.setflags(write=False)
    return zeros


def describe(name: str) -> str:
    prefix, _, value = name.partition(":")
    names = {"hit": "rule {}", "has": "has {}", "rule-label": "rule table says {}", "rule": "rule table: {}",
             "shape": "{}", "end": "ends with '{}'", "len": "{} words", "ctx": "{}", "heading": "under a '{}' heading",
             "lead-hit": "lead-in rule {}", "lead-has": "lead-in has {}",
             "lead-rule-label": "lead-in rule table says {}",
             "lead-kind": "under a '{}' lead-in",
             "meaning": "meaning of the {}", "w": "'{}'", "b": "'{}'"}
    return names.get(prefix, "{}").format(value or prefix)


class Contributions(dict[str, list[tuple[str, float]]]):
    """label -> (feature, push), strongest first: what pushes towards the label rather than the average of the
    others. A verdict reads one label's, so each is worked out when first read (all of them for any other use)."""

    def __init__(self, labels: tuple[str, ...], names: list[str], parts: np.ndarray) -> None:
        super().__init__()
        self._labels, self._names, self._parts = labels, names, parts

    def _negated(self, label: str) -> list[tuple[float, str]]:
        """(-push, name) for every feature: sorted, the order of the explanation (negating a float is exact)."""
        import numpy as np

        if label not in self._labels:
            raise KeyError(label)
        j = self._labels.index(label)
        parts = self._parts
        push = parts[:, j] - (np.add.reduce(parts, axis=1) - parts[:, j]) / (len(self._labels) - 1)
        return list(zip([-value for value in push.tolist()], self._names, strict=True))

    def __missing__(self, label: str) -> list[tuple[str, float]]:
        value = [(name, -negated) for negated, name in sorted(self._negated(label))]
        self[label] = value
        return value

    def strongest(self, label: str, count: int) -> list[tuple[str, float]]:
        """The first ``count`` of ``self[label]``, without sorting the rest (the same pairs: the smallest
        (-push, name) pairs are the first of the sorted list, and equal pairs are interchangeable)."""
        if super().__contains__(label):
            return self[label][:count]
        return [(name, -negated) for negated, name in heapq.nsmallest(count, self._negated(label))]

    def _complete(self) -> None:
        for label in self._labels:
            if not super().__contains__(label):
                self[label] = self.__missing__(label)

    def __contains__(self, label: object) -> bool:
        return label in self._labels

    def __iter__(self) -> Iterator[str]:
        self._complete()
        return super().__iter__()

    def __len__(self) -> int:
        return len(self._labels)

    def __eq__(self, other: object) -> bool:
        self._complete()
        return super().__eq__(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        self._complete()
        return super().__repr__()

    def get(self, label: str, default: Any = None) -> Any:  # type: ignore[override]
        return self[label] if label in self._labels else default

    def keys(self) -> Any:
        self._complete()
        return super().keys()

    def values(self) -> Any:
        self._complete()
        return super().values()

    def items(self) -> Any:
        self._complete()
        return super().items()


@dataclass(frozen=True)
class MeaningModel:
    labels: tuple[str, ...]
    names: tuple[str, ...]  # the symbolic features, in column order after the embeddings
    weights: np.ndarray  # (DENSE + len(names)) x labels
    bias: np.ndarray
    error_threshold: float
    flag_threshold: float
    meta: dict[str, Any]
    # A second head over the same features, trained on the labellers' kinds (statistic, efficacy, instruction,
    # admin, ...): each kind is a tighter group than its label, so a linear boundary fits it better. Its
    # probabilities, summed by label, are averaged with the label head's. kind_labels[i] is the label of kind i.
    kind_weights: np.ndarray | None = None  # (DENSE + len(names)) x kinds
    kind_bias: np.ndarray | None = None
    kind_labels: tuple[int, ...] = ()

    @property
    def index(self) -> dict[str, int]:
        return self._index()

    def _index(self) -> dict[str, int]:
        cached: dict[str, int] | None = self.__dict__.get("_index_cache")
        if cached is None:
            cached = {name: DENSE + i for i, name in enumerate(self.names)}
            object.__setattr__(self, "_index_cache", cached)
        return cached

    def _zero_push(self, block: int) -> np.ndarray:
        """What a block of zeros pushes (each a sum of signed zeros, whatever the order: so computed once)."""
        cached: list[np.ndarray] | None = self.__dict__.get("_zero_cache")
        if cached is None:
            zeros = (_zeros() * EMBEDDING_SCALE)
            cached = [zeros @ self.weights[b * DIM:(b + 1) * DIM] for b in range(len(EMBEDDED))]
            object.__setattr__(self, "_zero_cache", cached)
        return cached[block]

    def _both(self) -> np.ndarray | None:
        """The label and kind heads' weights side by side (one row look-up for both)."""
        cached: np.ndarray | None = self.__dict__.get("_both_cache")
        if cached is None and self.kind_weights is not None:
            import numpy as np

            cached = np.ascontiguousarray(np.hstack([self.weights, self.kind_weights]))
            object.__setattr__(self, "_both_cache", cached)
        return cached

    def predict(self, text: str, context: Context = NO_CONTEXT) -> Prediction:
        import numpy as np

        # As float64 once: each product below with the float32 vector would cast it so (exactly) itself.
        dense = embeddings(text, context).astype(np.float64)
        index = self.index
        present = [name for name in symbolic_features(text, context) if name in index]
        columns = [index[name] for name in present]
        blocks, labels = len(EMBEDDED), len(self.labels)
        parts = np.empty((blocks + len(columns), labels))
        for block, missing in enumerate(absent(context)):  # one row per embedded text: its meaning's push
            parts[block] = self._zero_push(block) if missing else (
                dense[block * DIM:(block + 1) * DIM] @ self.weights[block * DIM:(block + 1) * DIM])
        both = self._both()
        rows = self.weights[columns] if both is None else both[columns]
        parts[blocks:] = rows[:, :labels]
        # add.reduce and maximum.reduce are what ndarray.sum and .max call (without their Python wrappers).
        scores = np.add.reduce(parts, axis=0) + self.bias
        exps = np.exp(scores - np.maximum.reduce(scores))
        probabilities = exps / np.add.reduce(exps)
        if self.kind_weights is not None and self.kind_bias is not None:
            kind_scores = dense @ self.kind_weights[:DENSE] + np.add.reduce(rows[:, labels:], axis=0) + self.kind_bias
            kind_exps = np.exp(kind_scores - np.maximum.reduce(kind_scores))
            by_label = np.bincount(self.kind_labels, weights=kind_exps / np.add.reduce(kind_exps), minlength=labels)
            probabilities = (probabilities + by_label) / 2
        names = [*("meaning:" + part for part in EMBEDDED), *present]  # the same as self.names[c - DENSE]
        return Prediction(dict(zip(self.labels, probabilities.tolist(), strict=True)),
                          Contributions(self.labels, names, parts))

    def decide(self, probabilities: dict[str, float]) -> tuple[str, bool]:
        """(label, confident): must at error level only when confident; an uncertain claim is a warning."""
        if probabilities["must"] >= self.error_threshold:
            return "must", True
        if probabilities["must"] + probabilities["should"] >= self.flag_threshold:
            if probabilities["must"] >= probabilities["should"]:
                return "must", False
            return "should", True
        return "none", True


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load_model(meta_path: Path | None = None, arrays_path: Path | None = None) -> MeaningModel:
    """Read and check the model; any problem is a :class:`ModelFileError` naming the file."""
    import numpy as np

    meta_path = META_PATH if meta_path is None else meta_path
    arrays_path = ARRAYS_PATH if arrays_path is None else arrays_path
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise ValueError(f"not a claim model of format {FORMAT}")
        expected = str(meta["sha256"])
        names = tuple(str(name) for name in meta["names"])
        labels = tuple(str(label) for label in meta["labels"])
        error_threshold, flag_threshold = float(meta["error_threshold"]), float(meta["flag_threshold"])
        kinds = [(str(kind), str(label)) for kind, label in meta.get("kinds", [])]
        if any(label not in labels for _, label in kinds):
            raise ValueError("a kind's label is not one of the model's labels")
    except FileNotFoundError:
        raise ModelFileError(f"{meta_path}: the claim model's description is missing; reinstall medcite "
                             "(or retrain: scripts/train_meaning.py)") from None
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as error:
        raise ModelFileError(f"{meta_path}: the claim model's description cannot be read ({error}); reinstall "
                             "medcite (or retrain: scripts/train_meaning.py)") from None
    try:
        data = arrays_path.read_bytes()
    except OSError as error:
        raise ModelFileError(f"{arrays_path}: the claim model's weights cannot be read "
                             f"({error.strerror or error}); reinstall medcite") from None
    if digest(data) != expected:
        raise ModelFileError(f"{arrays_path}: the claim model's weights are damaged or altered (SHA-256 "
                             f"{digest(data)[:12]}…, expected {expected[:12]}… from {meta_path.name}); reinstall "
                             "medcite (or retrain: scripts/train_meaning.py)")
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            weights, bias = np.asarray(arrays["weights"], np.float64), np.asarray(arrays["bias"], np.float64)
            kind_weights = np.asarray(arrays["kind_weights"], np.float64) if kinds else None
            kind_bias = np.asarray(arrays["kind_bias"], np.float64) if kinds else None
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
        raise ModelFileError(f"{arrays_path}: the claim model's weights cannot be read ({error})") from None
    if weights.shape != (DENSE + len(names), len(labels)) or bias.shape != (len(labels),):
        raise ModelFileError(f"{arrays_path}: the claim model's weights have shape {weights.shape}, not "
                             f"{(DENSE + len(names), len(labels))} as {meta_path.name} says")
    if kind_weights is not None and (kind_weights.shape != (DENSE + len(names), len(kinds))
                                     or kind_bias is None or kind_bias.shape != (len(kinds),)):
        raise ModelFileError(f"{arrays_path}: the claim model's kind weights have shape {kind_weights.shape}, not "
                             f"{(DENSE + len(names), len(kinds))} as {meta_path.name} says")
    return MeaningModel(labels, names, weights, bias, error_threshold, flag_threshold, meta, kind_weights,
                        kind_bias, tuple(labels.index(label) for _, label in kinds))


def save_model(weights: np.ndarray, bias: np.ndarray, names: list[str], labels: tuple[str, ...],
               error_threshold: float, flag_threshold: float, meta: dict[str, Any],
               meta_path: Path = META_PATH, arrays_path: Path = ARRAYS_PATH,
               kinds: tuple[np.ndarray, np.ndarray, list[tuple[str, str]]] | None = None) -> None:
    """Write the model; ``kinds``: the kind head's weights, bias and (kind, label) pairs, if it has one."""
    import numpy as np

    buffer = io.BytesIO()
    arrays: dict[str, Any] = {"weights": weights.astype(np.float32), "bias": bias.astype(np.float32)}
    if kinds is not None:
        arrays.update(kind_weights=kinds[0].astype(np.float32), kind_bias=kinds[1].astype(np.float32))
    np.savez_compressed(buffer, **arrays)
    if kinds is not None:
        meta = {**meta, "kinds": [list(pair) for pair in kinds[2]]}
    data = buffer.getvalue()
    arrays_path.write_bytes(data)
    record = {"format": FORMAT, "sha256": digest(data), "labels": list(labels), "names": names,
              "error_threshold": round(error_threshold, 4), "flag_threshold": round(flag_threshold, 4), **meta}
    meta_path.write_text(json.dumps(record, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")

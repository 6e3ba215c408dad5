"""Sentence -> claim label and kind, explainably.

Three labels, as the editorial rules define them (tests/eval/GUIDE.md):

- ``must``: must be cited in the same sentence (statistic, efficacy, cause, prognosis,
  warning-sign and thresholds for seeking help, drug, comparison, complication). Hedged claims
  ("may ease") are still claims.
- ``should``: should be cited somewhere in its paragraph (anatomy, definition, mechanism).
- ``none``: needs no citation (instruction, question, navigation, fragment, transition,
  anecdote, bio, call-to-action, disclaimer, admin).

Three classifiers, one interface. ``classify_rules`` is the ordered rule table
(:mod:`medcite.claims.table`), kept as ``--claims rules`` and as features and explanations of the
others. ``classify_model`` is the learnt one:
a few structural rules whose precision on the labelled data is near 1 decide
outright (no words, a question). Every other sentence is scored by a linear model
(:mod:`medcite.claims.learnt`) whose features are its words and word pairs plus which rules of
the rule table (:mod:`medcite.claims.table`) match, so the rules' knowledge is kept but the
weighing of it is learnt from independently written text. A model verdict explains itself by
the features that weighed most towards its label (``citation-lint --claims model``, plugin option
``claims: model``). ``classify_meaning`` (pretrained meaning, the table's matches and page context) is the
linter's default (``claims`` in :mod:`medcite.app.settings`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from . import meaning
from .embed import embed_one
from .learnt import LinearModel, load_model
from .learnt import features as model_features
from .table import SHOULD_RULES, STRONG_RULES, WEAK_RULES, Label, Verdict, normalise, rule_verdict

QUESTION_RE = re.compile(r"\?\s*[\"')\]]*\s*$")
LETTERS_RE = re.compile(r"[A-Za-z]{2}")
# Readable names for feature prefixes, for why().
FEATURE_NAMES = {"w": "'{}'", "b": "'{}'", "first": "starts '{}'", "first2": "starts '{}'", "last": "ends '{}'",
                 "hit": "rule {}", "rule": "rule table: {}", "rule-label": "rule table says {}", "has": "has {}",
                 "imp": "order '{}'", "shape": "{}", "len": "{} words", "end": "ends with '{}'"}


def override(text: str) -> Verdict | None:
    """The structural rules that decide before the model: they are right on nearly every labelled sentence."""
    if not LETTERS_RE.search(text):
        return Verdict("none", "fragment", "no-words")
    if QUESTION_RE.search(text):
        return Verdict("none", "question", "question", text[-30:])
    return None


_MODEL: LinearModel | None = None


def _model() -> LinearModel:
    global _MODEL
    if _MODEL is None:
        _MODEL = load_model()
    return _MODEL


def describe(feature: str) -> str:
    prefix, _, value = feature.partition(":")
    return FEATURE_NAMES.get(prefix, "{}").format(value or prefix)


def _kind(label: Label, text: str) -> str:
    """The kind of claim: the rule table's, if it agrees on the label, else the first rule of that label that fits."""
    table = rule_verdict(text)
    if table.label == label:
        return table.kind
    rules = (*STRONG_RULES, *WEAK_RULES) if label == "must" else SHOULD_RULES if label == "should" else ()
    for rule in rules:
        if rule.match(text):
            return rule.kind
    return {"must": "claim", "should": "background"}.get(label, table.kind if table.label == "none" else "statement")


def classify_rules(sentence: str) -> Verdict:
    """The rule table's verdict (cached there)."""
    return rule_verdict(sentence)


@lru_cache(maxsize=65536)
def classify_model(sentence: str) -> Verdict:
    """The learnt verdict on one sentence of prose (citations already removed); pure, so cached."""
    text = normalise(sentence)
    decided = override(text)
    if decided is not None:
        return decided
    model = _model()
    prediction = model.predict(model_features(text))
    label: Label = model.decide(prediction.probabilities)  # type: ignore[assignment]
    top = prediction.top(label)
    words = ", ".join(f"{describe(name)} {weight:+.1f}" for name, weight in top)
    probability = prediction.probabilities[label] if label != "should" else (
        prediction.probabilities["should"] + prediction.probabilities["must"])
    return Verdict(label, _kind(label, text), "model", words, probability)


_MEANING: meaning.MeaningModel | None = None
# The kind of claim a list item makes under a lead-in or heading of this kind (meaning.HEADING_KINDS).
SECTION_KINDS = {"symptoms": "diagnosis", "causes": "cause", "get-help": "warning-sign", "treatment": "efficacy",
                 "side-effects": "drug", "how-to": "efficacy"}


def meaning_model() -> meaning.MeaningModel:
    """The issue-25 model, loaded and digest-checked once (a damaged file is a ModelFileError naming it)."""
    global _MEANING
    if _MEANING is None:
        _MEANING = meaning.load_model()
    return _MEANING


def ready(name: str) -> None:
    """Load what classifier ``name`` needs now, in this process: a missing or damaged model file is a
    ModelFileError here, before any page is read or worker started (forked workers then share the model)."""
    if name == "meaning":
        meaning_model()
        embed_one("")


@lru_cache(maxsize=65536)
def classify_meaning(sentence: str, context: meaning.Context = meaning.NO_CONTEXT) -> Verdict:
    """Pretrained meaning + the rule table's matches + page context (:mod:`medcite.claims.meaning`).

    A must-cite claim is ``confident`` (an error) only at or above the model's error threshold; below it,
    a sentence still flagged is a warning. The explanation names the features that weighed most."""
    text = normalise(sentence)
    decided = override(text)
    if decided is not None:
        return decided
    model = meaning_model()
    prediction = model.predict(text, context)
    label, confident = model.decide(prediction.probabilities)
    top = prediction.top(label)
    words = ", ".join(f"{meaning.describe(name)} {weight:+.1f}" for name, weight in top)
    probability = prediction.probabilities[label] if label != "should" else (
        prediction.probabilities["should"] + prediction.probabilities["must"])
    if label == "must" and not confident:
        words = f"not sure, below the error threshold {model.error_threshold:.2f}: {words}"
    kind = _kind(label, text)  # type: ignore[arg-type]
    if kind == "claim":  # no rule names it: the section or lead-in may ("Symptoms include:")
        for section in meaning.heading_kinds(context.lead_in) + meaning.heading_kinds(context.heading):
            if section in SECTION_KINDS:
                kind = SECTION_KINDS[section]
                break
    return Verdict(label, kind, "meaning", words, probability, confident)  # type: ignore[arg-type]


CLASSIFIERS: dict[str, Callable[[str], Verdict]] = {"rules": classify_rules, "model": classify_model,
                                                    "meaning": classify_meaning}
# The classifiers that read a sentence's page context (the linter passes it to these).
IN_CONTEXT: dict[str, Callable[[str, meaning.Context], Verdict]] = {"meaning": classify_meaning}
classify = classify_rules  # the rule table's verdict under its older name (evaluation, tests); not the default

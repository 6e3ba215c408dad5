"""The claim classifier: a table of hard cases, and floors on the labelled sets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medcite.claims.classify import classify, classify_model
from medcite.claims.evaluation import read_labelled, score
from medcite.claims.learnt import MODEL_PATH, load_model

EVAL = Path(__file__).parent / "eval"


@pytest.mark.parametrize(
    ("sentence", "label", "kind"),
    [
        ("About one in three adults over 65 has a fall each year.", "must", "statistic"),
        ("Staying active speeds recovery from back pain.", "must", "efficacy"),
        ("A warm bath might loosen stiff muscles.", "must", "efficacy"),
        ("Keep walking, because gentle activity helps a sprain heal faster.", "must", "efficacy"),
        ("Smokers are more likely to develop disc problems.", "must", "cause"),
        ("Most flare-ups of back pain settle within a few weeks.", "must", "prognosis"),
        ("Numbness in the groin can mean a nerve is being squeezed.", "must", "warning-sign"),
        ("Ibuprofen can upset your stomach.", "must", "drug"),
        ("Surgery is no better than physiotherapy for most meniscus tears.", "must", "comparison"),
        ("Back braces do not prevent back pain in people who lift at work.", "must", "efficacy"),
        ("Ice after an ankle sprain eases swelling.", "must", "efficacy"),
        ("Tendons join muscles to bones.", "should", "anatomy"),
        ("A sprain is a stretch or tear of a ligament.", "should", "definition"),
        ("Vaccines work by teaching the immune system to recognise a germ.", "should", "mechanism"),
        ("Hold the stretch for 30 seconds and repeat 3 times.", "none", "instruction"),
        ("Take 2 tablets every 6 hours, no more than 8 in 24 hours, as the leaflet says.", "none", "instruction"),
        ("Call your doctor if the swelling does not go down.", "none", "call-to-action"),
        ("Does cracking your knuckles cause arthritis?", "none", "question"),
        ("See the next section for exercises you can do at home.", "none", "navigation"),
        ("Key points", "none", "fragment"),
        ("I hurt my back lifting a sofa in 2019.", "none", "anecdote"),
        ("Dr Lee has worked as a physiotherapist for 20 years.", "none", "bio"),
        ("This page is not medical advice.", "none", "disclaimer"),
        ("numbness around your bottom or genitals", "none", "fragment"),
        ("Type 2 diabetes is strongly linked to being inactive.", "must", "cause"),
    ],
)
def test_hard_cases(sentence: str, label: str, kind: str) -> None:
    verdict = classify(sentence)
    assert (verdict.label, verdict.kind) == (label, kind), verdict.why()


def test_every_verdict_explains_itself() -> None:
    verdict = classify("Paracetamol does not help back pain.")
    assert verdict.label == "must"
    assert verdict.rule and verdict.words and verdict.words.lower() in "paracetamol does not help back pain."


# Floors: (must recall, should flagged, none false positives) as last measured (README, "How good is it?").
# claims-test.tsv is held out: it was never used to write rules. The last rule changes, driven by
# misreadings in our own articles, moved it from 0.985/1.0/0.067 to 0.978/1.0/0.086.
FLOORS = {
    "claims-dev.tsv": (1.00, 1.00, 0.00),
    "claims-dev2.tsv": (0.97, 1.00, 0.01),
    "claims-test.tsv": (0.977, 1.00, 0.086),
}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_labelled_set_floor(name: str) -> None:
    must_recall, should_flagged, none_fp = FLOORS[name]
    scores = score(read_labelled(EVAL / name))
    assert scores.total >= 120
    assert scores.must_recall >= must_recall
    assert scores.should_flagged >= should_flagged
    assert scores.none_false_positives <= none_fp


def test_held_out_set_is_large_enough() -> None:
    rows = read_labelled(EVAL / "claims-test.tsv")
    assert len(rows) >= 300
    assert {label for label, _, _ in rows} == {"must", "should", "none"}


# The learnt classifier (medcite.claims.classify.classify_model; opt-in in the linter). Floors as measured after
# training; the dev sets are its training data, so only claims-test.tsv is an estimate there.
MODEL_FLOORS = {
    "claims-dev.tsv": (MODEL_DEV_FLOOR := (0.99, 0.99, 0.01)),
    "claims-dev2.tsv": MODEL_DEV_FLOOR,
    "independent-dev.tsv": MODEL_DEV_FLOOR,
    "claims-test.tsv": (0.98, 1.00, 0.06),
}


@pytest.mark.parametrize("name", sorted(MODEL_FLOORS))
def test_model_floor(name: str) -> None:
    must_recall, should_flagged, none_fp = MODEL_FLOORS[name]
    scores = score(read_labelled(EVAL / name), classify_model)
    assert scores.must_recall >= must_recall
    assert scores.should_flagged >= should_flagged
    assert scores.none_false_positives <= none_fp


def test_cross_validated_figures_are_stored_with_the_model() -> None:
    meta = json.loads(MODEL_PATH.read_text(encoding="utf-8"))["meta"]
    registers = meta["cross_validated"]
    assert set(registers) == {"blog", "discharge", "encyclopedia", "leaflet", "physio", "research", "all"}
    n, must_recall, should_flagged, none_fp = registers["all"]
    assert n == len(read_labelled(EVAL / "independent-dev.tsv"))
    assert must_recall >= 0.80 and should_flagged >= 0.90 and none_fp <= 0.21


@pytest.mark.parametrize(
    ("sentence", "label"),
    [
        # Audit classes (issue 10): thresholds for seeking help, implied complications, analogies.
        ("See your GP if the pain lasts more than six weeks or wakes you at night.", "must"),
        ("Call the ward if the wound becomes red, hot or starts to leak.", "must"),
        ("Put the kettle on and sit down for ten minutes.", "none"),
        ("Does walking help knee pain?", "none"),
    ],
)
def test_model_cases(sentence: str, label: str) -> None:
    verdict = classify_model(sentence)
    assert verdict.label == label, verdict.why()


def test_model_verdict_explains_itself() -> None:
    verdict = classify_model("Ibuprofen can upset your stomach.")
    assert verdict.label == "must" and verdict.rule == "model" and verdict.probability is not None
    assert verdict.probability >= 0.5 and verdict.words.count("+") >= 1
    assert verdict.why().startswith(f"{verdict.kind} (model p=")


def test_model_file_is_checked_on_read(tmp_path: Path) -> None:
    text = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    text["version"] = 999
    path = tmp_path / "model.json"
    path.write_text(json.dumps(text), encoding="utf-8")
    with pytest.raises(ValueError, match="expected version"):
        load_model(path)

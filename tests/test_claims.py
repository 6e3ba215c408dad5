"""The claim classifier: a table of hard cases, and floors on the labelled sets."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from medcite.claims import table as claimrules
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


# The learnt classifier (medcite.claims.classify_model; opt-in in the linter). Floors as measured after
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


# -- the words of each rule -----------------------------------------------------------------------------
# Every word (or form) each vocabulary of the rule table must hold, written out here rather than read from
# the code: a word dropped from a list (the last line of DRUGS once, which let "Allopurinol is taken once
# a day." through with no citation) fails here. A word added to a list needs a line here too.
VOCABULARIES = {
    "PEOPLE": "people person persons adult adults children kids teenager teenagers teens women men girl girls boy boys "
              "patient patients case cases runner runners athlete athletes player players worker workers smoker "
              "smokers user users death deaths injury injuries fracture fractures fall falls visit visits admission "
              "admissions episode episodes attack attacks of_us of_those of_them population those mother mothers "
              "babies infant infants older american americans everyone someone anyone broken_bones birth births",
    "BODY": "muscle muscles bone bones joint joints tendon tendons ligament ligaments nerve nerves disc discs disk disks "
            "vertebra vertebrae spine spinal_cord cartilage meniscus menisci labrum capsule pelvis femur sacrum skull "
            "heart lung lungs kidney kidneys liver brain skin fascia hamstring hamstrings quadriceps rotator_cuff "
            "achilles knee knees kneecap kneecaps hip hips shoulder shoulders ankle ankles wrist wrists feet foot hand "
            "hands neck elbow elbows arteries artery vein veins chamber chambers gland glands bursa bursae tissue "
            "fibre fibres fiber fibers socket ball canal root roots arch arches rib ribs thigh calf heel toe toes "
            "finger fingers blood_vessel blood_vessels pancreas stomach forearm gut bladder bowel thyroid tunnel passage",
    "DRUGS": "paracetamol acetaminophen ibuprofen naproxen aspirin diclofenac codeine morphine tramadol opioid opioids "
             "nsaid nsaids anti-inflammatory antiinflammatory anti-inflammatories anti-inflammatory_drugs steroid "
             "steroids corticosteroid corticosteroids antibiotic antibiotics statin statins duloxetine gabapentin "
             "gabapentinoids pregabalin muscle_relaxant muscle_relaxants antidepressant antidepressants medicine "
             "medicines medication medications drug drugs tablet tablets pill pills painkiller painkillers "
             "pain_reliever pain_relievers injection injections gel gels cream creams bisphosphonate bisphosphonates "
             "vitamin_D supplement supplements metformin allopurinol colchicine vaccine vaccines jab jabs",
    "HEALTH": "pain painful ache aches sore soreness arthritis gout fracture fractures broken sprain sprains strain "
              "strains injury injured diabetes diabetic cancer cancers infection infections stroke strokes sciatica "
              "symptom symptoms swelling swells disease diseases condition conditions blood pressure weight sleep "
              "sleeping smoking smoker alcohol exercise exercising surgery surgical fusion operation operations treat "
              "treatment therapy therapies recover recovery heal healing risk risks health healthy ill illness "
              "illnesses emergency emergencies urgent serious birth born rate rates reinjury re-injury sick sickness "
              "tired tiredness fatigue stiff stiffness weak weakness numb numbness numbed numbing tingling "
              "osteoporosis tendinitis tendinopathy bursitis scan scans x-ray x-rays mri physio physiotherapy "
              "vaccination diet dietary obesity obese overweight inflammation inflamed flare flares chronic acute "
              "pregnancy pregnant depression depressed anxiety anxious stress stressful fever cough coughing heart "
              "fall falls posture active activity rest resting tear tears torn acl reconstruction brace braces splint "
              "splints cast casts curve curves scoliosis independence independent fitness fit sport sports mobility "
              "disability disabled movement function functional bruising bruised wound wounds ulcer ulcers cramp "
              "cramps spasm spasms colitis fibrosis neuralgia neuropathy appendectomy angioplasty adalimumab ramipril "
              "atenolol atorvastatin methotrexate ketoprofen amoxicillin erythromycin fluconazole losartan omeprazole "
              "ciprofloxacin sumatriptan mg",
    "PROFESSIONS": "physio physios physiotherapist physiotherapists gp gps doctor doctors nurse nurses surgeon surgeons "
                   "consultant consultants rheumatologist rheumatologists pharmacist pharmacists dietitian dietitians "
                   "dietician dieticians editor editors writer writers journalist journalists coach coaches trainer "
                   "trainers researcher researchers lecturer lecturers professor professors chiropractor chiropractors "
                   "osteopath osteopaths midwife midwives specialist specialists clinician clinicians practitioner "
                   "practitioners therapist therapists psychologist psychologists podiatrist podiatrists paramedic "
                   "paramedics registrar registrars scientist scientists instructor instructors teacher teachers "
                   "author authors reviewer reviewers clinical_lead",
    "THIRD_PERSON_VERBS": "eases helps reduces relieves improves works causes lowers speeds prevents protects makes keeps "
                          "gives brings cuts soothes calms loosens strengthens builds boosts fixes shortens lessens "
                          "worsens increases raises triggers leads seems appears tends offers",
}
IMPERATIVE_VERBS = (
    "hold lie stand sit walk take put roll check turn repeat bend keep try avoid use call talk book speak ask see go get "
    "ring stop rest place lift raise lower breathe relax tighten squeeze push pull move step make start do don't do_not "
    "write wear drink eat tell follow read let never always remember aim build add swap choose cut reduce wash dry apply "
    "wrap slide straighten cross lean press return count set plan warm cool contact phone seek visit attend bring note "
    "record measure pause stretch rotate tuck point reach hug clasp sleep mention report give find ice elevate alternate "
    "switch drop limit spread pace share join learn consider work fill sign jot print download save bookmark skip pick "
    "wait click tap scroll email arrange prepare pack kneel shift loop pad adjust change stay")
# Treatments that are also orders: as the subject of a sentence they make a claim, not an instruction.
NOUN_VERBS = ("ice heat rest exercise work walk walking sleep stretch stretching drink massage swim swimming use stop cut "
              "reduce move lift cycling repeat change shift")


def _entries(words: str) -> list[str]:
    """Space-separated entries; "_" stands for a space inside one ("spinal_cord")."""
    return [word.replace("_", " ") for word in words.split()]


@pytest.mark.parametrize("name", sorted(VOCABULARIES))
def test_every_word_of_each_vocabulary_is_matched(name: str) -> None:
    pattern = re.compile(getattr(claimrules, name), re.IGNORECASE)
    missed = [word for word in _entries(VOCABULARIES[name]) if not pattern.fullmatch(word)]
    assert not missed, f"{name} no longer holds: {', '.join(missed)}"


def test_every_imperative_verb_starts_an_instruction() -> None:
    missed = [verb for verb in _entries(IMPERATIVE_VERBS)
              if not ((match := claimrules.IMPERATIVE_RE.match(f"{verb} it now")) and match["verb"].lower() == verb)]
    assert not missed, f"IMPERATIVE_VERBS no longer holds: {', '.join(missed)}"


@pytest.mark.parametrize("word", _entries(NOUN_VERBS))
def test_a_treatment_word_as_subject_makes_a_claim(word: str) -> None:
    verdict = claimrules.rule_verdict(f"{word.capitalize()} eases back pain.")
    assert verdict.label == "must", verdict.why()


@pytest.mark.parametrize("drug", _entries(VOCABULARIES["DRUGS"]))
def test_a_sentence_about_each_drug_is_a_claim(drug: str) -> None:
    verdict = claimrules.rule_verdict(f"{drug[0].upper()}{drug[1:]} can be taken once a day.")
    assert verdict.label == "must", verdict.why()


def test_a_drug_taken_daily_needs_a_citation() -> None:
    """The mutation that dropped DRUGS' last line turned this from an error into nothing."""
    assert classify("Allopurinol is taken once a day.").label == "must"

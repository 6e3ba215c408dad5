"""The claim classifier of issue 25 (``--claims meaning``): offline pretrained meaning, a digest-checked
model, severity by confidence, explanations, and a list of claims under a lead-in reported once."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from medcite.adapters.cli.main import main as lint_main
from medcite.bib.bibliography import parse_bibliography
from medcite.claims import classify as classify_module
from medcite.claims import meaning
from medcite.claims.classify import classify_meaning
from medcite.claims.meaning import Context, ModelFileError, load_model
from medcite.claims.table import Verdict
from medcite.lint.checks import LintOptions, check_document

from .conftest import FRONT, SMALL_BIB

ROOT = Path(__file__).resolve().parents[1]
MEANING = LintOptions(claims="meaning")

NO_NETWORK = textwrap.dedent("""
    import socket

    def refuse(*args, **kwargs):
        raise SystemExit("network use: " + repr(args[:2]))

    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse
    socket.create_connection = refuse
    socket.getaddrinfo = refuse

    from medcite.claims.classify import classify_meaning
    from medcite.claims.embed import embed
    from medcite.claims.meaning import Context

    assert embed(["Ibuprofen can upset your stomach."]).shape == (1, 256)
    verdict = classify_meaning("numbness in your leg", Context(True, "Symptoms of sciatica include:", "Symptoms"))
    print(verdict.label)
""")


def test_embeddings_and_model_load_with_the_network_blocked(tmp_path: Path) -> None:
    """WordLlama's weights come from the installed package and never from a download (issue 25)."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "HF_HOME": str(tmp_path / "hf")}
    proc = subprocess.run([sys.executable, "-c", NO_NETWORK], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "must"
    assert not (tmp_path / "hf").exists() and not (tmp_path / ".cache").exists()


def test_the_default_lint_runs_the_meaning_model_with_the_network_blocked(tmp_path: Path) -> None:
    """``citation-lint`` with no ``claims`` option anywhere runs the meaning model (the default), and that
    default path loads WordLlama and the model from the installed package with the network blocked."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(FRONT + "\n# Sciatica\n\nSymptoms of sciatica include:\n\n- numbness in your leg\n"
                                   "- pain down the back of your thigh\n", encoding="utf-8")
    (tmp_path / "refs.bib").write_text(SMALL_BIB, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: T\ndocs_dir: docs\nplugins:\n  - citations:\n"
                                         "      bibliography: refs.bib\n", encoding="utf-8")
    script = NO_NETWORK.split("from medcite.claims.classify")[0] + textwrap.dedent("""
        import sys
        from medcite.adapters.cli.main import main
        sys.exit(main(["--jobs", "1", "--config", sys.argv[1], sys.argv[2]]))
    """)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "HF_HOME": str(tmp_path / "hf"),
           "MEDCITE_CACHE_DIR": str(tmp_path / "cache"), "MEDCITE_CACHE_KEY_FILE": str(tmp_path / "key" / "k")}
    proc = subprocess.run([sys.executable, "-c", script, str(tmp_path / "mkdocs.yml"), str(docs)], capture_output=True,
                          text=True, env=env, timeout=120, cwd=tmp_path)
    assert "network use" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "docs/index.md:10:1: error: the 2 list item(s) under this lead-in are claims" in proc.stdout
    assert "(model p=" in proc.stdout
    assert not (tmp_path / "hf").exists() and not (tmp_path / ".cache").exists()


def test_a_verdict_says_why_with_its_probability() -> None:
    verdict = classify_meaning("Ibuprofen can upset your stomach.")
    assert verdict.label == "must" and verdict.rule == "meaning" and verdict.probability is not None
    assert f"p={verdict.probability:.2f}" in verdict.why() and "meaning of the sentence" in verdict.why()


@pytest.mark.parametrize(
    ("item", "context", "label"),
    [
        ("numbness in your leg", Context(True, "Symptoms of sciatica include:", "Symptoms"), "must"),
        ("lie on your back with your knees bent", Context(True, "Follow these steps:", "How to do the stretch"),
         "none"),
    ],
)
def test_page_context_reaches_the_classifier(item: str, context: Context, label: str) -> None:
    assert classify_meaning(item, context).label == label


def test_the_same_item_weighs_differently_under_another_lead_in() -> None:
    model = classify_module.meaning_model()
    symptoms = model.predict("a tingling feeling", Context(True, "Symptoms of sciatica include:", "Symptoms"))
    steps = model.predict("a tingling feeling", Context(True, "How to do the stretch:", "How to do it"))
    alone = model.predict("a tingling feeling")
    assert symptoms.probabilities["must"] > steps.probabilities["must"]
    assert symptoms.probabilities["must"] > alone.probabilities["must"]


def _copy_model(tmp_path: Path) -> tuple[Path, Path]:
    meta, arrays = tmp_path / "claims-meaning.json", tmp_path / "claims-meaning.npz"
    meta.write_bytes(meaning.META_PATH.read_bytes())
    arrays.write_bytes(meaning.ARRAYS_PATH.read_bytes())
    return meta, arrays


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])


def _alter(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def _drop_digest(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["sha256"]
    path.write_text(json.dumps(data), encoding="utf-8")


def _bad_kind(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    data["kinds"][0][1] = "maybe"
    path.write_text(json.dumps(data), encoding="utf-8")


def _extra_kind(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    data["kinds"].append(["gossip", "none"])
    path.write_text(json.dumps(data), encoding="utf-8")


@pytest.mark.parametrize(
    ("damage", "which", "words"),
    [
        (_bad_kind, "meta", "cannot be read"),
        (Path.unlink, "arrays", "cannot be read"),
        (Path.unlink, "meta", "is missing"),
        (_truncate, "arrays", "damaged or altered"),
        (_alter, "arrays", "damaged or altered"),
        (_truncate, "meta", "cannot be read"),
        (_drop_digest, "meta", "cannot be read"),
    ],
)
def test_a_damaged_model_file_is_an_error_naming_it(tmp_path: Path, damage, which: str, words: str) -> None:
    meta, arrays = _copy_model(tmp_path)
    assert load_model(meta, arrays).error_threshold > 0  # the intact copy loads
    target = arrays if which == "arrays" else meta
    damage(target)
    with pytest.raises(ModelFileError) as caught:
        load_model(meta, arrays)
    assert str(target) in str(caught.value) and words in str(caught.value)


def test_citation_lint_names_a_damaged_model_file_and_exits_2(tmp_path: Path, monkeypatch, capsys) -> None:
    meta, arrays = _copy_model(tmp_path)
    _alter(arrays)
    monkeypatch.setattr(meaning, "META_PATH", meta)
    monkeypatch.setattr(meaning, "ARRAYS_PATH", arrays)
    monkeypatch.setattr(classify_module, "_MEANING", None)
    classify_meaning.cache_clear()
    (tmp_path / "refs.bib").write_text(SMALL_BIB, encoding="utf-8")
    (tmp_path / "page.md").write_text(FRONT + "\nIbuprofen can upset your stomach.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    try:
        code = lint_main(["--bib", "refs.bib", "--claims", "meaning", "--jobs", "1", "page.md"])
    finally:
        monkeypatch.setattr(classify_module, "_MEANING", None)
        classify_meaning.cache_clear()
    err = capsys.readouterr().err
    assert code == 2
    assert f"citation-lint: error: {arrays}: the claim model's weights are damaged or altered" in err
    assert "Traceback" not in err


def test_an_uncertain_claim_is_a_warning_and_a_confident_one_an_error(monkeypatch) -> None:
    bib, _ = parse_bibliography(SMALL_BIB, "refs.bib")
    model = classify_module.meaning_model()
    assert model.decide({"must": model.error_threshold, "should": 0.0, "none": 1 - model.error_threshold}) == (
        "must", True)
    unsure = {"must": model.error_threshold - 0.01, "should": 0.0, "none": 1 - model.error_threshold + 0.01}
    assert model.decide(unsure) == ("must", False) if sum(list(unsure.values())[:2]) >= model.flag_threshold \
        else model.decide(unsure) == ("none", True)

    def fake(text: str, context: Context) -> Verdict:
        return Verdict("must", "efficacy", "meaning", "test", 0.6, confident="unsure" not in text)

    monkeypatch.setitem(classify_module.IN_CONTEXT, "meaning", fake)
    text = FRONT + "\nThis is unsure. This is sure.\n"
    findings = check_document("p.md", text, bib, MEANING).findings
    assert [(f.rule, f.severity, f.text) for f in findings] == [
        ("uncited-claim", "warning", "This is unsure."), ("uncited-claim", "error", "This is sure.")]


LIST_PAGE = FRONT + """
# Sciatica

## Symptoms

Symptoms of sciatica include{lead_cite}:

- pain that spreads from your bottom down the back of your leg{item_cite}
- numbness or tingling in your leg or foot
- weakness in your leg

## How to do the stretch

Follow these steps:

- lie on your back with your knees bent
- pull one knee towards your chest
- hold for 20 seconds
"""


@pytest.mark.parametrize(
    ("lead_cite", "item_cite", "expected"),
    [
        # Nothing cited: one finding at the lead-in covers the three items; the instructions are not claims.
        ("", "", [(12, ("p.md:14:3", "p.md:15:3", "p.md:16:3"))]),
        # The lead-in's citation covers its items.
        (" [@genevay2020]", "", []),
        # One item cited: the others are reported one by one.
        ("", " [@genevay2020]", [(15, ()), (16, ())]),
    ],
)
def test_a_list_of_claims_under_a_lead_in(lead_cite: str, item_cite: str, expected) -> None:
    bib, _ = parse_bibliography(SMALL_BIB, "refs.bib")
    text = LIST_PAGE.format(lead_cite=lead_cite, item_cite=item_cite)
    findings = [f for f in check_document("p.md", text, bib, MEANING).findings if f.rule == "uncited-claim"]
    assert [(f.line, f.related) for f in findings] == expected
    if not lead_cite and not item_cite:
        assert "3 list item(s) under this lead-in are claims" in findings[0].message
        assert findings[0].claim_kind == "diagnosis"


def test_the_rules_classifier_keeps_reporting_items_one_by_one() -> None:
    bib, _ = parse_bibliography(SMALL_BIB, "refs.bib")
    text = LIST_PAGE.format(lead_cite="", item_cite="")
    findings = check_document("p.md", text, bib, LintOptions(claims="rules")).findings
    assert all(f.line != 12 for f in findings)


def test_training_never_holds_a_test_split_label() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import train_meaning
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    units = train_meaning.real_dev()
    real = ROOT / "tests/eval/real"
    records = [json.loads(line) for line in (real / "labelled.jsonl").read_text().splitlines()]
    second = [json.loads(line) for line in (real / "labelled-2.jsonl").read_text().splitlines()]
    assert all(r["split"] == "dev" for r in second)
    assert len(units) == sum(r["split"] == "dev" for r in records) + len(second)
    test_sites = {r["site"] for r in records if r["split"] == "test"}
    assert not test_sites & {r["site"] for r in second}
    groups = json.loads((real / "split.json").read_text())["groups"]
    assert not {u.group for u in units} & {groups[site] for site in test_sites}
    # no site group straddles two CV folds: units sharing a near-copy (their first eight words, as agree.py groups
    # hosts) are in one group, whichever batch they come from, and a host keeps its frozen group
    group_of = {id(r): u.group for r, u in zip([r for r in records if r["split"] == "dev"] + second, units,
                                               strict=True)}
    by_copy: dict[str, set[str]] = {}
    for record in [r for r in records if r["split"] == "dev"] + second:
        words = re.findall(r"[a-z0-9]+", record["text"].lower())
        if len(words) >= 8:
            by_copy.setdefault(" ".join(words[:8]), set()).add(group_of[id(record)])
        assert record["site"] not in groups or group_of[id(record)] == groups[record["site"]]
    # The one exception: amoxicilina.info (second batch) shares near-copies with two first-batch dev hosts whose
    # frozen groups are fixed (drugs.com, dxline.info); it joins drugs.com's, so one sentence of it is in two folds.
    assert {key: found for key, found in by_copy.items() if len(found) > 1} == {
        "if you have ever had an allergic reaction": {"drugs.com", "dxline.info"}}
    assert all(r["group"] == group_of[id(r)] for r in second)  # train_meaning reads agree.py's groups as written


@pytest.mark.parametrize("text", ["- weakness in your leg [@genevay2020]\n", "Weak legs are common [@genevay2020]\n"])
def test_a_trailing_citation_without_a_full_stop_cites_its_sentence(text: str) -> None:
    from medcite.source.document import read_document

    ((_, sentence),) = list(read_document(text).prose.sentences())
    assert sentence.cited and sentence.cite_keys == ("genevay2020",)


def test_make_eval_reads_the_real_scoring_log() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import evaluate_claims
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    logged = evaluate_claims.real_logged()
    assert set(logged) <= {"rules", "model", "meaning"} and all(len(cells) == 4 for cells in logged.values())
    assert all(0 <= value <= 1 for cells in logged.values() for value in cells)


def test_the_plugin_names_a_damaged_model_file(tmp_path: Path, monkeypatch) -> None:
    from mkdocs.config import load_config
    from mkdocs.exceptions import PluginError

    from .conftest import write_project

    meta, arrays = _copy_model(tmp_path)
    _truncate(arrays)
    monkeypatch.setattr(meaning, "META_PATH", meta)
    monkeypatch.setattr(meaning, "ARRAYS_PATH", arrays)
    monkeypatch.setattr(classify_module, "_MEANING", None)
    project = write_project(tmp_path / "site", {"index.md": FRONT + "# Home\n\nText.\n"},
                            plugin_config={"claims": "meaning"})
    config = load_config(str(project / "mkdocs.yml"))
    try:
        with pytest.raises(PluginError, match=f"citations: {arrays}: the claim model's weights are damaged"):
            config.plugins["citations"].on_config(config)
    finally:
        monkeypatch.setattr(classify_module, "_MEANING", None)


def test_the_previous_unit_on_the_page_reaches_the_classifier(monkeypatch) -> None:
    """What a pronoun points to: each sentence gets the unit before it (the heading for the first under one)."""
    bib, _ = parse_bibliography(SMALL_BIB, "refs.bib")
    seen: list[tuple[str, str]] = []

    def spy(text: str, context: Context) -> Verdict:
        seen.append((text, context.prev))
        return Verdict("none", "fragment", "meaning")

    monkeypatch.setitem(classify_module.IN_CONTEXT, "meaning", spy)
    text = FRONT + "\n# Back pain\n\nBack pain is common. It usually settles.\n\n## Steps\n\nFollow these steps:\n\n- lie down\n"
    check_document("p.md", text, bib, MEANING)
    assert seen == [("Back pain is common.", "Back pain"), ("It usually settles.", "Back pain is common."),
                    ("Follow these steps:", "Steps"), ("lie down", "Follow these steps:")]
    model = classify_module.meaning_model()
    alone = model.predict("It usually settles in a few weeks.")
    after = model.predict("It usually settles in a few weeks.", Context(prev="Back pain is very common."))
    assert alone.probabilities != after.probabilities
    assert any(name == "meaning:previous sentence" for name, _ in after.contributions["must"])


@pytest.mark.parametrize(("confident", "expected"), [(False, []), (True, [10])])
def test_an_unsure_item_in_a_list_of_steps_is_a_step(monkeypatch, confident: bool, expected: list[int]) -> None:
    """A list read as a whole: when most of its items are no claim, an item the classifier is unsure of is not
    reported; a confident one still is."""
    bib, _ = parse_bibliography(SMALL_BIB, "refs.bib")

    def fake(text: str, context: Context) -> Verdict:
        if text.startswith("pull"):
            return Verdict("must", "efficacy", "meaning", "test", 0.7, confident=confident)
        return Verdict("none", "instruction", "meaning")

    monkeypatch.setitem(classify_module.IN_CONTEXT, "meaning", fake)
    text = FRONT + "\n# Stretch\n\nFollow these steps:\n\n- lie on your back\n- pull one knee up\n- hold it\n"
    findings = [f for f in check_document("p.md", text, bib, MEANING).findings if f.rule == "uncited-claim"]
    assert [f.line for f in findings] == expected


def test_the_meaning_models_cross_validated_figures_are_stored_with_it() -> None:
    """Floors at the figures of the model as trained (real dev, CV by site group), so a retrained model that does
    worse on the real text fails here; the per-kind-of-site figures travel with it."""
    meta = json.loads(meaning.META_PATH.read_text(encoding="utf-8"))
    cv = meta["cross_validated"]["real-dev"]
    real = ROOT / "tests/eval/real"
    dev = [json.loads(line) for name in ("labelled.jsonl", "labelled-2.jsonl")
           for line in (real / name).read_text(encoding="utf-8").splitlines()]
    assert cv["n"] == sum(r["split"] == "dev" for r in dev) == 7309  # both batches' dev units
    assert cv["must_recall"] >= 0.51 and cv["must_precision"] >= 0.90
    assert cv["must_flagged"] >= 0.74 and cv["should_flagged"] >= 0.80 and cv["none_flagged"] <= 0.08
    assert {label for _, label in meta["kinds"]} == {"must", "should", "none"}
    kinds = meta["cross_validated"]["real-dev by site kind"]
    assert sum(cells["n"] for cells in kinds.values()) == cv["n"] and "leaflet" in kinds and "blog" in kinds


def test_a_kind_list_that_does_not_fit_the_weights_is_an_error(tmp_path: Path) -> None:
    meta, arrays = _copy_model(tmp_path)
    _extra_kind(meta)
    with pytest.raises(ModelFileError) as caught:
        load_model(meta, arrays)
    assert str(arrays) in str(caught.value) and "kind weights have shape" in str(caught.value)


def test_the_kind_head_is_averaged_in() -> None:
    """The second head (the labellers' kinds, summed by label) moves the probabilities; without it they differ."""
    model = classify_module.meaning_model()
    assert model.kind_weights is not None and len(model.kind_labels) == len(model.meta["kinds"]) > 10
    both = model.predict("Ibuprofen can upset your stomach.").probabilities
    alone = dataclasses.replace(model, kind_weights=None).predict("Ibuprofen can upset your stomach.").probabilities
    assert both != alone and abs(sum(both.values()) - 1) < 1e-9

"""Score the claim classifier on the labelled sets, side by side, with the targets and the dev-to-test gap.

    .venv/bin/python scripts/evaluate_claims.py                 # every set (make eval)
    .venv/bin/python scripts/evaluate_claims.py [--errors] FILE.tsv ...
    .venv/bin/python scripts/evaluate_claims.py --score-test    # really score the frozen test split
    .venv/bin/python scripts/evaluate_claims.py --score-real-test [--claims meaning]   # the real frozen split

Real published text (issue 25, tests/eval/real/): the dev split scored by each classifier (rules and model never
saw it; the ``meaning`` model is trained on it, so its figure is the cross-validated one, by site group, stored
with the model), the frozen test split from its log (tests/eval/real/TEST-SCORING.md; ``--score-real-test``
scores it, aggregate figures only, at most three times in all), then the older sets, then the speed of each
classifier (sentences a second on one core, caches cleared) and the model's size on disk.

Sets: claims-dev.tsv / claims-dev2.tsv and independent-dev.tsv are training data for the model
(scripts/train_claims.py), so their scores are fits, not estimates; the honest dev estimate is the
cross-validated one (each register scored by a model that never saw it), stored with the model.
claims-test.tsv (old held-out) is scored every time. independent-test.tsv is the frozen test split:
it may be scored at most three times in all, each logged in tests/eval/TEST-SCORING.md, so by default
this prints the last logged scoring and only ``--score-test`` scores it again (never with --errors).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

from medcite.claims import classify as classify_module
from medcite.claims import embed, meaning, prefilter
from medcite.claims.classify import CLASSIFIERS, IN_CONTEXT, Verdict
from medcite.claims.evaluation import RealUnit, read_labelled, read_real, report, score, score_real
from medcite.claims.learnt import MODEL_PATH
from medcite.claims.table import rule_verdict

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "tests/eval"
FROZEN = EVAL / "independent-test.tsv"
LOG = EVAL / "TEST-SCORING.md"
SCORED = ("claims-dev.tsv", "claims-dev2.tsv", "claims-test.tsv", "independent-dev.tsv")
GAP_TARGET = 0.02
REAL = EVAL / "real"
REAL_LOG = REAL / "TEST-SCORING.md"
REAL_TARGETS = (0.95, 0.90, 0.80, 0.08)


def in_context(name: str) -> Callable[[RealUnit], Verdict]:
    """Classifier ``name`` on a real unit: with its page context where the classifier reads context."""
    contextual = IN_CONTEXT.get(name)
    if contextual is not None:
        return lambda unit: contextual(unit.text, meaning.Context(unit.is_list_item, unit.lead_in, unit.heading,
                                                                  prev=unit.prev))
    plain = CLASSIFIERS[name]
    return lambda unit: plain(unit.text)


def at_error_level(classify: Callable[[str], Verdict]) -> Callable[[str], Verdict]:
    """An uncertain must-cite verdict is a warning: scored as flagged, not as an error-level claim."""
    def scored(text: str) -> Verdict:
        verdict = classify(text)
        if verdict.label == "must" and not verdict.confident:
            return Verdict("should", verdict.kind, verdict.rule, verdict.words, verdict.probability)
        return verdict
    return scored


def real_logged() -> dict[str, list[float]]:
    """The newest logged scoring of the real frozen split per classifier (its 4th cell names it)."""
    found: dict[str, list[float]] = {}
    for line in REAL_LOG.read_text(encoding="utf-8").splitlines():
        if re.match(r"^\|\s*\d+\s*\|", line):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            numbers = [float(x) for x in re.findall(r"\d\.\d+", " ".join(cells[4:7]))]
            if len(numbers) >= 4:
                found[cells[3].split()[0].strip("`")] = numbers[:4]
    return found


def real_table() -> str:
    """Every classifier on the real dev split (CV by site for the model trained on it) and the frozen test."""
    dev = read_real(REAL / "labelled.jsonl", "dev")
    if (REAL / "labelled-2.jsonl").exists():  # the second batch, all dev
        dev += read_real(REAL / "labelled-2.jsonl", "dev")
    logged = real_logged()
    meta = json.loads(meaning.META_PATH.read_text(encoding="utf-8"))
    lines = ["Real published text (tests/eval/real; headings count as not flagged)",
             f"{'classifier':<11}{'set':<30}{'n':>6}{'must recall':>13}{'must prec.':>12}{'should flagged':>16}"
             f"{'none flagged':>14}"]

    def row(name: str, where: str, n: object, cells: tuple[float, ...] | list[float]) -> str:
        return (f"{name:<11}{where:<30}{n!s:>6}{cells[0]:>13.3f}{cells[1]:>12.3f}{cells[2]:>16.3f}"
                f"{cells[3]:>14.3f}")

    for name in ("rules", "model", "meaning"):
        if name == "meaning":
            cv = meta["cross_validated"]["real-dev"]
            dev_cells: tuple[float, ...] = (cv["must_recall"], cv["must_precision"], cv["should_flagged"],
                                            cv["none_flagged"])
            lines.append(row(name, "real dev, CV by site group", cv["n"], dev_cells))
        else:
            dev_cells = score_real(dev, in_context(name)).cells()
            lines.append(row(name, "real dev (never trained on)", len(dev), dev_cells))
        if name in logged:
            lines.append(row(name, "real test * (frozen)", "", logged[name]))
            gaps = [abs(a - b) for a, b in zip(logged[name], dev_cells, strict=False)]
            lines.append(f"{'':<11}{'gap |test - dev|':<30}{'':>6}{gaps[0]:>13.3f}{gaps[1]:>12.3f}{gaps[2]:>16.3f}"
                         f"{gaps[3]:>14.3f}   (target <= {GAP_TARGET})")
        else:
            lines.append(f"{name:<11}{'real test * (frozen)':<30}  not scored yet")
    t = REAL_TARGETS
    lines.append(f"{'targets':<47}{'>= ' + str(t[0]):>13}{'>= ' + str(t[1]):>12}{'>= ' + str(t[2]):>16}"
                 f"{'<= ' + str(t[3]):>14}")
    lines.append(f"* scored at most three times, each logged in {REAL_LOG.relative_to(ROOT)}")
    lines.append(f"meaning: error at P(must) >= {meta['error_threshold']}, warning at P(must) + P(should) >= "
                 f"{meta['flag_threshold']}; trained on {meta['trained_on']}")
    cv = meta["cross_validated"]
    if "must_flagged" in cv["real-dev"]:
        lines.append(f"meaning, real dev CV: must at error or warning {cv['real-dev']['must_flagged']:.3f}; per kind "
                     "of site (must recall at error (precision; at error or warning) / should flagged / none flagged):")
        for kind, c in cv.get("real-dev by site kind", {}).items():
            lines.append(f"  {kind:<16}{c['n']:>5}  {c['must_recall']:.3f} ({c['must_precision']:.3f}; "
                         f"{c['must_flagged']:.3f}) / {c['should_flagged']:.3f} / {c['none_flagged']:.3f}")
    return "\n".join(lines)


def speed_and_size() -> str:
    """Sentences a second of each classifier, on one core, caches cleared; and what the models weigh on disk."""
    texts = [u.text for u in read_real(REAL / "labelled.jsonl", "dev") if not u.is_heading]
    lines = [f"Speed on the {len(texts)} non-heading real dev units (one process, one core, caches cleared; "
             "models loaded first):"]
    classify_module.meaning_model()
    embed.embed_one("warm up")
    for name in ("rules", "model", "meaning"):
        for cached in (rule_verdict, CLASSIFIERS[name], embed.embed_one, meaning._table,
                       classify_module.classify_model, prefilter.scan):
            clear = getattr(cached, "cache_clear", None)
            if clear is not None:
                clear()
        classify = CLASSIFIERS[name]
        started = time.perf_counter()
        for text in texts:
            classify(text)
        seconds = time.perf_counter() - started
        lines.append(f"  {name:<8} {len(texts) / seconds:>9,.0f} sentences/s  {1000 * seconds / len(texts):.3f} ms a "
                     "sentence (target <= 0.1 ms)")
    embed.embed_one.cache_clear()
    started = time.perf_counter()
    for text in texts:
        embed.embed_one(text)
    seconds = time.perf_counter() - started
    lines.append(f"  of which WordLlama's embedding alone: {1000 * seconds / len(texts):.3f} ms a sentence; the rest "
                 "is mostly the rule table's patterns and the word features")
    own = meaning.META_PATH.stat().st_size + meaning.ARRAYS_PATH.stat().st_size
    import wordllama

    weights = sum(p.stat().st_size for p in (Path(wordllama.__file__).parent / "weights").glob("*.safetensors"))
    tokenizer = sum(p.stat().st_size for p in (Path(wordllama.__file__).parent / "tokenizers").glob("*.json"))
    lines.append(f"Model size on disk: meaning {own / 1024:.0f} KB (claims-meaning.json + .npz) + WordLlama "
                 f"{(weights + tokenizer) / 1e6:.1f} MB (weights + tokenizer, in its wheel); model (words) "
                 f"{MODEL_PATH.stat().st_size / 1024:.0f} KB; rules: code only")
    return "\n".join(lines)


def logged_scorings() -> dict[str, tuple[str, list[float]]]:
    """The newest logged scoring of the frozen split per classifier ("model" if its code cell says so)."""
    found: dict[str, tuple[str, list[float]]] = {}
    for line in LOG.read_text(encoding="utf-8").splitlines():
        if re.match(r"^\|\s*\d+\s*\|", line):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            classifier = "model" if "model" in cells[2].lower() else "rules"
            found[classifier] = (f"#{cells[0]} ({cells[2]})", [float(cells[3]), float(cells[4]), float(cells[5])])
    return found


def table() -> str:
    logged = logged_scorings()
    meta = json.loads(MODEL_PATH.read_text(encoding="utf-8"))["meta"]
    header = f"{'classifier':<11}{'set':<22}{'n':>6}{'must recall':>13}{'must prec.':>12}{'should flagged':>16}" \
             f"{'none FP':>9}"
    lines = [header]

    def row(classifier: str, name: str, n: object, must: float, precision: float | None, should: float,
            fp: float) -> str:
        shown = "-" if precision is None else f"{precision:.3f}"
        return f"{classifier:<11}{name:<22}{n!s:>6}{must:>13.3f}{shown:>12}{should:>16.3f}{fp:>9.3f}"

    meaning_meta = json.loads(meaning.META_PATH.read_text(encoding="utf-8"))
    for classifier in ("rules", "model", "meaning"):
        for name in SCORED:
            s = score(read_labelled(EVAL / name), at_error_level(CLASSIFIERS[classifier]))
            trained = classifier == "model" or (classifier == "meaning" and meaning_meta["older_weight"] > 0)
            fit = " (fit)" if trained and name != "claims-test.tsv" else ""
            lines.append(row(classifier, name.removesuffix(".tsv") + fit, s.total, s.must_recall,
                             s.precision("must"), s.should_flagged, s.none_false_positives))
        dev: list[float] | None = None
        if classifier == "model":
            n, must, should, fp = meta["cross_validated"]["all"]
            dev = [must, should, fp]
            lines.append(row(classifier, "independent-dev CV", n, must, None, should, fp))
        if classifier in logged:
            _, (must, should, fp) = logged[classifier]
            lines.append(row(classifier, "independent-test *", "", must, None, should, fp))
            if dev is not None:
                gaps = [abs(a - b) for a, b in zip((must, should, fp), dev, strict=True)]
                lines.append(f"{'':<11}{'gap |test - dev CV|':<22}{'':>6}{gaps[0]:>13.3f}{'':>12}{gaps[1]:>16.3f}"
                             f"{gaps[2]:>9.3f}   (target <= {GAP_TARGET})")
        elif classifier == "meaning":
            lines.append(f"{classifier:<11}{'independent-test *':<22}  not scored (its frozen split is the real one)")
        else:
            lines.append(f"{classifier:<11}{'independent-test *':<22}  not scored yet")
    lines.append(f"{'targets':<33}{'>= 0.95':>13}{'':>12}{'>= 0.80':>16}{'<= 0.08':>9}")
    lines.append("")
    lines.append("(fit): the model was trained on this set, so its score is not an estimate; independent-dev CV scores "
                 "each register with a model that never saw it.")
    lines.append("* frozen test split, scored at most three times: the newest logged scoring per classifier, from "
                 f"{LOG.relative_to(ROOT)}: " + "; ".join(f"{c} {v[0]}" for c, v in logged.items()))
    lines.append("model, cross-validated by held-out register (must recall / should flagged / none FP): " + ", ".join(
        f"{r} {v[1]:.3f}/{v[2]:.3f}/{v[3]:.3f}" for r, v in meta["cross_validated"].items() if r != "all"))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--errors", action="store_true", help="list every misclassified sentence with its reason")
    parser.add_argument("--score-test", action="store_true", help="score the frozen test split (log it!)")
    parser.add_argument("--score-real-test", action="store_true", help="score the frozen real-text test split "
                        "(aggregate figures only; log it!)")
    parser.add_argument("--claims", choices=sorted(CLASSIFIERS), help="classifier for FILEs and --score-test "
                        "(default: model) or --score-real-test (default: meaning)")
    args = parser.parse_args(argv)
    if args.score_test or args.files:
        args.claims = args.claims or "model"
    if args.score_test:
        if args.errors or args.files:
            parser.error("--score-test prints only the aggregate figures of the frozen split")
        print(report(f"{FROZEN.name} ({args.claims})", score(read_labelled(FROZEN), CLASSIFIERS[args.claims]),
                     by_kind=False))
        print(f"\nAppend this scoring to {LOG.relative_to(ROOT)}.")
        return 0
    if args.score_real_test:
        if args.errors or args.files:
            parser.error("--score-real-test prints only the aggregate figures of the frozen split")
        name = args.claims or "meaning"
        cells = score_real(read_real(REAL / "labelled.jsonl", "test"), in_context(name)).cells()
        print(f"real test split ({name}): must recall {cells[0]:.3f} (precision {cells[1]:.3f}) / should flagged "
              f"{cells[2]:.3f} / none flagged {cells[3]:.3f}")
        print(f"\nAppend this scoring to {REAL_LOG.relative_to(ROOT)}.")
        return 0
    if not args.files:
        print(real_table())
        print()
        print(table())
        print()
        print(speed_and_size())
        return 0
    for path in args.files:
        if path.resolve() == FROZEN.resolve():
            parser.error(f"{FROZEN.name} is frozen: use --score-test (aggregate figures only)")
        scores = score(read_labelled(path), CLASSIFIERS[args.claims])
        print(report(f"{path.name} ({args.claims})", scores))
        if args.errors:
            for gold, kind, sentence, verdict in scores.mistakes:
                print(f"    gold={gold}/{kind} got={verdict.label} via {verdict.why()}: {sentence}")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())

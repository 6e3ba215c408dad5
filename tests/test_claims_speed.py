"""The fast claim check (issue 25, speed) gives the same answers as the plain one, sentence by sentence.

The fast path (:mod:`medcite.claims.prefilter`) skips a rule-table pattern that cannot match a sentence and starts
the others where a match can begin; the meaning model works out only the explanation it shows. The reference is the
plain path: every pattern searched from the start (``prefilter.FAST = False``) and the model's explanation sorted in
full, as the code did before (``reference_predict`` below). Both run over every sentence of the labelled dev sets,
the real dev units (split == "dev" only) with their page context, and the site's own pages; every rule match, label,
kind, reason and probability must agree."""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from medcite.claims import classify as classify_module
from medcite.claims import embed, learnt, meaning, prefilter, table
from medcite.claims.embed import DIM
from medcite.claims.evaluation import read_labelled, read_real
from medcite.claims.learnt import Prediction
from medcite.claims.meaning import DENSE, EMBEDDED, NO_CONTEXT, Context, MeaningModel, embeddings, symbolic_features
from medcite.lint.checks import MAX_CLASSIFIED_CHARS
from medcite.lint.pagecontext import place_blocks
from medcite.source.document import read_document

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "tests/eval"
DEV_SETS = ("claims-dev.tsv", "claims-dev2.tsv", "independent-dev.tsv")
RULES = (*table.STRUCTURE_RULES, *table.STRONG_RULES, *table.SHOULD_RULES, *table.WEAK_RULES)


def page_sentences() -> list[tuple[str, Context]]:
    """Every sentence of the site's pages, with the context the linter gives it."""
    found = []
    for path in sorted((ROOT / "content").rglob("*.md")):
        page = read_document(path.read_text(encoding="utf-8"))
        document = page.prose_until(math.inf)
        placed = place_blocks(page.masked_alt.split("\n"), document.blocks)
        for block, sentence in document.sentences():
            where = placed.get(id(block))
            found.append((sentence.text[:MAX_CLASSIFIED_CHARS], where.context if where is not None else NO_CONTEXT))
    return found


@pytest.fixture(scope="module")
def sentences() -> list[tuple[str, Context]]:
    found = [(sentence, NO_CONTEXT) for name in DEV_SETS for _, _, sentence in read_labelled(EVAL / name)]
    found += [(unit.text, Context(unit.is_list_item, unit.lead_in, unit.heading, prev=unit.prev))
              for unit in read_real(EVAL / "real/labelled.jsonl", "dev")]
    pages = page_sentences()
    assert len(pages) > 500 and len(found) > 4000
    return found + pages


def clear() -> None:
    for cached in (table.rule_verdict, classify_module.classify_model, classify_module.classify_meaning,
                   meaning._table, prefilter.scan, embed.embed_one):
        cached.cache_clear()


@contextmanager
def plain() -> Iterator[None]:
    """The reference: every pattern searched plainly, every text embedded by WordLlama's own code, the meaning
    model's explanation sorted in full."""
    saved = MeaningModel.predict
    prefilter.FAST = embed.FAST = False
    MeaningModel.predict = reference_predict  # type: ignore[method-assign]
    clear()
    try:
        yield
    finally:
        prefilter.FAST = embed.FAST = True
        MeaningModel.predict = saved  # type: ignore[method-assign]
        clear()


def reference_predict(self: MeaningModel, text: str, context: Context = NO_CONTEXT) -> Prediction:
    """MeaningModel.predict as it was before the fast path: every label's contributions, sorted with a key."""
    import numpy as np

    dense = embeddings(text, context)
    index = self.index
    columns = [index[name] for name in symbolic_features(text, context) if name in index]
    blocks = len(EMBEDDED)
    parts = np.empty((blocks + len(columns), len(self.labels)))
    for block in range(blocks):
        parts[block] = dense[block * DIM:(block + 1) * DIM] @ self.weights[block * DIM:(block + 1) * DIM]
    parts[blocks:] = self.weights[columns]
    scores = parts.sum(axis=0) + self.bias
    exps = np.exp(scores - scores.max())
    probabilities = exps / exps.sum()
    if self.kind_weights is not None and self.kind_bias is not None:
        kind_scores = dense @ self.kind_weights[:DENSE] + self.kind_weights[columns].sum(axis=0) + self.kind_bias
        kind_exps = np.exp(kind_scores - kind_scores.max())
        by_label = np.bincount(self.kind_labels, weights=kind_exps / kind_exps.sum(), minlength=len(self.labels))
        probabilities = (probabilities + by_label) / 2
    names = [*("meaning:" + part for part in EMBEDDED), *(self.names[c - DENSE] for c in columns)]
    contributions: dict[str, list[tuple[str, float]]] = {}
    for j, label in enumerate(self.labels):
        push = parts[:, j] - (parts.sum(axis=1) - parts[:, j]) / (len(self.labels) - 1)
        contributions[label] = sorted(((names[i], float(push[i])) for i in range(len(names))),
                                      key=lambda item: (-item[1], item[0]))
    return Prediction({label: float(probabilities[j]) for j, label in enumerate(self.labels)}, contributions)


def run_all(sentences: list[tuple[str, Context]]) -> dict[str, list[object]]:
    clear()
    out: dict[str, list[object]] = {"rule matches": [], "features": [], "symbolic": [], "rules": [], "model": [],
                                    "meaning": [], "contributions": []}
    model = classify_module.meaning_model()
    for text, context in sentences:
        normal = table.normalise(text)
        out["rule matches"].append([(m.group(0), m.span()) if (m := rule.match(normal)) else None for rule in RULES])
        out["features"].append(learnt.features(normal))
        out["symbolic"].append(symbolic_features(normal, context))
        out["rules"].append(classify_module.classify_rules(text))
        out["model"].append(classify_module.classify_model(text))
        out["meaning"].append(classify_module.classify_meaning(text, context))
    for text, context in sentences[::25]:  # the whole explanation, every label, on a sample
        out["contributions"].append(dict(model.predict(table.normalise(text), context).contributions))
    return out


def test_fast_path_gives_the_plain_answers(sentences: list[tuple[str, Context]]) -> None:
    fast = run_all(sentences)
    with plain():
        reference = run_all(sentences)
    for part in ("rule matches", "features", "symbolic", "rules", "model"):
        for (text, _), got, expected in zip(sentences, fast[part], reference[part], strict=True):
            assert got == expected, f"{part} differ on {text!r}"
    for (text, _), got, expected in zip(sentences, fast["meaning"], reference["meaning"], strict=True):
        assert (got.label, got.kind, got.rule, got.words, got.confident) == (
            expected.label, expected.kind, expected.rule, expected.words, expected.confident), text
        assert (got.probability is None) == (expected.probability is None), text
        if got.probability is not None:
            assert abs(got.probability - expected.probability) <= 1e-9, text
    for got_all, expected_all in zip(fast["contributions"], reference["contributions"], strict=True):
        assert list(got_all) == list(expected_all)
        for label in expected_all:
            assert [name for name, _ in got_all[label]] == [name for name, _ in expected_all[label]]
            assert all(abs(a - b) <= 1e-9 for (_, a), (_, b) in zip(got_all[label], expected_all[label], strict=True))


def test_one_text_embedded_directly_is_wordllamas_vector_to_the_bit(sentences: list[tuple[str, Context]]) -> None:
    """embed_one's direct path gives exactly WordLlama's (and embed()'s) vector, on every sentence and lead-in and
    on texts with no words, odd characters or a single token."""
    import numpy as np

    texts = {table.normalise(text) for text, _ in sentences} | {context.lead_in for _, context in sentences}
    texts |= {"", " ", "\n", "x", "999", "\u00e9t\u00e9", "\U0001f600", "\u2014 \u2014", "A" * 3000}
    embed.embed_one.cache_clear()
    for text in sorted(texts):
        expected = embed.embed([text])[0]
        got = embed.embed_one(text)
        assert got.dtype == expected.dtype and got.shape == expected.shape, text
        assert np.array_equal(got, expected), text
    embed.embed_one.cache_clear()


def variants(text: str) -> list[str]:
    """The same sentence in other cases and with the letters IGNORECASE folds onto ASCII ones."""
    odd = text.replace("s", "\u017f").replace("k", "\u212a").replace("i", "\u0131").replace("I", "\u0130")
    return [text.upper(), text.title(), odd, "\u00e9" + text.swapcase()]


def test_every_pattern_searched_through_the_prefilter_answers_as_re_does(
        sentences: list[tuple[str, Context]]) -> None:
    """Pattern by pattern, on every sentence and lead-in (and, for a sample, odd-cased variants), whether or not
    the classifier would have asked: the same match, from the start and from a later position."""
    clear()
    for text, _ in sentences[:50]:
        classify_module.classify_meaning(text)  # registers every pattern the classifiers search
    patterns = list(prefilter.REGISTRY.patterns)
    assert len(patterns) >= 40
    texts = {table.normalise(text) for text, _ in sentences} | {table.normalise(c.lead_in) for _, c in sentences}
    texts |= {variant for text in sorted(texts)[::20] for variant in variants(text)}
    for number, text in enumerate(sorted(texts)):
        for pattern in patterns:
            for pos in (0, 7) if number % 5 == 0 and len(text) > 7 else (0,):
                expected = pattern.search(text, pos)
                got = prefilter.search(pattern, text, pos)
                assert (got and (got.span(), got.group(0))) == (expected and (expected.span(), expected.group(0))), (
                    pattern.pattern[:80], text, pos)


@pytest.mark.parametrize(("pattern", "text"), [
    (r"pain", "Spain is sunny"),  # no \b: the letters may sit inside a word
    (r"\bpain", "Spain is sunny"),
    (r"\bpain\w*", "it was PAINFUL"),
    (r"\w+(?:itis|osis)\b", "tendinitis and scoliosis"),
    (r"(?<!desk )\bwork", "desk work helps; work helps"),
    (r"^(?:the|a) \w+ is|\bmeans\b", "which means the knee is"),
    (r"^(?:the|a) \w+ is|\bmeans\b", "the knee is sore"),
    (r"\bkelvin\b", "\u212aelvin"),  # IGNORECASE matches the Kelvin sign with k
    (r"\bsoft\b", "\u017foft"),  # ... and the long s with s
    (r"\bit\b", "\u0130t works"),  # ... and dotted capital I with i (str.lower makes two characters of it)
    (r"\b\d+ ?mg\b", "take 500 mg"),
    (r"(?:\s|^)x-rays?\b", "an X-RAY"),
    (r"[a-z]+ing\b", "Stretching"),
    (r"(?i:stop)\b|\bGo\b", "STOP now"),
    (r"(?a)\bcafe\b", "\u00e9cafe"),  # ASCII \b sees a boundary inside what is one word to us
    # Where RE2 (the set of plain patterns) and re read a text differently: such texts are not given to the set.
    (r"\bpain$", "back pain\n"),  # re's $ also matches before a final newline
    (r"a\sb", "a\x0bb"),  # re's \s matches \v and \x1c-\x1f, RE2's does not
    (r"a\sb", "a\x1fb"),
    (r"\w+itis\b", "\u00f1itis"),  # RE2's \w and \b are ASCII
    (r"\bitis\b", "\u00f1itis"),
    (r"\d", "\u0663"),  # an Arabic-Indic digit
    (r"a\Wb", "a\u00a0b"),  # a no-break space
    (r"\bdon\W+t\b", "don\u2019t"),  # a typographic apostrophe: the set reads it as re does
    (r"x.{0,2}y", "x\u2019\u2019y"),  # . is one character, not one byte
    (r"^[^.!?]{0,2}y", "\u201c\u201dy"),
])
def test_tricky_patterns(pattern: str, text: str) -> None:
    compiled = re.compile(pattern, re.IGNORECASE)
    prefilter.scan.cache_clear()
    for pos in range(len(text)):
        expected = compiled.search(text, pos)
        got = prefilter.search(compiled, text, pos)
        assert (got and got.span()) == (expected and expected.span()), (pattern, text, pos)
    assert prefilter.scan(text).test(compiled) == (compiled.search(text) is not None), (pattern, text)


@pytest.mark.parametrize(("text", "settable"), [
    ("Most people get better.", True),
    ("Tabs\tand\rcarriage returns\fand form feeds", True),
    ("It doesn\u2019t \u2014 \u201cusually\u201d \u2026 hurt \u00b0 \u00a3", True),  # punctuation, symbols
    ("two lines\n", False),  # re's $
    ("a\x0bb", False),  # re's \s
    ("a\x1cb", False),
    ("caf\u00e9", False),  # a letter beyond ASCII: RE2's \w and \b are ASCII
    ("\u0663 days", False),  # a digit beyond ASCII
    ("\u00bd a tablet", False),  # a number beyond ASCII is a word character to re
    ("a\u00a0b", False),  # a space beyond ASCII
    ("\u212a", False),  # the Kelvin sign: IGNORECASE matches it with k
    ("\u24b6", False),  # a circled letter has a lower case
    ("", True),
])
def test_which_texts_the_re2_set_reads(text: str, settable: bool) -> None:
    assert prefilter.settable(text) == settable


@pytest.mark.parametrize(("pattern", "flags", "source"), [
    (r"\bpain\w*\b", re.IGNORECASE, r"(?i)\bpain\w*\b"),
    (r"^(?:a|the) (?P<verb>go|stop)\b", 0, r"^(?:a|the) (?P<verb>go|stop)\b"),
    (r"(?i:stop)\b", 0, r"(?i:stop)\b"),
    (r"\d{1,3}", 0, r"\d{1,3}"),
    (r"\bwork(?! by)", re.IGNORECASE, None),  # look-ahead
    (r"(?<!desk )\bwork", re.IGNORECASE, None),  # look-behind
    (r"(a)\1", 0, None),  # back reference
    (r"\bpain\Z", 0, None),  # \Z is RE2's \z; left to re
    (r"a{,3}", 0, None),  # {,3}: a repeat to re, a literal to RE2
    (r"\bif\b.{0,80}\bworse\b", re.IGNORECASE, None),  # a long repeat: RE2's automaton would keep growing
    (r"\bsee\b.*\bgp\b", 0, None),
    (r"\w++", 0, None),  # possessive
    (r"\u00e9t\u00e9", 0, None),
    ("\u00e9t\u00e9", 0, None),  # beyond ASCII
    (r"(?x) a b", 0, None),  # other flags
    (r"^a$", re.MULTILINE, None),
])
def test_which_patterns_the_re2_set_reads(pattern: str, flags: int, source: str | None) -> None:
    assert prefilter.re2_source(re.compile(pattern, flags)) == source


def test_every_registered_pattern_is_tested_through_the_re2_set_as_re_answers(
        sentences: list[tuple[str, Context]]) -> None:
    """Scan.test (the RE2 set's answer for a plain pattern, re's for the others) is re's, on every sentence and
    lead-in and on odd variants; and the set does answer for most sentences and most of the table's patterns."""
    clear()
    for text, _ in sentences[:50]:
        classify_module.classify_meaning(text)
    patterns = list(prefilter.REGISTRY.patterns)
    exact = [pattern for pattern in patterns if prefilter.REGISTRY.bits[id(pattern)] & prefilter.REGISTRY.exact]
    assert len(exact) >= 20
    texts = {table.normalise(text) for text, _ in sentences} | {c.lead_in for _, c in sentences}
    texts |= {variant for text in sorted(texts)[::20] for variant in variants(text)}
    texts |= {text + "\n" for text in sorted(texts)[::50]} | {text.replace("'", "\u2019") for text in texts}
    answered = 0
    for text in sorted(texts):
        scanned = prefilter.Scan(text)
        answered += bool(scanned.exact)
        for pattern in patterns:
            assert scanned.test(pattern) == (pattern.search(text) is not None), (pattern.pattern[:80], text)
    assert answered > len(texts) * 0.8


def test_a_pattern_first_searched_after_a_sentence_was_scanned_is_searched_plainly() -> None:
    prefilter.scan.cache_clear()
    text = "Ice eases a sprained ankle."
    old = prefilter.scan(text)
    late = re.compile(r"\bsprain\w*")
    assert id(late) not in prefilter.REGISTRY.bits
    found = old.search(late)
    assert found is not None and found.group(0) == "sprained"
    assert old.search(late).span() == (12, 20)  # registered now, but after `old` was made: still searched


def test_folding_keeps_positions_word_characters_and_ignorecase_letters() -> None:
    """fold() is one character for one, keeps word and non-word characters apart, and turns every character that
    IGNORECASE matches with an ASCII character into that character's lower case (checked on every code point)."""
    everything = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    folded = prefilter.fold(everything)
    assert len(folded) == len(everything)
    assert [m.span() for m in re.finditer(r"\w+", folded)] == [m.span() for m in re.finditer(r"\w+", everything)]
    for code in range(32, 127):
        char = chr(code)
        for found in re.finditer(re.escape(char), everything, re.IGNORECASE):
            assert folded[found.start()] == char.lower(), (char, hex(ord(found.group())))

"""The real-text corpus (tests/eval/real): its segmenter and that units.jsonl is what the saved
search answers produce."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

REAL = Path(__file__).parent / "eval" / "real"
FIELDS = {
    "id",
    "site",
    "url",
    "site_kind",
    "heading",
    "prev",
    "list_lead_in",
    "is_list_item",
    "is_heading",
    "text",
    "copies",
    "source",
}


def _collect() -> ModuleType:
    spec = importlib.util.spec_from_file_location("real_collect", REAL / "collect.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["real_collect"] = module
    spec.loader.exec_module(module)
    return module


def test_page_is_split_into_headings_sentences_and_list_items_with_their_lead_in() -> None:
    collect = _collect()
    excerpt = (
        "Sciatica\n\n"
        "Sciatica is nerve pain. It usually gets better in 4 to 6 weeks.\n\n"
        "Go to A&E if you:\n"
        "- have numbness around your genitals\n"
        "-\n"
        "cannot pee\n"
        "  • have weakness in both legs\n"
        "Treatments\n"
        "Your GP may suggest exercises.\n"
    )
    units, dropped = collect.page_units(excerpt)
    shape = [(u["text"], u["is_heading"], u["is_list_item"], u["heading"], u["list_lead_in"]) for u in units]
    assert shape == [
        ("Sciatica", True, False, "", ""),
        ("Sciatica is nerve pain.", False, False, "Sciatica", ""),
        ("It usually gets better in 4 to 6 weeks.", False, False, "Sciatica", ""),
        ("Go to A&E if you:", False, False, "Sciatica", ""),
        ("have numbness around your genitals", False, True, "Sciatica", "Go to A&E if you:"),
        ("cannot pee", False, True, "Sciatica", "Go to A&E if you:"),
        ("have weakness in both legs", False, True, "Sciatica", "Go to A&E if you:"),
        ("Treatments", True, False, "Sciatica", ""),
        ("Your GP may suggest exercises.", False, False, "Treatments", ""),
    ]
    assert dropped == 0


def test_a_sentence_cut_by_the_excerpt_and_layout_debris_are_dropped() -> None:
    collect = _collect()
    excerpt = "x\n\ntd\n\n" + "Rest helps. " * 90 + "Ice can also ease the swel"
    units, dropped = collect.page_units(excerpt)
    assert units[-1]["text"] == "Rest helps."
    assert not any(u["text"] in {"x", "td"} or u["text"].endswith("swel") for u in units)
    assert dropped == 3


def test_units_file_is_what_the_saved_answers_produce() -> None:
    collect = _collect()
    units, stats = collect.collect()
    lines = (REAL / "units.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == units
    assert stats["units"] >= 3000 and stats["pages"] >= 150 and stats["hosts"] >= 80
    assert all(set(u) == FIELDS for u in units)
    per_site: dict[str, int] = {}
    for u in units:
        per_site[u["site"]] = per_site.get(u["site"], 0) + 1
    assert max(per_site.values()) <= collect.MAX_PER_SITE
    keys = [(u["text"], u["heading"], u["list_lead_in"]) for u in units]
    assert len(keys) == len(set(keys))

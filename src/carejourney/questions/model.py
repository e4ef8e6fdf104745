"""Loading the sentence encoder once per process, and keeping the pathway's sentence vectors on disk.

The only I/O of the question box. Embedding all the pathway's sentences (FAQ phrasings, off-topic
examples, red-flag examples and look-alikes: about 1,700) takes seconds, so vectors are kept per
sentence, as float16 (no triage decision changes; half the size):
- the package ships them for its built-in pathways (`sentence_vectors.npz`, rebuilt by
  `make vectors`), so a fresh install is ready in half a second;
- sentences it lacks (a clinic's own phrasings) are embedded once and kept in
  `$CAREJOURNEY_DATA_DIR/cache/questions/` (default ./var), so an edit costs only its new sentences.
Both are keyed by the model files, so other weights never get these vectors. A store that cannot be
read or written is simply recomputed.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

import numpy as np

from carejourney.questions.embedding import DIM, SentenceEncoder, default_model_dir

_lock = threading.Lock()
_store_lock = threading.Lock()  # one writer of the local store per process
_SET_THREADS = ("scipy_openblas_set_num_threads64_", "openblas_set_num_threads64_", "openblas_set_num_threads")


def limit_blas_threads(n: int) -> bool:
    """Run numpy's OpenBLAS on `n` threads; True when done.

    One short sentence is a few small matrix products: spreading them over threads gains nothing,
    and on a busy server the threads wait for each other (measured: 5x slower under load). Uses
    the library's own setter, found among the loaded shared libraries (Linux), as threadpoolctl does.
    """
    try:
        with open("/proc/self/maps") as fh:
            paths = {line.split()[-1] for line in fh if "openblas" in line.lower() and ".so" in line}
    except OSError:
        return False
    done = False
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for name in _SET_THREADS:
            setter = getattr(lib, name, None)
            if setter is not None:
                setter(ctypes.c_int(n))
                done = True
                break
    return done


def _message_threads() -> int:
    try:
        return int(os.environ.get("CAREJOURNEY_BLAS_THREADS", "1"))
    except ValueError:
        return 1


@lru_cache(maxsize=1)
def encoder() -> SentenceEncoder:
    """The process's one all-MiniLM-L6-v2 encoder (numpy's BLAS set to $CAREJOURNEY_BLAS_THREADS threads, default 1)."""
    with _lock:
        loaded = SentenceEncoder.load()
        if _message_threads() > 0:
            limit_blas_threads(_message_threads())
        return loaded


def encode_in_bulk(sentences: list[str]) -> np.ndarray:
    """Embed many sentences on every core: one thread per core, each on its share of the sentences.

    Threads rather than BLAS threads: on batches this small, more BLAS threads gained nothing, while
    separate batches on separate cores (numpy releases the GIL) ran 2x faster on 2 cores.
    """
    enc = encoder()
    workers = max(1, min(os.cpu_count() or 1, len(sentences) // 64))
    if workers == 1:
        return enc.encode(sentences)
    shares = [sentences[i::workers] for i in range(workers)]
    with ThreadPoolExecutor(workers) as pool:
        parts = list(pool.map(enc.encode, shares))
    out = np.empty((len(sentences), DIM), dtype=np.float32)
    for i, part in enumerate(parts):
        out[i::workers] = part
    return out


@lru_cache(maxsize=1)
def known_words() -> frozenset[str]:
    """Whole words of the model's vocabulary: a dictionary that keeps real words from being 'corrected'."""
    vocab = encoder().tokenizer.get_vocab()
    return frozenset(w for w in vocab if w.isalpha() and w.isascii() and len(w) > 1)


def _cache_dir() -> Path:
    return Path(os.environ.get("CAREJOURNEY_DATA_DIR", "var")) / "cache" / "questions"


#: Vectors of the built-in pathways' sentences, shipped with the package (see `make vectors`).
SHIPPED_VECTORS = Path(__file__).with_name("sentence_vectors.npz")
#: The most sentences the local store keeps; the oldest go first. A bound, far above any pathway's size.
STORE_LIMIT = 50_000
_STORED = np.float16


@lru_cache(maxsize=1)
def _model_fingerprint() -> str:
    """The weights' size and a hash of their first and last 64 KiB: the same model however it was installed."""
    weights = default_model_dir() / "model.safetensors"
    size = weights.stat().st_size
    with open(weights, "rb") as fh:
        head = fh.read(65536)
        fh.seek(max(0, size - 65536))
        tail = fh.read()
    return f"{size}:{hashlib.sha256(head + tail).hexdigest()}"


def sentence_key(sentence: str) -> bytes:
    return hashlib.sha256(sentence.encode("utf-8")).digest()[:16]


def read_store(path: Path) -> dict[bytes, np.ndarray]:
    """Vectors by sentence key from a store file; empty when it is missing, unreadable or for another model."""
    try:
        with np.load(path, allow_pickle=False) as data:
            model_id, keys, vectors = str(data["model"]), data["keys"], data["vectors"]
    except (OSError, ValueError, KeyError):
        return {}
    if model_id != _model_fingerprint() or keys.ndim != 2 or keys.shape[1] != 16 or vectors.shape != (len(keys), DIM):
        return {}
    return {k.tobytes(): v for k, v in zip(keys, vectors.astype(_STORED, copy=False))}


def write_store(path: Path, vectors: dict[bytes, np.ndarray]) -> None:
    """Write a store file atomically (readers see the old file or the new one, never half of one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    keys = np.frombuffer(b"".join(vectors), dtype=np.uint8).reshape(len(vectors), 16)
    stacked = np.stack(list(vectors.values())).astype(_STORED) if vectors else np.empty((0, DIM), _STORED)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    with open(tmp, "wb") as fh:
        np.savez(fh, model=np.array(_model_fingerprint()), keys=keys, vectors=stacked)
    os.replace(tmp, path)


def _local_store() -> Path:
    return _cache_dir() / "sentence_vectors.npz"


def sentence_vectors(sentences: list[str], use_cache: bool = True) -> np.ndarray:
    """Vectors for `sentences` (n, 384) float32, rounded through float16 whether stored or just computed.

    Looked up in the shipped store, then the local one; the rest are embedded on every core and
    added to the local store.
    """
    if not use_cache:
        return encoder().encode(sentences)
    keys = [sentence_key(s) for s in sentences]
    local_path = _local_store()
    with _store_lock:
        local = read_store(local_path)
        known = {**read_store(SHIPPED_VECTORS), **local}
        missing = {k: s for s, k in zip(sentences, keys) if k not in known}
        if missing:
            fresh = dict(zip(missing, encode_in_bulk(list(missing.values())).astype(_STORED)))
            known.update(fresh)
            kept = {**local, **fresh}
            if len(kept) > STORE_LIMIT:
                kept = dict(list(kept.items())[-STORE_LIMIT:])
            try:
                write_store(local_path, kept)
            except OSError:
                pass
    if not sentences:
        return np.empty((0, DIM), dtype=np.float32)
    return np.stack([known[k] for k in keys]).astype(np.float32)

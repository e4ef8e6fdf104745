"""Loading the sentence encoder once per process, and caching the FAQ's sentence vectors on disk.

The only I/O of the question box. Embedding the pathway's sentences (FAQ phrasings, off-topic
examples, red-flag examples and look-alikes: about 1,700) takes a few seconds; the vectors are kept
in `$CAREJOURNEY_DATA_DIR/cache/questions/` (default ./var), keyed by a hash of the model files and
the sentences, so a restart is ready in half a second. `carejourney init` and `pathway load` fill the
cache before a server starts. A cache that cannot be read or written is simply recomputed.
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


def sentence_vectors(sentences: list[str], use_cache: bool = True) -> np.ndarray:
    """Vectors for `sentences` (n, 384), from the disk cache when the same sentences were embedded before."""
    if not use_cache:
        return encoder().encode(sentences)
    digest = hashlib.sha256("\x00".join([_model_fingerprint(), *sentences]).encode()).hexdigest()[:32]
    path = _cache_dir() / f"{digest}.npy"
    try:
        vectors = np.load(path, allow_pickle=False)
        if vectors.shape == (len(sentences), DIM) and vectors.dtype == np.float32:
            return vectors
    except (OSError, ValueError):
        pass
    vectors = encode_in_bulk(sentences)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            np.save(fh, vectors, allow_pickle=False)
        os.replace(tmp, path)
    except OSError:
        pass
    return vectors

"""The pathway's sentence vectors: shipped for the built-in pathway, and kept per sentence on disk."""

import numpy as np
import pytest

from carejourney.pathways.loader import builtin_pathway
from carejourney.questions import model
from carejourney.questions.box import embedded_sentences


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CAREJOURNEY_DATA_DIR", str(tmp_path))
    return tmp_path


def local_store(data_dir):
    return model.read_store(data_dir / "cache" / "questions" / "sentence_vectors.npz")


def test_shipped_vectors_cover_the_builtin_pathway():
    shipped = model.read_store(model.SHIPPED_VECTORS)
    missing = [s for s in embedded_sentences(builtin_pathway("mild")) if model.sentence_key(s) not in shipped]
    assert not missing, (f"{len(missing)} sentences of mild.yaml have no shipped vector (first: {missing[0]!r}): "
                         "run `make vectors` and commit src/carejourney/questions/sentence_vectors.npz")


def test_shipped_vectors_are_the_models_own():
    sentences = embedded_sentences(builtin_pathway("mild"))[::100]
    shipped = model.read_store(model.SHIPPED_VECTORS)
    stored = np.stack([shipped[model.sentence_key(s)] for s in sentences]).astype(np.float32)
    fresh = model.encoder().encode(sentences)
    assert np.abs(stored - fresh).max() < 2e-3  # float16 rounding


def test_a_clinics_new_sentences_are_embedded_once_and_kept(data_dir):
    known = embedded_sentences(builtin_pathway("mild"))[:5]
    ours = ["Can my grandson drive me home after the MILD visit?", "Is there a lift at the clinic entrance?"]
    vectors = model.sentence_vectors([*known, *ours, ours[0]])

    kept = local_store(data_dir)
    assert set(kept) == {model.sentence_key(s) for s in ours}  # the shipped ones are not copied
    fresh = model.encoder().encode(ours)
    assert np.abs(vectors[5:7] - fresh).max() < 2e-3
    assert np.array_equal(vectors[7], vectors[5])
    assert vectors.dtype == np.float32 and vectors.shape == (8, model.DIM)
    assert np.array_equal(model.sentence_vectors(ours), vectors[5:7])  # a later start reads them back


def test_an_unreadable_store_is_rebuilt(data_dir):
    path = data_dir / "cache" / "questions" / "sentence_vectors.npz"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a numpy file")
    vectors = model.sentence_vectors(["Where do I park on the day?"])
    assert vectors.shape == (1, model.DIM)
    assert list(local_store(data_dir)) == [model.sentence_key("Where do I park on the day?")]


def test_vectors_of_another_model_are_not_used(data_dir):
    path = data_dir / "other.npz"
    np.savez(path, model=np.array("some other model"), keys=np.zeros((1, 16), np.uint8),
             vectors=np.zeros((1, model.DIM), np.float16))
    assert model.read_store(path) == {}


def test_the_local_store_keeps_the_newest_sentences(data_dir, monkeypatch):
    monkeypatch.setattr(model, "STORE_LIMIT", 3)
    model.sentence_vectors(["first question", "second question"])
    model.sentence_vectors(["third question", "fourth question"])
    assert set(local_store(data_dir)) == {model.sentence_key(s) for s in ("second question", "third question", "fourth question")}

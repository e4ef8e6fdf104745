#!/usr/bin/env python3
"""Rebuild the sentence vectors shipped with the package for its built-in pathways: `make vectors`.

    scripts/ship_sentence_vectors.py

Run it after editing a built-in pathway's phrasings, examples or look-alikes (a test says when it is
due). Without it nothing breaks: the missing sentences are embedded on the first start and kept in
the local store, but that first start takes longer. Vectors already in the local store are reused.
"""

from __future__ import annotations

import sys


def main() -> int:
    from carejourney.pathways.loader import BUILTIN_DIR, PathwayError, load_pathway
    from carejourney.questions import model
    from carejourney.questions.box import embedded_sentences

    wanted: list[str] = []
    for path in sorted(BUILTIN_DIR.glob("*.yaml")):
        try:
            pathway = load_pathway(path)
        except PathwayError as exc:
            sys.exit(f"ship_sentence_vectors: {path.name} does not load:\n" + "\n".join(exc.problems))
        if pathway.question_box is None:
            continue
        sentences = embedded_sentences(pathway)
        print(f"{path.name}: {len(sentences)} sentences", flush=True)
        wanted += sentences
    wanted = list(dict.fromkeys(wanted))
    before = model.read_store(model.SHIPPED_VECTORS)
    keys = [model.sentence_key(s) for s in wanted]
    new = sum(k not in before for k in keys)
    print(f"embedding {new} sentences not shipped yet...", flush=True)
    vectors = model.sentence_vectors(wanted)
    model.write_store(model.SHIPPED_VECTORS, dict(zip(keys, vectors)))
    dropped = len(set(before) - set(keys))
    size = model.SHIPPED_VECTORS.stat().st_size / 1e6
    print(f"{len(wanted)} sentences shipped ({new} new, {dropped} no longer used): "
          f"{model.SHIPPED_VECTORS.name}, {size:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

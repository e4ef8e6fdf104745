"""Red flags by meaning: a second check for the symptoms the word rules have no pattern for.

Word rules (red_flags.py) read negation, tense and numbers, but every new batch of patient messages
brings a phrasing no rule foresaw ("thumping head whenever I'm vertical"). This check compares the
message's sentence vector with the pathway's examples of each red flag and with calm sentences (the
look-alikes that are not red flags, the FAQ phrasings and the off-topic examples): when the closest
red-flag example is close enough AND closer than any calm sentence by a calibrated lead, the message
is urgent. It only ever adds a flag to what the rules found, never removes one. Pure: vectors in,
verdict out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from carejourney.pathways.question_box import ByMeaning


@dataclass(frozen=True)
class Likeness:
    #: The red flag of the closest example, and that example.
    category: str
    example: str
    #: Mean cosine to the red flag's closest examples.
    similarity: float
    #: similarity minus the cosine to the closest calm sentence.
    lead: float

    def is_urgent(self, rule: ByMeaning) -> bool:
        return self.similarity >= rule.similarity_at_least and self.lead >= rule.lead_at_least


class ExampleNet:
    """The red-flag examples of one language (with their categories) against the calm sentences."""

    def __init__(self, examples: list[tuple[str, str]], example_vectors: np.ndarray, calm_vectors: np.ndarray,
                 top: int = 2):
        if len(examples) != len(example_vectors) or not len(examples) or not len(calm_vectors):
            raise ValueError("the meaning check needs one vector per red-flag example and some calm sentences")
        self.examples = examples
        self.urgent = np.ascontiguousarray(example_vectors, dtype=np.float32)
        self.calm = np.ascontiguousarray(calm_vectors, dtype=np.float32)
        self.top = top
        self.categories = sorted({c for c, _ in examples})
        self.members = [np.array([i for i, (c, _) in enumerate(examples) if c == cat]) for cat in self.categories]

    def likeness(self, vector: np.ndarray) -> Likeness:
        """Per red flag, the mean of its `top` closest examples (one lucky example counts less than two
        close ones); the red flag with the highest, against the closest calm sentence."""
        sims = self.urgent @ vector
        scores = [float(np.sort(sims[m])[-self.top:].mean()) for m in self.members]
        k = int(np.argmax(scores))
        best = int(self.members[k][np.argmax(sims[self.members[k]])])
        calm = float(np.max(self.calm @ vector))
        return Likeness(self.categories[k], self.examples[best][1], scores[k], scores[k] - calm)

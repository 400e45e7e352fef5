"""Synthetic corpora for the supervised machine coder, where the signal is known.

Made-up words only (nothing from any real article). Some sentences hold a trigger word of a
code, and the coder codes exactly those sentences with it; an article with opinion words
("editorial", "should", …) in three of its sentences is coded Genre > Opinion as a whole,
any other Genre > Report. With ``shuffled`` the same number of codings lands on sentences
(and articles) drawn at random: there is nothing to learn.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from annotator.agreement.study import Dimension
from annotator.services.machine.learner import Corpus, Document

SYLLABLES = ["ba", "ko", "ri", "ta", "mu", "ne", "lo", "si", "pe", "du", "fa", "gi"]

#: code id → (path, trigger words)
TRIGGERS: dict[int, tuple[str, tuple[str, ...]]] = {
    2: ("Topic > Border", ("fence", "checkpoint", "crossing")),
    3: ("Topic > Money", ("remittance", "broker", "payment")),
    5: ("Tone > Hopeful", ("hope", "relief")),
    6: ("Tone > Grim", ("fear", "grief")),
}
DIMENSIONS = (
    Dimension(1, "Topic", False, (2, 3)),
    Dimension(4, "Tone", True, (5, 6)),
    Dimension(7, "Genre", True, (8, 9)),
)
PATHS = {
    1: "Topic",
    2: "Topic > Border",
    3: "Topic > Money",
    4: "Tone",
    5: "Tone > Hopeful",
    6: "Tone > Grim",
    7: "Genre",
    8: "Genre > Opinion",
    9: "Genre > Report",
}
OPINION, REPORT = 8, 9
OPINION_WORDS = ("editorial", "should", "must", "believe")
#: The codebook as ``annotator codebook import`` reads it (path, exclusive).
CODEBOOK = [(PATHS[d.id], d.exclusive) for d in DIMENSIONS] + [
    (PATHS[c], False) for d in DIMENSIONS for c in d.codes
]


def _filler(rng: random.Random, count: int = 400) -> list[str]:
    words: set[str] = set()
    while len(words) < count:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


@dataclass
class Synthetic:
    documents: list[Document] = field(default_factory=list)
    #: (document id, code id, start, end): the coder's codings
    codings: list[tuple[int, int, int | None, int | None]] = field(default_factory=list)

    def corpus(self) -> Corpus:
        return Corpus(self.documents, self.codings, DIMENSIONS, PATHS)


def make(
    articles: int,
    *,
    seed: int = 1,
    rate: float = 0.25,
    shuffled: bool = False,
    first_id: int = 1,
    sentences: tuple[int, int] = (8, 14),
    noise: float = 0.0,
) -> Synthetic:
    """``articles`` articles; each sentence holds a trigger with probability ``rate``; with
    ``noise``, the coder misses that share of the trigger sentences."""
    rng = random.Random(seed)
    filler = _filler(random.Random(0))
    made = Synthetic()
    coded_sentences: list[tuple[int, int, int, int]] = []  # document, code, start, end
    every_sentence: list[tuple[int, int, int]] = []
    genres: list[tuple[int, int]] = []
    for number in range(articles):
        document = first_id + number
        texts: list[tuple[str, int | None]] = []
        opinion = rng.random() < 0.3
        for k in range(rng.randint(*sentences)):
            words = [rng.choice(filler) for _ in range(rng.randint(6, 14))]
            code = None
            if rng.random() < rate:
                code = rng.choice(sorted(TRIGGERS))
                words.insert(rng.randrange(len(words) + 1), rng.choice(TRIGGERS[code][1]))
            if opinion and k in (1, 3, 5):
                words.insert(rng.randrange(len(words) + 1), rng.choice(OPINION_WORDS))
            if code is not None and rng.random() < noise:
                code = None
            texts.append((" ".join(words).capitalize() + ".", code))
        pieces, position = [], 0
        for k, (sentence, code) in enumerate(texts):
            if k:
                gap = "\n\n" if k % 4 == 0 else " "
                pieces.append(gap)
                position += len(gap)
            every_sentence.append((document, position, position + len(sentence)))
            if code is not None:
                coded_sentences.append((document, code, position, position + len(sentence)))
            pieces.append(sentence)
            position += len(sentence)
        made.documents.append(Document(document, "".join(pieces)))
        genres.append((document, OPINION if opinion else REPORT))
    if shuffled:
        places = rng.sample(every_sentence, len(coded_sentences))
        coded_sentences = [
            (d, code, s, e)
            for (d, s, e), (_, code, _, _) in zip(places, coded_sentences, strict=True)
        ]
        kinds = [g for _, g in genres]
        rng.shuffle(kinds)
        genres = [(d, g) for (d, _), g in zip(genres, kinds, strict=True)]
        # Two codes of an exclusive dimension on one sentence: keep the first.
        seen: set[tuple[int, int]] = set()
        kept = []
        for d, code, s, e in coded_sentences:
            key = (d, s)
            if code in (5, 6) and key in seen:
                continue
            if code in (5, 6):
                seen.add(key)
            kept.append((d, code, s, e))
        coded_sentences = kept
    made.codings = [(d, c, s, e) for d, c, s, e in coded_sentences]
    made.codings += [(d, g, None, None) for d, g in genres]
    return made

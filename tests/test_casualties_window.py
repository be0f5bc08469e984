"""casualties._np_then_word searches only stretches that can hold a match: it must find exactly what
the full search finds. If the pattern ever admits a new character, these fail until _NOT_IN_MATCH
is told about it."""
from __future__ import annotations

import random

from data_prep import casualties
from data_prep.sentences import split_sentences

from .conftest import FIXTURES, SEEDS

TRICKY = [
    "At least 1,400 people were killed and 2.5 thousand injured.",
    "10 Palestinians dead, 27 people were treated for injuries.",
    "٣ people were killed",  # Arabic-Indic digits are \d
    "two soldiers were KİLLED; ſlain: three",  # letters [A-Za-z] matches ignoring case
    "a man was shot and killed, an officer (hurt) and 3, killed",
    "killedé 5 killed_ 4 dead\u00a0people 7 injured\n8 wounded",
    "“Five people were killed,” he said. 1. 3 dead",
    "dozens of people were wounded, scores hurt - a dozen injured",
]


def _texts() -> list[str]:
    texts = list(TRICKY)
    for path in [*sorted(SEEDS.glob("*.txt")), *sorted((FIXTURES / "inputs").glob("*.txt"))]:
        text = path.read_text(encoding="utf-8", errors="replace")
        texts += [s.text for s in split_sentences(text)]
    rng = random.Random(5)
    words = ["at least", "a", "two", "1,400", "2.5", "٣", "people", "were", "have been", "killed", "dead",
             "injured", "İnjured", "ſlain", "é", "_", ",", ".", ";", "(", "“", "'", "-", "\n", "\u00a0", "of", "3,"]
    texts += [" ".join(rng.choice(words) for _ in range(rng.randint(1, 12))) for _ in range(3000)]
    return texts


def test_windowed_search_finds_what_the_full_search_finds() -> None:
    for text in _texts():
        full = [(m.span(), m.groupdict()) for m in casualties._NP_THEN_WORD.finditer(text)]
        windowed = [(m.span(), m.groupdict()) for m in casualties._np_then_word(text)]
        assert windowed == full, text

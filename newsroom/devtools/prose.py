"""Synthetic prose whose word frequencies follow Zipf's law, as real text does.

A search engine's cost depends on how many rows a word matches. With a handful of
words every query matches most of the archive; in real prose the r-th most common
word appears about 1/r^s as often as the first (s close to 1), so a word picked from
the middle of the ranking matches only a few articles. The vocabulary is a few
hundred real English words, most common first, followed by pseudo-words built from
syllables, shortest first (common words are short). It is the same on every run;
what an article says depends only on the random generator passed in.
"""

import itertools
import random
from functools import cache
from pathlib import Path

VOCABULARY_SIZE = 30_000
ZIPF_EXPONENT = 1.05

# Real words at the head of the ranking: the words that carry grammar, then the words
# business news is written in (two blocks, most common first).
COMMON_WORDS_FILE = Path(__file__).with_name("common-words.txt")

# Pseudo-words after the real ones: an onset, a vowel and a closing sound per
# syllable, one to three syllables a word.
ONSETS = ("b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v")
ONSETS += ("w", "z", "br", "cl", "dr", "fl", "gr", "pl", "pr", "sk", "st", "tr")
VOWELS = ("a", "e", "i", "o", "u", "a", "e", "o", "ai", "ea", "ou", "ie")
CODAS = ("", "", "", "n", "r", "s", "l", "t", "nd", "st", "m", "x")


@cache
def common_words() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The real words: (grammar words, content words), each most common first."""
    lines = [line for line in COMMON_WORDS_FILE.read_text().splitlines() if line[:1] != "#"]
    blocks = "\n".join(lines).strip().split("\n\n")
    grammar, content = (tuple(dict.fromkeys(block.split())) for block in blocks)
    return grammar, tuple(word for word in content if word not in grammar)


@cache
def vocabulary() -> tuple[str, ...]:
    """VOCABULARY_SIZE distinct lower-case words, most common first."""
    real = list(itertools.chain(*common_words()))
    taken = set(real)
    rng = random.Random("vocabulary")  # noqa: S311 (the same words every run, not a secret)
    made = []
    while len(real) + len(made) < VOCABULARY_SIZE:
        syllables = rng.choice((1, 2, 2, 2, 3, 3))
        word = "".join(
            rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS) for _ in range(syllables)
        )
        # Not ending in "s": stemming search engines would read "tors" as "tor".
        if word not in taken and not word.endswith("s"):
            taken.add(word)
            made.append(word)
    made.sort(key=len)  # stable: shorter pseudo-words rank higher, as in real text
    return (*real, *made)


@cache
def _cumulative(exponent: float, n: int) -> tuple[float, ...]:
    """Running sums of 1/rank^exponent for ranks 1..n, for random.choices."""
    return tuple(itertools.accumulate(1 / rank**exponent for rank in range(1, n + 1)))


class ZipfProse:
    """Sentences of words drawn by rank with weight 1/rank^exponent.

    `cumulative` + `bisect` (through random.choices) keeps a draw at well under a
    microsecond, so 100,000 articles of some 250 words take seconds.
    """

    def __init__(self, exponent: float = ZIPF_EXPONENT):
        self.words = vocabulary()
        self.cumulative = _cumulative(exponent, len(self.words))
        # Headlines skip the grammar words: "Acme plant approval", not "Acme the of".
        self.headline_words = self.words[len(common_words()[0]) :]
        self.headline_cumulative = _cumulative(exponent, len(self.headline_words))

    def draw(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cumulative, k=k)

    def headline(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.headline_words, cum_weights=self.headline_cumulative, k=k)

    def sentence(self, rng: random.Random, names=()) -> str:
        """8 to 18 words, with one of `names` (companies, people, events) among them."""
        words = self.draw(rng, rng.randint(8, 18))
        if names:
            words.insert(rng.randrange(len(words)), rng.choice(names))
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."

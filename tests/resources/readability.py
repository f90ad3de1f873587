"""Flesch-Kincaid grade, computed offline.

textstat 0.7.13 downloads NLTK's cmudict from GitHub on first use, which cannot happen here (and
tests must not reach the network), so we use the same formula with pyphen's hyphenation
dictionary (which textstat itself installs) for syllables. Grade = US school grade; add 5 for a
reading age: grade 4 ~ age 9, grade 6 ~ age 11.
"""

from __future__ import annotations

import functools
import re

WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
SENTENCE_END = re.compile(r"[.!?:;]+(?:\s|$)")


@functools.cache
def _dictionary():
    import pyphen

    return pyphen.Pyphen(lang="en_GB")


def syllables(word: str) -> int:
    """Syllables by hyphenation points; numbers and short words count as one."""
    return len(_dictionary().positions(word.lower())) + 1


def grade(text: str) -> float:
    """Flesch-Kincaid grade level of one text."""
    words = WORD.findall(text)
    if not words:
        return 0.0
    sentences = max(1, len(SENTENCE_END.findall(text.strip() + " ")))
    total = sum(syllables(w) for w in words)
    return 0.39 * len(words) / sentences + 11.8 * total / len(words) - 15.59


# Names of services and places are learnt as names (a child reads "Childline" from the button),
# so they are scored as one short word rather than by their letters.
PROPER_NAMES = (
    "Report Harmful Content",
    "Report Remove",
    "Internet Watch Foundation",
    "Revenge Porn Helpline",
    "Take It Down",
    "ACT Early",
    "Childline",
    "StopNCII",
    "GOV.UK",
    "NSPCC",
    "CEOP",
    "IWF",
    "Prevent",
)


def plain(text: str) -> str:
    for name in PROPER_NAMES:
        text = text.replace(name, "Name")
    return text

"""Spellings folded for search: one form for a name however it is written or typed.

Three steps, each a pure function of text:

- :func:`normalise`: Unicode NFKC, case folded, accents and diacritics removed
  (Latin accents, Arabic harakat, shadda and tatweel; Russian ё becomes е and
  й becomes и with them), the Arabic letter variants unified (alef with hamza
  or madda, alef maqsura, ta marbuta), punctuation as spaces;
- :func:`to_latin`: Cyrillic and Arabic letters written in Latin, from the
  tables below, so "Одеса" and "Odesa" meet;
- :func:`sound`: a key that also folds the usual Latin variants of one name
  (q/k, y/i, w/u, ou/u, doubled letters), so "Mariupoll" meets "Mariupol" and
  "Odessa" meets "Odesa". Only near-miss matching uses it.

The tables are our own and small on purpose: a search needs the same key for
the spellings people type, not a scholarly romanisation. A library (ICU's
transliterator, Unidecode) would add a large dependency for one table each,
and Unidecode's Arabic is letter-for-letter without the article rule below.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Letter variants written for one letter (Arabic) or read as one (Russian ё is
# already е once its diaeresis is removed).
_UNIFY = str.maketrans(
    {
        "أ": "ا",  # alef with hamza above
        "إ": "ا",  # alef with hamza below
        "آ": "ا",  # alef with madda
        "ٱ": "ا",  # alef wasla
        "ى": "ي",  # alef maqsura, often typed as ya
        "ی": "ي",  # Persian ya
        "ة": "ه",  # ta marbuta, often typed as ha
        "ؤ": "و",
        "ئ": "ي",
        "\u0640": "",  # tatweel: stretches a word, means nothing
    }
)

# Cyrillic (Russian and Ukrainian letters) in a plain English-style Latin:
# the spelling maps and news reports use ("Харків" is "kharkiv").
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch",
    "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ў": "u",
}  # fmt: skip

# Arabic consonants in Latin; short vowels are not written in Arabic, so a
# name comes out as its skeleton ("بغداد" is "bghdad"), which the near-miss
# matcher still finds close to "baghdad".
_ARABIC = {
    "ا": "a", "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d",
    "ذ": "dh", "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t",
    "ظ": "z", "ع": "", "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m",
    "ن": "n", "ه": "h", "و": "u", "ي": "i", "ء": "", "پ": "p", "چ": "ch", "گ": "g",
    "ڤ": "v",
}  # fmt: skip

_LATIN = str.maketrans({**_CYRILLIC, **_ARABIC})
_ARTICLE = "ال"  # the Arabic article, written joined to its word
_DOUBLED = re.compile(r"(.)\1+")
_SOUND = str.maketrans({"q": "k", "y": "i", "w": "u"})
_VOWELS = str.maketrans("", "", "aeiou")


def _is_noise(ch: str) -> bool:
    # Punctuation, symbols, spaces and modifier letters (ʿ ʾ in "Dara'a") part words.
    category = unicodedata.category(ch)
    return category[0] in "PSZC" or category == "Lm"


@lru_cache(maxsize=4096)
def _noise_free(ch: str) -> str:
    return " " if _is_noise(ch) else ch


_ASCII_NOISE = str.maketrans({chr(i): " " for i in range(128) if _is_noise(chr(i))})


def normalise(text: str) -> str:
    """``text`` folded for comparison in its own script: words split by single spaces.

    Examples: "Qamişlo" -> "qamislo"; "Тель-эль-Хара" -> "тель эль хара";
    "حَمِيّميم" -> "حميميم".
    """
    if text.isascii():  # most of the data: a fast path of two C-level calls
        return " ".join(text.lower().translate(_ASCII_NOISE).split())
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_UNIFY)
    # Decomposed, every accent and vowel mark is a combining character of its own.
    decomposed = unicodedata.normalize("NFKD", folded)
    kept = "".join(_noise_free(ch) for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(kept.split())


def to_latin(normalised: str) -> str:
    """A normalised text (:func:`normalise`) with Cyrillic and Arabic letters written in Latin.

    The Arabic article is dropped from a word that carries it ("القامشلي" is
    "qamshli"), as the English names mostly drop it too. Letters of other
    scripts are kept as they are.
    """
    if normalised.isascii():
        return normalised
    words = []
    for word in normalised.split():
        if word.startswith(_ARTICLE) and len(word) > len(_ARTICLE) + 1:
            word = word[len(_ARTICLE) :]
        words.append(word.translate(_LATIN))
    return " ".join(w for w in words if w)


def words(text: str) -> tuple[str, ...]:
    """The Latin words of any text: :func:`to_latin` of :func:`normalise`, split."""
    return tuple(to_latin(normalise(text)).split())


def abjad_words(text: str) -> frozenset[str]:
    """The words of ``text`` (as :func:`words` gives them) that were written in Arabic letters.

    Arabic leaves short vowels out, so such a word is a consonant skeleton
    ("بغداد" is "bghdad", "Baghdad" less a vowel) and is compared by
    :func:`skeleton`, not letter by letter.
    """
    found = set()
    for word in normalise(text).split():
        if any(ch in _ARABIC for ch in word):
            found.update(to_latin(word).split())
    return frozenset(found)


def skeleton(key: str) -> str:
    """A near-miss key (:func:`sound`) without its vowels: "bghdad" and "baghdad" are both "bghdd"."""
    # Not folded again: "misisipi" is "mssp", as a name typed in Arabic
    # keeps the letters its missing vowels part.
    return key.translate(_VOWELS)


def sound(word: str) -> str:
    """A Latin word's near-miss key: q/k, y/i, w/u, ou/oo/u, ee/i and doubled letters folded."""
    word = word.replace("ou", "u").replace("oo", "u").replace("ee", "i").translate(_SOUND)
    return _DOUBLED.sub(r"\1", word)

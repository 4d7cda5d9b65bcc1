"""Name matching shared by every lookup: normalisation and 'did you mean' suggestions (rapidfuzz)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from rapidfuzz import fuzz, process

from .errors import UnknownNameError


def norm(text: str) -> str:
    """Case-, space- and punctuation-insensitive key: "Xi'an" -> 'xian', 'Guang Zhou' -> 'guangzhou'."""
    return re.sub(r"[\s'’\-_.,()（）]", "", str(text)).lower()


def suggest(query: str, choices: Iterable[str], limit: int = 4, cutoff: float = 75.0) -> list[str]:
    """Up to ``limit`` choices closest to ``query`` (rapidfuzz WRatio, best first)."""
    uniq = list(dict.fromkeys(c for c in choices if c))
    hits = process.extract(query, uniq, scorer=fuzz.WRatio, limit=limit, score_cutoff=cutoff)
    return [h[0] for h in hits]


def unknown(what: str, value: str, choices: Iterable[str], *, list_all: bool = False) -> UnknownNameError:
    """An UnknownNameError whose one-line message names the bad value and what would be right."""
    choices = list(choices)
    if list_all:
        return UnknownNameError(f"unknown {what} {value!r}; valid: {', '.join(choices)}")
    close = suggest(value, choices)
    hint = f"did you mean {', '.join(close)}?" if close else "no close match; check the spelling"
    return UnknownNameError(f"unknown {what} {value!r}; {hint}")


LANGS = ("zh", "en", "zh-py")


def in_language(zh: str, en: str, lang: str = "zh") -> str:
    """A place label in one language: 'zh' (Chinese), 'en' (English, falling back to Chinese where no English
    name exists), 'zh-py' (Chinese with the English or pinyin name in parentheses: '朝阳市 (Chaoyang)')."""
    if lang == "en":
        return en or zh
    if lang == "zh-py" and en and en != zh:
        code = re.search(r" \([A-Z0-9]{3}\)$", en)
        if code and zh.endswith(code.group(0)):  # '揭阳潮汕机场 (SWA)' + 'Jieyang Chaoshan (SWA)'
            en = en[: code.start()]
        return f"{zh} ({en})"
    return zh

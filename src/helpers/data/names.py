"""How a place name is looked up: the spelling `places.find` compares (lower case, no apostrophes or
spaces, no 市/省/自治区 suffix). The loader refuses two places that share one."""

from __future__ import annotations

import unicodedata

_SUFFIXES = ("市", "省", "自治区", "壮族自治区", "回族自治区", "维吾尔自治区")


def strip_suffix(name_zh: str) -> str:
    """`泰安市` → `泰安`; a name that is only a suffix stays as it is."""
    for suf in sorted(_SUFFIXES, key=len, reverse=True):
        if name_zh.endswith(suf) and len(name_zh) > len(suf):
            return name_zh[: -len(suf)]
    return name_zh


def lookup_key(text: str) -> str:
    """The spelling a name is found by: `Tai'an`, `taian` and `TAIAN` are one key, as are 泰安 and 泰安市.

    Unicode forms are one key too (NFKC): a name typed decomposed (NFD, as macOS file names and
    some editors write `Tài'ān`), in full-width letters or with a CJK compatibility ideograph is
    the name written composed."""
    text = unicodedata.normalize("NFKC", str(text))
    return strip_suffix(text.strip().lower().replace("'", "").replace("’", "").replace(" ", ""))

"""Characters data text may not hold: controls and invisible formatting (zero-width, bidi)."""

from __future__ import annotations

import unicodedata

_ALLOWED = {"\n", "\t"}


def bad_char(text: str) -> tuple[str, str] | None:
    """The first control, zero-width or bidi character in `text` as (char, 'U+XXXX NAME'), else None."""
    if text.isprintable():  # the usual case, in C: every refused category is unprintable (50,000 claims)
        return None
    for ch in text:
        if ch in _ALLOWED:
            continue
        if unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs", "Zl", "Zp"):
            return ch, f"U+{ord(ch):04X} {unicodedata.name(ch, 'control')}"
    return None


def plain(text: str) -> str:
    """Text safe for a terminal: control, escape and bidi characters replaced by '?'."""
    return "".join("?" if bad_char(ch) else ch for ch in str(text))

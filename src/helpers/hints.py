"""'Did you mean' hints for unknown names (no heavy imports, so the light CLI paths can use them)."""

from __future__ import annotations

import difflib


def did_you_mean(name: str, options: list[str]) -> str:
    """A 'did you mean' hint from the closest matches, or the start of the list of options."""
    scored = sorted(
        ((difflib.SequenceMatcher(None, str(name), str(o)).ratio(), str(o)) for o in options), reverse=True
    )
    close = [o for r, o in scored if r >= 0.5 and r >= scored[0][0] - 0.1][:3] if scored else []
    if close:
        return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
    if not options:
        return "none are defined"
    return "known: " + ", ".join(sorted(map(str, options))[:12]) + (" …" if len(options) > 12 else "")

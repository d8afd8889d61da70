"""Charts with correct Chinese glyphs: one setup call, then seaborn plots."""

from __future__ import annotations

import matplotlib.font_manager as fm
import matplotlib.pyplot as plt
import seaborn as sns

from .config import FONT_FAMILY, FONT_PATH

_READY = False


def setup(style: str = "whitegrid") -> str:
    """Register the bundled Noto Sans SC with matplotlib and set the seaborn theme; return the family."""
    global _READY
    if not _READY:
        fm.fontManager.addfont(str(FONT_PATH))
        _READY = True
    sns.set_theme(style=style, font=FONT_FAMILY)  # after addfont, and after any other set_theme
    plt.rcParams["figure.dpi"] = 100
    plt.rcParams["savefig.dpi"] = 100
    return FONT_FAMILY

"""Charts with correct Chinese glyphs: one setup call, then seaborn plots."""

from __future__ import annotations

import matplotlib.font_manager as fm
import matplotlib.pyplot as plt
import seaborn as sns

from ..config import FONT_FAMILY, FONT_PATH

_READY = False
#: Shown instead of a chart when there is nothing sourced to draw.
NOTHING = "<p><i>没有可绘制的已知数值 no sourced values to chart.</i></p>"


def setup(style: str = "whitegrid") -> str:
    """Register the bundled Noto Sans SC with matplotlib and set the seaborn theme; return the family."""
    global _READY
    if not _READY:
        fm.fontManager.addfont(str(FONT_PATH))
        _READY = True
    sns.set_theme(style=style, font=FONT_FAMILY)  # after addfont, and after any other set_theme
    plt.rcParams["figure.dpi"] = 100
    plt.rcParams["savefig.dpi"] = 200
    plt.rcParams["text.parse_math"] = False  # labels from data are plain text, never maths
    return FONT_FAMILY


def figure(figsize: tuple[float, float]):
    """A new figure and axes for a chart: font set up if nobody did, and text never read as maths.

    Every chart goes through here, so a `$…$` in a place name is drawn as typed even when the
    analyst calls a chart function without `setup()`.
    """
    if not _READY:
        setup()
    plt.rcParams["text.parse_math"] = False
    return plt.subplots(figsize=figsize)


def alt_text(fig) -> str:
    """The alt text stored on a figure by the chart function (states the data drawn)."""
    return getattr(fig, "_yb_alt", "") or "chart"


def _with_alt(fig, alt: str):
    fig._yb_alt = alt  # type: ignore[attr-defined]
    return fig


def _bar_with_ranges(ax, labels, lo, hi, color="#1f5f8b") -> None:
    """Bars at the low value; a hatched extension to the high value where sources disagree."""
    ax.bar(labels, lo, color=color)
    ext = [h - low for low, h in zip(lo, hi, strict=True)]
    ax.bar(labels, ext, bottom=lo, color="#f0a030", hatch="//", label="来源冲突范围 disputed range")


def limit_chart(r):
    """Binding limit per city (ranges where sources conflict, 'unknown' marked)."""
    sel = r[(r["parameter"] == "family_account.max_relatives") & (r["conditions"] == "")]
    if sel.empty or (sel["status"] == "unknown").all():
        return None
    fig, ax = figure((7, 3.2))
    labels = list(sel["city_zh"])
    lo = [min(v) if v else 0 for v in sel["values"]]
    hi = [max(v) if v else 0 for v in sel["values"]]
    _bar_with_ranges(ax, labels, lo, hi)
    for i, (st, v) in enumerate(zip(sel["status"], hi, strict=True)):
        ax.text(i, v + 0.1, "未知" if st == "unknown" else str(v), ha="center", va="bottom")
    ax.set_ylabel("人数 persons")
    ax.set_ylim(0, max(hi) * 1.25 + 0.5)
    ax.set_title("最多可绑定近亲属人数 Most relatives bound at once")
    fig.tight_layout()
    alt = "最多可绑定近亲属人数 most relatives bound: " + ", ".join(
        f"{c} {'未知 unknown' if st == 'unknown' else (f'{a}–{b}' if a != b else a)}"
        for c, st, a, b in zip(labels, sel["status"], lo, hi, strict=True)
    )
    return _with_alt(fig, alt)


def premium_chart(r):
    """Resident premium per city by tier (only sourced values drawn)."""
    sel = r[
        (r["parameter"] == "resident.premium")
        & r["conditions"].isin(["tier=1", "tier=2"])
        & (r["status"] != "unknown")
    ]
    if sel.empty:
        return None
    data = sel.assign(
        tier=sel["conditions"].str.replace("tier=", "档次 tier "), yuan=[max(v) for v in sel["values"]]
    )
    fig, ax = figure((7, 3.2))
    sns.barplot(data=data, x="city_zh", y="yuan", hue="tier", ax=ax)
    ax.set_xlabel("")
    ax.set_ylabel("元/人/年 yuan per person-year")
    ax.set_title("居民医保个人缴费 Resident premium (own or inherited)")
    fig.tight_layout()
    alt = "居民医保个人缴费 resident premium, yuan per year: " + ", ".join(
        f"{x.city_zh} {x.tier} {x.yuan:.0f}" for x in data.itertuples()
    )
    return _with_alt(fig, alt)


def over_time_chart(ds, code: str):
    """Numeric claims of a place and its parents that carry a year, drawn over time."""
    from ..data import places

    c = ds.claims[
        ds.claims["jurisdiction"].isin(places.chain(ds, code))
        & ds.claims["year"].notna()
        & ds.claims["usable"]
    ]
    c = c[c["value"].map(lambda v: isinstance(v, int | float) and not isinstance(v, bool))]
    if c.empty:
        return None
    data = c.assign(
        series=c["parameter"] + " " + c["cond_key"] + " @" + c["jurisdiction"],
        value=c["value"].astype(float),
        year=c["year"].astype(int),
    )
    fig, ax = figure((7, 3.2))
    sns.scatterplot(data=data, x="year", y="value", hue="series", ax=ax, s=60)
    ax.set_xticks(sorted(data["year"].unique()))
    ax.set_title("带年份的数值 Values with a year")
    ax.legend(fontsize=7, loc="best")
    fig.tight_layout()
    alt = "带年份的数值 values with a year: " + "; ".join(
        f"{x.series} {x.year}: {x.value:g}" for x in data.itertuples()
    )
    return _with_alt(fig, alt)

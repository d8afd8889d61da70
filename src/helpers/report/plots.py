"""Charts with correct Chinese glyphs: one setup call, then seaborn plots."""

from __future__ import annotations

import matplotlib.font_manager as fm
import matplotlib.pyplot as plt
import seaborn as sns

from ..config import FONT_FAMILY, FONT_PATH
from .marks import LOOKS, chart_word

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


#: Bar style and bar-end word per status come from `report.marks.LOOKS` (colour, hatch, word), so a
#: chart, the legend and the tiles show a status alike; the mark is also written after each bar, so
#: colour is never the only cue.


def hbars(labels, lo, hi, statuses, unit: str, title: str, extra=None):
    """Horizontal bars, one per label (top to bottom); a hatched extension where sources disagree.

    Each bar ends with its value and status mark; unknown rows get no bar and the word 未知.
    """
    n = len(labels)
    fig, ax = figure((7.2, 0.36 * n + 1.2))
    y = list(range(n))[::-1]
    top = max([h for h in hi if h is not None] or [1])
    for yi, a, b, st in zip(y, lo, hi, statuses, strict=True):
        if st == "year-not-stated" or a is None:  # never a bar in a year's chart; unknown written
            word = chart_word("year-not-stated" if st == "year-not-stated" else "unknown")
            ax.text(0, yi, f" {word}", va="center", fontsize=9, color="#333333")
            continue
        look = LOOKS.get(st, LOOKS["own"])
        ax.barh(yi, a, color=look.colour, hatch=look.hatch, edgecolor="#1f3f5b", linewidth=0.6)
        if b != a:
            c = LOOKS["conflict"]
            ax.barh(yi, b - a, left=a, color=c.colour, hatch=c.hatch, edgecolor="#7a4a00", linewidth=0.6)
        span = f"{a:g}" if a == b else f"{a:g}–{b:g} {LOOKS['conflict'].symbol}"
        note = f" {extra[n - 1 - yi]}" if extra and extra[n - 1 - yi] else ""
        ax.text(b + top * 0.01, yi, f" {span} {chart_word(st)}{note}", va="center", fontsize=9)
    ax.set_yticks(y, labels)
    ax.set_xlim(0, top * 1.45)
    ax.set_xlabel(unit)
    ax.set_title(title, fontsize=11, loc="left")
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    return fig


def _alt(title: str, labels, lo, hi, statuses) -> str:
    def one(c, a, b, st):
        if st == "year-not-stated":
            return f"{c} {chart_word(st)}"
        if a is None:
            return f"{c} {chart_word('unknown')}"
        v = f"{a:g}" if a == b else f"{a:g}–{b:g} ({chart_word('conflict')})"
        return f"{c} {v} {chart_word(st)}".strip()

    return f"{title}: " + ", ".join(one(*t) for t in zip(labels, lo, hi, statuses, strict=True))


def _year_title(r) -> str:
    """'(2025 年)' for the year a table answers, '(最新 latest)' when none was asked."""
    years = [y for y in r["year"].dropna().unique()] if "year" in r else []
    return f"({int(years[0])} 年)" if len(years) == 1 else "(最新 latest)"


def limit_chart(r):
    """Binding limit per place as horizontal bars (ranges where sources conflict, unknown written)."""
    sel = r[(r["parameter"] == "family_account.max_relatives") & (r["conditions"] == "")]
    if sel.empty or (sel["status"] == "unknown").all():
        return None
    labels = list(sel["city_zh"])
    lo = [min(v) if st != "unknown" else None for v, st in zip(sel["values"], sel["status"], strict=True)]
    hi = [max(v) if st != "unknown" else None for v, st in zip(sel["values"], sel["status"], strict=True)]
    title = f"最多可绑定近亲属人数 Most relatives bound at once {_year_title(sel)}"
    fig = hbars(labels, lo, hi, list(sel["status"]), "人 persons", title)
    return _with_alt(fig, _alt(title, labels, lo, hi, list(sel["status"])))


def premium_options(r) -> list[tuple[str, object, object, str, str]]:
    """Each place's resident-premium options for everyone (no group) under the place's own tier
    label: (label, lo, hi, status, note). Tier numbers are local — one city's 第1档 may be another's
    dearer option — so a place's tiers are ordered by what is paid and named 较低 lower / 较高
    higher within the place; a label is never ranked across places. A rate whose claims state no
    tier is its own row (档次未注明), never one of the tiers; a year-not-stated value is written,
    not drawn; a doubted value says 存疑. A place with nothing known gets one 未知 row."""
    sel = r[(r["parameter"] == "resident.premium") & ~r["conditions"].str.contains("group=", regex=False)]
    out = []
    for city in dict.fromkeys(sel["city_zh"]):
        rows = sel[(sel["city_zh"] == city) & (sel["status"] != "unknown")]
        tiers, single = [], []
        for x in rows.itertuples():
            tier = dict(p.split("=", 1) for p in str(x.conditions).split(";") if p).get("tier")
            name = "档次未注明" if tier is None else ("全部档次" if tier == "all" else f"第{tier}档")
            opt = (min(x.values), max(x.values), x.status, name, "存疑" if x.doubt else "")
            (single if tier is None else tiers).append(opt)
        if not tiers and not single:
            out.append((city, None, None, "unknown", ""))
            continue
        drawn = sorted(o for o in tiers if o[2] != "year-not-stated")
        for i, (a, b, st, name, note) in enumerate(drawn):
            rank = ""
            if len(drawn) > 1 and i in (0, len(drawn) - 1):
                rank = " 较低 lower" if i == 0 else " 较高 higher"
            out.append((f"{city} · {name}{rank}", a, b, st, note))
        for a, b, st, name, note in [*single, *(o for o in tiers if o[2] == "year-not-stated")]:
            keep = st != "year-not-stated"
            out.append((f"{city} · {name}", a if keep else None, b if keep else None, st, note))
    return out


def premium_chart(r):
    """Resident premium per place: each place's lower and higher option side by side, under the
    place's own tier label (unknown and year-not-stated written, not drawn)."""
    opts = premium_options(r)
    if not opts or all(o[1] is None for o in opts):
        return None
    labels, lo, hi, statuses, notes = (list(t) for t in zip(*opts, strict=True))
    sub = r[r["parameter"] == "resident.premium"]
    title = f"居民医保个人缴费 {_year_title(sub)}:各地较低与较高档\nResident premium: each place's options"
    unit = "元/人/年 yuan per person-year\n(档次由各地自行编号 tiers are numbered locally)"
    fig = hbars(labels, lo, hi, statuses, unit, title, notes)
    return _with_alt(fig, _alt(title.replace("\n", " ") + " (元/年 yuan per year)", labels, lo, hi, statuses))


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
    from .fmt import conditions_text

    label = dict(zip(ds.parameters["id"], ds.parameters["label_zh"], strict=True))
    series = [
        " · ".join(x for x in (label.get(p, p), conditions_text(k, ds.labels), places.label(ds, j)) if x)
        for p, k, j in zip(c["parameter"], c["cond_key"], c["jurisdiction"], strict=True)
    ]
    data = c.assign(
        series=series,
        value=c["value"].astype(float),
        year=c["year"].astype(int),
    )
    fig, ax = figure((7, 3.2))
    data = data.rename(columns={"series": "数值 value"})
    sns.scatterplot(data=data, x="year", y="value", hue="数值 value", ax=ax, s=60)
    ax.set_xlabel("年份 year")
    ax.set_ylabel("数值 value")
    ax.set_xticks(sorted(data["year"].unique()))
    ax.set_title("带年份的数值 Values with a year")
    ax.legend(fontsize=9, loc="best")  # >= 10 px on a phone (the chart keeps 640 px there)
    fig.tight_layout()
    alt = "带年份的数值 values with a year: " + "; ".join(
        f"{s} {y}: {v:g}" for s, y, v in zip(data["数值 value"], data["year"], data["value"], strict=True)
    )
    return _with_alt(fig, alt)

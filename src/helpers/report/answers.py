"""Answers to a reader's everyday questions, computed from the resolver and the calculators.

Each question function returns an `Answer`: one plain sentence in Chinese and English, then
groups of rows (place, what, a value per year with its marks and doubts) with the sources
behind each row, and the rows listed apart with the reason they are not compared. Nothing here
is HTML: `helpers.report.answer_page` renders an `Answer` through a template with autoescaping.

What a reader is told is what the resolver shows on every other page for the same place,
parameter, conditions and year (one question, one answer); a value no source states is
"未知 unknown", never a guess.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import pandas as pd

from ..data import Dataset, places
from ..data.vocab import FLAGS, MARKS
from ..exceptions import InputError
from ..resolution import resolve
from ..rules import lapse
from .fmt import conditions_text, doubt_text, value_text

#: The questions a page can answer (the notebook parameter ``question``), zh and en.
QUESTIONS: dict[str, tuple[str, str]] = {
    "binding": ("我能绑定几位亲属?这个数字能引用吗?", "How many relatives can I bind, and may I quote it?"),
    "lapse": (
        "断缴几个月后,什么时候恢复待遇、要补缴什么?",
        "I stopped paying for some months: when are benefits back, what must I pay?",
    ),
    "premium": ("居民医保每人每年交多少?", "What does the resident scheme cost per person and year?"),
    "cross-province": (
        "父母在外省参保,我的个人账户能给他们用吗?",
        "My relatives are insured in another province: can my account pay for them?",
    ),
    "employer-cost": ("各城市单位缴费比例能直接比较吗?", "Are the cities' employer rates comparable?"),
}
UNKNOWN = "— 未知 unknown"
CONFIRM = "请向当地医保部门或 12393 核实 — confirm with the local bureau or 12393"
SCHEME_WORDS = {"employee": ("职工医保", "employee scheme"), "flexible": ("灵活就业", "flexible worker")}


@dataclass
class SourceRef:
    """A source as a reader sees it: title, publisher, published date, kind label, http(s) URL or None."""

    title: str
    publisher: str
    published: str
    kind: str
    url: str | None


@dataclass
class Cell:
    """One value for one year: its text (or `UNKNOWN`), the period its claim states, marks, doubt."""

    year: int
    value: str
    period: str = ""
    marks: list[str] = field(default_factory=list)
    doubt: str = ""
    note: str = ""

    @property
    def known(self) -> bool:
        return self.value != UNKNOWN


@dataclass
class Row:
    """One line of an answer: place, what is asked, one `Cell` per year, its sources, why apart."""

    place: str
    what: str
    cells: list[Cell]
    sources: list[SourceRef] = field(default_factory=list)
    reason: str = ""


@dataclass
class Group:
    """Rows that may be compared with each other (or, with ``apart``, rows that may not)."""

    title: str
    rows: list[Row]
    note: str = ""
    apart: bool = False


@dataclass
class Answer:
    """One question answered: the lead sentence (zh, en), the groups of rows, the years asked."""

    question: str
    ask_zh: str
    ask_en: str
    lead_zh: str
    lead_en: str
    years: list[int]
    groups: list[Group]

    def frame(self) -> pd.DataFrame:
        """Every row as a table (one line per row and year) for the CSV download."""
        out = []
        for g in self.groups:
            for r in g.rows:
                for c in r.cells:
                    out.append(
                        {
                            "group": g.title,
                            "place": r.place,
                            "what": r.what,
                            "year": c.year,
                            "value": c.value,
                            "period": c.period,
                            "marks": " · ".join(c.marks),
                            "doubt": c.doubt,
                            "sources": "; ".join(s.title for s in r.sources),
                            "apart_reason": r.reason,
                        }
                    )
        return pd.DataFrame(out)


def benefit_years(today: dt.date | None = None) -> tuple[int, int]:
    """(current, previous) benefit year (待遇年度, a calendar year) for a day (default: today).

    >>> benefit_years(dt.date(2026, 12, 7))
    (2026, 2025)
    """
    day = today or dt.date.today()
    return day.year, day.year - 1


def question(value) -> str:
    """A question name from `QUESTIONS`; InputError naming the choices otherwise."""
    text = str(value).strip()
    if text not in QUESTIONS:
        raise InputError(f"question: unknown question '{text}' — pick one of {', '.join(QUESTIONS)}")
    return text


# ---------------------------------------------------------------- rows from resolved values


def _sources(ds: Dataset, source_ids) -> list[SourceRef]:
    src = ds.sources.set_index("id")
    out, seen = [], set()
    for sid in source_ids:
        if sid in seen or sid not in src.index:
            continue
        seen.add(sid)
        s = src.loc[sid]
        url = s["url"] if isinstance(s["url"], str) and s["url"].strip().lower().startswith("http") else None
        when = s["published"]
        kind = ds.labels.get(s["kind"], {}).get("zh", s["kind"])
        out.append(
            SourceRef(
                str(s["title"]),
                str(s["publisher"]),
                "未注明日期 undated" if pd.isna(when) else f"{pd.Timestamp(when):%Y-%m-%d}",
                str(kind),
                url.strip() if url else None,
            )
        )
    return out


def _row_sources(row) -> list[str]:
    """Source ids behind a resolved value: the deciding claim, agreeing and competing claims, leads."""
    d = row["decision"]
    claims = [c for c in [d.winner, *d.agreeing, *d.competing] if c is not None]
    if row["status"] in ("unverified", "unknown"):
        claims += list(d.leads)
    return [s for c in claims for s in (c.sources or (c.source,))]


def _period(ds: Dataset, claim_id) -> str:
    """The period the deciding claim states, in words ('2025', 'from 2024-01-01', '未注明 not stated')."""
    c = ds.claims[ds.claims["claim_id"] == claim_id]
    if c.empty:
        return ""
    c = c.iloc[0]
    if not pd.isna(c["year"]):
        return f"{int(c['year'])}"
    parts = []
    if not pd.isna(c["valid_from"]):
        parts.append(f"自 from {pd.Timestamp(c['valid_from']):%Y-%m-%d}")
    if not pd.isna(c["valid_to"]):
        parts.append(f"至 to {pd.Timestamp(c['valid_to']):%Y-%m-%d}")
    return " ".join(parts) or "期间未注明 period not stated"


def mark_words(row, labels) -> list[str]:
    """A resolved value's status and flags in words, symbol first ('↑省 继承省级 inherited …').

    An own value, which carries no symbol on the tables, is named too ('本地 own'), so a reader of
    an answer always sees what the value rests on.
    """
    keys = [row["status"]]
    if row["status"] in ("unverified", "year-not-stated") and row.get("from") and row["from"] != row["city"]:
        keys.append("inherited-national" if row["from"] == "000000" else "inherited-province")
    keys += [f for f in FLAGS if bool(row.get(f, False))]
    out = []
    for k in keys:
        lab = labels.get(k, {"zh": k, "en": k})
        sym = MARKS.get(k, "")
        zh = "" if lab["zh"] == sym else lab["zh"]
        out.append(" ".join(p for p in (sym, zh, re.split(r"[,:(;]", lab["en"])[0].strip()) if p))
    return out


def cell(ds: Dataset, row, year: int) -> Cell:
    """A resolved value (one row of `resolve()`) as an answer `Cell` for `year`."""
    labels = ds.labels
    if row["status"] == "unknown":
        note = ""
        if row.get("latest_year") is not None and not pd.isna(row.get("latest_year")):
            old = value_text(row["latest_value"], row["type"], labels, row["unit"])
            note = f"最近陈述 latest stated: {int(row['latest_year'])} · {old}"
        return Cell(year, UNKNOWN, marks=mark_words(row, labels), note=note)
    vals = row["values"] if row["conflict"] else [row["value"]]
    text = " / ".join(value_text(v, row["type"], labels, row["unit"]) for v in vals)
    return Cell(
        year,
        text,
        _period(ds, row["claim"]),
        mark_words(row, labels),
        doubt_text(row["doubts"]) if row.get("doubt") else "",
    )


def _what(ds: Dataset, row, with_conditions: bool = True) -> str:
    cond = conditions_text(row["conditions"], ds.labels) if with_conditions else ""
    return f"{row['label_zh']} {row['label_en']}" + (f"({cond})" if cond else "")


def _pick(r: pd.DataFrame, code: str, parameter: str, conditions: str = ""):
    sel = r[(r["city"] == code) & (r["parameter"] == parameter) & (r["conditions"] == conditions)]
    return None if sel.empty else sel.iloc[0]


def _unknown_cell(year: int) -> Cell:
    return Cell(year, UNKNOWN, marks=["— 未知 unknown"])


def _quotable(row) -> list[str]:
    """Why a value should be checked before quoting it (empty: quotable with its source)."""
    why = []
    if row["status"] == "unknown":
        return ["无来源 no source"]
    if row["status"] in ("unverified", "year-not-stated"):
        why.append(
            {"unverified": "只有线索 leads only", "year-not-stated": "年份未注明 year not stated"}[
                row["status"]
            ]
        )
    for flag, words in (("conflict", "来源不一 sources disagree"), ("doubt", "存疑 doubted"),
                        ("stale", "来源较旧 old source")):  # fmt: skip
        if bool(row.get(flag)):
            why.append(words)
    return why


# ---------------------------------------------------------------- the questions


def binding(ds: Dataset, cities: list[str], year: int) -> Answer:
    """How many relatives an employee's account may be bound to, per place, and whether to quote it.

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    cities : list of str
        Place codes (`helpers.data.inputs.places`).
    year : int
        The benefit year asked about.

    Returns
    -------
    Answer
        One row per place (most relatives bound; the total limit when a source states one).
    """
    r = resolve(ds, cities, year=year)
    rows = []
    said: dict[tuple[str, str, str], list[str]] = {}  # (value, zh caveat, en caveat) → places
    for code in cities:
        name = places.label(ds, code)
        x = _pick(r, code, "family_account.max_relatives")
        if x is None:
            rows.append(Row(name, "最多可绑定近亲属 most relatives bound", [_unknown_cell(year)]))
            said.setdefault(("未知", "", "unknown"), []).append(name)
            continue
        c = cell(ds, x, year)
        rows.append(Row(name, _what(ds, x), [c], _sources(ds, _row_sources(x))))
        why = _quotable(x)
        if not c.known:
            key = ("未知", "", "unknown")
        elif why:
            key = (
                c.value,
                f"引用前请核实:{'、'.join(w.split()[0] for w in why)}",
                f"check before quoting: {', '.join(w.split(' ', 1)[1] for w in why)}",
            )
        else:
            key = (c.value, "可以连同来源引用", "quotable with its source")
        said.setdefault(key, []).append(name)
        total = _pick(r, code, "family_account.max_relatives_total")
        if total is not None and total["status"] != "unknown":
            rows.append(
                Row(name, _what(ds, total), [cell(ds, total, year)], _sources(ds, _row_sources(total)))
            )
    zh = [f"{'、'.join(ps)} {v}" + (f"({w})" if w else "") for (v, w, _), ps in said.items()]
    en = [f"{', '.join(ps)}: " + (e if v == "未知" else f"{v} ({e})") for (v, _, e), ps in said.items()]
    return Answer(
        "binding",
        *QUESTIONS["binding"],
        f"{year} 年度,职工个人账户最多可绑定的近亲属人数:" + ";".join(zh) + "。",
        f"Benefit year {year}, most close relatives an employee's account may be bound to: "
        + "; ".join(en)
        + ".",
        [year],
        [Group("家庭共济绑定人数 binding limit", rows)],
    )


#: The lapse items an answer lists, with what they are called.
_LAPSE_ITEMS = (
    ("waiting", "lapse.waiting_months", "续缴后等待期 months until benefits resume"),
    ("backpay_allowed", "lapse.backpay_allowed", "允许补缴 back-payment allowed"),
    ("gap_covered", "lapse.gap_covered", "补缴后断缴期间费用可报销 gap costs covered once back-paid"),
)
_FLAG_TEXT = {"yes": "是 yes", "no": "否 no", "disputed": "来源不一 disputed", "n/a": "不适用 n/a"}


def _calc_cell(
    ds: Dataset, r: pd.DataFrame, code: str, parameter: str, claims: list[str], text: str, year: int
):
    """A calculator result as a Cell, its marks from the resolved values it used (same claims)."""
    if text == UNKNOWN:
        return _unknown_cell(year), []
    used = r[(r["city"] == code) & (r["parameter"] == parameter) & r["claim"].isin(claims)]
    cited = set(
        ds.claims.loc[ds.claims["claim_id"].isin(claims) & (ds.claims["parameter"] == parameter), "claim_id"]
    )
    if used.empty:
        return Cell(year, text, marks=["由计算得出 computed"]), sorted(cited)
    x = used.iloc[0]
    return (
        Cell(
            year,
            text,
            _period(ds, x["claim"]),
            mark_words(x, ds.labels),
            doubt_text(x["doubts"]) if x["doubt"] else "",
        ),
        [s for _, y in used.iterrows() for s in _row_sources(y)],
    )


def lapse_answer(
    ds: Dataset, cities: list[str], year: int, gap_months: int = 6, schemes=("flexible", "employee")
) -> Answer:
    """After a gap of `gap_months` months, back-paid: when benefits resume and what a payer owes.

    Uses the lapse calculator (`helpers.rules.lapse`) per place and scheme; the amount to back-pay
    is stated by no source in the data and is shown as unknown.

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    cities : list of str
        Place codes.
    year : int
        The benefit year asked about.
    gap_months : int
        Months without contributions.
    schemes : sequence of str
        ``flexible`` and/or ``employee``.

    Returns
    -------
    Answer
        Per place and scheme: waiting months, whether back-payment is allowed, whether the gap's
        costs are covered once back-paid, and the amount (unknown).
    """
    r = resolve(ds, cities, year=year)
    rows, zh, en = [], [], []
    for code in cities:
        name = places.label(ds, code)
        for scheme in schemes:
            res = lapse(ds, code, scheme, gap_months=gap_months, back_paid=True, year=year)
            s_zh, s_en = SCHEME_WORDS.get(scheme, (scheme, scheme))
            lo, hi = res["waiting_min"], res["waiting_max"]
            wait = UNKNOWN if pd.isna(lo) else (f"{lo} 个月" if lo == hi else f"{lo}–{hi} 个月")
            texts = {
                "waiting": wait,
                "backpay_allowed": _FLAG_TEXT.get(res["backpay_allowed"], UNKNOWN),
                "gap_covered": _FLAG_TEXT.get(res["gap_covered"], UNKNOWN),
            }
            for key, pid, what in _LAPSE_ITEMS:
                c, src = _calc_cell(ds, r, code, pid, res["claims"], texts[key], year)
                rows.append(Row(name, f"{s_zh} {s_en}:{what}", [c], _sources(ds, src)))
            rows.append(
                Row(
                    name,
                    f"{s_zh} {s_en}:补缴金额 amount to back-pay",
                    [
                        Cell(
                            year,
                            UNKNOWN,
                            marks=["— 未知 unknown"],
                            note="没有来源说明补缴金额 no source states the amount",
                        )
                    ],
                )
            )
            zh.append(f"{name}{s_zh}:续缴后等待 {wait if wait != UNKNOWN else '未知'}")
            en.append(
                f"{name}, {s_en}: wait {wait.replace(' 个月', ' months') if wait != UNKNOWN else 'unknown'}"
            )
    return Answer(
        "lapse",
        *QUESTIONS["lapse"],
        f"断缴 {gap_months} 个月并补缴后({year} 年度):" + ";".join(zh) + ";补缴金额没有来源说明。",
        f"After a {gap_months}-month gap, back-paid (benefit year {year}): "
        + "; ".join(en)
        + "; no source states the amount to back-pay.",
        [year],
        [Group(f"断缴 {gap_months} 个月 a {gap_months}-month gap", rows)],
    )


def _cond_order(key: str) -> tuple:
    return (key != "", not key.startswith("tier="), key)


def premium(ds: Dataset, cities: list[str], years: list[int]) -> Answer:
    """The resident premium (individual share) of each place for each year, in one table.

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    cities : list of str
        Place codes.
    years : list of int
        The benefit years, e.g. ``[2026, 2025]`` (current first).

    Returns
    -------
    Answer
        One row per place and condition set some year states (a place with none: one unknown row).
    """
    rs = {y: resolve(ds, cities, year=y) for y in years}
    rows, known = [], dict.fromkeys(years, 0)
    for code in cities:
        name = places.label(ds, code)
        per = {y: rs[y][(rs[y]["city"] == code) & (rs[y]["parameter"] == "resident.premium")] for y in years}
        keys = sorted({k for y in years for k in per[y]["conditions"]}, key=_cond_order)
        city_rows = []
        for key in keys:
            xs = {y: per[y][per[y]["conditions"] == key] for y in years}
            if all(xs[y].empty or xs[y].iloc[0]["status"] == "unknown" for y in years):
                continue
            cells, src, first = [], [], None
            for y in years:
                if xs[y].empty:
                    cells.append(_unknown_cell(y))
                    continue
                x = xs[y].iloc[0]
                first = first if first is not None else x
                cells.append(cell(ds, x, y))
                src += _row_sources(x)
            cond = conditions_text(key, ds.labels) or "档次与人群未注明 tier and group not stated"
            city_rows.append(Row(name, cond, cells, _sources(ds, src)))
        for y in years:
            known[y] += any(r_.cells[years.index(y)].known for r_ in city_rows)
        rows += city_rows or [
            Row(name, "居民医保个人缴费 resident premium", [_unknown_cell(y) for y in years])
        ]
    counts_zh = ",".join(f"{y} 年度 {known[y]} 地有数值" for y in years)
    counts_en = ", ".join(f"{known[y]} places have a value for {y}" for y in years)
    return Answer(
        "premium",
        *QUESTIONS["premium"],
        f"居民医保个人每年缴费(不含政府补助),{len(cities)} 地中:{counts_zh},其余未知;各地档次自行编号,"
        "不同城市的同名档次不能直接比较。",
        f"Resident premium per person and year (individual share), of {len(cities)} places: {counts_en}; "
        "the rest unknown. Tiers are numbered locally, so one city's tier 1 is not another's.",
        list(years),
        [Group("居民医保个人缴费 resident premium", rows)],
    )


def cross_province(ds: Dataset, cities: list[str], year: int) -> Answer:
    """Where bound relatives may be insured (province or whole country), per place and nationally.

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    cities : list of str
        Place codes.
    year : int
        The benefit year asked about.

    Returns
    -------
    Answer
        The national level's value first (its latest notice), then one row per place: the value
        every other page shows for that place and year.
    """
    national = "000000"
    r = resolve(ds, [national, *[c for c in cities if c != national]], year=year)
    nat = _pick(r, national, "family_account.scope")
    rows = []
    lead_zh, lead_en = "全国层面没有来源说明。", "No national source states it."
    if nat is not None:
        c = cell(ds, nat, year)
        rows.append(Row(places.label(ds, national), _what(ds, nat), [c], _sources(ds, _row_sources(nat))))
        if c.known:
            start = "" if c.period and "未注明" not in c.period else "未注明起始日期"
            start_en = "" if start == "" else ", with no start date stated"
            d = nat["date"]
            when = "" if d is None or pd.isna(d) else f"{pd.Timestamp(d):%Y-%m-%d} "
            lead_zh = (
                f"全国层面最新的来源({when}发布)写的是:{c.value}" + (f",{start}" if start else "") + "。"
            )
            lead_en = f"The latest national source ({when.strip() or 'undated'}) states: {c.value}{start_en}."
    per_place = []
    tally: dict[str, int] = {}
    for code in cities:
        if code == national:
            continue
        name = places.label(ds, code)
        x = _pick(r, code, "family_account.scope")
        if x is None:
            per_place.append(Row(name, "共济地域范围 pooling scope", [_unknown_cell(year)]))
            tally["未知 unknown"] = tally.get("未知 unknown", 0) + 1
            continue
        c = cell(ds, x, year)
        per_place.append(Row(name, _what(ds, x), [c], _sources(ds, _row_sources(x))))
        tally[c.value] = tally.get(c.value, 0) + 1
    spread = ";".join(f"{v}:{n} 地" for v, n in tally.items())
    spread_en = "; ".join(f"{v}: {n} places" for v, n in tally.items())
    return Answer(
        "cross-province",
        *QUESTIONS["cross-province"],
        f"{year} 年度,{lead_zh}各地本页显示的数值(与其他报告一致):{spread}。"
        "地方来源若早于全国通知,以当地医保部门答复为准。",
        f"Benefit year {year}. {lead_en} What each place's pages show (the same on every report): "
        f"{spread_en}. Where a place's source predates the national notice, ask the local bureau.",
        [year],
        [Group("全国 national", rows), Group("各地 by place", per_place)],
    )


#: Employer-rate parameters compared, each only with itself: (parameter, group title).
_RATE_BASES = (
    ("employee.rate.employer", "单位费率(含生育保险)", "employer rate including maternity"),
    (
        "employee.rate.employer_medical_only",
        "单位医疗费率(不含生育保险)",
        "employer medical rate without maternity",
    ),
)
#: Rate parameters that are never an employer's rate, with why (zh and en).
_NOT_EMPLOYER = {
    "employee.rate.total": "单位与个人合计或灵活就业总费率,不是单位费率 "
    "a total (employer + employee, or a flexible worker's) rate, not the employer's",
    "employee.rate.employee": "个人缴费比例,不是单位的 the employee's share, not the employer's",
    "employee.rate.maternity_included": "单位费率中生育保险的那一部分 "
    "only the maternity part of the employer rate",
    "employee.rate.maternity_separate": "单列的生育保险费率 a separate maternity rate",
    "employee.rate.supplementary": "补充/大病保险费率 a supplementary rate",
}


def employer_cost(ds: Dataset, cities: list[str], year: int) -> Answer:
    """Employer rates compared only within one basis; every other rate listed apart with the reason.

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    cities : list of str
        Place codes.
    year : int
        The benefit year asked about.

    Returns
    -------
    Answer
        One group per basis (including maternity / without maternity) with a row per place, the
        employee scheme only and no employee tier; then the rows listed apart.
    """
    r = resolve(ds, cities, year=year)
    r = r[r["city"].isin(cities)]
    groups, apart, counts = [], [], []
    for pid, t_zh, t_en in _RATE_BASES:
        title = f"{t_zh} {t_en}"
        rows, n = [], 0
        for code in cities:
            name = places.label(ds, code)
            sel = r[(r["city"] == code) & (r["parameter"] == pid)]
            main = sel[sel["conditions"].isin(["", "scheme=employee"])]
            main = main[main["status"] != "unknown"]
            if main.empty:
                rows.append(Row(name, title, [_unknown_cell(year)]))
            for _, x in main.iterrows():
                n += 1
                rows.append(Row(name, _what(ds, x), [cell(ds, x, year)], _sources(ds, _row_sources(x))))
            for _, x in sel[~sel.index.isin(main.index) & (sel["status"] != "unknown")].iterrows():
                tiered = "employee_tier=" in x["conditions"]
                why = "按职工档次分开 a tier of a tiered scheme" if tiered else "另一参保类别 another scheme"
                apart.append(Row(name, _what(ds, x), [cell(ds, x, year)], _sources(ds, _row_sources(x)), why))
        groups.append(
            Group(title, rows, note="本组数值口径相同,可以互相比较 same basis: comparable with each other")
        )
        counts.append(n)
    for pid, why in _NOT_EMPLOYER.items():
        for _, x in r[(r["parameter"] == pid) & (r["status"] != "unknown")].iterrows():
            apart.append(
                Row(
                    places.label(ds, x["city"]),
                    _what(ds, x),
                    [cell(ds, x, year)],
                    _sources(ds, _row_sources(x)),
                    why,
                )
            )
    groups.append(Group("另列,不可比较 listed apart: not comparable", apart, apart=True))
    (_, a_zh, a_en), (_, b_zh, b_en) = _RATE_BASES
    return Answer(
        "employer-cost",
        *QUESTIONS["employer-cost"],
        f"只能在口径相同的数值之间比较:{year} 年度,{len(cities)} 地中 {counts[0]} 个数值是{a_zh},"
        f"{counts[1]} 个是{b_zh},两组之间不能比较;其余费率另列并说明原因。",
        f"Only rates of one basis compare: for {year}, of {len(cities)} places, {counts[0]} values are an "
        f"{a_en} and {counts[1]} an {b_en}; the two groups do not compare, and every other rate is listed "
        "apart with the reason.",
        [year],
        groups,
    )


def answer(ds: Dataset, which: str, cities: list[str], year: int, gap_months: int = 6) -> Answer:
    """The `Answer` to one of `QUESTIONS` for the places and benefit year given.

    ``premium`` answers for `year` and the year before (one table); ``lapse`` for the flexible and
    employee schemes after `gap_months` months, back-paid. An unknown question raises `InputError`.
    """
    which = question(which)
    if which == "binding":
        return binding(ds, cities, year)
    if which == "lapse":
        return lapse_answer(ds, cities, year, gap_months)
    if which == "premium":
        return premium(ds, cities, [year, year - 1])
    if which == "cross-province":
        return cross_province(ds, cities, year)
    return employer_cost(ds, cities, year)

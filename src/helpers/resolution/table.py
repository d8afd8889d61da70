"""`resolve`: the value shown for each (place, parameter, conditions), as one typed table."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..data import Dataset, did_you_mean, inputs, places
from ..data.policies import parse_cond_key
from ..data.vocab import STATUS_BY_LEVEL
from ..exceptions import UnknownNameError
from .rank import Decision, decide_for, index, levels, same_key

#: The columns of `resolve()`'s result, in order, with their meaning (the one result shape).
COLUMNS: dict[str, str] = {
    "city": "code of the place asked about (GB/T 2260)",
    "city_zh": "its Chinese name",
    "level": "its level: city, province or national",
    "year": "the year asked about (None = latest: each value for its own period)",
    "parameter": "parameter id (see data/parameters.yaml)",
    "topic": "the parameter's topic",
    "label_zh": "the parameter's Chinese label",
    "label_en": "the parameter's English label",
    "unit": "the parameter's unit (None for text, lists, true/false)",
    "type": "the parameter's value type (yuan, rate, months, bool, list …)",
    "conditions": "condition key as the claims state it, e.g. 'scheme=employee;tier=1'; a condition "
    "left out is not stated ('' = none stated), 'tier=all' = stated for every tier",
    "value": "the value shown (None when unknown)",
    "values": "the shown value and every value that conflicts with it (list)",
    "status": "own, inherited-province, inherited-national, unverified (only leads state it), "
    "year-not-stated (only claims with no period and an undated source state it: never a year's value) "
    "or unknown",
    "from": "code of the place whose claim decides (None when unknown)",
    "claim": "id of the deciding claim",
    "source": "source id of the deciding claim",
    "kind": "that source's kind",
    "date": "newest source date among the claims that support the shown value",
    "support": "how many distinct non-lead sources state the shown value (corroboration; 0 = unverified)",
    "conflict": "True when claims at the same level and rank disagree",
    "superseded": "True when the shown value replaced an earlier claim for the same place (history kept)",
    "stale": "True when its period has ended, or - with no stated period - its newest source is too old",
    "undated": "True when the deciding claim's source carries no date",
    "doubt": "True when the data records a reason to doubt the shown value (see doubts)",
    "doubts": "the recorded doubts: list of {reason, zh, en}, from the claims and their sources",
    "latest_year": "when no claim speaks for the year asked: the year of the latest earlier period stated "
    "(None otherwise)",
    "latest_value": "the value stated for that earlier period (never shown as the year's value)",
    "decision": "the resolver's Decision: winner, competing, outranked, agreeing, overrides, superseded, "
    "leads, rejected, unattributed",
}


#: Results `resolve` keeps per dataset (the newest ones).
MEMO = 8


def _keys(ds: Dataset, codes: list[str], params: list[str]) -> list[tuple[str, str]]:
    """(parameter, cond_key) pairs: every condition set any compared place or its chain has."""
    idx = index(ds)
    chains = {j for code in codes for j in places.chain(ds, code)}
    keys = []
    for p in params:
        ck = sorted({c.cond_key for j in chains for c in idx.get((j, p), [])})
        keys += [(p, k) for k in (ck or [""])]
    return keys


def _codes(ds: Dataset, cities) -> list[str]:
    six_digits = isinstance(cities, list | tuple) and all(
        str(c).isdigit() and len(str(c)) == 6 for c in cities
    )
    if cities and six_digits:
        known = set(ds.jurisdictions["code"])
        if all(str(c) in known for c in cities):
            return [str(c) for c in cities]
    return inputs.places(ds, cities, "cities")


def status_of(ds: Dataset, code: str, d: Decision) -> str:
    """own, inherited-province, inherited-national, unverified or unknown, from who decides."""
    if d.winner is None:
        return "unknown"
    if d.year_not_stated:
        return "year-not-stated"
    if d.unverified:
        return "unverified"
    if d.winner.jurisdiction == code:
        return "own"
    return STATUS_BY_LEVEL[places.level(ds, d.winner.jurisdiction)]


def is_stale(d: Decision, on: dt.date, cutoff: dt.date, year: int | None) -> bool:
    """Stale: the winner's stated period ended before `on` (no year asked), or it states no period
    and its newest supporting source is older than `cutoff`. A period still in force is never stale."""
    w = d.winner
    if w is None:
        return False
    if w.dated:
        return year is None and w.end < on
    dates = [c.date for c in [w, *d.agreeing] if c.date]
    return bool(dates) and max(dates) < cutoff


def resolve(
    ds: Dataset,
    cities,
    year: int | None = None,
    as_of: dt.date | str | None = None,
    stale_after_years: float = 2,
    topic: str | None = None,
    include_leads: bool = False,
) -> pd.DataFrame:
    """The value shown for each place, parameter and condition set (one row each).

    Parameters
    ----------
    ds : Dataset
        From `load()`.
    cities : str or list of str
        Places by code, Chinese name or pinyin: ``"济南,泰安"``, ``["370100", "370900"]``.
    year : int, optional
        Policy year (``"2025"`` is converted); claims whose period excludes it are left out (undated
        claims apply to any year). None or 0: any year, as in the CLI and the notebooks.
    as_of : date or 'YYYY-MM-DD', optional
        Date the staleness check counts back from (default today).
    stale_after_years : float
        A value with no stated period is stale when its newest supporting source is older than this.
    topic : str or list of str, optional
        Only parameters of these topics (binding, contribution, lapse, benefit); ``"binding,lapse"``
        or a list for several.
    include_leads : bool
        Let machine-written (ai-generated) claims compete with the others. Without it they decide
        only where nothing else states a value, and the value's status is ``unverified``.

    Returns
    -------
    DataFrame
        Columns as in `COLUMNS` (documented there), one row per (city, parameter, conditions).

    Raises
    ------
    InputError
        An argument that is not a place, year, date, topic or number, with the fix
        (``year: 'abc' is not a year — give a year 1990–2100, or 0 for any year``).

    Examples
    --------
    >>> import helpers as h
    >>> r = h.resolve(h.load(), "泰安", topic="binding")
    >>> list(r.columns) == list(h.resolve_columns())
    True
    """
    codes = _codes(ds, cities)
    year = inputs.year(year, "year")
    as_of = inputs.date(as_of, "as_of") or dt.date.today()
    stale_after_years = inputs.number(stale_after_years, "stale_after_years")
    include_leads = inputs.flag(include_leads, "include_leads")
    if topic is not None:
        topic = inputs.topics(ds, topic, "topic")
    wanted = tuple(topic) if isinstance(topic, list | tuple) else topic
    key = (tuple(codes), year, as_of, stale_after_years, wanted, include_leads)
    memo = ds.cache.setdefault("resolved", {})  # a report asks the same question several times
    if key not in memo:
        memo[key] = _resolve(ds, codes, year, as_of, stale_after_years, topic, include_leads)
        while len(memo) > MEMO:
            memo.pop(next(iter(memo)))
    return memo[key].copy()  # callers add columns to what they get


def _resolve(
    ds: Dataset,
    codes: list[str],
    year: int | None,
    as_of: dt.date,
    stale_after_years: float,
    topic,
    include_leads: bool,
) -> pd.DataFrame:
    """`resolve` for place codes and a date (not memoised)."""
    cutoff = as_of - dt.timedelta(days=round(365.25 * stale_after_years))
    params = ds.parameters
    national_only = set(params.loc[params["scope"] == "national", "id"])
    if topic is not None:
        wanted = topic.replace("，", ",").split(",") if isinstance(topic, str) else list(topic)
        wanted = [str(t).strip() for t in wanted if str(t).strip()]
        for t in wanted:
            if t not in set(ds.topics):
                hint = did_you_mean(t, list(ds.topics))
                raise UnknownNameError(f"unknown topic '{t}' — {hint} (use one of: {', '.join(ds.topics)})")
        params = params[params["topic"].isin(wanted)]
    meta = params.set_index("id")[["topic", "label_zh", "label_en", "unit", "type"]].to_dict("index")
    rows = []
    keys = _keys(ds, codes, list(params["id"]))  # the same for every place compared
    for code in codes:
        level = places.level(ds, code)
        for pid, ck in keys:
            if pid in national_only and level != "national":
                continue  # a national figure (e.g. the minimum premium) is never a city's value
            d = decide_for(ds, code, pid, ck, year, include_leads, as_of)
            w = d.winner
            latest = _latest_before(ds, code, pid, ck, year) if w is None and year is not None else None
            newest = max((c.date for c in [w, *d.agreeing] if c.date), default=None) if w else None
            rows.append(
                {
                    "city": code,
                    "city_zh": places.label(ds, code),
                    "level": level,
                    "year": year,
                    "parameter": pid,
                    **meta[pid],
                    "conditions": ck,
                    "value": w.value if w else None,
                    "values": d.values,
                    "status": status_of(ds, code, d),
                    "from": w.jurisdiction if w else None,
                    "claim": w.claim_id if w else None,
                    "source": w.source if w else None,
                    "kind": w.kind if w else None,
                    "date": newest,
                    "support": d.support,
                    "conflict": d.conflict,
                    "superseded": bool(w is not None and d.superseded),
                    "stale": is_stale(d, as_of, cutoff, year),
                    "undated": bool(w is not None and w.date is None),
                    "doubt": bool(d.doubts),
                    "doubts": d.doubts,
                    "latest_year": latest.end.year if latest else None,
                    "latest_value": latest.value if latest else None,
                    "decision": d,
                }
            )
    out = pd.DataFrame(rows, columns=list(COLUMNS))
    out["value"] = pd.Series([x["value"] for x in rows], index=out.index, dtype=object)  # 7 stays 7, not 7.0
    out["latest_value"] = pd.Series([x["latest_value"] for x in rows], index=out.index, dtype=object)
    out["latest_year"] = out["latest_year"].astype("Int64")
    out["year"] = out["year"].astype("Int64")
    return out


def _latest_before(ds: Dataset, code: str, parameter: str, cond_key: str, year: int):
    """The most recent claim (non-lead first) whose stated period ended before `year`, in the
    place's chain, or None: shown as "latest stated: 2016 · 140 元", never as the year's value."""
    wanted = parse_cond_key(cond_key)
    start = dt.date(year, 1, 1)
    found = [
        c
        for lv in levels(ds, code, parameter, lambda c: same_key(c.conditions, wanted))
        for c in lv
        if c.dated and c.end < start and c.usable and c.scope == "stated"
    ]
    if not found:
        return None
    return max(found, key=lambda c: (not c.lead, c.end, -c.rank, c.claim_id))


def resolve_columns() -> dict[str, str]:
    """The columns `resolve()` returns, with the meaning of each.

    Parameters
    ----------
    None

    Returns
    -------
    dict of str to str
        Column name → meaning, in the order of `resolve()`'s result.

    Examples
    --------
    >>> import helpers as h
    >>> h.resolve_columns()["status"].split(", ")[:4]
    ['own', 'inherited-province', 'inherited-national', 'unverified (only leads state it)']
    """
    return dict(COLUMNS)


def disagreements(resolved: pd.DataFrame) -> pd.DataFrame:
    """Each distinct disagreement once: conflict rows grouped by the claims that disagree.

    One disagreement of a province's pages shows in every city that inherits it and in every
    condition row a claim stated for `all` reaches; counted here once.

    Parameters
    ----------
    resolved : DataFrame
        From `resolve()`.

    Returns
    -------
    DataFrame
        One row per disagreement: ``parameter``, ``from`` (place whose claims disagree),
        ``claims`` (the disagreeing claim ids, sorted), ``values`` (list), ``rows`` (how many rows of
        `resolved` show it), ``places`` (codes of the places asked about that show it).

    Examples
    --------
    >>> import helpers as h
    >>> r = h.resolve(h.load(), "山东全省", year=2025)
    >>> int(r["conflict"].sum()) >= len(h.resolution.disagreements(r))
    True
    """
    found: dict[tuple, dict] = {}
    for row in resolved[resolved["conflict"]].itertuples(index=False):
        d = row.decision
        ids = tuple(sorted([d.winner.claim_id, *[c.claim_id for c in d.competing]]))
        key = (row.parameter, ids)
        rec = found.setdefault(
            key,
            {
                "parameter": row.parameter,
                "from": d.winner.jurisdiction,
                "claims": list(ids),
                "values": d.values,
                "rows": 0,
                "places": [],
            },
        )
        rec["rows"] += 1
        if row.city not in rec["places"]:
            rec["places"].append(row.city)
    return pd.DataFrame(
        list(found.values()), columns=["parameter", "from", "claims", "values", "rows", "places"]
    )

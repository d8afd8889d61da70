"""Family account (家庭共济): which relatives can be bound, and what their premiums cost a year."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data import Dataset, inputs, places
from ..exceptions import YibaoError
from . import reasons as R
from .common import Span, lookup, merge_claims, merge_inputs, relations, scenario_frame, unverified
from .premiums import categories, category, member_premium


def _province(ds: Dataset, code: str) -> str | None:
    return next((j for j in places.chain(ds, code) if places.level(ds, j) == "province"), None)


def _relative_checks(ds: Dataset, code: str, rel: dict, year) -> dict:
    """Checks that do not depend on the other relatives: relation, place, existing holder."""
    relation = rel.get("relation")
    allowed = relations(ds)
    if relation not in allowed:
        raise YibaoError(f"unknown relation {relation!r} — use one of: {', '.join(allowed)}")
    listed = lookup(ds, code, "family_account.relations", year)
    complete = lookup(ds, code, "family_account.relations_list_complete", year)
    scope = lookup(ds, code, "family_account.scope", year)
    one_holder = lookup(ds, code, "family_account.one_holder_per_relative", year)
    used = [listed, complete, scope, one_holder]
    status, reasons = "yes", []

    def worse(new: str, why: str) -> None:
        nonlocal status
        order = {"yes": 0, "unknown": 1, "disputed": 1, "no": 2}
        if order[new] > order[status]:
            status = new
        reasons.append(why)

    if not listed.known:
        worse("unknown", R.RELATIONS_UNSOURCED)
    else:
        in_list = [relation in v for v in listed.values]
        if all(in_list):
            pass
        elif any(in_list):
            worse("disputed", R.RELATION_DISPUTED)
        elif complete.values == [False]:
            worse("unknown", R.RELATION_NOT_LISTED)
        else:
            worse("no", R.RELATION_EXCLUDED)
    place = places.find(ds, rel["place"]) if rel.get("place") else code
    if place != code:
        if not scope.known or scope.conflict:
            worse("unknown", R.SCOPE_UNSOURCED)
        elif scope.lo == "province" and _province(ds, place) != _province(ds, code):
            worse("no", R.OTHER_PROVINCE)
        elif scope.lo == "city" and place != code:
            worse("no", R.OTHER_CITY)
    if rel.get("already_bound") is True or rel.get("already_bound") == 1:
        if one_holder.values == [True]:
            worse("no", R.HAS_HOLDER)
        elif not one_holder.known:
            worse("unknown", R.HOLDERS_UNSOURCED)
    return {
        "status": status,
        "reasons": reasons,
        "claims": merge_claims(*used),
        "inputs": merge_inputs(*used),
        "conflict": any(s.conflict for s in used),
        "unverified": unverified(*used),
    }


def _limit(ds: Dataset, code: str, year) -> Span:
    return lookup(ds, code, "family_account.max_relatives", year)


def _apply_limit(status: str, nth: int, limit: Span) -> tuple[str, str | None]:
    """Status after counting this relative as the nth eligible one against the binding limit."""
    if status == "no" or not limit.known:
        return status, (None if status == "no" else R.LIMIT_UNSOURCED)
    if nth > limit.hi:
        return "no", R.LIMIT_REACHED.format(hi=limit.hi)
    if nth > limit.lo:
        return "disputed", R.LIMIT_DISPUTED.format(lo=limit.lo, hi=limit.hi)
    return status, None


def family_binding(
    ds: Dataset, city: str, relatives: list[dict] | str, tier: int = 1, year: int | None = None
) -> pd.DataFrame:
    """Which relatives an employee in `city` can bind to the personal account, why not, and their premium.

    The reference (one household) version of `family_bindings`. Relatives are counted in order
    against the city's binding limit; where sources disagree on the limit, the relatives between
    the two figures are ``disputed``.

    Parameters
    ----------
    ds : Dataset
        The loaded data (`helpers.load()`).
    city : str or int
        The employee's city: code, Chinese name or pinyin (``370900``, ``泰安``, ``taian``).
    relatives : list of dict, or JSON text
        One dict per relative. Keys (only ``relation`` is required):
        ``relation`` — spouse, parent, child, parent_in_law, sibling, grandparent, grandchild, or a
        Chinese or English word for one (配偶, 父亲, 兄弟姐妹, 公婆, father, sister, father-in-law …);
        ``age`` — whole years (under 18 pays the minors' premium); ``student`` — bool;
        ``group`` — a population group (extreme_poverty, orphan, subsistence_allowance, …);
        ``place`` — where the relative is insured (default the same city); ``already_bound`` — bool,
        another holder has bound them; ``scheme`` — employee, flexible or resident (default);
        ``name`` — a free label.
    tier : {1, 2}
        Resident premium tier paid for the relatives.
    year : int, optional
        Policy year; None takes the claims in force for any year.

    Returns
    -------
    DataFrame
        One row per relative: ``city`` (code), ``city_zh`` (Chinese name), ``relative`` (1, 2, …),
        ``relation`` (vocabulary code), ``can_bind`` (``yes``, ``no``, ``unknown`` — not sourced —,
        ``disputed`` — sources disagree), ``reason`` (why; texts in `helpers.glossary()`),
        ``premium_lo`` / ``premium_hi`` (resident premium in yuan a year the account would pay;
        equal unless sources conflict, empty when not sourced or not bindable), ``conflict``
        (bool: a source disagreement touched the result), ``unverified`` (bool: a figure used is
        stated only by machine-written pages), ``doubt`` (bool: the data records a doubt about a
        figure used), ``claims`` (list of claim ids used), ``inputs`` (list of dicts, one per
        figure looked up: value, year, status, kind, support, doubts — see `helpers.inputs_table`).

    Raises
    ------
    InputError
        An unknown relation, field or place, or relatives not given as a list of dicts.

    Examples
    --------
    >>> import helpers as h
    >>> ds = h.load()
    >>> r = h.family_binding(ds, "泰安", [{"relation": "配偶"}, {"relation": "兄弟姐妹", "place": "北京"}])
    >>> r["city_zh"].tolist(), r["relation"].tolist(), r["can_bind"].tolist()
    (['泰安市', '泰安市'], ['spouse', 'sibling'], ['yes', 'no'])
    >>> r.at[1, "reason"]
    'relative insured in another province'
    """
    code = inputs.place(ds, city, "city")
    relatives = inputs.household(ds, relatives, "relatives")
    tier = inputs.tier(ds, tier, "tier")
    year = inputs.year(year, "year")
    limit = _limit(ds, code, year)
    pays = lookup(ds, code, "family_account.pays_resident_premium", year)
    rows, nth = [], 0
    for i, rel in enumerate(relatives):
        chk = _relative_checks(ds, code, rel, year)
        status = chk["status"]
        if status != "no":
            nth += 1
        status, why = _apply_limit(status, nth, limit)
        reasons = chk["reasons"] + ([why] if why else [])
        premium = {"pays_lo": None, "pays_hi": None}
        unv = chk["unverified"] or unverified(limit, pays)
        if status != "no" and rel.get("scheme", "resident") == "resident" and pays.values == [True]:
            cat = category(rel.get("age"), rel.get("student"), rel.get("group"))
            m = member_premium(ds, code, cat, tier, year)
            premium = {"pays_lo": m["pays_lo"], "pays_hi": m["pays_hi"]}
            unv = unv or m["unverified"]
            chk["claims"] = merge_claims(Span(claims=chk["claims"]), Span(claims=m["claims"]))
            chk["inputs"] = merge_inputs(Span(used=chk["inputs"]), Span(used=m["inputs"]))
        used = merge_inputs(Span(used=chk["inputs"]), limit, pays)
        rows.append(
            {
                "city": code,
                "city_zh": places.label(ds, code),
                "relative": i + 1,
                "relation": rel["relation"],
                "can_bind": status,
                "reason": "; ".join(reasons) or R.QUALIFIES,
                "premium_lo": premium["pays_lo"],
                "premium_hi": premium["pays_hi"],
                "conflict": chk["conflict"] or limit.conflict,
                "unverified": unv,
                "doubt": any(r["doubt"] for r in used),
                "claims": merge_claims(Span(claims=chk["claims"]), limit, pays),
                "inputs": used,
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


COLUMNS = [
    "city",
    "city_zh",
    "relative",
    "relation",
    "can_bind",
    "reason",
    "premium_lo",
    "premium_hi",
    "conflict",
    "unverified",
    "doubt",
    "claims",
    "inputs",
]


def family_bindings(
    ds: Dataset, relatives: pd.DataFrame, tier: int = 1, year: int | None = None
) -> pd.DataFrame:
    """Which relatives can be bound, for many households at once (one row per relative).

    Distinct relatives are checked once; the binding limit is counted per household in row order.
    The results equal `family_binding`'s.

    Parameters
    ----------
    ds : Dataset
        The loaded data (`helpers.load()`).
    relatives : DataFrame
        Columns ``household`` (any id), ``city``, ``relation`` (code or a word such as 父亲, father);
        optional ``place``, ``already_bound``, ``age``, ``student``, ``group``, ``scheme`` as in
        `family_binding`.
    tier : {1, 2}
        Resident premium tier paid for the relatives.
    year : int, optional
        Policy year; None takes the claims in force for any year.

    Returns
    -------
    DataFrame
        The input columns (``city`` as a code, plus ``city_zh``; ``relation`` as a code), then
        ``can_bind``, ``reason``, ``premium_lo``, ``premium_hi``, ``conflict``, ``unverified``,
        ``doubt``, ``claims``, ``inputs`` as in `family_binding` (optional input columns missing
        from the table are added with their defaults).

    Examples
    --------
    >>> import helpers as h, pandas as pd
    >>> rel = pd.DataFrame({"household": [1, 1], "city": "泰安", "relation": ["配偶", "father"]})
    >>> h.family_bindings(h.load(), rel)[["relation", "can_bind"]].values.tolist()
    [['spouse', 'yes'], ['parent', 'yes']]
    """
    defaults = {
        "place": None,
        "already_bound": False,
        "age": None,
        "student": False,
        "group": None,
        "scheme": "resident",
    }
    df = scenario_frame(
        ds,
        relatives,
        defaults,
        required=("household", "city", "relation"),
        example="pd.DataFrame({'household': [1, 1], 'city': '泰安', 'relation': ['配偶', 'father']})",
        name="relatives",
    ).astype({"place": object, "group": object})
    tier = inputs.tier(ds, tier, "tier")
    year = inputs.year(year, "year")
    df = df.where(df.notna(), None)
    df["relation"] = df["relation"].map(
        {r: inputs.relation(ds, r, "relatives['relation']") for r in df["relation"].unique()}
    )
    # the premium depends on age only through the member category (minor or not)
    df["category"] = categories(df)
    cols = ["city", "relation", "place", "already_bound", "student", "group", "scheme", "category"]
    gid = _case_ids(df, cols)
    first, refused_claims, refused_inputs = {}, {}, {}
    for g, i in gid.drop_duplicates().items():
        rel = {c: df.at[g, c] for c in ("relation", "place", "already_bound", "student", "group", "scheme")}
        rel["age"] = 10 if df.at[g, "category"] == "minor" else None
        city = df.at[g, "city"]
        first[i] = family_binding(ds, city, [rel], tier, year).iloc[0][RESULT].to_dict()
        # claims as the reference lists them for a relative refused at the limit (no premium looked up)
        pays = lookup(ds, city, "family_account.pays_resident_premium", year)
        chk = _relative_checks(ds, city, rel, year)
        checked = Span(claims=chk["claims"], used=chk["inputs"])
        refused_claims[i] = merge_claims(checked, _limit(ds, city, year), pays)
        refused_inputs[i] = merge_inputs(checked, _limit(ds, city, year), pays)
    res = pd.DataFrame.from_dict(first, orient="index", columns=RESULT)
    out = pd.concat([df, res.loc[gid.to_numpy()].reset_index(drop=True)], axis=1)
    eligible = out["can_bind"] != "no"
    nth = eligible.astype(int).groupby(out["household"]).cumsum()
    limits = {c: _limit(ds, c, year) for c in out["city"].unique()}
    lo = out["city"].map({c: s.lo for c, s in limits.items()}).astype(float)
    hi = out["city"].map({c: s.hi for c, s in limits.items()}).astype(float)
    over, between = eligible & (nth > hi), eligible & (nth > lo) & (nth <= hi)
    base = out["reason"].where(out["reason"] != R.QUALIFIES, "")
    # the limit's words depend on the city only: written once per city, joined on the rows concerned
    num = {c: (float(np.nan if s.lo is None else s.lo), float(np.nan if s.hi is None else s.hi))
           for c, s in limits.items()}  # fmt: skip
    why_over = {c: R.LIMIT_REACHED.format(hi=f"{h:.0f}") for c, (_, h) in num.items()}
    why_between = {c: R.LIMIT_DISPUTED.format(lo=f"{lo_:.0f}", hi=f"{h:.0f}") for c, (lo_, h) in num.items()}
    join = lambda a, b: (a + "; " + b).str.lstrip("; ")  # noqa: E731
    out.loc[over, "reason"] = join(base[over], out["city"][over].map(why_over))
    out.loc[between, "reason"] = join(base[between], out["city"][between].map(why_between))
    out.loc[over, "can_bind"] = "no"
    out.loc[between, "can_bind"] = "disputed"
    out.loc[over, ["premium_lo", "premium_hi"]] = None
    out.loc[over, "claims"] = pd.Series([refused_claims[i] for i in gid], dtype=object)[over]
    out.loc[over, "inputs"] = pd.Series([refused_inputs[i] for i in gid], dtype=object)[over]
    refused_doubt = pd.Series([any(r["doubt"] for r in refused_inputs[i]) for i in gid], dtype=bool)
    out.loc[over, "doubt"] = refused_doubt[over]
    return out.drop(columns=["category"])


def _case_ids(df: pd.DataFrame, cols: list[str]) -> pd.Series:
    """One id per distinct combination of `cols` (missing values count as a value), first seen first.

    Equivalent to `groupby(cols, dropna=False, sort=False).ngroup()`, by factorising each column
    as plain objects and combining the codes (much faster on object columns holding None).
    """
    key = np.zeros(len(df), dtype=np.int64)
    for c in cols:
        codes, uniques = pd.factorize(df[c].to_numpy(dtype=object), use_na_sentinel=False)
        key = key * (len(uniques) + 1) + codes
    return pd.Series(pd.factorize(key)[0], index=df.index)


RESULT = COLUMNS[COLUMNS.index("can_bind") :]

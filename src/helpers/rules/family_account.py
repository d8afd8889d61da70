"""Family account (家庭共济): which relatives can be bound, and what their premiums cost a year."""

from __future__ import annotations

import pandas as pd

from ..data import Dataset, places
from ..exceptions import YibaoError
from .common import Span, lookup, merge_claims, relations, scenario_frame
from .contributions import categories, category, member_premium

FIELDS = {"relation", "place", "already_bound", "age", "student", "group", "scheme", "name"}


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
        worse("unknown", "qualifying relations not sourced")
    else:
        in_list = [relation in v for v in listed.values]
        if all(in_list):
            pass
        elif any(in_list):
            worse("disputed", "sources disagree on whether this relation qualifies")
        elif complete.values == [False]:
            worse("unknown", "relation not in an incomplete (等) list")
        else:
            worse("no", "relation does not qualify")
    place = places.find(ds, rel["place"]) if rel.get("place") else code
    if place != code:
        if not scope.known or scope.conflict:
            worse("unknown", "where relatives must be insured is not sourced")
        elif scope.lo == "province" and _province(ds, place) != _province(ds, code):
            worse("no", "relative insured in another province")
        elif scope.lo == "city" and place != code:
            worse("no", "relative insured in another city")
    if rel.get("already_bound"):
        if one_holder.values == [True]:
            worse("no", "relative already has an account holder")
        elif not one_holder.known:
            worse("unknown", "whether a relative may have two holders is not sourced")
    return {
        "status": status,
        "reasons": reasons,
        "claims": merge_claims(*used),
        "conflict": any(s.conflict for s in used),
    }


def _limit(ds: Dataset, code: str, year) -> Span:
    return lookup(ds, code, "family_account.max_relatives", year)


def _apply_limit(status: str, nth: int, limit: Span) -> tuple[str, str | None]:
    """Status after counting this relative as the nth eligible one against the binding limit."""
    if status == "no" or not limit.known:
        return status, (None if status == "no" else "binding limit not sourced")
    if nth > limit.hi:
        return "no", f"limit of {limit.hi} reached"
    if nth > limit.lo:
        return "disputed", f"sources give a limit of {limit.lo} or {limit.hi}"
    return status, None


def family_binding(
    ds: Dataset, city: str, relatives: list[dict], tier: int = 1, year: int | None = None
) -> pd.DataFrame:
    """Reference: one row per relative — can they be bound, why not, and their yearly premium."""
    code = places.find(ds, city)
    limit = _limit(ds, code, year)
    pays = lookup(ds, code, "family_account.pays_resident_premium", year)
    rows, nth = [], 0
    for i, rel in enumerate(relatives):
        extra = set(rel) - FIELDS
        if extra:
            raise YibaoError(f"relative {i + 1}: unknown field(s) {sorted(extra)} — use {sorted(FIELDS)}")
        chk = _relative_checks(ds, code, rel, year)
        status = chk["status"]
        if status != "no":
            nth += 1
        status, why = _apply_limit(status, nth, limit)
        reasons = chk["reasons"] + ([why] if why else [])
        premium = {"pays_lo": None, "pays_hi": None}
        if status != "no" and rel.get("scheme", "resident") == "resident" and pays.values == [True]:
            cat = category(rel.get("age"), bool(rel.get("student")), rel.get("group"))
            m = member_premium(ds, code, cat, tier, year)
            premium = {"pays_lo": m["pays_lo"], "pays_hi": m["pays_hi"]}
            chk["claims"] = merge_claims(Span(claims=chk["claims"]), Span(claims=m["claims"]))
        rows.append(
            {
                "relative": i + 1,
                "relation": rel["relation"],
                "can_bind": status,
                "reason": "; ".join(reasons) or "qualifies",
                "premium_lo": premium["pays_lo"],
                "premium_hi": premium["pays_hi"],
                "conflict": chk["conflict"] or limit.conflict,
                "claims": merge_claims(Span(claims=chk["claims"]), limit, pays),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "relative",
            "relation",
            "can_bind",
            "reason",
            "premium_lo",
            "premium_hi",
            "conflict",
            "claims",
        ],
    )


def family_bindings(
    ds: Dataset, relatives: pd.DataFrame, tier: int = 1, year: int | None = None
) -> pd.DataFrame:
    """Vectorised: one row per relative (`household`, `city`); distinct cases once, limits by cumsum."""
    defaults = {
        "place": None,
        "already_bound": False,
        "age": None,
        "student": False,
        "group": None,
        "scheme": "resident",
    }
    df = scenario_frame(ds, relatives, defaults).astype({"place": object, "group": object})
    df = df.where(df.notna(), None)
    # the premium depends on age only through the member category (minor or not)
    df["category"] = categories(df)
    cols = ["city", "relation", "place", "already_bound", "student", "group", "scheme", "category"]
    gid = df.groupby(cols, dropna=False, sort=False).ngroup()
    first, refused_claims = {}, {}
    for g, i in gid.drop_duplicates().items():
        rel = {c: df.at[g, c] for c in ("relation", "place", "already_bound", "student", "group", "scheme")}
        rel["age"] = 10 if df.at[g, "category"] == "minor" else None
        city = df.at[g, "city"]
        first[i] = family_binding(ds, city, [rel], tier, year).iloc[0][RESULT].to_dict()
        # claims as the reference lists them for a relative refused at the limit (no premium looked up)
        pays = lookup(ds, city, "family_account.pays_resident_premium", year)
        checked = Span(claims=_relative_checks(ds, city, rel, year)["claims"])
        refused_claims[i] = merge_claims(checked, _limit(ds, city, year), pays)
    res = pd.DataFrame.from_dict(first, orient="index", columns=RESULT)
    out = pd.concat([df, res.loc[gid.to_numpy()].reset_index(drop=True)], axis=1)
    eligible = out["can_bind"] != "no"
    nth = eligible.astype(int).groupby(out["household"]).cumsum()
    limits = {c: _limit(ds, c, year) for c in out["city"].unique()}
    lo = out["city"].map({c: s.lo for c, s in limits.items()}).astype(float)
    hi = out["city"].map({c: s.hi for c, s in limits.items()}).astype(float)
    over, between = eligible & (nth > hi), eligible & (nth > lo) & (nth <= hi)
    base = out["reason"].where(out["reason"] != "qualifies", "")
    hi_text, lo_text = hi.map(lambda v: f"{v:.0f}"), lo.map(lambda v: f"{v:.0f}")
    why_over = "limit of " + hi_text + " reached"
    why_between = "sources give a limit of " + lo_text + " or " + hi_text
    join = lambda a, b: (a + "; " + b).str.lstrip("; ")  # noqa: E731
    out.loc[over, "reason"] = join(base, why_over)[over]
    out.loc[between, "reason"] = join(base, why_between)[between]
    out.loc[over, "can_bind"] = "no"
    out.loc[between, "can_bind"] = "disputed"
    out.loc[over, ["premium_lo", "premium_hi"]] = None
    out.loc[over, "claims"] = pd.Series([refused_claims[i] for i in gid], dtype=object)[over]
    return out.drop(columns=["category"])


RESULT = ["can_bind", "reason", "premium_lo", "premium_hi", "conflict", "claims"]

"""Reader-facing tables built from the dataset and resolution results."""

from __future__ import annotations

import pandas as pd

from ..data import Dataset, did_you_mean, inputs, places
from ..data.vocab import FLAGS, MARKS
from ..exceptions import InputError
from ..resolution import resolve
from .fmt import value_text


def _fmt_value(v) -> str:
    if isinstance(v, list):
        return ", ".join(map(str, v))
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def claims_table(ds: Dataset, city: str | None = None, parameter: str | None = None) -> pd.DataFrame:
    """Claims joined with their source (title, kind, published), optionally for one city or parameter.

    Parameters
    ----------
    ds : Dataset
        The loaded data (`helpers.load()`).
    city : str, optional
        Only claims made for this place (code, Chinese name or pinyin); all places when omitted.
    parameter : str, optional
        Only claims on this parameter id (see `helpers.glossary(section="parameter")`).

    Returns
    -------
    DataFrame
        One row per claim: ``claim`` (claim id), ``place`` (Chinese name), ``parameter``,
        ``conditions`` (e.g. ``scheme=employee``), ``value`` (as typed in the data: a number, true/false,
        a list or text), ``unit`` (the parameter's unit: yuan, share, months …; None for text, lists
        and true/false), ``value_text`` (the value as a reader sees it: ``390 元``, ``8 %``),
        ``period`` (year or dates the claim applies to, as text), ``usable`` (False: kept on record,
        never shown as a value),
        ``source`` (id), ``kind`` (source kind), ``published`` (date or bounds, ``≥ …``),
        ``locator`` (where on the page) and ``url``.

    Examples
    --------
    >>> import helpers as h
    >>> t = h.claims_table(h.load(), city="泰安", parameter="family_account.max_relatives")
    >>> t[["place", "value", "unit", "value_text", "kind"]].values.tolist()
    [['泰安市', 8, 'persons', '8 人', 'aggregator']]
    """
    c = ds.claims
    if city:
        c = c[c["jurisdiction"] == inputs.place(ds, city, "city")]
    if parameter:
        if parameter not in set(ds.parameters["id"]):
            raise InputError(
                f"parameter: unknown parameter '{parameter}' — "
                + did_you_mean(parameter, list(ds.parameters["id"]))
            )
        c = c[c["parameter"] == parameter]
    src = ds.sources.set_index("id")
    meta = ds.parameters.set_index("id")
    units = [u if isinstance(u := meta.at[p, "unit"], str) else None for p in c["parameter"]]
    types = [meta.at[p, "type"] for p in c["parameter"]]
    out = pd.DataFrame(
        {
            "claim": c["claim_id"],
            "place": [places.label(ds, j) for j in c["jurisdiction"]],
            "parameter": c["parameter"],
            "conditions": c["cond_key"],
            "value": pd.Series(list(c["value"]), index=c.index, dtype=object),
            "unit": units,
            "value_text": [
                value_text(v, t, ds.labels, u) for v, t, u in zip(c["value"], types, units, strict=True)
            ],
            "period": [_period_text(r) for r in c.itertuples()],
            "usable": c["usable"],
            "source": c["source"],
            "kind": [src.at[s, "kind"] for s in c["source"]],
            "published": [published_text(src.loc[s]) for s in c["source"]],
            "locator": c["locator"],
            "url": [src.at[s, "url"] for s in c["source"]],
        }
    )
    return out.reset_index(drop=True)


def _period_text(row) -> str:
    if not pd.isna(row.year):
        return str(row.year)
    parts = []
    if not pd.isna(row.valid_from):
        parts.append(f"from {row.valid_from:%Y-%m-%d}")
    if not pd.isna(row.valid_to):
        parts.append(f"to {row.valid_to:%Y-%m-%d}")
    return " ".join(parts)


def published_text(src_row) -> str:
    """A source's publication date, or its bounds ('≥ 2025-03-18'), or 'undated'."""
    if not pd.isna(src_row["published"]):
        return f"{src_row['published']:%Y-%m-%d}"
    lo, hi = src_row["published_not_before"], src_row["published_not_after"]
    if not pd.isna(lo) and not pd.isna(hi):
        return f"{lo:%Y-%m-%d} – {hi:%Y-%m-%d}"
    if not pd.isna(lo):
        return f"≥ {lo:%Y-%m-%d}"
    if not pd.isna(hi):
        return f"≤ {hi:%Y-%m-%d}"
    return "undated"


def cell_text(row) -> str:
    """One comparison cell: value plus its marks (vocab.MARKS; the legend explains each)."""
    if row["status"] == "unknown":
        return "— 未知 unknown"
    vals = row["values"] if row["conflict"] else [row["value"]]
    text = " / ".join(_fmt_value(v) for v in vals)
    return " ".join([text, *marks(row)])


def mark_keys(row) -> list[str]:
    """The statuses and flags a value's marks stand for, in the order printed: its status (an
    unverified value inherited from a parent also gets the parent's ↑ mark), then each flag it
    carries (conflict, superseded, stale, undated, doubt); only those with a mark."""
    status = row["status"]
    out = [status]
    if status == "unverified" and row.get("from") and row["from"] != row["city"]:
        out.append("inherited-national" if row["from"] == "000000" else "inherited-province")
    out += [f for f in FLAGS if bool(row.get(f, False))]
    return [k for k in out if MARKS[k]]


def marks(row) -> list[str]:
    """Marks after a value, from vocab.MARKS: its status (an unverified value inherited from a
    parent also gets the parent's ↑ mark), then each flag it carries (conflict, superseded, stale,
    undated)."""
    return [MARKS[k] for k in mark_keys(row)]


def compare(
    ds: Dataset,
    cities,
    topic: str | list[str] | None = None,
    year: int | None = None,
    as_of=None,
    stale_after_years: float = 2,
) -> pd.DataFrame:
    """Side-by-side table: one row per parameter and condition set, one column per city (MISSOC style).

    Parameters
    ----------
    ds : Dataset
        The loaded data (`helpers.load()`).
    cities : str, int or list
        Places by code, Chinese name or pinyin, e.g. ``"济南,泰安"``; ``"山东全省"`` or
        ``"shandong:*"`` for every Shandong city.
    topic : str or list of str, optional
        binding, contribution, lapse or benefit; several as ``"binding,lapse"`` or a list
        (all when omitted).
    year : int, optional
        Policy year (claims for any year when omitted).
    as_of : date or 'YYYY-MM-DD', optional
        Date the staleness check counts back from (default today).
    stale_after_years : float
        A value is stale (旧) when its newest supporting source is older than this.

    Returns
    -------
    DataFrame
        Columns ``parameter``, ``label_zh``, ``label_en``, ``conditions``, then one column per city
        holding the shown value with its marks (↑省/↑国 inherited, ⚠ conflict, 旧 stale, — unknown).

    Examples
    --------
    >>> import helpers as h
    >>> t = h.compare(h.load(), "济南,泰安", topic="binding")
    >>> list(t.columns[:4])
    ['parameter', 'label_zh', 'label_en', 'conditions']
    """
    r = resolve(ds, cities, year=year, as_of=as_of, stale_after_years=stale_after_years, topic=topic)
    if r.empty:
        return pd.DataFrame()
    r["cell"] = r.apply(cell_text, axis=1)
    wide = r.pivot_table(
        index=["parameter", "label_zh", "label_en", "conditions"],
        columns="city_zh",
        values="cell",
        aggfunc="first",
        sort=False,
    )
    order = list(dict.fromkeys(r["city_zh"]))
    return wide[order].reset_index()


def compare_records(
    ds: Dataset,
    cities,
    topic: str | list[str] | None = None,
    year: int | None = None,
    as_of=None,
    stale_after_years: float = 2,
) -> list[dict]:
    """The side-by-side comparison with typed cells, for JSON: what `compare` shows as text.

    Parameters
    ----------
    ds : Dataset
        The loaded data (`helpers.load()`).
    cities : str, int or list
        Places as for `compare`.
    topic : str or list of str, optional
        As for `compare`.
    year : int, optional
        Policy year (claims for any year when omitted).
    as_of : date or 'YYYY-MM-DD', optional
        Date the staleness check counts back from (default today).
    stale_after_years : float
        As for `compare`.

    Returns
    -------
    list of dict
        One dict per row of `compare`: ``parameter``, ``label_zh``, ``label_en``, ``conditions``,
        ``unit``, ``year`` (asked; None = latest), and ``cities``: for each city (Chinese name,
        in order) a dict with ``value`` (typed: a number, true/false, a list, None when unknown),
        ``values`` (every competing value), ``status``, ``marks`` (list of the marks shown),
        ``doubts`` (list of {reason, zh, en}), ``latest_year`` / ``latest_value`` (the last stated
        value before the year, when the year has none) and ``text`` (the cell as `compare` shows it).

    Examples
    --------
    >>> import helpers as h
    >>> rec = h.report.compare_records(h.load(), "济南,泰安", topic="binding", year=2025)
    >>> sorted(rec[0]["cities"]["泰安市"])[:4]
    ['doubts', 'latest_value', 'latest_year', 'marks']
    """
    r = resolve(ds, cities, year=year, as_of=as_of, stale_after_years=stale_after_years, topic=topic)
    out: dict[tuple, dict] = {}
    for _, row in r.iterrows():
        key = (row["parameter"], row["conditions"])
        rec = out.setdefault(
            key,
            {
                "parameter": row["parameter"],
                "label_zh": row["label_zh"],
                "label_en": row["label_en"],
                "conditions": row["conditions"],
                "unit": row["unit"],
                "year": None if pd.isna(row["year"]) else int(row["year"]),
                "cities": {},
            },
        )
        rec["cities"][row["city_zh"]] = {
            "value": row["value"],
            "values": list(row["values"]),
            "status": row["status"],
            "marks": marks(row),
            "doubts": [dict(d) for d in row["doubts"]],
            "latest_year": None if pd.isna(row["latest_year"]) else int(row["latest_year"]),
            "latest_value": row["latest_value"],
            "text": cell_text(row),
        }
    return list(out.values())

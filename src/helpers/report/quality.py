"""Data quality: coverage matrix, sources by kind, conflicts; the COVERAGE.md summary."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from ..data import Dataset, places
from ..data.vocab import KINDS
from ..resolution import resolve
from .agreement import agreement_text, verify_summary
from .content import Section, fill_doc
from .fmt import label_both
from .markup import Footnotes, esc, table
from .templating import Markup, html

#: States of the coverage matrix, least known first (a cell shows the highest); labels from the data.
STATES = ["unknown", "unverified", "inherited-national", "inherited-province", "own", "conflict", "stale"]


def _state_zh(ds: Dataset) -> list[str]:
    """'未知 unknown', …: each state's zh label and its key (the labels in data/parameters.yaml)."""
    return [f"{ds.labels.get(s, {}).get('zh', s)} {s}" for s in STATES]


def focus_codes(ds: Dataset) -> list[str]:
    """National, Shandong, its 16 cities, and every other place with a claim."""
    j = ds.jurisdictions
    shandong = ["370000", *j.loc[j["parent"] == "370000", "code"]]
    with_claims = sorted(set(ds.claims["jurisdiction"]) - {"000000", *shandong})
    return ["000000", *shandong, *with_claims]


def coverage_matrix(
    ds: Dataset, codes: list[str] | None = None, year: int | None = None, as_of=None
) -> pd.DataFrame:
    """Status per place (rows) and parameter (columns); conflict and stale take precedence."""
    codes = codes or focus_codes(ds)
    r = resolve(ds, codes, year=year, as_of=as_of)
    r["state"] = np.where(r["conflict"], "conflict", np.where(r["stale"], "stale", r["status"]))
    rank = {s: i for i, s in enumerate(STATES)}
    r["rank"] = r["state"].map(rank)
    m = r.groupby(["city_zh", "parameter"], sort=False)["rank"].max().unstack("parameter")
    return m.loc[[places.label(ds, c) for c in codes]]


def conflicts(ds: Dataset, codes: list[str] | None = None, as_of=None) -> pd.DataFrame:
    """Every disputed value: place, parameter, conditions, the values and their sources."""
    r = resolve(ds, codes or focus_codes(ds), as_of=as_of)
    r = r[r["conflict"] & (r["status"] == "own")]  # list each conflict once, where its claims are
    rows = [
        {
            "place": x.city_zh,
            "parameter": x.parameter,
            "conditions": x.conditions,
            "values": " / ".join(map(str, x.values)),
            "sources": ", ".join(dict.fromkeys([x.source] + [c.source for c in x.decision.competing])),
        }
        for x in r.itertuples()
    ]
    out = pd.DataFrame(rows, columns=["place", "parameter", "conditions", "values", "sources"])
    return pd.concat([out, lapse_conflicts(ds)], ignore_index=True)


def lapse_conflicts(ds: Dataset, max_gap: int = 36) -> pd.DataFrame:
    """Gap lengths where a place's own lapse claims (or national ones) disagree, as gap ranges."""
    from ..rules import lapses
    from ..rules.common import schemes

    where = dict(zip(ds.claims["claim_id"], ds.claims["jurisdiction"], strict=True))
    source = dict(zip(ds.claims["claim_id"], ds.claims["source"], strict=True))
    own = sorted(set(ds.claims.loc[ds.claims["parameter"].str.startswith("lapse."), "jurisdiction"]))
    grid = pd.DataFrame(
        [
            {"city": c, "scheme": s, "gap_months": g, "back_paid": True}
            for c in own
            for s in schemes(ds)
            if s != "resident"  # resident lapses count whole years (see `resident_years`)
            for g in range(1, max_gap + 1)
        ]
    )
    res = lapses(ds, grid)
    # keep disputed scenarios where the place's own claims take part (inherited ones are listed once)
    own_part = pd.Series(
        [any(where[x] == city for x in cl) for city, cl in zip(res["city"], res["claims"], strict=True)],
        index=res.index,
        dtype=bool,
    )
    res = res[res["conflict"].astype(bool) & own_part]
    rows = []
    key = ["city", "scheme", "waiting_min", "waiting_max", "gap_covered"]
    for k, g in res.groupby(key, sort=False, dropna=False):
        rows.append(
            {
                "place": places.label(ds, k[0]),
                "parameter": "lapse (scenario)",
                "conditions": f"scheme={k[1]}; gap {g['gap_months'].min()}–{g['gap_months'].max()} months",
                "values": f"waiting {k[2]}–{k[3]} months; gap covered: {k[4]}",
                "sources": ", ".join(sorted({source[c] for cl in g["claims"] for c in cl})),
            }
        )
    return pd.DataFrame(rows, columns=["place", "parameter", "conditions", "values", "sources"])


@fill_doc
def coverage_section(ds: Dataset, as_of: str | None = None) -> Section:
    """How much is known per place and topic (counts by state, in words); CSV ``coverage`` (full matrix).

    Parameters
    ----------
    {ds}
    as_of : str, optional
        Date (YYYY-MM-DD) the staleness check counts back from (default today).

    Returns
    -------
    {section}

    Examples
    --------
    >>> import helpers as h
    >>> list(h.report.coverage_section(h.load()).tables)
    ['coverage']
    """
    m = coverage_matrix(ds, as_of=as_of or None)
    topic_of = dict(zip(ds.parameters["id"], ds.parameters["topic"], strict=True))
    columns = {topic: [c for c in m.columns if topic_of.get(c) == topic] for topic in ds.topics}
    rows = []
    state_zh = _state_zh(ds)
    for place, ranks in zip(m.index, m.to_dict("records"), strict=True):  # plain dicts: 1 place = 1 row
        cells = [place]
        for topic in ds.topics:
            counts = Counter(STATES[int(ranks[c])] for c in columns[topic] if not pd.isna(ranks[c]))
            cells.append(
                " · ".join(f"{z} {counts[s]}" for s, z in zip(STATES, state_zh, strict=True) if s in counts)
            )
        rows.append(cells)
    header = ["地区 place", *(f"{t['zh']} {t['en']}" for t in ds.topics.values())]
    heading = f"覆盖情况 Coverage ({m.shape[0]} places × {m.shape[1]} parameters)"
    note = "<p>每格:各状态的参数个数(冲突、较旧优先计)。Each cell counts parameters by state.</p>"
    return Section(
        heading,
        [note, table(header, rows, caption=heading)],
        {"coverage": m.replace(dict(enumerate(STATES))).reset_index()},
        level=2,
    )


@fill_doc
def kinds_section(ds: Dataset) -> Section:
    """Sources and claims by source kind, with second-coder agreement per kind when measured.

    Parameters
    ----------
    {ds}

    Returns
    -------
    Section
        ``heading``, ``parts`` (escaped HTML) and ``tables`` (none here).

    Examples
    --------
    >>> import helpers as h
    >>> h.report.kinds_section(h.load()).heading
    '来源类型 Sources by kind'
    """
    n_src = ds.sources["kind"].value_counts()
    n_claims = ds.claims.merge(ds.sources, left_on="source", right_on="id")["kind"].value_counts()
    measured = verify_summary(ds)
    coded = (measured or {}).get("by_kind", {})

    def second(kind: str) -> str:
        a = coded.get(kind)
        if not a:
            return "—"
        return f"{int(a['n'])}: 数值 value {float(a['value']):.1%}, 五项 all five {float(a['all_five']):.1%}"

    rows = [
        [label_both(k, ds.labels), str(n_src.get(k, 0)), str(n_claims.get(k, 0)), second(k)] for k in KINDS
    ]
    heads = ["来源类型 kind (最可靠在前 most reliable first)", "来源 sources", "数据 claims"]
    body = table([*heads, "二次编码核对 second-coded (一致 agreement)"], rows)
    see = "(每处分歧及其决定见 every disagreement and its decision: data/VERIFY.md)" if measured else ""
    body += f"<p class='yb-agreement'>{esc(agreement_text(ds) + see)}</p>"
    return Section("来源类型 Sources by kind", [body], level=2)


@fill_doc
def conflicts_section(ds: Dataset, notes: Footnotes, as_of: str | None = None) -> Section:
    """Every disputed value with its sources; CSV ``conflicts``.

    Parameters
    ----------
    {ds}
    {notes}
    as_of : str, optional
        Date (YYYY-MM-DD) the staleness check counts back from (default today).

    Returns
    -------
    {section}

    Examples
    --------
    >>> import helpers as h
    >>> list(h.report.conflicts_section(h.load(), h.report.Footnotes(h.load())).tables)
    ['conflicts']
    """
    c = conflicts(ds, as_of=as_of or None)
    labels = dict(zip(ds.parameters["id"], ds.parameters["label_zh"], strict=True))
    rows = [
        [
            x.place,
            html(
                labels.get(x.parameter, "断缴情景 lapse scenario"),
                Markup("<br><code>"),
                x.parameter,
                Markup("</code>"),
            ),
            x.conditions,
            x.values,
            Markup("".join(notes.ref(s) for s in x.sources.split(", "))),
        ]
        for x in c.itertuples()
    ]
    header = ["地区 place", "参数 parameter", "条件 conditions", "各来源数值 values", "来源 sources"]
    return Section(
        f"来源冲突 Conflicts ({len(c)})",
        [table(header, rows, caption="来源冲突 conflicts")],
        {"conflicts": c},
        level=2,
    )

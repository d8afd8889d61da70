"""Report sections for editions of the data: what changed since a revision or date, and each
value's history (a small table per parameter with several periods, with sources)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from ..data import Dataset, places
from ..data.editions import Edition, EditionError, RevisionError, edition
from ..resolution.changes import CHANGES, KEY_FIELDS, counts, diff
from .answer_page import environment
from .content import Section, fill_doc
from .fmt import conditions_text, value_text
from .markup import esc, table

_CHANGE_ZH = {
    "added": "新增 added",
    "changed": "修改 changed",
    "removed": "删除 removed",
    "superseded": "被取代 superseded",
    "conflict": "新冲突 newly conflicting",
    "unverified": "仅有线索 newly unverified",
}


@dataclass
class ChangeResult:
    """Two editions, how their claims were paired and the table of changes (`resolution.changes`)."""

    old: Edition
    new: Edition
    by_id: bool
    changes: pd.DataFrame

    @property
    def matched_by(self) -> str:
        return "id" if self.by_id else "(" + ", ".join(KEY_FIELDS) + ")"

    def meta(self) -> dict:
        """The two editions and the pairing, for JSON output."""
        return {
            "since": self.old.label,
            "since_commit": self.old.commit,
            "until": self.new.label,
            "until_commit": self.new.commit,
            "matched_by": "id" if self.by_id else "key",
            "key": None if self.by_id else list(KEY_FIELDS),
        }

    def summary(self) -> str:
        """Three lines: the editions, how claims were paired, the counts."""
        n = counts(self.changes)
        how = "claims matched by their stable id"
        if not self.by_id:
            older = self.old if not self.old.has_ids else self.new
            how = f"claims matched by {self.matched_by}: {older.label} has no claim ids"
        lenient = [e.label for e in (self.old, self.new) if not e.strict]
        note = f"; read without today's schema checks: {', '.join(lenient)}" if lenient else ""
        tally = ", ".join(f"{v} {k}" for k, v in n.items())
        return f"changes from {self.old.label} to {self.new.label}\n{how}{note}\n{tally}"


def compare_editions(
    since: str, until: str | None = None, cities: str | list[str] | None = None, data_dir=None
) -> ChangeResult:
    """The changes between the data at `since` and at `until` (default: the working tree).

    Parameters
    ----------
    since : str
        A git revision (``HEAD~5``, a commit) or a date ``YYYY-MM-DD`` (the data as that day began).
    until : str, optional
        A revision or date to compare with; empty or None means the working tree.
    cities : str or list of str, optional
        Keep these places (and the province and national levels they inherit from); empty keeps all.
    data_dir : path, optional
        The data folder inside a git checkout (default: the project's data/).

    Returns
    -------
    ChangeResult
        ``.changes``: one row per change (columns in `helpers.resolution.changes.COLUMNS`: change,
        place, parameter, conditions, period, old and new value and source …); ``.by_id`` tells
        whether claims were paired by id; the two editions' names and commits.

    Examples
    --------
    >>> import helpers as h
    >>> r = h.report.compare_editions("HEAD", "HEAD")
    >>> len(r.changes)
    0
    """
    try:
        old = edition(since, data_dir)
    except RevisionError as exc:
        raise RevisionError(f"since: {exc}") from None
    try:
        new = edition(until, data_dir, end_of_day=True) if until else edition(None, data_dir)
    except RevisionError as exc:
        raise RevisionError(f"until: {exc}") from None
    by_id = old.has_ids and new.has_ids
    codes = None
    if cities:
        ref = new.ds or old.ds
        if ref is None:
            raise EditionError("neither edition has data — pick a later revision")
        codes = places.find_many(ref, cities)
    return ChangeResult(old, new, by_id, diff(old.ds, new.ds, by_id, codes))


def _labels(ds: Dataset | None) -> dict:
    return ds.labels if ds is not None else {}


@fill_doc
def changes_section(result: ChangeResult) -> Section:
    """Per place: each change with old → new and both sources; CSV `changes`.

    Parameters
    ----------
    result : ChangeResult
        From `compare_editions` (``.changes`` is the table of changes).

    Returns
    -------
    {section}

    Examples
    --------
    >>> import helpers as h
    >>> r = h.report.compare_editions("HEAD", "HEAD")
    >>> type(h.report.changes_section(r)).__name__
    'Section'
    """
    t = result.changes
    ds = result.new.ds or result.old.ds
    labels = _labels(ds)
    meta = ds.parameters.set_index("id") if ds is not None else pd.DataFrame()
    ptypes = meta["type"].to_dict() if "type" in meta else {}
    names = meta["label_zh"].to_dict() if "label_zh" in meta else {}
    # lookups built once per section, not per change row
    titles, claim_source = {}, {}
    if ds is not None:
        titles = dict(zip(ds.sources["id"], ds.sources["title"], strict=True))
        claim_source = dict(zip(ds.claims["claim_id"], ds.claims["source"], strict=True))
    links = {**_links(result.old.ds), **_links(result.new.ds)}
    numbers: dict[str, int] = {}  # source id → its number in the list under the detail
    places_out = []
    for code, grp in t.groupby("place", sort=False):  # diff() orders rows by place code
        rows = []
        for x in grp.itertuples():
            ptype = ptypes.get(x.parameter)
            old = "" if x.old_value is None else value_text(x.old_value, ptype, labels)
            new = x.new_value
            new = (
                " / ".join(value_text(v, ptype, labels) for v in new)
                if x.change in ("conflict", "unverified")
                else ("" if new is None else value_text(new, ptype, labels))
            )
            rows.append(
                {
                    "change": _CHANGE_ZH[x.change],
                    "parameter": names.get(x.parameter) or x.parameter,
                    "conditions": conditions_text(x.conditions, labels),
                    "period": x.period,
                    "old": old,
                    "new": new,
                    "old_source": _sources(numbers, labels, x.old_source, x.old_kind),
                    "new_source": _sources(numbers, labels, x.new_source, x.new_kind),
                    "detail": _detail(titles, claim_source, x.detail),
                }
            )
        kinds = grp["change"].value_counts()
        summary = "、".join(f"{_CHANGE_ZH[k].split()[0]} {kinds[k]}" for k in CHANGES if k in kinds)
        places_out.append({"name": grp.iloc[0]["place_zh"], "anchor": code, "rows": rows, "summary": summary})
    html = (
        environment()
        .get_template("changes_detail.html.j2")
        .render(
            intro_zh=f"明细:{result.old.label} 到 {result.new.label} 之间每一条数据的变化,"
            "按地区(依行政区划代码顺序)折叠,点击地区展开。",
            intro_en=f"Every claim that changed between {result.old.label} and {result.new.label} "
            f"({result.summary().splitlines()[-1]}), folded by place in place-code order: open a place "
            "to read it.",
            places=places_out,
            head=_HEAD,
            refs=[
                {"n": n, "title": links.get(k, (k, None))[0], "url": links.get(k, (k, None))[1]}
                for k, n in numbers.items()
            ],  # fmt: skip
        )
    )
    return Section("变化明细 What changed, in detail", [html], {"changes": t})


_HEAD = (
    "变化 change",
    "参数 parameter",
    "条件 conditions",
    "期间 period",
    "之前 before",
    "之后 after",
    "之前来源 source before",
    "之后来源 source after",
    "说明 detail",
)


def _links(ds: Dataset | None) -> dict[str, tuple[str, str | None]]:
    """Source id → (title, http(s) URL or None) for one edition."""
    if ds is None:
        return {}
    out = {}
    for sid, title, url in zip(ds.sources["id"], ds.sources["title"], ds.sources["url"], strict=True):
        ok = isinstance(url, str) and url.strip().lower().startswith(("http://", "https://"))
        out[sid] = (str(title), url.strip() if ok else None)
    return out


def _sources(numbers: dict, labels: dict, source, kind) -> list[dict]:
    """The sources of one side of a change, for the template: their number in the source list
    under the detail (each source's title and link are written once there) and kind label."""
    if source is None:
        return []
    kinds = str(kind or "").split(", ")
    out = []
    for i, sid in enumerate(str(source).split(", ")):
        n = numbers.setdefault(sid, len(numbers) + 1)
        k = kinds[i] if i < len(kinds) else (kinds[0] if kinds else "")
        out.append({"n": n, "kind": labels.get(k, {}).get("zh", k) if k else ""})
    return out


def _detail(titles: dict, claim_source: dict, detail: str) -> str:
    """The change's note with claim ids replaced by their sources' titles (ids are for the appendix)."""
    if not detail:
        return ""

    def title(m: re.Match) -> str:
        cid = m.group(0)
        return f"《{titles.get(claim_source[cid], cid)}》" if cid in claim_source else cid

    return re.sub(r"[a-z0-9]+(?:-[a-z0-9]+)+", title, detail)


def what_changed(since: str, until: str = "", cities: str = "") -> tuple[Section, ChangeResult | None]:
    """The section for a report notebook; outside git, a one-line message in the page.

    An unknown revision, a date that is not one or a `since` date in the future raises
    `InputError` (``since: unknown git revision 'x' — …``): the notebook stops with that line
    (papermill exits 1), as ``yibao changes`` exits 2.

    Parameters
    ----------
    since : str
        A git revision (``HEAD~5``, a commit) or a date ``YYYY-MM-DD`` (the data as that day began).
    until : str, optional
        A revision or date to compare with; empty or None means the working tree.
    cities : str or list of str, optional
        Keep these places (and the province and national levels they inherit from); empty keeps all.

    Returns
    -------
    tuple of (Section, ChangeResult or None)
        The section to show, and the comparison (None when it could not be made; the section then
        holds the one-line reason).

    Examples
    --------
    >>> import helpers as h
    >>> section, result = h.report.what_changed("HEAD", "HEAD")
    >>> type(section).__name__
    'Section'
    """
    try:
        result = compare_editions(since, until or None, cities or None)
    except RevisionError:
        raise  # a revision or date that names no edition stops the notebook, as the CLI exits 2
    except EditionError as exc:
        return Section("变化 What changed", [f"<p>无法比较 cannot compare: {esc(str(exc))}</p>"]), None
    return changes_section(result), result


@fill_doc
def change_counts(result: ChangeResult | None) -> Section:
    """Counts of each kind of change per place (a small overview table).

    Parameters
    ----------
    result : ChangeResult
        From `compare_editions` (``.changes`` is the table of changes).

    Returns
    -------
    {section}

    Examples
    --------
    >>> import helpers as h
    >>> type(h.report.change_counts(None)).__name__
    'Section'
    """
    if result is None:
        return Section("")
    t = result.changes
    wide = pd.crosstab(t["place_zh"], t["change"]).reindex(columns=list(CHANGES), fill_value=0)
    rows = [[p, *map(str, r)] for p, r in zip(wide.index, wide.to_numpy().tolist(), strict=True)]
    rows = rows or [["全部 all places", *["0"] * len(CHANGES)]]
    return Section("按地区汇总 Per place", [table(["地区 place", *[_CHANGE_ZH[c] for c in CHANGES]], rows)])

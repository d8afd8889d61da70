"""A blind coding sheet: a random sample of claims, stratified by source kind, for a second coder.

The sheet names each sampled claim's page (URL, title, publisher, locator), the topic of its
parameter and the place it is filed under, and leaves the coder's columns empty: the data's
value, parameter, conditions and period are not on it. The key (row → claim id) is written to a
separate file the coder must not read; the parameter catalogue the coder chooses from is written
beside the sheet. `helpers.report.verify_score` compares the filled sheet with the claims.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import secrets
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..data import Dataset
from ..data.vocab import KINDS
from ..exceptions import InputError
from .content import csv_cell

#: Columns of the sheet, in order: what the page is (given) and what the coder fills in.
GIVEN_COLUMNS = ("row", "url", "title", "publisher", "locator", "topic", "filed_under")
CODER_COLUMNS = ("place", "parameter", "value", "conditions", "period", "note")
SHEET_COLUMNS = GIVEN_COLUMNS + CODER_COLUMNS
#: Columns of the key file: sheet row → claim, with the source kind and how it was drawn.
KEY_COLUMNS = ("row", "claim_id", "kind", "seed", "drawn")
#: Columns of the parameter catalogue written beside the sheet.
CATALOGUE_COLUMNS = (
    "id", "topic", "label_zh", "label_en", "unit", "type", "values",
    "conditions", "condition_values", "basis", "description",
)  # fmt: skip
#: Every kind present gets at least this many rows (or all its claims, when it has fewer).
MIN_PER_KIND = 3

GUIDE = """\
How to code each row (one row = one statement on the page at `url`, found at `locator`):
  place       the place the page states the rule for (e.g. 济南市, 山东省, 全国), or
              "unattributed" when the page names no place ("各地", "一般", "部分地区")
  parameter   one id from the catalogue file, of the row's topic
  value       as the catalogue's type: money in yuan without unit (390), rates as shares
              (0.08 for 8 %), ratios may exceed 1 (3.0 for 300 %), yes/no as true/false,
              lists as ids joined by "," (spouse,parent), dates as YYYY-MM-DD
  conditions  k=v joined by ";" (scheme=employee;tier=1), keys and values from the catalogue;
              "all" when the page says the rule is for everyone (tier=all); blank when none
  period      the year the page states (2025), or from..to dates (2025-01-01..2025-12-31,
              2025-09-10..); blank when the page states no period
  note        anything doubtful (free text)
Rules for cases coders read differently:
  - one row = the one statement the locator names (after the last ›); code that statement only,
    even when the page says more nearby
  - a resident tier price ("一档", "第一档", "成年居民一档"): tier=1 only; add group=… only when the
    page sets a price of its own for a named group (学生, 未成年人, 特困人员 …)
  - a contribution calculator or wage-based base band for employees: scheme=employee
  - finding the page: open `url`; when searching, use a distinctive sentence from the page's text,
    not its title (titles return tag and list pages)
Do not open the key file.
"""


@dataclass(frozen=True)
class SheetPaths:
    """Where a sheet and the files beside it live."""

    sheet: Path

    @property
    def key(self) -> Path:
        """The key file (row → claim id): `<sheet stem>.key.csv`."""
        return self.sheet.with_name(f"{self.sheet.stem}.key.csv")

    @property
    def catalogue(self) -> Path:
        """The parameter catalogue for the coder: `<sheet stem>-catalogue.csv`."""
        return self.sheet.with_name(f"{self.sheet.stem}-catalogue.csv")

    @property
    def guide(self) -> Path:
        """The coding instructions: `<sheet stem>-guide.txt`."""
        return self.sheet.with_name(f"{self.sheet.stem}-guide.txt")


def allocate(counts: dict[str, int], n: int, floor: int = MIN_PER_KIND) -> dict[str, int]:
    """Rows per kind: at least `floor` of each kind present, the rest proportional to its claims.

    Parameters
    ----------
    counts : dict
        Claims available per kind (kinds with 0 are ignored).
    n : int
        Rows wanted, 1 … sum(counts).
    floor : int
        Rows every kind gets first (all of a kind's claims when it has fewer; lowered to
        ``n // kinds`` when ``n`` is too small for every kind to get it).

    Returns
    -------
    dict
        kind → rows; the values sum to `n` and never exceed the kind's count. The share of
        the rest is divided in proportion to the claims each kind has left, by largest
        remainder (ties go to the kind listed first).

    Examples
    --------
    >>> from helpers.report.verify_sample import allocate
    >>> allocate({"official": 2, "media": 50, "aggregator": 48}, 10)
    {'official': 2, 'media': 4, 'aggregator': 4}
    """
    counts = {k: int(c) for k, c in counts.items() if c > 0}
    total = sum(counts.values())
    if not 1 <= n <= total:
        raise InputError(f"--n: {n} rows asked for, {total} claims can be drawn — give 1 to {total}")
    floor = min(floor, n // len(counts))
    alloc = {k: min(floor, c) for k, c in counts.items()}
    rest = n - sum(alloc.values())
    room = {k: counts[k] - alloc[k] for k in counts}
    if rest:  # largest remainder over the room each kind has left (quota never exceeds room)
        cap = sum(room.values())
        quota = {k: rest * room[k] / cap for k in counts}
        whole = {k: int(q) for k, q in quota.items()}
        by_remainder = sorted(counts, key=lambda k: -(quota[k] - whole[k]))
        for k in by_remainder[: rest - sum(whole.values())]:
            whole[k] += 1
        alloc = {k: alloc[k] + whole[k] for k in counts}
    return alloc


def drawable(ds: Dataset) -> pd.DataFrame:
    """Claims a coder can check: those whose source has a URL, with the source's details.

    Returns
    -------
    DataFrame
        One row per claim, sorted by ``claim_id``: ``claim_id``, ``kind``, ``url``, ``title``,
        ``publisher``, ``locator``, ``topic``, ``filed_under`` (the place's Chinese name).
    """
    src = ds.sources.set_index("id")
    c = ds.claims
    url = c["source"].map(src["url"])
    c = c[url.notna() & (url.astype("string").str.strip() != "")]
    names = ds.jurisdictions.set_index("code")["name_zh"]
    topic = ds.parameters.set_index("id")["topic"]
    out = pd.DataFrame(
        {
            "claim_id": c["claim_id"],
            "kind": c["source"].map(src["kind"]).astype(str),
            "url": c["source"].map(src["url"]),
            "title": c["source"].map(src["title"]),
            "publisher": c["source"].map(src["publisher"]),
            "locator": c["locator"],
            "topic": c["parameter"].map(topic),
            "filed_under": c["jurisdiction"].map(names),
        }
    )
    return out.sort_values("claim_id", kind="stable").reset_index(drop=True)


def sample(ds: Dataset, n: int = 80, seed: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Draw a stratified random sample of claims; the blind sheet and its key.

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    n : int
        Rows wanted (1 … the number of claims whose source has a URL).
    seed : int, optional
        Random seed; the same data and seed give the same sheet. Default: a fresh random seed,
        recorded in the key.

    Returns
    -------
    (DataFrame, DataFrame)
        The sheet (columns `SHEET_COLUMNS`; the coder's columns empty, rows in random order,
        ids ``v001`` …) and the key (columns `KEY_COLUMNS`).

    Examples
    --------
    >>> import helpers as h
    >>> from helpers.report.verify_sample import sample
    >>> sheet, key = sample(h.load(), n=20, seed=1)
    >>> len(sheet), bool(sheet["value"].eq("").all()), key["row"].iloc[0]
    (20, True, 'v001')
    """
    if seed is None:
        seed = secrets.randbelow(2**31)
    if isinstance(n, bool) or not isinstance(n, int | np.integer):
        raise InputError(f"--n: {n!r} is not a whole number — give a number of rows, e.g. 80")
    pool = drawable(ds)
    order = [k for k in KINDS if k in set(pool["kind"])] + sorted(set(pool["kind"]) - set(KINDS))
    alloc = allocate({k: int((pool["kind"] == k).sum()) for k in order}, int(n))
    rng = np.random.default_rng(seed)
    picked = [rng.choice(pool.index[pool["kind"] == k], size=alloc[k], replace=False) for k in order]
    drawn = pool.loc[rng.permutation(np.concatenate(picked))].reset_index(drop=True)
    rows = [f"v{i:03d}" for i in range(1, len(drawn) + 1)]
    sheet = drawn[list(GIVEN_COLUMNS[1:])].copy()
    sheet.insert(0, "row", rows)
    for col in CODER_COLUMNS:
        sheet[col] = ""
    key = pd.DataFrame(
        {
            "row": rows,
            "claim_id": drawn["claim_id"],
            "kind": drawn["kind"],
            "seed": seed,
            "drawn": dt.date.today().isoformat(),
        }  # fmt: skip
    )
    return sheet.fillna(""), key


def catalogue(ds: Dataset) -> pd.DataFrame:
    """The parameter catalogue a coder chooses from: ids, labels, units, allowed values and conditions.

    Returns
    -------
    DataFrame
        Columns `CATALOGUE_COLUMNS`; ``values`` and ``conditions`` are joined by "|", and
        ``condition_values`` lists each allowed condition with its values (``all`` is always
        allowed, meaning the page says "everyone").
    """

    def cond_values(keys) -> str:
        parts = []
        for key in keys or []:
            spec = ds.conditions.get(key, {})
            vals = spec.get("values")
            shown = "|".join(map(str, [*vals, "all"])) if vals else f"{spec.get('type', 'text')} or all"
            parts.append(f"{key}: {shown}")
        return "; ".join(parts)

    p = ds.parameters
    return pd.DataFrame(
        {
            "id": p["id"],
            "topic": p["topic"],
            "label_zh": p["label_zh"],
            "label_en": p["label_en"],
            "unit": p["unit"],
            "type": p["type"],
            "values": p["values"].map(lambda v: "|".join(map(str, v)) if isinstance(v, list) else ""),
            "conditions": p["conditions"].map(lambda v: "|".join(v) if isinstance(v, list) else ""),
            "condition_values": p["conditions"].map(cond_values),
            "basis": p["basis"],
            "description": p["description"],
        }
    ).fillna("")


def _csv(df: pd.DataFrame) -> str:
    """CSV text (UTF-8 BOM for Excel), every data cell neutralised against formula injection."""
    buf = io.StringIO()
    df.map(csv_cell).to_csv(buf, index=False, quoting=csv.QUOTE_MINIMAL)
    return "\ufeff" + buf.getvalue()


def write_sheet(ds: Dataset, out: Path, n: int = 80, seed: int | None = None, force: bool = False) -> dict:
    """Write the sheet, its key, the catalogue and the coding guide; a summary of what was drawn.

    Parameters
    ----------
    ds : Dataset
        The loaded data.
    out : Path
        The sheet's path (``.csv``); the other files are written beside it (`SheetPaths`).
    n, seed
        As for `sample`.
    force : bool
        Overwrite an existing sheet or key (refused by default, so a filled sheet is never lost).

    Returns
    -------
    dict
        ``paths`` (`SheetPaths`), ``rows``, ``seed`` and ``kinds`` (rows per source kind).
    """
    paths = SheetPaths(Path(out))
    for path in (paths.sheet, paths.key):
        if path.exists() and not force:
            raise InputError(f"--out: {path} exists — give another --out, or --force to overwrite it")
    if paths.sheet.suffix.lower() != ".csv":
        raise InputError(f"--out: {paths.sheet} is not a .csv file — give a path ending in .csv")
    sheet, key = sample(ds, n=n, seed=seed)
    try:
        paths.sheet.parent.mkdir(parents=True, exist_ok=True)
        paths.key.write_text(_csv(key), encoding="utf-8")
        paths.catalogue.write_text(_csv(catalogue(ds)), encoding="utf-8")
        paths.guide.write_text(GUIDE, encoding="utf-8")
        paths.sheet.write_text(_csv(sheet), encoding="utf-8")
    except OSError as exc:
        raise InputError(
            f"--out: cannot write {paths.sheet}: {exc.strerror} — give a writable folder"
        ) from exc
    kinds = key["kind"].value_counts().to_dict()
    return {"paths": paths, "rows": len(sheet), "seed": int(key["seed"].iloc[0]), "kinds": kinds}

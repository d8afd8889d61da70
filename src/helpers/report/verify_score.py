"""Score a filled blind coding sheet against the claims: agreement per field and per source kind.

Five fields are compared for every coded row (`FIELDS`): the value (numbers numerically, lists as
sets, dates as dates), the parameter id, the conditions (a set of ``k=v``; ``all`` is not the same
as unstated), the period (a year is 1 January … 31 December) and the scope (a place named, or
unattributed). The result is written to ``data/VERIFY.md`` for readers and ``data/verify.json``
for the data-quality report and the front page (`helpers.report.agreement`).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from ..data import Dataset
from ..data.vocab import KINDS
from ..exceptions import InputError
from .verify_sample import CODER_COLUMNS, KEY_COLUMNS, SHEET_COLUMNS, SheetPaths

#: The fields compared, in the order the report shows them.
FIELDS = ("value", "parameter", "conditions", "period", "scope")
#: What a coder writes in `place` for a statement that names no place.
UNATTRIBUTED = {"unattributed", "未指明", "不明", "none"}
_TRUE = {"true", "yes", "y", "1", "是", "可以", "能"}
_FALSE = {"false", "no", "n", "0", "否", "不可以", "不能"}
_LIST_SPLIT = re.compile(r"[,，、|;；\s]+")


def _read_csv(path: Path, what: str, columns: tuple[str, ...]) -> list[dict[str, str]]:
    """Rows of a CSV file whose header must be exactly `columns`; one error line otherwise."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: {what} not found — give the path of the {what}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the {what} ({exc}) — give a UTF-8 CSV file") from None
    rows = list(csv.reader(text.splitlines()))
    header = tuple(h.strip() for h in rows[0]) if rows else ()
    if header != columns:
        raise InputError(
            f"{path}: the {what}'s header is {','.join(header) or '(empty)'} — "
            f"expected {','.join(columns)} (as written by 'yibao verify sample')"
        )
    out = []
    for n, r in enumerate(rows[1:], 2):
        if not any(c.strip() for c in r):
            continue
        if len(r) != len(columns):
            raise InputError(
                f"{path}:{n}: {len(r)} cells, expected {len(columns)} — keep one cell per column"
            )
        out.append({c: _unquote(v) for c, v in zip(columns, r, strict=True)})
    return out


def _unquote(v: str) -> str:
    """A cell as the coder meant it: the formula guard ' (added on export) removed, spaces trimmed."""
    v = v.strip()
    return v[1:] if v[:1] == "'" and v[1:2] in ("=", "+", "-", "@") else v


# -- normalising one field -------------------------------------------------------------------


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text.strip())


def _number(text: str) -> float:
    t = text.strip().replace(",", "").replace("，", "")
    share = t.endswith("%")
    x = float(t.rstrip("%").strip())
    return x / 100 if share else x


def value_key(v, vtype: str):
    """A value in a comparable form for its parameter type (coder's text or the data's value).

    Numbers become floats (``8%`` is 0.08), lists frozensets of lower-case ids, bools bools,
    dates ISO text, date ranges a pair; text is compared lower-cased with spaces collapsed.
    Text that cannot be read as the type stays text, so it disagrees instead of failing.
    """
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, str) and not v.strip():
        return None
    try:
        if vtype == "list":
            items = v if isinstance(v, list) else _LIST_SPLIT.split(v.strip())
            return frozenset(str(i).strip().lower() for i in items if str(i).strip())
        if vtype == "bool":
            if isinstance(v, bool):
                return v
            t = v.strip().lower()
            return True if t in _TRUE else False if t in _FALSE else ("text", t)
        if vtype == "date":
            return (v if isinstance(v, dt.date) else _date(v)).isoformat()
        if vtype == "date_range":  # dates or months (2025-09), compared as ISO text
            items = v if isinstance(v, list) else v.split("..")
            return tuple(d.isoformat() if isinstance(d, dt.date) else str(d).strip() for d in items)
        if vtype in ("enum", "text"):
            return ("text", " ".join(str(v).lower().split()))
        if isinstance(v, bool):
            return ("text", str(v).lower())
        x = float(v) if isinstance(v, int | float) else _number(v)
        return round(x, 9)
    except (ValueError, TypeError, AttributeError):
        return ("text", " ".join(str(v).lower().split()))


def conditions_key(v) -> frozenset[str]:
    """Conditions as a set of ``k=v`` text; ``{"tier": 1}`` and ``"tier=1"`` give the same set.

    An empty cell (or ``{}``) is the empty set: nothing stated. ``tier=all`` is its own item,
    so "for everyone" and "not stated" differ.
    """
    if isinstance(v, dict):
        items = [f"{k}={_cond_value(x)}" for k, x in v.items() if x is not None]
    else:
        items = []
        for part in re.split(r"[;；\n]+", str(v or "")):
            if not part.strip():
                continue
            k, sep, x = part.partition("=")
            items.append(f"{k.strip().lower()}={_cond_value(x.strip())}" if sep else part.strip().lower())
    return frozenset(items)


def _cond_value(x) -> str:
    if isinstance(x, float) and x.is_integer():
        x = int(x)
    t = str(x).strip().lower()
    return str(int(float(t))) if re.fullmatch(r"-?\d+(\.0+)?", t) else t


def period_key(text: str) -> tuple[str | None, str | None] | tuple[str, str]:
    """A coder's period as (from, to) ISO dates; a year is its 1 January … 31 December.

    Blank is ``(None, None)``; ``2025-09-10..`` leaves the end open. Unreadable text is kept as
    ``("text", …)`` so it disagrees.
    """
    t = text.strip()
    if not t:
        return (None, None)
    try:
        if re.fullmatch(r"\d{4}", t):
            return (f"{t}-01-01", f"{t}-12-31")
        if ".." in t:
            a, b = (s.strip() for s in t.split("..", 1))
            return (_date(a).isoformat() if a else None, _date(b).isoformat() if b else None)
        d = _date(t).isoformat()
        return (d, None)
    except ValueError:
        return ("text", t.lower())


def claim_period(claim: pd.Series) -> tuple[str | None, str | None]:
    """A claim's period as (from, to) ISO dates, the same form as `period_key`."""
    year = claim.get("year")
    if year is not None and not pd.isna(year):
        return (f"{int(year)}-01-01", f"{int(year)}-12-31")
    f, t = claim.get("valid_from"), claim.get("valid_to")
    return (
        None if pd.isna(f) else pd.Timestamp(f).date().isoformat(),
        None if pd.isna(t) else pd.Timestamp(t).date().isoformat(),
    )


def claim_period_text(claim: pd.Series) -> str:
    """A claim's period as a coder would write it: ``2025``, ``2025-09-10..2030-09-09`` or blank."""
    year = claim.get("year")
    if year is not None and not pd.isna(year):
        return str(int(year))
    f, t = claim_period(claim)
    return "" if f is None and t is None else f"{f or ''}..{t or ''}"


def _value_text(v, vtype: str = "") -> str:
    """A data value as a coder would write it."""
    if vtype == "date_range" and isinstance(v, list):
        return "..".join(d.isoformat() if isinstance(d, dt.date) else str(d) for d in v)
    if isinstance(v, list):
        return ",".join(d.isoformat() if isinstance(d, dt.date) else str(d) for d in v)
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, dt.date):
        return v.isoformat()
    return "" if v is None else format(v, ".15g") if isinstance(v, float) else str(v)


def _cond_text(d: dict) -> str:
    return ";".join(f"{k}={_cond_value(v)}" for k, v in (d or {}).items() if v is not None)


# -- scoring ----------------------------------------------------------------------------------


@dataclass
class Score:
    """What `score_sheet` found: one row per coded sheet row, and the sample's details."""

    rows: pd.DataFrame
    seed: int | None
    drawn: str | None
    sheet: str
    uncoded: list[str] = field(default_factory=list)
    undecided: int = 0

    def agreement(self, by: str | None = None) -> pd.DataFrame:
        """Share of rows agreeing per field (and on all five), overall or per `by` (e.g. "kind")."""
        cols = [f"{f}_agrees" for f in FIELDS] + ["all_agree"]
        if by is None:
            out = pd.DataFrame([self.rows[cols].mean()]).assign(n=len(self.rows))
        else:
            out = self.rows.groupby(by, sort=False)[cols].mean()
            out["n"] = self.rows.groupby(by, sort=False).size()
            if by == "kind":  # the rubric's order, strongest kind first
                out = out.loc[sorted(out.index, key=lambda k: KINDS.index(k) if k in KINDS else len(KINDS))]
        return out.rename(columns=lambda c: c.removesuffix("_agrees").replace("all_agree", "all_five"))

    def disagreements(self) -> pd.DataFrame:
        """One row per (claim, field) that disagrees: data's and coder's values and the decision."""
        out = []
        for r in self.rows.itertuples(index=False):
            for f in FIELDS:
                if not getattr(r, f"{f}_agrees"):
                    out.append(
                        {
                            "row": r.row,
                            "claim_id": r.claim_id,
                            "kind": r.kind,
                            "field": f,
                            "data": getattr(r, f"{f}_data"),
                            "coder": getattr(r, f"{f}_coder"),
                            "decision": r.decisions.get(f, ""),
                        }
                    )
        return pd.DataFrame(out, columns=["row", "claim_id", "kind", "field", "data", "coder", "decision"])

    def summary(self) -> dict:
        """The machine-readable result written to data/verify.json."""
        total = self.agreement().iloc[0]
        kinds = self.agreement("kind")
        return {
            "date": dt.date.today().isoformat(),
            "sheet": self.sheet,
            "seed": self.seed,
            "drawn": self.drawn,
            "coded": len(self.rows),
            "uncoded": self.uncoded,
            "agreement": {f: round(float(total[f]), 4) for f in (*FIELDS, "all_five")},
            "by_kind": {
                k: {"n": int(r["n"]), **{f: round(float(r[f]), 4) for f in (*FIELDS, "all_five")}}
                for k, r in kinds.iterrows()
            },
            "disagreements": self.disagreements().to_dict("records"),
            "confirmed": sorted(self.rows.loc[self.rows["all_agree"], "claim_id"]),
            "undecided": self.undecided,
        }

    def summary_line(self) -> str:
        """One line: rows coded, value agreement and all-five agreement."""
        a = self.summary()["agreement"]
        return (
            f"second-coded {len(self.rows)} claims; value agreement {a['value']:.1%}, "
            f"all five fields {a['all_five']:.1%}; {len(self.disagreements())} disagreement(s), "
            f"{self.undecided} undecided"
        )


def read_decisions(path: Path) -> dict[tuple[str, str], str]:
    """Decisions on disagreements: (claim id, field) → "decision — reason".

    The file (YAML) is a list of ``{claim, field, decision, reason}``; a missing file means no
    decisions yet. A field not in `FIELDS`, or an entry without decision and reason, is an error.
    """
    if not path.exists():
        return {}
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not readable YAML ({type(exc).__name__}) — fix the file") from None
    if not isinstance(doc, list):
        raise InputError(f"{path}: expected a list of {{claim, field, decision, reason}} — fix the file")
    out = {}
    for i, d in enumerate(doc, 1):
        if not isinstance(d, dict) or not all(
            str(d.get(k) or "").strip() for k in ("claim", "field", "decision", "reason")
        ):
            raise InputError(f"{path}: entry {i} needs claim, field, decision and reason — add them")
        if d["field"] not in FIELDS:
            raise InputError(f"{path}: entry {i}: field {d['field']!r} — give one of {', '.join(FIELDS)}")
        out[(str(d["claim"]), str(d["field"]))] = f"{d['decision']} — {d['reason']}"
    return out


def score_sheet(ds: Dataset, sheet: Path, decisions: Path | None = None) -> Score:
    """Compare a filled sheet with the claims its key names.

    Parameters
    ----------
    ds : Dataset
        The loaded data (claims are looked up by id, so claims corrected since the draw are
        compared as they are now).
    sheet : Path
        The filled sheet; its key `SheetPaths.key` must lie beside it.
    decisions : Path, optional
        The decisions YAML (see `read_decisions`).

    Returns
    -------
    Score
        ``rows``: one per coded row with ``<field>_data``, ``<field>_coder``, ``<field>_agrees``
        for each of `FIELDS`, ``all_agree`` and ``decisions``. A row whose coder columns are all
        empty, or that is missing from the sheet, is not coded: listed in ``uncoded``, left out
        of every share.
    """
    paths = SheetPaths(Path(sheet))
    filled = _read_csv(paths.sheet, "sheet", SHEET_COLUMNS)
    key = _read_csv(paths.key, "key", KEY_COLUMNS)
    by_row = {k["row"]: k for k in key}
    if not filled:
        raise InputError(f"{paths.sheet}: no rows — give a sheet written by 'yibao verify sample'")
    decided = read_decisions(decisions) if decisions else {}
    claims = ds.claims.set_index("claim_id")
    types = ds.parameters.set_index("id")["type"]
    out, uncoded = [], []
    for r in filled:
        k = by_row.get(r["row"])
        if k is None:
            raise InputError(f"{paths.key}: no row {r['row']!r} — score the sheet with the key drawn with it")
        if k["claim_id"] not in claims.index:
            raise InputError(
                f"{paths.key}: claim {k['claim_id']!r} (row {r['row']}) is not in the data — "
                "keep claim ids stable, or draw a new sheet"
            )
        if not any(r[c] for c in CODER_COLUMNS if c != "note"):
            uncoded.append(r["row"])
            continue
        c = claims.loc[k["claim_id"]]
        vtype = str(types.get(c["parameter"], "text"))
        coder_scope = "unattributed" if r["place"].lower() in UNATTRIBUTED else "stated"
        data_scope = "unattributed" if c["scope"] == "unattributed" else "stated"
        row = {"row": r["row"], "claim_id": k["claim_id"], "kind": k["kind"]}
        pairs = {
            "value": (
                _value_text(c["value"], vtype),
                r["value"],
                value_key(c["value"], vtype) == value_key(r["value"], vtype),
            ),
            "parameter": (c["parameter"], r["parameter"], c["parameter"] == r["parameter"]),
            "conditions": (
                _cond_text(c["conditions"]),
                r["conditions"],
                conditions_key(c["conditions"]) == conditions_key(r["conditions"]),
            ),
            "period": (claim_period_text(c), r["period"], claim_period(c) == period_key(r["period"])),
            "scope": (
                f"{data_scope} ({c['jurisdiction']})",
                f"{coder_scope} ({r['place'] or 'blank'})",
                data_scope == coder_scope,
            ),
        }
        for f, (d, cv, ok) in pairs.items():
            row[f"{f}_data"], row[f"{f}_coder"], row[f"{f}_agrees"] = d, cv, bool(ok)
        row["all_agree"] = all(row[f"{f}_agrees"] for f in FIELDS)
        row["decisions"] = {f: decided[(k["claim_id"], f)] for f in FIELDS if (k["claim_id"], f) in decided}
        out.append(row)
    seen = {r["row"] for r in filled}
    uncoded += [k["row"] for k in key if k["row"] not in seen]  # rows deleted from the sheet
    if not out:
        raise InputError(
            f"{paths.sheet}: no row is coded yet — fill place, parameter, value, conditions, period"
        )
    rows = pd.DataFrame(out)
    undecided = sum(1 for r in out for f in FIELDS if not r[f"{f}_agrees"] and f not in r["decisions"])
    seed = key[0]["seed"]
    return Score(
        rows=rows,
        seed=int(seed) if seed.isdigit() else None,
        drawn=key[0]["drawn"] or None,
        sheet=paths.sheet.name,
        uncoded=uncoded,
        undecided=undecided,
    )


# -- writing ----------------------------------------------------------------------------------


def _md_cell(v) -> str:
    return str(v).replace("|", "\\|").replace("\n", " ") if v not in (None, "") else "—"


def verify_markdown(result: Score) -> str:
    """data/VERIFY.md: agreement per field and per kind, then every disagreement with its decision."""
    s = result.summary()
    heads = ["", "n", *FIELDS, "all five"]
    lines = [
        "# Second coding · 二次编码核对",
        "",
        "A second coder who had not seen the claims read each sampled claim's page (blind sheet from "
        "`yibao verify sample`) and coded place, parameter, value, conditions and period; "
        "`yibao verify score` compared them with the data. Numbers are compared numerically, lists "
        "as sets, conditions as a set of `k=v` (`all` differs from not stated), a year as "
        "1 January – 31 December; scope is a place named vs unattributed.",
        "",
        f"- scored: {s['date']}",
        f"- sample: {s['coded']} claims coded (drawn {s['drawn'] or '—'}, seed {s['seed']}, "
        f"sheet `{s['sheet']}`)"
        + (f"; {len(s['uncoded'])} rows not coded: {', '.join(s['uncoded'])}" if s["uncoded"] else ""),
        f"- disagreements: {len(s['disagreements'])}, undecided: {s['undecided']}",
        "",
        "## Agreement",
        "",
        "| " + " | ".join(heads) + " |",
        "|" + "---|" * len(heads),
    ]

    def line(name, n, shares):
        return "| " + " | ".join([name, str(n), *(f"{shares[f]:.1%}" for f in (*FIELDS, "all_five"))]) + " |"

    lines.append(line("**all kinds**", s["coded"], s["agreement"]))
    for kind, a in s["by_kind"].items():
        lines.append(line(kind, a["n"], a))
    lines += ["", "## Disagreements", ""]
    if not s["disagreements"]:
        lines.append("None.")
    else:
        lines += [
            "| row | claim | kind | field | data | second coder | decision |",
            "|---|---|---|---|---|---|---|",
        ]
        for d in s["disagreements"]:
            cells = [d["row"], f"`{d['claim_id']}`", d["kind"], d["field"], d["data"], d["coder"]]
            cells.append(d["decision"] or "**undecided**")
            lines.append("| " + " | ".join(_md_cell(c) for c in cells) + " |")
    lines += [
        "",
        f"## Confirmed on all five fields ({len(s['confirmed'])})",
        "",
        "These claims may record `second_coded: "
        + s["date"]
        + "` (their footnotes then say so): "
        + (", ".join(f"`{c}`" for c in s["confirmed"]) or "none")
        + ".",
        "",
        "Decisions are read from `data/verify-decisions.yaml` (`claim`, `field`, `decision`, `reason`).",
        "",
    ]
    return "\n".join(lines)


def write_results(result: Score, data_dir: Path) -> tuple[Path, Path]:
    """Write data/VERIFY.md and data/verify.json; their paths."""
    md, js = Path(data_dir) / "VERIFY.md", Path(data_dir) / "verify.json"
    try:
        md.write_text(verify_markdown(result), encoding="utf-8")
        js.write_text(json.dumps(result.summary(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{data_dir}: cannot write VERIFY.md ({exc.strerror}) — check the folder") from None
    return md, js

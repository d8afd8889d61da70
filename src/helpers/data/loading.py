"""Load and validate the dataset: parameters, jurisdictions, sources and policy claims.

`load()` returns a `Dataset`: validated DataFrames plus the catalogue's vocabularies, a data
version hash and the caches that later layers (places, resolution) build once per dataset.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..config import default_data_dir, display_path
from ..exceptions import DataError, Problem
from ..fingerprint import data_version
from . import schema
from .catalogue import load_catalogue
from .jurisdictions import load_jurisdictions
from .policies import load_policies
from .validate import validate_record
from .vocab import ALL
from .yamlio import load_yaml

CLAIM_DTYPES: dict[str, str] = {
    "claim_id": "string",
    "jurisdiction": "string",
    "parameter": "string",
    "value": "object",
    "conditions": "object",
    "cond_key": "string",
    "year": "Int64",
    "valid_from": "datetime64[s]",
    "valid_to": "datetime64[s]",
    "source": "string",
    "locator": "string",
    "also": "object",
    "scope": "string",
    "note": "string",
    "usable": "bool",
    "fiscal_year": "Int64",
    "doubt": "object",
    "second_coded": "datetime64[s]",
    "file": "string",
    "line": "Int64",
}
SOURCE_DTYPES: dict[str, str] = {
    "id": "string",
    "title": "string",
    "publisher": "string",
    "kind": "string",
    "published": "datetime64[s]",
    "published_not_before": "datetime64[s]",
    "published_not_after": "datetime64[s]",
    "date": "datetime64[s]",
    "retrieved": "datetime64[s]",
    "checked": "datetime64[s]",
    "kind_basis": "string",
    "url": "string",
    "note": "string",
    "doubt": "object",
}


@dataclass(repr=False)
class Dataset:
    """Validated data as DataFrames, the catalogue's vocabularies and a data version hash.

    Attributes
    ----------
    claims : DataFrame
        One row per claim: ``claim_id``, ``jurisdiction``, ``parameter``, ``value``, ``conditions``
        (dict), ``cond_key``, ``year``, ``valid_from``, ``valid_to``, ``source``, ``locator``,
        ``also`` (further citations), ``scope``, ``note``, ``usable``, ``file``, ``line``, and one
        column per condition name.
    sources : DataFrame
        One row per source: ``id``, ``title``, ``publisher``, ``kind``, ``kind_basis``, ``published``
        (or its bounds), ``date`` (the one date used for recency and staleness), ``retrieved``,
        ``checked``, ``url``, ``note``.
    jurisdictions, parameters : DataFrame
        Places (code, names, level, parent) and the parameter catalogue (id, topic, type, unit,
        labels, description, conditions, values).
    conditions, topics, labels : dict
        Condition vocabulary, topic labels and zh/en labels of every value, kind and status.
    version : str
        Hash of every data file; a render records it.
    view : frozenset of str, optional
        For a view (`helpers.data.views`): the place codes whose policy files it holds; naming any
        other place is refused. None: every place.
    """

    claims: pd.DataFrame
    sources: pd.DataFrame
    jurisdictions: pd.DataFrame
    parameters: pd.DataFrame
    conditions: dict[str, dict[str, Any]]
    data_dir: Path
    version: str
    topics: dict[str, dict[str, str]] = field(default_factory=dict)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    #: Lookup tables later layers build once per dataset (places, ranked claims); never data.
    cache: dict[str, Any] = field(default_factory=dict, compare=False)
    view: frozenset[str] | None = None

    def __repr__(self) -> str:
        return (
            f"<Dataset {self.version}: {len(self.claims)} claims, {len(self.sources)} sources, "
            f"{len(self.parameters)} parameters, {len(self.jurisdictions)} places; {self.data_dir}>"
        )


def _load_sources(data_dir: Path, problems: list[Problem], known: set[str]) -> pd.DataFrame:
    path = data_dir / "sources.yaml"
    shown = display_path(path)
    doc, probs = load_yaml(path, data_dir)
    problems += probs
    rows: list[dict] = []
    if isinstance(doc, list):
        seen: dict[str, int] = {}
        for rec in doc:
            if isinstance(rec, dict) and isinstance(rec.get("id"), str):
                known.add(rec["id"])  # an invalid source is reported once, not again by each claim
            s = validate_record(schema.Source, rec, shown, problems)
            if s is None:
                continue
            if s.id in seen:
                problems.append(
                    Problem(
                        shown,
                        rec.line,
                        f"duplicate source id '{s.id}' (first on line {seen[s.id]})",
                        "give each source its own id",
                    )
                )
            seen[s.id] = rec.line
            pub = s.published
            rows.append(
                {
                    "id": s.id,
                    "title": s.title,
                    "publisher": s.publisher,
                    "kind": s.kind,
                    "published": pub if not isinstance(pub, schema.Bound) else None,
                    "published_not_before": pub.not_before if isinstance(pub, schema.Bound) else pub,
                    "published_not_after": pub.not_after if isinstance(pub, schema.Bound) else pub,
                    "date": _one_date(pub),
                    "retrieved": s.retrieved,
                    "checked": s.checked,
                    "kind_basis": s.kind_basis,
                    "url": s.url,
                    "note": s.note,
                    "doubt": s.doubt.model_dump() if s.doubt else None,
                }
            )
    elif doc is not None:
        problems.append(Problem(shown, 1, "expected a list of sources", "start each with '- id:'"))
    return pd.DataFrame(rows, columns=list(SOURCE_DTYPES)).astype(SOURCE_DTYPES)


def _one_date(pub: Any) -> Any:
    """The single date used for recency and staleness: the date, else the earliest bound, else latest."""
    if isinstance(pub, schema.Bound):
        return pub.not_before or pub.not_after
    return pub


def _slug(name_en: str) -> str:
    return "".join(ch for ch in name_en.lower() if ch.isalnum())


#: Datasets loaded once by a kernel parent (`preload`), by resolved folder; forked kernels reuse them.
_PRELOADED: dict[str, Dataset] = {}


def preload(data_dir: Path | str | None = None) -> Dataset:
    """Load and keep the dataset, so `load()` in this process (and processes forked from it) reuses it.

    `load()` still checks the data version (a hash of the files), so changed data is reloaded.
    """
    return keep(load(data_dir))


def keep(ds: Dataset) -> Dataset:
    """Remember a loaded dataset by its folder, so `load()` of that folder here and in processes
    forked later (workers, the kernel parent, kernels) reuses it while the files are unchanged."""
    _PRELOADED[str(Path(ds.data_dir).resolve())] = ds
    return ds


def forget(data_dir: Path | str) -> None:
    """Drop a remembered dataset (its folder is going away)."""
    _PRELOADED.pop(str(Path(data_dir).resolve()), None)


def kept() -> list[Dataset]:
    """The datasets this process remembers (`keep`), e.g. the one a kernel parent loaded."""
    return list(_PRELOADED.values())


def load(data_dir: Path | str | None = None) -> Dataset:
    """Load and validate the whole dataset; raise DataError listing every problem found.

    Parameters
    ----------
    data_dir : str or Path, optional
        Folder holding parameters.yaml, jurisdictions.csv, sources.yaml and policies/ (default: the
        project's data/, or $YIBAO_DATA_DIR).

    Returns
    -------
    Dataset
        DataFrames ``claims``, ``sources``, ``jurisdictions``, ``parameters`` (columns in `Dataset`),
        the vocabularies ``conditions``, ``topics``, ``labels`` and ``version`` (hash of the files).

    Raises
    ------
    DataError
        Every problem found, each as ``file:line: what — fix``.

    Examples
    --------
    >>> import helpers as h
    >>> ds = h.load()
    >>> sorted(ds.topics)
    ['benefit', 'binding', 'contribution', 'lapse']
    >>> "family_account.max_relatives" in set(ds.parameters["id"])
    True
    """
    data_dir = Path(data_dir) if data_dir else default_data_dir()
    kept = _PRELOADED.get(str(data_dir.resolve())) if _PRELOADED else None
    if kept is not None and data_dir.is_dir() and kept.version == data_version(data_dir):
        return kept
    problems: list[Problem] = []
    if not data_dir.is_dir():
        raise DataError(
            [
                Problem(
                    display_path(data_dir),
                    None,
                    "data directory not found",
                    "pass --data-dir pointing at a folder with parameters.yaml",
                )
            ]
        )
    cat = load_catalogue(data_dir, problems)
    params, conds = cat.params, cat.conds
    params_ok = not problems
    n_before = len(problems)
    jur = load_jurisdictions(data_dir, problems)
    places_ok = len(problems) == n_before
    known_sources: set[str] = set()
    n_before = len(problems)
    sources = _load_sources(data_dir, problems, known_sources)
    sources_ok = len(problems) == n_before or bool(known_sources)
    ctx = {
        "params": params,
        "conds": conds,
        "source_ids": sorted(known_sources | set(sources["id"])),
        "slugs": {r.code: _slug(r.name_en) for r in jur.itertuples()},
        "places_ok": places_ok,
        "params_ok": params_ok,  # a broken parameters.yaml is reported there, not by each claim
        "sources_ok": sources_ok,  # when jurisdictions.csv is broken, claims are not checked against it
    }
    rows = load_policies(data_dir, ctx, problems)
    if problems:
        raise DataError(problems)
    claims = pd.DataFrame(rows, columns=list(CLAIM_DTYPES)).astype(CLAIM_DTYPES)
    for cname, cdef in conds.items():
        col = pd.Series([c.get(cname) for c in claims["conditions"]], index=claims.index)
        everyone = bool((col == ALL).any())  # `tier: all` keeps the column as text ("1", "all")
        claims[cname] = col.astype("Int64" if cdef.type == "int" and not everyone else "string")
    pframe = pd.DataFrame(
        [{"id": k, **v.model_dump()} for k, v in params.items()],
        columns=[
            "id",
            "topic",
            "type",
            "unit",
            "label_zh",
            "label_en",
            "description",
            "conditions",
            "values",
            "basis",
            "scope",
            "part_of",
        ],
    )
    return Dataset(
        claims=claims,
        sources=sources,
        jurisdictions=jur,
        parameters=pframe,
        conditions={k: v.model_dump() for k, v in conds.items()},
        data_dir=data_dir,
        version=data_version(data_dir),
        topics=cat.topics,
        labels=cat.labels,
    )

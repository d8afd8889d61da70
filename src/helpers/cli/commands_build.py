"""The `render` command: render the report catalogue and print a summary."""

from __future__ import annotations

import argparse
from pathlib import Path


def _nothing_to_do(args: argparse.Namespace) -> bool:
    """With no --only/--force and nothing changed since the last full render, say so and stop:
    the standard library and a few hashes, no renderer, YAML or rich (a no-op stays fast)."""
    from ..build.kernels import mode_problem

    if args.only or args.force or mode_problem():  # the renderer refuses a misspelt kernel mode
        return False
    from .. import config
    from ..build.warm import render_paths, unchanged
    from ..data.text import plain

    paths = render_paths(args.reports_dir, args.catalog, args.notebooks_dir, args.data_dir)
    results = unchanged(*paths)
    if results is None:
        return False
    index = plain(config.display_path(paths[0] / "index.html"))
    print(
        f"nothing changed since the last render: {len(results)} reports unchanged.\n"
        f"0 rendered, {len(results)} cached, 0 failed in 0.0 s; open {index}"
    )
    return True


def render(args: argparse.Namespace) -> int:
    if _nothing_to_do(args):
        return 0
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from .. import config
    from ..build.render import render as render_
    from ..data.text import plain

    results = render_(
        only=args.only,
        force=args.force,
        jobs=args.jobs,
        progress=not args.quiet,
        data_dir=args.data_dir,
        reports_dir=args.reports_dir,
        catalog=args.catalog,
        notebooks_dir=args.notebooks_dir,
        executor="dask" if args.scheduler else args.executor,
        scheduler=args.scheduler,
    )
    t = Table(title="yibao render")
    for col in ("report", "status", "seconds", "detail"):
        t.add_column(col)
    for r in results:
        style = {"failed": "red", "cached": "dim"}.get(r["status"], "")
        cells = (r["name"], r["status"], f"{r['seconds']:.1f}", r["detail"] or "")
        t.add_row(*(escape(plain(c)) for c in cells), style=style)

    class _Console(Console):
        def on_broken_pipe(self) -> None:  # rich would exit 1; `yibao render | head -1` is fine
            raise BrokenPipeError

    console = _Console(width=160)
    console.print(t)
    index = Path(args.reports_dir or config.REPORTS_DIR).resolve() / "index.html"
    counts = {s: sum(r["status"] == s for r in results) for s in ("rendered", "cached", "failed")}
    wall = results[0]["wall"] if results else 0
    console.print(
        f"{counts['rendered']} rendered, {counts['cached']} cached, {counts['failed']} failed "
        f"in {wall:.1f} s; open {escape(plain(config.display_path(index)))}"
    )
    kinds = sorted({r["kernel"] for r in results if r.get("kernel")})
    if kinds:
        console.print("; ".join(kinds), markup=False, highlight=False)
    return 1 if counts["failed"] else 0


def add_parsers(add) -> None:
    """Register this module's commands through `add(name, help, handler)`."""
    sp = add("render", "render every report in reports/catalog.yaml to reports/html/", render)
    sp.add_argument("--only", nargs="+", metavar="NAME", help="render just these reports")
    sp.add_argument("--force", action="store_true", help="re-render even when nothing changed")
    sp.add_argument("--jobs", type=_workers, default=2, help="worker processes, 1-64 (default 2)")
    sp.add_argument(
        "--executor",
        choices=["local", "dask"],
        default="local",
        help="local: forked worker processes (default); dask: one task per report on dask.distributed",
    )
    sp.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --executor dask: a running scheduler (tcp://host:port) instead of a LocalCluster "
        "of --jobs workers; the reports folder must be on a path every worker sees",
    )
    sp.add_argument("--quiet", action="store_true", help="no progress bar")
    sp.add_argument("--reports-dir", type=Path, help="output folder (default reports/)")
    sp.add_argument("--catalog", type=Path, help="catalogue file (default reports/catalog.yaml)")
    sp.add_argument("--notebooks-dir", type=Path, help="notebook folder (default notebooks/)")


def _workers(text: str) -> int:
    """--jobs: a whole number of worker processes, 1-64 (0 or -1 would start none and hang or fail)."""
    import argparse

    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= 64):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of workers — give 1-64, e.g. --jobs 2")
    return int(text)

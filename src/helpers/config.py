"""Project paths in one place (cookiecutter-data-science style)."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJ_ROOT = Path(os.environ.get("YIBAO_ROOT", PACKAGE_DIR.parents[1])).resolve()
DATA_DIR = Path(os.environ.get("YIBAO_DATA_DIR", PROJ_ROOT / "data")).resolve()
NOTEBOOKS_DIR = PROJ_ROOT / "notebooks"
REPORTS_DIR = PROJ_ROOT / "reports"
CATALOG_PATH = REPORTS_DIR / "catalog.yaml"
FONT_PATH = PACKAGE_DIR / "fonts" / "NotoSansSC-Regular.otf"
FONT_FAMILY = "Noto Sans SC"
TEMPLATES_DIR = PACKAGE_DIR / "build" / "templates"

#: Largest data or catalogue file the loader accepts, in bytes.
MAX_FILE_BYTES = 2 * 1024 * 1024


def site_url() -> str:
    """Where the reports folder is published ($YIBAO_SITE_URL, read at call time; '' when unset):
    a citation names its page as ``<site_url>/html/<report>.html``, else ``html/<report>.html``."""
    return os.environ.get("YIBAO_SITE_URL", "").strip().rstrip("/")


def default_data_dir() -> Path:
    """The data folder: $YIBAO_DATA_DIR when set (read at call time, not import), else the project's."""
    env = os.environ.get("YIBAO_DATA_DIR")
    return Path(env).resolve() if env else DATA_DIR


def display_path(path: Path | str) -> str:
    """Path as shown in messages: relative to the working directory when inside it. Symbolic
    links are not followed: a message names the link, the name the user gave the file."""
    p = Path(path)
    try:
        cwd = Path.cwd()
    except OSError:  # the working folder was deleted
        return str(p)
    for base in (cwd, cwd.resolve()):
        try:
            return str(Path(os.path.abspath(p)).relative_to(base))
        except (ValueError, OSError, RuntimeError):
            continue
    try:  # a path given through a linked folder (data/ linked from elsewhere): the real file
        return str(p.resolve().relative_to(cwd.resolve()))
    except (ValueError, OSError, RuntimeError):
        return str(p)

"""The cabinet as it is served: `web/` with every JavaScript and CSS file minified on its own by
esbuild (npm, dev only) into `build/web/`, every other file (index.html, the icon) copied as it is.

    python -m ops.build_web          # build/web/, as `make run`, the browser tests and the upload use it

No bundling: each module keeps its path, its imports and its exports (ES module format), so the
pages still load lazily through app.js's `import()`, and the CSP (`script-src 'self'`, no inline
code) holds as it does for the sources. The same sources give the same bytes (docs/web.md,
"Toolchain"). Files are moved into place one at a time (an atomic rename each), so a server reading
`build/web/` while another process rebuilds it never serves half a file. `ops/web_server.py`
rebuilds it when a source changes (`fresh()`), so an edit shows on the next reload.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from ops.services import ROOT

SOURCE = ROOT / "web"
TARGET = ROOT / "build" / "web"
ESBUILD = ROOT / "node_modules" / ".bin" / "esbuild"
MINIFIED = (".js", ".css")
# The browsers the families and schools use (docs/web.md): the minifier may write no newer syntax
# than this (esbuild's default, esnext, would turn `a = a ?? b` into `a ??= b`).
TARGET_SYNTAX = "es2020"


def source_files(source: Path = SOURCE) -> list[Path]:
    """Every file of the cabinet's sources, relative to `source`, in a stable order."""
    return sorted(p.relative_to(source) for p in source.rglob("*") if p.is_file())


def minify_command(files: list[Path], outdir: Path, source: Path = SOURCE) -> list[str]:
    """esbuild transforming each file on its own: minified, UTF-8 kept (Cyrillic as it is, not
    `\\u` escapes), no bundle, no source map."""
    return [str(ESBUILD), *(str(source / f) for f in files), "--minify", "--charset=utf8", "--format=esm",
            f"--target={TARGET_SYNTAX}", "--legal-comments=none", f"--outbase={source}", f"--outdir={outdir}",
            "--log-level=warning"]


def build(source: Path = SOURCE, target: Path = TARGET) -> Path:
    """Builds the served copy of `source` into `target`; returns `target`."""
    if not ESBUILD.exists():
        sys.exit("esbuild is not installed: run `npm ci` (the Makefile does it for you).")
    files = source_files(source)
    # Each copy takes its source's time as read before esbuild runs: an edit made during the build
    # gives the source another time, so the copy is stale and built again (fresh()).
    times = {f: (source / f).stat().st_mtime_ns for f in files}
    target.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".web-", dir=target.parent))
    try:
        minified = [f for f in files if f.suffix in MINIFIED]
        done = subprocess.run(minify_command(minified, staging, source), capture_output=True, text=True,
                              timeout=300, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"esbuild failed on web/:\n{done.stdout}{done.stderr}")
        for f in files:
            if f.suffix not in MINIFIED:
                (staging / f).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source / f, staging / f)
        missing = [str(f) for f in files if not (staging / f).is_file()]
        if missing:
            raise RuntimeError(f"esbuild wrote no copy of {missing}")
        for f in files:
            (target / f).parent.mkdir(parents=True, exist_ok=True)
            os.utime(staging / f, ns=(times[f], times[f]))
            os.replace(staging / f, target / f)
        kept = set(files)
        for old in sorted(p for p in target.rglob("*") if p.is_file()):
            if old.relative_to(target) not in kept:  # a source since removed or renamed
                old.unlink(missing_ok=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def stale(source: Path = SOURCE, target: Path = TARGET) -> bool:
    """Whether `target` is not the copy of `source` as it is now: a file missing, left over, or
    of another time than its source (a file edited while `make run` serves the copy)."""
    files = source_files(source)
    if not target.is_dir() or sorted(p.relative_to(target) for p in target.rglob("*") if p.is_file()) != files:
        return True
    return any((source / f).stat().st_mtime_ns != (target / f).stat().st_mtime_ns for f in files)


_fresh_lock = threading.Lock()
_checked = 0.0


def fresh(source: Path = SOURCE, target: Path = TARGET, every: float = 0.5) -> None:
    """Rebuilds `target` when `source` changed, looking at most every `every` seconds: an edited
    page shows on the next reload, as with no build step."""
    global _checked
    with _fresh_lock:
        if time.monotonic() - _checked < every:
            return
        if stale(source, target):
            build(source, target)
        _checked = time.monotonic()


if __name__ == "__main__":
    built = build()
    print(f"built {len(source_files())} files into {built.relative_to(ROOT)}/")

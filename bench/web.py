"""`make bench-web`: what the families' cabinet weighs and costs (issue 13's targets).

Standalone: starts its own local system on free ports (as tests/browser.py does), signs the demo
parent in through the cabinet in Debian's Chromium (Playwright), and prints one figure a line,
`name=value`:

- `gzip_bytes[web/<file>]` for every JavaScript and CSS file as it is served (the minified copy in
  build/web/, ops/build_web.py), and `gzip_bytes_total` (target ≤ 60 KB = 61440 bytes for the whole
  cabinet, families' and staff pages, each file once; gzip level 6, what a CDN's on-the-fly
  compression gives); `source_gzip_bytes_total` for the sources in web/ as written, for comparison;
- `brotli_bytes[web/<file>]` and `brotli_bytes_total` (quality 11; CloudFront sends Brotli to the
  browsers that accept it) with the Python `brotli` package if installed, else Node's zlib;
- `journey_gzip_bytes[<page>]` (and `journey_brotli_bytes`, `journey_files`): what a reader's
  browser fetches for one page: the shell index.html names (style.css, app.js, the modules it
  preloads) and their imports, plus the page's module and its imports, each once, for the week
  page and the teacher's journal;
- `week_api_calls`: requests to /api/ after going from the children's page to a child's week
  (target ≤ 2), and `week_api_calls_after_reload` (a reload signs in again from the cookie: for
  information);
- `lighthouse_performance` and `lighthouse_accessibility` for the week page (mobile, Lighthouse's
  defaults; targets ≥ 95 and 100), signed in by a refresh cookie of a sign-in of its own.

The page measured is the week (`--page week`); another child page can be named (`--page grades`).
`--weights-only` prints the weights alone, without starting the local system (seconds).

Then the teacher's class journal (issue 15): the demo teacher signs in, goes to 5А's mathematics
journal (`journal_api_calls`: requests to /api/ after that navigation, `journal_api_requests`), and
Lighthouse's `journal_lighthouse_performance` and `journal_lighthouse_accessibility` for it
(`--no-journal` leaves it out).
"""

from __future__ import annotations

import argparse
import gzip
import importlib
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ops import build_web  # noqa: E402
from ops.services import free_port  # noqa: E402

WEB = ROOT / "web"
SERVED = build_web.TARGET
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--disable-gpu", "--disable-quic"]
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
TARGET_BYTES = 60 * 1024
REPORT = ROOT / "build" / "bench-web" / "lighthouse.json"
JOURNAL_REPORT = ROOT / "build" / "bench-web" / "lighthouse-journal.json"
QUIET_SECONDS = 1.5  # no request under way or started for this long: the page has settled
JOURNEYS = {"week": "js/pages/week.js", "journal": "js/pages/journal.js"}  # a parent's and a teacher's page
# A static import in a module, minified or not: `from "./x.js"`, `import "./x.js"` (not `import(`).
STATIC_IMPORT = re.compile(r"""(?:\bfrom|\bimport)\s*["'](\.{1,2}/[^"']+)["']""")
SHELL_FILE = re.compile(r'(?:href|src)="/([^"]+\.(?:js|css))"')
NODE_BROTLI = ("const z = require('zlib'), fs = require('fs');"
               "const files = JSON.parse(fs.readFileSync(0, 'utf8'));"
               "console.log(JSON.stringify(files.map((f) => z.brotliCompressSync(fs.readFileSync(f)).length)));")


def _weighed(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix in (".js", ".css", ".mjs") and p.is_file())


def _name(root: Path, path: Path) -> str:
    """A served file by the source it is made from (`web/js/app.js`), so figures keep their names."""
    return "web/" + path.relative_to(root).as_posix()


def compressed_sizes(root: Path = SERVED) -> dict[str, int]:
    """Gzip-compressed bytes (level 6) of every JavaScript and CSS file under `root`, by name."""
    return {_name(root, p): len(gzip.compress(p.read_bytes(), compresslevel=6, mtime=0)) for p in _weighed(root)}


def brotli_sizes(root: Path = SERVED) -> tuple[str, dict[str, int]] | None:
    """Brotli-compressed bytes (quality 11) of the same files, and what compressed them: the Python
    `brotli` package when installed, else Node's zlib; None when neither is there."""
    files = _weighed(root)
    try:
        brotli = importlib.import_module("brotli")
    except ImportError:
        pass
    else:
        return "python-brotli", {_name(root, p): len(brotli.compress(p.read_bytes(), quality=11)) for p in files}
    try:
        done = subprocess.run(["node", "-e", NODE_BROTLI], input=json.dumps([str(p) for p in files]),
                              capture_output=True, text=True, timeout=120, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    sizes = [int(n) for n in json.loads(done.stdout)]
    return "node-zlib", {_name(root, p): n for p, n in zip(files, sizes, strict=True)}


def journey(root: Path, page: str) -> list[str]:
    """The files a browser fetches to show `page` (`js/pages/week.js`): what index.html names, the
    page's module, and every module they import, each once, by name (`web/…`)."""
    wanted = [*SHELL_FILE.findall((root / "index.html").read_text(encoding="utf-8")), page]
    seen: list[str] = []
    while wanted:
        rel = wanted.pop(0)
        if rel in seen or not (root / rel).is_file():
            continue
        seen.append(rel)
        if rel.endswith(".js"):
            here = Path(rel).parent
            for spec in STATIC_IMPORT.findall((root / rel).read_text(encoding="utf-8")):
                wanted.append(os.path.normpath(here / spec))
    return ["web/" + rel for rel in seen]


# app.js's table of the school's pages (`"/teach": "teach",`): every other page module is a family's.
STAFF_PAGE = re.compile(r'^\s*"(/(?:teach|school|operator)[^"]*)": "([\w-]+)"', re.M)


def page_modules(root: Path) -> dict[str, list[str]]:
    """The page modules of the cabinet by side: {"families": [...], "staff": [...]} (`js/pages/x.js`)."""
    table = (WEB / "js" / "app.js").read_text(encoding="utf-8")  # the source: the served copy is one line
    staff = {f"js/pages/{m}.js" for _, m in STAFF_PAGE.findall(table)}
    pages = sorted(p.relative_to(root).as_posix() for p in (root / "js" / "pages").glob("*.js"))
    return {"families": [p for p in pages if p not in staff], "staff": [p for p in pages if p in staff]}


def side_files(root: Path, pages: list[str]) -> set[str]:
    """Every file the pages of one side can make a browser fetch, each once (the shell included)."""
    return {f for page in pages for f in journey(root, page)}


def print_weights(root: Path) -> None:
    """The weight figures of the served copy under `root` (see the module's docstring)."""
    sizes = compressed_sizes(root)
    for name, size in sizes.items():
        print(f"gzip_bytes[{name}]={size}")
    total = sum(sizes.values())
    print(f"gzip_bytes_total={total}")
    print(f"gzip_target_bytes={TARGET_BYTES}")
    print(f"gzip_within_target={'yes' if total <= TARGET_BYTES else 'no'}")
    for side, pages in page_modules(root).items():
        print(f"{side}_gzip_bytes_total={sum(sizes[f] for f in side_files(root, pages))}")
    heaviest = max((sum(sizes[f] for f in journey(root, page)), page) for pages in page_modules(root).values()
                   for page in pages)
    print(f"heaviest_page_gzip_bytes={heaviest[0]}")
    print(f"heaviest_page=web/{heaviest[1]}")
    print(f"source_gzip_bytes_total={sum(compressed_sizes(WEB).values())}")
    brotli = brotli_sizes(root)
    if brotli is None:
        print("brotli_bytes_total=unmeasured (neither the Python brotli package nor node)")
    else:
        method, by_file = brotli
        for name, size in by_file.items():
            print(f"brotli_bytes[{name}]={size}")
        print(f"brotli_bytes_total={sum(by_file.values())}")
        print(f"brotli_method={method}")
    for label, page in JOURNEYS.items():
        if not (root / page).is_file():
            print(f"warning=web/{page} does not exist yet: no journey_*[{label}]", file=sys.stderr)
            continue
        files = journey(root, page)
        print(f"journey_files[{label}]={' '.join(files)}")
        print(f"journey_gzip_bytes[{label}]={sum(sizes.get(f, 0) for f in files)}")
        if brotli is not None:
            print(f"journey_brotli_bytes[{label}]={sum(brotli[1].get(f, 0) for f in files)}")


@contextmanager
def local_system() -> Iterator[dict[str, str]]:
    """`make run` on free ports in a state directory of its own: {"web", "api"} addresses."""
    ports = {"PORT": free_port(), "DYNAMODB_PORT": free_port(), "MOTO_PORT": free_port(), "WEB_PORT": free_port()}
    with tempfile.TemporaryDirectory(prefix="bench-web-") as state:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT_URL")}
        env.update({k: str(v) for k, v in ports.items()}, LOCAL_STATE_DIR=state)
        proc = subprocess.Popen([sys.executable, "-m", "ops.run_local"], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert proc.stdout is not None
        lines: list[str] = []
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line and proc.poll() is not None:
                break
            lines.append(line)
            if "Ctrl-C stops everything" in line:
                break
        try:
            if "Ctrl-C stops everything" not in "".join(lines):
                raise SystemExit("the local system did not come up:\n" + "".join(lines))
            yield {"web": f"http://127.0.0.1:{ports['WEB_PORT']}", "api": f"http://127.0.0.1:{ports['PORT']}"}
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()


def web_sign_in(web: str, email: str, password: str) -> tuple[str, str]:
    """A browser sign-in made over HTTP: (access token, refresh cookie value)."""
    import requests

    answer = requests.post(f"{web}/api/auth/login", json={"email": email, "password": password},
                           headers={"X-Ediary-Client": "web"}, timeout=90)
    answer.raise_for_status()
    return str(answer.json()["access_token"]), str(answer.cookies["ediary_refresh"])


class ApiRequests:
    """The page's requests to /api/, counted, and whether any is still under way."""

    def __init__(self, page: Any) -> None:
        self.urls: list[str] = []
        self.pending = 0
        self.last_event = time.monotonic()
        page.on("request", self._started)
        page.on("requestfinished", self._ended)
        page.on("requestfailed", self._ended)

    @staticmethod
    def _api(request: Any) -> bool:
        return "/api/" in request.url.split("#")[0]

    def _started(self, request: Any) -> None:
        if self._api(request):
            self.urls.append(request.method + " " + request.url.split("/api", 1)[1])
            self.pending += 1
        self.last_event = time.monotonic()

    def _ended(self, request: Any) -> None:
        if self._api(request):
            self.pending -= 1
        self.last_event = time.monotonic()

    def settle(self, page: Any, limit: float = 60) -> None:
        """Wait until nothing has been asked of the network for QUIET_SECONDS."""
        started = time.monotonic()
        while time.monotonic() - started < limit:
            page.wait_for_timeout(250)
            if self.pending == 0 and time.monotonic() - self.last_event >= QUIET_SECONDS:
                return

    def since(self, mark: int) -> list[str]:
        return self.urls[mark:]


def api_calls(system: dict[str, str], section: str, email: str, password: str) -> dict[str, Any]:
    """Requests to /api/ of a child's page: reached from the children's page, and on a reload."""
    import requests
    from playwright.sync_api import sync_playwright

    token, _ = web_sign_in(system["web"], email, password)
    children = requests.get(f"{system['api']}/children", headers={"Authorization": f"Bearer {token}"}, timeout=90)
    student_id = children.json()["items"][0]["student_id"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=system["web"], viewport={"width": 360, "height": 640},
                                      locale="ru-RU")
        context.set_default_timeout(60_000)
        page = context.new_page()
        seen = ApiRequests(page)
        page.goto("/#/signin")
        page.get_by_label("Электронная почта").fill(email)
        page.get_by_label("Пароль").fill(password)
        page.get_by_role("button", name="Войти").click()
        page.wait_for_url("**/#/children**")
        seen.settle(page)  # the children's page, as a parent sees it after signing in
        mark = len(seen.urls)
        page.evaluate("hash => { location.hash = hash; }", f"#/children/{student_id}/{section}")
        page.wait_for_url(f"**/#/children/{student_id}/{section}**")
        seen.settle(page)
        navigated = seen.since(mark)
        heading = page.locator("main h1").first.text_content(timeout=10_000) or ""
        mark = len(seen.urls)
        page.reload()
        seen.settle(page)
        reloaded = seen.since(mark)
        browser.close()
    return {"student_id": student_id, "navigated": navigated, "reloaded": reloaded, "heading": heading.strip()}


def journal_calls(system: dict[str, str], email: str, password: str) -> dict[str, Any]:
    """Requests to /api/ of the class journal (5А, mathematics), reached from the teacher's start page."""
    import requests
    from playwright.sync_api import sync_playwright

    token, _ = web_sign_in(system["web"], email, password)
    auth = {"Authorization": f"Bearer {token}"}
    me = requests.get(f"{system['api']}/me", headers=auth, timeout=90).json()
    school_id = next(r["school_id"] for r in me["roles"] if r["role"] == "teacher")
    classes = requests.get(f"{system['api']}/schools/{school_id}/classes?limit=100", headers=auth, timeout=90).json()
    subjects = requests.get(f"{system['api']}/schools/{school_id}/subjects?limit=100", headers=auth, timeout=90).json()
    class_id = next(c["class_id"] for c in classes["items"] if c["name"] == "5А")
    subject_id = next(x["subject_id"] for x in subjects["items"] if x["name"] == "Математика")
    path = f"#/teach/{school_id}/classes/{class_id}/journal?subject={subject_id}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=system["web"], viewport={"width": 1280, "height": 800},
                                      locale="ru-RU")
        context.set_default_timeout(60_000)
        page = context.new_page()
        seen = ApiRequests(page)
        page.goto("/#/signin")
        page.get_by_label("Электронная почта").fill(email)
        page.get_by_label("Пароль").fill(password)
        page.get_by_role("button", name="Войти").click()
        page.wait_for_url("**/#/teach**")
        seen.settle(page)  # the teacher's start page
        mark = len(seen.urls)
        page.evaluate("hash => { location.hash = hash; }", path)
        page.locator("table.journal").wait_for()
        seen.settle(page)
        navigated = seen.since(mark)
        rows = page.locator("table.journal tbody tr").count()
        browser.close()
    return {"path": path, "navigated": navigated, "rows": rows}


def lighthouse(url: str, cookie: str, saved: Path = REPORT) -> dict[str, float]:
    """Lighthouse's mobile performance and accessibility scores (0–100) of a signed-in page."""
    flags = ("--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update "
             "--disable-sync --no-first-run")
    with tempfile.TemporaryDirectory(prefix="bench-web-lh-") as tmp:
        report = Path(tmp) / "report.json"
        done = subprocess.run(
            [str(LIGHTHOUSE), url, "--only-categories=performance,accessibility", "--output=json",
             f"--output-path={report}", f"--chrome-flags={flags}", "--quiet",
             # the page signs itself in from this cookie, as a returning reader's browser does
             "--extra-headers", json.dumps({"Cookie": f"ediary_refresh={cookie}"})],
            env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, text=True, timeout=600, check=False)
        if done.returncode != 0 or not report.exists():
            raise SystemExit(f"lighthouse failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
        result = json.loads(report.read_text(encoding="utf-8"))
        saved.parent.mkdir(parents=True, exist_ok=True)
        saved.write_text(report.read_text(encoding="utf-8"), encoding="utf-8")  # for review: what cost points
    categories = result["categories"]
    return {name: round(100 * float(categories[name]["score"] or 0)) for name in ("performance", "accessibility")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--page", default="week", help="the child's section measured (default: week)")
    parser.add_argument("--no-lighthouse", action="store_true", help="leave Lighthouse out (about 30 s)")
    parser.add_argument("--weights-only", action="store_true",
                        help="the weights alone: no local system, no browser (seconds)")
    parser.add_argument("--no-journal", action="store_true", help="leave the teacher's class journal out")
    args = parser.parse_args()
    from ops.seed_demo import PARENT, TEACHER

    print_weights(build_web.build())  # what is served: the minified copy of web/
    if args.weights_only:
        return
    if not (WEB / "js" / "pages" / f"{args.page}.js").exists():
        print(f"warning=web/js/pages/{args.page}.js does not exist yet: the figures below are of a missing page",
              file=sys.stderr)
    with local_system() as system:
        calls = api_calls(system, args.page, PARENT.email, PARENT.password)
        print(f"measured_page=#/children/{calls['student_id']}/{args.page}")
        print(f"measured_heading={calls['heading']}")
        print(f"{args.page}_api_calls={len(calls['navigated'])}")
        print(f"{args.page}_api_requests={' | '.join(calls['navigated'])}")
        print(f"{args.page}_api_calls_after_reload={len(calls['reloaded'])}")
        print(f"{args.page}_api_requests_after_reload={' | '.join(calls['reloaded'])}")
        if not args.no_lighthouse:
            _, cookie = web_sign_in(system["web"], PARENT.email, PARENT.password)
            scores = lighthouse(f"{system['web']}/#/children/{calls['student_id']}/{args.page}", cookie)
            print(f"lighthouse_performance={scores['performance']}")
            print(f"lighthouse_accessibility={scores['accessibility']}")
            print(f"lighthouse_report={REPORT.relative_to(ROOT)}")
        if not args.no_journal:
            journal = journal_calls(system, TEACHER.email, TEACHER.password)
            print(f"journal_page={journal['path']}")
            print(f"journal_rows={journal['rows']}")
            print(f"journal_api_calls={len(journal['navigated'])}")
            print(f"journal_api_requests={' | '.join(journal['navigated'])}")
            if not args.no_lighthouse:
                _, cookie = web_sign_in(system["web"], TEACHER.email, TEACHER.password)
                scores = lighthouse(system["web"] + "/" + journal["path"], cookie, JOURNAL_REPORT)
                print(f"journal_lighthouse_performance={scores['performance']}")
                print(f"journal_lighthouse_accessibility={scores['accessibility']}")
                print(f"journal_lighthouse_report={JOURNAL_REPORT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

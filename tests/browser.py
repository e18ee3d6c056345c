"""A page rendered in Debian's headless Chromium: its DOM after scripts ran, its console
messages, the requests the page itself made, and a screenshot."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
_CONSOLE = re.compile(r":CONSOLE:\d+\] \"(.*)\", source: (\S*)")


@dataclass
class Rendered:
    dom: str
    console: list[str]  # every console message the page produced (errors, warnings, logs)
    requests: list[str]  # URLs the page asked for beyond its own file (none for a self-contained page)


def _run(args: list[str], profile_dir: str) -> subprocess.CompletedProcess:
    assert CHROMIUM, "Debian's chromium is needed for the browser tests (apt-get install chromium)"
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile_dir}", *args],
                          capture_output=True, text=True, timeout=90)


def render(page: Path, screenshot: Path | None = None) -> Rendered:
    url = page.resolve().as_uri()
    with tempfile.TemporaryDirectory() as profile_dir:
        net_log = Path(profile_dir) / "net.json"
        done = _run(["--enable-logging=stderr", "--v=0", f"--log-net-log={net_log}", "--dump-dom", url], profile_dir)
        console = [m.group(1) for m in _CONSOLE.finditer(done.stderr)]
        log = json.loads(net_log.read_text(encoding="utf-8"))
        types = {v: k for k, v in log["constants"]["logEventTypes"].items()}
        requests = sorted({
            event["params"]["url"] for event in log["events"]
            if types.get(event["type"]) == "URL_REQUEST_START_JOB"
            and "url" in event.get("params", {})
            and event["params"].get("initiator") != "not an origin"  # the browser's own, not the page's
            and not event["params"]["url"].startswith("file:")
        })
        if screenshot is not None:
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            _run(["--window-size=1000,2400", "--hide-scrollbars", f"--screenshot={screenshot}", url], profile_dir)
    return Rendered(done.stdout, console, requests)


# Chromium prints on Letter paper with 0.4-inch margins: 7.7 x 10.2 inches of page, at 96 CSS px an inch
PRINT_WIDTH, PRINT_HEIGHT = 739, 979


def print_pdf(page: Path, pdf: Path) -> int:
    """Print `page` to `pdf` as a person would; the number of pages."""
    with tempfile.TemporaryDirectory() as profile_dir:
        _run(["--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.resolve().as_uri()], profile_dir)
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf.read_bytes()))


def content_height(page: Path, css: str = "") -> int:
    """The page's height in CSS px when laid out at the printed width (with `css` added)."""
    probe = page.with_name(page.stem + "-probe.html")
    script = ("<script>document.body.setAttribute('data-height', "
              "Math.ceil(document.documentElement.getBoundingClientRect().height))</script>")
    html = page.read_text(encoding="utf-8").replace("</body>", f"<style>{css}</style>{script}</body>")
    probe.write_text(html, encoding="utf-8")
    with tempfile.TemporaryDirectory() as profile_dir:
        done = _run([f"--window-size={PRINT_WIDTH},{PRINT_HEIGHT}", "--dump-dom", probe.as_uri()], profile_dir)
    probe.unlink()
    return int(re.search(r'data-height="(\d+)"', done.stdout).group(1))

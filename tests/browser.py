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

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# A test that drives the browser skips, saying why, where there is none.
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="headless Chromium not found (apt-get install chromium): the report pages are "
                             "checked in a real browser, and there is none on this machine")
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


# Run by layout_problems() on each report in its own frame: every chart text inside its chart, inside
# its org-chart box, clear of the other texts and of the bars it labels; no HTML element's text
# wider than the element or than the page's main column.
_LAYOUT_SCRIPT = r"""
function layoutProblems(doc, win) {
  var problems = [], slack = 0.5;
  function box(b) { return '[' + [b.x, b.y, b.x + b.width, b.y + b.height].map(function (v) { return v.toFixed(1); }).join(', ') + ']'; }
  function inside(b, o) { return b.x >= o.x - slack && b.y >= o.y - slack && b.x + b.width <= o.x + o.width + slack && b.y + b.height <= o.y + o.height + slack; }
  function overlap(a, b) { return a.x < b.x + b.width - slack && b.x < a.x + a.width - slack && a.y < b.y + b.height - slack && b.y < a.y + a.height - slack; }
  doc.querySelectorAll('svg.chart').forEach(function (svg) {
    var view = svg.viewBox.baseVal;
    var texts = Array.prototype.slice.call(svg.querySelectorAll('text')).filter(function (t) { return t.textContent.trim(); });
    var bars = Array.prototype.slice.call(svg.querySelectorAll('rect.bar')).map(function (r) { return r.getBBox(); });
    var frames = Array.prototype.slice.call(svg.querySelectorAll('rect.org')).map(function (r) { return r.getBBox(); });
    texts.forEach(function (t, i) {
      var b = t.getBBox(), name = svg.id + ' "' + t.textContent + '" ' + box(b);
      if (!inside(b, view)) problems.push(name + ' outside the chart ' + box(view));
      if (t.classList.contains('org-title') || t.classList.contains('org-count')) {  // the box drawn around it
        var x = t.x.baseVal[0].value, y = t.y.baseVal[0].value;
        var around = frames.filter(function (f) { return x >= f.x && x <= f.x + f.width && y >= f.y && y <= f.y + f.height; });
        if (!around.length) problems.push(name + ' is in no box');
        around.forEach(function (f) {
          if (!inside(b, {x: f.x + 2, y: f.y + 2, width: f.width - 4, height: f.height - 4})) problems.push(name + ' outside its box ' + box(f));
        });
      }
      if (svg.id === 'score-svg' && t.classList.contains('label'))
        bars.forEach(function (bar) { if (overlap(b, bar)) problems.push(name + ' over a bar ' + box(bar)); });
      texts.slice(i + 1).forEach(function (u) {
        var c = u.getBBox();
        if (overlap(b, c)) problems.push(name + ' overlaps "' + u.textContent + '" ' + box(c));
      });
    });
  });
  var main = doc.querySelector('main').getBoundingClientRect();
  doc.querySelectorAll('main *').forEach(function (el) {
    if (el.closest('svg')) return;
    var r = el.getBoundingClientRect(), name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' "' + (el.textContent || '').slice(0, 60) + '"';
    if (r.width && (r.left < main.left - slack || r.right > main.right + slack)) problems.push(name + ' leaves the page column');
    if (el.clientWidth && el.scrollWidth > el.clientWidth + 1) problems.push(name + ' is wider than its box (' + el.scrollWidth + ' > ' + el.clientWidth + ')');
  });
  if (doc.documentElement.scrollWidth > win.innerWidth) problems.push('the page scrolls sideways');
  return problems;
}
window.addEventListener('load', function () {
  var found = Array.prototype.map.call(document.querySelectorAll('iframe'), function (frame) {
    return layoutProblems(frame.contentDocument, frame.contentWindow);
  });
  document.body.setAttribute('data-layout', JSON.stringify(found));
});
"""


def layout_problems(pages: list[Path], width: int = 1000) -> dict[str, list[str]]:
    """What of each page does not fit when laid out `width` px wide: chart texts outside their chart
    or box or over each other, HTML text wider than its box. {page name: problems}, empty when all fits.
    One browser run for all the pages: each is a frame of a page that checks them all."""
    import html as markup

    folder = pages[0].parent
    frames = "".join(f'<iframe src="{markup.escape(p.resolve().as_uri())}" style="width:{width}px;height:2400px"></iframe>'
                     for p in pages)
    probe = folder / f"layout-check-{width}.html"
    probe.write_text(f"<!doctype html><body>{frames}<script>{_LAYOUT_SCRIPT}</script></body>", encoding="utf-8")
    try:
        with tempfile.TemporaryDirectory() as profile_dir:
            done = _run(["--allow-file-access-from-files", f"--window-size={width + 40},2400", "--dump-dom",
                         probe.as_uri()], profile_dir)
    finally:
        probe.unlink()
    found = re.search(r'data-layout="([^"]*)"', done.stdout)
    assert found, f"the layout check did not run: {done.stderr[-500:]}"
    return dict(zip((p.name for p in pages), json.loads(markup.unescape(found.group(1)))))

"""The reports' templates: a client's text cannot become markup in HTML or Markdown, the templates
ship inside the package and are compiled once, and chart labels are fitted to their room."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from importlib.resources import files

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from advisor.report.glyphs import text_width
from advisor.report.svg import SMALLEST, fit
from advisor.report.templating import markdown_escape
from conftest import PROFILES

HOSTILE = ("# <script>alert(1)</script> <img src=x onerror=alert(1)> [click](javascript:alert(1)) "
           "<javascript:alert(2)> `tick` | pipe | *bold* _it_ ~~gone~~ &lt;b&gt;")


class Tags(HTMLParser):
    """Every start tag of a page, with its attributes, and the text of each <h1>."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[str] = []
        self._in_h1 = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_h1 = self._in_h1 or tag == "h1"
        if tag == "h1":
            self.headings.append("")

    def handle_endtag(self, tag):
        self._in_h1 = self._in_h1 and tag != "h1"

    def handle_data(self, data):
        if self._in_h1:
            self.headings[-1] += data

    def names(self) -> set[str]:
        return {tag for tag, _ in self.tags}


def commonmark(text: str) -> str:
    """Markdown as GitHub and most viewers show it: CommonMark with tables and strikethrough, raw HTML on."""
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).render(text)


def _no_active_markup(tags: Tags) -> None:
    assert not tags.names() & {"script", "img", "a", "iframe", "del", "s"}, tags.names()
    for _, attrs in tags.tags:
        assert not any(name.startswith("on") for name in attrs), attrs
        assert not any("javascript:" in (value or "") for value in attrs.values()), attrs


def test_a_hostile_name_is_only_text_in_the_html_and_the_markdown_report(cli, tmp_path):
    (tmp_path / "p.yaml").write_text(f"name: {HOSTILE!r}\nleads_per_month: 300\nsales_team_size: 3\n".replace("'", '"'),
                                     encoding="utf-8")
    title = {"en": "Sales department: recommendation for ", "ru": "Отдел продаж: рекомендация для "}
    for lang in ("en", "ru"):
        page, markdown = tmp_path / f"r-{lang}.html", tmp_path / f"r-{lang}.md"
        assert cli("report", str(tmp_path / "p.yaml"), "-o", str(page), "--lang", lang).exit_code == 0
        assert cli("report", str(tmp_path / "p.yaml"), "-o", str(markdown), "--lang", lang).exit_code == 0
        as_html = Tags(page.read_text(encoding="utf-8"))
        _no_active_markup(as_html)
        assert as_html.headings == [title[lang] + HOSTILE]  # shown as typed, every character of it
        rendered = commonmark(markdown.read_text(encoding="utf-8"))
        as_markdown = Tags(rendered)
        _no_active_markup(as_markdown)
        assert as_markdown.headings == [title[lang] + HOSTILE]  # one heading: the name opened none
        assert {"em", "strong"} & as_markdown.names()  # the report's own emphasis still works
        assert "<code>tick</code>" not in rendered and "<table>" in rendered


def test_a_hostile_name_is_only_text_in_the_index_of_a_report_folder(cli, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "p.yaml").write_text(f"name: {HOSTILE!r}\n".replace("'", '"'), encoding="utf-8")
    result = cli("score", str(tmp_path / "in"), "-f", "csv", "-o", str(tmp_path / "s.csv"),
                 "--report-dir", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    index = Tags((tmp_path / "out" / "index.html").read_text(encoding="utf-8"))
    links = [attrs["href"] for tag, attrs in index.tags if tag == "a"]
    assert len(links) == 1 and re.fullmatch(r"[a-z0-9-]+\.html", links[0])  # a file beside it, no scheme
    assert not index.names() & {"img", "iframe"}
    assert sum(tag == "script" for tag, _ in index.tags) == 1  # the page's own sorting script only


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(list("\\`*_[]()<>|#!~&;:=+-.1 \n\t")),
               max_size=40))
def test_any_value_is_literal_text_in_markdown(value):
    """Rendered, an escaped value is exactly its own characters (blanks collapsed), inline and at a line's start."""
    shown = " ".join(value.replace("\t", " ").replace("\n", " ").split(" "))
    shown = " ".join(part for part in shown.split(" ") if part) if shown.strip(" ") else ""
    escaped = markdown_escape(value)
    assert "\n" not in escaped
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    assert md.renderInline(escaped) == html.escape(shown, quote=False).replace('"', "&quot;")
    if shown:  # a line of its own: one paragraph, no heading, list, quote, rule or code block
        assert md.render(escaped) == f"<p>{md.renderInline(escaped).strip()}</p>\n"  # a paragraph's edges are trimmed
        # a table cell: the value stays in its cell
        table = md.render(f"| a | b |\n|---|---|\n| {escaped} | x |\n")
        assert table.count("<td>") == 2 and "<td>x</td>" in table


def test_templates_ship_inside_the_package_and_compile_once(engine, monkeypatch):
    from jinja2 import PackageLoader

    from advisor.readers import read_one_profile
    from advisor.report.content import build_report
    from advisor.report.html import render_html
    from advisor.report.markdown import render_report_markdown

    folder = files("advisor.report") / "templates"  # found as package data, as an installed wheel has it
    for name in ("report.html.j2", "report.md.j2", "index.html.j2", "report.css", "index.js"):
        assert (folder / name).is_file(), name
    content = build_report(engine, read_one_profile(str(PROFILES / "online-store.yaml")).profile, source=None, lang="uk")
    first = render_html(content), render_report_markdown(content)
    reads = []
    monkeypatch.setattr(PackageLoader, "get_source", lambda *a: reads.append(a) or pytest.fail("read again"))
    assert (render_html(content), render_report_markdown(content)) == first and reads == []


@settings(max_examples=200, deadline=None)
@given(st.text(st.sampled_from(list("Контакт-центр (квалификация лидов) Двухуровневая, аккаунт-менеджер WMШЩ…")),
               min_size=1, max_size=120),
       st.floats(min_value=40, max_value=300), st.integers(min_value=1, max_value=3), st.booleans())
def test_a_fitted_label_never_spills_out_of_its_room(text, room, lines, bold):
    fitted, size = fit(text, room, lines, bold=bold)
    assert 1 <= len(fitted) <= lines and SMALLEST <= size <= 13
    assert all(text_width(line, size, bold) <= room for line in fitted)


def test_labels_that_were_clipped_now_wrap_or_shrink():
    from advisor.report.svg import score_chart

    # the score chart's Russian label of two-level, account manager ran 21 px off the chart's left edge:
    # the label column now grows to it (up to 45% of the chart), and a longer one takes two lines
    chart = score_chart([("трёхуровневая", 3.0, True), ("двухуровневая, аккаунт-менеджер", 2.5, False)])
    right = float(re.search(r'<text x="([\d.]+)"[^>]*class="label"', chart).group(1))
    assert right - text_width("двухуровневая, аккаунт-менеджер", 13) >= 0 and "<tspan" not in chart
    assert fit("Двухуровневая, аккаунт-менеджер", 222) == (("Двухуровневая,", "аккаунт-менеджер"), 13)
    # the org chart's contact-centre box (176 px of text in a row of four boxes) spilled out of it
    assert fit("Контакт-центр (квалификация лидов)", 176) == (("Контакт-центр", "(квалификация лидов)"), 13)
    lines, size = fit("Контакт-центр (квалификация лидов)", 110)
    assert len(lines) == 2 and size < 13

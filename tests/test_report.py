"""`advisor report` and `score --report-dir`: staffing and roadmap against hand calculations,
the files' content, and the pages in a real headless browser."""

from __future__ import annotations

import math
import re
import shutil

import pytest

from advisor.readers import read_one_profile
from advisor.staffing import plan_roadmap, plan_staffing
from browser import PRINT_HEIGHT, PRINT_WIDTH, content_height, layout_problems, needs_chromium, print_pdf, render
from conftest import PROFILES, ROOT, staffing_overlay

ARTEFACTS = ROOT / "test-artefacts"


def plan_of(engine, name):
    profile = read_one_profile(str(PROFILES / f"{name}.yaml")).profile
    rec = engine.recommend(profile)
    facts = engine.facts(profile)
    plan = plan_staffing(facts, rec.department_model.id, engine.rule_base.staffing)
    return rec, plan, plan_roadmap(facts, plan, engine.rule_base.staffing)


# ---- staffing and roadmap (the hand calculations of every role are in test_staffing.py) ------
def test_online_store_roadmap_by_hand(engine):
    rec, plan, roadmap = plan_of(engine, "online-store")
    assert rec.department_model.id == "three_level"
    assert roadmap.current_stage == 3 and roadmap.target_stage == 4
    assert [(s.stage, s.done) for s in roadmap.steps] == [(1, True), (2, True), (3, True), (4, False)]
    assert plan.total == 27 and roadmap.people_to_add == 27 - 14 and roadmap.people_fewer == 0


def test_a_smaller_plan_is_said_as_fewer_people(engine):
    _, plan, roadmap = plan_of(engine, "it-outsourcing")
    assert plan.total == 3 and roadmap.people_to_add == 0 and roadmap.people_fewer == 4 - 3


def test_unknown_inputs_give_no_number_and_name_the_fields(engine):
    _, plan, roadmap = plan_of(engine, "early-idea")
    need = plan.by_role()["full_cycle"]
    assert need.count is None and set(need.needs) == {"deals_per_month", "sales_cycle_days", "leads_per_month"}
    assert plan.total is None and roadmap.people_to_add is None and roadmap.people_fewer is None


def test_norms_are_editable_in_an_overlay_and_errors_are_located(cli, tmp_path):
    overlay = staffing_overlay(tmp_path, "    value: 400\n", "    value: 200\n")
    staffing = (overlay / "staffing.yaml").read_text(encoding="utf-8")
    out = tmp_path / "r.md"
    assert cli("report", str(PROFILES / "online-store.yaml"), "-o", str(out), "--rules", str(overlay)).exit_code == 0
    assert "| Contact centre (lead qualifiers) | 25 | 5,000 leads a month / 200 a qualifier = 25" in out.read_text()
    broken = staffing.replace("      - {below: 1000, value: 500}\n", "").replace(
        "      - {below: 10000, value: 200}", "      - {below: 10000, value: 200}\n      - {below: 1000, value: 500}")
    (overlay / "staffing.yaml").write_text(broken, encoding="utf-8")
    result = cli("report", str(PROFILES / "online-store.yaml"), "-o", str(out), "--rules", str(overlay))
    assert result.exit_code == 2
    assert re.search(r"staffing\.yaml:\d+:\d+: norms\.clients_per_account_manager: .*ascending", result.stderr)
    zero = staffing.replace("      - {below: 1000, value: 500}\n", "      - {below: 0, value: 500}\n")
    (overlay / "staffing.yaml").write_text(zero, encoding="utf-8")
    result = cli("report", str(PROFILES / "online-store.yaml"), "-o", str(out), "--rules", str(overlay))
    assert result.exit_code == 2  # no log scale reaches 0
    assert re.search(r"staffing\.yaml:\d+:\d+: norms\.clients_per_account_manager: .*between: log.*above 0", result.stderr)


# ---- the command ------------------------------------------------------------------------------
def test_markdown_report_has_every_part(cli, tmp_path):
    out = tmp_path / "report.md"
    result = cli("report", str(PROFILES / "online-store.yaml"), "-o", str(out))
    assert result.exit_code == 0
    text = out.read_text(encoding="utf-8")
    for part in ("## Summary", "## Staffing plan", "## How to get there", "## Checklist of sales technologies",
                 "## Why", "## What would change the advice", "## Unknown answers", "Rule base advisor-builtin 1.1.0",
                 "- [ ] Operational reporting", "DM.three_level.volume_and_repeat", "| **Total** | **27** |",
                 "## What the plan costs against revenue", "| Sales payroll a month | 3,212,887\u00a0RUB |",
                 "**Flagged: the company cannot carry this payroll now", "### An affordable variant",
                 "## Month by month", "| 1 | 3 × Contact centre (lead qualifiers) | 17 |"):
        assert part in text, part


def test_report_in_russian_and_bad_usage(cli, tmp_path):
    out = tmp_path / "отчёт.md"
    assert cli("report", str(PROFILES / "seasonal-garden-goods.yaml"), "-o", str(out), "--lang", "ru").exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "## Штатный план" in text and "временных или аутсорсинговых мест" in text and "Staffing plan" not in text
    bad = cli("report", str(PROFILES / "online-store.yaml"), "-o", str(tmp_path / "r.pdf"))
    assert bad.exit_code == 2 and "name the file *.html, *.md or *.json" in bad.stderr
    (tmp_path / "p.yaml").write_text("name: X\nmarket: b2x\n")
    wrong = cli("report", str(tmp_path / "p.yaml"), "-o", str(tmp_path / "r.html"))
    assert wrong.exit_code == 1 and "p.yaml:2: market:" in wrong.stderr and not (tmp_path / "r.html").exists()
    (tmp_path / "p.html").write_text("name: X\n")
    refused = cli("report", str(tmp_path / "p.html"), "-o", str(tmp_path / "p.html"))
    assert refused.exit_code == 2 and (tmp_path / "p.html").read_text() == "name: X\n"


# ---- in a real browser --------------------------------------------------------------------------
@needs_chromium
def test_the_browser_check_catches_console_errors_and_network_requests(tmp_path):
    page = tmp_path / "bad.html"
    page.write_text('<!doctype html><img src="http://example.invalid/x.png"><script>missing();</script>')
    rendered = render(page)
    assert any("missing is not defined" in m for m in rendered.console)
    assert rendered.requests == ["http://example.invalid/x.png"]


@needs_chromium
@pytest.mark.parametrize(("name", "lang"), [("online-store", "en"), ("online-store", "ru"), ("online-store", "uk"),
                                          ("seasonal-garden-goods", "uk"), ("smb-saas", "ru")])
def test_html_report_renders_with_no_errors_no_network_and_its_charts(cli, tmp_path, name, lang):
    page = tmp_path / f"{name}.html"
    assert cli("report", str(PROFILES / f"{name}.yaml"), "-o", str(page), "--lang", lang).exit_code == 0
    rendered = render(page, screenshot=ARTEFACTS / f"report-{name}-{lang}.png")
    assert rendered.console == [] and rendered.requests == []
    for chart in ('id="score-svg"', 'id="mix-svg"', 'id="org-svg"', 'id="path-svg"'):
        assert chart in rendered.dom
    # the new chart: a bar of headcount a month, payroll and revenue lines, a legend in the language
    path_svg = rendered.dom[rendered.dom.index('id="path-svg"'):rendered.dom.index("</svg>", rendered.dom.index('id="path-svg"'))]
    assert path_svg.count('class="bar people"') == len(re.findall(r"<tr><td class=\"?num\"?>\d+</td>", rendered.dom))
    assert 'class="payroll"' in path_svg and 'class="revenue"' in path_svg
    assert {"en": "Payroll", "ru": "Фонд оплаты", "uk": "Фонд оплати"}[lang] in path_svg
    assert 'id="economics-table"' in rendered.dom and ">0<" not in rendered.dom.split('id="org-svg"')[1].split("</svg>")[0]
    assert rendered.dom.count('type="checkbox"') >= 10 and 'id="staffing-table"' in rendered.dom
    assert (ARTEFACTS / f"report-{name}-{lang}.png").stat().st_size > 10_000


@needs_chromium
def test_the_layout_check_finds_text_outside_its_box_and_html_wider_than_its_column(tmp_path):
    page = tmp_path / "bad.html"
    page.write_text(
        '<!doctype html><body><main style="width:400px">'
        '<svg class="chart" id="org-svg" viewBox="0 0 300 100" width="300">'
        '<rect class="org" x="10" y="10" width="80" height="40"/>'
        '<text x="50" y="30" text-anchor="middle" class="org-title" font-size="13">Контакт-центр (квалификация лидов)</text>'
        '<text x="250" y="95" class="label" font-size="13">off the edge</text>'
        '<text x="250" y="95" class="label" font-size="13">on top</text></svg>'
        '<p style="white-space:nowrap">' + "a long line of text that does not wrap " * 3 + "</p></main></body>")
    problems = layout_problems([page])["bad.html"]
    assert any("Контакт-центр" in p and "outside its box" in p for p in problems), problems
    assert any("off the edge" in p and "outside the chart" in p for p in problems), problems
    assert any("overlaps" in p for p in problems) and any("is wider than its box" in p for p in problems), problems


@needs_chromium
@pytest.mark.parametrize("width", [1000, PRINT_WIDTH, 420])
def test_every_example_report_fits_its_boxes_in_every_language(engine, tmp_path, width):
    """Every chart label inside its chart and its org-chart box, clear of the others and of the bars,
    and no HTML text wider than its box, for all example profiles in en, ru and uk: on a screen, at
    the printed page's width and on a phone (one browser run checks all 36 reports)."""
    from advisor.report.content import build_report
    from advisor.report.html import render_html

    pages = []
    for path in sorted(PROFILES.glob("*.yaml")):
        profile = read_one_profile(str(path)).profile
        for lang in ("en", "ru", "uk"):
            page = tmp_path / f"{path.stem}-{lang}.html"
            page.write_text(render_html(build_report(engine, profile, source=None, lang=lang)), encoding="utf-8")
            pages.append(page)
    found = layout_problems(pages, width)
    assert len(found) == len(pages) >= 36
    assert {name: problems for name, problems in found.items() if problems} == {}


@needs_chromium
def test_report_dir_writes_one_report_per_profile_and_a_sortable_index(cli, tmp_path):
    folder = tmp_path / "reports"
    inputs = tmp_path / "in"
    shutil.copytree(PROFILES, inputs)
    (inputs / "twin.yaml").write_text("name: HomeGoods Online\nleads_per_month: 10\n")  # a duplicate name
    result = cli("score", str(inputs), "-f", "csv", "-o", str(tmp_path / "s.csv"), "--report-dir", str(folder))
    assert result.exit_code == 0, result.stderr
    pages = sorted(p.name for p in folder.glob("*.html"))
    assert len(pages) == 14 and "index.html" in pages
    assert "homegoods-online.html" in pages and "homegoods-online-2.html" in pages
    index = (folder / "index.html").read_text(encoding="utf-8")
    for page in pages:
        if page != "index.html":
            assert f'href="{page}"' in index
    rendered = render(folder / "index.html", screenshot=ARTEFACTS / "report-index.png")
    assert rendered.console == [] and rendered.requests == []
    assert 'data-sortable="ready"' in rendered.dom  # the sorting script ran to its end
    assert rendered.dom.count("<tr>") == 14  # header + 13 profiles


def test_changes_show_a_deal_size_in_the_profiles_own_currency(engine):
    from advisor.report.content import build_report

    profile = read_one_profile(str(PROFILES / "online-store.yaml")).profile  # deal size in RUB
    content = build_report(engine, profile, source=None, lang="ru")
    assert content.change_text({"average_deal_size": 150000.0}) == "средняя сумма сделки: 3\u00a0000\u00a0₽ → 150\u00a0000\u00a0₽"
    assert content.change_text({"market": "b2b"}) == "рынок: и те, и другие → бизнес (B2B)"


@pytest.mark.parametrize(("name", "lang", "said"), [
    ("smb-saas", "en", "A close call: two-level, account manager is ahead of three-level"),
    ("smb-saas", "ru", "Решение на грани"),
    ("early-idea", "uk", "Відділу продажів ще немає"),
])
def test_reports_state_how_sure_the_advice_is_and_draw_the_score_ranges(cli, tmp_path, name, lang, said):
    for suffix in ("html", "md"):
        out = tmp_path / f"{name}-{lang}.{suffix}"
        assert cli("report", str(PROFILES / f"{name}.yaml"), "-o", str(out), "--lang", lang).exit_code == 0
        text = out.read_text(encoding="utf-8")
        assert said in text
        confidence = {"en": "Confidence:", "ru": "Уверенность:", "uk": "Впевненість:"}[lang]
        assert confidence in text
    html = (tmp_path / f"{name}-{lang}.html").read_text(encoding="utf-8")
    whiskers = html.count('class="range"')
    # early-idea leaves most answers unknown: every model's range is open; smb-saas knows them all
    assert whiskers == (4 if name == "early-idea" else 0)
    if name == "early-idea":
        assert 'class="ask-next"' in html


def test_report_dir_from_worker_processes_is_the_same_to_the_byte(cli, tmp_path, monkeypatch):
    from advisor.report import write

    monkeypatch.setattr(write, "START", 3)  # workers take over after the first 3 profiles, 2 at a time
    monkeypatch.setattr(write, "CHUNK", 2)
    rows = ["name,sales_team_size,leads_per_month,repeat_sales_share,market,currency"]
    rows += [f"Co {i % 4},{i % 9},{40 * i + 5},{i % 10 / 10},{['b2b', 'b2c', 'mixed'][i % 3]},{['USD', 'EUR'][i % 2]}"
             for i in range(11)]  # same names among them: their stems are given in input order
    (tmp_path / "in.csv").write_text("\n".join(rows) + "\n")
    folders = {}
    for jobs in ("1", "2"):
        folders[jobs] = tmp_path / f"reports-{jobs}"
        result = cli("score", str(tmp_path / "in.csv"), "-f", "csv", "-o", str(tmp_path / f"s{jobs}.csv"),
                     "--report-dir", str(folders[jobs]), "--jobs", jobs)
        assert result.exit_code == 0, result.stderr
    pages = sorted(p.name for p in folders["1"].iterdir())
    assert len(pages) == 12 and "co-0-3.html" in pages
    assert sorted(p.name for p in folders["2"].iterdir()) == pages
    for page in pages:
        assert (folders["2"] / page).read_bytes() == (folders["1"] / page).read_bytes(), page
    index = (folders["2"] / "index.html").read_text(encoding="utf-8")
    assert index.index('href="co-0.html"') < index.index('href="co-0-2.html"') < index.index('href="co-0-3.html"')


def test_same_named_profiles_get_distinct_files_in_linear_steps():
    from advisor.report.write import unique_stem

    taken, counters = {"index"}, {}
    stems = [unique_stem(name, taken, counters) for name in ["Acme", "Acme-2", "Acme", "Acme", "index", "acme"]]
    assert stems == ["acme", "acme-2", "acme-3", "acme-4", "index-2", "acme-5"]
    calls = 0

    class Counting(set):
        def __contains__(self, item):
            nonlocal calls
            calls += 1
            return super().__contains__(item)

    taken = Counting({"index"})
    for _ in range(2000):
        unique_stem("Same", taken, counters)
    assert len(taken) == 2001 and calls < 3 * 2000  # a restarting counter would look 2,000,000 times


@needs_chromium
def test_printed_report_has_no_half_empty_pages(cli, tmp_path):
    # Sections flow from page to page: a section that may not break starts a new page and leaves
    # the one before half empty (that printed this report two or three pages longer). Only headings,
    # charts, rows and short parts (.keep: a few items) are kept whole, so the pages stay within a
    # tenth (and half a page) of the height.
    page = tmp_path / "store.html"
    assert cli("report", str(PROFILES / "online-store.yaml"), "-o", str(page), "--lang", "ru").exit_code == 0
    print_css = re.search(r"@media print \{(.*?)\}\s*\}", page.read_text(encoding="utf-8"), re.S).group(1)
    assert "break-inside: avoid" in print_css and "section" not in print_css and "break-before" not in print_css
    assert ".keep" in print_css and 'class="keep"' in page.read_text(encoding="utf-8")  # short parts kept whole
    pages = print_pdf(page, tmp_path / "store.pdf")
    height = content_height(page, "body { background: #fff; } main { padding: 0; max-width: none; }")
    assert 5 < pages <= math.ceil(height / PRINT_HEIGHT * 1.1 + 0.5)


def test_report_as_json_holds_the_plan_for_a_spreadsheet(cli, tmp_path):
    import json

    out = tmp_path / "plan.json"
    assert cli("report", str(PROFILES / "online-store.yaml"), "-o", str(out)).exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["format"] == "advisor-report" and data["recommendation"]["department_model"]["id"] == "three_level"
    roles = {r["id"]: r for r in data["roles"]}
    assert {r: v["people"] for r, v in roles.items()} == {"qualifier": 13, "team_lead": 2, "closer": 7,
                                                          "inside_regular": 3, "head_of_sales": 2}
    assert roles["closer"]["method"] == "measured" and roles["closer"]["how"].startswith("measured: 2,100 won deals")
    assert roles["qualifier"]["sources"][0]["document"] == "sales-department-models.uk.txt"
    assert data["total_people"] == 27 and data["people_today"] == 14 and data["people_to_add"] == 13
    assert data["monthly_revenue"] == 6_300_000 and data["currency"] == "RUB"
    assert data["monthly_sales_cost"] == pytest.approx(3_212_886.56) and data["affordable"] is False
    assert data["cost_of_sales_share"] == pytest.approx(0.51, abs=0.005)
    variant = data["affordable_variant"]
    assert variant["affordable"] is True and variant["monthly_sales_cost"] <= data["payroll_budget"]
    assert [s["id"] for s in variant["steps"]][0] == "outsourced_qualification"
    assert [m["people"] for m in data["path"][:5]] == [17, 20, 23, 26, 27]
    assert data["path"][0]["hires"] == {"qualifier": 3} and data["path"][-1]["payroll"] == data["monthly_sales_cost"]
    # the Markdown shows the same figures
    md = tmp_path / "plan.md"
    assert cli("report", str(PROFILES / "online-store.yaml"), "-o", str(md)).exit_code == 0
    text = md.read_text(encoding="utf-8")
    assert "| Sales payroll a month | 3,212,887\u00a0RUB |" in text and "| Monthly revenue (2,100 won deals × 3,000\u00a0RUB) | 6,300,000\u00a0RUB |" in text


class _InlinePool:
    """Stands in for ProcessPoolExecutor: records how many workers were asked for and runs each task here."""

    started: list[int] = []

    def __init__(self, jobs, mp_context=None, initializer=None, initargs=()):
        _InlinePool.started.append(jobs)
        initializer(*initargs)

    def submit(self, fn, *args):
        from concurrent.futures import Future

        future = Future()
        future.set_result(fn(*args))
        return future

    def shutdown(self, wait=True, cancel_futures=False):
        pass


@pytest.mark.parametrize(("cpus", "jobs", "profiles", "workers"), [
    (1, None, 400, None),  # one CPU: one process, however many profiles
    (2, None, 299, None),  # fewer than PARALLEL_MIN_REPORTS profiles: one process
    (2, None, 300, 2),  # from there on: a worker per CPU
    (16, None, 300, 8),  # at most MAX_JOBS
    (16, 1, 400, None),  # --jobs 1: one process
    (1, 3, 32, 3),  # --jobs N: N, whatever the CPUs, from START profiles
    (2, 3, 31, None),  # ... and not for fewer
])
def test_report_dir_workers_one_per_cpu_from_300_profiles_or_as_asked_from_32(engine, tmp_path, monkeypatch,
                                                                        cpus, jobs, profiles, workers):
    import concurrent.futures
    import os

    from advisor.report import write

    assert (write.START, write.PARALLEL_MIN_REPORTS) == (32, 300)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cpus)), raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: cpus)
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", _InlinePool)
    monkeypatch.setattr(write, "_render_each", lambda folder, engine, lang, chunk: [{"name": stem} for _, _, stem in chunk])
    _InlinePool.started = []
    profile = read_one_profile(str(PROFILES / "online-store.yaml")).profile
    folder = write.ReportFolder(tmp_path / "reports", engine, "en", jobs=jobs)
    for i in range(profiles):
        folder.add(profile, f"in.csv:{i + 2}")
    assert [row["name"] for row in folder.rows] == ["homegoods-online", *(f"homegoods-online-{n}" for n in range(2, profiles + 1))]
    folder.close()
    assert _InlinePool.started == ([] if workers is None else [workers])

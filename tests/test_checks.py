"""Cross-field sanity checks: located warnings in recommend, score (never a rejection) and ask (asked
again); the report says which figures the plan could not trust."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from advisor.ask.questions import builtin_questions
from advisor.ask.session import Questionnaire, SessionState
from advisor.checks import check_answers
from conftest import PROFILES, run_advisor
from test_ask import FULL, Script

CONTRADICTORY = "name: Odd Co\nleads_per_month: 10\ndeals_per_month: 100\norganization_stage: 4\nsales_team_size: 0\n"


@pytest.mark.parametrize(("answers", "codes"), [
    ({"leads_per_month": 10, "deals_per_month": 100}, ["deals_over_leads"]),
    ({"leads_per_month": 100, "deals_per_month": 100, "close_rate": 0.05}, ["close_rate_vs_leads"]),
    ({"leads_per_month": 100, "deals_per_month": 30, "repeat_sales_share": 0.8, "close_rate": 0.05}, []),  # 6 new
    ({"organization_stage": 4, "sales_team_size": 0}, ["stage_without_sellers"]),
    ({"organization_stage": 1, "sales_team_size": 0}, []),
    ({"active_clients": 10, "deals_per_month": 5}, ["clients_under_new_deals"]),  # 60 new clients a year
    ({"leads_per_month": 10}, []),  # one answer alone contradicts nothing
])
def test_contradictions_are_found_and_consistent_answers_pass(answers, codes):
    assert [c.code for c in check_answers(answers)] == codes


def test_no_example_profile_contradicts_itself():
    from advisor.readers import read_one_profile

    for path in sorted(PROFILES.glob("*.yaml")):
        assert check_answers(read_one_profile(str(path)).profile) == [], path.name


def test_recommend_shows_located_warnings_in_every_format(cli, tmp_path):
    path = tmp_path / "odd.yaml"
    path.write_text(CONTRADICTORY)
    data = json.loads(cli("recommend", str(path), "-f", "json").stdout)
    assert [w["check"] for w in data["warnings"]] == ["deals_over_leads", "stage_without_sellers"]
    assert data["warnings"][0]["at"].startswith(f"{path}:3: deals_per_month: warning: 100 new won deals")
    assert data["department_model"]["id"]  # still a recommendation
    markdown = cli("recommend", str(path), "-f", "markdown", "--lang", "ru").stdout
    assert f"{path}:4: organization_stage: предупреждение: стадия 4" in markdown
    text = run_advisor("recommend", str(path)).stdout.replace("\n", "")  # the terminal wraps long lines
    assert "odd.yaml:3: deals_per_month: warning: 100 new won deals" in text
    clean = json.loads(cli("recommend", str(PROFILES / "online-store.yaml"), "-f", "json").stdout)
    assert clean["warnings"] == []


def test_score_warns_on_stderr_and_still_scores_the_record(tmp_path):
    (tmp_path / "odd.csv").write_text("name,leads_per_month,deals_per_month\nOdd,10,100\nFine,100,10\n")
    done = run_advisor("score", str(tmp_path / "odd.csv"), "-f", "csv", "-o", str(tmp_path / "out.csv"))
    assert done.returncode == 0
    assert f"{tmp_path / 'odd.csv'}:2: deals_per_month: warning: 100 new won deals a month but only 10 leads" in done.stderr
    assert "scored 2, rejected 0" in done.stderr and ":3:" not in done.stderr
    assert len((tmp_path / "out.csv").read_text().splitlines()) == 3


def test_ask_asks_which_figure_is_off_naming_both_and_keeps_both_on_enter():
    # FULL answers leads 500 (position 8) and deals 20 (position 12): make deals 900, then keep both;
    # 120 clients (position 18) then contradict 900 x 45% new deals x 12 a year: kept too
    replies = FULL[:12] + ["900", ""] + FULL[13:18] + ["120", ""] + FULL[19:] + [""]
    terminal = Script(replies)
    answers = Questionnaire(builtin_questions(), SessionState(lang="en"), terminal, {"USD"}).run()
    assert "900 new won deals a month but only 500 leads" in terminal.screen
    assert "Which figure is off? Type its number to correct it, or press Enter to keep them as they are:" in terminal.screen
    assert "1) won deals per month: 900" in terminal.screen and "2) leads per month: 500" in terminal.screen
    assert "4,860 new deals a year, more than the 120 clients" in terminal.screen
    assert "1) active clients: 120" in terminal.screen
    assert answers["deals_per_month"] == 900 and answers["active_clients"] == 120


def test_ask_takes_a_corrected_answer_for_either_figure(tmp_path):
    replies = FULL[:12] + ["900", "1", "40"] + FULL[13:] + [""]  # the deals were off
    terminal = Script(replies)
    answers = Questionnaire(builtin_questions(), SessionState(lang="uk"), terminal, {"USD"}).run()
    assert "Яка цифра неправильна?" in terminal.screen and answers["deals_per_month"] == 40
    replies = FULL[:12] + ["900", "2", "2 000", FULL[13], ""] + FULL[14:19] + [""] + FULL[19:] + [""]  # the leads were off: asked there and then
    # (then the close rate, 25% against 900 deals from 2,000 leads, and 120 clients: kept)
    terminal = Script(replies)
    answers = Questionnaire(builtin_questions(), SessionState(lang="en"), terminal, {"USD"}).run()
    assert answers["deals_per_month"] == 900 and answers["leads_per_month"] == 2000


def test_the_report_names_the_figures_it_could_not_trust(cli, tmp_path):
    path = tmp_path / "odd.yaml"
    path.write_text(CONTRADICTORY)
    out = tmp_path / "odd.json"
    assert cli("report", str(path), "-o", str(out)).exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["distrusted_fields"] == ["deals_per_month", "leads_per_month", "repeat_sales_share",
                                         "organization_stage", "sales_team_size"]
    assert [c["check"] for c in data["checks"]] == ["deals_over_leads", "stage_without_sellers"]
    md = tmp_path / "odd.md"
    assert cli("report", str(path), "-o", str(md)).exit_code == 0
    assert "Figures the plan could not trust (see the warnings): won deals per month" in md.read_text(encoding="utf-8")


_ANSWER = st.one_of(st.none(), st.integers(0, 5000), st.floats(0, 5000, allow_nan=False),
                    st.sampled_from([0.0, 1.0, 2.0, 21.0, 0.5, 0.05, 1234.5]))


@given(st.fixed_dictionaries({
    "leads_per_month": _ANSWER, "deals_per_month": _ANSWER, "close_rate": st.none() | st.floats(0.001, 1),
    "repeat_sales_share": st.none() | st.floats(0, 1), "sales_team_size": st.none() | st.integers(0, 3),
    "organization_stage": st.none() | st.integers(1, 4), "active_clients": _ANSWER}),
    st.sampled_from(["en", "ru", "uk"]))
def test_a_checks_text_is_wordings_note_in_every_language(answers, lang):
    # Check.text words a check from its text split once per language (a batch says thousands):
    # it must be what wording's note gives for the same values, to the character
    from advisor.recommendation import Note
    from advisor.wording import wording

    for check in check_answers(answers):
        assert check.text(lang) == wording(lang).note(Note(f"check.{check.code}", **check.values))
        assert check.located("f.csv", lambda key: 3, lang) == (
            f"f.csv:3: {check.fields[0]}: {wording(lang)('check.label')}: "
            f"{wording(lang).note(Note(f'check.{check.code}', **check.values))}")

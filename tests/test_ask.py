"""`advisor ask`: answers, the session flow, and real runs in a pseudo-terminal."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
import yaml

from advisor.ask.answers import UNKNOWN, AnswerProblem, parse_answer
from advisor.ask.questions import builtin_questions, load_questions
from advisor.ask.session import Questionnaire, SessionState
from advisor.errors import RuleBaseError
from advisor.wording import Wording as Translator
from conftest import PROFILES, ROOT

QUESTIONS = {q.field: q for q in builtin_questions()}
CURRENCIES = {"USD", "EUR", "UAH", "RUB"}


def answer(field: str, text: str, lang: str = "en"):
    return parse_answer(QUESTIONS[field], text, Translator(lang), CURRENCIES)


# ---- answers ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("field", "text", "value"),
    [
        ("repeat_sales_share", "35", 0.35),
        ("repeat_sales_share", "35%", 0.35),
        ("repeat_sales_share", "12,5", 0.125),  # a Russian keyboard's decimal comma
        ("repeat_sales_share", "0", 0.0),
        ("repeat_sales_share", "100", 1.0),
        ("repeat_sales_share", "0.35", 0.35),  # 0-1 is a fraction, as in a profile file
        ("repeat_sales_share", "половина", 0.5),
        ("leads_per_month", "1 200", 1200.0),
        ("sales_team_size", "3", 3),
        ("seasonality_peak_ratio", "1,5", 1.5),
        ("market", "1", "b2b"),
        ("market", "B2C", "b2c"),
        ("sale_type", "кон", "consultative"),  # the start of a label, in any language
        ("sale_type", "проєк", "project"),
        ("organization_stage", "3", 3),
        ("regional", "да", True),
        ("regional", "ні", False),
        ("currency", "uah", "UAH"),
        ("name", "  Зелёный   сад ", "Зелёный сад"),
        ("close_rate", "?", UNKNOWN),
        ("close_rate", "не знаю", UNKNOWN),
        ("market", "don't know", UNKNOWN),
    ],
)
def test_answers_become_profile_values(field, text, value):
    assert answer(field, text) == value


@pytest.mark.parametrize(
    ("field", "text", "lang", "message"),
    [
        ("repeat_sales_share", "150", "en", "a share is 0-100%, got 150"),
        ("repeat_sales_share", "-5", "ru", "доля — от 0 до 100%, а введено -5"),
        ("leads_per_month", "200 to lots", "en", "expected a number, got '200 to lots'"),
        ("average_deal_size", "850 XYZ", "en", "expected a number, got '850 XYZ'"),
        ("leads_per_month", "300 €", "uk", "валюта зазначається лише в грошової суми"),
        ("repeat_sales_share", "lots", "uk", "потрібне число, а введено 'lots'"),
        ("sales_team_size", "2.5", "en", "expected a whole number, got 2.5"),
        ("sales_team_size", "-1", "en", "must be at least 0"),
        ("seasonality_peak_ratio", "0.5", "ru", "должно быть не меньше 1"),
        ("average_deal_size", "0", "en", "must be more than 0"),
        ("market", "7", "en", "type a number from 1 to 3 or one of: b2b, b2c, mixed"),
        ("organization_stage", "5", "uk", "введіть число від 1 до 4"),
        ("regional", "maybe", "ru", "ответьте «да» или «нет»"),
        ("currency", "XYZ", "en", "unknown currency XYZ; known: EUR, RUB, UAH, USD"),
        ("name", "?", "en", "The company name is needed to save the profile."),
        ("leads_per_month", "", "en", "Type an answer, or ? if you don't know."),
    ],
)
def test_bad_answers_say_why_in_the_language(field, text, lang, message):
    with pytest.raises(AnswerProblem) as caught:
        answer(field, text, lang)
    assert str(caught.value) == message


def test_a_question_file_naming_no_field_or_missing_one_is_refused_with_its_line(tmp_path):
    text = (ROOT / "advisor" / "ask" / "questions.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "questions.yaml"
    broken.write_text(text.replace("- field: close_rate", "- field: close_rat"), encoding="utf-8")
    with pytest.raises(RuleBaseError) as caught:
        load_questions(broken)
    line = text[: text.index("- field: close_rate")].count("\n") + 1
    assert caught.value.line == line and "did you mean 'close_rate'" in caught.value.message
    start = text.index("- field: sale_location")
    broken.write_text(text[:start], encoding="utf-8")  # the last question removed
    with pytest.raises(RuleBaseError, match="field 'sale_location' needs exactly one question"):
        load_questions(broken)


# ---- the session, driven by a scripted terminal ------------------------------------------
class Script:
    """A terminal that answers from a list and keeps what was shown."""

    def __init__(self, replies: list[str]) -> None:
        self.replies = list(replies)
        self.shown: list[str] = []
        self.prompts: list[str] = []

    def show(self, *renderables) -> None:
        from rich.console import Console

        console = Console(record=True, width=120, color_system=None, file=open(os.devnull, "w"))
        console.print(*renderables)
        self.shown.append(console.export_text())

    def read(self, prompt: str) -> str:
        self.prompts.append(prompt)
        if not self.replies:
            raise EOFError
        return self.replies.pop(0)

    @property
    def screen(self) -> str:
        return "\n".join(self.shown)


FULL = ["Acme", "1", "1", "2", "", "n", "3", "2", "500", "30", "1.8", "10", "20", "25", "", "2000", "45",
        "55", "120", "2", "40", "3000", "30", "de"]


def run_session(replies, state=None):
    terminal = Script(replies)
    state = state or SessionState(lang="en")
    answers = Questionnaire(builtin_questions(), state, terminal, CURRENCIES).run()
    return answers, terminal, state


def test_a_full_session_gives_every_answer_in_profile_units():
    answers, terminal, _ = run_session(FULL + [""])
    assert answers == {
        "name": "Acme", "market": "b2b", "offering": "goods", "sale_type": "consultative", "channel": "direct",
        "regional": False, "sales_team_size": 3, "organization_stage": 2, "leads_per_month": 500.0,
        "qualified_lead_share": 0.3, "seasonality_peak_ratio": 1.8, "outbound_share": 0.1,
        "deals_per_month": 20.0, "close_rate": 0.25, "currency": "USD", "average_deal_size": 2000.0,
        "sales_cycle_days": 45.0, "repeat_sales_share": 0.55, "active_clients": 120,
        "sale_location": "remote_or_field",
        "gross_margin": 0.4, "monthly_cost_per_seller": 3000.0, "self_service_share": 0.3, "country": "DE",
    }
    assert "[19/24] How many clients bought from you in the last 12 months?" in terminal.screen
    assert "Your answers" in terminal.screen and "55%" in terminal.screen


def test_back_goes_to_the_previous_question_with_its_answer_as_default():
    replies = ["Acme", "1", "<", "", "<", "<", "<", "Acme2", "2"] + FULL[2:] + [""]
    answers, terminal, _ = run_session(replies)
    assert answers["name"] == "Acme2" and answers["market"] == "b2c"
    assert "[Acme] > " in terminal.prompts  # revisited with the answer given
    assert "[businesses (B2B)] > " in terminal.prompts  # a choice's default shown by its label
    assert "This is the first question." in terminal.screen
    first = terminal.shown[0]
    assert "? I don't know" in first and "< back" not in first  # nothing to go back to yet
    assert "< back · ? I don't know" in terminal.shown[1]


def test_a_problem_and_try_again_read_as_one_sentence():
    _, terminal, _ = run_session(["?", "Acme"] + FULL[1:] + [""])
    assert "The company name is needed to save the profile; try again." in terminal.screen


def test_the_ranked_order_is_the_same_for_the_same_answers_and_differs_from_the_fixed_one():
    from advisor.engine import load_engine

    engine = load_engine(None)
    orders = []
    for _ in range(2):
        terminal = Script(["Acme", "3", "1", "2"] + ["?"] * 30 + [""])
        state = SessionState(lang="en", order="ranked")
        Questionnaire(builtin_questions(), state, terminal, CURRENCIES, engine=engine).run()
        orders.append([line for line in terminal.screen.splitlines() if re.match(r"\[\d+/\d+\] ", line)])
    assert orders[0] == orders[1] and len(orders[0]) == 24
    fixed = [f"[{n}/24] {q.text.en}" for n, q in enumerate(builtin_questions(), start=1)]
    assert [o.split("] ", 1)[1] for o in orders[0][:4]] == [QUESTIONS[f].text.en for f in
                                                             ("name", "sales_team_size", "market", "offering")]
    assert [o.split("] ", 1)[1] for o in orders[0]] != [f.split("] ", 1)[1] for f in fixed]


def test_a_question_whose_condition_is_false_is_not_asked_and_the_review_says_why():
    replies = ["Solo", "2", "2", "1", "", "n", "0"] + ["?"] * 16 + [""]
    answers, terminal, _ = run_session(replies)
    assert "Which of these describes your sales team best?" not in terminal.screen
    assert "not asked: nobody sells yet besides the founder" in terminal.screen
    assert answers["sales_team_size"] == 0 and "organization_stage" not in answers
    assert "[23/23]" in terminal.screen  # the count shrinks with the skipped question


def test_review_edits_an_answer_and_drops_answers_that_no_longer_apply():
    replies = FULL + ["7", "0", "", "8", ""]  # team 3 -> 0 (both figures kept); then try to edit the stage
    answers, terminal, _ = run_session(replies)
    assert "stage 2 of the sales service, yet nobody sells today" in terminal.screen  # asked, naming both:
    assert "1) sales team size: 0" in terminal.screen and "2) organisational stage: mechanisation" in terminal.screen
    assert answers["sales_team_size"] == 0
    assert "organization_stage" not in answers  # answered 2 earlier, no longer applies
    assert terminal.screen.count("Your answers") == 3
    assert "not asked: nobody sells yet besides the founder" in terminal.screen


def test_bad_answers_are_re_asked_until_usable():
    replies = ["Acme", "b2x", "1"] + FULL[2:9] + ["130", "30"] + FULL[10:] + [""]
    answers, terminal, _ = run_session(replies)
    assert "type a number from 1 to 3 or one of: b2b, b2c, mixed; try again." in terminal.screen
    assert "a share is 0-100%, got 130; try again." in terminal.screen
    assert answers["market"] == "b2b" and answers["qualified_lead_share"] == 0.3


def test_prefilled_answers_are_not_asked_but_can_be_edited_in_review():
    state = SessionState(lang="en", answers={"name": "Pre", "market": "b2b", "leads_per_month": 90.0},
                         prefilled=["name", "market", "leads_per_month"])
    replies = ["1", "2", "", "n", "3", "2", "30", "1.8", "10", "20", "25", "", "2000", "45", "55", "120",
               "2", "?", "?", "?", "?", "9", "900", ""]
    answers, terminal, _ = run_session(replies, state)
    assert "What is the company called?" not in terminal.screen
    assert "Who buys from you?" not in terminal.screen
    assert answers["name"] == "Pre" and answers["leads_per_month"] == 900.0  # edited in review


def test_ctrl_d_leaves_the_state_where_it_stopped():
    with pytest.raises(EOFError):
        run_session(FULL[:5])
    terminal = Script(FULL[:5])
    state = SessionState(lang="en")
    with pytest.raises(EOFError):
        Questionnaire(builtin_questions(), state, terminal, CURRENCIES).run()
    assert state.position == 5 and state.history == [0, 1, 2, 3, 4] and state.answers["channel"] == "direct"
    answers, _, _ = run_session(FULL[5:] + [""], state)  # and it continues from there
    assert answers["name"] == "Acme" and answers["active_clients"] == 120


# ---- real runs in a pseudo-terminal --------------------------------------------------------
PROMPT = r"> (\x1b\[0m)?$"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def spawn(args: list[str], cwd: Path, state: Path, lang: str = "C.UTF-8") -> pexpect.spawn:
    env = {"PATH": "/usr/bin:/bin", "TERM": "xterm", "PYTHONPATH": str(ROOT), "LANG": lang,
           "XDG_STATE_HOME": str(state), "HOME": str(cwd)}
    return pexpect.spawn(sys.executable, ["-m", "advisor", "ask", *args], cwd=str(cwd), env=env,
                         encoding="utf-8", timeout=30, dimensions=(60, 110))


def reply(child: pexpect.spawn, *texts: str) -> str:
    seen = ""
    for text in texts:
        child.expect(PROMPT)
        seen += ANSI.sub("", child.before)
        child.sendline(text)
    return seen


def finish(child: pexpect.spawn) -> tuple[str, int]:
    child.expect(pexpect.EOF)
    rest = ANSI.sub("", child.before)
    child.close()
    return rest, child.exitstatus


def test_a_full_run_in_a_terminal_saves_the_profile_and_shows_the_advice(tmp_path):
    child = spawn(["--all"], tmp_path, tmp_path / "state")
    seen = reply(child, "", *FULL, "")
    rest, status = finish(child)
    assert status == 0
    assert "[1/24] What is the company called?" in seen
    saved = yaml.safe_load((tmp_path / "profiles" / "acme.yaml").read_text(encoding="utf-8"))
    assert saved["repeat_sales_share"] == 0.55 and saved["organization_stage"] == 2 and saved["regional"] is False
    assert "Profile saved to profiles/acme.yaml" in rest
    # 167 requests a seller and 55% repeat sales: the account manager and three-level are a close call
    assert "Department model: Two-level with an account manager" in rest and "A close call" in rest
    assert "Confidence: open" in rest
    assert "Run it again: advisor recommend profiles/acme.yaml" in rest
    # the saved file is a profile advisor reads back to the same advice
    again = subprocess.run([sys.executable, "-m", "advisor", "recommend", "profiles/acme.yaml", "-f", "json"],
                           cwd=tmp_path, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert '"id": "two_level_account_manager"' in again.stdout


def test_ctrl_c_saves_and_resume_continues_where_it_stopped(tmp_path):
    state = tmp_path / "state"
    child = spawn(["--lang", "uk", "--all"], tmp_path, state)
    reply(child, "", *FULL[:7])
    child.expect(PROMPT)
    child.sendintr()
    rest, status = finish(child)
    assert status == 130
    resume_file = state / "advisor" / "ask" / "acme.yaml"  # one save per company
    assert "Зупинено. Відповідей збережено: 7" in rest and "advisor ask --resume --lang uk" in rest
    assert yaml.safe_load(resume_file.read_text(encoding="utf-8"))["answers"]["sales_team_size"] == 3

    child = spawn(["--resume", "--lang", "uk"], tmp_path, state)
    seen = reply(child, *FULL[7:], "")
    rest, status = finish(child)
    assert status == 0
    assert "Продовжуємо анкету" in seen and "Що точніше описує ваш відділ продажів?" in seen
    assert "Як називається компанія?" not in seen  # answered before the stop
    assert (tmp_path / "profiles" / "acme.yaml").exists() and not resume_file.exists()


def _stop_after(answers: list[str], tmp_path: Path, state: Path, args: list[str] = (), decline: bool = False) -> str:
    child = spawn([*args, "--all"], tmp_path, state)
    seen = reply(child, "n") if decline else ""  # do not resume what is saved: start anew
    seen += reply(child, "", *answers) if answers else ""  # Enter: no export to read
    child.expect(PROMPT)
    child.sendintr()
    rest, status = finish(child)
    assert status == 130
    return seen + rest


def test_a_new_ask_offers_the_unfinished_answers_and_an_empty_stop_replaces_nothing(tmp_path):
    state = tmp_path / "state"
    _stop_after(FULL[:7], tmp_path, state, ["--lang", "uk"])
    saved = state / "advisor" / "ask" / "acme.yaml"
    kept = saved.read_bytes()
    assert saved.stat().st_mode & 0o777 == 0o600  # a company's figures are private

    rest = _stop_after([], tmp_path, state, decline=True)  # a second Ctrl-C at once
    assert "You have unfinished answers for Acme (7 answers, saved" in rest
    assert "Stopped. No answers yet: nothing saved." in rest
    assert saved.read_bytes() == kept and [p.name for p in saved.parent.iterdir()] == ["acme.yaml"]


def test_resume_keeps_the_language_it_was_started_in(tmp_path):
    state = tmp_path / "state"
    _stop_after(FULL[:7], tmp_path, state, ["--lang", "uk"])
    child = spawn(["--resume"], tmp_path, state)  # the locale is C: English, unless the save says otherwise
    seen = reply(child, *FULL[7:], "")
    rest, status = finish(child)
    assert status == 0 and "Продовжуємо анкету" in seen and "Профіль збережено" in rest


def test_two_companies_keep_two_saves_and_the_next_ask_lists_both(tmp_path):
    state = tmp_path / "state"
    _stop_after(FULL[:3], tmp_path, state)
    _stop_after(["Beta", *FULL[1:4]], tmp_path, state, decline=True)
    saves = sorted(p.name for p in (state / "advisor" / "ask").iterdir())
    assert saves == ["acme.yaml", "beta.yaml"]

    child = spawn([], tmp_path, state)
    child.expect("Type a number to resume it")
    listing = ANSI.sub("", child.before)
    assert "1. Beta (4 answers" in listing and "2. Acme (3 answers" in listing
    child.sendline("2")
    seen = reply(child, *FULL[3:], "")
    rest, status = finish(child)
    assert status == 0 and (tmp_path / "profiles" / "acme.yaml").exists()
    assert sorted(p.name for p in (state / "advisor" / "ask").iterdir()) == ["beta.yaml"]


def test_ctrl_d_also_saves_for_resume(tmp_path):
    child = spawn(["--all"], tmp_path, tmp_path / "state")
    reply(child, "", *FULL[:3])
    child.expect(PROMPT)
    child.sendeof()
    rest, status = finish(child)
    assert status == 130 and "Stopped. 3 answers saved" in rest


def test_resume_with_nothing_saved_is_a_usage_error(tmp_path):
    rest, status = finish(spawn(["--resume"], tmp_path, tmp_path / "state"))
    assert status == 2 and "no saved questionnaire to resume" in rest


def test_from_asks_only_what_is_missing_and_review_edits(tmp_path):
    source = tmp_path / "partial.yaml"
    source.write_text("name: Derived Co\nleads_per_month: 900\nrepeat_sales_share: 0.6\nmarket: b2b\n")
    child = spawn(["--from", str(source), "--lang", "ru", "--out", "derived.yaml", "--all"], tmp_path, tmp_path / "state")
    answers = ["1", "2", "", "n", "3", "2", "20", "1.5", "10", "20", "25", "2000", "45", "120", "2", "?", "?", "?", "?"]
    seen = reply(child, *answers, "10", "40", "")  # then in review: item 10 (qualified share) -> 40%
    rest, status = finish(child)
    assert status == 0
    assert "5 ответов уже заполнено" in seen  # currency too: a profile without one is in USD
    assert "Как называется компания?" not in seen and "Сколько новых обращений" not in seen
    saved = yaml.safe_load((tmp_path / "derived.yaml").read_text(encoding="utf-8"))
    assert saved["leads_per_month"] == 900 and saved["qualified_lead_share"] == 0.4 and saved["name"] == "Derived Co"
    assert "Профиль сохранён в derived.yaml" in rest and "Модель отдела продаж:" in rest


def test_an_existing_profile_is_overwritten_only_after_yes(tmp_path):
    (tmp_path / "profiles").mkdir()
    existing = tmp_path / "profiles" / "acme.yaml"
    existing.write_text("name: keep me\n")
    child = spawn(["--all"], tmp_path, tmp_path / "state")
    reply(child, "", *FULL, "")
    child.expect(r"Overwrite it\? \[y/N\]")
    child.sendline("n")
    child.expect(PROMPT)
    child.sendline("acme-2")
    rest, status = finish(child)
    assert status == 0 and existing.read_text() == "name: keep me\n"
    assert (tmp_path / "acme-2.yaml").exists()


def test_every_language_asks_in_that_language(tmp_path):
    for lang, question in (("ru_RU.UTF-8", "Как называется компания?"), ("uk_UA.UTF-8", "Як називається компанія?"),
                           ("en_US.UTF-8", "What is the company called?")):
        child = spawn([], tmp_path, tmp_path / "state", lang=lang)
        reply(child, "")  # no export to start from
        child.expect(PROMPT)
        assert question in ANSI.sub("", child.before)
        child.sendintr()
        finish(child)


def test_without_a_terminal_it_stops_at_once_naming_answers(tmp_path):
    done = subprocess.run([sys.executable, "-m", "advisor", "ask"], stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT), "LANG": "C"},
                          timeout=30)
    assert done.returncode == 2 and "--answers FILE" in done.stderr and done.stdout == ""


def test_answers_file_runs_unattended_and_bad_answers_are_located(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.yaml").write_text("name: Unattended\nrepeat_sales_share: 60%\nmarket: b2b\n")
    result = cli("ask", "--answers", "a.yaml", "--lang", "en")
    assert result.exit_code == 0 and "Profile saved to profiles/unattended.yaml" in result.stdout
    assert yaml.safe_load((tmp_path / "profiles" / "unattended.yaml").read_text())["repeat_sales_share"] == 0.6
    again = cli("ask", "--answers", "a.yaml", "--lang", "en")
    assert again.exit_code == 2 and "already exists" in again.stderr

    (tmp_path / "bad.yaml").write_text("name: Bad\nmarket: bb2b\nrepeat_sale_share: 0.5\n")
    bad = cli("ask", "--answers", "bad.yaml", "--out", "bad-out.yaml")
    assert bad.exit_code == 1
    assert "bad.yaml:2: market: expected one of b2b, b2c, mixed, got 'bb2b' (did you mean 'b2b'?)" in bad.stderr
    assert "bad.yaml:3: repeat_sale_share: not a profile field (did you mean 'repeat_sales_share'?)" in bad.stderr
    assert not (tmp_path / "bad-out.yaml").exists()


def test_answers_file_merges_over_from(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.yaml").write_text("close_rate: 40%\n")
    result = cli("ask", "--from", str(PROFILES / "online-store.yaml"), "--answers", "a.yaml", "--out", "o.yaml")
    assert result.exit_code == 0, result.stderr
    saved = yaml.safe_load((tmp_path / "o.yaml").read_text())
    assert saved["close_rate"] == 0.4 and saved["name"] == "HomeGoods Online"


def test_readme_shows_a_recorded_session_of_the_real_questionnaire():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "](docs/ask-session.svg)" in readme
    svg = (ROOT / "docs" / "ask-session.svg").read_text(encoding="utf-8").replace("&#160;", " ")
    for question in builtin_questions()[:3]:
        assert question.text.en.replace("'", "&#x27;") in svg or question.text.en in svg
    assert "Your answers" in svg and "Run it again: advisor recommend" in svg


def test_a_ranked_session_stopped_and_resumed_goes_on_in_the_ranked_order():
    from advisor.engine import load_engine

    engine = load_engine(None)
    state = SessionState(lang="en", order="ranked")
    with pytest.raises(EOFError):
        Questionnaire(builtin_questions(), state, Script(["Acme", "3", "1"]), CURRENCIES, engine=engine).run()
    again = SessionState.from_dict(state.to_dict())  # as a save is written and read back
    assert again.order == "ranked" and again.answers == {"name": "Acme", "sales_team_size": 3, "market": "b2b"}
    terminal = Script([])
    with pytest.raises(EOFError):
        Questionnaire(builtin_questions(), again, terminal, CURRENCIES, engine=engine).run()
    assert "[4/24] What do you sell?" in terminal.screen  # the last of the questions every profile needs


def test_a_word_read_as_a_currency_or_a_choice_is_said_back():
    replies = ["Acme", "2", "1", "кон", "", "n", "3", "2", "500", "30", "1.8", "10", "20", "25", "рубли"] + ["?"] * 12
    terminal = Script(replies + [""])
    answers = Questionnaire(builtin_questions(), SessionState(lang="ru"), terminal, {"USD", "RUB"}).run()
    said = [line for line in terminal.screen.splitlines() if line.startswith("→ ")]
    assert "→ консультационная" in said and "→ RUB" in said and "→ 500 лидов в месяц" in said
    assert answers["sale_type"] == "consultative" and answers["currency"] == "RUB"

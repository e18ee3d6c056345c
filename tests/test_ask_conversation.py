"""`advisor ask` as a conversation, in a pseudo-terminal in English, Russian and Ukrainian: the ranked
order, answers in a founder's words echoed back, contradictions, review changes, the early finish,
plain mode and the printed form."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
import yaml

from advisor.ask.answers import to_answer_text
from advisor.ask.questions import builtin_questions
from advisor.i18n import tr
from conftest import PROFILES, ROOT

PROMPT = r"> (\x1b\[0m)?$"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
LOCALES = {"en": "en_US.UTF-8", "ru": "ru_RU.UTF-8", "uk": "uk_UA.UTF-8"}
QUESTIONS = {q.field: q for q in builtin_questions()}


def spawn(args: list[str], cwd: Path, lang: str, **extra_env: str) -> pexpect.spawn:
    env = {"PATH": "/usr/bin:/bin", "TERM": "xterm", "PYTHONPATH": str(ROOT), "LANG": LOCALES[lang],
           "XDG_STATE_HOME": str(cwd / "state"), "HOME": str(cwd), **extra_env}
    return pexpect.spawn(sys.executable, ["-m", "advisor", "ask", "--lang", lang, "--out", "p.yaml", *args],
                         cwd=str(cwd), env=env, encoding="utf-8", timeout=30, dimensions=(60, 200))


def _squeezed(text: str) -> str:
    return " ".join(text.split())


def converse(child: pexpect.spawn, lang: str, answers: dict[str, str | list[str]], *, firm: list[str] = (),
             checks: list[str] = (), review: list[str] = ("",), export: list[str] = ("",)) -> tuple[str, list[str]]:
    """Answer each prompt by what it asks: the export offer (Enter), a question (by its text: the
    answer for its field, "?" when none), the early finish, a contradiction, the review. Returns all
    that was shown and the fields in the order they were asked."""
    answers = {k: list(v) if isinstance(v, list) else [v] for k, v in answers.items()}
    firm, checks, review, export = list(firm), list(checks), list(review), list(export)
    texts = {field: _squeezed(q.text.get(lang))[:45] for field, q in QUESTIONS.items()}
    seen, asked = "", []
    while child.expect([PROMPT, pexpect.EOF]) == 0:
        before = ANSI.sub("", child.before)
        seen += before
        screen = _squeezed(before)
        if (_squeezed(tr("ask.offer_data", lang))[:40] in screen
                or _squeezed(tr("ask.data_failed", lang, problem="{}")).split("{}")[0] in screen):
            child.sendline(export.pop(0))
        elif _squeezed(tr("ask.which_wrong", lang)) in screen:
            child.sendline(checks.pop(0))
        elif "(firm)" in screen or "(уверенность твёрдая)" in screen or "(впевненість тверда)" in screen:
            child.sendline(firm.pop(0))
        elif _squeezed(tr("ask.review_prompt", lang)) in screen:
            child.sendline(review.pop(0))
        else:
            field = next((f for f, text in texts.items() if text in screen), None)
            assert field is not None, f"an unexpected prompt: {before[-500:]}"
            assert "try again" not in screen and "ещё раз" not in screen and "ще раз" not in screen, before
            queue = answers.get(field, ["?"])
            child.sendline(queue.pop(0) if len(queue) > 1 else queue[0])
            asked.append(field)
    seen += ANSI.sub("", child.before)
    child.close()
    assert child.exitstatus == 0, seen[-2000:]
    return seen, asked


NATURAL = {
    "en": {"name": "Acme", "sales_team_size": "3 people", "market": "1", "offering": "2",
           "leads_per_month": "about 300", "deals_per_month": "20-30", "currency": "",
           "average_deal_size": "€850", "sales_cycle_days": "2 weeks", "repeat_sales_share": "half",
           "close_rate": "35", "active_clients": "1 200"},
    "ru": {"name": "Ромашка", "sales_team_size": "3 человека", "market": "1", "offering": "2",
           "leads_per_month": "около 300", "deals_per_month": "20-30", "currency": "рубли",
           "average_deal_size": "85 000", "sales_cycle_days": "3 месяца", "repeat_sales_share": "половина",
           "close_rate": "35%", "active_clients": "1 200"},
    "uk": {"name": "Ромашка", "sales_team_size": "3 людини", "market": "1", "offering": "2",
           "leads_per_month": "близько 300", "deals_per_month": "20-30", "currency": "",
           "average_deal_size": "40 тис. грн", "sales_cycle_days": "пів року", "repeat_sales_share": "половина",
           "close_rate": "35 відсотків", "active_clients": "1 200"},
}
EXPECTED = {"en": (850, "EUR", 14), "ru": (85_000, "RUB", 90), "uk": (40_000, "UAH", 180)}
ECHOES = {
    "en": ["→ 300 leads a month", "→ 25 won deals a month (the middle of 20–30)", "→ €850 an average deal (currency: EUR)",
           "→ 14 days from first contact to payment", "→ 50%", "→ 1,200 clients in the last 12 months"],
    "ru": ["→ 300 лидов в месяц", "→ 25 успешных сделок в месяц (середина диапазона 20–30)",
           "→ 85\u00a0000\u00a0₽ — средняя сделка", "→ 90 дней от первого контакта до оплаты (месяц считается за 30 дней)",
           "→ 50\u00a0%", "→ 1\u00a0200 клиентов за последние 12 месяцев"],
    "uk": ["→ 300 лідів на місяць", "→ 25 успішних угод на місяць (середина діапазону 20–30)",
           "→ 40\u00a0000\u00a0₴ — середня угода (валюта: UAH)", "→ 180 днів від першого контакту до оплати",
           "→ 50%", "→ 1\u00a0200 клієнтів за останні 12 місяців"],
}


@pytest.mark.parametrize("lang", ["en", "ru", "uk"])
def test_a_session_in_natural_words_gives_the_expected_profile_and_echoes_each_reading(tmp_path, lang):
    child = spawn([], tmp_path, lang)
    seen, asked = converse(child, lang, NATURAL[lang], firm=["c"])  # go on when the model is firm
    saved = yaml.safe_load((tmp_path / "p.yaml").read_text(encoding="utf-8"))
    deal, currency, cycle = EXPECTED[lang]
    assert saved["sales_team_size"] == 3 and saved["market"] == "b2b" and saved["offering"] == "services"
    assert saved["leads_per_month"] == 300 and saved["deals_per_month"] == 25
    assert (saved["average_deal_size"], saved["currency"], saved["sales_cycle_days"]) == (deal, currency, cycle)
    assert saved["repeat_sales_share"] == 0.5 and saved["close_rate"] == 0.35 and saved["active_clients"] == 1200
    assert "sale_type" not in saved and "regional" not in saved  # "?" stays unknown
    for line in ECHOES[lang]:
        assert line in seen
    # the few questions every profile needs, then the ranking; the currency just before the first amount
    assert asked[:4] == ["name", "sales_team_size", "market", "offering"]
    assert asked.index("currency") == asked.index("average_deal_size") - 1
    assert asked != [f for f in QUESTIONS if f in asked]  # not the fixed order
    assert sorted(asked) == sorted(set(asked))  # nothing asked twice


@pytest.mark.parametrize(("lang", "both"), [
    ("en", ["100 new won deals a month but only 10 leads", "1) won deals per month: 100", "2) leads per month: 10"]),
    ("ru", ["новых успешных сделок в месяц: 100, а лидов только 10", "1) успешных сделок в месяц: 100",
            "2) лидов в месяц: 10"]),
    ("uk", ["нових успішних угод на місяць: 100, а лідів лише 10", "1) успішних угод на місяць: 100",
            "2) лідів на місяць: 10"]),
])
def test_a_contradiction_is_asked_about_naming_both_answers(tmp_path, lang, both):
    child = spawn(["--all"], tmp_path, lang)
    answers = {"name": "Acme", "sales_team_size": "2", "leads_per_month": ["10", "1 000"], "deals_per_month": "100"}
    seen, asked = converse(child, lang, answers, checks=["2"])  # the leads were off
    for text in both:
        assert text in seen
    assert asked.count("leads_per_month") == 2  # asked again to correct it
    saved = yaml.safe_load((tmp_path / "p.yaml").read_text(encoding="utf-8"))
    assert saved["leads_per_month"] == 1000 and saved["deals_per_month"] == 100


@pytest.mark.parametrize("lang", ["en", "ru", "uk"])
def test_a_review_change_asks_the_question_it_makes_apply_and_the_early_finish_keeps_unknowns(tmp_path, lang):
    child = spawn([], tmp_path, lang)
    answers = {"name": "Solo", "sales_team_size": ["0", "4"], "organization_stage": "2"}
    # team 0: the starting point settles the model at once; Enter finishes; in the review 7 (team) -> 4
    seen, asked = converse(child, lang, answers, firm=[""], review=["7", ""])
    assert asked == ["name", "sales_team_size", "sales_team_size", "organization_stage"]
    assert tr("ask.newly_relevant", lang, field=tr("field.organization_stage", lang)) in _squeezed(seen)
    saved = yaml.safe_load((tmp_path / "p.yaml").read_text(encoding="utf-8"))
    assert saved == {"name": "Solo", "sales_team_size": 4, "organization_stage": 2}


FIRM = {
    "en": "Your answers so far settle the model (firm). {n} more questions refine the staffing plan and the checklist",
    "ru": "Ваших ответов уже достаточно, чтобы выбрать модель (уверенность твёрдая). Ещё {n} вопросов уточняют",
    "uk": "Ваших відповідей уже досить, щоб обрати модель (впевненість тверда). Ще {n} запитань уточнюють",
}


@pytest.mark.parametrize("lang", ["en", "ru", "uk"])
def test_the_early_finish_is_offered_when_the_advice_is_firm_and_the_profile_keeps_the_rest_unknown(tmp_path, lang):
    from advisor.profile import validate_profile

    profile = validate_profile(yaml.safe_load((PROFILES / "it-outsourcing.yaml").read_text(encoding="utf-8")))
    profile = profile.model_dump(exclude_none=True)
    answers = {field: to_answer_text(QUESTIONS[field], value) for field, value in profile.items()
               if field != "currency"}
    answers["currency"] = profile["currency"]
    child = spawn([], tmp_path, lang)
    seen, asked = converse(child, lang, answers, firm=[""])  # Enter: finish
    left = len(QUESTIONS) - len(asked)
    assert len(asked) < len(QUESTIONS) and left >= 5
    assert FIRM[lang].format(n=left) in _squeezed(seen)
    saved = yaml.safe_load((tmp_path / "p.yaml").read_text(encoding="utf-8"))
    assert set(saved) == set(asked)  # what was not asked stays unknown: not in the file
    header = (tmp_path / "p.yaml").read_text(encoding="utf-8").split("\nname:")[0]
    for field in set(QUESTIONS) - set(asked) - {"currency", "gross_margin", "monthly_cost_per_seller",
                                                  "self_service_share", "country"}:
        assert field in header.replace("\n# ", "")


def test_plain_mode_has_no_colour_or_cursor_codes_and_numbers_the_choices(tmp_path):
    child = spawn(["--all"], tmp_path, "en", ACCESSIBLE="1")
    child.expect(PROMPT)
    raw = child.before
    child.sendline("")
    child.expect(PROMPT)
    child.sendline("Acme")
    child.expect(PROMPT)
    raw += child.before
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert "\x1b[" not in raw and "─" not in raw
    assert "[2/24] Who buys from you?" in raw and "1) businesses (B2B)" in raw


@pytest.mark.parametrize(("lang", "fmt"), [("en", "json"), ("ru", "yaml"), ("uk", "json")])
def test_print_questions_lists_every_question_its_help_and_choices_in_the_language(lang, fmt):
    done = subprocess.run([sys.executable, "-m", "advisor", "ask", "--print-questions", "--format", fmt, "--lang", lang],
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=30)
    assert done.returncode == 0, done.stderr
    form = json.loads(done.stdout) if fmt == "json" else yaml.safe_load(done.stdout)
    assert [item["field"] for item in form] == list(QUESTIONS)
    market = next(item for item in form if item["field"] == "market")
    assert market["question"] == QUESTIONS["market"].text.get(lang) and market["help"]
    assert [c["value"] for c in market["choices"]] == ["b2b", "b2c", "mixed"]
    assert market["choices"][0]["label"] == tr("choice.market.b2b", lang)
    stage = next(item for item in form if item["field"] == "organization_stage")
    assert stage["not_asked_when_false"] == QUESTIONS["organization_stage"].skip.get(lang)


def test_a_session_can_start_from_a_crm_export_and_asks_only_what_it_cannot_tell(tmp_path):
    (tmp_path / "deals.csv").write_text(
        "id,created,closed,stage,amount,client,owner\n1,2024-01-01,,open,100,A,Ann\n"
        "2,2024-01-20,2024-03-05,won,300,A,Ann\n3,2024-02-02,2024-02-03,lost,50,B,Bob\n"
        "4,2024-03-10,2024-03-20,won,200,B,Bob\n5,2024-03-11,2024-04-30,won,100,A,Cid\n"
        "6,2024-04-01,,open,10,C,Ann\n7,2024-04-15,2024-04-16,lost,70,C,Dee\n"
        "8,2024-04-20,2024-05-02,won,400,C,Dee\n", encoding="utf-8")
    child = spawn(["--all"], tmp_path, "ru")
    seen, asked = converse(child, "ru", {"name": "Из CRM"}, export=["nope.csv", "deals.csv"])
    assert "Не удалось прочитать" in seen and "nope.csv" in seen  # a path that is not there: asked again
    assert "Из deals.csv: численность продавцов 3, лидов в месяц 2" in _squeezed(seen)
    measured = {"sales_team_size", "leads_per_month", "deals_per_month", "close_rate", "sales_cycle_days",
                "repeat_sales_share", "active_clients"}
    assert not measured & set(asked) and "name" in asked and "average_deal_size" in asked  # no currency in it
    saved = yaml.safe_load((tmp_path / "p.yaml").read_text(encoding="utf-8"))
    assert saved["leads_per_month"] == 2 and saved["close_rate"] == round(4 / 6, 4) and saved["name"] == "Из CRM"

"""The Russian and Ukrainian texts follow the glossary (advisor/i18n/glossary.md), use real plurals,
and every quote of a source document is the document's own words."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from advisor.ask.questions import builtin_questions, texts_of
from advisor.i18n import LANGUAGES, catalogue
from advisor.rulebase.schema import Localized, LocalizedList, Source
from conftest import ROOT, SOURCES

GLOSSARY = ROOT / "advisor" / "i18n" / "glossary.md"


def _catalogue_texts() -> Iterator[tuple[str, str, str]]:
    for key, texts in catalogue().items():
        for lang, text in texts.items():
            yield f"messages.yaml:{key}", lang, text


def _question_texts() -> Iterator[tuple[str, str, str]]:
    for question in builtin_questions():
        for name, text in texts_of(question):
            for lang in LANGUAGES:
                if getattr(text, lang):
                    yield f"questions.yaml:{question.field}.{name}", lang, getattr(text, lang)


def _walk(obj, path: str) -> Iterator[tuple[str, object]]:
    """Every pydantic model, list and mapping inside the rule base, with a readable path."""
    from pydantic import BaseModel

    yield path, obj
    if isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            yield from _walk(getattr(obj, name), f"{path}.{name}")
    elif isinstance(obj, (list, tuple)):
        for i, item in enumerate(obj):
            yield from _walk(item, f"{path}[{getattr(item, 'id', getattr(item, 'stage', i))}]")
    elif isinstance(obj, dict):
        for key, item in obj.items():
            yield from _walk(item, f"{path}.{key}")


def _rule_base_parts(rule_base) -> Iterator[tuple[str, object]]:
    for name in ("department_model", "sales_mix", "technologies", "staffing", "models"):
        yield from _walk(getattr(rule_base, name), name)


def _document_language(document: str) -> str:
    return document.rsplit(".", 2)[-2]


def _rule_texts(rule_base) -> Iterator[tuple[str, str, str]]:
    """The rule base's human texts, except the quotes in the quoted document's own language."""
    quotes = {id(part.says): _document_language(part.document) for _, part in _rule_base_parts(rule_base)
              if isinstance(part, Source)}
    for path, part in _rule_base_parts(rule_base):
        if isinstance(part, Localized):
            for lang in LANGUAGES:
                text = getattr(part, lang)
                if text and quotes.get(id(part)) != lang:
                    yield f"rules:{path}", lang, text
        elif isinstance(part, LocalizedList):
            for lang in LANGUAGES:
                for i, text in enumerate(getattr(part, lang) or []):
                    yield f"rules:{path}[{i}]", lang, text


def _all_texts(rule_base) -> list[tuple[str, str, str]]:
    return [*_catalogue_texts(), *_question_texts(), *_rule_texts(rule_base)]


# ---- the glossary ----------------------------------------------------------------------------
# «Внутренние продажи» is, in inside-sales-in-the-company.ru.txt, remote selling to clients
# already in the base; remote selling in general is «дистанционные продажи». A text that says
# «внутренние продажи» must therefore be about the client base.
INTERNAL_SALES = {"ru": re.compile(r"внутренн\w*(?: (?:и|или|/) \w+)? (?:продаж|продав)", re.I),
                  "uk": re.compile(r"внутрішн\w*(?: (?:і|й|та|або|/) \w+)? (?:продаж|продав)", re.I)}
CLIENT_BASE = {"ru": re.compile(r"постоянн\w* (?:клиент|покупател)|клиентск\w* баз|в базе", re.I),
               "uk": re.compile(r"постійн\w* (?:клієнт|покуп)|клієнтськ\w* баз|у базі", re.I)}

# Words the glossary rejects, with the word to use.
REJECTED = {
    "ru": {
        r"\bвыигранн\w*": "успешная сделка (Битрикс24: «Сделка успешна»)",
        r"\bпроигранн\w*": "проваленная сделка (Битрикс24: «Сделка провалена»)",
        r"средн\w* чек\w* сделк": "средняя сумма сделки",
        r"лучш\w* месяц": "пиковый месяц",
        r"против сайта": "исходящие и входящие обращения",
        r"лиды, которых": "лиды, найденные вашими людьми",
        r"внутренние \(": "операционные технологии (работа внутри отдела)",
    },
    "uk": {
        r"\bвигра(?:н|в|є|ю)\w*": "успішна угода (Бітрікс24: «Угода успішна»)",
        r"\bпрогра(?:н)\w*": "провалена угода (Бітрікс24: «Угода провалена»)",
        r"\bвиручк\w*": "виторг",
        r"у міру": "з ростом, що більше… то…",
        r"по місяцях": "за місяцями",
        r"за замовчуванням": "типово",
        r"\bдіюч\w*": "наявний, чинний, постійний",
        r"середн\w* чек\w* угод": "середня сума угоди",
        r"найкращ\w* місяц": "піковий місяць",
        r"проти сайту": "вихідні та вхідні звернення",
        r"продажн\w*": "ролі продавців («продажний» — це «підкупний»)",
        r"\bзатрат\w*": "витрати",
        r"\bрах(?:ується|уються)\b": "враховується, зараховується",
        r"\bпри (?:потоці|нинішніх|рівних)": "за (за потоку, за нинішніх цифр)",
        r"\bявля\w*": "є",
        r"\bзадач[аіу]\b": "завдання",
        r"\bприймати участь|\bприйма\w* рішення": "брати участь, ухвалювати рішення",
        r"\bв якості\b": "як",
        r"\bна протязі\b": "протягом",
        r"\bслідуюч\w*": "наступний",
        r"\bміроприєм\w*": "захід",
        r"\bвзрощ\w*": "вирощувати, плекати",
        r"\bрозповсюджен\w*": "поширений",
        r"\bНайм\b": "наймання",
        r"\bвнутрішні \(": "операційні технології (робота всередині відділу)",
    },
}


def test_the_glossary_exists_and_names_its_source_for_every_term():
    text = GLOSSARY.read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| English")]
    rows = [row for row in rows if not set(row) <= set("|- ")]
    assert len(rows) >= 15
    for row in rows:
        assert re.search(r"\.(ru|uk|lv)\.txt|not in the documents", row, re.I), row


def _used(text: str) -> str:
    """The text without «quoted» words: a quoted term is mentioned (the document's word), not used."""
    return re.sub(r"«[^«»]*»", "", text)


def test_every_sentence_the_glossary_quotes_is_in_its_document():
    if not SOURCES.is_dir():
        pytest.skip(f"the source documents are not here: {SOURCES} does not exist")
    quotes = re.findall(r"`([\w.-]+\.(?:ru|uk|lv)\.txt)`: “([^”]*)”", GLOSSARY.read_text(encoding="utf-8"))
    assert len(quotes) >= 25
    documents = {name: " ".join((SOURCES / name).read_text(encoding="utf-8").split()) for name, _ in quotes}
    assert [(name, quote) for name, quote in quotes if " ".join(quote.split()) not in documents[name]] == []


def test_internal_sales_is_said_only_of_selling_to_the_client_base(engine):
    wrong = [f"{where} [{lang}]: {text}" for where, lang, text in _all_texts(engine.rule_base)
             if lang in INTERNAL_SALES and INTERNAL_SALES[lang].search(_used(text)) and not CLIENT_BASE[lang].search(text)]
    assert wrong == []


def test_no_text_uses_a_term_the_glossary_rejects(engine):
    wrong = []
    for where, lang, text in _all_texts(engine.rule_base):
        for pattern, instead in REJECTED.get(lang, {}).items():
            if re.search(pattern, text):
                wrong.append(f"{where} [{lang}]: {re.search(pattern, text).group(0)!r}, use {instead}")
    assert wrong == []


def test_the_mix_names_remote_and_field_selling_as_the_source_does():
    texts = catalogue()
    assert "дистанционн" in texts["rec.mix"]["ru"].lower() and "выездн" in texts["rec.mix"]["ru"].lower()
    assert "дистанційн" in texts["rec.mix"]["uk"].lower() and "виїзн" in texts["rec.mix"]["uk"].lower()
    assert not INTERNAL_SALES["ru"].search(texts["rec.mix"]["ru"] + texts["rec.inside"]["ru"])


def test_a_list_has_as_many_items_in_each_language(engine):
    """A comma inside an unquoted YAML list item splits it in two: «лиды, переданные продавцам»."""
    lists = [(path, part) for path, part in _rule_base_parts(engine.rule_base) if isinstance(part, LocalizedList)]
    assert lists
    assert [path for path, part in lists if len({len(getattr(part, lang) or part.en) for lang in LANGUAGES}) > 1] == []


# ---- plurals -------------------------------------------------------------------------------------
PLACEHOLDER = re.compile(r"\w\((?:s|es|а|ов|ев|ів|и|ей|ы|ок|ки|і|ь|я)\)|\(s\)")


def test_every_key_has_english_russian_and_ukrainian():
    assert [key for key, texts in catalogue().items() if any(not texts.get(lang, "").strip() for lang in LANGUAGES)] == []


def test_no_text_has_a_plural_placeholder(engine):
    wrong = [f"{where} [{lang}]: {text}" for where, lang, text in _all_texts(engine.rule_base) if PLACEHOLDER.search(text)]
    assert wrong == []


@pytest.mark.parametrize(("lang", "forms"), [("en", 2), ("ru", (3, 4)), ("uk", (3, 4))])
def test_plural_fields_give_every_form_of_their_language(lang, forms):
    wanted = forms if isinstance(forms, tuple) else (forms,)
    wrong = []
    for key, texts in catalogue().items():
        for spec in re.findall(r"\{\w+:pl:([^}]*)\}", texts[lang]):
            if len(spec.split("|")) not in wanted:
                wrong.append(f"{key}: {spec}")
    assert wrong == []


# ---- quotes ------------------------------------------------------------------------------------
# Letter-level slips in the documents that a quote corrects (each one reviewed by hand); the
# quote is compared with the document after these corrections, so nothing else may differ.
DOCUMENT_SLIPS = {
    "sales-department-models.uk.txt": {
        "підійте": "підійде", "гігантьска": "гігантська", "збільшуєттся": "збільшується",
        "необходну": "необхідну", "співробітгиків": "співробітників", "рунку": "ринку",
        "значення значення": "значення", "супровідом": "супроводом", "здійсенення": "здійснення", "взрощувати": "вирощувати",
    },
    "inside-sales-in-the-company.ru.txt": {
        "является обоснованной": "является обоснованным", '"девочки на телефонах"': '"девочек на телефонах"',
        "на этапе управление качеством": "на этапе управления качеством",
    },
    "building-a-sales-department-bitrix24.ru.txt": {"в b2c процессы продаж будет": "в b2c процессы продаж будут"},
    "types-of-sales-technologies.ru.txt": {"группа технологии,": "группа технологий,", "принятие решения": "принятия решения"},
}


def _typography(text: str) -> str:
    """Only the typography a quote may change: quote marks, apostrophes, spaced dashes, ё, spacing."""
    text = re.sub(r"[«»“”„]", '"', text)
    text = re.sub(r"[’‘ʼ`]", "'", text)
    text = re.sub(r"\s+[-–—]\s+", " — ", text)
    text = re.sub(r"\s+([),.;:])", r"\1", text)
    return re.sub(r"\s+", " ", text).replace("ё", "е").replace("Ё", "Е").strip().casefold()


def _quotes(rule_base) -> Iterator[tuple[str, str, str]]:
    for path, part in _rule_base_parts(rule_base):
        if isinstance(part, Source):
            lang = _document_language(part.document)
            if lang in ("ru", "uk"):
                yield path, part.document, getattr(part.says, lang) or ""


def test_every_quote_is_the_documents_own_words(engine):
    if not SOURCES.is_dir():
        pytest.skip(f"the source documents are not here: {SOURCES} does not exist")
    documents = {}
    wrong = []
    for path, document, quote in _quotes(engine.rule_base):
        if document not in documents:
            text = (SOURCES / document).read_text(encoding="utf-8")
            for slip, fixed in DOCUMENT_SLIPS.get(document, {}).items():
                text = text.replace(slip, fixed)
            documents[document] = _typography(text)
        if not quote:
            wrong.append(f"{path}: no quote in the document's language")
            continue
        # "…" marks words left out; each piece between must be in the document
        pieces = [p.strip(" .;,") for p in re.split(r"\s*…\s*", _typography(quote)) if p.strip(" .;,")]
        wrong += [f"{path} ({document}): not in the document: {piece!r}" for piece in pieces
                  if piece not in documents[document]]
    assert wrong == []

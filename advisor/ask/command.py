"""`advisor ask` from start to end: questions (or an answers file), the profile file, the advice."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.text import Text

from advisor.ask.answers import YES, echo
from advisor.ask.questions import builtin_questions
from advisor.ask.resume import Save, forget_state, list_saves, load_state, newest_save, save_state
from advisor.ask.session import Questionnaire, SessionState, Terminal
from advisor.engine import load_checked_profile, load_engine
from advisor.errors import ExitStatus, InputError, ProfileError, UsageError
from advisor.wording import Wording as Translator
from advisor.profile import EVIDENCE_FIELDS, FIELD_NAMES, validate_profile
from advisor.writers import atomic_output, file_stem

class ConsoleTerminal:
    """A real terminal: rich output, line input with the terminal's own editing."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def show(self, *renderables: Any) -> None:
        self.console.print(*renderables)

    def read(self, prompt: str) -> str:
        return self.console.input(Text(prompt, style="bold"))


def profile_file_name(name: str) -> str:
    return file_stem(name) + ".yaml"


def profile_yaml(answers: dict[str, Any], t: Translator) -> str:
    """The profile as YAML in field order, with a header naming the unknown fields."""
    import yaml

    data = {name: answers[name] for name in FIELD_NAMES if name in answers}
    unknown = [name for name in EVIDENCE_FIELDS if name not in data]
    header = t("ask.file_header", date=dt.date.today().isoformat(), unknown=", ".join(unknown) or t("ask.none"))
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    import textwrap

    comment = "".join(f"# {line}\n" for line in textwrap.wrap(header, 96))
    return comment + body


def write_profile(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(path) as stream:
        stream.write(text)


def choose_path(state: SessionState, answers: dict[str, Any], terminal: Terminal, t: Translator) -> Path:
    """--out, else profiles/<name>.yaml; an existing file only with the founder's yes."""
    path = Path(state.out) if state.out else Path("profiles") / profile_file_name(str(answers["name"]))
    while path.exists():
        if path.is_dir():
            path = path / profile_file_name(str(answers["name"]))
            continue
        reply = terminal.read(t("ask.exists", path=path) + " ").strip().lower()
        if reply in YES:
            break
        other = terminal.read(t("ask.other_path") + " > ").strip()
        if other:
            path = Path(other)
            if path.suffix.lower() not in (".yaml", ".yml") and not path.is_dir():
                path = path.with_suffix(".yaml")
    return path


def finish(engine: Any, answers: dict[str, Any], path: Path, console: Console, t: Translator) -> None:
    """Write the profile, then show the advice as `advisor recommend` does and how to re-run it."""
    from advisor.render.text import render_recommendation

    text = profile_yaml(answers, t)
    profile = validate_profile(answers, file=str(path))  # the answers were checked one by one; this is the proof
    write_profile(path, text)
    console.print(Text(t("ask.written", path=path), style="bold green"))
    from advisor.explain import advise

    rec = advise(engine, profile)
    render_recommendation(rec, console, source=str(path), lang=t.lang)
    lang = "" if t.lang == "en" else f" --lang {t.lang}"
    console.print(Text(t("ask.rerun", command=f"advisor recommend {path}{lang}"), style="bold"))
    console.print(Text(t("ask.change", command=f"advisor ask --from {path}{lang}")))


def run_unattended(engine: Any, answers_file: str, state: SessionState, console: Console, t: Translator) -> None:
    """--answers FILE: a YAML of field: value (as in a profile), merged over --from; no questions.

    Values are read as the questionnaire reads them (`about 300`, `€850`, `2 weeks`, `200-300`).
    """
    from advisor.answer_parser import Unreadable, read_answers
    from advisor.yamlio import load_yaml_file

    doc = load_yaml_file(Path(answers_file))
    if not isinstance(doc.data, dict):
        raise InputError("expected a mapping of field: value", file=answers_file, line=1)
    readings: dict[str, Any] = {}
    try:
        given = read_answers(doc.data, currencies=engine.rates, readings=readings)
    except Unreadable as problem:
        raise InputError(problem.english(), file=answers_file, line=doc.line_of(("currency",))) from None
    questions = {q.field: q for q in builtin_questions()}
    for name, reading in readings.items():  # what was read from words, said as the questionnaire says it
        shown = echo(questions[name], reading, t, str(given.get("currency") or "USD"))
        console.print(Text(f"{name}: {doc.data[name]!r} {shown}", style="dim"))
    merged = {**state.answers, **given}
    profile = validate_profile(merged, file=answers_file, line_of=lambda key: doc.line_of((key,) if key else ()))
    try:
        engine.facts(profile)  # the currency must be in the rule base's table
    except ProfileError as exc:
        exc.file, exc.line = answers_file, doc.line_of(("currency",))
        raise
    answers = profile.model_dump(exclude_none=True)
    path = Path(state.out) if state.out else Path("profiles") / profile_file_name(profile.name)
    if path.exists():
        raise UsageError(t("ask.exists_unattended", path=path))
    finish(engine, answers, path, console, t)


def run_ask(
    *,
    lang: str,
    out: str | None,
    answers_file: str | None,
    from_file: str | None,
    resume: bool,
    rules: str | None,
    console: Console,
    interactive: bool,
    lang_given: bool = True,
    all_questions: bool = False,
    plain: bool = False,
) -> int:
    """The whole command; returns the exit status. AdvisorError passes through to the CLI.

    `lang_given`: --lang was on the command line; else a resumed save keeps its own language.
    """
    t = Translator(lang)
    if answers_file is None and not interactive:
        raise UsageError(t("ask.no_terminal"))
    terminal = ConsoleTerminal(console)
    save: Save | None = None
    if resume:
        save = newest_save(lang)
    elif answers_file is None and from_file is None:
        save = offer_saves(list_saves(), terminal, t)
    if save is not None:
        resume = True
        state, saved_at = load_state(save.path)
        if lang_given:
            state.lang = lang
        lang = state.lang
        t = Translator(lang)
        state.out = out or state.out
        rules = rules or state.rules
    else:
        state, saved_at = SessionState(lang=lang, out=out, rules=rules, source=from_file), ""
        state.order = "fixed" if all_questions else "ranked"
    if all_questions:
        state.order = "fixed"
    engine = load_engine(Path(rules) if rules else None)
    if from_file and not resume:
        record = load_checked_profile(from_file, engine)
        state.answers = record.profile.model_dump(exclude_none=True)
        state.prefilled = list(state.answers)
    if answers_file is not None:
        run_unattended(engine, answers_file, state, console, t)
        forget_state(save.path if save else None)
        return int(ExitStatus.OK)

    questions = builtin_questions()
    if plain:
        console.print(t("ask.title"))
    else:
        console.rule(Text(t("ask.title"), style="bold"))
    if resume:
        console.print(Text(t("ask.resumed", when=saved_at, count=len(state.answers)), style="cyan"))
    else:
        console.print(t("ask.intro_ranked" if state.order == "ranked" else "ask.intro", count=len(questions)))
        console.print(Text(t("ask.keys"), style="dim"))
        if state.prefilled:
            console.print(Text(t("ask.prefilled", count=len(state.prefilled), source=from_file), style="cyan"))
    questionnaire = Questionnaire(questions, state, terminal, currencies=engine.rates, engine=engine)
    try:
        if not resume and from_file is None and not state.answers:
            start_from_export(state, questionnaire, engine, t)
        answers = questionnaire.run()
        path = choose_path(state, answers, terminal, t)
    except (KeyboardInterrupt, EOFError):
        console.print()
        if not state.answers and save is None:  # nothing to keep, and no earlier save to replace with nothing
            console.print(Text(t("ask.nothing_saved"), style="bold yellow"))
            return 130
        saved = save_state(state, save.path if save else None)
        command = "advisor ask --resume" + ("" if state.lang == "en" else f" --lang {state.lang}")
        console.print(Text(t("ask.saved_resume", count=len(state.answers), path=saved, command=command),
                           style="bold yellow"))
        return 130
    finish(engine, answers, path, console, t)
    forget_state(save.path if save else None)
    return int(ExitStatus.OK)


def start_from_export(state: SessionState, questionnaire: Questionnaire, engine: Any, t: Translator) -> None:
    """Offer to read a CRM or order export (advisor derive's presets) and ask only what it cannot tell."""
    from advisor.errors import AdvisorError

    terminal = questionnaire.terminal
    reply = terminal.read(t("ask.offer_data") + "\n> ").strip()
    while reply:
        try:
            derived = answers_from_export(reply, engine.rates)
        except (AdvisorError, OSError, ValueError) as exc:
            problem = exc.located() if isinstance(exc, AdvisorError) else str(exc)
            reply = terminal.read(t("ask.data_failed", problem=problem) + "\n> ").strip()
            continue
        state.answers.update(derived)
        state.prefilled = list(derived)
        state.source = reply
        shown = ", ".join(f"{t.field(name)} {questionnaire.shown(name)}" for name in derived)
        terminal.show(Text(t("ask.data_read", path=reply, fields=shown or t("ask.none")), style="cyan"))
        return


def answers_from_export(path: str, rates: Any) -> dict[str, Any]:
    """The figures `advisor derive` measures in an export (preset detected), as answers; the name is asked."""
    import yaml

    from advisor.derive.command import run_derive

    texts: list[str] = []
    run_derive([path], preset_name="auto", maps=[], currency=None, name=None, all_won=False, output=None,
               say=lambda line: None, write_stdout=texts.append, rates=rates)
    document = yaml.safe_load("".join(texts)) or {}
    return {k: v for k, v in document.items() if k in FIELD_NAMES and k != "name" and v is not None}


def offer_saves(saves: list[Save], terminal: Terminal, t: Translator) -> Save | None:
    """On a new `advisor ask`: the unfinished questionnaires, and whether to continue one."""
    if not saves:
        return None
    def label(save: Save) -> str:
        return t("ask.save_label", name=save.name or t("ask.unnamed"), count=save.count, when=save.saved_at)

    if len(saves) == 1:
        reply = terminal.read(t("ask.offer_resume", save=label(saves[0])) + "\n> ").strip().lower()
        return saves[0] if reply in ("", *YES) else None
    terminal.show(Text(t("ask.unfinished")))
    for number, save in enumerate(saves, start=1):
        terminal.show(Text(f"  {number}. {label(save)}"))
    while True:
        reply = terminal.read(t("ask.offer_pick", count=len(saves)) + "\n> ").strip()
        if not reply:
            return None
        if reply.isdigit() and 1 <= int(reply) <= len(saves):
            return saves[int(reply) - 1]

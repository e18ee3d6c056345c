"""The questionnaire as a conversation: ask, validate, go back, review, edit.

Input and output go through a `Terminal` (a real one, a recording one, a scripted one in
tests), so the flow is the same everywhere. KeyboardInterrupt (Ctrl-C) and EOFError
(Ctrl-D) pass through to the caller, which saves the state for `--resume`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from rich.console import Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from advisor.ask.answers import BACK, UNKNOWN, AnswerProblem, Unknown, parse_answer, show_value, to_answer_text
from advisor.ask.questions import Question
from advisor.i18n import Translator


class Terminal(Protocol):
    def show(self, *renderables: Any) -> None: ...

    def read(self, prompt: str) -> str: ...


@dataclass
class SessionState:
    """Everything needed to continue later: saved on Ctrl-C, loaded by --resume."""

    lang: str
    answers: dict[str, Any] = field(default_factory=dict)  # None = "I don't know"; absent = not answered
    prefilled: list[str] = field(default_factory=list)  # from --from: not asked, editable in review
    position: int = 0  # the next question to ask
    history: list[int] = field(default_factory=list)  # questions asked, for `<`
    stage: str = "questions"  # or "review"
    source: str | None = None  # the --from profile
    out: str | None = None
    rules: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "SessionState":
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)


class Questionnaire:
    def __init__(
        self,
        questions: Sequence[Question],
        state: SessionState,
        terminal: Terminal,
        currencies: Collection[str],
    ) -> None:
        from advisor.engine import compile_predicate

        self.questions = list(questions)
        self.state = state
        self.terminal = terminal
        self.currencies = currencies
        self.t = Translator(state.lang)
        self._confirmed: dict[str, set[tuple[str, str]]] = {}  # per field: (check, answer) already asked again
        self._when = [compile_predicate(q.when) if q.when is not None else None for q in self.questions]

    # ---- what is asked -----------------------------------------------------------------
    def applies(self, index: int) -> bool:
        """False only when the question's condition is false on the answers so far."""
        predicate = self._when[index]
        return predicate is None or predicate(self.state.answers) is not False

    def _next(self, index: int) -> int:
        while index < len(self.questions) and (
            not self.applies(index) or self.questions[index].field in self.state.prefilled
        ):
            index += 1
        return index

    def run(self) -> dict[str, Any]:
        """Ask until every question is answered and the review is accepted; the final answers."""
        state = self.state
        while True:
            if state.stage == "questions":
                state.position = self._next(state.position)
                if state.position >= len(self.questions):
                    state.stage = "review"
                    continue
                if self.ask(state.position) == BACK:
                    if state.history:
                        state.position = state.history.pop()
                    else:
                        self.terminal.show(Text(self.t("ask.first_question"), style="yellow"))
                    continue
                state.history.append(state.position)
                state.position += 1
            else:
                choice = self.review()
                if choice is None:
                    return self.final_answers()
                if choice == BACK:
                    state.stage = "questions"
                    state.position = state.history.pop() if state.history else 0
                    continue
                if not self.applies(choice):
                    why = self.questions[choice].skip
                    self.terminal.show(Text(self.t("ask.not_applicable", why=why.get(self.t.lang) if why else ""),
                                            style="yellow"))
                    continue
                self.ask(choice)  # an edit; `<` there returns to the review

    def final_answers(self) -> dict[str, Any]:
        """Known answers in question order; answers to questions that no longer apply dropped."""
        answers = {}
        for index, question in enumerate(self.questions):
            value = self.state.answers.get(question.field)
            if value is not None and self.applies(index):
                answers[question.field] = value
        return answers

    # ---- one question ------------------------------------------------------------------
    def ask(self, index: int) -> str:
        """Ask question `index` until a usable answer; BACK if the founder typed `<`."""
        t, question = self.t, self.questions[index]
        shown = [i for i in range(len(self.questions)) if self.applies(i)]
        number = shown.index(index) + 1 if index in shown else index + 1
        self.terminal.show(self._screen(question, number, len(shown)))
        default = self._default(question)
        shown_default = default
        if default is not None and question.choices and question.labels and default != "?":
            shown_default = t(f"choice.{question.field}.{default}")
        prompt = f"[{shown_default}] > " if default is not None else "> "
        while True:
            text = self.terminal.read(prompt).strip()
            if text == BACK:
                return BACK
            if not text and default is not None:
                text = default
            try:
                value = parse_answer(question, text, t, self.currencies)
            except AnswerProblem as problem:
                self.terminal.show(Text(t("ask.try_again", problem=str(problem)), style="red"))
                continue
            value = None if isinstance(value, Unknown) else value
            contradiction = self._contradiction(question.field, value)
            if contradiction is not None:  # ask again once; the same answer typed again is kept
                self.terminal.show(Text(f"{contradiction}\n{t('ask.check_again')}", style="yellow"))
                default = text
                prompt = f"[{text}] > "
                continue
            self.state.answers[question.field] = value
            if question.field in self.state.prefilled:
                self.state.prefilled.remove(question.field)
            return "answered"

    def _contradiction(self, field: str, value: Any) -> str | None:
        """The text of a check this answer newly fails (one the founder has not yet confirmed), else None."""
        from advisor.checks import check_answers

        if value is None:
            return None
        confirmed = self._confirmed.setdefault(field, set())
        tentative = {**self.state.answers, field: value}
        applying = {q.field: tentative.get(q.field) for q, when in zip(self.questions, self._when)
                    if when is None or when(tentative) is not False}  # answers to questions that no longer apply don't count
        for check in check_answers(applying):
            key = (check.code, repr(value))
            if field in check.fields and key not in confirmed:
                confirmed.add(key)  # a second identical answer passes
                return check.text(self.t.lang)
        return None

    def _default(self, question: Question) -> str | None:
        """The current answer when revisiting, else the question's default."""
        if question.field in self.state.answers:
            value = self.state.answers[question.field]
            return "?" if value is None else to_answer_text(question, value)
        if question.default is not None:
            return str(question.default)
        return None

    def _screen(self, question: Question, number: int, total: int) -> Any:
        t, lang = self.t, self.t.lang
        body = Table.grid()
        body.add_column()
        body.add_row(Text(question.help.get(lang)))
        if question.where is not None:
            body.add_row(Text.assemble((t("ask.where"), "cyan"), question.where.get(lang)))
        if question.spec.kind == "share":
            body.add_row(Text(t("ask.unit", unit="%"), style="dim"))
        elif question.unit is not None:
            body.add_row(Text(t("ask.unit", unit=question.unit.get(lang)), style="dim"))
        if question.spec.kind == "boolean":
            body.add_row(Text(f"{t('trace.yes')} / {t('trace.no')}", style="dim"))
        choices = Table.grid(padding=(0, 1))
        choices.add_column(justify="right", no_wrap=True)
        choices.add_column()
        for position, choice in enumerate(question.choices, start=1):
            line = Text()
            if question.labels:
                line.append(t(f"choice.{question.field}.{choice.value}"), style="bold")
                line.append(" — ")
            line.append(choice.description.get(lang))
            choices.add_row(f"{position})", line)
        if question.choices:
            body.add_row(choices)
        body.add_row(Text(t("ask.hint"), style="dim"))
        header = Text.assemble((f"[{number}/{total}] ", "dim"), (question.text.get(lang), "bold"))
        return Group(Text(""), header, Padding(body, (0, 0, 0, 2)))  # wrapped lines keep the indent

    # ---- the review screen -------------------------------------------------------------
    def review(self) -> int | str | None:
        """Show every answer; the index of a question to edit, BACK, or None to finish."""
        t, lang = self.t, self.t.lang
        table = Table(title=t("ask.review_title"), title_justify="left", show_header=False, box=None, padding=(0, 1))
        table.add_column(justify="right", style="dim")
        table.add_column(style="bold")
        table.add_column()
        for position, question in enumerate(self.questions, start=1):
            index = position - 1
            if not self.applies(index):
                answer = Text(t("ask.not_applicable", why=question.skip.get(lang) if question.skip else ""), style="dim")
            elif question.field not in self.state.answers:
                answer = Text(t("ask.dont_know"), style="yellow")
            else:
                value = self.state.answers[question.field]
                answer = Text(show_value(question, UNKNOWN if value is None else value, t),
                              style="yellow" if value is None else "")
            table.add_row(str(position), t(f"field.{question.field}"), answer)
        self.terminal.show(table)
        while True:
            text = self.terminal.read(t("ask.review_prompt") + " > ").strip()
            if not text:
                return None
            if text == BACK:
                return BACK
            if text.isdigit() and 1 <= int(text) <= len(self.questions):
                return int(text) - 1
            self.terminal.show(Text(t("ask.review_bad", count=len(self.questions)), style="red"))

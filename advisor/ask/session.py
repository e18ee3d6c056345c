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

from advisor.ask.answers import BACK, UNKNOWN, AnswerProblem, Unknown, echo, interpret, show_value, to_answer_text
from advisor.ask.questions import Question
from advisor.wording import Wording as Translator


class Terminal(Protocol):
    def show(self, *renderables: Any) -> None: ...

    def read(self, prompt: str) -> str: ...


@dataclass
class SessionState:
    """Everything needed to continue later: saved on Ctrl-C, loaded by --resume."""

    lang: str
    answers: dict[str, Any] = field(default_factory=dict)  # None = "I don't know"; absent = not answered
    prefilled: list[str] = field(default_factory=list)  # from --from: not asked, editable in review
    position: int = 0  # the next question to ask (fixed order)
    history: list[int] = field(default_factory=list)  # questions asked, for `<`
    stage: str = "questions"  # or "review"
    order: str = "fixed"  # or "ranked": the question whose answer could change the advice most comes next
    revisit: int | None = None  # ranked order: the question `<` went back to
    offered_finish: bool = False  # the early finish was offered once (the advice became firm)
    source: str | None = None  # the --from profile
    out: str | None = None
    rules: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "SessionState":
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)


# Asked first in the ranked order, whatever the ranking: the name labels the profile and its save; the
# team decides the starting point (nobody sells yet: one level, firm) and whether the stage applies;
# who buys and what is sold frame every other question.
FIRST = ("name", "sales_team_size", "market", "offering")
# Questions about money: the currency is asked just before the first of them (unless known).
MONEY = ("average_deal_size", "monthly_cost_per_seller")


class Questionnaire:
    def __init__(
        self,
        questions: Sequence[Question],
        state: SessionState,
        terminal: Terminal,
        currencies: Collection[str],
        engine: Any = None,
    ) -> None:
        from advisor.engine import compile_predicate

        self.questions = list(questions)
        self.index_of = {q.field: i for i, q in enumerate(self.questions)}
        self.state = state
        self.terminal = terminal
        self.currencies = currencies
        self.engine = engine  # for the ranked order and the firm check
        self._ranked: tuple[str, tuple[str, list[str]]] | None = None  # the last ranking, by the answers it saw
        self.current: str | None = None
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

    def pending(self) -> list[int]:
        """Questions not yet answered that apply, in the fixed order."""
        answers, prefilled = self.state.answers, self.state.prefilled
        return [i for i, q in enumerate(self.questions)
                if q.field not in answers and q.field not in prefilled and self.applies(i)]

    def next_question(self) -> int | None:
        """The next question: the fixed order's next, or in the ranked order the one that matters most."""
        state = self.state
        if state.order != "ranked":
            state.position = self._next(state.position)
            return state.position if state.position < len(self.questions) else None
        if state.revisit is not None:
            return state.revisit
        pending = self.pending()
        if not pending:
            return None
        for name in FIRST:
            if self.index_of[name] in pending:
                return self.index_of[name]
        rank = {name: position for position, name in enumerate(self.ranking()[1])}
        chosen = min(pending, key=lambda i: (rank.get(self.questions[i].field, len(rank)), i))
        currency = self.index_of.get("currency")
        if self.questions[chosen].field in MONEY and currency in pending:
            return currency  # an amount is asked in a currency
        return chosen

    def ranking(self) -> tuple[str, list[str]]:
        """The advice's confidence on the answers so far, and the unknown fields, those that could
        change the model most first (advisor.explain.rank_unknowns); deterministic for the same answers."""
        from advisor.explain import rank_unknowns
        from advisor.profile import ProfileError, validate_profile

        if self.engine is None:
            return "open", []
        known = {q.field: self.state.answers[q.field] for i, q in enumerate(self.questions)
                 if self.state.answers.get(q.field) is not None and self.applies(i)}
        known["name"] = known.get("name") or "?"
        key = repr(sorted(known.items()))
        if self._ranked is not None and self._ranked[0] == key:  # asked twice for the same answers: once
            return self._ranked[1]
        try:
            profile = validate_profile(known)
            rec = self.engine.recommend(profile)
            ranked = rank_unknowns(self.engine, profile, rec)
        except ProfileError:  # a currency without a rate, say: ask in the fixed order
            return "open", []
        result = rec.department_model.confidence, [impact.field for impact in ranked]
        self._ranked = key, result
        return result

    def run(self) -> dict[str, Any]:
        """Ask until every question is answered and the review is accepted; the final answers."""
        state = self.state
        while True:
            if state.stage == "questions":
                index = self.next_question()
                if index is None:
                    state.stage = "review"
                    continue
                if self.ask(index) == BACK:
                    if state.history:
                        previous = state.history.pop()
                        state.position = previous
                        state.revisit = previous if state.order == "ranked" else None
                    else:
                        self.terminal.show(Text(self.t("ask.first_question"), style="yellow"))
                    continue
                state.history.append(index)
                state.position = index + 1
                state.revisit = None
                if state.order == "ranked" and not state.offered_finish and self._offer_finish():
                    state.stage = "review"
            else:
                choice = self.review()
                if choice is None:
                    return self.final_answers()
                if choice == BACK:
                    state.stage = "questions"
                    previous = state.history.pop() if state.history else 0
                    state.position = previous
                    state.revisit = previous if state.order == "ranked" else None
                    continue
                if not self.applies(choice):
                    why = self.questions[choice].skip
                    self.terminal.show(Text(self.t("ask.not_applicable", why=why.get(self.t.lang) if why else ""),
                                            style="yellow"))
                    continue
                self.edit(choice)

    def edit(self, index: int) -> None:
        """Change one answer in the review, then ask what the change makes apply that was skipped before."""
        before = [self.applies(i) for i in range(len(self.questions))]
        self.ask(index)  # `<` there returns to the review
        for other, question in enumerate(self.questions):
            if not before[other] and self.applies(other) and question.field not in self.state.answers:
                self.terminal.show(Text(self.t("ask.newly_relevant", field=self.t.field(question.field)),
                                        style="cyan"))
                self.ask(other)

    def _offer_finish(self) -> bool:
        """When the answers settle the model, say so and offer to finish; True to finish now."""
        left = len(self.pending())
        if not left or self.ranking()[0] != "firm":
            return False
        self.state.offered_finish = True
        self.terminal.show(Text(self.t("ask.firm", count=left), style="bold green"))
        return not self.terminal.read("> ").strip()

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
        self.current = question.field  # the question on screen (a scripted terminal answers by it)
        shown = [i for i in range(len(self.questions)) if self.applies(i)]
        total = len(shown)
        if self.state.order == "ranked":  # answers read from a profile or an export are not counted as asked
            prefilled = set(self.state.prefilled)
            shown = [i for i in shown if self.questions[i].field not in prefilled or i == index]
            number = len([i for i in shown if self.questions[i].field in self.state.answers and i != index]) + 1
            total = len(shown)
        else:
            number = shown.index(index) + 1 if index in shown else index + 1
        self.terminal.show(self._screen(question, number, total))
        default = self._default(question)
        shown_default = default
        if default is not None and question.choices and question.labels and default != "?":
            shown_default = t(f"choice.{question.field}.{default}")
        prompt = f"[{shown_default}] > " if default is not None else "> "
        while True:
            text = self.terminal.read(prompt).strip()
            if text == BACK:
                if not self.state.history and self.state.stage == "questions":
                    self.terminal.show(Text(t("ask.first_question"), style="yellow"))
                    continue
                return BACK
            if not text and default is not None:
                text = default
            try:
                value, reading = interpret(question, text, t, self.currencies)
            except AnswerProblem as problem:  # one sentence: the problem, then what to do
                self.terminal.show(Text(t("ask.try_again", problem=str(problem).rstrip(".")), style="red"))
                continue
            value = None if isinstance(value, Unknown) else value
            if reading is not None:
                self.terminal.show(Text(echo(question, reading, t, self._currency()), style="green"))
            elif value is not None and text.strip().lower() != str(value).lower() and not text.strip().isdigit():
                # a currency or a choice read from a word ("рубли", "кон"): said back as taken
                self.terminal.show(Text("→ " + show_value(question, value, t), style="green"))
            tentative = {question.field: value}
            if reading is not None and reading.currency:
                tentative["currency"] = reading.currency
            other = self._contradiction(question.field, value, tentative)
            if other == "again":
                default = text
                prompt = f"[{text}] > "
                continue
            self.state.answers.update(tentative)
            for name in tentative:
                if name in self.state.prefilled:
                    self.state.prefilled.remove(name)
            if isinstance(other, int):
                self.ask(other)  # the other figure was the one off
            return "answered"

    def shown(self, name: str) -> str:
        """An answer as the review shows it."""
        value = self.state.answers.get(name)
        return show_value(self.questions[self.index_of[name]], UNKNOWN if value is None else value, self.t)

    def _currency(self) -> str:
        return str(self.state.answers.get("currency") or "USD")

    def _contradiction(self, field: str, value: Any, tentative: dict[str, Any]) -> str | int | None:
        """Ask which figure is right when this answer contradicts another (advisor.checks: the checks the
        staffing plan warns about): "again" to ask this question again, the index of the other question
        to correct, or None to keep the answer."""
        from advisor.checks import check_answers

        if value is None:
            return None
        t, lang = self.t, self.t.lang
        confirmed = self._confirmed.setdefault(field, set())
        answers = {k: v for k, v in {**self.state.answers, **tentative}.items() if v is not None}
        for check in check_answers(answers):
            key = (check.code, repr(value))
            if field not in check.fields or key in confirmed:
                continue
            confirmed.add(key)  # asked once: the same answer kept passes
            named = [field] + [name for name in check.fields if name != field and name in answers]
            lines = [check.text(lang), t("ask.which_wrong")]
            for number, name in enumerate(named, start=1):
                shown = show_value(self.questions[self.index_of[name]], answers[name], t)
                lines.append(f"  {number}) {t.field(name)}: {shown}")
            self.terminal.show(Text("\n".join(lines), style="yellow"))
            while True:
                reply = self.terminal.read("> ").strip()
                if not reply:
                    return None
                if reply.isdigit() and 1 <= int(reply) <= len(named):
                    chosen = named[int(reply) - 1]
                    return "again" if chosen == field else self.index_of[chosen]
                self.terminal.show(Text(t("ask.review_bad", count=len(named)), style="red"))
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
        first = not self.state.history and self.state.stage == "questions"
        body.add_row(Text(t("ask.hint_first" if first else "ask.hint"), style="dim"))  # no `< back` to offer yet
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
                answer = Text(t("ask.not_asked"), style="yellow")
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

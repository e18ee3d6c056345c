"""Record a short `advisor ask` session as SVG for the README (rich's own export).

    python docs/record_ask_session.py            # writes docs/ask-session.svg

The session is the real questionnaire (advisor.ask.session) answered from a script; the
typed answers are echoed after each prompt as a terminal would show them.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.text import Text

from advisor.ask.questions import builtin_questions
from advisor.ask.session import Questionnaire, SessionState
from advisor.engine import Engine
from advisor.i18n import Translator
from advisor.profile import validate_profile
from advisor.rulebase.loader import load_rule_base

REPLIES = ["Green Season", "2", "1", "1", "", "n", "4", "2", "1500", "0.3", "30", "<", "30", "3.2", "5", "600",
           "?", "UAH", "4200", "3", "15", "?", "2", ""]


class RecordingTerminal:
    def __init__(self, console: Console, replies: list[str]) -> None:
        self.console, self.replies = console, list(replies)

    def show(self, *renderables: Any) -> None:
        self.console.print(*renderables)

    def read(self, prompt: str) -> str:
        reply = self.replies.pop(0)
        self.console.print(Text.assemble((prompt, "bold"), (reply, "bold cyan")))
        return reply


def main(out: Path = Path(__file__).with_name("ask-session.svg")) -> None:
    console = Console(record=True, width=100, file=open("/dev/null", "w"), force_terminal=True)
    t = Translator("en")
    console.print(Text("$ advisor ask", style="bold"))
    console.rule(Text(t("ask.title"), style="bold"))
    console.print(t("ask.intro", count=19))
    console.print(Text(t("ask.keys"), style="dim"))
    engine = Engine(load_rule_base())
    state = SessionState(lang="en")
    answers = Questionnaire(builtin_questions(), state, RecordingTerminal(console, REPLIES), engine.rates).run()
    rec = engine.recommend(validate_profile(answers))
    console.print(Text(t("ask.written", path="profiles/green-season.yaml"), style="bold green"))
    console.print(Text.assemble((t("rec.department_model"), "bold"), (t(f"model.{rec.department_model.id}"), "bold green")))
    console.print(Text(f"{t('rec.inside', share=f'{rec.sales_mix.inside_share:.0%}')} · "
                       f"{t('rec.outside', share=f'{rec.sales_mix.outside_share:.0%}')}", style="magenta"))
    console.print(Text("… the reasons, the checklist and the unknown fields follow, as `advisor recommend` shows them.",
                       style="dim"))
    console.print(Text(t("ask.rerun", command="advisor recommend profiles/green-season.yaml"), style="bold"))
    console.save_svg(str(out), title="advisor ask")
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()

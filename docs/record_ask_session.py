"""Record a short `advisor ask` session as SVG for the README (rich's own export).

    python docs/record_ask_session.py            # writes docs/ask-session.svg

The session is the real questionnaire (advisor.ask.session) in its ranked order, answered
from a script by the question it asks; the typed answers are echoed after each prompt as a
terminal would show them.
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

# A founder's answers, in a founder's words, by the question asked; "?" for the rest.
ANSWERS = {"name": "Green Season", "sales_team_size": "4", "market": "2", "offering": "1",
           "leads_per_month": "about 1 500", "seasonality_peak_ratio": "3.2", "repeat_sales_share": "15",
           "deals_per_month": "500-700", "sales_cycle_days": "3 days", "organization_stage": "2",
           "qualified_lead_share": "30", "channel": "", "currency": "грн", "average_deal_size": "4 200"}


class RecordingTerminal:
    def __init__(self, console: Console) -> None:
        self.console, self.questionnaire, self.last = console, None, ""

    def show(self, *renderables: Any) -> None:
        self.last = " ".join(str(r) for r in renderables if isinstance(r, Text))
        self.console.print(*renderables)

    def read(self, prompt: str) -> str:
        if "(firm)" in self.last or "Type a number to change" in prompt:
            reply = ""  # finish when the model is firm; accept the review
        else:
            reply = ANSWERS.get(self.questionnaire.current, "?")
        self.console.print(Text.assemble((prompt, "bold"), (reply, "bold cyan")))
        return reply


def main(out: Path = Path(__file__).with_name("ask-session.svg")) -> None:
    console = Console(record=True, width=100, file=open("/dev/null", "w"), force_terminal=True)
    t = Translator("en")
    console.print(Text("$ advisor ask", style="bold"))
    console.rule(Text(t("ask.title"), style="bold"))
    console.print(t("ask.intro_ranked", count=len(builtin_questions())))
    console.print(Text(t("ask.keys"), style="dim"))
    engine = Engine(load_rule_base())
    state = SessionState(lang="en", order="ranked")
    terminal = RecordingTerminal(console)
    questionnaire = Questionnaire(builtin_questions(), state, terminal, engine.rates, engine=engine)
    terminal.questionnaire = questionnaire
    answers = questionnaire.run()
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

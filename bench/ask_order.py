"""How many questions `advisor ask` needs before the advice is firm, in the ranked order and the fixed one.

Replays each example profile (profiles/*.yaml) as a founder's answers: the questionnaire's
own choice of the next question (advisor.ask.session.Questionnaire.next_question) is
answered with the profile's value, or "I don't know" where the profile leaves it unknown,
until the advice is firm (the confidence the recommendation shows) or nothing is left to
ask. Prints a row per profile and the median of each order.

    python bench/ask_order.py [--first name,sales_team_size] [PROFILE ...]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from advisor.ask import session  # noqa: E402
from advisor.ask.questions import builtin_questions  # noqa: E402
from advisor.ask.session import Questionnaire, SessionState  # noqa: E402
from advisor.engine import load_checked_profile, load_engine  # noqa: E402


def replay(engine, answers: dict, order: str) -> tuple[int, bool, list[str]]:
    """(questions asked until firm or the end, whether it became firm, the fields in the order asked)."""
    state = SessionState(lang="en", order=order)
    questionnaire = Questionnaire(builtin_questions(), state, terminal=None, currencies=engine.rates, engine=engine)
    asked: list[str] = []
    while True:
        index = questionnaire.next_question()
        if index is None:
            return len(asked), False, asked
        field = questionnaire.questions[index].field
        state.answers[field] = answers.get(field)  # None: "I don't know"
        state.position = index + 1
        asked.append(field)
        if questionnaire.ranking()[0] == "firm":
            return len(asked), True, asked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("profiles", nargs="*", default=sorted(str(p) for p in (ROOT / "profiles").glob("*.yaml")))
    parser.add_argument("--first", help="questions asked before the ranking (default: the questionnaire's own)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print the order of the questions")
    args = parser.parse_args()
    if args.first:
        session.FIRST = tuple(args.first.split(","))
    engine = load_engine(None)
    rows, cpu = [], 0.0
    for path in args.profiles:
        profile = load_checked_profile(path, engine).profile
        answers = profile.model_dump(exclude_none=True)
        started = time.process_time()
        ranked, ranked_firm, order = replay(engine, answers, "ranked")
        cpu += time.process_time() - started
        fixed, fixed_firm, _ = replay(engine, answers, "fixed")
        rows.append((ranked, fixed))
        print(f"{Path(path).stem:28} ranked {ranked:2}{'' if ranked_firm else ' (never firm)':14}"
              f" fixed {fixed:2}{'' if fixed_firm else ' (never firm)'}")
        if args.verbose:
            print("    " + ", ".join(order))
    print(f"median questions until firm: ranked {statistics.median(r for r, _ in rows)}, "
          f"fixed {statistics.median(f for _, f in rows)} (of {len(builtin_questions())} questions; "
          f"FIRST = {', '.join(session.FIRST)})")
    asked = sum(r for r, _ in rows)
    print(f"choosing the next question and checking firmness: {cpu / asked * 1000:.1f} ms CPU per answer "
          f"({asked} answers)")


if __name__ == "__main__":
    main()

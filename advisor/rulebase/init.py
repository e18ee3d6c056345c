"""`advisor rules init`: a starting rule base that extends the built-in one, with comments."""

from __future__ import annotations

from pathlib import Path

from advisor.errors import UsageError

FILES = {
    "rulebase.yaml": """\
# Your rule base. It extends the built-in one: every file beside this one holds only
# your changes. Every output names this rule base, its version and its hash, so give
# each change a new version.
extends: builtin          # or a folder path, relative to this one
name: {name}
version: 0.1.0
description: Changes to the built-in rules for our practice.

# Documents your added rules may cite, besides the built-in five:
documents: []

# Exchange rates merge by currency code (US dollars per unit). Date them:
# currency:
#   as_of: 2026-11-01
#   usd_per_unit: {{RUB: 0.0125}}
""",
    "department_model.yaml": """\
# Changes to the department-model rules.
# A rule with the id of a built-in rule replaces it (e.g. another threshold); a rule
# with a new id is added. `advisor rules check` shows every rule id and its location.
rules: []
#  - id: DM.contact_center.unready_flood        # replaces the built-in rule
#    when: {{field: leads_per_month, gte: 1000}}
#    points: {{two_level_contact_center: 2, three_level: 1}}
#    source:
#      document: sales-department-models.uk.txt
#      says: A gigantic number of inbound requests; in our practice that starts at 1,000 a month.

# Built-in rules to switch off, by id:
disable: []
""",
    "sales_mix.yaml": """\
# Changes to the inside/outside rules: replace or add rules by id, disable by id, or
# change base_inside_share / inside_share_range (with range_source).
rules: []
disable: []
""",
    "technologies.yaml": """\
# Changes to the checklist: replace or add items by id, disable by id.
technologies: []
disable: []
""",
    "tests/examples.yaml": """\
# Tests of your rule base, run by `advisor rules test {folder}`: a profile, the outcome
# you expect, and the rules that must (not) fire. Every rule you add or replace needs a
# test that fires it and one that does not.
- name: a founder who sells alone starts with one level
  profile: {{name: Solo, sales_team_size: 0, leads_per_month: 30}}
  expect: {{department_model: one_level}}
  fires: [DM.one_level.small_team]
""",
}


def init_rule_base(folder: Path) -> list[Path]:
    """Write the starting files; refuse to touch a folder that already has files."""
    if folder.exists() and any(folder.iterdir()):
        raise UsageError("folder is not empty; rules init never overwrites files", file=str(folder))
    written = []
    for relative, template in FILES.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.format(name=folder.resolve().name or "my-rules", folder=folder), encoding="utf-8")
        written.append(path)
    return written

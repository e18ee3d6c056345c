"""The commands as users run them: CliRunner in-process and real subprocesses."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from advisor.json_records import read_records
from conftest import PROFILES, ROOT, run_advisor

ONLINE_STORE = str(PROFILES / "online-store.yaml")


def test_recommend_text_shows_model_mix_checklist_reasons_sources_and_unknowns(cli):
    result = cli("recommend", str(PROFILES / "early-idea.yaml"))
    assert result.exit_code == 0
    out = result.stdout
    assert "Department model: One-level" in out
    assert "no sales department yet, so build this model now" in out and "sales-department-models.uk.txt" in out
    assert "Confidence: firm" in out and "What to find out next (it decides the model to grow into):" in out
    assert "Inside / outside: 65% inside" in out
    assert "[ ] Operational reporting" in out
    assert "Possible, depending on unknown answers" in out
    assert "Unknown fields:" in out and "leads per month" in out and "leads_per_month" not in out
    assert "No rule fired" not in out  # one rule did fire
    assert "Rule base: advisor-builtin 1.1.0" in out


def test_recommend_json_has_the_contract_keys(cli):
    result = cli("recommend", ONLINE_STORE, "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["name"] == "HomeGoods Online"
    assert data["department_model"]["id"] == "three_level"
    assert data["sales_mix"]["inside_share"] + data["sales_mix"]["outside_share"] == pytest.approx(1)
    assert data["rule_base"]["sha256"] and data["unknown_fields"] == []
    assert {t["status"] for t in data["trace"]} <= {"fired", "partial", "not_fired", "unknown"}
    model = data["department_model"]
    assert model["confidence"] == "firm" and model["close_call"] is False and model["next"] is None
    assert all(low <= model["scores"][m] <= high for m, (low, high) in model["score_ranges"].items())
    assert data["ask_next"] == []  # nothing is unknown


def test_recommend_markdown(cli):
    result = cli("recommend", ONLINE_STORE, "-f", "markdown")
    assert result.exit_code == 0
    assert result.stdout.startswith("# HomeGoods Online")
    assert "## Department model" in result.stdout and "- [ ] " in result.stdout


def test_recommend_bad_profile_is_one_located_line_per_problem_and_exit_1(cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: Typo\nrepeat_sale_share: 0.3\nclose_rate: 350\n")
    result = cli("recommend", str(bad))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{bad}:2: repeat_sale_share: not a profile field (did you mean 'repeat_sales_share'?)",
        f"{bad}:3: close_rate: a share is 0-1, or a percent up to 100%, got 350",
    ]
    assert result.stdout == ""


def test_recommend_usage_errors_exit_2(cli, tmp_path):
    missing = cli("recommend", str(tmp_path / "nope.yaml"))
    assert missing.exit_code == 2 and "no such file or folder" in missing.stderr
    several = tmp_path / "two.yaml"
    several.write_text("- name: A\n- name: B\n")
    assert cli("recommend", str(several)).exit_code == 2
    assert cli("recommend", ONLINE_STORE, "--format", "xml").exit_code == 2


def test_broken_rule_base_exits_2_with_a_located_line(cli, tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    path = rules / "sales_mix.yaml"
    path.write_text(path.read_text().replace("inside_shift: 0.15", "inside_shift: lots", 1))
    result = cli("recommend", ONLINE_STORE, "--rules", str(rules))
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"{path}:") and "rules[0].inside_shift" in line


def test_score_folder_table_and_summary(cli):
    result = cli("score", str(PROFILES))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()  # at 80 columns a long name wraps at its space, in its own column
    first = next(i for i, line in enumerate(lines) if line.startswith(" HomeGoods "))
    assert lines[first + 1].split()[0] == "Online" or "HomeGoods Online" in lines[first]
    count = len(list(PROFILES.glob("*.yaml")))
    assert f"records read {count}, scored {count}, rejected 0" in result.stderr


def test_score_keeps_going_past_bad_records_and_every_output_traces_to_one_input(cli, tmp_path):
    data = tmp_path / "clients.csv"
    data.write_text("name,sales_team_size,leads_per_month,repeat_sales_share\nA,1,900,0.5\nB,1,lots,0.1\nC,1,10,45%\n")
    result = cli("score", str(data), str(PROFILES / "founder-alone.yaml"), "-f", "jsonl")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"{data}:3: leads_per_month: expected a number, got 'lots'"
    assert "records read 4, scored 3, rejected 1" in result.stderr
    rows = read_records(result.stdout.splitlines())
    assert [r["source"] for r in rows] == [f"{data}:2", f"{data}:4", str(PROFILES / "founder-alone.yaml")]
    assert rows[1]["name"] == "C" and rows[0]["department_model"]["id"] == "three_level"


def test_score_csv_output_one_row_per_profile(cli):
    result = cli("score", str(PROFILES), "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == len(list(PROFILES.glob("*.yaml")))
    store = next(r for r in rows if r["name"] == "HomeGoods Online")
    assert store["department_model"] == "three_level" and float(store["inside_share"]) >= 0.8
    assert "existing_client_algorithm" in store["technologies"].split()
    assert float(store["score_three_level"]) > float(store["score_two_level_contact_center"])


def test_score_records_are_lean_after_a_header_or_full_on_request(cli):
    lean = json.loads(cli("score", ONLINE_STORE, str(PROFILES / "smb-saas.yaml"), "-f", "json").stdout)
    full = json.loads(cli("score", ONLINE_STORE, str(PROFILES / "smb-saas.yaml"), "-f", "json",
                          "--records", "full").stdout)
    header = lean[0]["header"]
    assert len(lean) == 3 and len(full) == 2 and "header" not in full[0]
    assert [header["rules"][r["rule"]]["id"] for r in lean[1]["department_model"]["reasons"]] == [
        r["rule"] for r in full[0]["department_model"]["reasons"]]
    assert all(r["why"] for r in full[0]["department_model"]["reasons"])  # the readable shape keeps its whys
    assert {header["trace_letters"][letter] for letter in lean[1]["trace"]} <= set(full[0]["trace"])
    assert [len(json.dumps(r)) < len(json.dumps(f)) / 3 for r, f in zip(lean[1:], full)] == [True, True]


def test_score_json_array(cli):
    result = cli("score", ONLINE_STORE, str(PROFILES / "smb-saas.yaml"), "-f", "json", "--no-trace")
    data = read_records(json.loads(result.stdout))
    assert [d["name"] for d in data] == ["HomeGoods Online", "ShiftPlanner"]
    assert "trace" not in data[0]


def test_score_output_file_is_written_whole_and_never_over_an_input(cli, tmp_path):
    out = tmp_path / "result.csv"
    out.write_text("old content that must be replaced as a whole\n")
    result = cli("score", str(PROFILES), "-f", "csv", "-o", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    assert out.read_text().startswith("source,name,department_model")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]

    profile = tmp_path / "p.yaml"
    profile.write_text("name: Keep me\n")
    refused = cli("score", str(profile), "-o", str(profile), "-f", "jsonl")
    assert refused.exit_code == 2 and profile.read_text() == "name: Keep me\n"
    into_folder = cli("score", str(tmp_path), "-o", str(tmp_path / "new.yaml"))
    assert into_folder.exit_code == 2


def test_score_reads_stdin(cli):
    result = cli("score", "-", "-f", "csv", input="name,market,repeat_sales_share\nA,b2b,60%\n")
    assert result.exit_code == 0
    (row,) = csv.DictReader(io.StringIO(result.stdout))
    assert row["source"] == "<stdin>:2" and row["department_model"] == "two_level_account_manager"


def test_fields_lists_every_profile_field(cli):
    result = cli("fields")
    for name in ("repeat_sales_share", "organization_stage", "offering"):
        assert name in result.stdout


# ---- real processes ----------------------------------------------------------------


def test_python_m_advisor_runs_from_another_folder(tmp_path):
    result = run_advisor("recommend", ONLINE_STORE, "-f", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["department_model"]["id"] == "three_level"


def test_no_traceback_reaches_a_user(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"name,leads_per_month\n\xff\xfe,\x00\n")
    for args in (("score", str(bad)), ("recommend", str(tmp_path)), ("score", str(tmp_path / "none"))):
        result = run_advisor(*args)
        assert "Traceback" not in result.stderr
        assert result.returncode in (1, 2)


def test_version():
    result = run_advisor("--version")
    assert result.returncode == 0 and result.stdout.startswith("advisor ")


def test_broken_pipe_is_quiet():
    command = f"{sys.executable} -m advisor score {PROFILES} -f jsonl | head -c 10"
    result = subprocess.run(command, shell=True, capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert "Traceback" not in result.stderr


def _console_script() -> str | None:
    beside = Path(sys.executable).parent / "advisor"
    return str(beside) if beside.exists() else shutil.which("advisor")


@pytest.mark.skipif(_console_script() is None, reason="the console script is installed by pip install .")
def test_console_script_from_any_folder(tmp_path):
    result = subprocess.run(
        [_console_script(), "score", str(PROFILES), "-f", "csv"], capture_output=True, text=True, cwd=tmp_path, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == len(list(PROFILES.glob("*.yaml"))) + 1


def test_readme_fields_table_is_generated_from_the_profile_model():
    from advisor.docs import fields_markdown

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("<!-- fields:start")
    block = readme[readme.index("\n", start) + 1 : readme.index("<!-- fields:end -->")].strip()
    assert block == fields_markdown()


def test_readme_starts_with_the_two_commands_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    blocks = readme.split("```sh\n")[1:3]
    main_command, test_command = (b.split("\n```")[0].strip() for b in blocks)
    assert "advisor score profiles/" in main_command
    assert test_command.endswith(".venv/bin/python -m pytest -q")
    assert ".venv/bin/pip install -q '.[test]'" in ci and ".venv/bin/python -m pytest -q" in ci


def test_real_exports_given_as_profiles_are_rejected_with_one_clear_line(cli, datasets):
    pipeline = datasets / "maven-crm-sales-opportunities" / "sales_pipeline.csv"
    result = cli("score", str(pipeline), "-f", "csv")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"{pipeline}:1: none of the 8 columns is a profile field (see `advisor fields`); "
        "this looks like an export, not profiles"
    )
    gz = next((datasets / "uci-online-retail").glob("*.csv.gz"))
    assert "binary file, not text" in cli("score", str(gz)).stderr


def test_names_with_brackets_are_shown_as_written_never_as_markup(cli, tmp_path):
    profile = tmp_path / "p.yaml"
    profile.write_text("name: '[bold]Acme[/bold] [red]'\nmarket: b2b\n")
    for args in (("recommend", str(profile)), ("score", str(profile)), ("compare", str(profile))):
        result = cli(*args)
        assert result.exit_code == 0, result.stderr
        assert "[bold]Acme" in result.stdout  # markup would have swallowed "[bold]"


def test_unknown_currency_is_located_by_every_single_profile_command(cli, tmp_path):
    profile = tmp_path / "p.yaml"
    profile.write_text("name: Rub\naverage_deal_size: 100\ncurrency: XYZ\n")
    for command in ("recommend", "explain", "compare"):
        result = cli(command, str(profile))
        assert result.exit_code == 1, command
        assert result.stderr.startswith(f"{profile}:3: currency: unknown currency 'XYZ'"), (command, result.stderr)


def test_a_sale_at_the_premises_gets_no_inside_outside_split(cli, tmp_path):
    """A clinic sells face to face on its own premises: neither remote nor field (inside-vs-outside-sales.lv.txt)."""
    clinic = "profiles/dental-clinic.yaml"
    data = json.loads(cli("recommend", clinic, "--format", "json").stdout)
    mix = data["sales_mix"]
    assert mix["applies"] is False
    assert [r["rule"] for r in mix["not_applicable_reasons"]] == ["MIX.sold_at_premises"]
    assert "reasoning" in mix["not_applicable_reasons"][0]["source"]  # labelled apart from what the document says
    text = cli("recommend", clinic).stdout
    assert "Inside / outside: does not apply" in text and "Our reasoning, not the document's" in text
    report = tmp_path / "clinic.html"
    assert cli("report", clinic, "-o", str(report)).exit_code == 0
    html = report.read_text(encoding="utf-8")
    assert 'id="mix-chart"' not in html and "selling face to face at your premises" in html
    # the same company answering that it reaches its clients gets the split again
    reaching = tmp_path / "reaching.yaml"
    reaching.write_text(Path(clinic).read_text().replace("sale_location: premises", "sale_location: remote_or_field"))
    again = json.loads(cli("recommend", str(reaching), "--format", "json").stdout)["sales_mix"]
    assert again["applies"] is True and again["not_applicable_reasons"] == []


def test_recommend_and_report_show_the_pros_cons_and_risks_of_the_advice_and_the_runner_up(cli, tmp_path):
    data = json.loads(cli("recommend", ONLINE_STORE, "--format", "json").stdout)["department_model"]
    assert list(data["notes"]) == [data["id"], data["runner_up"]]  # the advice first
    for notes in data["notes"].values():
        assert set(notes) == {"pros", "cons", "risks"} and all(notes.values())
        for point in [p for kind in notes.values() for p in kind]:
            assert point["text"] and (point.get("document", "").endswith(".txt") or "(" in point.get("reference", ""))
    text = cli("recommend", ONLINE_STORE, "--lang", "uk").stdout
    assert "Сильні сторони, слабкі місця й ризики" in text and "трирівнева (рекомендовано)" in text
    markdown = cli("recommend", ONLINE_STORE, "--format", "markdown").stdout
    assert "## Strengths, weaknesses and risks" in markdown and "### three-level (recommended)" in markdown
    report = tmp_path / "store.html"
    assert cli("report", ONLINE_STORE, "-o", str(report)).exit_code == 0
    html = report.read_text(encoding="utf-8")
    section = html[html.index('<section id="model-notes">'):]
    section = section[: section.index("</section>")]
    assert "three-level (recommended)" in section and f"(runner-up)" in section
    assert "The Short Life of Online Sales Leads" in section  # the hand-off risk, cited by name

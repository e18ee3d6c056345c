"""Help as a user reads it: -h everywhere, plain-word placeholders, whole descriptions, examples that parse,
shell completion, and one spelling of the output option."""

from __future__ import annotations

import io
import os
import re
import shlex
import subprocess
import sys

import pytest
import yaml
from typer import Exit
from typer.main import get_command

from advisor.cli import Environment, app, run
from advisor.cli.help import EXAMPLES, HIDDEN_ALIASES, TyperArgument, TyperGroup, TyperOption, placeholder, takes_value
from conftest import PROFILES, ROOT, run_advisor


def command_tree():
    """(path, click command) of the root and every command under it, built as a user's run builds them."""
    root = get_command(app)
    found = [("", root)]
    index = 0
    while index < len(found):
        path, command = found[index]
        index += 1
        if isinstance(command, TyperGroup):
            with command.make_context("advisor", ["-h"], resilient_parsing=True) as ctx:
                for name in command.list_commands(ctx):
                    found.append((f"{path} {name}".strip(), command.get_command(ctx, name)))
    return found


COMMANDS = command_tree()
PATHS = [path for path, _ in COMMANDS]


def help_of(path: str, width: int = 100) -> str:
    stdout, stderr = io.StringIO(), io.StringIO()
    os.environ["COLUMNS"] = str(width)
    try:
        status = run([*path.split(), "--help"], Environment(stdout=stdout, stderr=stderr))
    finally:
        del os.environ["COLUMNS"]
    assert status == 0, stderr.getvalue()
    return stdout.getvalue()


def test_the_tree_has_every_command():
    assert {"recommend", "explain", "compare", "score", "ask", "derive", "report", "fields", "rules",
            "rules check", "rules init", "rules diff", "rules test"} <= set(PATHS)


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p or "advisor")
def test_dash_h_shows_the_help_of_every_command(path):
    result = run_advisor(*path.split(), "-h")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Usage: {' '.join(['advisor', *path.split()])} [OPTIONS]")
    assert "Examples:\n  # " in result.stdout
    assert result.stdout == help_of(path), "-h and --help differ"
    assert result.stderr == ""


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p or "advisor")
def test_no_python_type_leaks_into_help(path):
    text = help_of(path) + help_of(path, width=60)
    for leak in ("<list", "[str]", "int range", "{", "[[", "<str>", "<path>", "<int>", "<float>", "<text|"):
        assert leak not in text, f"{leak!r} in the help of {path or 'advisor'}:\n{text}"
    assert not re.search(r"[ \t]$", text, re.M), "trailing blanks"


def test_every_option_and_argument_is_named_by_a_plain_word():
    for path, command in COMMANDS:
        for param in command.params:
            if isinstance(param, TyperArgument) or (isinstance(param, TyperOption) and takes_value(param)):
                word = placeholder(param)
                assert re.fullmatch(r"[A-Z][A-Z0-9]*(=[A-Z]+)?(\.\.\.)?", word), (path, param.name, word)
                if isinstance(param, TyperOption):
                    assert f"{next(o for o in param.opts if o.startswith('--'))} {word}" in help_of(path), (path, word)


def test_descriptions_are_whole():
    """The command list says each command's description to its end (typer cut it with '...')."""
    listed = " ".join(help_of("", width=70).split())
    for path, command in COMMANDS:
        if path and " " not in path:
            assert " ".join(command.help.split("\n\n")[0].split()) in listed, path
    rules = " ".join(help_of("rules", width=70).split())
    assert "and the rules that explain it." in rules


def test_help_lists_commands_in_their_order_and_installing_completion():
    text = help_of("")
    order = [text.index(f"\n  {name} ") for name in ("recommend", "explain", "compare", "score", "ask", "derive",
                                                       "report", "fields", "rules")]
    assert order == sorted(order)
    assert "--install-completion" in text and "--show-completion" in text and "-h, --help" in text


def example_commands():
    for path, examples in EXAMPLES.items():
        for what, line in examples:
            words = shlex.split(line)
            segments, current = [], []
            for word in words:
                if word in ("&&", "|", ">"):
                    segments.append(current)
                    current = []
                else:
                    current.append(word)
            segments.append(current)
            for segment in segments:
                if segment and segment[0] == "advisor":
                    yield path, segment[1:]


def test_examples_name_real_commands_and_options():
    """Each example parses as the CLI would parse it (nothing is run): a renamed option breaks this test."""
    examples = list(example_commands())
    assert {path for path, _ in examples} == set(PATHS) and len(examples) > 40
    for path, args in examples:
        command, ctx_args, parent, name = get_command(app), list(args), None, "advisor"
        while True:
            try:
                ctx = command.make_context(name, ctx_args, parent=parent)
            except Exit as shown:  # -h: the help was printed
                assert shown.exit_code == 0 and "-h" in args
                break
            if not isinstance(command, TyperGroup) or not ctx.args and not getattr(ctx, "_protected_args", None):
                break
            rest = [*getattr(ctx, "_protected_args", []), *ctx.args]
            name, command, ctx_args = command.resolve_command(ctx, rest)
            parent = ctx
        assert command is not None, (path, args)


def test_show_completion_prints_a_script_that_calls_advisor_back():
    env = {**os.environ, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    for shell, mark in (("bash", "complete -o default -F _advisor_completion advisor"), ("zsh", "#compdef advisor"),
                        ("fish", "complete --command advisor")):
        result = subprocess.run([sys.executable, "-m", "advisor", "--show-completion", shell], capture_output=True,
                                text=True, env=env, cwd=ROOT, timeout=60)
        assert result.returncode == 0, result.stderr
        assert mark in result.stdout and "_ADVISOR_COMPLETE" in result.stdout


def test_install_completion_writes_the_script_where_the_shell_reads_it(tmp_path):
    env = {**os.environ, "HOME": str(tmp_path), "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    result = subprocess.run([sys.executable, "-m", "advisor", "--install-completion", "bash"], capture_output=True,
                            text=True, env=env, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    script = tmp_path / ".bash_completions" / "advisor.sh"
    assert "_ADVISOR_COMPLETE=complete_bash" in script.read_text()
    assert str(script) in (tmp_path / ".bashrc").read_text()


@pytest.mark.parametrize(("words", "cword", "expected"), [
    ("advisor rec", 1, {"recommend"}),
    ("advisor rules c", 2, {"check"}),
    ("advisor recommend -f ", 3, {"text", "json", "markdown"}),
    ("advisor score --rep", 2, {"--report-dir"}),
])
def test_the_shell_gets_completions(words, cword, expected):
    env = {**os.environ, "_ADVISOR_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
    result = subprocess.run([sys.executable, "-m", "advisor"], capture_output=True, text=True, env=env, cwd=ROOT,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert set(result.stdout.split()) == expected


def test_ask_saves_where_output_says_and_out_still_works(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.yaml").write_text("close_rate: 40%\n")
    for option, target in (("--output", "long.yaml"), ("-o", "short.yaml"), ("--out", "old.yaml")):
        result = cli("ask", "--from", str(PROFILES / "online-store.yaml"), "--answers", "a.yaml", option, target)
        assert result.exit_code == 0, result.stderr
        assert yaml.safe_load((tmp_path / target).read_text())["close_rate"] == 0.4
    shown = help_of("ask")
    assert "-o, --output FILE" in shown and not any(re.search(re.escape(alias) + r"\b", shown) for alias in HIDDEN_ALIASES)


def test_every_command_that_writes_a_file_spells_it_output():
    for path, command in COMMANDS:
        for param in command.params:
            if isinstance(param, TyperOption) and "-o" in param.opts:
                assert "--output" in param.opts, path


def test_usage_errors_name_arguments_by_their_words():
    result = run_advisor("rules", "init")
    assert result.returncode == 2
    assert "Usage: advisor rules init [OPTIONS] DIR" in result.stderr and "Missing argument 'DIR'" in result.stderr
    assert "Try 'advisor rules init -h' for help." in result.stderr


def test_readme_shows_the_real_help_of_recommend():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = readme.split("<!-- help:recommend:start")[1].split("```text\n")[1].split("```\n<!-- help:recommend:end")[0]
    assert shown == help_of("recommend", width=100), "README out of step: paste `COLUMNS=100 advisor recommend -h`"


def test_every_command_a_module_declares_is_listed_for_loading():
    """Commands are built from AdvisorApp.lazy: one declared in a module but missing there would never run."""
    import importlib
    import pkgutil

    import advisor.cli
    from advisor.cli.app import AdvisorApp
    from typer.main import get_command_name

    for module in pkgutil.iter_modules(advisor.cli.__path__):
        importlib.import_module(f"advisor.cli.{module.name}")
    declared = {info.name or get_command_name(info.callback.__name__) for info in app.registered_commands}
    declared |= {group.name for group in app.registered_groups}
    assert declared == set(AdvisorApp.lazy)
    for name, module in AdvisorApp.lazy.items():
        assert any((info.name or get_command_name(info.callback.__name__)) == name
                   and info.callback.__module__ == f"advisor.cli.{module}" for info in app.registered_commands) \
            or any(group.name == name for group in app.registered_groups), name

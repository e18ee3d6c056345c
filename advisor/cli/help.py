"""Help as a person reads it, and commands loaded only when they run.

typer's own help shows Python types (`<list[str]>`, `<int range>`, `{PROFILE}`) and cuts
each command's description to one line. Here every option and argument is named by a
plain word (its `metavar`, else `PLACEHOLDERS`, else its name), descriptions are whole,
and each command ends with examples. The text is printed by rich on the run's own stdout,
so colour follows the Environment (none in a pipe or with NO_COLOR).

`AdvisorGroup` imports a command's module only when that command runs, so `advisor
recommend` does not pay for building the other commands; listing them (`advisor -h`,
completion) builds them all. The help texts are English: they live in the option
declarations and in EXAMPLES below, one place each, for a translation to take later.
"""

from __future__ import annotations

import importlib
from typing import Any

import typer
from typer import _click
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

# An option's value named by its meaning when the declaration gives no metavar.
PLACEHOLDERS = {
    "--format": "FORMAT",
    "--rules": "DIR",
    "--lang": "LANG",
    "--output": "FILE",
    "--report-dir": "DIR",
    "--jobs": "N",
    "--set": "FIELD=VALUE",
    "--fix": "FIELD",
    "--scenario": "CHANGES",
    "--answers": "FILE",
    "--from": "PROFILE",
    "--preset": "PRESET",
    "--map": "ROLE=COLUMN",
    "--currency": "CODE",
    "--name": "NAME",
    "--profiles": "INPUT",
    "--min-coverage": "PERCENT",
    "--install-completion": "SHELL",
    "--show-completion": "SHELL",
}

# Old spellings that still work but are not shown.
HIDDEN_ALIASES = frozenset({"--out"})

# Per command path: (what it shows, the command line). Each line is parsed by a test.
EXAMPLES: dict[str, list[tuple[str, str]]] = {
    "": [
        ("Answer the questionnaire and get the advice", "advisor ask --lang ru"),
        ("The advice for one company", "advisor recommend profiles/online-store.yaml"),
        ("Why, and what would change it", "advisor explain profiles/online-store.yaml"),
        ("A report for the client", "advisor report profiles/online-store.yaml -o report.html"),
        ("Help on one command", "advisor recommend -h"),
    ],
    "recommend": [
        ("The advice for one company, in the terminal", "advisor recommend profiles/online-store.yaml"),
        ("In Russian, as Markdown", "advisor recommend profiles/online-store.yaml --lang ru -f markdown > advice.md"),
        ("As data, for another program", "advisor recommend profiles/online-store.yaml -f json"),
        ("A profile from standard input", "cat profiles/online-store.yaml | advisor recommend -"),
    ],
    "explain": [
        ("Why this model and the smallest changes that would change it", "advisor explain profiles/online-store.yaml"),
        ("What if the cycle were 60 days and the deal size unknown",
         "advisor explain profiles/online-store.yaml --set sales_cycle_days=60 --set average_deal_size="),
        ("Search changes, but never of the team size", "advisor explain profiles/online-store.yaml --fix sales_team_size"),
    ],
    "compare": [
        ("Several companies side by side", "advisor compare profiles/online-store.yaml profiles/smb-saas.yaml"),
        ("One company under two scenarios",
         "advisor compare profiles/online-store.yaml --scenario sales_team_size=30 --scenario 'market=b2b,sale_type=project'"),
    ],
    "score": [
        ("Every example profile, as a table", "advisor score profiles/"),
        ("A CSV of companies to JSON Lines, without traces", "advisor score companies.csv -f jsonl --no-trace -o scored.jsonl"),
        ("And an HTML report for each, in Ukrainian", "advisor score companies.csv -o scored.csv -f csv --report-dir reports --lang uk"),
        ("Stop at the first bad record", "advisor score companies.csv -f csv --fail-fast -o scored.csv"),
    ],
    "ask": [
        ("The questionnaire, in the locale's language", "advisor ask"),
        ("In Ukrainian, saving the profile where you say", "advisor ask --lang uk -o profiles/acme.yaml"),
        ("Only what a CRM export could not tell", "advisor ask --from profiles/client.yaml"),
        ("Go on after Ctrl-C", "advisor ask --resume"),
        ("Unattended, from a file of answers", "advisor ask --answers answers.yaml -o profiles/acme.yaml"),
    ],
    "derive": [
        ("A profile from a Bitrix24 or amoCRM deals export", "advisor derive deals.csv --currency RUB -o profiles/client.yaml"),
        ("From a shop's order lines", "advisor derive orders.csv.gz --currency GBP"),
        ("A funnel in two files, joined on a key column", "advisor derive leads.csv closed_deals.csv"),
        ("Any other layout, column by column",
         "advisor derive export.csv --preset generic --map created='Date created' --map amount=Sum --currency EUR"),
    ],
    "report": [
        ("A self-contained HTML report", "advisor report profiles/online-store.yaml -o report.html"),
        ("In Russian, as Markdown", "advisor report profiles/online-store.yaml -o report.md --lang ru"),
        ("The whole content as data", "advisor report profiles/online-store.yaml -o plan.json"),
    ],
    "fields": [
        ("The profile fields as a table", "advisor fields"),
        ("As the Markdown table in the README", "advisor fields --markdown"),
    ],
    "rules": [
        ("Start a rule base of your own, check and test it",
         "advisor rules init my-rules && advisor rules check my-rules && advisor rules test my-rules"),
        ("Whose advice your changes move", "advisor rules diff rules my-rules --profiles profiles/"),
    ],
    "rules check": [
        ("The built-in rule base", "advisor rules check"),
        ("Yours, with warnings as errors (for CI)", "advisor rules check my-rules --strict"),
    ],
    "rules init": [
        ("A starting rule base that extends the built-in one", "advisor rules init my-rules"),
    ],
    "rules diff": [
        ("Which example profiles get other advice", "advisor rules diff rules my-rules --profiles profiles/"),
        ("Fail a CI job when any advice changed", "advisor rules diff rules my-rules --profiles profiles/ --exit-code"),
    ],
    "rules test": [
        ("Run the tests of a rule base", "advisor rules test my-rules"),
        ("And require full coverage", "advisor rules test my-rules --min-coverage 100"),
    ],
}


def placeholder(param: _click.Parameter) -> str:
    """The plain word naming what `param` takes: PROFILE, FILE, DIR, N, LANG..."""
    if param.metavar:
        word = param.metavar
    else:
        long = next((o for o in param.opts if o.startswith("--")), "")
        word = PLACEHOLDERS.get(long) or (param.name or "value").upper().replace("_", "-")
    if isinstance(param, TyperArgument) and param.nargs != 1 and not word.endswith("..."):
        word += "..."
    return word


def takes_value(param: _click.Parameter) -> bool:
    return not (getattr(param, "is_flag", False) or getattr(param, "count", False))


def choices_of(param: _click.Parameter) -> list[str]:
    """The values an option accepts, when it names them."""
    descriptor = getattr(param, "type_descriptor", None)  # typer >= 0.20
    found = getattr(descriptor, "choices", None) if descriptor is not None else getattr(param.type, "choices", None)
    return [str(getattr(c, "value", c)) for c in found or ()]


def default_of(param: _click.Parameter) -> str | None:
    """The default worth saying: a value the user would otherwise not know (never None, False or empty)."""
    if getattr(param, "show_default", True) is False or param.required:
        return None
    default = param.default
    if isinstance(param, TyperOption) and param.is_flag and param.secondary_opts:
        return (param.opts if default else param.secondary_opts)[0]
    if default is None or default is False or default == () or default == []:
        return None
    if isinstance(param, TyperOption) and param.is_flag:
        return None
    value = getattr(default, "value", default)
    return f"{value:g}" if isinstance(value, float) else str(value)


def details(param: _click.Parameter) -> str:
    """The bracketed end of a parameter's line: its values, range, default, whether required."""
    parts = []
    choices = choices_of(param)
    said = set((getattr(param, "help", None) or "").replace(",", " ").replace(")", " ").split())
    if choices and not said.issuperset(choices):  # "en, ru or uk" in the text already names them
        parts.append(" | ".join(choices))
    low, high = getattr(param, "min", None), getattr(param, "max", None)
    if low is not None and high is not None:
        parts.append(f"{low} to {high}")
    elif low is not None:
        parts.append(f"at least {low}")
    if getattr(param, "multiple", False) and "repeat" not in (getattr(param, "help", None) or ""):
        parts.append("repeatable")
    default = default_of(param)
    if default is not None:
        parts.append(f"default: {default}")
    if param.required and isinstance(param, TyperOption):
        parts.append("required")
    return f"[{'; '.join(parts)}]" if parts else ""


def usage(command: _click.Command, ctx: _click.Context) -> str:
    """`advisor recommend [OPTIONS] PROFILE`: arguments by their words, optional ones in brackets."""
    pieces = [ctx.command_path, "[OPTIONS]"]
    for param in command.get_params(ctx):
        if isinstance(param, TyperArgument):
            word = placeholder(param)
            pieces.append(word if param.required else f"[{word}]")
    if isinstance(command, TyperGroup):
        pieces.append("COMMAND [ARGS]...")
    return " ".join(pieces)


def first_paragraph(text: str | None) -> str:
    return " ".join((text or "").strip().split("\n\n")[0].split())


def render_help(command: _click.Command, ctx: _click.Context) -> None:
    """Print `command`'s help on the run's stdout: usage, description, arguments, options, commands, examples."""
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    from advisor.cli.app import env

    def grid() -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(no_wrap=True)
        table.add_column(overflow="fold")
        return table

    def described(param: _click.Parameter) -> Text:
        extra = details(param)
        return Text(getattr(param, "help", None) or "") + Text((" " + extra) if extra else "", style="dim")

    blocks: list[tuple[str, Any]] = []  # (heading, renderable)
    description = " ".join((command.help or "").split())
    if description:
        blocks.append(("", Padding(Text(description), (0, 0, 0, 2))))
    params = command.get_params(ctx)
    arguments = [p for p in params if isinstance(p, TyperArgument) and not p.hidden]
    options = [p for p in params if isinstance(p, TyperOption) and not p.hidden]
    if arguments:
        table = grid()
        for param in arguments:
            table.add_row(Text("  " + placeholder(param), style="cyan"), described(param))
        blocks.append(("Arguments:", table))
    if options:
        table = grid()
        for param in options:
            names = sorted((o for o in param.opts if o not in HIDDEN_ALIASES), key=lambda n: n.startswith("--"))
            label = Text("  " + " / ".join([", ".join(names), *param.secondary_opts]), style="cyan")
            if takes_value(param):
                label.append(" " + placeholder(param), style="green")
            table.add_row(label, described(param))
        blocks.append(("Options:", table))
    if isinstance(command, TyperGroup):
        table = grid()
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                table.add_row(Text("  " + name, style="cyan"), Text(first_paragraph(sub.short_help or sub.help)))
        blocks.append(("Commands:", table))

    console = env().console(highlight=False)
    with console.capture() as captured:
        console.print(Text.assemble(("Usage: ", "bold"), usage(command, ctx)))
        for title, block in blocks:
            console.print()
            if title:
                console.print(Text(title, style="bold"))
            console.print(block)
        examples = EXAMPLES.get(" ".join(ctx.command_path.split()[1:]), [])
        if examples:
            console.print()
            console.print(Text("Examples:", style="bold"))
            for what, line in examples:
                console.print(Text("  # " + what, style="dim"), soft_wrap=True)
                console.print(Text("  " + line, style="green"), soft_wrap=True)  # whole, to copy and paste
    # rich pads table cells to the column's width: no trailing blanks in a terminal or a file
    env().stdout.write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))


def show_help(ctx: _click.Context, param: _click.Parameter, value: bool) -> None:
    """-h, --help: the help on the run's stdout (click's own callback would add a blank line after it)."""
    if value and not ctx.resilient_parsing:
        render_help(ctx.command, ctx)
        ctx.exit()


class PlainHelp:
    """`render_help`'s help and usage line for a click command (mixed into both classes below)."""

    def format_help(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        render_help(self, ctx)

    def get_help_option(self, ctx: _click.Context) -> TyperOption | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.callback = show_help
        return option

    def collect_usage_pieces(self, ctx: _click.Context) -> list[str]:
        return usage(self, ctx).split(" ")[len(ctx.command_path.split()):]


class AdvisorCommand(PlainHelp, TyperCommand):
    """A command with plain-word help and examples."""


class AdvisorGroup(PlainHelp, TyperGroup):
    """A command group with plain-word help; the root one (see `lazy`) builds commands as they are needed."""

    # command name -> module (under advisor.cli) that defines it, in the order help lists them; the
    # root group sets it, a sub-group (rules) gets its few commands built at once.
    lazy: dict[str, str] = {}
    typer_app: Any = None  # the typer.Typer whose registered commands `lazy` refers to

    def list_commands(self, ctx: _click.Context) -> list[str]:
        return list(dict.fromkeys([*self.lazy, *self.commands]))

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        command = self.commands.get(cmd_name)
        if command is None and cmd_name in self.lazy:
            command = self.commands[cmd_name] = self._build(cmd_name)
        return command

    def resolve_command(self, ctx: _click.Context, args: list[str]):
        try:
            return self._click_resolve_command(ctx, args)
        except _click.exceptions.UsageError as error:
            from difflib import get_close_matches

            matches = get_close_matches(args[0], self.list_commands(ctx)) if args else []
            if matches:
                error.message = f"{error.message.rstrip('.')}. Did you mean {', '.join(repr(m) for m in matches)}?"
            raise

    def _build(self, name: str) -> _click.Command:
        """Import the module of command `name` (it registers itself on `typer_app`) and build that one command."""
        from typer.main import get_command_from_info, get_command_name, get_group_from_info

        importlib.import_module(f"advisor.cli.{self.lazy[name]}")
        app = self.typer_app
        for info in app.registered_commands:
            if (info.name or get_command_name(info.callback.__name__)) == name:
                if info.cls is None:  # a command declared without cls still gets this help
                    info.cls = AdvisorCommand
                return get_command_from_info(info, pretty_exceptions_short=app.pretty_exceptions_short,
                                             rich_markup_mode=app.rich_markup_mode)
        for group in app.registered_groups:
            if group.name == name:
                return get_group_from_info(group, pretty_exceptions_short=app.pretty_exceptions_short,
                                           rich_markup_mode=app.rich_markup_mode,
                                           suggest_commands=app.suggest_commands)
        raise LookupError(f"advisor.cli.{self.lazy[name]} defines no command {name!r}")


class AdvisorTyper(typer.Typer):
    """A typer app whose commands print `render_help`'s help."""

    def command(self, *args: Any, cls: type[TyperCommand] = AdvisorCommand, **kwargs: Any) -> Any:
        return super().command(*args, cls=cls, **kwargs)

"""`advisor derive` end to end: read, choose the preset, map columns, measure, write the profile."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from advisor.derive.metrics import DEFINITIONS, Derivation
from advisor.derive.presets import PRESETS, ROLES, Preset, detect
from advisor.errors import ExitStatus, UsageError
from advisor.profile import EVIDENCE_FIELDS, FIELD_NAMES, validate_profile
from advisor.suggest import did_you_mean


def parse_maps(maps: list[str], header: list[str]) -> dict[str, str]:
    """`--map role=column` options, checked against the roles and the file's header."""
    mapping = {}
    stripped = {h.strip(): h for h in header}
    for item in maps:
        role, sep, column = item.partition("=")
        role, column = role.strip(), column.strip()
        if not sep or not role or not column:
            raise UsageError(f"--map takes role=column, got {item!r}")
        if role not in ROLES:
            raise UsageError(f"--map {item}: '{role}' is not a role; roles: {', '.join(ROLES)}{did_you_mean(role, ROLES)}")
        if column not in stripped:
            raise UsageError(f"--map {item}: no column '{column}' in the file{did_you_mean(column, list(stripped))}; "
                             f"columns: {', '.join(stripped)}")
        mapping[role] = stripped[column]
    return mapping


def choose_preset(name: str, header: list[str]) -> tuple[Preset, bool]:
    if name != "auto":
        return PRESETS[name], False
    preset, _ = detect(header)
    if preset is None:
        raise UsageError(
            "could not tell the export's layout (no known creation-date column); use --preset generic with "
            f"--map created=COLUMN (and stage=, amount=, client=, closed=); columns: {', '.join(header)}"
        )
    return preset, True


def profile_document(name: str, derivation: Derivation, source: dict[str, Any]) -> dict[str, Any]:
    """The profile mapping: the derived fields, then `derived_from` with how each was measured."""
    profile: dict[str, Any] = {"name": name}
    for field in FIELD_NAMES:
        if field in derivation.values:
            profile[field] = derivation.values[field]
    if derivation.currency:
        profile["currency"] = derivation.currency
    unknown = [f for f in EVIDENCE_FIELDS if f not in derivation.values]
    profile["derived_from"] = {
        **source,
        "rows_read": derivation.rows_read,
        "rows_skipped": dict(derivation.rows_skipped),
        "values_unreadable": dict(derivation.values_unreadable),
        "date_range": [str(d) for d in derivation.date_range] if derivation.date_range else None,
        "full_months": (f"{len(derivation.full_months)} ({derivation.full_months[0]}..{derivation.full_months[-1]})"
                        if derivation.full_months else 0),
        "date_formats": derivation.date_formats,
        "figures": {f: derivation.how[f] for f in FIELD_NAMES if f in derivation.how},
        "unknown": {f: derivation.why_unknown.get(f, "not in a CRM or order export") for f in unknown},
        "definitions": DEFINITIONS,
    }
    return profile


def run_derive(
    export_path: str,
    *,
    preset_name: str,
    maps: list[str],
    currency: str | None,
    name: str | None,
    output: Path | None,
    say: Callable[[str], None],
    write_stdout: Callable[[str], None],
    rates: dict[str, float],
) -> int:
    import yaml

    from advisor.derive.metrics import derive
    from advisor.derive.reading import open_export

    if currency is not None and currency.upper() not in rates:
        raise UsageError(f"--currency {currency}: not in the rule base's rate table{did_you_mean(currency.upper(), rates)}")
    path = Path(export_path)
    if output is not None and output.resolve() == path.resolve():
        raise UsageError("--output is the export itself; the input is never overwritten", file=str(output))
    opened = open_export(path)
    header = opened.header
    preset, detected = choose_preset(preset_name, header)
    mapping = {**preset.match(header), **parse_maps(maps, header)}
    if "created" not in mapping:
        raise UsageError(f"preset {preset.name}: no creation-date column ({', '.join(preset.columns['created'])}); "
                         f"map one with --map created=COLUMN; columns: {', '.join(header)}", file=str(path))
    export = opened.read(list(mapping.values()))
    derivation = derive(export, preset, mapping, currency)
    if derivation.currency and derivation.currency not in rates:
        derivation.why_unknown["currency"] = f"currency {derivation.currency} is not in the rule base's rate table"
        derivation.values.pop("average_deal_size", None)
        derivation.currency = None
    source = {
        "file": str(path),
        "preset": preset.name + (" (detected)" if detected else ""),
        "columns": {role: mapping[role] for role in ROLES if role in mapping},
        "encoding": export.encoding,
        "derived_on": dt.date.today().isoformat(),
    }
    document = profile_document(name or path.name.split(".")[0], derivation, source)
    validate_profile(document, file=str(path))  # what is written reads back
    text = (f"# Derived by advisor derive from {path.name}. Fields left out are unknown; complete them with:\n"
            f"#   advisor ask --from {output or 'PROFILE.yaml'}\n"
            + yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=110))
    if output is None:
        write_stdout(text)
    else:
        from advisor.writers import atomic_output

        with atomic_output(output) as stream:
            stream.write(text)
    _summary(say, preset, detected, mapping, derivation, output)
    bad = sum(derivation.values_unreadable.values()) + derivation.rows_skipped.get("unreadable creation date", 0)
    return int(ExitStatus.BAD_RECORDS if bad else ExitStatus.OK)


def _summary(say: Callable[[str], None], preset: Preset, detected: bool, mapping: dict[str, str],
             derivation: Derivation, output: Path | None) -> None:
    columns = ", ".join(f"{role}={column}" for role, column in mapping.items())
    say(f"preset: {preset.name}{' (detected from the header)' if detected else ''}; columns: {columns}")
    skipped = "; ".join(f"{reason}: {count:,}" for reason, count in derivation.rows_skipped.items()) or "none"
    say(f"rows read {derivation.rows_read:,}; left out: {skipped}")
    for column, count in derivation.values_unreadable.items():
        say(f"{column}: {count:,} values could not be read as numbers")
    if derivation.date_range:
        say(f"dates {derivation.date_range[0]}..{derivation.date_range[1]}; "
            f"{len(derivation.full_months)} full months")
    for field in FIELD_NAMES:
        if field in derivation.values:
            say(f"  {field} = {derivation.values[field]:g}   ({derivation.how.get(field, '')})")
    unknown = [f for f in EVIDENCE_FIELDS if f not in derivation.values]
    say("unknown: " + ", ".join(unknown))
    if not derivation.currency and "average_deal_size" in derivation.values:
        say("currency: not in the export; the profile says USD unless you pass --currency")
    say(f"complete it: advisor ask --from {output or 'PROFILE.yaml'}")

"""`advisor derive` end to end: read, choose the preset, map columns, measure, write the profile."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from advisor.derive.metrics import DEFINITIONS, Derivation
from advisor.derive.presets import DEAL_ROLES, PRESETS, ROLES, Preset, detect
from advisor.errors import ExitStatus, UsageError
from advisor.i18n import tr
from advisor.wording import Wording as Translator
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


def _stripped(header: list[str]) -> dict[str, str]:
    return {h.strip().lstrip("\ufeff"): h for h in header}


def resolve_columns(preset: Preset, headers: list[list[str]], maps: list[str]) -> tuple[dict, dict, tuple[str, str] | None]:
    """(roles of the first file, roles of the second, the join key in each): role -> the file's column."""
    union = list(dict.fromkeys(h for header in headers for h in header))
    user = parse_maps(maps, union)
    if len(headers) == 1:
        return {**preset.match(headers[0]), **user}, {}, None
    leads_header, deals_header = (_stripped(h) for h in headers)
    lead_match, deal_match = preset.match(headers[0]), preset.match(headers[1])
    leads = {r: c for r, c in lead_match.items() if r not in ("key", "id") and (r not in DEAL_ROLES or r not in deal_match)}
    deals = {r: c for r, c in deal_match.items() if r in DEAL_ROLES or (r == "client" and r not in lead_match)}
    for role, column in user.items():
        if role == "key":
            continue
        leads.pop(role, None)
        deals.pop(role, None)
        in_deals, in_leads = column.strip() in deals_header, column.strip() in leads_header
        if in_deals and (role in DEAL_ROLES or not in_leads):
            deals[role] = deals_header[column.strip()]
        else:
            leads[role] = leads_header[column.strip()]
    if "key" in user:
        name = user["key"].strip()
        if name not in leads_header or name not in deals_header:
            raise UsageError(f"--map key={name}: the key column must be in both files")
        keys = (leads_header[name], deals_header[name])
    elif "key" in lead_match and "key" in deal_match:
        keys = (lead_match["key"], deal_match["key"])
    else:
        common = [h for h in leads_header if h in deals_header]
        if len(common) != 1:
            raise UsageError("two files are joined on a column both have; name it with --map key=COLUMN"
                             + (f" (both have: {', '.join(common)})" if common else " (they have none in common)"))
        keys = (leads_header[common[0]], deals_header[common[0]])
    return leads, deals, keys


def profile_name(name: str | None, company: tuple[str | None, int], path: Path) -> tuple[str, str, dict[str, Any]]:
    """(the profile's name, the catalogue key saying where it came from, its values).

    --name, else the company column's one value, else the file's stem."""
    if name:
        return name, "derive.name_from.option", {}
    only, count = company
    if only is not None:
        return only, "derive.name_from.company", {}
    stem = path.name.split(".")[0]
    if count > 1:
        return stem, "derive.name_from.file_many", {"count": count}
    return stem, "derive.name_from.file", {}


def number(value: float | int, lang: str) -> str:
    """A count or figure as the language writes it: 1,234.5 in English, 1 234,5 in Russian and Ukrainian."""
    text = f"{value:,}" if isinstance(value, int) else f"{value:,.4f}".rstrip("0").rstrip(".")
    if lang == "en":
        return text
    return text.replace(",", "\u00a0").replace(".", ",")


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
        "first_unreadable": {column: f"{where}: {value}" for column, (where, value) in derivation.first_bad.items()},
        "date_range": [str(d) for d in derivation.date_range] if derivation.date_range else None,
        "full_months": (f"{len(derivation.full_months)} ({derivation.full_months[0]}..{derivation.full_months[-1]})"
                        if derivation.full_months else 0),
        "date_formats": derivation.date_formats,
        "figures": {f: derivation.how[f] for f in FIELD_NAMES if f in derivation.how},
        "also_measured": derivation.also_measured,
        "unknown": {f: derivation.why_unknown.get(f, "not in a CRM or order export") for f in unknown},
        "definitions": DEFINITIONS,
    }
    return profile


def run_derive(
    exports: list[str],
    *,
    preset_name: str,
    maps: list[str],
    currency: str | None,
    name: str | None,
    all_won: bool,
    output: Path | None,
    lang: str = "en",
    say: Callable[[str], None],
    write_stdout: Callable[[str], None],
    rates: dict[str, float],
) -> int:
    import yaml

    from advisor.derive.joining import every_row_won, join_funnel
    from advisor.derive.metrics import derive
    from advisor.derive.reading import open_export

    if currency is not None and currency.upper() not in rates:
        raise UsageError(f"--currency {currency}: not in the rule base's rate table{did_you_mean(currency.upper(), rates)}")
    if not 1 <= len(exports) <= 2:
        raise UsageError("give one export, or a leads file and a deals file joined on a key column")
    paths = [Path(e) for e in exports]
    if output is not None and any(output.resolve() == path.resolve() for path in paths):
        raise UsageError("--output is the export itself; the input is never overwritten", file=str(output))
    opened = [open_export(path) for path in paths]
    headers = [o.header for o in opened]
    preset, detected = choose_preset(preset_name, list(dict.fromkeys(h for header in headers for h in header)))
    if len(paths) == 2 and preset.kind == "orders":
        raise UsageError("an order export is one file: every order is a sale, with no leads file before it")
    leads_roles, deals_roles, keys = resolve_columns(preset, headers, maps)
    if "created" not in leads_roles:
        raise UsageError(f"preset {preset.name}: no creation-date column ({', '.join(preset.columns.get('created', ()))})"
                         f"{' in the leads file' if keys else ''}; map one with --map created=COLUMN; "
                         f"columns: {', '.join(headers[0])}", file=str(paths[0]))
    if not keys and leads_roles.get("closed") == leads_roles["created"]:
        leads_roles.pop("closed")  # one date for both: no cycle to measure, and none to read twice
    company_role = leads_roles.pop("company", None)
    lead_export = opened[0].read([*leads_roles.values(), *([keys[0]] if keys else []),
                                  *([company_role] if company_role else [])])
    company = _company_names(lead_export, company_role)
    skipped, deal_export = None, None
    if keys:
        deal_export = opened[1].read([*deals_roles.values(), keys[1]])
        funnel_won = all_won or preset.kind == "funnel" or not ({"stage", "won_flag"} & set(deals_roles))
        export, mapping, skipped = join_funnel(lead_export, deal_export, leads_roles, deals_roles, keys,
                                               all_won=funnel_won)
        columns = {**leads_roles, **{r: f"{c} ({paths[1].name})" for r, c in deals_roles.items()},
                   "key": keys[0] if keys[0] == keys[1] else f"{keys[0]} = {keys[1]} ({paths[1].name})"}
    else:
        export, mapping, columns = lead_export, leads_roles, dict(leads_roles)
        funnel_won = all_won
        if all_won:
            mapping = every_row_won(export, mapping)
    derivation = derive(export, preset, mapping, currency)
    if keys:  # two files: rows read in both, and the rows the join left out
        derivation.rows_read = lead_export.frame.height + deal_export.frame.height
        derivation.rows_skipped.update({k: v for k, v in skipped.items() if v})
    if all_won and not keys and preset.kind != "orders" and "leads_per_month" in derivation.values:
        del derivation.values["leads_per_month"], derivation.how["leads_per_month"]
        derivation.why_unknown["leads_per_month"] = ("every row is a won deal: the leads that were not won are not "
                                                     "in the file (give the leads file first, then this one)")
    if keys and funnel_won and "close_rate" in derivation.values:
        derivation.how["close_rate"] = (f"leads with a won deal / all leads: {derivation.how['close_rate']}, "
                                        "a lead with no won deal counted as lost")
    if derivation.currency and derivation.currency not in rates:
        derivation.why_unknown["average_deal_size"] = f"currency {derivation.currency} is not in the rule base's rate table"
        derivation.values.pop("average_deal_size", None)
        derivation.currency = None
    profile_label, name_key, name_values = profile_name(name, company, paths[0])
    source = {
        "file": str(paths[0]) if len(paths) == 1 else [str(p) for p in paths],
        "preset": preset.name + (" (detected)" if detected else ""),
        "columns": {role: columns[role] for role in ROLES if role in columns},
        "every_row_won": bool(funnel_won),
        **({"rows_per_file": {p.name: e.frame.height for p, e in zip(paths, (lead_export, deal_export))}} if keys else {}),
        "encoding": lead_export.encoding,
        "name_from": tr(name_key, "en", **name_values),
        "derived_on": dt.date.today().isoformat(),
    }
    document = profile_document(profile_label, derivation, source)
    validate_profile(document, file=str(paths[0]))  # what is written reads back
    text = (f"# Derived by advisor derive from {', '.join(p.name for p in paths)}. Fields left out are unknown; "
            f"complete them with:\n#   advisor ask --from {output or 'PROFILE.yaml'}\n"
            + yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=110))
    if output is None:
        write_stdout(text)
    else:
        from advisor.writers import atomic_output

        with atomic_output(output) as stream:
            stream.write(text)
    t = Translator(lang)
    _summary(say, t, preset, detected, columns, derivation, output, profile_label, t(name_key, **name_values))
    bad = sum(derivation.values_unreadable.values()) + derivation.rows_skipped.get("unreadable creation date", 0)
    return int(ExitStatus.BAD_RECORDS if bad else ExitStatus.OK)


def _company_names(export: Any, column: str | None) -> tuple[str | None, int]:
    """(the company column's value if it holds one, how many different values it holds)."""
    if column is None:
        return None, 0
    values = export.frame.get_column(column).drop_nulls().str.strip_chars()
    values = values.filter(values != "").unique()
    return (str(values[0]) if values.len() == 1 else None), values.len()


def _summary(say: Callable[[str], None], t: Translator, preset: Preset, detected: bool, mapping: dict[str, str],
             derivation: Derivation, output: Path | None, name: str, name_from: str) -> None:
    """What was read and measured, on stderr in the user's language; the counts behind each figure are
    quoted as the profile records them (in English, as JSON output keeps English)."""
    n = functools.partial(number, lang=t.lang)
    columns = ", ".join(f"{role}={column}" for role, column in mapping.items())
    say(t("derive.preset", preset=preset.name, detected=t("derive.detected") if detected else "", columns=columns))
    say(t("derive.name", name=name, source=name_from))
    skipped = "; ".join(f"{reason}: {n(count)}" for reason, count in derivation.rows_skipped.items())
    say(t("derive.rows", rows=n(derivation.rows_read), skipped=skipped or t("derive.none")))
    for column, count in derivation.values_unreadable.items():
        where, value = derivation.first_bad[column]
        say(t("derive.bad_number", where=where, column=column, value=value, count=n(count)))
    created = mapping.get("created")
    if created in derivation.first_bad:
        where, value = derivation.first_bad[created]
        say(t("derive.bad_date", where=where, column=created, value=value,
              count=n(derivation.rows_skipped.get("unreadable creation date", 0))))
    if derivation.date_range:
        first, last = derivation.date_range
        say(t("derive.dates", first=first, last=last, months=n(len(derivation.full_months))))
    for field in FIELD_NAMES:
        if field in derivation.values:
            say(f"  {field} = {n(derivation.values[field])}   ({derivation.how.get(field, '')})")
    for group, figures in derivation.also_measured.items():
        say(f"  {t(f'derive.measured.{group}')}: " + ", ".join(
            f"{k} = {n(v) if isinstance(v, (int, float)) else v}" for k, v in figures.items()))
    unknown = [f for f in EVIDENCE_FIELDS if f not in derivation.values]
    say(t("derive.unknown", fields=", ".join(unknown) or t("derive.none")))
    if derivation.unnamed_currency:
        mean, count = derivation.unnamed_currency
        say(t("derive.no_currency", mean=n(round(mean, 2)), count=n(count)))
    say(t("derive.complete", path=output or "PROFILE.yaml"))

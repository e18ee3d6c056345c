"""The company profile: the single source of truth for field names, types, units and help.

The questionnaire, CSV headers, docs and validation all read `FIELDS`, built from the
pydantic model below. Every field but `name` is optional: a missing value is *unknown*
(None), never zero or false, and rules over an unknown field do not fire.
"""

# Annotations are evaluated as the classes are made, not kept as text (no `from __future__ import
# annotations`): pydantic would compile each field's text again on every start (about 3 M
# instructions).

import math
import re
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from advisor.errors import ProfileError
from advisor.slotted import _set, slotted
from advisor.suggest import did_you_mean

# Values a spreadsheet or a founder writes for "I don't know".
UNKNOWN_MARKERS = frozenset(
    {"", "?", "-", "n/a", "na", "unknown", "none", "null", "не знаю", "неизвестно", "невідомо"}
)
# Yes and no as spreadsheets and founders write them (en, ru, uk, lv); the questionnaire,
# the CRM presets and the profile all read these.
YES_WORDS = frozenset({"true", "yes", "y", "1", "on", "да", "так", "jā"})
NO_WORDS = frozenset({"false", "no", "n", "0", "off", "нет", "ні", "nē"})
_GROUP_SEPARATORS = str.maketrans("", "", " \u00a0\u202f\u2009'")
_SPACES = str.maketrans("", "", "\u00a0\u202f\u2009")  # the group separators that are not ASCII
# Larger than any real count, amount or ratio, and small enough that the arithmetic after
# (staffing, currency conversion) never overflows: 1e308 leads is a typo or an attack.
MAX_MAGNITUDE = 1e12
MAX_NAME = 500  # characters of a profile name
# C0 and C1 control characters: an escape sequence in a name would reach a terminal or a report
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def shown(value: Any, limit: int = 60) -> str:
    """A value as an error message quotes it: short, whatever its size (a 5,000-digit number, a 200 MB string)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**30:
        return f"a number of about {int(value.bit_length() * 0.30103) + 1:,} digits"
    if isinstance(value, str) and len(value) > limit:
        return repr(value[:limit]) + f"… ({len(value):,} characters)"
    if isinstance(value, (dict, list, tuple)):
        return f"a {type(value).__name__} of {len(value):,} items"
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def parse_number(text: str, decimal: str = ".") -> float:
    """A number as people type it: '1 200,5' with decimal=',' or '1,200.5' with '.'.

    Only ASCII digits: float() would also take '1_000', Arabic-Indic and full-width digits,
    which no spreadsheet writes and which hide what a cell really holds.
    """
    if not text.isascii() or "_" in text:
        text = text.translate(_SPACES)
        if not text.isascii() or "_" in text:
            raise ValueError("not a number in ASCII digits")
    if decimal == ".":
        try:  # the common case, '1200.5': float() reads exactly what the steps below would
            value = float(text)
        except ValueError:
            pass
        else:
            if not math.isfinite(value):
                raise ValueError("not a finite number")
            return value
    cleaned = text.strip().translate(_GROUP_SEPARATORS)
    if decimal == ",":
        cleaned = cleaned.replace(".", "").replace(",", ".") if "," in cleaned else cleaned
    elif "," in cleaned:
        # a comma with a dot decimal is a thousands separator only in groups of three
        if "." not in cleaned and not re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+", cleaned):
            cleaned = cleaned.replace(",", ".")  # '0,35' typed on a Russian keyboard
        else:
            cleaned = cleaned.replace(",", "")
    value = float(cleaned)  # ValueError for anything else
    if not math.isfinite(value):
        raise ValueError("not a finite number")
    return value


def _is_unknown(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip().lower() in UNKNOWN_MARKERS)


def _finite(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("expected a number, not true/false")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("not a finite number (NaN or infinity)")
    if isinstance(value, str):
        try:
            value = parse_number(value)
        except ValueError:
            raise ValueError(f"expected a number, got {shown(value)}") from None
    if isinstance(value, (int, float)) and abs(value) > MAX_MAGNITUDE:
        raise ValueError(f"{shown(value)} is out of range: numbers are at most {MAX_MAGNITUDE:.0e}")
    return value


def _text(value: Any) -> Any:
    """A name: no control characters (an escape sequence must not reach a terminal), bounded length."""
    if isinstance(value, str):
        value = value.strip()
        if len(value) > MAX_NAME:
            raise ValueError(f"a name of {len(value):,} characters; at most {MAX_NAME}")
        bad = _CONTROL.search(value)
        if bad:
            raise ValueError(f"control character \\x{ord(bad.group()):02x} at position {bad.start() + 1}: "
                             "names are plain text")
    return value


def _share(value: Any) -> Any:
    """A share: a percent with `%` or above 1 (`35%`, `35`), a fraction from 0 to 1 (`0.35`; `1` is 100%)."""
    if isinstance(value, str):
        text = value.strip()
        if text.endswith("%"):
            try:
                number = parse_number(text[:-1])
            except ValueError:
                raise ValueError(f"expected a share such as 0.35 or '35%', got {shown(value)}") from None
            if not 0 <= number <= 100:
                raise ValueError(f"a share is 0-100%, got {shown(value)}")
            return number / 100
        try:
            value = parse_number(text)
        except ValueError:
            raise ValueError(f"expected a share such as 0.35 or '35%', got {shown(value)}") from None
    value = _finite(value)
    if isinstance(value, (int, float)) and 1 < value <= 100:
        return value / 100  # above 1: a percent, the same rule as the questionnaire's
    if isinstance(value, (int, float)) and value > 100:
        raise ValueError(f"a share is 0-1, or a percent up to 100%, got {value:g}")
    return value


def _integer(value: Any) -> Any:
    value = _finite(value)
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"expected a whole number, got {value:g}")
        return int(value)
    return value


def _choice(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


def _boolean(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip().lower()
        if text in YES_WORDS:
            return True
        if text in NO_WORDS:
            return False
        raise ValueError(f"expected yes or no, got {shown(value)}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value in (0, 1):
            return bool(value)
        raise ValueError(f"expected yes or no, got {shown(value)}")
    return value


def _code(length: int, standard: str, examples: str):
    """A validator for an upper-case letter code (currency, country), messages escaped and cut by shown()."""
    def check(value: Any) -> Any:
        if isinstance(value, str):
            code = value.strip().upper()
            if not re.fullmatch(rf"[A-Z]{{{length}}}", code):
                raise ValueError(f"expected a {'two' if length == 2 else 'three'}-letter {standard} code such as "
                                 f"{examples}, got {shown(value)}")
            return code
        return value

    return check


_currency = _code(3, "ISO 4217", "USD")
_country = _code(2, "ISO 3166", "DE or UA")


Share = Annotated[float, BeforeValidator(_share), Field(ge=0, le=1)]
Number = Annotated[float, BeforeValidator(_finite)]
Integer = Annotated[int, BeforeValidator(_integer)]
Flag = Annotated[bool, BeforeValidator(_boolean)]
Market = Annotated[Literal["b2b", "b2c", "mixed"], BeforeValidator(_choice)]
SaleType = Annotated[Literal["transactional", "consultative", "project"], BeforeValidator(_choice)]
Channel = Annotated[Literal["direct", "indirect", "mixed"], BeforeValidator(_choice)]
Offering = Annotated[Literal["goods", "services", "saas"], BeforeValidator(_choice)]
SaleLocation = Annotated[Literal["premises", "remote_or_field"], BeforeValidator(_choice)]
Currency = Annotated[str, BeforeValidator(_currency)]
Name = Annotated[str, BeforeValidator(_text)]


Country = Annotated[str, BeforeValidator(_country)]


def _meta(kind: str, unit: str, help: str, **extra: Any) -> dict[str, Any]:
    return {"json_schema_extra": {"kind": kind, "unit": unit, "help": help, **extra}}


class Profile(BaseModel):
    """What the advisor knows about a company. None means unknown."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True, defer_build=True)

    name: Name = Field(min_length=1, **_meta("text", "", "The company or profile name."))
    sales_team_size: Integer | None = Field(
        None, ge=0, **_meta("integer", "people", "People who sell today; 0 = no sales department, the founder sells.")
    )
    leads_per_month: Number | None = Field(
        None, ge=0, **_meta("number", "leads/month", "Inbound requests plus generated leads in an average month.")
    )
    qualified_lead_share: Share | None = Field(
        None, **_meta("share", "share", "Share of those leads that are target and ready to buy.")
    )
    seasonality_peak_ratio: Number | None = Field(
        None, ge=1, **_meta("number", "ratio", "Leads in the busiest month / leads in an average month (1 = flat).")
    )
    repeat_sales_share: Share | None = Field(
        None, **_meta("share", "share", "Share of revenue from clients who bought before.")
    )
    average_deal_size: Number | None = Field(
        None, gt=0, **_meta("number", "currency", "Average deal (check) value, in `currency`.")
    )
    currency: Currency = Field(
        "USD", **_meta("currency", "ISO 4217", "Currency of `average_deal_size`; default USD.")
    )
    sales_cycle_days: Number | None = Field(
        None, ge=0, **_meta("number", "days", "Typical days from first contact to payment.")
    )
    deals_per_month: Number | None = Field(None, ge=0, **_meta("number", "deals/month", "Won deals per month."))
    close_rate: Share | None = Field(None, **_meta("share", "share", "Won / (won + lost)."))
    market: Market | None = Field(None, **_meta("choice", "", "Who buys: businesses (b2b), consumers (b2c) or both."))
    sale_type: SaleType | None = Field(
        None,
        **_meta(
            "choice",
            "",
            "transactional: ready product, the client picks and pays; consultative: needs discovery "
            "and a proposal; project: many specialists or firms take part.",
        ),
    )
    channel: Channel | None = Field(
        None, **_meta("choice", "", "direct: own managers sell; indirect: through partners, dealers, agents.")
    )
    outbound_share: Share | None = Field(
        None, **_meta("share", "share", "Share of new business won by active outbound work (cold calls, visits).")
    )
    regional: Flag | None = Field(
        None,
        **_meta("boolean", "", "Sells across regions through regional clients, partners or distributors."),
    )
    organization_stage: Integer | None = Field(
        None,
        ge=1,
        le=4,
        **_meta(
            "integer",
            "stage",
            "1 start (sellers do everything), 2 mechanisation (back office takes routine work), "
            "3 internal entrepreneurship (call centre serves regular clients), 4 quality management "
            "(everything measured).",
        ),
    )
    active_clients: Integer | None = Field(
        None, ge=0, **_meta("integer", "clients", "Clients who bought in the last 12 months.")
    )
    offering: Offering | None = Field(None, **_meta("choice", "", "What is sold: goods, services or SaaS."))
    sale_location: SaleLocation | None = Field(
        None,
        **_meta(
            "choice",
            "",
            "Where most sales are made. premises: the client comes to you and buys face to face there "
            "(a clinic, a car dealer, a gym, a sales office); remote_or_field: you reach the client, "
            "remotely or at the client's site.",
        ),
    )
    # for the staffing plan's economics (advisor report); unknown: the rule base's cited levels are assumed
    gross_margin: Share | None = Field(
        None, **_meta("share", "share", "Gross profit / revenue: what is left of a sale after the cost of the goods or service.")
    )
    monthly_cost_per_seller: Number | None = Field(
        None, gt=0, **_meta("number", "currency", "What one seller costs the company a month, all in (pay, taxes, "
                            "tools), in `currency`; other roles are priced from it.")
    )
    self_service_share: Share | None = Field(
        None, **_meta("share", "share", "Share of won deals placed without a seller (web shop, marketplace, self-checkout); "
                      "not seller workload.")
    )
    country: Country | None = Field(
        None, **_meta("country", "ISO 3166", "Where the sales team works (two letters, e.g. UA, DE); chooses the "
                      "cost level when the seller's cost is unknown.")
    )


@slotted(frozen=True)
class FieldSpec:
    """One profile field as the questionnaire, CSV headers and rule checks see it."""

    __slots__ = ("name", "kind", "unit", "help", "required", "choices", "minimum", "maximum", "exclusive_minimum")
    name: str
    kind: str  # text, integer, number, share, choice, boolean, currency
    unit: str
    help: str
    required: bool
    choices: tuple[str, ...]
    minimum: float | None
    maximum: float | None
    exclusive_minimum: bool

    def __init__(self, name: str, kind: str, unit: str, help: str, required: bool, choices: tuple[str, ...] = (),
                 minimum: float | None = None, maximum: float | None = None, exclusive_minimum: bool = False) -> None:
        _set(self, "name", name)
        _set(self, "kind", kind)
        _set(self, "unit", unit)
        _set(self, "help", help)
        _set(self, "required", required)
        _set(self, "choices", choices)
        _set(self, "minimum", minimum)
        _set(self, "maximum", maximum)
        _set(self, "exclusive_minimum", exclusive_minimum)

    @property
    def numeric(self) -> bool:
        return self.kind in ("integer", "number", "share")


def _build_specs() -> dict[str, FieldSpec]:
    specs: dict[str, FieldSpec] = {}
    for name, info in Profile.model_fields.items():
        extra = info.json_schema_extra or {}
        assert isinstance(extra, dict)
        kind = str(extra["kind"])
        choices: tuple[str, ...] = ()
        minimum = maximum = None
        exclusive = False
        for item in info.metadata:
            if getattr(item, "ge", None) is not None:
                minimum = float(item.ge)
            if getattr(item, "gt", None) is not None:
                minimum, exclusive = float(item.gt), True
            if getattr(item, "le", None) is not None:
                maximum = float(item.le)
        if kind == "choice":
            for arg in get_args(info.annotation):
                inner = get_args(arg)
                if inner:
                    literal = get_args(inner[0])
                    if literal:
                        choices = tuple(str(x) for x in literal)
        if kind == "share":
            minimum, maximum = 0.0, 1.0
        specs[name] = FieldSpec(
            name=name,
            kind=kind,
            unit=str(extra["unit"]),
            help=str(extra["help"]),
            required=info.is_required(),
            choices=choices,
            minimum=minimum,
            maximum=maximum,
            exclusive_minimum=exclusive,
        )
    return specs


FIELDS: dict[str, FieldSpec] = _build_specs()
FIELD_NAMES: tuple[str, ...] = tuple(FIELDS)
# Fields the staffing plan's economics read (advisor report), not the rules: their absence is
# no unknown evidence for the recommendation.
PLAN_FIELDS: tuple[str, ...] = ("gross_margin", "monthly_cost_per_seller", "self_service_share", "country")
# Fields that say something about the company; `name` and `currency` only label it.
EVIDENCE_FIELDS: tuple[str, ...] = tuple(n for n in FIELD_NAMES if n not in ("name", "currency", *PLAN_FIELDS))

# Keys a profile file may carry that are about the profile, not the company.
META_KEYS = frozenset({"derived_from"})

_MESSAGES = {
    "missing": "required",
    "extra_forbidden": "not a profile field",
    "literal_error": "not one of the choices",
}


def _message(error: Mapping[str, Any], spec: FieldSpec | None) -> str:
    kind = error["type"]
    if kind == "literal_error" and spec is not None:
        return f"expected one of {', '.join(spec.choices)}, got {shown(error.get('input'))}" + did_you_mean(
            str(error.get("input"))[:100], spec.choices
        )
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return f"{error['msg'].lower()}, got {shown(error.get('input'))}"
    if kind in ("float_parsing", "int_parsing", "float_type", "int_type", "bool_parsing", "bool_type"):
        return f"{error['msg'].lower()}, got {shown(error.get('input'))}"
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    if kind == "string_too_short":
        return "must not be empty"
    return _MESSAGES.get(kind, str(error["msg"]))


def cleaned_data(data: Mapping[Any, Any]) -> dict[str, Any]:
    """A profile mapping with its keys stripped and every "I don't know" value (and meta key) left out."""
    cleaned: dict[str, Any] = {}
    markers = UNKNOWN_MARKERS
    for key, value in data.items():  # _is_unknown inlined: this loop runs for every batch row and field
        key = key.strip() if isinstance(key, str) else str(key).strip()
        if key == "name":
            cleaned[key] = value.strip() if isinstance(value, str) else value
        elif value is None or (isinstance(value, str) and value.strip().lower() in markers) or key in META_KEYS:
            continue
        else:
            cleaned[key] = value
    return cleaned


def validate_profile(
    data: Any,
    *,
    file: str | None = None,
    line_of: Callable[[str | None], int | None] = lambda key: None,
    quick: bool = False,
) -> Profile:
    """Turn a mapping of field: value into a Profile, or raise ProfileError naming every problem.

    Values that mean "I don't know" (empty, '?', 'unknown', ...) become unknown. With `quick`
    (batch rows), a row the hand-made check of advisor.rowcheck passes skips pydantic.
    """
    if not isinstance(data, Mapping):
        raise ProfileError(
            f"a profile is a mapping of field: value, got {type(data).__name__}", file=file, line=line_of(None)
        )
    cleaned = cleaned_data(data)
    if quick:
        from advisor.rowcheck import quick_profile

        profile = quick_profile(cleaned)
        if profile is not None:
            return profile
    try:
        return Profile.model_validate(cleaned)
    except ValidationError as exc:
        errors = exc.errors()
    read, said = _numbers_in_words(cleaned, errors)  # only once a record failed: plain cells never pay for it
    if read:
        try:
            return Profile.model_validate(cleaned)
        except ValidationError as exc:
            errors = exc.errors()
    problems: list[ProfileError] = []  # every problem of the record, located
    for error in errors:
        key = str(error["loc"][0])[:100] if error["loc"] else None  # an unknown key may be megabytes long
        spec = FIELDS.get(key) if key else None
        message = _message(error, spec)
        if key in said:
            message += f": {said[key]}"
        if error["type"] == "extra_forbidden" and key is not None:
            message += did_you_mean(key, FIELD_NAMES)
        problems.append(ProfileError(message, file=file, line=line_of(key), key=key))
    problems.sort(key=lambda p: (p.line or 0, p.key or ""))
    raise ProfileErrors(problems) from None


def _numbers_in_words(cleaned: dict[str, Any], errors: list[Any]) -> tuple[bool, dict[str, str]]:
    """Numbers written in words (`~300`, `85 000`, `2 weeks`, `половина`) among a failed record's values,
    read in place by advisor.answer_parser: whether any was, and why others cannot be read, by field."""
    said: dict[str, str] = {}
    found = False
    for error in errors:
        key = error["loc"][0] if error["loc"] else None
        spec = FIELDS.get(key) if isinstance(key, str) else None
        value = cleaned.get(key) if spec is not None else None
        if spec is None or not spec.numeric or not isinstance(value, str) or len(value) > 200:
            continue
        from advisor.answer_parser import read_cell

        try:
            cleaned[key] = read_cell(key, value)
            found = True
        except ValueError as problem:
            if getattr(problem, "key", "number") != "number":
                said[key] = str(problem)
    return found, said


class ProfileErrors(ProfileError):
    """Every problem of one rejected record, one located line each."""

    def __init__(self, problems: list[ProfileError]) -> None:
        first = problems[0]
        super().__init__(first.message, file=first.file, line=first.line, key=first.key)
        self.problems = problems

    def located(self) -> str:
        return "\n".join(p.located() for p in self.problems)


def unknown_fields(profile: Profile) -> list[str]:
    """Evidence fields the profile leaves unknown, in the model's order."""
    return [name for name in EVIDENCE_FIELDS if getattr(profile, name) is None]

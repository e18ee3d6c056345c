"""The profile model: what founders and spreadsheets write, and what it becomes."""

from __future__ import annotations

import math

import pytest

from advisor.errors import ProfileError
from advisor.profile import FIELDS, Profile, unknown_fields, validate_profile

ISSUE_FIELDS = [
    "name", "sales_team_size", "leads_per_month", "qualified_lead_share", "seasonality_peak_ratio",
    "repeat_sales_share", "average_deal_size", "currency", "sales_cycle_days", "deals_per_month",
    "close_rate", "market", "sale_type", "channel", "outbound_share", "regional", "organization_stage",
    "active_clients", "offering", "sale_location",
    "gross_margin", "monthly_cost_per_seller", "self_service_share", "country",  # the staffing plan (issue 16)
]


def test_field_names_are_the_public_contract():
    assert list(FIELDS) == ISSUE_FIELDS


def test_every_field_has_help_and_a_kind():
    for spec in FIELDS.values():
        assert spec.help and spec.kind in {"text", "integer", "number", "share", "choice", "boolean", "currency", "country"}
    assert FIELDS["market"].choices == ("b2b", "b2c", "mixed")
    assert FIELDS["organization_stage"].minimum == 1 and FIELDS["organization_stage"].maximum == 4
    assert FIELDS["average_deal_size"].exclusive_minimum


@pytest.mark.parametrize(
    "value, expected",
    [(0.35, 0.35), ("35%", 0.35), ("35 %", 0.35), ("0.35", 0.35), ("0,35", 0.35), (1, 1.0), ("100%", 1.0), (0, 0.0)],
)
def test_shares_accept_fractions_and_percent_strings(value, expected):
    assert validate_profile({"name": "x", "repeat_sales_share": value}).repeat_sales_share == pytest.approx(expected)


@pytest.mark.parametrize(
    "data, key, fragment",
    [
        ({"repeat_sales_share": 135}, "repeat_sales_share", "a share is 0-1, or a percent up to 100%, got 135"),
        ({"repeat_sales_share": "135%"}, "repeat_sales_share", "0-100%"),
        ({"repeat_sales_share": -0.1}, "repeat_sales_share", "greater than or equal to 0"),
        ({"repeat_sale_share": 0.3}, "repeat_sale_share", "did you mean 'repeat_sales_share'"),
        ({"leads_per_month": float("nan")}, "leads_per_month", "NaN"),
        ({"leads_per_month": math.inf}, "leads_per_month", "finite"),
        ({"leads_per_month": "inf"}, "leads_per_month", "expected a number"),
        ({"sales_team_size": True}, "sales_team_size", "not true/false"),
        ({"sales_team_size": 2.5}, "sales_team_size", "whole number"),
        ({"organization_stage": 5}, "organization_stage", "less than or equal to 4"),
        ({"seasonality_peak_ratio": 0.5}, "seasonality_peak_ratio", "greater than or equal to 1"),
        ({"average_deal_size": 0}, "average_deal_size", "greater than 0"),
        ({"market": "b2d"}, "market", "expected one of b2b, b2c, mixed"),
        ({"currency": "dollars"}, "currency", "ISO 4217"),
        ({"regional": "maybe"}, "regional", "yes or no"),
    ],
)
def test_bad_values_name_the_field_and_the_problem(data, key, fragment):
    with pytest.raises(ProfileError) as caught:
        validate_profile({"name": "x", **data}, file="p.yaml", line_of=lambda k: 7)
    text = caught.value.located()
    assert text.startswith(f"p.yaml:7: {key}: ")
    assert fragment in text


def test_name_is_required_and_not_blank():
    for data in ({"leads_per_month": 3}, {"name": "  "}, {"name": ""}):
        with pytest.raises(ProfileError) as caught:
            validate_profile(data)
        assert "name" in caught.value.located()


def test_every_problem_of_a_record_is_reported_in_line_order():
    lines = {"close_rate": 3, "market": 4, "repeat_sale_share": 2}
    with pytest.raises(ProfileError) as caught:
        validate_profile(
            {"name": "x", "repeat_sale_share": 1, "close_rate": 350, "market": "b2d"},
            file="f.yaml",
            line_of=lambda key: lines.get(key),
        )
    reported = caught.value.located().splitlines()
    assert [line.split(":")[1] for line in reported] == ["2", "3", "4"]


@pytest.mark.parametrize("marker", ["", "?", "unknown", "n/a", "не знаю", "невідомо", None])
def test_unknown_markers_leave_a_field_unknown_never_zero(marker):
    profile = validate_profile({"name": "x", "repeat_sales_share": marker, "regional": marker})
    assert profile.repeat_sales_share is None and profile.regional is None
    assert "repeat_sales_share" in unknown_fields(profile)


def test_human_spellings_of_values():
    profile = validate_profile(
        {"name": "x", "market": " B2B ", "regional": "да", "currency": "eur", "leads_per_month": "1 200",
         "sales_team_size": "3", "offering": "SaaS"}
    )
    assert (profile.market, profile.regional, profile.currency) == ("b2b", True, "EUR")
    assert (profile.leads_per_month, profile.sales_team_size, profile.offering) == (1200, 3, "saas")


def test_unknown_fields_lists_every_missing_evidence_field_but_not_name_or_currency():
    profile = Profile(name="x")
    plan_fields = ("gross_margin", "monthly_cost_per_seller", "self_service_share", "country")  # plan, not rules
    assert unknown_fields(profile) == [f for f in ISSUE_FIELDS if f not in ("name", "currency", *plan_fields)]
    assert profile.currency == "USD"

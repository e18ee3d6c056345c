"""Display names for outcomes and groups (English; other languages come with `ask`)."""

from __future__ import annotations

MODEL_NAMES = {
    "one_level": "One-level: one manager takes the client from first contact to the end",
    "two_level_contact_center": "Two-level with a contact centre: qualifiers, then sellers",
    "two_level_account_manager": "Two-level with an account manager: hunters win, farmers grow",
    "three_level": "Three-level: contact centre -> seller -> account manager",
}
MODEL_SHORT = {
    "one_level": "one-level",
    "two_level_contact_center": "two-level, contact centre",
    "two_level_account_manager": "two-level, account manager",
    "three_level": "three-level",
}
GROUP_NAMES = {
    "internal": "Internal (the department's own work)",
    "external": "External (management's initiative)",
    "marketing": "Marketing (information for selling)",
    "personnel": "Personnel (hiring, training)",
}

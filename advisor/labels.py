"""Display names for outcomes and groups in English, from the i18n catalogue."""

from __future__ import annotations

from advisor.i18n import tr
from advisor.rulebase.schema import DEPARTMENT_MODELS, TECHNOLOGY_GROUPS

MODEL_NAMES = {m: tr(f"model.{m}") for m in DEPARTMENT_MODELS}
MODEL_SHORT = {m: tr(f"model_short.{m}") for m in DEPARTMENT_MODELS}
GROUP_NAMES = {g: tr(f"group.{g}") for g in TECHNOLOGY_GROUPS}

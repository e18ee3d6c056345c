"""The rule base and the catalogue kept between runs: used when nothing changed, never when anything did."""

from __future__ import annotations

import shutil

import pytest

from advisor import cache
from advisor.engine import load_engine
from advisor.errors import RuleBaseError
from advisor.i18n import _read_catalogue
from advisor.profile import Profile
from advisor.rulebase import loader

SEASONAL = Profile(name="Garden", seasonality_peak_ratio=1.7, leads_per_month=400, sales_team_size=2)


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def parses(monkeypatch):
    """How many rule files were parsed from YAML since the fixture started."""
    calls = []
    real = loader.parse_yaml

    def counting(text, file, **options):
        calls.append(file)
        return real(text, file, **options)

    monkeypatch.setattr(loader, "parse_yaml", counting)
    return calls


def _seasonality_points(engine):
    return engine.department_model_of(SEASONAL)[1]


def test_the_second_load_reads_no_yaml_and_scores_the_same(cache_dir, rules_copy, parses):
    first = load_engine(rules_copy)
    assert len(parses) == 5 and len(list(cache_dir.glob("rulebase-*.pickle"))) == 1
    second = load_engine(rules_copy)
    assert len(parses) == 5  # nothing parsed again
    assert second.rule_base.sha256 == first.rule_base.sha256
    assert second.recommend(SEASONAL).to_dict() == first.recommend(SEASONAL).to_dict()
    assert second.rule_base.files["department_model.yaml"].line_of(("rules",)) is not None  # locations kept


def test_an_edited_rule_file_is_read_again(cache_dir, rules_copy, parses):
    before = _seasonality_points(load_engine(rules_copy))
    path = rules_copy / "department_model.yaml"
    path.write_text(path.read_text().replace("{field: seasonality_peak_ratio, at_least: [1.3, 2.0]}",
                                             "{field: seasonality_peak_ratio, at_least: [1.8, 2.5]}"))
    after = load_engine(rules_copy)
    assert len(parses) == 10
    assert _seasonality_points(after) != before  # 1.7 no longer passes the changed threshold


def test_a_file_that_appears_is_noticed(cache_dir, rules_copy):
    staffing = rules_copy / "staffing.yaml"
    kept = staffing.read_text()
    staffing.unlink()
    assert load_engine(rules_copy).rule_base.staffing is None
    staffing.write_text(kept)
    assert load_engine(rules_copy).rule_base.staffing is not None


def test_an_overlay_sees_a_change_in_the_folder_it_extends(cache_dir, tmp_path, rules_copy):
    overlay = tmp_path / "acme"
    overlay.mkdir()
    (overlay / "rulebase.yaml").write_text("extends: ../rules\nname: acme\nversion: 1\n")
    before = load_engine(overlay)
    path = rules_copy / "department_model.yaml"
    path.write_text(path.read_text().replace("{field: seasonality_peak_ratio, at_least: [1.3, 2.0]}",
                                             "{field: seasonality_peak_ratio, at_least: [1.8, 2.5]}"))
    after = load_engine(overlay)
    assert after.rule_base.sha256 != before.rule_base.sha256
    assert _seasonality_points(after) != _seasonality_points(before)


def test_a_broken_rule_base_is_never_cached(cache_dir, rules_copy):
    path = rules_copy / "sales_mix.yaml"
    path.write_text(path.read_text() + "\nbogus: 1\n")
    for _ in range(2):
        with pytest.raises(RuleBaseError, match="unknown key"):
            load_engine(rules_copy)
    assert not list(cache_dir.glob("*.pickle"))


def test_a_damaged_or_unwritable_cache_is_only_a_slower_load(cache_dir, rules_copy, parses):
    load_engine(rules_copy)
    (entry,) = cache_dir.glob("rulebase-*.pickle")
    entry.write_bytes(b"\x80\x05not a pickle")
    assert load_engine(rules_copy).rule_base.meta.name  # loaded again, no error
    assert len(parses) == 10
    shutil.rmtree(cache_dir)
    cache_dir.write_text("a file where the folder should be")
    assert load_engine(rules_copy).rule_base.meta.name


def test_an_empty_cache_setting_turns_it_off(monkeypatch, tmp_path, rules_copy):
    monkeypatch.setenv("ADVISOR_CACHE_DIR", "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    load_engine(rules_copy)
    assert cache.cache_dir() is None and not (tmp_path / "xdg").exists()
    monkeypatch.delenv("ADVISOR_CACHE_DIR")
    assert cache.cache_dir() == tmp_path / "xdg" / "advisor"


def test_the_cached_catalogue_is_the_catalogue(cache_dir):
    from advisor.i18n import CATALOGUE_PATH

    fresh = _read_catalogue()
    assert cache.cached("messages", str(CATALOGUE_PATH), _read_catalogue) == fresh
    assert cache.cached("messages", str(CATALOGUE_PATH), lambda: pytest.fail("read again")) == fresh
    assert fresh["rec.why"]["ru"]


def test_a_yaml_file_that_appears_in_the_rule_folder_is_noticed(cache_dir, rules_copy, parses):
    load_engine(rules_copy)
    extra = rules_copy / "extra.yaml"
    extra.write_text("rules: []\n")
    with pytest.raises(RuleBaseError, match="extra.yaml: unknown rule file, never read"):
        load_engine(rules_copy)
    extra.unlink()
    parsed = len(parses)
    load_engine(rules_copy)  # the folder is as it was: the entry made before is good again
    assert len(parses) == parsed

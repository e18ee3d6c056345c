"""The rule files' parses and the catalogue kept between runs: used when nothing changed, never when anything
did, and never a way in: JSON only, read back only from this user's own folder."""

from __future__ import annotations

import shutil

import pytest
from pydantic import BaseModel

from advisor import cache
from advisor.engine import load_engine
from advisor.errors import RuleBaseError
from advisor.i18n import _read_catalogue
from advisor.profile import Profile
from advisor.rulebase import loader, schema

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


def _entries(cache_dir):
    """Every kept rule file's parse and validated content, and every kept whole rule base."""
    return [*cache_dir.glob("yaml-*.json"), *cache_dir.glob("rules-*.json"), *cache_dir.glob("rulebase-*.json")]


def _seasonality_points(engine):
    return engine.department_model_of(SEASONAL)[1]


def test_the_second_load_reads_no_yaml_and_scores_the_same(cache_dir, rules_copy, parses):
    first = load_engine(rules_copy)
    assert len(parses) == 6 and len(list(cache_dir.glob("yaml-*.json"))) == 6
    second = load_engine(rules_copy)
    assert len(parses) == 6  # nothing parsed again
    assert second.rule_base.sha256 == first.rule_base.sha256
    assert second.recommend(SEASONAL).to_dict() == first.recommend(SEASONAL).to_dict()
    assert second.rule_base.files["department_model.yaml"].line_of(("rules",)) is not None  # locations kept


def test_an_edited_rule_file_is_read_again(cache_dir, rules_copy, parses):
    before = _seasonality_points(load_engine(rules_copy))
    path = rules_copy / "department_model.yaml"
    path.write_text(path.read_text().replace("{field: seasonality_peak_ratio, at_least: [1.3, 2.0]}",
                                             "{field: seasonality_peak_ratio, at_least: [1.8, 2.5]}"))
    after = load_engine(rules_copy)
    assert len(parses) == 7  # only the edited file
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


def test_a_broken_rule_base_fails_on_every_run(cache_dir, rules_copy):
    path = rules_copy / "sales_mix.yaml"
    path.write_text(path.read_text() + "\nbogus: 1\n")
    for _ in range(2):  # the parse may be kept; the validation is never skipped
        with pytest.raises(RuleBaseError, match="unknown key"):
            load_engine(rules_copy)


def test_a_damaged_or_unwritable_cache_is_only_a_slower_load(cache_dir, rules_copy, parses):
    load_engine(rules_copy)
    for entry in _entries(cache_dir):
        entry.write_bytes(b'{"data": 1, "marks": [["x"]]}')  # JSON, but not the shape of an entry
    assert load_engine(rules_copy).rule_base.meta.name  # loaded again, no error
    assert len(parses) == 12
    shutil.rmtree(cache_dir)
    cache_dir.write_text("a file where the folder should be")
    assert load_engine(rules_copy).rule_base.meta.name


def test_a_whole_rule_base_comes_back_equal_without_a_parse_or_a_validation(cache_dir, rules_copy, parses, monkeypatch):
    first = load_engine(rules_copy).rule_base
    assert len(list(cache_dir.glob("rulebase-*.json"))) == 1
    validations = []
    monkeypatch.setattr(loader, "validate_into", lambda *args, **kw: validations.append(args) or None)
    second = load_engine(rules_copy).rule_base
    assert not validations and len(parses) == 6
    assert second == first  # every model, the hash and the documents
    assert [type(m) for m in (second.meta, second.department_model, second.staffing, second.models)] == [
        schema.RuleBaseMeta, schema.DepartmentModelDecision, schema.StaffingFile, schema.ModelsFile]
    assert second.department_model.model_fields_set == first.department_model.model_fields_set
    # where each rule is written, read on first use, from the kept parses
    assert {name: (doc.data, doc.lines) for name, doc in second.files.items()} == {
        name: (doc.data, doc.lines) for name, doc in first.files.items()}
    assert dict(second.locations).keys() == first.locations.keys() and len(parses) == 6
    # as workers get it: by pickle, the files' parses still to come
    import pickle

    third = pickle.loads(pickle.dumps(load_engine(rules_copy).rule_base))
    assert third == first and third.files["sales_mix.yaml"].data == first.files["sales_mix.yaml"].data


@pytest.mark.parametrize("damage", [
    b"not json",
    b"[]",
    b'{"rulebase.yaml": 1}',  # JSON, not the shape of an entry
])
def test_a_damaged_whole_rule_base_entry_is_ignored(cache_dir, rules_copy, damage):
    fresh = _seasonality_points(load_engine(rules_copy))
    [entry] = cache_dir.glob("rulebase-*.json")
    entry.write_bytes(damage)
    assert _seasonality_points(load_engine(rules_copy)) == fresh


def test_a_kept_model_of_another_class_is_not_taken(cache_dir, rules_copy):
    import json

    fresh = load_engine(rules_copy).rule_base
    [entry] = cache_dir.glob("rulebase-*.json")
    stored = json.loads(entry.read_text())
    stored["sales_mix.yaml"] = stored["staffing.yaml"]  # a valid model, of the wrong file
    entry.write_text(json.dumps(stored))
    assert load_engine(rules_copy).rule_base == fresh


def test_a_kept_staffing_file_is_built_when_first_read_and_from_its_bytes_when_the_entry_is_not_one(cache_dir,
                                                                                                      rules_copy):
    import json

    fresh = load_engine(rules_copy).rule_base
    [entry] = cache_dir.glob("rulebase-*.json")
    stored = json.loads(entry.read_text())
    stored["staffing.yaml"] = stored["models.yaml"]  # a valid model, of the wrong file
    entry.write_text(json.dumps(stored))
    kept = load_engine(rules_copy).rule_base
    assert kept == fresh and type(kept.staffing) is schema.StaffingFile and kept.staffing == fresh.staffing


class _Planted:
    """A pickle that, if ever unpickled, leaves a file behind: what an attacker would plant."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def test_an_entry_planted_as_a_pickle_is_never_run(cache_dir, rules_copy, tmp_path):
    import pickle

    load_engine(rules_copy)
    marker = tmp_path / "ran"
    for entry in cache_dir.glob("*.json"):
        entry.write_bytes(pickle.dumps(_Planted(marker)))
        entry.with_suffix(".pickle").write_bytes(pickle.dumps(_Planted(marker)))
    assert load_engine(rules_copy).rule_base.meta.name
    assert not marker.exists()


def _tampered(cache_dir):
    """Every cached parse and validated file changed so that a seasonal profile would score differently, if it were used."""
    for entry in _entries(cache_dir):
        entry.write_text(entry.read_text().replace('"gte":1.5', '"gte":9.5').replace('"at_least":{"\\u0000tuple":[1.3,2.0]}', '"at_least":{"\\u0000tuple":[9.3,9.9]}'))


def test_entries_others_could_write_are_not_used(cache_dir, rules_copy):
    import os

    fresh = _seasonality_points(load_engine(rules_copy))
    _tampered(cache_dir)
    for entry in _entries(cache_dir):
        entry.chmod(0o666)  # as under umask 000: anyone could have written it
    assert _seasonality_points(load_engine(rules_copy)) == fresh
    if os.geteuid() == 0:  # as root the test can give the entries to another user, as a planted file would be
        _tampered(cache_dir)
        for entry in _entries(cache_dir):
            entry.chmod(0o600)
            os.chown(entry, 4242, 4242)
        assert _seasonality_points(load_engine(rules_copy)) == fresh


def test_a_folder_others_can_write_is_no_cache(monkeypatch, tmp_path, rules_copy):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)  # ADVISOR_CACHE_DIR pointing at a shared folder
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(shared))
    load_engine(rules_copy)
    assert list(shared.iterdir()) == []


def test_a_new_cache_folder_is_private(cache_dir, rules_copy):
    import os

    old = os.umask(0)
    try:
        load_engine(rules_copy)
    finally:
        os.umask(old)
    assert cache_dir.stat().st_mode & 0o777 == 0o700
    assert {entry.stat().st_mode & 0o777 for entry in cache_dir.iterdir()} == {0o600}


def test_an_empty_cache_setting_turns_it_off(monkeypatch, tmp_path, rules_copy):
    monkeypatch.setenv("ADVISOR_CACHE_DIR", "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    load_engine(rules_copy)
    assert cache.cache_dir() is None and not (tmp_path / "xdg").exists()
    monkeypatch.delenv("ADVISOR_CACHE_DIR")
    assert cache.cache_dir() == tmp_path / "xdg" / "advisor"


def test_the_cached_catalogue_is_the_catalogue(cache_dir, monkeypatch):
    from advisor import i18n

    fresh = _read_catalogue()
    i18n.catalogue.cache_clear()
    assert i18n.catalogue() == fresh and len(list(cache_dir.glob("messages-*.json"))) == 1
    i18n.catalogue.cache_clear()
    monkeypatch.setattr(i18n, "_parse_catalogue", lambda raw: pytest.fail("read again"))
    try:
        assert i18n.catalogue() == fresh
    finally:
        i18n.catalogue.cache_clear()
    assert fresh["rec.why"]["ru"]


@pytest.mark.parametrize("damage", ['{"rec.why": {"en": 1}}', '{"rec.why": ["why"]}', '[]', '{"rec.why": null}'])
def test_a_cached_catalogue_not_of_texts_is_a_miss(cache_dir, damage):
    from advisor import i18n

    fresh = _read_catalogue()
    i18n.catalogue.cache_clear()
    i18n.catalogue()
    [entry] = cache_dir.glob("messages-*.json")
    entry.write_text(damage)
    i18n.catalogue.cache_clear()
    try:
        assert i18n.catalogue() == fresh
    finally:
        i18n.catalogue.cache_clear()


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


def _same(a, b, where="rule base"):
    """The same models, field for field, with the same fields given (what model_dump(exclude_unset) reads)."""
    assert type(a) is type(b), where
    if isinstance(a, BaseModel):
        assert a.model_fields_set == b.model_fields_set and list(a.__dict__) == list(b.__dict__), where
        for name in a.__dict__:
            _same(a.__dict__[name], b.__dict__[name], f"{where}.{name}")
    elif isinstance(a, (list, tuple, dict)):
        assert len(a) == len(b), where
        if isinstance(a, dict):
            assert list(a) == list(b), where
        for key, item in (a.items() if isinstance(a, dict) else enumerate(a)):
            _same(item, b[key], f"{where}[{key!r}]")
    else:
        assert a == b, where


RULE_MODELS = [*loader.FILES.values(), schema.StaffingFile, schema.ModelsFile]


def test_the_second_load_validates_nothing_and_builds_the_same_models(cache_dir, rules_copy, monkeypatch):
    first = loader.load_rule_base(rules_copy)
    assert len(list(cache_dir.glob("rules-*.json"))) == len(RULE_MODELS)
    for model in RULE_MODELS:
        monkeypatch.setattr(model, "model_validate", lambda *a, **k: pytest.fail("validated again"))
    second = loader.load_rule_base(rules_copy)
    assert second == first
    for name in ("meta", "department_model", "sales_mix", "technologies", "staffing", "models"):
        _same(getattr(first, name), getattr(second, name), name)


def test_a_rule_file_edited_into_a_mistake_is_validated_and_reported(cache_dir, rules_copy):
    load_engine(rules_copy)
    path = rules_copy / "department_model.yaml"
    path.write_text(path.read_text().replace("{field: seasonality_peak_ratio, at_least: [1.3, 2.0]}",
                                             "{field: seasonality_peak_ratio, at_least: [2.0, 1.3]}"))
    for _ in range(2):  # a file with mistakes is never kept: reported on every run
        with pytest.raises(RuleBaseError, match=r"at_least needs \[low, high\] with low < high"):
            load_engine(rules_copy)
    assert not [e for e in cache_dir.glob("rules-*.json") if "[2.0,1.3]" in e.read_text()]


@pytest.mark.parametrize("change", [
    ('"\\u0000model":"Leaf"', '"\\u0000model":"Profile"'),  # a class that is not the rule schema's
    ('"\\u0000model":"Leaf"', '"\\u0000model":"Path"'),  # nor anything else
    ('"per_min":null', '"per_min":null,"extra":1'),  # a field the model does not have
    ('"\\u0000set":[', '"\\u0000set":["nonesuch",'),  # a field given that does not exist
])
def test_a_validated_entry_not_as_written_is_a_miss(cache_dir, rules_copy, change):
    fresh = load_engine(rules_copy)
    for entry in [*cache_dir.glob("rules-DepartmentModelDecision-*.json"), *cache_dir.glob("rulebase-*.json")]:
        text = entry.read_text()
        assert change[0] in text
        entry.write_text(text.replace(change[0], change[1]))
    again = load_engine(rules_copy)
    _same(fresh.rule_base.department_model, again.rule_base.department_model)


def test_tampering_would_show_if_an_entry_were_used(cache_dir, rules_copy):
    """What test_entries_others_could_write_are_not_used relies on: tampered entries of this user's would be used."""
    fresh = _seasonality_points(load_engine(rules_copy))
    _tampered(cache_dir)
    assert _seasonality_points(load_engine(rules_copy)) != fresh

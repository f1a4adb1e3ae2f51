"""Label schemes as data: the Syrian file reproduces the constants, bad files fail clearly, init-scheme."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from framing.classifiers import schema
from framing.classifiers.lexicon import Lexicon
from framing.cli import app
from framing.errors import FramingError
from framing.schemes import SCHEMES_DIR, default_scheme, load_scheme, scheme_from_text

#: The constants as framing/classifiers/schema.py held them before the scheme became a file.
BEFORE = {
    "GUIDELINES_VERSION": "1.2",
    "FIELDS": ("opposition", "state", "voice"),
    "ACTORS": ("opposition", "state"),
    "LABELS": {
        "opposition": ("none", "rebel", "terrorist", "jihadist"),
        "state": ("none", "government", "regime"),
        "voice": ("none", "own", "reported"),
    },
    "PRECEDENCE": {"opposition": ("rebel", "jihadist", "terrorist"), "state": ("government", "regime")},
}

SYRIA = (SCHEMES_DIR / "syria.toml").read_text(encoding="utf-8")


def test_the_syrian_scheme_file_reproduces_the_constants():
    scheme = load_scheme(SCHEMES_DIR / "syria.toml")
    assert scheme.name == "syria" and scheme.guidelines.version == BEFORE["GUIDELINES_VERSION"]
    assert scheme.fields == BEFORE["FIELDS"] and scheme.actor_fields == BEFORE["ACTORS"]
    assert scheme.labels == BEFORE["LABELS"] and scheme.precedence == BEFORE["PRECEDENCE"]
    for name, value in BEFORE.items():
        assert getattr(schema, name) == value, name
    assert schema.SCHEME.same_as(scheme) and load_scheme("syria").same_as(scheme)
    assert scheme.map.x.labels == ["terrorist", "jihadist"] and scheme.map.y.labels == ["regime"]
    assert scheme.actor("state").delegitimising == ["regime"]


def test_the_scheme_object_has_the_operations_of_the_module():
    scheme = default_scheme()
    assert scheme.strongest("opposition", ["jihadist", "terrorist", "rebel"]) == "terrorist"
    assert schema.strongest("opposition", ["rebel", "jihadist"]) == scheme.strongest("opposition", ["jihadist"])
    assert scheme.strongest("state", []) == "none"
    good = {"opposition": "rebel", "state": "none", "voice": "own"}
    assert scheme.check_record(good) == schema.check_record(good) == []
    nobody = {"opposition": "none", "state": "none", "voice": "own"}
    assert scheme.check_record(nobody) == ["voice must be none exactly when opposition and state are both none"]
    assert scheme.check_record({**good, "state": "regimes"}) == [
        "state='regimes' is not one of none, government, regime"
    ]


def test_the_hash_is_of_the_content_not_the_spelling():
    scheme = scheme_from_text(SYRIA)
    respelled = scheme_from_text("# another comment\n" + SYRIA.replace('version = "1"\n', "version = '1'\n", 1))
    assert respelled.hash == scheme.hash and len(scheme.hash) == 64
    changed = scheme_from_text(
        SYRIA.replace(
            'precedence = ["rebel", "jihadist", "terrorist"]', 'precedence = ["rebel", "terrorist", "jihadist"]'
        )
    )
    assert changed.precedence["opposition"][-1] == "jihadist" and changed.hash != scheme.hash


@pytest.mark.parametrize(
    "old,new,message",
    [
        ('name = "syria"', 'nmae = "syria"', "unknown key nmae; did you mean name?"),
        (
            'display = "the state"',
            'dispaly = "the state"',
            "unknown key actors.1.dispaly; did you mean actors.1.display?",
        ),
        ("[map.y]", "[map.z]", "unknown key map.z; the keys here are x, y"),
        (
            '["none", "rebel", "terrorist", "jihadist"]',
            '["rebel", "none", "terrorist", "jihadist"]',
            "actor opposition: labels ['rebel', 'none', 'terrorist', 'jihadist'] must start with none",
        ),
        (
            '["none", "own", "reported"]',
            '["own", "none", "reported"]',
            "voice voice: labels ['own', 'none', 'reported'] must start with none",
        ),
        (
            'precedence = ["government", "regime"]',
            'precedence = ["government", "dictatorship"]',
            "actor state: precedence ['government', 'dictatorship'] must name each of its labels but none once",
        ),
        (
            'delegitimising = ["regime"]',
            'delegitimising = ["tyranny"]',
            "actor state: delegitimising names tyranny",
        ),
        ('labels = ["regime"]', 'labels = ["dictatorship"]', "map.y.labels: 'dictatorship' not a label of state"),
        ('labels = ["regime"]', 'labels = ["none"]', "map.y.labels: 'none' not a label of state"),
        ('actor = "state"', 'actor = "army"', "map.y.actor: 'army' is not an actor"),
        ('field = "state"', 'field = "opposition"', "fields: opposition named twice"),
        ('field = "voice"', 'field = "stance"', "voice.field: Input should be 'voice'"),
    ],
)
def test_bad_schemes_are_refused_with_what_to_fix(old, new, message):
    assert SYRIA.count(old) == 1
    with pytest.raises(FramingError) as error:
        scheme_from_text(SYRIA.replace(old, new), "bad.toml")
    assert str(error.value).startswith("bad.toml: bad scheme: ")
    assert message in str(error.value)


def test_a_missing_or_broken_scheme_file_is_a_clear_error(tmp_path):
    with pytest.raises(FramingError, match="no such scheme file; .*shipped scheme \\(islamic-state, syria\\)"):
        load_scheme(tmp_path / "nowhere.toml")
    (tmp_path / "broken.toml").write_text("name = ", encoding="utf-8")
    with pytest.raises(FramingError, match="broken.toml: not valid TOML"):
        load_scheme(tmp_path / "broken.toml")


def test_init_scheme_writes_files_that_load(tmp_path):
    out = tmp_path / "balkans"
    result = CliRunner().invoke(app, ["init-scheme", "balkans", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["guidelines.md", "lexicon.toml", "scheme.toml"]
    scheme = load_scheme(out / "scheme.toml")
    assert scheme.name == "balkans" and scheme.fields == ("side_a", "side_b", "voice")
    assert "# The labels in a fixed order" in (out / "scheme.toml").read_text(encoding="utf-8")
    lexicon = Lexicon.from_file(out / "lexicon.toml")  # finds the scheme beside it
    assert lexicon.scheme.same_as(scheme)
    assert lexicon.decide("Side A shelled the town.").evidence == ()
    guidelines = (out / "guidelines.md").read_text(encoding="utf-8")
    assert "### `side_a`" in guidelines and "### `side_b`" in guidelines and "`voice`" in guidelines


def test_init_scheme_never_overwrites(tmp_path):
    (tmp_path / "lexicon.toml").write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(app, ["init-scheme", "balkans", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "never overwrites" in result.output
    assert (tmp_path / "lexicon.toml").read_text(encoding="utf-8") == "mine"
    assert not (tmp_path / "scheme.toml").exists()
    result = CliRunner().invoke(app, ["init-scheme", "Bad Name", "--out", str(tmp_path / "x")])
    assert result.exit_code == 2 and "lower-case" in result.output


def test_a_lexicon_of_another_scheme_needs_that_scheme(tmp_path):
    (tmp_path / "lexicon.toml").write_text('scheme = "balkans"\n', encoding="utf-8")
    with pytest.raises(FramingError, match="a lexicon of scheme 'balkans'; give that scheme's file"):
        Lexicon.from_file(tmp_path / "lexicon.toml")
    with pytest.raises(FramingError, match="a lexicon of scheme 'balkans', not 'syria'"):
        Lexicon.from_file(tmp_path / "lexicon.toml", default_scheme())


@pytest.mark.parametrize("name", ["group", "outlet", "text", "label"])
def test_an_actor_may_not_take_a_name_the_scores_use(name):
    with pytest.raises(FramingError, match=f"actor {name}: '{name}' is reserved"):
        scheme_from_text(
            SYRIA.replace('field = "state"', f'field = "{name}"').replace('actor = "state"', f'actor = "{name}"'),
            "x.toml",
        )

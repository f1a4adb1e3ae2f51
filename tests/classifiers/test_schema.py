from framing.classifiers.schema import LABELS, check_record, strongest


def test_precedence_follows_the_guidelines():
    assert strongest("opposition", ["rebel", "jihadist"]) == "jihadist"
    assert strongest("opposition", ["jihadist", "terrorist", "rebel"]) == "terrorist"
    assert strongest("state", ["government", "regime"]) == "regime"
    assert strongest("state", []) == "none"


def test_every_field_has_none_first():
    assert all(labels[0] == "none" for labels in LABELS.values())


def test_check_record_enforces_the_voice_rule():
    assert check_record({"opposition": "rebel", "state": "none", "voice": "own"}) == []
    assert check_record({"opposition": "none", "state": "none", "voice": "own"})
    assert check_record({"opposition": "rebel", "state": "none", "voice": "none"})
    assert check_record({"opposition": "rebels", "state": "none", "voice": "own"})

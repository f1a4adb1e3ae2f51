import json
from pathlib import Path

import pytest

from framing.classifiers.lexicon import Lexicon, quoted_spans
from framing.errors import FramingError

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
WORKED = [json.loads(line) for line in (FIXTURES / "worked_examples.jsonl").read_text().splitlines()]


@pytest.fixture(scope="module")
def lexicon(root):
    return Lexicon.from_file(root / "models" / "lexicon" / "lexicon.toml")


@pytest.mark.parametrize("example", WORKED, ids=[e["text"][:30] for e in WORKED])
def test_guidelines_worked_examples(lexicon, example):
    decision = lexicon.decide(example["text"])
    assert decision.labels() == (example["opposition"], example["state"], example["voice"])


CASES = [
    # precedence
    ("Rebels and jihadists clashed with terrorists near Idlib.", "terrorist", "none", "own"),
    ("Government forces and regime militias shelled the town.", "none", "regime", "own"),
    # who is who: ISIS and Kurdish forces are not the opposition
    ("Daesh terrorists attacked Palmyra.", "none", "none", "none"),
    ("The terrorist group ISIS claimed the attack.", "none", "none", "none"),
    ("The YPG fought militants near Kobani with Islamic State nearby.", "none", "none", "none"),
    ("IS fighters and rebels clashed near Azaz.", "rebel", "none", "own"),
    ("This is what it is.", "none", "none", "none"),
    ("The Turkish government condemned the strike.", "none", "none", "none"),
    # terrorism in general and unattributed attacks
    ("The fight against terrorism must go on.", "none", "none", "none"),
    ("A terrorist attack killed six in Homs.", "none", "none", "none"),
    # both sides in one wording
    ("Anti-government fighters seized the checkpoint.", "rebel", "government", "own"),
    ("Anti-regime fighters seized the checkpoint.", "rebel", "regime", "own"),
    # the state as actor
    ("Damascus said the strikes hit militants.", "rebel", "government", "own"),
    ("Syria accused Turkey of arming the opposition.", "rebel", "government", "own"),
    ("Assad's forces retook the hill.", "none", "government", "own"),
    ("Forces loyal to President Bashar al-Assad advanced.", "none", "government", "own"),
    # voice: quotes, scare quotes, markers, quotes carried over from the previous sentence
    ("The so-called moderate rebels attacked Aleppo.", "rebel", "none", "reported"),
    ("He said the 'terrorists' had fled.", "terrorist", "none", "reported"),
    ("Officials described as terrorists those who fled.", "terrorist", "none", "reported"),
    ("the army will win,\u201d he said.", "none", "government", "reported"),
    ("\u201cThe regime is using cluster bombs,\u201d said a commander of the rebels.", "rebel", "regime", "own"),
    ("SOHR said rebels had seized the town.", "rebel", "none", "own"),
]


@pytest.mark.parametrize("sentence,opposition,state,voice", CASES, ids=[c[0][:35] for c in CASES])
def test_rules(lexicon, sentence, opposition, state, voice):
    assert lexicon.decide(sentence).labels() == (opposition, state, voice)


def test_evidence_names_terms_and_offsets(lexicon):
    sentence = "Regime forces shelled rebel-held Douma."
    decision = lexicon.decide(sentence)
    by_term = {e.term: e for e in decision.evidence}
    assert set(by_term) == {"Regime forces", "rebel-held"}
    for e in decision.evidence:
        assert sentence[e.start : e.end] == e.term and e.deciding and not e.quoted


def test_non_deciding_evidence_is_marked(lexicon):
    decision = lexicon.decide("Rebels, described by Damascus as terrorists, advanced.")
    assert decision.opposition == "terrorist"
    rebels = next(e for e in decision.evidence if e.term == "Rebels")
    assert not rebels.deciding


def test_quoted_spans_handles_unbalanced_quotes():
    assert quoted_spans('He said "go') == [(8, 11)]
    assert quoted_spans('gone," he said') == [(0, 6)]
    assert quoted_spans("no quotes") == []


def test_malformed_lexicon_is_a_clear_error(tmp_path):
    bad = tmp_path / "lexicon.toml"
    bad.write_text('[labels."opposition:heroes"]\nterms = ["x"]\n')
    with pytest.raises(FramingError, match="malformed lexicon"):
        Lexicon.from_file(bad)
    bad.write_text("not = [valid")
    with pytest.raises(FramingError, match="not valid TOML"):
        Lexicon.from_file(bad)


def test_finite_patterns_are_spelled_out_for_the_trie():
    from framing.classifiers.lexicon import finite_strings

    assert sorted(finite_strings("(?:US|U\\.S\\.) (?:ground )?troops?")) == sorted(
        ["US troops", "US troop", "US ground troops", "US ground troop", "U.S. troops", "U.S. troop"]
        + ["U.S. ground troops", "U.S. ground troop"]
    )
    assert finite_strings("organi[sz]ation") == ["organisation", "organization"]
    for pattern in ("Syria(?= said)", "(?-i:IS)", "rebels?\\b", "a+", "(?:x|y){3}"):
        assert finite_strings(pattern) is None
    assert finite_strings("(?:a|b)(?:c|d)(?:e|f)", limit=4) is None


def _sentences_of(path, every=1):
    from framing.corpus.readers import Article, read_path
    from framing.corpus.sentences import split

    articles = [a for a in read_path(path) if isinstance(a, Article)][::every]
    return [s.text for a in articles for s in split(a.doc, a.text)]


def _with_every_rule(lexicon, sentence):
    """The decision with the rules run even when no term is found (``decide`` skips them then)."""
    from framing.classifiers.lexicon import visible

    seen, _ = visible(sentence)
    return lexicon.apply_rules(sentence, lexicon._matched(lexicon.matcher.finditer(seen)))


def test_a_sentence_without_terms_is_decided_as_the_rules_would(lexicon, root, data_root):
    sentences = _sentences_of(root / "seeds") + _sentences_of(data_root / "fa-kes" / "FA-KES-Dataset.csv", every=8)
    sentences += ['"Quoted, but no term."', "so-called nothing", "soft\u00adhyphen", ""]
    unnamed = 0
    for sentence in sentences:
        decision = lexicon.decide(sentence)
        assert decision == _with_every_rule(lexicon, sentence), sentence
        unnamed += decision.voice == "none"
    assert 0 < unnamed < len(sentences)  # both paths were taken


def test_decisions_of_one_sentence_do_not_share_labels(lexicon):
    first, second = lexicon.decide("Nothing here."), lexicon.decide("Nor here.")
    first.actors["opposition"] = "rebel"
    assert second.actors["opposition"] == "none"


def test_terms_matched_through_extra_case_rules_are_found(root):
    """re matches "ſyrian" (long s) and "İslamic" (dotted capital I) as the terms they fold to: the decision
    is the plain spelling's, not a crash."""
    from framing.schemes import load_scheme

    syria = Lexicon.from_file(root / "models" / "lexicon" / "lexicon.toml")
    assert (
        syria.decide("The ſyrian army shelled the town.").labels()
        == syria.decide("The Syrian army shelled the town.").labels()
    )
    isl = Lexicon.from_file(root / "experiments" / "islamic-state" / "lexicon.toml", load_scheme("islamic-state"))
    assert isl.decide("İslamic State fighters attacked.").labels() == ("islamic_state", "own")


def test_single_quotes_are_found_as_their_definition_finds_them(root):
    """``_SINGLE`` looks behind after the opening mark (a quicker search): the spans of the plain definition,
    an opening mark no word character precedes."""
    import re

    from framing.classifiers.lexicon import _SINGLE
    from framing.corpus.readers import Article, read_path
    from framing.corpus.sentences import split

    definition = re.compile(r"(?<!\w)['\u2018]([^'\u2018\u2019\n]+)['\u2019](?!\w)")
    texts = [
        "'Rebels' at the start",
        "the 'rebels' said",
        "Assad's 'regime'",
        "x'y' z",
        "‘terrorists’ and 'x",
        "''",
        "' '",
        "don't 'go' now'",
        "a\u2018b\u2019 \u2018c\u2019d \u2018e\u2019",
        "é'ß' 'ü'",
        "'",
        "",
    ]
    texts += [s.text for a in read_path(root / "seeds") if isinstance(a, Article) for s in split(a.doc, a.text)]
    found = 0
    for text in texts:
        spans = [m.span() for m in _SINGLE.finditer(text)]
        assert spans == [m.span() for m in definition.finditer(text)], text
        found += bool(spans)
    assert found >= 5

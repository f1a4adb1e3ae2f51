"""The lexicon's prefilter never rules out a sentence the matcher finds a term in: folding agrees with
``re``'s case-insensitive comparison, required strings are read off patterns soundly, and decisions with
the prefilter equal those of the whole matcher run on every sentence."""

import pickle
import random
import re
import sys
from pathlib import Path

import pytest

from framing.classifiers.lexicon import (
    INVISIBLE,
    Lexicon,
    Prefilter,
    fold,
    fold_char,
    fold_literal,
    required_strings,
    visible,
)
from framing.schemes import shipped_scheme

#: Characters ``re`` compares case-insensitively in more than one way: ASCII letters, re's extra case
#: classes (dotless i, long s, Greek and Cyrillic variants), dotted capital I, Kelvin and Angstrom signs, sigmas.
TRICKY = sorted(
    set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'’- ")
    | {chr(c) for c in re._casefix._EXTRA_CASES}  # noqa: SLF001
    | set("İıſKÅåΣσςßẞµμΩω")
)


def lexicons(root: Path) -> dict[str, Lexicon]:
    """Every shipped lexicon."""
    return {
        "syria": Lexicon.from_file(root / "models" / "lexicon" / "lexicon.toml"),
        "islamic-state": Lexicon.from_file(
            root / "experiments" / "islamic-state" / "lexicon.toml", shipped_scheme("islamic-state")
        ),
    }


def whole_matcher(lexicon: Lexicon) -> Lexicon:
    """The same lexicon deciding without its prefilter: the whole matcher on every sentence, from its start."""
    plain = object.__new__(Lexicon)
    plain.__dict__.update(lexicon.__dict__, prefilter=None)
    return plain


def test_fold_is_re_case_insensitive_equality():
    for a in TRICKY:
        for b in TRICKY:
            same = re.fullmatch(re.escape(b), a, re.IGNORECASE) is not None
            assert same == (fold_char(a) == fold_char(b)), (a, b)


def test_fold_of_text_is_fold_char_of_each_character():
    """Over every code point: ``fold`` keeps offsets (one character for one) and folds as ``fold_char``."""
    for start in range(0, sys.maxunicode + 1, 4096):
        chars = [chr(c) for c in range(start, min(start + 4096, sys.maxunicode + 1)) if not 0xD800 <= c < 0xE000]
        assert [fold(c) for c in chars] == [fold_char(c) for c in chars]
    text = "ΟΔΥΣΣΕΥΣ İstanbul ſyria K"
    assert fold(text) == "".join(map(fold_char, text)) and len(fold(text)) == len(text)
    assert fold("REBELS") == "rebels"


def test_final_sigma_folds_like_any_sigma():
    assert fold("ΑΣ ΣΑ") == "".join(fold_char(c) for c in "ΑΣ ΣΑ")


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("forces loyal to", [(False, "forces loyal to")]),
        ("Damascus(?= (?:said|says)\\b)", [(False, "Damascus said"), (False, "Damascus says")]),
        ("(?-i:IS)\\b", [(True, "IS")]),
        ("(?<=physical )caliphate", [(False, "caliphate")]),
        ("(?:anti-)?ISIS(?:-[a-z]+)?", [(False, "ISIS"), (False, "anti-ISIS")]),
        ("\\w+ rebels", [(False, " rebels")]),
        ("(?:\\w+ )+militias?", [(False, "militia"), (False, "militias")]),
        ("foo|\\w+", None),
        ("\\w*", None),
    ],
)
def test_required_strings(pattern, expected):
    assert required_strings(pattern) == expected


def test_required_strings_are_in_every_match():
    """Random texts matched by each shipped pattern hold one of its required strings."""
    patterns = [
        "forces loyal to (?:President )?(?:Bashar )?(?:al-)?Assad",
        "Syria(?:['\u2019]s)?(?= (?:alleged |reported )?(?:use of chemical|gas attack)\\b)",
        "(?-i:(?<![A-Z]{2} )(?:[Aa]nti-)?IS(?:-[a-z]+)?(?! [A-Z]{2}))",
        "(?:Turkish|Iraqi) (?:government|regime)",
    ]
    texts = [
        "The forces LOYAL to Bashar al-Assad",
        "syria\u2019s REPORTED gas attack on",
        "the anti-IS-led coalition",
        "TURKISH Regime",
    ]
    for pattern, text in zip(patterns, texts, strict=True):
        match = re.search(pattern, text, re.IGNORECASE)
        assert match is not None
        required = required_strings(pattern)
        assert any(s in text if exact else fold_literal(s) in fold(text) for exact, s in required)


OPENINGS = ("The", "So-called", "\u201cThe", "Branded")


def sentences_of_terms(lexicon: Lexicon, count: int, seed: int = 7) -> list[str]:
    """Sentences built from the lexicon's terms in random case, some with characters ``re`` folds unusually
    (dotted I, long s, Kelvin sign) or invisible ones inside, and some near-misses."""
    rng = random.Random(seed)
    terms = sorted(lexicon._literals)
    swaps = {"i": "İı", "s": "ſ", "k": "K"}
    out = []
    for _ in range(count):
        words = []
        for term in rng.sample(terms, 3):
            chars = []
            for char in term:
                roll = rng.random()
                if roll < 0.05 and char.lower() in swaps:
                    char = rng.choice(swaps[char.lower()])
                elif roll < 0.5:
                    char = char.upper()
                if rng.random() < 0.02:
                    char += "\u00ad"
                chars.append(char)
            words.append("".join(chars) + rng.choice(["", "s", "-held", "x"]))
        opening = rng.choice(OPENINGS)
        out.append(f"{opening} {words[0]} and {words[1]}, said {words[2]}.")
    return out


def decisions(lexicon: Lexicon, texts: list[str]) -> list:
    """Each text's decision, or the error deciding it raised (its type and message)."""
    made = []
    for text in texts:
        try:
            made.append(lexicon.decide(text))
        except KeyError as error:  # a term re matches but the literal table does not know (before and after)
            made.append(("KeyError", str(error)))
    return made


def test_prefilter_never_changes_a_decision_on_generated_sentences(root):
    for name, lexicon in lexicons(root).items():
        texts = sentences_of_terms(lexicon, 1500)
        assert decisions(lexicon, texts) == decisions(whole_matcher(lexicon), texts), name
        for text in texts:
            seen = visible(text)[0]
            if lexicon.matcher.search(seen):
                assert lexicon.prefilter.may_match(seen), text


def test_the_literal_matcher_starts_at_the_first_possible_term(root):
    lexicon = lexicons(root)["syria"]
    patterns, first = lexicon.prefilter.plan("Yesterday, rebels shelled the town.")
    assert not patterns and first == 11
    assert lexicon.prefilter.plan("Nothing to see here.") == (False, None)
    assert lexicon.prefilter.plan("The town IS calm.") == (True, None)  # a case-sensitive pattern string
    assert lexicon.prefilter.plan("The town is calm.") == (False, None)


def test_markers_prefilter(root):
    lexicon = lexicons(root)["syria"]
    assert lexicon.decide("The SO-CALLED rebels left.").voice == "reported"
    assert lexicon.decide("The rebels left.").voice == "own"
    empty = Prefilter(set(), set(), set())
    assert not empty.may_match("anything")


def test_invisible_characters_are_folded_away_before_the_prefilter(root):
    lexicon = lexicons(root)["syria"]
    text = "The reb\u00adels advanced."
    assert INVISIBLE.search(text) and lexicon.decide(text).opposition == "rebel"


@pytest.mark.slow
def test_prefilter_never_changes_a_decision_on_the_corpora(root, data_root):
    """Every FA-KES and AllSides sentence, every shipped lexicon: the same decisions with and without the
    prefilter, and no sentence ruled out in which the matcher finds a term."""
    from framing.corpus.readers import Article, read_path
    from framing.corpus.sentences import split

    texts = [
        s.text
        for source in ("fa-kes/FA-KES-Dataset.csv", "allsides-syria/articles.jsonl")
        for a in read_path(data_root / source)
        if isinstance(a, Article)
        for s in split(a.doc, a.text)
    ]
    assert len(texts) > 50_000
    for name, lexicon in lexicons(root).items():
        assert decisions(lexicon, texts) == decisions(whole_matcher(lexicon), texts), name
        for text in texts:
            seen = visible(text)[0]
            assert lexicon.prefilter.may_match(seen) or not lexicon.matcher.search(seen), (name, text)


def test_prefilter_plans_as_a_search_of_each_place_in_turn():
    """The automata's plan is the one the prefilter's definition gives, string by string, place by place:
    overlapping strings, a pattern's string inside a literal's, non-ASCII text, an empty string, and a copy
    (the automata do not pickle; a copy builds its own)."""
    literals, folded, exact = {"rebels", "al", "é rebels", "ısis"}, {"al-nusra", "rebels of"}, {"IS"}

    def expected(seen: str, literals=literals, folded=folded, exact=exact) -> tuple[bool, int | None]:
        if any(s in seen for s in exact) or any(s in fold(seen) for s in folded):
            return True, None
        starts = [i for i in range(len(seen) + 1) for s in literals if fold(seen).startswith(s, i)]
        return False, min(starts, default=None)

    prefilter = Prefilter(literals, folded, exact)
    copy = pickle.loads(pickle.dumps(prefilter))
    for seen in ["", "Real rebels.", "The al-Nusra front", "Ünï é rebels", "ISIS is", "Their rebels of old",
                 "ıSıs", "nothing", "It IS", "Al", "ré rebels"]:  # fmt: skip
        assert prefilter.plan(seen) == expected(seen) == copy.plan(seen), seen
    empty = Prefilter({""}, set(), set())
    assert empty.plan("abc") == (False, 0) and Prefilter(set(), {""}, set()).plan("abc") == (True, None)


def test_literal_terms_read_off_the_places_are_the_literal_matchers(root):
    """Terms glued to each other, to hyphens and underscores, cut short or overlapping (a term inside a longer
    one, one starting where another ends): the terms found from the prefilter's places are those the literal
    matcher finds, and the decisions those of the whole matcher."""
    rng = random.Random(11)
    for name, lexicon in lexicons(root).items():
        assert lexicon._terms_from_places, name
        terms = sorted(lexicon._literals)
        texts = []
        for _ in range(3000):
            pieces = []
            for term in rng.sample(terms, rng.randint(1, 4)):
                term = term[: rng.randint(1, len(term))] if rng.random() < 0.2 else term
                pieces += [
                    term.upper() if rng.random() < 0.3 else term,
                    rng.choice(["", " ", "-", "_", ", ", "'", "s "]),
                ]
            texts.append("".join(pieces))
        searched = object.__new__(Lexicon)
        searched.__dict__.update(lexicon.__dict__, _terms_from_places=False)
        for text in texts:
            assert lexicon.terms(text) == searched.terms(text), (name, text)
        assert decisions(lexicon, texts) == decisions(whole_matcher(lexicon), texts), name

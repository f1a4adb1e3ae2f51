from framing.classifiers.schema import SCHEME
from framing.training.train import with_unquoted_copies

REPORTED = ("rebel", "none", "reported")


def test_unquoted_copies_of_reported_sentences_only():
    X = ["He said \u201cthe rebels\u201d fled.", 'The "regime" fell.', "No marks, the minister said.", "\u00ab\u00bb"]
    y = [REPORTED, ("none", "regime", "own"), REPORTED, REPORTED]
    texts, labels, context = with_unquoted_copies(X, y, ["a", "b", "c", "d"], SCHEME)
    assert texts == X + ["He said the rebels fled."]  # marks only: an empty copy is dropped
    assert labels == y + [y[0]] and context == ["a", "b", "c", "d", "a"]


def test_first_person_copies_only_of_quotes_in_the_first_person():
    X = ['He said "we will crush the rebels" today.', 'He said "the rebels" fled.', 'We said "the rebels" left.']
    texts, labels, _ = with_unquoted_copies(X, [REPORTED] * 3, [None] * 3, SCHEME, first_person=True)
    assert texts == X + ["He said we will crush the rebels today."]  # "We" outside the quote does not count
    assert labels == [REPORTED] * 4

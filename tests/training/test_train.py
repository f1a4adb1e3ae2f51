from framing.classifiers.schema import SCHEME
from framing.training.train import with_unquoted_copies


def test_unquoted_copies_of_reported_sentences_only():
    X = ["He said \u201cthe rebels\u201d fled.", 'The "regime" fell.', "No marks, the minister said.", "\u00ab\u00bb"]
    y = [("rebel", "none", "reported"), ("none", "regime", "own"), ("rebel", "none", "reported")] + [
        ("rebel", "none", "reported")
    ]
    texts, labels, context = with_unquoted_copies(X, y, ["a", "b", "c", "d"], SCHEME)
    assert texts == X + ["He said the rebels fled."]  # marks only: an empty copy is dropped
    assert labels == y + [y[0]] and context == ["a", "b", "c", "d", "a"]

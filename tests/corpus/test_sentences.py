import pytest

from framing.corpus.readers import Article, read_path
from framing.corpus.sentences import SEGMENTERS, split
from framing.errors import FramingError

both = pytest.mark.parametrize("segmenter", SEGMENTERS)


@both
def test_offsets_are_exact_on_the_seeds(root, segmenter):
    for article in read_path(root / "seeds"):
        sentences = split(article.doc, article.text, segmenter)
        assert sentences
        for s in sentences:
            assert s.text == article.text[s.start : s.end]
            assert s.text == s.text.strip()


@both
def test_boilerplate_stays_its_own_sentence(root, segmenter):
    article = next(a for a in read_path(root / "seeds") if a.id.startswith("001"))
    texts = [s.text for s in split(article.doc, article.text, segmenter)]
    assert texts[0] == "Share"
    assert "Advertisement" in texts
    assert texts[1] == "Rebels Target Aleppo And Break Government Siege"


@both
def test_abbreviations_do_not_split(segmenter):
    text = "The U.S. envoy met Mr. Smith on Monday. Rebels said the talks failed."
    spans = [s.text for s in split("x", text, segmenter)]
    assert spans == ["The U.S. envoy met Mr. Smith on Monday.", "Rebels said the talks failed."]


@both
def test_offsets_survive_non_ascii_and_odd_spacing(segmenter):
    text = "  Café in Aleppo… “Rebels” left.  Then   the army came.\n\n\tSANA said so. "
    sentences = split("x", text, segmenter)
    assert [s.text for s in sentences][-1] == "SANA said so."
    for s in sentences:
        assert s.text == text[s.start : s.end] and s.text == s.text.strip()


def test_unknown_segmenter_is_a_clear_error():
    with pytest.raises(FramingError, match="unknown segmenter"):
        split("x", "Text.", "spacy")


@pytest.mark.slow  # the whole corpus
@both
def test_offsets_are_exact_on_fakes(data_root, segmenter):
    for article in read_path(data_root / "fa-kes" / "FA-KES-Dataset.csv"):
        if isinstance(article, Article):
            for s in split(article.doc, article.text, segmenter):
                assert s.text == article.text[s.start : s.end]

from framing.corpus import Article, read_path
from framing.sentences import split


def test_offsets_are_exact_on_the_seeds(root):
    for article in read_path(root / "seeds"):
        sentences = split(article.doc, article.text)
        assert sentences
        for s in sentences:
            assert s.text == article.text[s.start : s.end]
            assert s.text == s.text.strip()


def test_boilerplate_stays_its_own_sentence(root):
    article = next(a for a in read_path(root / "seeds") if a.id.startswith("001"))
    texts = [s.text for s in split(article.doc, article.text)]
    assert texts[0] == "Share"
    assert "Advertisement" in texts
    assert texts[1] == "Rebels Target Aleppo And Break Government Siege"


def test_abbreviations_do_not_split():
    text = "The U.S. envoy met Mr. Smith on Monday. Rebels said the talks failed."
    spans = [s.text for s in split("x", text)]
    assert spans == ["The U.S. envoy met Mr. Smith on Monday.", "Rebels said the talks failed."]


def test_offsets_are_exact_on_fakes(data_root):
    for article in read_path(data_root / "fa-kes" / "FA-KES-Dataset.csv"):
        if isinstance(article, Article):
            for s in split(article.doc, article.text):
                assert s.text == article.text[s.start : s.end]

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


TRICKY_LINES = [
    "Hello there. How are you? Fine.",
    "Él dijo «hola». Ça va? Oui — très bien… “Rebels” left.",
    "Emoji 😀 end. 🇸🇾 Flags too. 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 here.",
    "中文句子。另一个句子！ العربية. Русский текст. Ελληνικά.",
    "combining e\u0301 and a\u0300. Then\u00a0a\u2009thin space.",
    "nul\x00inside. carriage\rreturn. tab\tthere.",
    "x",
    " ",
    ".",
    "U.S. forces met Mr. Smith. " * 4000,  # a long line, and it grows the buffers
    "Short after long. Stale bytes must not count.",
    "é" * 3000 + ". Then more.",
]


@pytest.mark.parametrize("line", TRICKY_LINES, ids=range(len(TRICKY_LINES)))
def test_fast_blingfire_gives_blingfires_offsets(line):
    import blingfire

    from framing.corpus.sentences import _blingfire_spans

    assert _blingfire_spans(line) == blingfire.text_to_sentences_and_offsets(line)[1]


def test_fast_blingfire_gives_blingfires_offsets_on_the_seeds_and_fakes(root, data_root):
    import blingfire

    from framing.corpus.sentences import _blingfire_spans

    articles = list(read_path(root / "seeds")) + list(read_path(data_root / "fa-kes" / "FA-KES-Dataset.csv"))[::4]
    lines = [line for a in articles if isinstance(a, Article) for line in a.text.split("\n") if line.strip()]
    assert any(not line.isascii() for line in lines)
    for line in lines:
        assert _blingfire_spans(line) == blingfire.text_to_sentences_and_offsets(line)[1], line


def test_offsets_blingfires_wrapper_would_reject_go_to_it(monkeypatch):
    import framing.corpus.sentences as sentences

    data = "aé b".encode()  # é is bytes 1-2, the space 3, b 4
    assert sentences._mappable([0, 3, 4, 5], data, ascii=False)
    assert not sentences._mappable([0, 2, 4, 5], data, ascii=False)  # 2 is inside é
    assert not sentences._mappable([4, 5, 0, 3], data, ascii=False)  # out of order
    assert not sentences._mappable([0, 5, 5, 5], data, ascii=False)  # two offsets at the end
    assert not sentences._mappable([-1, 3], data, ascii=False)
    monkeypatch.setattr(sentences, "_mappable", lambda *args: False)  # blingfire's own wrapper answers
    assert sentences._blingfire_spans("Aé b. Then c.") == [(0, 5), (6, 13)]


def test_fast_blingfire_reads_only_what_blingfire_wrote(monkeypatch, root, data_root):
    """The reused buffers are not blanked between calls: offsets and text must come from this call alone, so
    buffers full of garbage before each call change nothing."""
    import ctypes

    import blingfire

    import framing.corpus.sentences as sentences

    given = sentences._buffers

    def dirty(size: int) -> tuple:
        out, starts, ends = given(size)
        ctypes.memset(out, 0x41, len(out))  # "A" everywhere: no NUL, no line break
        ctypes.memset(starts, 0x7F, ctypes.sizeof(starts))
        ctypes.memset(ends, 0x01, ctypes.sizeof(ends))
        return out, starts, ends

    monkeypatch.setattr(sentences, "_buffers", dirty)
    articles = list(read_path(root / "seeds")) + list(read_path(data_root / "fa-kes" / "FA-KES-Dataset.csv"))[::4]
    lines = [line for a in articles if isinstance(a, Article) for line in a.text.split("\n") if line.strip()]
    for line in TRICKY_LINES + lines:
        assert sentences._blingfire_spans(line) == blingfire.text_to_sentences_and_offsets(line)[1], line

import json

import pytest

from framing.corpus.readers import Article, Fields, decode, iso_date, read_path
from framing.errors import DocumentError, FramingError


def articles(path, fields=None):
    return [a for a in read_path(path, fields) if isinstance(a, Article)]


def errors(path, fields=None):
    return [a for a in read_path(path, fields) if isinstance(a, DocumentError)]


def test_text_directory_ids_from_file_names(root):
    seeds = articles(root / "seeds")
    assert len(seeds) == 5
    assert seeds[0].id == "000_1da5ef6bce5717eb" and seeds[0].corpus == "seeds" and seeds[0].outlet is None
    assert seeds[0].text.startswith("Syrian opposition breaks Aleppo regime siege")


def test_utf8_then_cp1252(tmp_path):
    (tmp_path / "a.txt").write_bytes("Assad’s forces".encode())
    (tmp_path / "b.txt").write_bytes("Assad’s forces".encode("cp1252"))
    texts = [a.text for a in articles(tmp_path)]
    assert texts == ["Assad’s forces", "Assad’s forces"]


def test_undecodable_and_binary_are_reported_not_fatal(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"\x81\x8d\x8f\x90\x9d not text")
    (tmp_path / "b.txt").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "c.txt").write_text("Rebels advanced.")
    (tmp_path / "d.txt").write_text("")
    assert [a.id for a in articles(tmp_path)] == ["c"]
    messages = [str(e) for e in errors(tmp_path)]
    assert any("a.txt" in m and "decoded" in m for m in messages)
    assert any("b.txt" in m and "binary" in m for m in messages)
    assert any("d.txt" in m and "empty" in m for m in messages)


def test_oversized_text_file_is_refused(tmp_path, monkeypatch):
    import framing.corpus.readers as corpus

    monkeypatch.setattr(corpus, "MAX_DOCUMENT_BYTES", 100)
    (tmp_path / "big.txt").write_text("x " * 200)
    (error,) = errors(tmp_path)
    assert "big.txt" in str(error) and "MB" in str(error)


def test_fakes_repeated_ids(data_root):
    fakes = articles(data_root / "fa-kes" / "FA-KES-Dataset.csv")
    ids = [a.id for a in fakes]
    assert len(ids) == len(set(ids))
    assert "1926479112" in ids and "1926479112#2" in ids
    assert len(fakes) == 804 - 11  # eleven rows repeat an article already read
    first = next(a for a in fakes if a.id == "1926479112")
    second = next(a for a in fakes if a.id == "1926479112#2")
    assert first.text != second.text
    assert {a.outlet for a in fakes} >= {"sana", "etilaf", "tass"} and len({a.outlet for a in fakes}) == 15


def test_fakes_is_cp1252(tmp_path):
    header = "unit_id,article_title,article_content,source,date,location,labels\r\n"
    row = '1,T,"Assad\u2019s forces shelled",sana,4/5/17,idlib,1\r\n'
    path = tmp_path / "f.csv"
    path.write_bytes((header + row + row).encode("cp1252"))
    (article,) = articles(path)
    assert article.doc == "fa-kes:1" and article.text == "Assad’s forces shelled" and article.date == "2017-04-05"


def test_allsides_jsonl(data_root):
    path = data_root / "allsides-syria" / "articles.jsonl"
    first = next(iter(read_path(path)))
    assert first.corpus == "allsides" and first.outlet and first.text and "bias_text" in first.extra


def test_generic_fields(tmp_path):
    path = tmp_path / "mine.jsonl"
    path.write_text(json.dumps({"key": "a1", "body": "Rebels advanced.", "paper": "X", "when": "2016-08-01"}) + "\n")
    (article,) = articles(path, Fields(text="body", id="key", outlet="paper", date="when"))
    assert (article.doc, article.outlet, article.date) == ("mine:a1", "X", "2016-08-01")


def test_missing_column_names_the_file_and_option(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(FramingError, match=r"t\.csv.*'body'.*--text-field"):
        list(read_path(path, Fields(text="body")))


def test_bad_json_line_is_reported(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text('{"text": "ok"}\n{broken\n')
    assert len(articles(path, Fields())) == 1
    assert "line 2" in str(errors(path, Fields())[0])


def test_decode_and_dates():
    assert decode("é".encode("cp1252"), "x") == "é"
    assert iso_date("8/6/16") == "2016-08-06" and iso_date("garbage") == "garbage" and iso_date("") is None


def test_dates_are_parsed_once_and_alike():
    from framing.corpus.readers import _date

    for value in ["8/6/16", " 2017-04-05 ", "2017-02-30", "04/05/2017", "garbage", "2017-4-5"]:
        assert iso_date(value) == _date(value) == iso_date(value)


@pytest.mark.parametrize(
    ("text", "problem"),
    [("plain ascii", None), ("nul \x00 here", "a NUL character at character 5"), ("é \ud800", "surrogate U.D800"),
     ("é fine", None)],
)  # fmt: skip
def test_forbidden_characters_are_found_in_ascii_and_other_text(text, problem):
    from framing.corpus.readers import check_article
    from framing.errors import DocumentError

    article = Article("c", "1", text, None, None)
    if problem is None:
        check_article(article, "here")
    else:
        with pytest.raises(DocumentError, match=problem):
            check_article(article, "here")

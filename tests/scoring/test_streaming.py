"""Streaming scoring: formats, worker processes, chunking, the transformer's prepared path and int8."""

import json

import numpy as np
import pytest

from framing.errors import FramingError
from framing.scoring import streaming as scoring
from framing.scoring.rows import read_scores
from framing.scoring.streaming import score
from tests.classifiers.test_transformer import SENTENCES


def test_parquet_holds_the_same_rows_as_json_lines(tmp_path, root):
    lexicon = root / "models" / "lexicon"  # the format, not the model, is under test
    score([root / "seeds"], tmp_path / "s.jsonl", lexicon)
    score([root / "seeds"], tmp_path / "s.parquet", lexicon)
    assert read_scores([tmp_path / "s.jsonl"]) == read_scores([tmp_path / "s.parquet"])


def test_workers_and_chunks_do_not_change_the_output(tmp_path, root, monkeypatch):
    lexicon = root / "models" / "lexicon"
    score([root / "seeds"], tmp_path / "one.jsonl", lexicon, workers=1)
    from framing.classifiers.lexicon import LexiconClassifier
    from framing.classifiers.protocol import Runtime

    monkeypatch.setattr(LexiconClassifier, "runtime", Runtime(False, 500))  # many small chunks, several in flight
    spools = tmp_path / "tmp"
    spools.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(spools))  # where the workers leave their chunks
    score([root / "seeds"], tmp_path / "two.jsonl", lexicon, workers=2)
    assert (tmp_path / "one.jsonl").read_bytes() == (tmp_path / "two.jsonl").read_bytes()
    score([root / "seeds"], tmp_path / "one.csv", lexicon, workers=1)
    score([root / "seeds"], tmp_path / "two.csv", lexicon, workers=2)
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "two.csv").read_bytes()
    assert not list(spools.iterdir())  # every chunk file and folder removed


def test_workers_chunks_go_through_files_and_are_removed_on_failure(tmp_path, root, monkeypatch):
    from framing.corpus.readers import Article

    lexicon = root / "models" / "lexicon"
    spools = tmp_path / "tmp"
    spools.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(spools))
    written = []
    real_write = scoring.ChunkWriter.write

    def write(self, payload):
        written.append(type(payload).__name__)
        if len(written) == 2:  # the disk fills after the first chunk: its file is gone, and the rest
            raise OSError(28, "No space left on device")
        real_write(self, payload)

    monkeypatch.setattr(scoring.ChunkWriter, "write", write)
    articles = [Article("x", str(i), "Rebels shelled the town. The regime denied it. " * 500) for i in range(12)]
    corpus = tmp_path / "a.jsonl"
    corpus.write_text("".join(json.dumps({"id": a.id, "text": a.text}) + "\n" for a in articles))
    with pytest.raises(FramingError, match="cannot be written"):
        score([corpus], tmp_path / "out.jsonl", lexicon, workers=2)
    assert written[0] == "SpooledChunk" and not list(spools.iterdir())
    assert not (tmp_path / "out.jsonl").exists()


def test_chunks_are_bounded_and_keep_order(root, monkeypatch):
    from framing.corpus.readers import read_path

    articles = list(read_path(root / "seeds"))
    report = scoring.ScoreReport()
    chunks = list(scoring.chunks(iter(articles), report, 1000))
    assert [a.doc for chunk in chunks for a in chunk] == [a.doc for a in articles]
    assert all(sum(len(a.text) for a in chunk[:-1]) < 1000 for chunk in chunks)


def test_segmenters_give_different_but_exact_rows(tmp_path, root):
    lexicon = root / "models" / "lexicon"
    score([root / "seeds"], tmp_path / "b.jsonl", lexicon, segmenter_name="blingfire")
    score([root / "seeds"], tmp_path / "p.jsonl", lexicon, segmenter_name="pysbd")
    for path in ("b.jsonl", "p.jsonl"):
        rows = read_scores([tmp_path / path])
        assert rows and all(r.text == r.text.strip() for r in rows)
    with pytest.raises(FramingError, match="unknown segmenter"):
        score([root / "seeds"], tmp_path / "x.jsonl", lexicon, segmenter_name="nltk")
    assert not (tmp_path / "x.jsonl").exists()


def test_int8_is_refused_for_the_lexicon(tmp_path, root):
    with pytest.raises(FramingError, match="int8"):
        score([root / "seeds"], tmp_path / "s.jsonl", model_path=root / "models" / "lexicon", int8=True)


def test_prepared_path_equals_predict_proba(tiny_dir):
    from framing.classifiers.loading import load_model

    classifier = load_model(tiny_dir).classifier
    direct = classifier.predict_proba(SENTENCES)
    prepared = classifier.probabilities(classifier.prepare(SENTENCES))
    for a, b in zip(direct, prepared):
        assert np.allclose(a, b)


@pytest.mark.slow  # two fresh worker processes, each importing torch
def test_transformer_worker_processes_start_fresh(tmp_path, root, tiny_dir):
    score([root / "seeds"], tmp_path / "one.jsonl", tiny_dir, workers=1)
    score([root / "seeds"], tmp_path / "two.jsonl", tiny_dir, workers=2)
    one, two = read_scores([tmp_path / "one.jsonl"]), read_scores([tmp_path / "two.jsonl"])
    assert [(r.doc, r.sentence, r.opposition, r.state, r.voice) for r in one] == [
        (r.doc, r.sentence, r.opposition, r.state, r.voice) for r in two
    ]


def test_transformer_scores_in_full_precision_and_int8(tmp_path, root, tiny_dir):
    from framing.classifiers.loading import load_model

    score([root / "seeds"], tmp_path / "fp.jsonl", model_path=tiny_dir)
    score([root / "seeds"], tmp_path / "q.jsonl", model_path=tiny_dir, int8=True)
    full, quantised = read_scores([tmp_path / "fp.jsonl"]), read_scores([tmp_path / "q.jsonl"])
    assert [(r.doc, r.sentence) for r in full] == [(r.doc, r.sentence) for r in quantised]
    assert load_model(tiny_dir, int8=True).classifier.int8_
    fields = ("opposition", "state", "voice")
    agree = np.mean([a.label(f) == b.label(f) for a, b in zip(full, quantised) for f in fields])
    assert agree > 0.8
    row = json.loads((tmp_path / "q.jsonl").read_text().splitlines()[0])
    assert abs(sum(row["scores"]["state"].values()) - 1) < 1e-3


def test_context_is_the_title_and_the_sentence_before_in_the_same_article():
    from framing.classifiers.schema import Context
    from framing.corpus.readers import Article
    from framing.corpus.sentences import Sentence

    a = Article("x", "1", "One. Two.", title="Head")
    b = Article("x", "2", "Three.")
    s = Article("sentences", "s1", "Four.", title="T", extra={"previous": "Three."})
    pairs = [(a, Sentence("x:1", 0, 0, 4, "One.")), (a, Sentence("x:1", 1, 5, 9, "Two."))]
    pairs += [(b, Sentence("x:2", 0, 0, 6, "Three.")), (s, Sentence("s1", 0, 0, 5, "Four."))]
    assert scoring.sentence_context(pairs) == [
        Context("Head", None),
        Context("Head", "One."),
        Context(None, None),
        Context("T", "Three."),
    ]


def test_sentence_rows_may_carry_context(tmp_path):
    path = tmp_path / "s.jsonl"
    rows = [{"id": "a", "text": "Rebels advanced.", "title": "Head", "previous": "Before."}, {"id": "b", "text": "x"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows) + json.dumps({"id": "c", "text": "y", "title": 3}))
    articles = list(scoring.sentence_articles(path))
    assert articles[0].title == "Head" and articles[0].extra == {"previous": "Before."}
    assert articles[1].title is None and articles[1].extra == {}
    assert isinstance(articles[2], Exception) and "title" in str(articles[2])


def test_scoring_with_a_transformer_shows_progress_with_an_eta(tmp_path, root, tiny_dir, monkeypatch, capsys):
    """Where stderr is a log: a line every few seconds (here: every chunk of one article), with the total
    that the documents counted beside the work give, and so the ETA."""
    import time

    from framing.classifiers.protocol import Runtime
    from framing.classifiers.transformer import TransformerClassifier

    real = scoring.count_in_background

    def counted_first(bar, items, kind):  # the count runs beside the work: here it is waited for
        stop = real(bar, items, kind)
        for _ in range(500):
            if bar.total is not None:
                break
            time.sleep(0.01)
        return stop

    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("FRAMING_PROGRESS_SECONDS", "0")
    monkeypatch.setattr(TransformerClassifier, "runtime", Runtime(True, 300))
    monkeypatch.setattr(scoring, "count_in_background", counted_first)
    report = score([root / "seeds"], tmp_path / "s.jsonl", tiny_dir)
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("scoring: ")]
    assert len(lines) >= 3 and all(f"/{report.articles} docs (" in line and "ETA" in line for line in lines)
    assert lines[-1].startswith(f"scoring: {report.articles}/{report.articles} docs (100%)")


def test_a_sure_classifier_gives_the_rows_its_probabilities_would(root, monkeypatch):
    """The lexicon's labels read straight from its decisions equal those read off its one-hot probabilities;
    rows share no dictionaries unless asked to."""
    from framing.classifiers.loading import load_model
    from framing.corpus.readers import Article
    from framing.corpus.sentences import split

    text = "Nothing here. Still nothing. The so-called rebels shelled government posts.\n\u201cTerrorists\u201d left."
    article = Article("c", "1", text, "sana", "2017-01-02")
    pairs = [(article, s) for s in split(article.doc, text)]
    model = load_model(root / "models" / "lexicon")
    direct = scoring.label_rows(model, pairs)
    shared = scoring.label_rows(model, pairs, shared=True)
    monkeypatch.setattr(type(model.classifier), "sure", None)
    read_off = scoring.label_rows(model, pairs)
    assert [r.as_dict() for r in direct] == [r.as_dict() for r in read_off] == [r.as_dict() for r in shared]
    assert direct[0].scores is not direct[1].scores and direct[0].scores["state"] is not direct[1].scores["state"]
    assert shared[0].scores is shared[1].scores


def test_a_chunk_of_json_lines_is_its_rows_encoded(root, data_root, monkeypatch):
    """``json_chunk`` writes what ``json_lines(label_rows(...))`` writes, on real articles and when it falls back."""
    from itertools import islice

    from framing.classifiers.loading import load_model
    from framing.corpus.readers import Article, read_path
    from framing.corpus.sentences import split
    from framing.scoring.outputs import json_lines

    articles = [
        a for a in islice(read_path(data_root / "allsides-syria" / "articles.jsonl"), 40) if isinstance(a, Article)
    ]
    pairs = [(a, s) for a in articles for s in split(a.doc, a.text)]
    model = load_model(root / "models" / "lexicon")
    prepared = model.classifier.prepare([s.text for _, s in pairs])
    expected = json_lines(scoring.label_rows(model, pairs, prepared))
    assert scoring.json_chunk(model, pairs, prepared) == expected
    monkeypatch.setattr(type(model.classifier), "sure", None)
    assert scoring.json_chunk(model, pairs, prepared) == expected

import json

import pytest

from framing.classifiers.schema import check_record
from framing.errors import FramingError
from framing.gold.annotations import (
    ANNOTATIONS,
    annotation_documents,
    evaluation_ids,
    load_annotations,
    load_gold,
    load_splits,
    split_gold,
)


@pytest.fixture(scope="module")
def gold(data_root):
    return load_annotations(data_root)


@pytest.mark.slow  # segments every article the gold set draws from
def test_the_gold_set_meets_its_counts(gold, data_root):
    from collections import Counter

    from framing.corpus.sentences import split
    from framing.gold.annotate import annotatable

    fakes = [g for g in gold if g.doc.startswith("fa-kes:")]
    assert len(fakes) >= 2000
    available = Counter()
    for article in annotatable(data_root / "fa-kes" / "FA-KES-Dataset.csv", evaluation_ids(data_root)):
        available[article.outlet] += len(split(article.doc, article.text, "pysbd"))
    annotated = Counter(g.outlet for g in fakes)
    assert set(annotated) == set(available) and len(available) == 15
    for outlet, n in available.items():
        assert annotated[outlet] >= min(80, n), outlet
    naming = sum(g.opposition != "none" or g.state != "none" for g in fakes)
    assert naming >= len(fakes) / 2
    assert all(g.annotator for g in gold)


def test_the_allsides_gold_meets_issue_11(gold, data_root):
    """At least 2,000 AllSides sentences from 300 unreserved articles, left, center and right alike,
    in train, dev and test by article, and a blind second annotation of at least 300 of them."""
    import json
    from collections import Counter

    from framing.gold.annotations import ANNOTATIONS, allsides_evaluation_ids, annotation_documents

    allsides = [g for g in gold if g.doc.startswith("allsides:")]
    docs = {g.doc for g in allsides}
    assert len(allsides) >= 2000 and len(docs) >= 300
    assert not {d.split(":", 1)[1] for d in docs} & allsides_evaluation_ids(data_root)
    documents = annotation_documents(data_root)
    bias = Counter(documents[d].extra["bias_text"] for d in docs)
    assert set(bias) == {"left", "center", "right"} and min(bias.values()) >= 0.25 * len(docs)
    splits = load_splits()
    assert all(any(d in splits[name] for d in docs) for name in ("train", "dev", "test"))
    blind = [
        json.loads(line)
        for name in ("round4-blind", "round5-blind")
        for line in (ANNOTATIONS / "agreement" / f"{name}.jsonl").open()
    ]
    assert len([b for b in blind if b["doc"] in docs]) >= 300


def test_every_record_is_valid_and_inside_its_document(gold):
    for g in gold:
        assert not check_record({"opposition": g.opposition, "state": g.state, "voice": g.voice})
        assert g.text and g.text == g.text.strip()


def test_no_reserved_document_is_annotated(gold, data_root):
    reserved = evaluation_ids(data_root)
    assert not {g.doc.split(":")[1].split("#")[0] for g in gold} & reserved


def test_every_seed_sentence_is_annotated(gold, root):
    from framing.corpus.readers import read_path
    from framing.corpus.sentences import split

    annotated = {(g.doc, g.start, g.end) for g in gold}
    for article in read_path(root / "seeds"):
        for s in split(article.doc, article.text, "pysbd"):
            assert (article.doc, s.start, s.end) in annotated


def test_splits_are_by_article(gold):
    splits = load_splits()
    sizes = {name: len(split_gold(gold, name, splits)) for name in splits}
    assert sum(sizes.values()) == len(gold) and min(sizes.values()) > 200
    assert not (splits["train"] & splits["test"]) and not (splits["dev"] & splits["test"])


def write(tmp_path, records):
    path = tmp_path / "a.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def test_loader_refuses_reserved_ids_of_both_corpora(tmp_path, data_root):
    documents = annotation_documents(data_root)
    reserved = evaluation_ids(data_root)
    some_reserved = sorted((data_root / "fa-kes" / "evaluation-ids.txt").read_text().split())[0]
    bad = write(
        tmp_path,
        [
            {
                "doc": f"fa-kes:{some_reserved}",
                "start": 0,
                "end": 5,
                "opposition": "none",
                "state": "none",
                "voice": "none",
            }
        ],
    )
    with pytest.raises(FramingError, match="reserved for evaluation"):
        load_gold(bad, documents, reserved)
    reserved_allsides = sorted((data_root / "allsides-syria" / "evaluation-ids.txt").read_text().split())[0]
    record = {"start": 0, "end": 5, "opposition": "none", "state": "none", "voice": "none"}
    allsides = write(tmp_path, [{"doc": f"allsides:{reserved_allsides}", **record}])
    with pytest.raises(FramingError, match="reserved for evaluation.*allsides-syria/evaluation-ids.txt"):
        load_gold(allsides, documents, reserved)
    # an unreserved AllSides article may be annotated now
    free = next(d for d in documents if d.startswith("allsides:") and d not in reserved)
    first = documents[free].text.split("\n")[0].strip()
    ok = write(tmp_path, [{"doc": free, **record, "end": len(first)}])
    assert [g.doc for g in load_gold(ok, documents, reserved)] == [free]


def test_loader_checks_spans(tmp_path, data_root):
    documents = annotation_documents(data_root)
    first = json.loads((ANNOTATIONS / "gold-fakes.jsonl").read_text().splitlines()[0])
    text = documents[first["doc"]].text
    for start, end, message in (
        (first["start"], len(text) + 10, "outside"),
        (first["start"] + 1, first["end"], "boundaries"),
    ):
        path = write(tmp_path, [first | {"start": start, "end": end}])
        with pytest.raises(FramingError, match=message):
            load_gold(path, documents, set())
    path = write(tmp_path, [first | {"voice": "loud"}])
    with pytest.raises(FramingError, match="voice"):
        load_gold(path, documents, set())

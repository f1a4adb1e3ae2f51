"""The loop from a new scheme to a trained, evaluated model with no code (issue 16): `framing init-scheme`,
the scheme file edited into a scheme of its own, `framing annotate` by it, `framing train` of a tiny
transformer and of a lexicon model on the user's own corpus and gold, then `framing evaluate` over the
scheme's fields; gold of another scheme is refused."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
import tomli_w
from typer.testing import CliRunner, Result

from framing.cli import app
from framing.errors import FramingError
from framing.gold.annotate import KEYS, answer_keys
from framing.gold.annotations import load_gold
from framing.schemes import default_scheme, load_scheme
from framing.schemes.skeleton import lexicon_skeleton
from tests.harbour import ACTORS, MAP
from tests.tiny import ROOT, TINY

#: The skeleton's two actors (3 labels each) become the harbour's (``tests.harbour``).
TERMS = {
    "guild:named": ["guild"],
    "league:members": ["league members"],
    "league:sailors": ["sailors"],
    "league:raiders": ["raiders"],
    "league:smugglers": ["smugglers"],
}

#: Made-up sentences and their labels (guild, league, voice).
SENTENCES = {
    "The guild opened the harbour gates at dawn.": ("named", "none", "own"),
    "Raiders burned two boats near the pier.": ("none", "raiders", "own"),
    "Smugglers were seen near the lighthouse.": ("none", "smugglers", "own"),
    "Sailors mended their nets on the quay.": ("none", "sailors", "own"),
    "It rained over the bay all day.": ("none", "none", "none"),
    "League members met the guild at noon.": ("named", "members", "own"),
    "The mayor called them so-called raiders.": ("none", "raiders", "reported"),
}
OUTLETS = ("Bay Herald", "Pier Post")
DATA_FIELDS = {"id_field": "id", "outlet_field": "outlet", "title_field": "title"}
FIELD_OPTIONS = ["--id-field", "id", "--outlet-field", "outlet", "--title-field", "title"]


def make_scheme(folder) -> str:
    """Run `framing init-scheme`, then edit its scheme.toml into the harbour scheme and fill its lexicon."""
    result = CliRunner().invoke(app, ["init-scheme", "harbour", "--out", str(folder)])
    assert result.exit_code == 0, result.output
    text = (folder / "scheme.toml").read_text(encoding="utf-8")
    head, rest = text.split("\n[[actors]]", 1)
    voice = rest[rest.index("# Whose wording") : rest.index("# The framing map")]
    edited = head + "\n" + ACTORS + voice + MAP
    (folder / "scheme.toml").write_text(edited, encoding="utf-8")
    lexicon = lexicon_skeleton(load_scheme(folder / "scheme.toml"))
    for table, terms in TERMS.items():
        assert f'[labels."{table}"]\nterms = []' in lexicon  # the skeleton has a table per label of the scheme
        lexicon = lexicon.replace(f'[labels."{table}"]\nterms = []', f'[labels."{table}"]\nterms = {json.dumps(terms)}')
    (folder / "lexicon.toml").write_text(lexicon, encoding="utf-8")
    return edited


def make_corpus(folder) -> list[dict]:
    """Ten articles (five per outlet) of three sentences each, and a gold record by offsets per sentence."""
    texts = list(SENTENCES)
    articles, records = [], []
    for n in range(10):
        chosen = [texts[(n + k) % len(texts)] for k in range(3)]
        article = {"id": f"a{n}", "outlet": OUTLETS[n % 2], "title": f"Harbour news {n}", "text": " ".join(chosen)}
        articles.append(article)
        for sentence in chosen:
            start = article["text"].index(sentence)
            labels = dict(zip(("guild", "league", "voice"), SENTENCES[sentence]))
            span = {"doc": f"articles:a{n}", "start": start, "end": start + len(sentence)}
            records.append(span | labels | {"annotator": "test", "scheme": "harbour"})  # as annotate writes them
    lines = [json.dumps(a) for a in articles]
    (folder / "articles.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "gold.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return records


def write_config(folder: Path, name: str, model: dict, **top) -> Path:
    config = {
        "seed": 0,
        "scheme": "scheme.toml",
        "model": {"name": name, **model},
        "data": {"corpus": "articles.jsonl", "annotations": ["gold.jsonl"], **DATA_FIELDS},
        **top,
    }
    path = folder / f"{name}.toml"
    path.write_bytes(tomli_w.dumps(config).encode())
    return path


TINY_TRANSFORMER = {
    "encoder_config": TINY,
    "finetune": "full",
    "hints": False,
    "epochs": 2,
    "batch_size": 8,
    "max_length": 32,
    "learning_rate": 1e-3,
}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    folder = tmp_path_factory.mktemp("harbour")
    text = make_scheme(folder)
    records = make_corpus(folder)
    return folder, text, records


def train(folder: Path, config: Path, run: Path) -> Result:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder.parent)  # the config's paths are read from its own folder, not the working one
        return CliRunner().invoke(app, ["train", str(config), "--out", str(run)])


@pytest.fixture(scope="module")
def lexicon_run(project, tmp_path_factory):
    """A lexicon model of the scheme, trained by `framing train` from the scheme's own lexicon file."""
    folder, _, _ = project
    config = write_config(folder, "harbour-lexicon", {"type": "lexicon", "lexicon": "lexicon.toml"})
    run = tmp_path_factory.mktemp("lexicon-run")
    return train(folder, config, run), run


def evaluate(folder: Path, model: Path, *extra: str) -> Result:
    args = ["evaluate", "--model", str(model), "--gold", str(folder / "gold.jsonl")]
    return CliRunner().invoke(app, [*args, "--corpus", str(folder / "articles.jsonl"), *FIELD_OPTIONS, *extra])


def test_answer_keys_follow_the_scheme(project):
    folder, _, _ = project
    assert KEYS == {
        "opposition": {"n": "none", "r": "rebel", "t": "terrorist", "j": "jihadist"},
        "state": {"n": "none", "g": "government", "r": "regime"},
        "voice": {"o": "own", "r": "reported"},
    }
    assert answer_keys(default_scheme()) == KEYS
    keys = answer_keys(load_scheme(folder / "scheme.toml"))
    assert keys["guild"] == {"1": "none", "2": "named"}  # none and named share their first letter
    assert list(keys["league"]) == ["1", "2", "3", "4", "5"] and keys["league"]["4"] == "raiders"
    assert keys["voice"] == {"o": "own", "r": "reported"}


def test_annotate_by_the_scheme_writes_records_of_it(project, tmp_path):
    """`framing annotate --scheme` without a model: the lexicon beside the scheme file suggests labels."""
    folder, _, _ = project
    out = tmp_path / "mine.jsonl"
    args = ["annotate", str(folder / "articles.jsonl"), "--out", str(out), "--annotator", "me"]
    args += ["--scheme", str(folder / "scheme.toml"), "--limit", "2", *FIELD_OPTIONS]
    # sentence 1 (the guild opens the gates): take the suggestion; sentence 2 (raiders): correct the guild
    # to named (key 2), take raiders (Enter) and choose reported for voice
    result = CliRunner().invoke(app, args, input="\n\n\n2\n\nr\n")
    assert result.exit_code == 0, result.output
    assert "guild ([1]=none [2]=named" in result.output
    assert "suggestion: guild=named league=none voice=own" in result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["guild"], r["league"], r["voice"]) for r in records] == [
        ("named", "none", "own"),
        ("named", "raiders", "reported"),
    ]
    assert all(r["scheme"] == "harbour" and "opposition" not in r for r in records)
    assert records[1]["suggestion"] == {"model": "lexicon", "guild": "none", "league": "raiders", "voice": "own"}
    from framing.corpus.readers import Fields, load_articles

    documents = load_articles(folder / "articles.jsonl", Fields("text", "id", "outlet", None, "title"))
    gold = load_gold(out, documents, set(), scheme=load_scheme(folder / "scheme.toml"))
    assert [g.labels() for g in gold] == [("named", "none", "own"), ("named", "raiders", "reported")]
    assert gold[1].league == "raiders" and gold[1].label("voice") == "reported"
    with pytest.raises(FramingError, match="a record of scheme 'harbour', not of scheme 'syria'"):
        load_gold(out, documents, set())


def test_a_transformer_of_the_scheme_trains_and_evaluates_with_no_code(project, tmp_path):
    folder, text, records = project
    config = write_config(folder, "harbour-tiny", {"type": "transformer"}, transformer=TINY_TRANSFORMER)
    run = tmp_path / "run"
    result = train(folder, config, run)
    assert result.exit_code == 0, result.output
    assert "trained harbour-tiny" in result.output and "splits.json (framing evaluate --splits)" in result.output
    model = run / "model"
    scheme = load_scheme(folder / "scheme.toml")
    assert (model / "scheme.toml").read_text(encoding="utf-8") == text
    assert not (model / "lexicon.toml").exists()
    config_toml = tomllib.loads((model / "config.toml").read_text(encoding="utf-8"))
    meta = json.loads((model / "meta.json").read_text(encoding="utf-8"))
    assert config_toml["scheme"]["name"] == "harbour" and config_toml["scheme"]["hash"] == scheme.hash
    assert meta["labels"] == {f: list(scheme.labels[f]) for f in ("guild", "league", "voice")}
    assert list(meta["metrics"]["dev"]["fields"]) == ["guild", "league", "voice"]
    splits = json.loads((run / "splits.json").read_text(encoding="utf-8"))
    docs = {r["doc"] for r in records}
    assert set().union(*map(set, splits.values())) == docs and all(splits[name] for name in ("train", "dev", "test"))
    assert meta["train_sentences"] == sum(r["doc"] in splits["train"] for r in records)

    out = tmp_path / "metrics"
    result = evaluate(folder, model, "--split", "test", "--splits", str(run / "splits.json"), "--out", str(out))
    assert result.exit_code == 0, result.output
    for field in ("guild", "league", "voice"):
        assert f"\n{field}: macro-F1 " in result.output
    assert "opposition" not in result.output and "smugglers" in result.output
    metrics = json.loads((out / "metrics-harbour-tiny.json").read_text(encoding="utf-8"))
    assert list(metrics["fields"]) == ["guild", "league", "voice"]
    assert metrics["sentences"] == sum(r["doc"] in splits["test"] for r in records)
    assert [row["label"] for row in metrics["fields"]["league"]["labels"]] == list(scheme.labels["league"])
    assert all(0.0 <= metrics["fields"][f]["macro_f1"] <= 1.0 for f in metrics["fields"])
    assert (out / "confusion-harbour-tiny.png").is_file()  # a confusion matrix per field of the scheme
    slices = evaluate(folder, model, "--slices")
    assert slices.exit_code == 0 and "slices skipped: they are of scheme 'syria'" in slices.output


def test_a_lexicon_model_of_the_scheme_trains_and_evaluates(project, lexicon_run):
    folder, _, records = project
    result, run = lexicon_run
    assert result.exit_code == 0, result.output
    model = run / "model"
    assert tomllib.loads((model / "lexicon.toml").read_text(encoding="utf-8"))["scheme"] == "harbour"
    meta = json.loads((model / "meta.json").read_text(encoding="utf-8"))
    assert meta["scheme"]["name"] == "harbour" and meta["type"] == "lexicon"
    assert meta["metrics"]["dev"]["mean_macro_f1"]["value"] == pytest.approx(1.0)  # its terms are the gold's words
    result = evaluate(folder, model)
    assert result.exit_code == 0, result.output
    assert f"model harbour-lexicon: {len(records)} sentences from 10 articles" in result.output
    assert "mean macro-F1 1.000" in result.output and "\nleague: macro-F1 1.000" in result.output


def test_gold_of_another_scheme_is_refused(project, lexicon_run, tmp_path):
    folder, _, _ = project
    syrian = evaluate(folder, ROOT / "models" / "lexicon")
    assert syrian.exit_code != 0
    assert "a record of scheme 'harbour', not of scheme 'syria' asked for (the model's)" in syrian.output
    lexicon_model = lexicon_run[1] / "model"
    own = tmp_path / "syrian.jsonl"
    record = {"doc": "articles:a0", "start": 0, "end": 43, "opposition": "none", "state": "none", "voice": "none"}
    own.write_text(json.dumps(record) + "\n", encoding="utf-8")
    args = ["evaluate", "--model", str(lexicon_model), "--gold", str(own)]
    refused = CliRunner().invoke(app, [*args, "--corpus", str(folder / "articles.jsonl"), *FIELD_OPTIONS])
    assert refused.exit_code != 0 and "a record of scheme 'syria'" in refused.output
    assert "not of scheme 'harbour' (guild, league, voice)" in refused.output
    default_gold = CliRunner().invoke(app, ["evaluate", "--model", str(lexicon_model)])
    assert default_gold.exit_code != 0 and "give gold of scheme 'harbour' with --gold" in default_gold.output


@pytest.mark.parametrize(
    "model,data,message",
    [
        ({"type": "lexicon"}, {}, "model.lexicon: a lexicon model of scheme 'harbour' needs"),
        ({"type": "transformer"}, {}, "scheme 'harbour' has other fields or labels: set hints = false"),
        ({"type": "lexicon", "lexicon": "models/lexicon/lexicon.toml"}, {}, "a lexicon of scheme 'syria'"),
        ({"type": "lexicon", "lexicon": "lexicon.toml"}, {"annotations": []}, "data.annotations: name the"),
        ({"type": "lexicon", "lexicon": "lexicon.toml"}, {"domains": ["fa-kes"]}, "data.domains: the domains"),
    ],
)
def test_configs_of_a_scheme_of_its_own_say_what_is_missing(project, tmp_path, model, data, message):
    folder, _, _ = project
    config = write_config(folder, "bad", model)
    spec = tomllib.loads(config.read_text(encoding="utf-8"))
    spec["data"] |= data
    config.write_bytes(tomli_w.dumps(spec).encode())
    result = train(folder, config, tmp_path / "run")
    assert result.exit_code != 0 and message in result.output


def test_field_options_need_a_corpus(tmp_path):
    from framing.training.experiment import load_experiment

    path = tmp_path / "e.toml"
    path.write_text('[model]\ntype = "lexicon"\nname = "x"\n[data]\nid_field = "id"\n', encoding="utf-8")
    with pytest.raises(FramingError, match="data.id_field: names a field of data.corpus; set corpus too"):
        load_experiment(path)


def test_a_shipped_scheme_is_named_by_its_name(tmp_path):
    from framing.training.experiment import load_experiment
    from framing.training.train import experiment_scheme

    path = tmp_path / "e.toml"
    path.write_text('scheme = "islamic-state"\n[model]\ntype = "lexicon"\nname = "x"\n', encoding="utf-8")
    assert experiment_scheme(load_experiment(path)).name == "islamic-state"
    path.write_text('[model]\ntype = "lexicon"\nname = "x"\n', encoding="utf-8")
    assert experiment_scheme(load_experiment(path)).same_as(default_scheme())

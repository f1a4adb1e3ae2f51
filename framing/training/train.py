"""``framing train``: an experiment config in, a run directory and a model directory out.

The experiment's scheme (``scheme``; default the Syrian one) decides the fields: the transformer's heads,
the lexicon it must be of, the gold records it reads; ``[data] corpus`` and ``annotations`` point at the
user's own annotated articles."""

from __future__ import annotations

import hashlib
import json
import platform
import re
import shutil
import sys
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import tomli_w

from framing import __version__
from framing.classifiers.directory import scheme_record, write_scheme
from framing.classifiers.lexicon import QUOTATION_MARKS, Lexicon, LexiconClassifier, quoted_spans
from framing.classifiers.schema import SCHEME, Scheme
from framing.corpus.readers import Fields, load_articles
from framing.errors import FramingError
from framing.gold.annotations import (
    SPLITS_FILE,
    GoldSentence,
    contexts,
    domain_of,
    evaluation_ids,
    load_annotations,
    load_gold,
    load_splits,
    make_splits,
    split_gold,
)
from framing.gold.evaluate import evaluate_predictions
from framing.io import atomic_write
from framing.resources import CHECKOUT, annotations_dir, default_data_root, models_dir
from framing.schemes import load_scheme, shipped, shipped_scheme
from framing.training.experiment import Experiment

LIBRARIES = ("torch", "transformers", "peft", "datasets", "numpy", "scikit-learn", "safetensors")


def data_hash(gold: list[GoldSentence]) -> str:
    """A hash of the training records (documents, offsets, labels)."""
    digest = hashlib.sha256()
    for g in sorted(gold, key=lambda g: (g.doc, g.start)):
        digest.update("\t".join((g.doc, str(g.start), str(g.end), *g.labels())).encode() + b"\n")
    return digest.hexdigest()[:16]


def versions() -> dict[str, str]:
    found = {"python": platform.python_version(), "framing": __version__}
    for name in LIBRARIES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return found


def _path(value: str, base: Path | None = None) -> Path:
    """A config's path: absolute as given; ``models/...`` and ``experiments/annotations/...`` are the
    shipped files (in a checkout or a wheel); anything else is relative to the config's folder ``base``
    where it is there, else to the checkout or working folder."""
    path = Path(value)
    if path.is_absolute():
        return path
    for prefix, folder in (("models", models_dir()), ("experiments/annotations", annotations_dir())):
        if path.parts[: len(Path(prefix).parts)] == Path(prefix).parts:
            return folder.joinpath(*path.parts[len(Path(prefix).parts) :])
    if base is not None and (base / path).exists():
        return base / path
    return (CHECKOUT or Path.cwd()) / path


#: A word of the first person, as a lost quote speaks ("we will fight", "our forces").
FIRST_PERSON = re.compile(r"\b(?:I|[Ww]e|[Oo]ur|[Oo]urs|[Uu]s|[Mm]y|[Mm]e)\b")


def with_unquoted_copies(
    X: list[str], y: list[tuple[str, ...]], context: list, scheme: Scheme, first_person: bool = False
) -> tuple[list[str], list[tuple[str, ...]], list]:
    """``X``, ``y`` and ``context`` followed by a copy of each sentence of the ``reported`` voice that holds
    double quotation marks (with ``first_person``, only those whose quoted words hold a first-person word),
    the marks taken out, with the same labels and context: quotes whose marks a corpus lost read as quotes
    still (none for a scheme without that voice)."""
    if "reported" not in scheme.voice.labels:
        return X, y, context
    voice = scheme.fields.index(scheme.voice.field)

    def wanted(text: str) -> bool:
        if not QUOTATION_MARKS.search(text):
            return False
        return not first_person or any(FIRST_PERSON.search(text[a:b]) for a, b in quoted_spans(text))

    copies = [
        (QUOTATION_MARKS.sub("", text).strip(), labels, where)
        for text, labels, where in zip(X, y, context)
        if labels[voice] == "reported" and wanted(text)
    ]
    copies = [copy for copy in copies if copy[0]]
    return X + [c[0] for c in copies], y + [c[1] for c in copies], context + [c[2] for c in copies]


def experiment_scheme(experiment: Experiment) -> Scheme:
    """The experiment's label scheme: its ``scheme`` file or shipped name, else the default (Syrian) one."""
    name = experiment.scheme
    if name is None:
        return SCHEME
    if name in shipped() and not Path(name).suffix:
        return shipped_scheme(name)
    return load_scheme(_path(name, experiment.base))


def lexicon_file(experiment: Experiment, scheme: Scheme) -> Path | None:
    """The lexicon to train with: ``[model] lexicon``; for a scheme of its own, only one named (a
    transformer needs none)."""
    if scheme.same_as(SCHEME) or "lexicon" in experiment.model.model_fields_set:
        return _path(experiment.model.lexicon, experiment.base)
    if experiment.model.type == "lexicon":
        raise FramingError(
            f"model.lexicon: a lexicon model of scheme {scheme.name!r} needs that scheme's lexicon file "
            "(`framing init-scheme` writes lexicon.toml); name it in [model]"
        )
    return None


def training_gold(experiment: Experiment, scheme: Scheme) -> tuple[list[GoldSentence], dict[str, set[str]], bool]:
    """The gold sentences of the experiment (checked against ``scheme``), its splits, and whether the splits
    were made here (a user's corpus without a splits file: its articles split by the seed)."""
    data, base = experiment.data, experiment.base
    data_root = Path(data.root) if data.root else default_data_root()
    paths = [_path(p, base) for p in data.annotations] or None
    if paths is None and not scheme.same_as(SCHEME):
        raise FramingError(
            f"data.annotations: the project's annotations are of scheme {SCHEME.name!r}; name the annotation "
            f"files of scheme {scheme.name!r}"
        )
    if data.corpus is None:
        gold = [g for g in load_annotations(data_root, paths, scheme) if domain_of(g.doc) in data.domains]
    else:
        documents = load_articles(_path(data.corpus, base), _corpus_fields(experiment))
        reserved = evaluation_ids(data_root) if (data_root / "fa-kes").is_dir() else set()
        gold = [g for path in paths or [] for g in load_gold(path, documents, reserved, scheme=scheme)]
    if data.splits is not None or data.corpus is None:
        return gold, load_splits(_path(data.splits, base) if data.splits else SPLITS_FILE), False
    made = make_splits(gold, experiment.seed)
    return gold, {name: set(docs) for name, docs in made.items()}, True


def _corpus_fields(experiment: Experiment) -> Fields | None:
    """The field options of ``[data]`` (as given to ``framing annotate``), or None when none is named."""
    d = experiment.data
    named = any(f is not None for f in (d.id_field, d.outlet_field, d.date_field, d.title_field))
    if not named and d.text_field == "text":
        return None  # FA-KES and AllSides are recognised; a generic corpus has a text field
    return Fields(d.text_field, d.id_field, d.outlet_field, d.date_field, d.title_field)


def model_card(meta: dict, config: dict, scheme: Scheme = SCHEME) -> str:
    dev = meta.get("metrics", {}).get("dev", {})
    lines = [f"# {meta['name']}", "", _card_summary(meta, scheme), ""]
    lines += [
        f"- created {meta['created']} with framing {meta['versions']['framing']}, seed {meta['seed']}",
        f"- trained on {meta['train_sentences']} gold sentences (data hash `{meta['data_hash']}`)"
        if meta["train_sentences"]
        else "- a word list: nothing learned from gold sentences",
    ]
    if "transformer" in config:
        t = config["transformer"]
        lines.append(
            f"- encoder `{t['encoder']}`, fine-tuning `{t['finetune']}`, lexicon hints {t['hints']}, "
            f"{t['epochs']} epochs, batch {t['batch_size']}, learning rate {t['learning_rate']}"
        )
    if dev:
        lines += [
            "",
            "## Dev-split macro-F1 (95% bootstrap interval over articles)",
            "",
            "| field | macro-F1 | interval |",
            "|---|---|---|",
        ]
        for f in dev["fields"]:
            s = dev["fields"][f]
            lines.append(f"| {f} | {s['macro_f1']:.3f} | {s['low']:.3f}-{s['high']:.3f} |")
        m = dev["mean_macro_f1"]
        lines.append(f"| mean | {m['value']:.3f} | {m['low']:.3f}-{m['high']:.3f} |")
    lines += ["", "Load with `framing.load_model(path)`; score with `framing score --model PATH`.", ""]
    return "\n".join(lines)


def _card_summary(meta: dict, scheme: Scheme) -> str:
    """What the model labels: the Syrian wording for the default scheme, the scheme's fields for another."""
    if scheme.same_as(SCHEME):
        return (
            f"A `{meta['type']}` model of **framing** (labels of annotation guidelines "
            f"v{meta['guidelines']}): for each sentence, how it names the Syrian opposition "
            "(`none`, `rebel`, `terrorist`, `jihadist`), the state (`none`, `government`, `regime`), and whether "
            "that naming is the outlet's own wording (`voice`)."
        )
    named = ", ".join(f"{a.display} (" + ", ".join(f"`{v}`" for v in a.labels) + ")" for a in scheme.actors)
    return (
        f"A `{meta['type']}` model of **framing** for the label scheme `{scheme.name}` v{scheme.version} "
        f"(scheme.toml; guidelines {scheme.guidelines.document} v{scheme.guidelines.version}): for each "
        f"sentence, how it names {named}, and whether that naming is the outlet's own wording "
        f"(`{scheme.voice.field}`)."
    )


def train(experiment: Experiment, run_dir: Path, model_out: Path | None = None, device: str = "auto") -> dict:
    """Fit the experiment's model, evaluate on dev, write the run and model directories; a transformer trains
    on ``device`` (``auto``: a CUDA GPU if torch sees one, else the CPU; ``framing.classifiers.device``)."""
    from framing.classifiers.device import check_name

    check_name(device)  # a typo fails before any work, whatever the model type

    scheme = experiment_scheme(experiment)
    gold, splits, made = training_gold(experiment, scheme)
    train_gold, dev_gold = (
        split_gold(gold, experiment.data.train, splits),
        split_gold(gold, experiment.data.dev, splits),
    )
    learns = experiment.model.type != "lexicon"  # a word list learns nothing: dev gold alone measures it
    if (learns and not train_gold) or not dev_gold:
        hint = " (split by outlet: each needs 3 or more annotated articles), or give data.splits" if made else ""
        raise FramingError(f"the train or dev split is empty; check [data] in the experiment{hint}")
    lexicon_path = lexicon_file(experiment, scheme)
    lexicon = Lexicon.from_file(lexicon_path, scheme) if lexicon_path is not None else None
    X, y = [g.text for g in train_gold], [g.labels() for g in train_gold]
    train_context = contexts(train_gold)
    if experiment.data.unquoted_copies != "none":
        first_person = experiment.data.unquoted_copies == "first-person"
        X, y, train_context = with_unquoted_copies(X, y, train_context, scheme, first_person)
    X_dev, y_dev = [g.text for g in dev_gold], [g.labels() for g in dev_gold]
    run_dir.mkdir(parents=True, exist_ok=True)
    resolved = experiment.model_dump(mode="json")
    with atomic_write(run_dir / "experiment.toml") as handle:
        handle.write(tomli_w.dumps(_drop_none(resolved)))
    if made:
        with atomic_write(run_dir / "splits.json") as handle:
            json.dump({name: sorted(docs) for name, docs in splits.items()}, handle, indent=1)
    started = time.perf_counter()
    config = {
        "model": {
            "type": experiment.model.type,
            "name": experiment.model.name,
            "lexicon": "lexicon.toml" if lexicon_path is not None else None,
            "guidelines": scheme.guidelines.version,
        }
    }
    if experiment.model.type == "lexicon":
        classifier = LexiconClassifier(lexicon).fit(X, y)
        history: list[dict] = []
    else:
        from framing.classifiers.transformer import TransformerClassifier

        settings = experiment.transformer.model_copy(update={"seed": experiment.seed})
        classifier = TransformerClassifier(settings, lexicon, progress=True, scheme=scheme, device=device).fit(
            X, y, X_dev, y_dev, train_context, contexts(dev_gold)
        )
        history = classifier.history_
        config["transformer"] = _drop_none(classifier.settings_dict())
    seconds = time.perf_counter() - started
    dev = evaluate_predictions(experiment.model.name, dev_gold, classifier.predict(X_dev, contexts(dev_gold)))
    dev_metrics = dev.as_dict()
    brief = {f: {k: v for k, v in m.items() if k != "confusion"} for f, m in dev_metrics["fields"].items()}
    meta = {
        "name": experiment.model.name,
        "type": experiment.model.type,
        "guidelines": scheme.guidelines.version,
        "labels": {f: list(scheme.labels[f]) for f in scheme.fields},
        "seed": experiment.seed,
        "data_hash": data_hash(train_gold),
        "train_sentences": len(train_gold),
        "train_seconds": round(seconds, 1),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "versions": versions(),
        "metrics": {"dev": dev_metrics | {"fields": brief}},
    }
    if len(X) > len(train_gold):  # the unquoted copies trained on beside the gold sentences
        meta["train_copies"] = len(X) - len(train_gold)
    model_dir = run_dir / "model"
    write_model_dir(model_dir, classifier, config, meta, lexicon_path)
    with atomic_write(run_dir / "train-log.jsonl") as handle:
        handle.writelines(json.dumps(row) + "\n" for row in history)
    with atomic_write(run_dir / "metrics.json") as handle:
        json.dump({"dev": dev_metrics, "history": history, "train_seconds": round(seconds, 1)}, handle, indent=1)
    if model_out is not None:
        install_model(model_dir, model_out)
    return meta


def write_model_dir(path: Path, classifier, config: dict, meta: dict, lexicon_path: Path | None) -> None:
    """config.toml, meta.json, the scheme file, the lexicon (if any: a transformer of another scheme without
    hints has none), weights (safetensors) and a model card. The classifier's scheme (its own, or its
    lexicon's) is recorded as ``scheme`` in ``config`` and ``meta`` (both updated) and copied as scheme.toml."""
    scheme = getattr(classifier, "scheme", None) or getattr(getattr(classifier, "lexicon", None), "scheme", SCHEME)
    config["scheme"] = meta["scheme"] = scheme_record(scheme)
    tmp = path.with_name(f".{path.name}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    write_scheme(tmp, scheme)
    if lexicon_path is not None:
        shutil.copy(lexicon_path, tmp / "lexicon.toml")
    (tmp / "config.toml").write_text(tomli_w.dumps(_drop_none(config)), encoding="utf-8")
    if hasattr(classifier, "save"):
        classifier.save(tmp)
    (tmp / "meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    (tmp / "README.md").write_text(model_card(meta, config, scheme), encoding="utf-8")
    shutil.rmtree(path, ignore_errors=True)
    tmp.rename(path)


def install_model(source: Path, target: Path) -> None:
    """Copy a model directory into place, replacing the old one only once the copy is complete."""
    tmp = target.with_name(f".{target.name}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(source, tmp)
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    tmp.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    print(f"installed {source} -> {target}", file=sys.stderr)


def _drop_none(value):
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    return value

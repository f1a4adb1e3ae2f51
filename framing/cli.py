"""The ``framing`` command line: thin Typer wrappers over importable functions."""

from __future__ import annotations

import functools
import sys
from datetime import UTC
from pathlib import Path
from typing import Annotated

import typer

from framing.analysis.stats import MIN_ARTICLES, MIN_SENTENCES
from framing.corpus.readers import Fields
from framing.errors import FramingError, stop_on_signals
from framing.io import check_folder, check_output

#: The defaults of ``framing.classifiers.explain`` (TOP, MIN_DROP) and ``framing.scoring.evidence``
#: (EXPLAIN_LIMIT), spelt here so that ``framing --help`` imports no classifier (tests/test_cli.py checks them).
TOP, MIN_DROP, EXPLAIN_LIMIT = 3, 0.05, 300

app = typer.Typer(
    add_completion=False, no_args_is_help=True, help="Measure how news outlets name the sides of a conflict."
)


@app.callback()
def options(
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            "-v",
            help="Show the progress bars, logs and warnings of the libraries beneath (transformers, datasets); "
            "also FRAMING_VERBOSE=1.",
        ),
    ] = False,
) -> None:
    """Measure how news outlets name the sides of a conflict."""
    from framing.progress import quiet_libraries

    quiet_libraries(verbose)


MinArticles = Annotated[
    int, typer.Option(help="Fewest articles naming an actor for an outlet (group, period) to be estimated.")
]
MinSentences = Annotated[
    int, typer.Option(help="Fewest sentences naming an actor for an outlet (group, period) to be estimated.")
]
SchemeFile = Annotated[
    Path | None,
    typer.Option(
        "--scheme",
        help="The scheme file of scores of a label scheme framing does not ship (`framing init-scheme`); "
        "scores of a shipped scheme name it themselves.",
    ),
]
DeviceOption = Annotated[
    str,
    typer.Option(
        help="Where a transformer runs: auto (a CUDA GPU if torch sees one, else the CPU), cpu, cuda or cuda:N "
        "(see README, Speed)."
    ),
]
TextField = Annotated[str, typer.Option(help="Text field of a generic CSV/JSON Lines corpus.")]
IdField = Annotated[str | None, typer.Option(help="Id field (default: row number).")]
OutletField = Annotated[str | None, typer.Option(help="Outlet field.")]
DateField = Annotated[str | None, typer.Option(help="Date field.")]
TitleField = Annotated[str | None, typer.Option(help="Title (headline) field.")]
Outlet = Annotated[
    str | None,
    typer.Option("--outlet", help="The outlet of every article of the inputs (a folder or file of one outlet)."),
]
OutletNamesOption = Annotated[
    Path | None,
    typer.Option(
        "--outlet-names",
        help="Display names of outlets: a CSV with the header outlet,name, or a JSON or TOML map of outlet to name; "
        "outlets not in it keep their own, two given one name are counted as one.",
    ),
]


def _fields(
    text_field: str, id_field: str | None, outlet_field: str | None, date_field: str | None, title_field: str | None
) -> Fields | None:
    """The fields named by the field options, or None when none was (FA-KES and AllSides are recognised)."""
    named = any(f is not None for f in (id_field, outlet_field, date_field, title_field)) or text_field != "text"
    return Fields(text_field, id_field, outlet_field, date_field, title_field) if named else None


def _outlet(outlet: str | None, outlet_field: str | None) -> str | None:
    if outlet is not None and outlet_field is not None:
        raise FramingError("give --outlet (one outlet for every article) or --outlet-field, not both")
    if outlet is not None and not outlet.strip():
        raise FramingError("--outlet is empty; give the outlet's name")
    return outlet


def _outlet_names(path: Path | None) -> dict[str, str] | None:
    from framing.corpus.outlets import read_outlet_names

    return read_outlet_names(path) if path is not None else None


def _scheme(path: Path | None):
    """The scheme file given as ``--scheme`` (None: the scores name theirs)."""
    if path is None:
        return None
    from framing.schemes import load_scheme

    return load_scheme(path)


def fail(message: str, code: int) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def friendly(command):
    """Turn a FramingError into a one-line message and its exit code; Ctrl-C and SIGTERM stop quietly
    with 130 and 143 (outputs being written are discarded, earlier ones kept); any other error of the
    operating system is one line too."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            with stop_on_signals():
                return command(*args, **kwargs)
        except FramingError as error:
            fail(str(error), error.exit_code)
        except KeyboardInterrupt as error:
            name, code = str(error) or "Ctrl-C", getattr(error, "exit_code", 130)
            fail(f"stopped by {name}; unfinished outputs were discarded, earlier ones are unchanged", code)
        except OSError as error:
            where = f"{error.filename}: " if error.filename else ""
            fail(f"{where}{error.strerror or error}", 2)

    return wrapper


@app.command("score")
@friendly
def score_cli(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            help="Files or folders (read recursively): .txt, .html, CSV, JSON Lines, Parquet, any of them .gz or .zst; "
            "- reads standard input."
        ),
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Output file: .jsonl, .parquet, .csv (flat) or .xlsx (needs openpyxl).")
    ],
    model: Annotated[Path | None, typer.Option(help="Model directory (default: best shipped model).")] = None,
    sentences: Annotated[
        bool,
        typer.Option(
            "--sentences", help="Each input row is one sentence: JSON Lines (id, text) or a .txt file, one per line."
        ),
    ] = False,
    segmenter: Annotated[str, typer.Option(help="Sentence splitter: blingfire (fast) or pysbd.")] = "blingfire",
    workers: Annotated[
        int | None,
        typer.Option(
            help="Worker processes (default: one per core for the lexicon and --int8, 1 for a transformer in full "
            "precision)."
        ),
    ] = None,
    int8: Annotated[
        bool, typer.Option("--int8", help="Quantise the transformer to int8 (faster; see README).")
    ] = False,
    device: DeviceOption = "auto",
    text_field: TextField = "text",
    id_field: IdField = None,
    outlet_field: OutletField = None,
    date_field: DateField = None,
    title_field: TitleField = None,
    outlet: Outlet = None,
    score_titles: Annotated[
        bool,
        typer.Option(
            "--score-titles",
            help="Also score each article's title, as its first sentence (moves every sentence's index and offsets; "
            "see README).",
        ),
    ] = False,
    outlet_names: OutletNamesOption = None,
) -> None:
    """Label every sentence of the inputs; one row per sentence."""
    from framing.scoring.streaming import score

    fields = _fields(text_field, id_field, outlet_field, date_field, title_field)
    names = _outlet_names(outlet_names)
    report = score(
        inputs,
        out,
        model,
        sentences=sentences,
        fields=fields,
        segmenter_name=segmenter,
        workers=workers,
        int8=int8,
        outlet=_outlet(outlet, outlet_field),
        score_titles=score_titles,
        outlet_names=names,
        device=device,
    )
    typer.echo(f"scored {report.sentences} sentences of {report.articles} documents -> {out}", err=True)
    for note in report.notes:
        typer.echo(f"note: {note}", err=True)
    if report.failures:
        for failure in report.failures:
            typer.echo(f"failed: {failure}", err=True)
        raise typer.Exit(1)


@app.command("explain")
@friendly
def explain_cli(
    sentences: Annotated[list[str] | None, typer.Argument(help="Sentences to explain.")] = None,
    sentences_file: Annotated[
        Path | None,
        typer.Option(
            "--sentences",
            help="A file of sentences, one a line (.jsonl: rows with id, text and optionally title and previous, "
            "the context a transformer reads).",
        ),
    ] = None,
    scores: Annotated[
        Path | None,
        typer.Option(
            help="A scores file (.jsonl or .parquet): add the model's evidence to its rows whose labels no lexicon "
            "term decided, and write it back."
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="With --scores: write here instead of over the scores file.")
    ] = None,
    corpus: Annotated[
        Path | None,
        typer.Option(
            help="With --scores: the corpus they were scored from (its headlines are context the model reads)."
        ),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(help="With --scores: at most this many rows, the first of each outlet and label first."),
    ] = None,
    model: Annotated[Path | None, typer.Option(help="Model directory (default: best shipped model).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print each sentence's scores row as JSON.")] = False,
    top: Annotated[int, typer.Option(help="Most words shown per label.")] = TOP,
    min_drop: Annotated[
        float, typer.Option(help="Smallest fall in a label's probability for a word to be shown.")
    ] = MIN_DROP,
) -> None:
    """The words each label rests on: the lexicon's deciding terms and the model's own (each word removed in
    turn; how much the label's probability falls without it)."""
    import json

    from framing.scoring.evidence import explain_scores, explain_sentences, format_row, sentence_inputs

    if scores is not None:
        if sentences or sentences_file is not None:
            raise FramingError("give sentences or --scores, not both")
        if out is not None:
            check_output(out)
        done = explain_scores(scores, model, out, corpus=corpus, limit=limit, top=top, min_drop=min_drop)
        other = f" ({done.other_model} rows of another model left as they were)" if done.other_model else ""
        typer.echo(
            f"model evidence for {done.explained} of {done.lacking} rows whose labels no lexicon term decided "
            f"-> {out or scores}{other}",
            err=True,
        )
        return
    if out is not None or corpus is not None or limit is not None:
        raise FramingError("--out, --corpus and --limit go with --scores")
    articles, failures = sentence_inputs(sentences or [], sentences_file)
    for row in explain_sentences(model, articles, top=top, min_drop=min_drop):
        typer.echo(json.dumps(row.as_dict(), ensure_ascii=False) if as_json else format_row(row) + "\n")
    for failure in failures:
        typer.echo(f"failed: {failure}", err=True)
    if failures:
        raise typer.Exit(1)


@app.command("profile")
@friendly
def profile_cli(
    scores: Annotated[list[Path], typer.Argument(help="Scores files from `framing score`.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output CSV.")],
    by: Annotated[str, typer.Option(help="Group by this field of the scores (outlet, year, doc, ...).")] = "outlet",
    voice: Annotated[str, typer.Option(help="all, own (the outlet's own wording) or reported.")] = "all",
    n_boot: Annotated[int, typer.Option(help="Bootstrap replicates.")] = 2000,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap.")] = 0,
    min_articles: MinArticles = MIN_ARTICLES,
    min_sentences: MinSentences = MIN_SENTENCES,
    estimator: Annotated[
        str,
        typer.Option(
            help="count (predicted labels) or adjusted (counts corrected for the model's error rates on dev gold, "
            "error-rates.json from `framing calibrate-shares`; see README)."
        ),
    ] = "count",
    rates_domain: Annotated[
        str,
        typer.Option(
            help="For --estimator adjusted: the error rates on fa-kes, allsides or pooled gold sentences; auto takes "
            "the scores' corpus (allsides, or fa-kes for FA-KES and the seeds), pooled for others or a mix."
        ),
    ] = "auto",
    model: Annotated[
        Path | None,
        typer.Option(help="Model directory holding the error rates (default: the shipped model named in the scores)."),
    ] = None,
    scheme: SchemeFile = None,
) -> None:
    """Per group and actor: label shares with 95% intervals over articles (groups with too few: flagged)."""
    from framing.analysis.profile import profile, profile_rates, write_profile
    from framing.scoring.rows import read_scores

    check_output(out, scores)
    scored = read_scores(scores, _scheme(scheme))
    rates = profile_rates(scored, estimator, voice, model, rates_domain)
    rows = profile(
        scored,
        by=by,
        voice=voice,
        n_boot=n_boot,
        seed=seed,
        min_articles=min_articles,
        min_sentences=min_sentences,
        estimator=estimator,
        rates=rates,
    )
    write_profile(rows, out)
    corrected = f", corrected with {rates.model}'s {rates.domain} error rates" if rates else ""
    typer.echo(f"{len(rows)} profile rows ({estimator}{corrected}) -> {out}", err=True)
    if voice != "all" and by == "outlet":  # a voice profile of outlets whose corpus lost its quotation marks
        from framing.analysis.quotation import unquoted_note

        note = unquoted_note(scored)
        if note:
            typer.echo(f"note: {note}", err=True)


@app.command("calibrate-shares")
@friendly
def calibrate_shares_cli(
    model: Annotated[Path | None, typer.Option(help="Model directory (default: best shipped model).")] = None,
    data: Annotated[Path | None, typer.Option(help="Shared data root (the gold sentences' articles).")] = None,
) -> None:
    """Measure the model's error rates on the dev gold sentences and store them in its directory
    (error-rates.json), for `framing profile --estimator adjusted`."""
    from framing.analysis.correction import calibrate_shares

    rates, path = calibrate_shares(model, _data(data))
    typer.echo(f"error rates of {rates.model} on the {rates.split} split -> {path}", err=True)
    for domain, sentences in rates.sentences.items():
        typer.echo(f"  {domain}: {sentences} gold sentences of {rates.articles[domain]} articles", err=True)


@app.command("plot")
@friendly
def plot_cli(
    profile_csv: Annotated[Path, typer.Argument(help="A profile CSV from `framing profile`.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder for PNG and SVG.")],
    title: Annotated[str, typer.Option(help="Figure title.")] = "",
    scheme: SchemeFile = None,
) -> None:
    """Stacked framing profiles and the framing map, as PNG and SVG."""
    from framing.analysis.profile import read_profile
    from framing.figures.plots import plot_profile

    check_folder(out)
    given = _scheme(scheme)
    for path in plot_profile(read_profile(profile_csv, given), out, title, given):
        typer.echo(str(path), err=True)


@app.command("run")
@friendly
def run_cli(
    data: Annotated[
        Path | None, typer.Option(help="Shared data root (default: $FRAMING_DATA or ../shared/data).")
    ] = None,
    out: Annotated[Path, typer.Option(help="Folder for run folders.")] = Path("runs"),
    model: Annotated[Path | None, typer.Option(help="Model directory (default: best shipped model).")] = None,
    n_boot: Annotated[int, typer.Option(help="Bootstrap replicates.")] = 2000,
    min_articles: MinArticles = MIN_ARTICLES,
    min_sentences: MinSentences = MIN_SENTENCES,
    outlet_names: OutletNamesOption = None,
    explain_limit: Annotated[
        int,
        typer.Option(
            help="Sentences per corpus the report shows that get the model's evidence where no lexicon term "
            "decided their label (0: none; `framing explain --scores` adds the rest)."
        ),
    ] = EXPLAIN_LIMIT,
) -> None:
    """The main job: score, profile and plot the seeds, FA-KES and AllSides."""
    from framing.pipeline import run

    names = _outlet_names(outlet_names)
    summary = run(
        data,
        out,
        model,
        n_boot=n_boot,
        min_articles=min_articles,
        min_sentences=min_sentences,
        outlet_names=names,
        explain_limit=explain_limit,
    )
    typer.echo(f"\nRun folder: {summary.folder}")
    for name, paths in summary.outputs.items():
        if name in summary.counts:
            articles, sentences = summary.counts[name]
            typer.echo(f"  {name}: {articles} documents, {sentences} sentences")
        else:
            typer.echo(f"  {name}:")
        for path in paths:
            typer.echo(f"    {path}")
    if summary.failures:
        for failure in summary.failures:
            typer.echo(f"failed: {failure}", err=True)
        raise typer.Exit(1)


def _data(data: Path | None) -> Path:
    from framing.resources import default_data_root

    return data or default_data_root()


def _gold(
    gold: Path | None,
    split: str | None,
    data: Path | None,
    domain: str | None = None,
    corpus: Path | None = None,
    fields: Fields | None = None,
    outlet: str | None = None,
    scheme=None,
    splits: Path | None = None,
) -> list:
    """Gold sentences: the project's annotations, or the records of ``gold`` joined to the shared corpora,
    or to the user's own ``corpus`` (read with the field options ``framing annotate`` was given); records
    of ``scheme`` (default: the Syrian one), split by ``splits`` (default: the project's)."""
    from framing.corpus.readers import load_articles
    from framing.gold.annotations import (
        annotation_documents,
        domain_gold,
        evaluation_ids,
        load_annotations,
        load_gold,
        load_splits,
        split_gold,
    )
    from framing.schemes import DEFAULT_SCHEME

    if corpus is not None and gold is None:
        raise FramingError(
            "--corpus needs --gold: the annotation records of that corpus (`framing annotate` writes them)"
        )
    if gold is None and scheme is not None and scheme.name != DEFAULT_SCHEME:
        raise FramingError(
            f"the model predicts the labels of scheme {scheme.name!r}, the project's annotations are of "
            f"{DEFAULT_SCHEME!r}; give gold of scheme {scheme.name!r} with --gold (and --corpus)"
        )
    if gold is None:
        rows = load_annotations(_data(data))
    elif corpus is not None:
        rows = load_gold(gold, load_articles(corpus, fields, outlet), set(), allow_reserved=True, scheme=scheme)
    else:
        data = _data(data)
        rows = load_gold(gold, annotation_documents(data), evaluation_ids(data), allow_reserved=True, scheme=scheme)
    if split:
        rows = split_gold(rows, split, load_splits(splits) if splits else None)
    rows = domain_gold(rows, domain)
    if not rows:
        raise FramingError("no gold sentences in that split and domain")
    return rows


DomainOption = Annotated[
    str | None, typer.Option(help="fa-kes (FA-KES and the seeds) or allsides (US/UK); default both.")
]
SlicesOption = Annotated[bool, typer.Option(help="Also accuracy on the hard-case slices (framing.gold.slices).")]


@app.command("evaluate")
@friendly
def evaluate_cli(
    model: Annotated[Path | None, typer.Option(help="Model directory (default: best shipped model).")] = None,
    gold: Annotated[
        Path | None,
        typer.Option(
            help="Gold JSON Lines: annotation records (offsets) or sentence rows with text and labels "
            "(default: the project's annotations)."
        ),
    ] = None,
    corpus: Annotated[
        Path | None,
        typer.Option(
            help="The corpus --gold's records were annotated on (`framing annotate CORPUS`), with its field options."
        ),
    ] = None,
    split: Annotated[
        str | None, typer.Option(help="train, dev or test of experiments/annotations/splits.json (or --splits).")
    ] = None,
    splits: Annotated[
        Path | None,
        typer.Option(help="The splits file --split names a split of, e.g. splits.json of a `framing train` run."),
    ] = None,
    data: Annotated[Path | None, typer.Option(help="Shared data root.")] = None,
    out: Annotated[Path | None, typer.Option(help="Folder for metrics JSON and the confusion plot.")] = None,
    domain: DomainOption = None,
    slices: SlicesOption = False,
    device: DeviceOption = "auto",
    text_field: TextField = "text",
    id_field: IdField = None,
    outlet_field: OutletField = None,
    date_field: DateField = None,
    title_field: TitleField = None,
    outlet: Outlet = None,
) -> None:
    """Per-field macro-F1 with 95% bootstrap intervals over articles, per-label scores, confusion matrices,
    over the fields of the model's scheme (the gold must be of that scheme)."""
    import json

    from framing.classifiers.loading import load_model
    from framing.gold.evaluate import evaluate_predictions, format_evaluation, predict_gold
    from framing.gold.slices import format_slices, skipped, slice_accuracy
    from framing.io import atomic_write

    if out:
        check_folder(out)
    fields = _fields(text_field, id_field, outlet_field, date_field, title_field)
    loaded = load_model(model, device=device)
    rows = _gold(gold, split, data, domain, corpus, fields, _outlet(outlet, outlet_field), loaded.scheme, splits)
    predicted = predict_gold(loaded, rows)
    evaluation = evaluate_predictions(loaded.name, rows, predicted)
    typer.echo(format_evaluation(evaluation))
    if slices and skipped(rows):
        typer.echo(skipped(rows), err=True)
    elif slices:
        typer.echo(format_slices(loaded.name, slice_accuracy(rows, predicted)))
    if out:
        with atomic_write(out / f"metrics-{loaded.name}.json") as handle:
            json.dump(evaluation.as_dict(), handle, indent=1)
        from framing.figures.confusion import plot_confusions

        plot_confusions(evaluation, out)


@app.command("compare")
@friendly
def compare_cli(
    model_a: Annotated[Path, typer.Argument(help="First model directory.")],
    model_b: Annotated[Path, typer.Argument(help="Second model directory.")],
    gold: Annotated[Path | None, typer.Option(help="Gold JSON Lines (default: the project's annotations).")] = None,
    split: Annotated[str | None, typer.Option(help="train, dev or test.")] = None,
    splits: Annotated[Path | None, typer.Option(help="The splits file --split names a split of.")] = None,
    data: Annotated[Path | None, typer.Option(help="Shared data root.")] = None,
    domain: DomainOption = None,
    slices: SlicesOption = False,
    device: DeviceOption = "auto",
) -> None:
    """Both models' scores and the paired bootstrap interval of B minus A (models of one label scheme, on
    gold of that scheme)."""
    from framing.classifiers.loading import check_scheme, load_model
    from framing.gold.evaluate import compare_predictions, evaluate_predictions, format_evaluation, predict_gold
    from framing.gold.slices import format_slices, skipped, slice_accuracy

    a, b = load_model(model_a, device=device), load_model(model_b, device=device)
    if a.scheme is not None:
        check_scheme(model_b, b.scheme, a.scheme)
    rows = _gold(gold, split, data, domain, scheme=a.scheme, splits=splits)
    pred_a, pred_b = predict_gold(a, rows), predict_gold(b, rows)
    for name, predicted in ((a.name, pred_a), (b.name, pred_b)):
        typer.echo(format_evaluation(evaluate_predictions(name, rows, predicted)) + "\n")
        if slices and skipped(rows):
            typer.echo(skipped(rows), err=True)
        elif slices:
            typer.echo(format_slices(name, slice_accuracy(rows, predicted)) + "\n")
    typer.echo(f"difference {b.name} - {a.name} in macro-F1 (paired 95% bootstrap interval over articles):")
    for key, (diff, low, high) in compare_predictions(rows, pred_a, pred_b).items():
        typer.echo(f"  {key:<11}{diff:+.3f}  [{low:+.3f}, {high:+.3f}]")


@app.command("annotate")
@friendly
def annotate_cli(
    corpus: Annotated[Path, typer.Argument(help="A corpus: .txt folder, FA-KES CSV or CSV/JSON Lines.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Annotation JSON Lines to append to (resumable).")],
    annotator: Annotated[str, typer.Option(help="Your name, stored in every record.")],
    model: Annotated[Path | None, typer.Option(help="Model that suggests labels (default: best shipped).")] = None,
    scheme: Annotated[
        Path | None,
        typer.Option(
            help="Label scheme (scheme.toml or a shipped name) to annotate by; default the model's. Without "
            "--model, the lexicon.toml beside the scheme file suggests labels."
        ),
    ] = None,
    uncertain_first: Annotated[
        bool, typer.Option("--uncertain-first", help="Least confident sentences first.")
    ] = False,
    limit: Annotated[int | None, typer.Option(help="Stop after this many records.")] = None,
    data: Annotated[Path | None, typer.Option(help="Shared data root (for the reserved evaluation ids).")] = None,
    only_naming: Annotated[
        bool,
        typer.Option(
            "--only-naming", help="Skip the sentences the model sees naming no actor (then recall cannot be measured)."
        ),
    ] = False,
    text_field: TextField = "text",
    id_field: IdField = None,
    outlet_field: OutletField = None,
    date_field: DateField = None,
    title_field: TitleField = None,
    outlet: Outlet = None,
) -> None:
    """Label sentences by the guidelines, one key per field (u takes back the last record); records are
    appended as you go. `framing evaluate --gold OUT --corpus CORPUS` measures a model on them."""
    from framing.gold.annotate import annotatable, annotate, suggesting_model
    from framing.gold.annotations import evaluation_ids
    from framing.schemes import load_scheme

    check_output(out, [corpus])
    fields = _fields(text_field, id_field, outlet_field, date_field, title_field)
    data_root = _data(data)
    reserved = evaluation_ids(data_root) if (data_root / "fa-kes").is_dir() else set()
    annotate(
        annotatable(corpus, reserved, fields, _outlet(outlet, outlet_field)),
        out,
        suggesting_model(model, load_scheme(scheme) if scheme is not None else None),
        annotator,
        uncertain_first,
        limit,
        ask=input,
        show=typer.echo,
        only_naming=only_naming,
    )


@app.command("train", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
@friendly
def train_cli(
    ctx: typer.Context,
    experiment: Annotated[Path, typer.Argument(help="Experiment config (TOML), e.g. experiments/transformer.toml.")],
    out: Annotated[Path | None, typer.Option(help="Run directory (default runs/train/<name>-<time>).")] = None,
    install: Annotated[
        Path | None, typer.Option(help="Also install the trained model here, e.g. models/transformer.")
    ] = None,
    device: DeviceOption = "auto",
) -> None:
    """Train from an experiment config; override any key with --section.key value."""
    from datetime import datetime

    from framing.training.experiment import load_experiment, parse_overrides
    from framing.training.train import train

    config = load_experiment(experiment, parse_overrides(ctx.args))
    run_dir = out or Path("runs") / "train" / f"{config.model.name}-{datetime.now(UTC):%Y%m%d-%H%M%S}"
    meta = train(config, run_dir, install, device=device)
    dev = meta["metrics"]["dev"]["mean_macro_f1"]
    typer.echo(
        f"trained {meta['name']} in {meta['train_seconds']} s; dev mean macro-F1 {dev['value']:.3f} "
        f"({dev['low']:.3f}-{dev['high']:.3f}); run directory {run_dir}"
    )
    if (run_dir / "splits.json").is_file():  # the split made of the user's own annotated articles
        typer.echo(f"articles split into train/dev/test in {run_dir / 'splits.json'} (framing evaluate --splits)")


@app.command("init-scheme")
@friendly
def init_scheme_cli(
    name: Annotated[str, typer.Argument(help="Short name of the new scheme, e.g. balkans.")],
    out: Annotated[Path | None, typer.Option(help="Folder to write into (default: ./NAME).")] = None,
) -> None:
    """Start a label scheme for another conflict: a commented scheme.toml, an empty lexicon and a
    guidelines template (never overwrites)."""
    from framing.schemes.skeleton import init_scheme

    for path in init_scheme(name, out):
        typer.echo(str(path), err=True)


def _groups(specs: list[str] | None) -> dict | None:
    """``--group name=a,b,c`` options as a dict of outlet sets (None when there are none)."""
    from framing.analysis.differences import parse_group

    return dict(parse_group(spec) for spec in specs) if specs else None


@app.command("report")
@friendly
def report_cli(
    scores: Annotated[list[Path], typer.Argument(help="Scores files, one per corpus (JSON Lines or Parquet).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for report.html and its figures.")],
    compare: Annotated[
        list[Path] | None, typer.Option(help="Another model's scores of the same corpus (agreement section).")
    ] = None,
    group: Annotated[
        list[str] | None, typer.Option(help="Compare named groups, e.g. --group state-aligned=sana,alalam,manar.")
    ] = None,
    n_boot: Annotated[int, typer.Option(help="Bootstrap replicates and permutations.")] = 2000,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap and permutations.")] = 0,
    min_articles: MinArticles = MIN_ARTICLES,
    min_sentences: MinSentences = MIN_SENTENCES,
    scheme: SchemeFile = None,
) -> None:
    """One self-contained HTML page: framing map, profiles, divergences, time series, clickable outlet table."""
    from framing.report.page import report

    check_folder(out)
    page = report(
        scores,
        out,
        compare,
        n_boot=n_boot,
        seed=seed,
        groups=_groups(group),
        min_articles=min_articles,
        min_sentences=min_sentences,
        scheme=_scheme(scheme),
    )
    typer.echo(str(page), err=True)


@app.command("compare-outlets")
@friendly
def compare_outlets_cli(
    scores: Annotated[list[Path], typer.Argument(help="Scores files (JSON Lines or Parquet).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the CSVs and the heatmaps.")],
    group: Annotated[
        list[str] | None, typer.Option(help="Compare named groups, e.g. --group state-aligned=sana,alalam,manar.")
    ] = None,
    voice: Annotated[str, typer.Option(help="all, own or reported.")] = "all",
    n_boot: Annotated[int, typer.Option(help="Bootstrap replicates and permutations.")] = 2000,
    seed: Annotated[int, typer.Option(help="Seed.")] = 0,
    min_articles: MinArticles = MIN_ARTICLES,
    min_sentences: MinSentences = MIN_SENTENCES,
    scheme: SchemeFile = None,
) -> None:
    """Every pair of outlets (or groups): share differences and JSD, permutation tests over articles, BH.

    Pairs where a unit has too few articles or sentences are not tested; skipped.csv says why.
    """
    from framing.analysis.differences import compare_outlets, write_comparison
    from framing.figures.plots import divergence_heatmap
    from framing.scoring.rows import read_scores

    check_folder(out)
    rows = read_scores(scores, _scheme(scheme))  # compare_outlets checks the groups against their outlets
    comparison = compare_outlets(
        rows,
        _groups(group),
        voice=voice,
        n_boot=n_boot,
        n_perm=n_boot,
        seed=seed,
        min_articles=min_articles,
        min_sentences=min_sentences,
    )
    for path in write_comparison(comparison, out) + divergence_heatmap(comparison, out):
        typer.echo(str(path), err=True)


@app.command("timeseries")
@friendly
def timeseries_cli(
    scores: Annotated[list[Path], typer.Argument(help="Scores files (JSON Lines or Parquet).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for timeseries.csv and the plot.")],
    period: Annotated[str, typer.Option(help="year or month.")] = "year",
    voice: Annotated[str, typer.Option(help="all, own or reported.")] = "all",
    min_sentences: MinSentences = MIN_SENTENCES,
    min_articles: MinArticles = MIN_ARTICLES,
    n_boot: Annotated[int, typer.Option(help="Bootstrap replicates.")] = 2000,
    scheme: SchemeFile = None,
) -> None:
    """Label shares per outlet and period with 95% intervals; thin periods flagged, not drawn as spikes."""
    from framing.analysis.timeseries import timeseries, write_timeseries
    from framing.figures.plots import plot_timeseries
    from framing.scoring.rows import read_scores

    check_folder(out)
    rows = timeseries(
        read_scores(scores, _scheme(scheme)),
        period=period,
        voice=voice,
        n_boot=n_boot,
        min_sentences=min_sentences,
        min_articles=min_articles,
    )
    write_timeseries(rows, out / "timeseries.csv")
    for path in plot_timeseries(rows, out):
        typer.echo(str(path), err=True)


@app.command("benchmark")
@friendly
def benchmark_cli(
    data: Annotated[Path | None, typer.Option(help="Shared data root (real articles to score).")] = None,
    sentences: Annotated[
        int, typer.Option(help="Sentences for the lexicon runs (and 10x for the memory run).")
    ] = 20000,
    transformer_sentences: Annotated[int, typer.Option(help="Sentences for the transformer runs.")] = 8000,
    lexicon: Annotated[Path | None, typer.Option(help="Lexicon model directory (default: the shipped one).")] = None,
    transformer: Annotated[
        Path | None, typer.Option(help="Transformer model directory (default: the shipped one).")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Write the measurements as JSON here.")] = None,
    rounds: Annotated[
        int,
        typer.Option(
            help="Interleaved rounds of the transformer's reference, full-precision and int8 runs; each ratio is "
            "the median of the rounds' own (this machine's speed drifts over minutes)."
        ),
    ] = 3,
) -> None:
    """Throughput and peak memory of `framing score` end to end, against a hand-written reference loop."""
    import json

    from framing.classifiers.loading import MODELS_DIR
    from framing.io import atomic_write
    from framing.scoring.benchmark import benchmark, format_results

    lexicon, transformer = lexicon or MODELS_DIR / "lexicon", transformer or MODELS_DIR / "transformer"
    results = benchmark(
        _data(data), lexicon, transformer, sentences, transformer_sentences, log=typer.echo, rounds=rounds
    )
    typer.echo("\n" + format_results(results))
    if out:
        with atomic_write(out) as handle:
            json.dump(results, handle, indent=1)


def main() -> None:  # pragma: no cover - console entry point
    app(prog_name="framing")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

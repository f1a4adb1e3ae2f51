"""The main job: score, profile and plot the seeds and, where present, FA-KES and AllSides."""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from framing.analysis.results import CorpusAnalysis, Settings, analyse, stored_rates, write_tables
from framing.analysis.stats import MIN_ARTICLES, MIN_SENTENCES
from framing.classifiers.directory import read_config
from framing.classifiers.loading import MODELS_DIR, default_model_path
from framing.figures.plots import plot_profile
from framing.report.page import Section, displayed, render_report
from framing.resources import DATA_ENV, default_data_root, seeds_dir
from framing.scoring.evidence import (
    EXPLAIN_LIMIT,
    add_model_evidence,
    corpus_titles,
    row_context,
    unexplained,
    write_scores,
)
from framing.scoring.rows import read_scores
from framing.scoring.streaming import loaded_model, score


def corpora(data_root: Path) -> dict[str, Path]:
    """The corpora the main job scores: the seeds always, the shared corpora where they exist."""
    found = {"seeds": seeds_dir()}
    for name, relative in (("fa-kes", "fa-kes/FA-KES-Dataset.csv"), ("allsides", "allsides-syria/articles.jsonl")):
        if (data_root / relative).is_file():
            found[name] = data_root / relative
    return found


@dataclass
class RunSummary:
    folder: Path
    outputs: dict[str, list[Path]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)


def run(
    data_root: Path | None = None,
    out_root: Path = Path("runs"),
    model: Path | None = None,
    n_boot: int = 2000,
    seed: int = 0,
    *,
    min_articles: int = MIN_ARTICLES,
    min_sentences: int = MIN_SENTENCES,
    outlet_names: Mapping[str, str] | None = None,
    explain_limit: int = EXPLAIN_LIMIT,
) -> RunSummary:
    """Score every corpus, analyse it once (``framing.analysis.results``), and write its tables, plots and
    the report from that one analysis. ``outlet_names`` (``framing.corpus.outlets``) renames outlets as
    every corpus is read. Where the report compares the model with the lexicon, the first
    ``explain_limit`` sentences it shows whose label no lexicon term decided get the model's evidence
    (``explain_shown``).

    Outlets with fewer than ``min_articles`` articles or ``min_sentences`` sentences naming an
    actor are not estimated for it (``framing.analysis.stats``), in the profiles and in the report.
    """
    settings = Settings(n_boot=n_boot, seed=seed, min_articles=min_articles, min_sentences=min_sentences)
    data_root = data_root or default_data_root()
    model = model or default_model_path()
    folder = out_root / datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    summary = RunSummary(folder)
    found = corpora(data_root)
    if len(found) == 1:
        print(
            f"no FA-KES or AllSides corpus under {data_root}: scoring the seeds only (give --data or set {DATA_ENV})",
            file=sys.stderr,
        )
    baseline = MODELS_DIR / "lexicon"
    is_lexicon = read_config(model)["model"]["type"] == "lexicon"
    reported, compared = [], []
    for name, path in found.items():
        print(f"[{name}] scoring {path} with {model}", file=sys.stderr)
        scores = folder / f"{name}-scores.jsonl"
        report = score([path], scores, model_path=model, label=name, outlet_names=outlet_names)
        summary.failures += report.failures
        for note in report.notes:
            print(f"[{name}] note: {note}", file=sys.stderr)
        summary.counts[name] = (report.articles, report.sentences)
        scorer = loaded_model()  # the model just scored with, kept for its evidence below
        print(f"[{name}] profiles, comparisons and series", file=sys.stderr)
        rows = read_scores([scores])
        rates, missing = stored_rates(rows, model)
        analysis = analyse(name, rows, settings, rates)
        analysis.notes += [missing] if missing else []
        paths = [scores] + write_tables(analysis, folder, name)
        if name != "seeds" or len(found) == 1:
            if not is_lexicon:
                print(f"[{name}] scoring with the lexicon too, for the report's agreement section", file=sys.stderr)
                other = folder / f"{name}-scores-lexicon.jsonl"
                score([path], other, model_path=baseline, label=f"{name} (lexicon)", outlet_names=outlet_names)
                compared.append(other)
                analysis = explain_shown(name, path, scores, analysis, scorer, other, explain_limit)
            reported.append(Section(analysis, scores))
        if name != "seeds":
            paths += plot_profiles(analysis, folder, name, model.name)
        summary.outputs[name] = paths
    print("[report] figures and the HTML page", file=sys.stderr)
    page = render_report(reported, folder / "report", compared)
    summary.outputs["report"] = [page]
    for scheme_name, scheme_model in other_schemes().items():
        shared = {name: path for name, path in found.items() if name != "seeds"}
        if shared:
            run_scheme(scheme_name, scheme_model, shared, folder, settings, summary, outlet_names)
    latest = out_root / "latest"
    if latest.is_symlink() or not latest.exists():
        latest.unlink(missing_ok=True)
        latest.symlink_to(folder.name)
    return summary


def plot_profiles(analysis: CorpusAnalysis, folder: Path, prefix: str, model_name: str) -> list[Path]:
    """The profile figures of a corpus's analysis, all sentences and own voice, in ``{prefix}-plots-{voice}``."""
    scheme, paths = analysis.scheme, []
    for voice, rows in analysis.profiles.items():
        title = f"{analysis.name}: {model_name}, {'own voice only' if voice == 'own' else 'all sentences'}"
        paths += plot_profile(rows, folder / f"{prefix}-plots-{voice}", title, scheme)
    return paths


def other_schemes() -> dict[str, Path]:
    """The shipped models of label schemes besides the default that the main job runs too, by scheme name:
    the worked example ``islamic-state`` (a lexicon; README, "Your own conflict")."""
    path = MODELS_DIR / "islamic-state"
    return {"islamic-state": path} if (path / "config.toml").is_file() else {}


def run_scheme(
    scheme: str,
    model: Path,
    found: dict[str, Path],
    folder: Path,
    settings: Settings,
    summary: RunSummary,
    outlet_names: Mapping[str, str] | None = None,
) -> None:
    """Score the shared corpora with a model of another label scheme and write its tables, plots and its
    own report (``report-<scheme>``) by the same machinery as the Syrian scheme's."""
    sections = []
    for name, path in found.items():
        print(f"[{name}, {scheme}] scoring {path} with {model}", file=sys.stderr)
        prefix = f"{name}-{scheme}"
        scores = folder / f"{prefix}-scores.jsonl"
        report = score([path], scores, model_path=model, label=f"{name} ({scheme})", outlet_names=outlet_names)
        summary.failures += report.failures
        rows = read_scores([scores])
        analysis = analyse(name, rows, settings)
        paths = [scores] + write_tables(analysis, folder, prefix) + plot_profiles(analysis, folder, prefix, model.name)
        summary.outputs[prefix] = paths
        sections.append(Section(analysis, scores))
    print(f"[report, {scheme}] figures and the HTML page", file=sys.stderr)
    title = f"Framing report: {scheme} (label scheme {scheme}, a lexicon only)"
    summary.outputs[f"report-{scheme}"] = [render_report(sections, folder / f"report-{scheme}", title=title)]


def explain_shown(
    name: str, corpus: Path, scores: Path, analysis: CorpusAnalysis, scorer, other: Path, limit: int
) -> CorpusAnalysis:
    """``analysis`` with the model's evidence (``framing.scoring.evidence``) added to the first ``limit``
    sentences the report shows (``framing.report.page.displayed``, with the lexicon's scores ``other``)
    whose label no lexicon term decided, and ``scores`` written again with it: the report reads it there."""
    started, rows = time.monotonic(), analysis.rows
    if limit <= 0 or scorer is None:
        return analysis
    lacking = [i for i in displayed(rows, read_scores([other])) if unexplained(rows[i])]
    picked = lacking[:limit]
    if not picked:
        return analysis
    titles = corpus_titles(corpus, {rows[i].doc for i in picked})
    rows = add_model_evidence(rows, scorer.classifier, picked, row_context(rows, titles))
    write_scores(rows, scores)
    took = time.monotonic() - started
    print(
        f"[{name}] model evidence for {len(picked)} of {len(lacking)} shown sentences with no deciding term "
        f"({took:.0f} s)",
        file=sys.stderr,
    )
    return replace(analysis, rows=rows)

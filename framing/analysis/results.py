"""Everything the main job and the report show about one corpus, computed once.

``analyse`` turns a corpus's scored rows into profiles (all sentences and own voice), the
comparison of its outlets and their yearly series, with one set of settings. The CSV files, the
figures and the report are all views of one ``CorpusAnalysis``, so a share and its interval read the
same wherever they appear.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from framing.analysis.correction import DomainRates, check_rates_scheme, rates_for_rows
from framing.analysis.differences import Comparison, compare_outlets
from framing.analysis.profile import ProfileRow, profile, write_profile
from framing.analysis.quotation import unquoted_note
from framing.analysis.stats import MIN_ARTICLES, MIN_SENTENCES, check_minimum
from framing.analysis.timeseries import TimeRow, timeseries, write_timeseries
from framing.errors import FramingError
from framing.schemes import Scheme
from framing.scoring.rows import ScoredSentence, scheme_of

#: Outlets compared pairwise and drawn in heatmaps and series: those naming the actors most.
TOP_OUTLETS = 20


@dataclass(frozen=True)
class Settings:
    """How a corpus is analysed: bootstrap replicates (also the permutations), seed, minimum evidence,
    and optional outlet groups to compare instead of single outlets."""

    n_boot: int = 2000
    seed: int = 0
    min_articles: int = MIN_ARTICLES
    min_sentences: int = MIN_SENTENCES
    groups: dict[str, frozenset[str]] | None = None

    def __post_init__(self) -> None:
        check_minimum(self.min_articles, self.min_sentences)
        if self.n_boot < 1:
            raise FramingError(f"--n-boot must be at least 1, not {self.n_boot}")

    @property
    def minimum(self) -> dict[str, int]:
        return {"min_articles": self.min_articles, "min_sentences": self.min_sentences}


@dataclass
class CorpusAnalysis:
    """One corpus's results. ``comparison`` is None (and ``notes`` says why) when fewer than two
    outlets or groups can be compared."""

    name: str
    rows: list[ScoredSentence]
    settings: Settings
    profiles: dict[str, list[ProfileRow]]
    comparison: Comparison | None
    series: list[TimeRow]
    notes: list[str] = field(default_factory=list)
    #: The all-sentence profile with shares adjusted for the model's error rates (``estimator`` adjusted),
    #: where the model directory stores them (``framing calibrate-shares``); None otherwise.
    corrected: list[ProfileRow] | None = None
    rates: DomainRates | None = None

    @property
    def scheme(self) -> Scheme:
        """The label scheme of the rows."""
        return scheme_of(self.rows)

    @property
    def outlets(self) -> set[str]:
        return {r.outlet_name for r in self.rows}


def naming_counts(rows: list[ScoredSentence]) -> Counter:
    """Sentences naming an actor, per outlet."""
    return Counter(r.outlet_name for r in rows if r.names_an_actor)


def top_outlets(rows: list[ScoredSentence], k: int = TOP_OUTLETS) -> set[str]:
    """The ``k`` outlets with the most sentences naming an actor."""
    return {outlet for outlet, _ in naming_counts(rows).most_common(k)}


def analyse(
    name: str, rows: list[ScoredSentence], settings: Settings | None = None, rates: DomainRates | None = None
) -> CorpusAnalysis:
    """Profiles (all sentences, own voice), the comparison of the top outlets (or of the groups whose
    outlets this corpus holds) and their yearly series; with ``rates`` (``correction.rates_for_rows``)
    also the all-sentence profile adjusted for the model's error rates. ``notes`` name the outlets whose
    articles show no quotation marks (``quotation.unquoted_note``)."""
    s = settings or Settings()
    profiles = {
        voice: profile(rows, voice=voice, n_boot=s.n_boot, seed=s.seed, **s.minimum) for voice in ("all", "own")
    }
    outlets = {r.outlet_name for r in rows}
    groups = s.groups if s.groups and set().union(*s.groups.values()) <= outlets else None
    top = top_outlets(rows)
    focus = [r for r in rows if r.outlet_name in top]
    notes = []
    comparison = None
    if groups or len(top) >= 2:
        comparison = compare_outlets(
            rows if groups else focus, groups, n_boot=s.n_boot, n_perm=s.n_boot, seed=s.seed, **s.minimum
        )
    else:
        naming = ", ".join(sorted(top)) or "none"
        notes.append(f"Outlets are not compared: fewer than two outlets name the actors (here: {naming}).")
    unquoted = unquoted_note(rows)  # voice cannot see quotes whose marks the corpus lost
    notes += [unquoted] if unquoted else []
    dated = [r for r in focus if r.date]
    series = timeseries(dated, period="year", n_boot=s.n_boot, seed=s.seed, **s.minimum) if dated else []
    corrected = None
    if rates is not None:
        try:
            check_rates_scheme(rows)
        except FramingError as error:
            notes.append(f"No shares corrected for the model's errors: {error}.")
            rates = None
    if rates is not None:
        corrected = profile(rows, n_boot=s.n_boot, seed=s.seed, estimator="adjusted", rates=rates, **s.minimum)
    return CorpusAnalysis(name, rows, s, profiles, comparison, series, notes, corrected, rates)


def stored_rates(rows: list[ScoredSentence], model_dir: Path | None = None) -> tuple[DomainRates | None, str]:
    """The error rates stored with the model that labelled ``rows`` (None and the reason when there are none)."""
    try:
        return rates_for_rows(rows, model_dir), ""
    except FramingError as error:
        return None, f"No shares corrected for the model's errors: {error}"


def write_tables(analysis: CorpusAnalysis, folder: Path, prefix: str) -> list[Path]:
    """The analysis as CSV files: ``{prefix}-profile-all.csv``, ``-profile-own.csv``, ``-profile-all-adjusted.csv``
    (where the model's error rates are stored), the comparison's
    differences, divergences and skipped pairs, and ``-timeseries.csv``."""
    from framing.analysis.differences import write_comparison

    paths = []
    for voice, rows in analysis.profiles.items():
        paths.append(Path(folder) / f"{prefix}-profile-{voice}.csv")
        write_profile(rows, paths[-1])
    if analysis.corrected is not None:
        paths.append(Path(folder) / f"{prefix}-profile-all-adjusted.csv")
        write_profile(analysis.corrected, paths[-1])
    if analysis.comparison is not None:
        paths += write_comparison(analysis.comparison, Path(folder) / f"{prefix}-comparison")
    if analysis.series:
        paths.append(Path(folder) / f"{prefix}-timeseries.csv")
        write_timeseries(analysis.series, paths[-1])
    return paths

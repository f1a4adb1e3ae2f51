"""``framing report``: one self-contained HTML page per set of scores.

Each scores file is a section (a corpus): its framing map and stacked
profiles, the divergence heatmap and the largest tested differences, the time
series, how much of each outlet's framing is quoted, and a table of outlets
where clicking a cell (outlet x label) lists the sentences behind it with the
deciding terms highlighted. Scores of a second model on the same corpus add
an agreement section. Outlets below the minimum evidence (``framing.analysis.stats``) show
"too few articles" in the tables and are drawn hollow or left out of the figures,
never as a number with an interval. Figures are inlined as SVG and the page's script and
style are inlined too: the page opens from disk with no server and no network.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from framing import __version__
from framing.analysis.profile import axis_label
from framing.analysis.results import TOP_OUTLETS, CorpusAnalysis, Settings, analyse, naming_counts, stored_rates
from framing.analysis.stats import MIN_ARTICLES, MIN_SENTENCES
from framing.classifiers.explain import MIN_DROP
from framing.classifiers.schema import Scheme
from framing.errors import FramingError
from framing.io import atomic_write
from framing.scoring.evidence import by_place, unexplained
from framing.scoring.rows import ScoredSentence, read_scores, scheme_of, usable_rows

#: Sentences embedded per table cell, in document order (the panel says how many there are in all, and
#: how many of those the page does not hold): a cell of the AllSides report has up to 738, and 500 keep
#: the page under ~10 MB while listing every sentence of all but the largest cells.
CELL_LIMIT = 500
#: Sentences the panel lists at a time; a button lists the next ones.
CELL_PAGE = 60
#: Sentences where two models disagree listed in the agreement section.
DISAGREEMENTS = 40
#: Sections with more outlets than this fold their long tables and tall figures (a click opens them).
FOLD_OUTLETS = 20
PAGE = Path(__file__).with_name("template.html")
#: The template's slots, ``{{name}}``; all are filled in one pass, so data is never read as a slot.
SLOT = re.compile(r"\{\{(\w+)\}\}")
#: What could end, or comment out, the ``<script>`` block holding JSON, as ``\u`` escapes JSON.parse reads back.
SCRIPT_SAFE = {ord(c): f"\\u{ord(c):04x}" for c in "<>&\u2028\u2029"}


def esc(value) -> str:
    """``value`` as HTML text or as a quoted attribute's value (both quotes escaped too)."""
    return html.escape(str(value), quote=True)


def fragment(prefix: str, value) -> str:
    """The ``href`` of a link within the page to ``prefix`` + ``value``: percent-encoded, then escaped."""
    return esc("#" + prefix + quote(str(value), safe=""))


def script_json(data) -> str:
    """``data`` as JSON to inline in a ``<script type="application/json">`` block: no ``</script>``,
    ``<!--`` or line separator can survive in it."""
    return json.dumps(data, ensure_ascii=False).translate(SCRIPT_SAFE)


def fill(template: str, slots: dict[str, str]) -> str:
    """The template with every ``{{name}}`` replaced by ``slots[name]`` in one pass: a slot's value is
    never searched for slots."""
    wanted = set(SLOT.findall(template))
    if wanted != slots.keys():
        raise ValueError(f"the template's slots are {sorted(wanted)}, not {sorted(slots)}")
    return SLOT.sub(lambda match: slots[match.group(1)], template)


def content_security_policy(template: str) -> str:
    """The page's policy: only its own script runs (by hash; no event handler attribute, no
    ``javascript:`` link), nothing is loaded from anywhere, images only as ``data:``. Styles may be
    inline: the figures' SVG carries style attributes, and styles run no script."""
    scripts = re.findall(r"<script>(.*?)</script>", template, flags=re.S)
    hashes = [base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() for s in scripts]
    allowed = " ".join(f"'sha256-{h}'" for h in hashes) or "'none'"
    return (
        f"default-src 'none'; script-src {allowed}; style-src 'unsafe-inline'; img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )


def folder_name(name: str) -> str:
    """A corpus's folder for its figures: its name when that is a plain file name, else a plain name
    with a hash of the real one (a corpus name comes from document ids: ``../x`` must stay inside)."""
    plain = re.sub(r"[^A-Za-z0-9_-]", "_", name)[:40]
    return plain if plain == name and name else f"{plain}-{hashlib.sha256(name.encode()).hexdigest()[:8]}"


@dataclass
class Section:
    """One corpus: its analysis and, optionally, a second model's scores of the same sentences."""

    analysis: CorpusAnalysis
    path: Path | None = None
    other: list[ScoredSentence] | None = None
    other_path: Path | None = None
    notes: list[str] = field(default_factory=list)  # rows left out of the page, per file

    @property
    def name(self) -> str:
        return self.analysis.name

    @property
    def rows(self) -> list[ScoredSentence]:
        return self.analysis.rows


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def corpus_name(rows: list[ScoredSentence], path: Path) -> str:
    prefixes = Counter(str(r.doc).split(":", 1)[0] for r in rows)
    return prefixes.most_common(1)[0][0] if prefixes else path.stem


def svg(paths: list[Path]) -> str:
    """The SVG of a figure written by the plotting functions, to inline."""
    svg_path = next(p for p in paths if p.suffix == ".svg")
    text = svg_path.read_text(encoding="utf-8")
    return text[text.index("<svg") :]


def figure(title: str, paths: list[Path], caption: str, *, folded: bool = False, missing: str = "") -> str:
    """A figure's SVG with its title and caption (``folded``: the SVG behind a click); a note instead
    where it could not be drawn (``missing``: why)."""
    if not paths:
        return f'<p class="note">{esc(title)}: not drawn{", as " + esc(missing) if missing else ""}.</p>'
    drawing = fold("show the figure", svg(paths), folded)
    return f"<figure><h3>{esc(title)}</h3>{drawing}<figcaption>{esc(caption)}</figcaption></figure>"


def highlight(text: str, evidence: list[dict]) -> str:
    """The sentence as HTML with each matched term marked (deciding terms more strongly) and the model's
    evidence (words its label rests on, ``framing.scoring.evidence``) marked apart, with its drop."""
    out, cursor = [], 0
    for e in sorted(evidence, key=lambda e: e["start"]):
        if e["start"] < cursor:
            continue
        out.append(esc(text[cursor : e["start"]]))
        kind = "model" if e.get("source") == "model" else "deciding" if e.get("deciding") else "term"
        note = f"{e['field']}: {e['label']}" + (", quoted" if e.get("quoted") else "")
        if kind == "model":
            note = f"model evidence: drop {e['drop']:.2f} ({note})"
        out.append(f'<mark class="{kind}" title="{esc(note)}">{esc(text[e["start"] : e["end"]])}</mark>')
        cursor = e["end"]
    return "".join(out) + esc(text[cursor:])


def cell_data(rows: list[ScoredSentence]) -> dict:
    """Per outlet: ``sentences``, each sentence shown once, and per ``actor:label`` cell its count ``n``, the
    outlet's sentences naming the actor ``of``, and ``rows``, the places in ``sentences`` of the first
    CELL_LIMIT sentences behind the cell (in document order). A sentence in two cells is embedded once."""
    cells: dict = defaultdict(lambda: {"sentences": []})
    actors = scheme_of(rows).actor_fields
    naming = {actor: Counter() for actor in actors}
    for r in rows:
        for actor in actors:
            if r.label(actor) != "none":
                naming[actor][r.outlet_name] += 1
    for r in rows:
        outlet, place = cells[r.outlet_name], None
        for actor in actors:
            label = r.label(actor)
            if label == "none":
                continue
            cell = outlet.setdefault(f"{actor}:{label}", {"n": 0, "of": naming[actor][r.outlet_name], "rows": []})
            cell["n"] += 1
            if len(cell["rows"]) < CELL_LIMIT:
                place = place if place is not None else _embed(outlet["sentences"], r)
                cell["rows"].append(place)
    return {outlet: data for outlet, data in cells.items() if data["sentences"]}  # outlets naming an actor


def _embed(sentences: list[dict], r: ScoredSentence) -> int:
    """Add a sentence as the panel shows it (its deciding terms marked); returns its place in ``sentences``."""
    sentences.append({"doc": r.doc, "i": r.sentence, "voice": r.voice, "html": highlight(r.text, r.evidence)})
    return len(sentences) - 1


def displayed(rows: list[ScoredSentence], other: list[ScoredSentence] | None = None) -> list[int]:
    """The places in ``rows`` of the sentences the page shows, most visible first: with ``other`` (a second
    model's scores) the agreement section's disagreeing sentences, then those behind the cells, the first
    of every cell first (``framing.scoring.evidence.by_place``), up to CELL_LIMIT per cell as ``cell_data``
    embeds them. The main job adds model evidence to these sentences in this order."""
    first: list[int] = []
    if other is not None:
        from framing.analysis.agreement import disagreements

        where = {(r.doc, r.sentence): i for i, r in enumerate(rows)}
        first = [where[d["doc"], d["sentence"]] for d in disagreements(rows, other, limit=DISAGREEMENTS)]
    listed = set(first)
    return first + [i for i in by_place(rows, within=CELL_LIMIT) if i not in listed]


def evidence_note(rows: list[ScoredSentence], path: Path | None) -> str:
    """A note on the shown sentences with a label that neither a deciding term nor model evidence supports
    (empty when there are none): how many, and the command that adds the model's evidence."""
    missing = sum(1 for i in by_place(rows, within=CELL_LIMIT) if unexplained(rows[i]))
    if not missing:
        return ""
    where = str(path) if path is not None else "SCORES"
    return (
        f"{missing:,} of the sentences behind the cells have a label that no lexicon term decided and no model "
        f"evidence marks (not computed for them, or no single word moves the label by {MIN_DROP}); "
        f"`framing explain --scores {where}` adds it."
    )


def fold(summary: str, content: str, folded: bool) -> str:
    """``content`` in a closed ``<details>`` that ``summary`` (text) opens, or as it is when not ``folded``."""
    return f"<details><summary>{esc(summary)}</summary>{content}</details>" if folded else content


def outlet_table(name: str, rows: list[ScoredSentence], profile_rows) -> str:
    """The clickable outlets x labels table: share with its interval; a click lists the sentences."""
    shares = {(p.group, p.actor, p.label): p for p in profile_rows}
    scheme = scheme_of(rows)
    display = {a.field: a.display for a in scheme.actors}
    columns = [(a.field, label) for a in scheme.actors for label in a.labels if label != "none"]
    head = "".join(f'<th class="{esc(actor)}">{esc(actor)}<br>{esc(label)}</th>' for actor, label in columns)
    body = []
    for outlet, count in sorted(naming_counts(rows).items(), key=lambda item: -item[1]):
        cells = []
        for actor, label in columns:
            p = shares.get((outlet, actor, label))
            if p is None:
                cells.append('<td class="empty">-</td>')
                continue
            if not p.enough:
                cells.append(_thin_cell(name, outlet, actor, label, p, display[actor]))
                continue
            cells.append(
                f'<td class="cell" data-section="{esc(name)}" data-outlet="{esc(outlet)}" '
                f'data-key="{esc(actor)}:{esc(label)}" title="{p.share:.0%} of {p.sentences} sentences naming '
                f'{esc(display[actor])}; 95% interval {p.low:.0%}-{p.high:.0%}">{p.share:.0%}'
                f"<small>{p.low:.0%}-{p.high:.0%}</small></td>"
            )
        body.append(f"<tr><th>{esc(outlet)} <small>({count})</small></th>{''.join(cells)}</tr>")
    return (
        f'<table class="outlets" id="table-{esc(name)}"><thead><tr><th>outlet (naming sentences)</th>{head}'
        f"</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def _thin_cell(name: str, outlet: str, actor: str, label: str, p, display: str) -> str:
    """A cell of an outlet below the minimum: how many sentences, and "too few articles" instead of a share."""
    count = round(p.share * p.sentences)
    return (
        f'<td class="cell thin" data-section="{esc(name)}" data-outlet="{esc(outlet)}" '
        f'data-key="{esc(actor)}:{esc(label)}" title="{count} of {p.sentences} sentences naming {esc(display)}, in '
        f'{p.articles} article(s): too few articles or sentences to estimate a share">'
        f"{count}/{p.sentences}<small>too few articles</small></td>"
    )


def corrected_table(analysis: CorpusAnalysis) -> str:
    """The delegitimising shares per outlet, counted and adjusted for the model's error rates, side by side."""
    if analysis.corrected is None:
        return ""
    counted = {(p.group, p.actor, p.label): p for p in analysis.profiles["all"]}
    adjusted = {(p.group, p.actor, p.label): p for p in analysis.corrected}
    wanted = map_labels(scheme_of(analysis.rows))

    def cell(p) -> str:
        if p is None:
            return "<td>-</td>"
        if not p.enough:
            return "<td><small>too few articles</small></td>"
        return f"<td>{p.share:.0%} <small>{p.low:.0%}-{p.high:.0%}</small></td>"

    lines = []
    for outlet in sorted({g for g, _, _ in adjusted}, key=lambda o: -naming_counts(analysis.rows)[o]):
        cells = "".join(cell(counted.get((outlet, a, lab))) + cell(adjusted.get((outlet, a, lab))) for a, lab in wanted)
        lines.append(f"<tr><th>{esc(outlet)}</th>{cells}</tr>")
    head = "".join(f"<th>{esc(a)}: {esc(lab)}, count</th><th>adjusted</th>" for a, lab in wanted)
    rates = analysis.rates
    source = f"{esc(rates.model)}'s error rates on the {esc(rates.domain)} dev gold" if rates else ""
    return (
        "<h3>Shares corrected for classifier error</h3>"
        f"<p>count: the share of the model's labels; adjusted: the same sentences corrected with {source} "
        "(false namings removed by each label's precision, the rest solved back through its confusion "
        "rates); the adjusted interval also carries the uncertainty of those rates. Count stays the default: "
        "on the shipped model's test splits it was no further from the gold-label shares than the adjusted "
        'estimate (README, "How sure the numbers are").</p>'
        f'<table class="plain"><thead><tr><th>outlet</th>{head}</tr></thead><tbody>{"".join(lines)}</tbody></table>'
    )


def map_labels(scheme: Scheme) -> list[tuple[str, str]]:
    """The framing map's two shares as (actor, label) of the profiles: each axis' actor and its labels
    joined by ``+`` (Syria: opposition terrorist+jihadist, state regime)."""
    return [(axis.actor, axis_label(axis)) for axis in (scheme.map.x, scheme.map.y)]


def voice_table(rows: list[ScoredSentence]) -> str:
    """Per outlet: the share of delegitimising namings that stand in quotes (the outlet reports them)."""
    scheme = scheme_of(rows)
    actors = [a for a in scheme.actors if a.delegitimising]
    counts: dict = defaultdict(Counter)
    for r in rows:
        outlet = r.outlet_name
        for actor in actors:
            if r.label(actor.field) in actor.delegitimising:
                counts[outlet][f"{actor.field}:{r.voice}"] += 1
    lines = []
    for outlet in sorted(counts, key=lambda o: -sum(counts[o].values())):
        cells = []
        for actor in (a.field for a in actors):
            own, reported = counts[outlet][f"{actor}:own"], counts[outlet][f"{actor}:reported"]
            total = own + reported
            cells.append(f"<td>{reported / total:.0%} <small>of {total}</small></td>" if total else "<td>-</td>")
        lines.append(f"<tr><th>{esc(outlet)}</th>{''.join(cells)}</tr>")
    head = "".join(f"<th>{esc(' or '.join(a.delegitimising))} namings in quotes</th>" for a in actors)
    return f'<table class="plain"><thead><tr><th>outlet</th>{head}</tr></thead><tbody>{"".join(lines)}</tbody></table>'


def differences_table(comparison, scheme: Scheme, limit: int = 15) -> str:
    """The largest significant differences in the delegitimising shares, with intervals and adjusted p.

    Only pairs of units that both pass the minimum evidence are tested; the others are counted.
    """
    wanted = set(map_labels(scheme))
    rows = [d for d in comparison.differences if d.significant and (d.actor, d.label) in wanted]
    rows.sort(key=lambda d: -abs(d.difference))
    body = "".join(
        f"<tr><td>{esc(d.a)} - {esc(d.b)}</td><td>{esc(d.actor)}: {esc(d.label)}</td>"
        f"<td>{d.share_a:.0%} vs {d.share_b:.0%}</td><td>{d.difference:+.0%} [{d.low:+.0%}, {d.high:+.0%}]</td>"
        f"<td>{d.p_adjusted:.3g}</td></tr>"
        for d in rows[:limit]
    )
    total = sum(1 for d in comparison.differences if (d.actor, d.label) in wanted)
    significant = sum(1 for d in comparison.differences if d.significant and (d.actor, d.label) in wanted)
    skipped = len(comparison.skipped)
    return (
        f"<p>{significant} of {total} tested differences in the delegitimising shares are significant after "
        f"Benjamini-Hochberg correction (5% false discovery rate over all {len(comparison.differences)} share "
        f"tests; p is the larger of a permutation test that shuffles articles between the two units and Welch's "
        f"t test over articles; the interval is for reading the size, not the test). "
        f"{skipped} pair(s) x actor were not tested: a unit has fewer than {comparison.min_articles} articles "
        f"or {comparison.min_sentences} sentences naming the actor. The {min(limit, len(rows))} largest:</p>"
        '<table class="plain"><thead><tr><th>a - b</th><th>label</th><th>shares</th>'
        f"<th>difference [95% interval]</th><th>adjusted p</th></tr></thead><tbody>{body}</tbody></table>"
    )


def agreement_part(section: Section, work: Path) -> str:
    from framing.analysis.agreement import agreement, disagreements

    result = agreement(section.rows, section.other)
    overall = [r for r in result.rows if r.outlet == "all"]
    lines = "".join(
        f"<tr><th>{esc(r.outlet)}</th><td>{esc(r.field)}</td><td>{r.agreement:.1%}</td><td>{r.kappa:.2f}</td>"
        f"<td>{r.sentences}</td></tr>"
        for r in overall + [r for r in result.rows if r.outlet != "all"]
    )
    examples = "".join(
        f'<li><b>{esc(d["outlet"] or "")}</b> <a href="{fragment("doc=", d["doc"])}" class="doc" '
        f'data-doc="{esc(d["doc"])}">{esc(d["doc"])}</a>: {highlight(d["text"], d["evidence_a"])}<br><small>'
        + "; ".join(
            f"{f}: {esc(d[f + '_a'])} / {esc(d[f + '_b'])}"
            for f in scheme_of(section.rows).fields
            if d[f + "_a"] != d[f + "_b"]
        )
        + "</small></li>"
        for d in disagreements(section.rows, section.other, limit=DISAGREEMENTS)
    )
    return (
        f"<h3>{esc(result.model_a)} versus {esc(result.model_b)}</h3>"
        '<table class="plain"><thead><tr><th>outlet</th><th>field</th><th>agreement</th><th>kappa</th>'
        f"<th>sentences</th></tr></thead><tbody>{lines}</tbody></table>"
        f"<h4>Sentences where they disagree (first {DISAGREEMENTS}; labels {esc(result.model_a)} / "
        f"{esc(result.model_b)})</h4><ul class='sentences'>{examples}</ul>"
    )


def build_section(section: Section, work: Path) -> dict:
    """The HTML parts and embedded cell data of one corpus, drawn from its analysis (nothing recomputed)."""
    from framing.figures.plots import divergence_heatmap, plot_profile, plot_timeseries

    analysis, name = section.analysis, section.name
    rows, s, comparison = analysis.rows, analysis.settings, analysis.comparison
    scheme = scheme_of(rows)
    x, y = (scheme.actor(axis.actor).display for axis in (scheme.map.x, scheme.map.y))
    unmapped = f"no outlet names both {x} and {y}" if x != y else f"no outlet names {x}"
    folder = work / folder_name(name)
    figures = plot_profile(analysis.profiles["all"], folder / "all", f"{name}: all sentences", scheme)
    own_title = f"{name}: the outlet's own voice only"
    own_figures = plot_profile(analysis.profiles["own"], folder / "own", own_title, scheme)
    heatmap = []
    if comparison is not None and comparison.divergences:
        heatmap = divergence_heatmap(comparison, folder / "divergence", f"{name}: Jensen-Shannon divergence")
    too_few = f"fewer than {s.min_articles} articles or {s.min_sentences} sentences naming an actor"
    outlets = len({r.outlet_name for r in rows})
    many = outlets > FOLD_OUTLETS  # long tables and tall figures are folded
    parts = [
        f'<section id="section-{esc(name)}"><h2>{esc(name)}</h2>',
        f"<p>{len(rows):,} sentences of {len({r.doc for r in rows}):,} documents from "
        f"{outlets} outlet{'s' * (outlets != 1)}; scored by {esc(', '.join(sorted({r.model for r in rows})))}.</p>",
        "".join(f'<p class="note">{esc(note)}</p>' for note in section.notes + analysis.notes),
        f'<p class="note">{esc(note)}</p>' if (note := evidence_note(rows, section.path)) else "",
        "<h3>Outlets by label: click a cell for the sentences behind it</h3>",
        '<p class="note">Shares count the model\'s labels (estimator: count)'
        + ("; the next table adjusts them for the model's measured errors." if analysis.corrected is not None else ".")
        + "</p>",
        fold(f"show the table of {outlets} outlets", outlet_table(name, rows, analysis.profiles["all"]), many),
        fold(f"show the corrected shares of {outlets} outlets", corrected_table(analysis), many)
        if analysis.corrected is not None
        else "",
    ]
    if any(p.enough for p in analysis.profiles["all"]):
        parts += [
            figure(
                "Framing map",
                [p for p in figures if "framing-map" in p.name],
                "Each point an outlet; whiskers are 95% intervals over articles. Hollow, unlabelled points: "
                f"outlets with {too_few}, not estimated. An outlet's label is left out where it would cover "
                "another; the legend names those outlets, and those not on the map as they name one actor only.",
                missing=unmapped,
            ),
            figure(
                "Framing profiles",
                [p for p in figures if "profiles" in p.name],
                "Label shares of the sentences naming each actor; whiskers: 95% interval of the first boundary. "
                f"Outlets with {too_few} have no bar ('too few articles').",
                folded=many,
            ),
            figure(
                "Framing map, own voice only",
                [p for p in own_figures if "framing-map" in p.name],
                "As above, counting only namings in the outlet's own narration.",
                folded=many,
                missing=unmapped,
            ),
        ]
    else:
        parts.append(f'<p class="note">No outlet is estimated: every outlet has {esc(too_few)}.</p>')
    parts += ["<h3>How much of the framing is quoted</h3>", fold(f"show {outlets} outlets", voice_table(rows), many)]
    for actor in scheme.actor_fields:
        paths = [p for p in heatmap if f"divergence-{actor}" in p.name]
        if paths:
            parts.append(
                figure(
                    f"Divergence between outlets: {actor}",
                    paths,
                    "Jensen-Shannon divergence of the label distributions (the outlets naming the actors "
                    "most); tested over articles (permutation and Welch), Benjamini-Hochberg adjusted. Grey cells: not "
                    f"compared, an outlet marked 'too few articles' has {too_few}.",
                )
            )
    if comparison is not None:
        parts.append(differences_table(comparison, scheme))
    if analysis.series:
        paths = plot_timeseries(
            analysis.series, folder / "time", f"{name}: delegitimising shares by year", scheme=scheme
        )
        parts.append(
            figure(
                "Framing over time",
                paths,
                f"Yearly shares with 95% intervals; hollow grey points are thin years ({too_few}), "
                "shown as thin rather than as spikes.",
            )
        )
    if section.other is not None:
        parts.append(agreement_part(section, work))
    parts.append("</section>")
    return {"html": "\n".join(parts), "cells": cell_data(rows)}


def about(scheme: Scheme) -> str:
    """The page's first words: which actors the sentences are labelled for, after which guidelines."""
    actors = [a.display for a in scheme.actors]
    named = actors[0] if len(actors) == 1 else ", ".join(actors[:-1]) + " or " + actors[-1]
    guidelines = scheme.guidelines
    return (
        f"Each sentence naming {esc(named)} is labelled by how it names {'them' if len(actors) > 1 else 'it'} "
        f"(label scheme {esc(scheme.name)} v{esc(scheme.version)}, annotation guidelines "
        f"{esc(guidelines.document)} v{esc(guidelines.version)})."
    )


def provenance(sections: list[Section], settings: Settings) -> str:
    """Where each section's scores came from, the models' records, and the settings of the analysis."""
    from framing.classifiers.loading import MODELS_DIR

    n_boot, seed, groups = settings.n_boot, settings.seed, settings.groups
    minimum = (settings.min_articles, settings.min_sentences)
    items = []
    for s in sections:
        models = sorted({r.model for r in s.rows})
        items.append(
            f"<li>{esc(s.name)}: {esc(str(s.path))} (sha256 {sha256(s.path) if s.path else 'in memory'}), "
            f"model {', '.join(map(esc, models))}"
            + (f"; compared with {esc(str(s.other_path))}" if s.other_path else "")
            + "</li>"
        )
        for model in models:
            meta = MODELS_DIR / model / "meta.json"
            if re.fullmatch(r"\w[\w.-]*", model) and meta.is_file():  # a name from the file: no path out of MODELS_DIR
                data = json.loads(meta.read_text())
                test = data.get("metrics", {}).get("test", {}).get("mean_macro_f1")
                dev = data.get("metrics", {}).get("dev", {}).get("mean_macro_f1")
                score = test or dev
                items.append(
                    f"<li>model {esc(model)}: created {esc(str(data.get('created')))}, "
                    f"seed {esc(data.get('seed'))}, data hash {esc(str(data.get('data_hash')))}"
                    + (f", mean macro-F1 {score['value']:.3f}" if score else "")
                    + "</li>"
                )
    config = {
        "bootstrap replicates": n_boot,
        "permutations": n_boot,
        "seed": seed,
        "minimum articles per outlet and actor": minimum[0],
        "minimum sentences per outlet and actor": minimum[1],
        "intervals": "percentile bootstrap over articles widened to a design-effect Jeffreys interval",
        "tests": "larger p of a permutation test over articles and Welch's t over articles, Benjamini-Hochberg",
        "groups": groups or "each outlet",
        "sentences per cell embedded": CELL_LIMIT,
        "sentences per cell listed at a time": CELL_PAGE,
        "outlets in heatmaps": TOP_OUTLETS,
    }
    items.append(f"<li>settings: {esc(json.dumps(config, default=sorted))}</li>")
    items.append(f"<li>framing {__version__}, written {datetime.now(UTC):%Y-%m-%d %H:%M} UTC</li>")
    return f"<ul>{''.join(items)}</ul>"


def report(
    scores: list[Path],
    out: Path,
    compare: list[Path] | None = None,
    n_boot: int = 2000,
    seed: int = 0,
    groups: dict | None = None,
    title: str = "Framing report",
    *,
    min_articles: int = MIN_ARTICLES,
    min_sentences: int = MIN_SENTENCES,
    scheme: Scheme | None = None,
) -> Path:
    """Analyse each scores file (``framing.analysis.results.analyse``) and write ``out/report.html``
    (figures beside it, for reuse); returns the page's path. ``scheme``: the label scheme of scores of a
    scheme that is not shipped (else the one the rows name).

    Outlets with fewer than ``min_articles`` articles or ``min_sentences`` sentences naming an
    actor are not estimated for it (``framing.analysis.stats``).
    """
    if not scores:
        raise FramingError("give at least one scores file")
    settings = Settings(n_boot, seed, min_articles, min_sentences, groups)
    sections = []
    for path in scores:
        rows, note = usable_rows(read_scores([path], scheme), Path(path))
        rates, missing = stored_rates(rows)
        analysis = analyse(corpus_name(rows, Path(path)), rows, settings, rates)
        sections.append(Section(analysis, Path(path), notes=[n for n in (note, missing) if n]))
    return render_report(sections, out, compare, title, scheme=scheme)


def render_report(
    analyses: list[CorpusAnalysis] | list[Section],
    out: Path,
    compare: list[Path] | None = None,
    title: str = "Framing report",
    *,
    scheme: Scheme | None = None,
) -> Path:
    """Write ``out/report.html`` from analyses already computed (the main job's): every share and
    interval on the page is the one in its CSV. ``compare``: scores of a second model on the same
    corpora, for the agreement sections (of the analyses' scheme; ``scheme`` for one not shipped)."""
    sections = [a if isinstance(a, Section) else Section(a) for a in analyses]
    if not sections:
        raise FramingError("nothing to report: no scores were given")
    scheme = scheme_of([s.rows[0] for s in sections if s.rows])  # one page, one scheme
    for path in compare or []:
        rows, note = usable_rows(read_scores([path], scheme), Path(path))
        name = corpus_name(rows, Path(path))
        match = next((s for s in sections if s.name == name), None)
        if match is None:
            raise FramingError(f"{path}: no scores of corpus {name!r} to compare it with")
        match.other, match.other_path = rows, Path(path)
        match.notes += [note] if note else []
    out = Path(out)
    built = {s.name: build_section(s, out / "figures") for s in sections}
    template = PAGE.read_text(encoding="utf-8")
    page = fill(
        template,
        {
            "csp": esc(content_security_policy(template)),
            "title": esc(title),
            "about": about(scheme),
            "nav": " ".join(f'<a href="{fragment("section-", n)}">{esc(n)}</a>' for n in built),
            "provenance": provenance(sections, sections[0].analysis.settings),
            "sections": "\n".join(b["html"] for b in built.values()),
            "data": script_json({n: b["cells"] for n, b in built.items()}),
            "page": str(CELL_PAGE),
        },
    )
    target = out / "report.html"
    with atomic_write(target) as handle:
        handle.write(page)
    return target

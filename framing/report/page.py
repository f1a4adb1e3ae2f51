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

import hashlib
import html
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from framing import __version__
from framing.analysis.profile import profile, read_scores
from framing.analysis.stats import MIN_ARTICLES, MIN_SENTENCES, check_minimum
from framing.classifiers.schema import ACTORS, LABELS
from framing.errors import FramingError
from framing.io import atomic_write

#: Sentences embedded per table cell (the cell says how many there are in all).
CELL_LIMIT = 60
#: Outlets in the heatmap and the time series: those naming the actors most.
TOP_OUTLETS = 20
DELEGITIMISING = {"opposition": ("terrorist", "jihadist"), "state": ("regime",)}
PAGE = Path(__file__).with_name("template.html")


@dataclass
class Section:
    """One corpus: its scores and, optionally, a second model's scores of the same sentences."""

    name: str
    path: Path
    rows: list[dict]
    other: list[dict] | None = None
    other_path: Path | None = None
    parts: list[str] = field(default_factory=list)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def corpus_name(rows: list[dict], path: Path) -> str:
    prefixes = Counter(str(r["doc"]).split(":", 1)[0] for r in rows)
    return prefixes.most_common(1)[0][0] if prefixes else path.stem


def naming_counts(rows: list[dict]) -> Counter:
    return Counter(r.get("outlet") or "unknown" for r in rows if r["opposition"] != "none" or r["state"] != "none")


def top_outlets(rows: list[dict], k: int = TOP_OUTLETS) -> set[str]:
    return {outlet for outlet, _ in naming_counts(rows).most_common(k)}


def svg(paths: list[Path]) -> str:
    """The SVG of a figure written by the plotting functions, to inline."""
    svg_path = next(p for p in paths if p.suffix == ".svg")
    text = svg_path.read_text(encoding="utf-8")
    return text[text.index("<svg") :]


def figure(title: str, paths: list[Path], caption: str) -> str:
    return f"<figure><h3>{html.escape(title)}</h3>{svg(paths)}<figcaption>{html.escape(caption)}</figcaption></figure>"


def highlight(text: str, evidence: list[dict]) -> str:
    """The sentence as HTML with each matched term marked (deciding terms more strongly)."""
    out, cursor = [], 0
    for e in sorted(evidence, key=lambda e: e["start"]):
        if e["start"] < cursor:
            continue
        out.append(html.escape(text[cursor : e["start"]]))
        kind = "deciding" if e.get("deciding") else "term"
        note = f"{e['field']}: {e['label']}" + (", quoted" if e.get("quoted") else "")
        out.append(
            f'<mark class="{kind}" title="{html.escape(note)}">{html.escape(text[e["start"] : e["end"]])}</mark>'
        )
        cursor = e["end"]
    return "".join(out) + html.escape(text[cursor:])


def cell_data(rows: list[dict]) -> dict:
    """Per outlet and label: share, count and the sentences behind it (first CELL_LIMIT, in document order)."""
    cells: dict = defaultdict(dict)
    naming = {actor: Counter() for actor in ACTORS}
    for r in rows:
        for actor in ACTORS:
            if r[actor] != "none":
                naming[actor][r.get("outlet") or "unknown"] += 1
    for r in rows:
        outlet = r.get("outlet") or "unknown"
        for actor in ACTORS:
            label = r[actor]
            if label == "none":
                continue
            cell = cells[outlet].setdefault(f"{actor}:{label}", {"n": 0, "of": naming[actor][outlet], "sentences": []})
            cell["n"] += 1
            if len(cell["sentences"]) < CELL_LIMIT:
                cell["sentences"].append(
                    {
                        "doc": r["doc"],
                        "i": r["sentence"],
                        "voice": r["voice"],
                        "html": highlight(r["text"], r["evidence"]),
                    }
                )
    return cells


def outlet_table(name: str, rows: list[dict], profile_rows) -> str:
    """The clickable outlets x labels table: share with its interval; a click lists the sentences."""
    shares = {(p.group, p.actor, p.label): p for p in profile_rows}
    columns = [(actor, label) for actor in ACTORS for label in LABELS[actor] if label != "none"]
    head = "".join(f'<th class="{actor}">{actor}<br>{label}</th>' for actor, label in columns)
    body = []
    for outlet, count in sorted(naming_counts(rows).items(), key=lambda item: -item[1]):
        cells = []
        for actor, label in columns:
            p = shares.get((outlet, actor, label))
            if p is None:
                cells.append('<td class="empty">-</td>')
                continue
            if not p.enough:
                cells.append(_thin_cell(name, outlet, actor, label, p))
                continue
            cells.append(
                f'<td class="cell" data-section="{html.escape(name)}" data-outlet="{html.escape(outlet)}" '
                f'data-key="{actor}:{label}" title="{p.share:.0%} of {p.sentences} sentences naming the {actor}; '
                f'95% interval {p.low:.0%}-{p.high:.0%}">{p.share:.0%}<small>{p.low:.0%}-{p.high:.0%}</small></td>'
            )
        body.append(f"<tr><th>{html.escape(outlet)} <small>({count})</small></th>{''.join(cells)}</tr>")
    return (
        f'<table class="outlets" id="table-{html.escape(name)}"><thead><tr><th>outlet (naming sentences)</th>{head}'
        f"</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def _thin_cell(name: str, outlet: str, actor: str, label: str, p) -> str:
    """A cell of an outlet below the minimum: how many sentences, and "too few articles" instead of a share."""
    count = round(p.share * p.sentences)
    return (
        f'<td class="cell thin" data-section="{html.escape(name)}" data-outlet="{html.escape(outlet)}" '
        f'data-key="{actor}:{label}" title="{count} of {p.sentences} sentences naming the {actor}, in '
        f'{p.articles} article(s): too few articles or sentences to estimate a share">'
        f"{count}/{p.sentences}<small>too few articles</small></td>"
    )


def voice_table(rows: list[dict]) -> str:
    """Per outlet: the share of delegitimising namings that stand in quotes (the outlet reports them)."""
    counts: dict = defaultdict(Counter)
    for r in rows:
        outlet = r.get("outlet") or "unknown"
        for actor, labels in DELEGITIMISING.items():
            if r[actor] in labels:
                counts[outlet][f"{actor}:{r['voice']}"] += 1
    lines = []
    for outlet in sorted(counts, key=lambda o: -sum(counts[o].values())):
        cells = []
        for actor in ACTORS:
            own, reported = counts[outlet][f"{actor}:own"], counts[outlet][f"{actor}:reported"]
            total = own + reported
            cells.append(f"<td>{reported / total:.0%} <small>of {total}</small></td>" if total else "<td>-</td>")
        lines.append(f"<tr><th>{html.escape(outlet)}</th>{''.join(cells)}</tr>")
    return (
        '<table class="plain"><thead><tr><th>outlet</th><th>terrorist or jihadist namings in quotes</th>'
        f"<th>regime namings in quotes</th></tr></thead><tbody>{''.join(lines)}</tbody></table>"
    )


def differences_table(comparison, limit: int = 15) -> str:
    """The largest significant differences in the delegitimising shares, with intervals and adjusted p.

    Only pairs of units that both pass the minimum evidence are tested; the others are counted.
    """
    wanted = {"opposition": "terrorist+jihadist", "state": "regime"}
    rows = [d for d in comparison.differences if d.significant and wanted.get(d.actor) == d.label]
    rows.sort(key=lambda d: -abs(d.difference))
    body = "".join(
        f"<tr><td>{html.escape(d.a)} - {html.escape(d.b)}</td><td>{d.actor}: {d.label}</td>"
        f"<td>{d.share_a:.0%} vs {d.share_b:.0%}</td><td>{d.difference:+.0%} [{d.low:+.0%}, {d.high:+.0%}]</td>"
        f"<td>{d.p_adjusted:.3g}</td></tr>"
        for d in rows[:limit]
    )
    total = sum(1 for d in comparison.differences if wanted.get(d.actor) == d.label)
    significant = sum(1 for d in comparison.differences if d.significant and wanted.get(d.actor) == d.label)
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
        f"<tr><th>{html.escape(r.outlet)}</th><td>{r.field}</td><td>{r.agreement:.1%}</td><td>{r.kappa:.2f}</td>"
        f"<td>{r.sentences}</td></tr>"
        for r in overall + [r for r in result.rows if r.outlet != "all"]
    )
    examples = "".join(
        f"<li><b>{html.escape(d['outlet'] or '')}</b> <a href='#doc={html.escape(d['doc'])}' class='doc'>"
        f"{html.escape(d['doc'])}</a>: {highlight(d['text'], d['evidence_a'])}<br><small>"
        + "; ".join(
            f"{f}: {d[f + '_a']} / {d[f + '_b']}"
            for f in ("opposition", "state", "voice")
            if d[f + "_a"] != d[f + "_b"]
        )
        + "</small></li>"
        for d in disagreements(section.rows, section.other, limit=40)
    )
    return (
        f"<h3>{html.escape(result.model_a)} versus {html.escape(result.model_b)}</h3>"
        '<table class="plain"><thead><tr><th>outlet</th><th>field</th><th>agreement</th><th>kappa</th>'
        f"<th>sentences</th></tr></thead><tbody>{lines}</tbody></table>"
        f"<h4>Sentences where they disagree (first 40; labels {html.escape(result.model_a)} / "
        f"{html.escape(result.model_b)})</h4><ul class='sentences'>{examples}</ul>"
    )


def build_section(
    section: Section, work: Path, n_boot: int, seed: int, groups: dict | None, minimum: tuple[int, int]
) -> dict:
    """The HTML parts and embedded cell data of one corpus; ``minimum`` is (articles, sentences)."""
    from framing.analysis.differences import compare_outlets
    from framing.analysis.timeseries import timeseries
    from framing.figures.plots import divergence_heatmap, plot_profile, plot_timeseries

    rows, name = section.rows, section.name
    folder = work / name
    least = {"min_articles": minimum[0], "min_sentences": minimum[1]}
    profile_rows = profile(rows, n_boot=n_boot, seed=seed, **least)
    own_rows = profile(rows, voice="own", n_boot=n_boot, seed=seed, **least)
    top = top_outlets(rows)
    focus = [r for r in rows if (r.get("outlet") or "unknown") in top]
    outlets = {r.get("outlet") or "unknown" for r in rows}
    groups = groups if groups and set().union(*groups.values()) <= outlets else None  # groups of this corpus only
    comparison = compare_outlets(
        focus if not groups else rows, groups, n_boot=n_boot, n_perm=n_boot, seed=seed, **least
    )
    figures = plot_profile(profile_rows, folder / "all", f"{name}: all sentences")
    own_figures = plot_profile(own_rows, folder / "own", f"{name}: the outlet's own voice only")
    heatmap = []
    if comparison.divergences:
        heatmap = divergence_heatmap(comparison, folder / "divergence", f"{name}: Jensen-Shannon divergence")
    too_few = f"fewer than {minimum[0]} articles or {minimum[1]} sentences naming an actor"
    parts = [
        f'<section id="section-{html.escape(name)}"><h2>{html.escape(name)}</h2>',
        f"<p>{len(rows):,} sentences of {len({r['doc'] for r in rows}):,} documents from "
        f"{len({r.get('outlet') for r in rows})} outlets; scored by {html.escape(rows[0]['model'])}.</p>",
        "<h3>Outlets by label: click a cell for the sentences behind it</h3>",
        outlet_table(name, rows, profile_rows),
        figure(
            "Framing map",
            [p for p in figures if "framing-map" in p.name],
            "Each point an outlet; whiskers are 95% intervals over articles. Hollow, unlabelled points: "
            f"outlets with {too_few}, not estimated.",
        ),
        figure(
            "Framing profiles",
            [p for p in figures if "profiles" in p.name],
            "Label shares of the sentences naming each actor; whiskers: 95% interval of the first boundary. "
            f"Outlets with {too_few} have no bar ('too few articles').",
        ),
        figure(
            "Framing map, own voice only",
            [p for p in own_figures if "framing-map" in p.name],
            "As above, counting only namings in the outlet's own narration.",
        ),
        "<h3>How much of the framing is quoted</h3>",
        voice_table(rows),
    ]
    for actor in ACTORS:
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
    parts.append(differences_table(comparison))
    dated = [r for r in focus if r.get("date")]
    if dated:
        series = timeseries(dated, period="year", n_boot=n_boot, seed=seed, **least)
        if series:
            paths = plot_timeseries(series, folder / "time", f"{name}: delegitimising shares by year")
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


def provenance(sections: list[Section], n_boot: int, seed: int, groups: dict | None, minimum: tuple[int, int]) -> str:
    from framing.classifiers.loading import MODELS_DIR

    items = []
    for s in sections:
        models = sorted({r["model"] for r in s.rows})
        items.append(
            f"<li>{html.escape(s.name)}: {html.escape(str(s.path))} (sha256 {sha256(s.path)}), "
            f"model {', '.join(map(html.escape, models))}"
            + (f"; compared with {html.escape(str(s.other_path))}" if s.other_path else "")
            + "</li>"
        )
        for model in models:
            meta = MODELS_DIR / model / "meta.json"
            if meta.is_file():
                data = json.loads(meta.read_text())
                test = data.get("metrics", {}).get("test", {}).get("mean_macro_f1")
                dev = data.get("metrics", {}).get("dev", {}).get("mean_macro_f1")
                score = test or dev
                items.append(
                    f"<li>model {html.escape(model)}: created {html.escape(str(data.get('created')))}, "
                    f"seed {data.get('seed')}, data hash {html.escape(str(data.get('data_hash')))}"
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
        "sentences per cell shown": CELL_LIMIT,
        "outlets in heatmaps": TOP_OUTLETS,
    }
    items.append(f"<li>settings: {html.escape(json.dumps(config, default=sorted))}</li>")
    items.append(f"<li>framing {__version__}, written {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC</li>")
    return f"<ul>{''.join(items)}</ul>"


def report(
    scores: list[Path],
    out: Path,
    compare: list[Path] | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    groups: dict | None = None,
    title: str = "Framing report",
    *,
    min_articles: int = MIN_ARTICLES,
    min_sentences: int = MIN_SENTENCES,
) -> Path:
    """Write ``out/report.html`` (and its figures beside it, for reuse); returns the page's path.

    Outlets with fewer than ``min_articles`` articles or ``min_sentences`` sentences naming an
    actor are not estimated for it (``framing.analysis.stats``).
    """
    if not scores:
        raise FramingError("give at least one scores file")
    check_minimum(min_articles, min_sentences)
    minimum = (min_articles, min_sentences)
    sections = []
    for path in scores:
        rows = read_scores([path])
        sections.append(Section(corpus_name(rows, Path(path)), Path(path), rows))
    for path in compare or []:
        rows = read_scores([path])
        name = corpus_name(rows, Path(path))
        match = next((s for s in sections if s.name == name), None)
        if match is None:
            raise FramingError(f"{path}: no scores of corpus {name!r} to compare it with")
        match.other, match.other_path = rows, Path(path)
    out = Path(out)
    built = {s.name: build_section(s, out / "figures", n_boot, seed, groups, minimum) for s in sections}
    page = PAGE.read_text(encoding="utf-8")
    page = page.replace("{{title}}", html.escape(title))
    page = page.replace("{{nav}}", " ".join(f'<a href="#section-{html.escape(n)}">{html.escape(n)}</a>' for n in built))
    page = page.replace("{{provenance}}", provenance(sections, n_boot, seed, groups, minimum))
    page = page.replace("{{sections}}", "\n".join(b["html"] for b in built.values()))
    data = json.dumps({n: b["cells"] for n, b in built.items()}, ensure_ascii=False).replace("</", "<\\/")
    page = page.replace("{{data}}", data)
    target = out / "report.html"
    with atomic_write(target) as handle:
        handle.write(page)
    return target

"""Print the README's report findings from a main-job run folder (default runs/latest).

.venv/bin/python experiments/findings.py [RUN_FOLDER]

The quoted shares are also given for FA-KES's articles that hold a double quotation mark and for
those that hold none (430 of its 798 lost them: their quotes read as the outlet's own words), and,
from the gold labels of the training and dev splits, for the same two groups.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from framing.analysis.agreement import agreement
from framing.analysis.differences import compare_outlets
from framing.analysis.quotation import unquoted_outlets
from framing.analysis.stats import bootstrap_share
from framing.classifiers.lexicon import QUOTATION_MARKS
from framing.gold.annotations import annotation_documents, domain_gold, load_annotations, split_gold
from framing.resources import default_data_root
from framing.scoring.rows import read_scores

DELEGITIMISING = (("opposition", {"terrorist", "jihadist"}), ("state", {"regime"}))


def quoted_share(rows: list, actor: str, labels: set[str], seed: int = 0) -> tuple[float, float, float, int]:
    """Share of the sentences naming ``actor`` with ``labels`` that are quoted, with a 95% interval over articles."""
    per_doc: dict[str, list[int]] = {}
    for r in rows:
        if r.label(actor) in labels:
            counts = per_doc.setdefault(r.doc, [0, 0])
            counts[0] += r.voice == "reported"
            counts[1] += 1
    matrix = np.array(list(per_doc.values()))
    picks = np.random.default_rng(seed).integers(0, len(matrix), (2000, len(matrix)))
    return (*bootstrap_share(matrix[:, 0], matrix[:, 1], picks), int(matrix[:, 1].sum()))


def main(run: Path) -> None:
    fakes, allsides = read_scores([run / "fa-kes-scores.jsonl"]), read_scores([run / "allsides-scores.jsonl"])
    groups = {"state-aligned": frozenset({"sana", "alalam", "manar"})}
    comparison = compare_outlets(fakes, groups, n_boot=2000, n_perm=2000)
    for d in comparison.differences:
        if d.label in ("terrorist+jihadist", "regime"):
            print(
                f"{d.a} - {d.b} {d.label}: {d.share_a:.2f} vs {d.share_b:.2f}, {d.difference:+.2f} "
                f"({d.low:+.2f} to {d.high:+.2f}), adjusted p {d.p_adjusted:.4f}"
            )
    for v in comparison.divergences:
        print(f"JSD {v.actor}: {v.jsd:.2f}, adjusted p {v.p_adjusted:.4f}")
    documents = annotation_documents(default_data_root())
    marked = {doc for doc, article in documents.items() if QUOTATION_MARKS.search(article.text)}
    fakes_marked = [r for r in fakes if r.doc in marked]
    fakes_unmarked = [r for r in fakes if r.doc in documents and r.doc not in marked]
    runs = (
        ("allsides", allsides),
        ("fa-kes", fakes),
        ("fa-kes, articles with quotation marks", fakes_marked),
        ("fa-kes, articles without", fakes_unmarked),
    )
    for name, rows in runs:
        for actor, labels in DELEGITIMISING:
            share, low, high, n = quoted_share(rows, actor, labels)
            print(
                f"{name}: quoted share of {actor} {'/'.join(sorted(labels))}: {share:.2f} ({low:.2f}-{high:.2f}), n={n}"
            )
    annotated = domain_gold(load_annotations(default_data_root()), "fa-kes")
    gold = split_gold(annotated, "train") + split_gold(annotated, "dev")
    for name, keep in (("with quotation marks", True), ("without", False)):
        for actor, labels in DELEGITIMISING:
            picked = [g for g in gold if (g.doc in marked) == keep and getattr(g, actor) in labels]
            quoted = sum(g.voice == "reported" for g in picked)
            named = f"{actor} {'/'.join(sorted(labels))}"
            print(f"fa-kes gold (train and dev), articles {name}: {named} quoted {quoted} of {len(picked)}")
    for name, rows in (("fa-kes", fakes), ("allsides", allsides)):
        found = unquoted_outlets(rows)
        listed = ", ".join(f"{u.outlet} {u.without} of {u.articles}" for u in found) or "none"
        print(f"{name}: outlets most of whose articles hold no quotation mark (the report's note): {listed}")
    for name, rows in (("fa-kes", fakes), ("allsides", allsides)):
        result = agreement(rows, read_scores([run / f"{name}-scores-lexicon.jsonl"]))
        print(
            name,
            "lexicon vs transformer kappa:",
            ", ".join(f"{r.field} {r.kappa:.2f}" for r in result.rows if r.outlet == "all"),
        )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("runs/latest"))

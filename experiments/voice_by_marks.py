"""Where the voice field's `reported` sentences stand, by quotation marks (issue 11, FA-KES 0.93).

Part of FA-KES lost its quotation marks (a quote reads as the outlet's own sentence: "We will not
accept ... the spokesman said."); the guidelines count such lost quotes as `reported`. This prints:

1. Gold counts only, every split: per domain, the voice labels of sentences in articles whose text
   holds no double quotation mark at all, and of those in articles that hold some (split by whether
   the sentence itself holds one). No model is run on the test split.
2. Dev only, the shipped transformer: `reported` recall in each of those groups, and the FA-KES dev
   mean macro-F1 as it is and with the voice of the gold-`reported` sentences set right (all of
   them, or only those of articles without marks): what finding lost quotes could buy at most.
3. FA-KES training sentences that name an actor, in articles without marks: how many hold a first
   person and a "said"-like verb, by gold voice (what a rule for lost quotes could go by).

    .venv/bin/python experiments/voice_by_marks.py
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

import numpy as np

from framing.classifiers.lexicon import QUOTATION_MARKS
from framing.classifiers.loading import load_model
from framing.gold.annotations import (
    DOMAINS,
    annotation_documents,
    domain_gold,
    domain_of,
    gold_scheme,
    load_annotations,
    split_gold,
)
from framing.gold.evaluate import evaluate_predictions, predict_gold
from framing.resources import default_data_root

ROOT = Path(__file__).resolve().parent.parent
FIRST_PERSON = re.compile(r"\b(?:we|our|us|I|my|me)\b")
SAID = re.compile(r"\b(?:said|says|told|added|stated|stressed|noted|explained|affirmed|confirmed|declared)\b", re.I)
GROUPS = ("article without marks", "marks in the article, not the sentence", "marks in the sentence")


def group(article_text: str, sentence: str) -> str:
    """Which of ``GROUPS`` a sentence falls in."""
    if not QUOTATION_MARKS.search(article_text):
        return GROUPS[0]
    return GROUPS[2] if QUOTATION_MARKS.search(sentence) else GROUPS[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "transformer")
    args = parser.parse_args()
    root = args.data or default_data_root()
    documents = annotation_documents(root)
    gold = load_annotations(root)
    groups = {id(g): group(documents[g.doc].text, g.text) for g in gold}

    articles = Counter((domain_of(d), bool(QUOTATION_MARKS.search(a.text))) for d, a in documents.items())
    for domain in DOMAINS:
        total = articles[domain, False] + articles[domain, True]
        print(f"{domain}: {articles[domain, False]} of {total} articles hold no quotation mark")
    print("\n## Gold voice labels by quotation marks (counts only)\n")
    print("| domain | split | group | none | own | reported |\n|---|---|---|---|---|---|")
    for domain in DOMAINS:
        for split in ("train", "dev", "test"):
            rows = domain_gold(split_gold(gold, split), domain)
            for name in GROUPS:
                counts = Counter(g.voice for g in rows if groups[id(g)] == name)
                print(f"| {domain} | {split} | {name} | {counts['none']} | {counts['own']} | {counts['reported']} |")

    print("\n## FA-KES train, articles without marks: first person and a said-like verb, by gold voice\n")
    print("| voice | first person | said-like verb | sentences |\n|---|---|---|---|")
    counts = Counter(
        (g.voice, bool(FIRST_PERSON.search(g.text)), bool(SAID.search(g.text)))
        for g in domain_gold(split_gold(gold, "train"), "fa-kes")
        if groups[id(g)] == GROUPS[0] and g.voice != "none"
    )
    for key in sorted(counts):
        print("| " + " | ".join(map(str, key)) + f" | {counts[key]} |")

    model = load_model(args.model)
    voice = gold_scheme(gold).fields.index("voice")
    print(f"\n## Dev, {args.model.name}: `reported` found, by group\n")
    print("| domain | group | gold reported | found |\n|---|---|---|---|")
    for domain in DOMAINS:
        rows = domain_gold(split_gold(gold, "dev"), domain)
        predicted = predict_gold(model, rows)
        for name in GROUPS:
            picked = [i for i, g in enumerate(rows) if g.voice == "reported" and groups[id(g)] == name]
            found = sum(predicted[i][voice] == "reported" for i in picked)
            print(f"| {domain} | {name} | {len(picked)} | {found} |")
        if domain == "fa-kes":
            fakes = (rows, predicted)
    rows, predicted = fakes
    as_is = evaluate_predictions("as is", rows, predicted).mean[0]
    print(f"\nFA-KES dev mean macro-F1: as is {as_is:.3f}", end="")
    for label, names in (("every gold `reported`", GROUPS), ("those of articles without marks", GROUPS[:1])):
        mended = np.array(predicted, dtype=object)
        for i, g in enumerate(rows):
            if g.voice == "reported" and groups[id(g)] in names:
                mended[i][voice] = "reported"
        print(f"; with the voice of {label} set right {evaluate_predictions(label, rows, mended).mean[0]:.3f}", end="")
    print()


if __name__ == "__main__":
    main()

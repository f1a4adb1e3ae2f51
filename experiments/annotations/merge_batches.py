"""Join annotators' labels (keyed by record id) back to document offsets; writes no corpus text.

    python experiments/annotations/merge_batches.py /tmp/annot experiments/annotations
    python experiments/annotations/merge_batches.py /tmp/annot3b experiments/annotations --round 3b

writes ``gold-allsides.jsonl`` and ``gold-fakes-round3.jsonl`` (first pass, annotator ``agent-dN`` for
batch N) and ``agreement/round4-blind.jsonl`` (the blind second pass, ``agent-e1``); with ``--round 3b``,
``gold-allsides-3b.jsonl`` (``agent-fN``) and ``agreement/round5-blind.jsonl`` (``agent-g1``); with ``--round 4``
(FA-KES only), ``gold-fakes-round4.jsonl`` (``agent-hN``) and ``agreement/round6-blind.jsonl`` (``agent-i1``, whose
batch was written to a folder of its own and copied to ``blind/`` once labelled). Annotators' notes
stay in the scratch folder: they quote the corpus.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from framing.classifiers.schema import FIELDS, check_record


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scratch", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--round", default="3", choices=["3", "3b", "4"])
    args = parser.parse_args()
    # first-pass and blind agents, the gold file of each corpus, the blind pass's file
    first_agent, blind_agent, files, blind_name = {
        "3": (
            "agent-d",
            "agent-e1",
            {"allsides": "gold-allsides.jsonl", "fa-kes": "gold-fakes-round3.jsonl"},
            "round4-blind",
        ),
        "3b": ("agent-f", "agent-g1", {"allsides": "gold-allsides-3b.jsonl"}, "round5-blind"),
        "4": ("agent-h", "agent-i1", {"fa-kes": "gold-fakes-round4.jsonl"}, "round6-blind"),
    }[args.round]
    where = {r["id"]: r for r in read(args.scratch / "ids.jsonl")}
    first: dict[str, dict] = {}
    for path in sorted((args.scratch / "out").glob("batch*.labels.jsonl")):
        annotator = first_agent + path.name.removeprefix("batch").split(".")[0]
        for label in read(path):
            problems = check_record(label)
            if problems or label["id"] in first:
                raise SystemExit(f"{path}: {label['id']}: {problems or 'labelled twice'}")
            first[label["id"]] = {"annotator": annotator, **{f: label[f] for f in FIELDS}}
    missing = sorted(set(where) - set(first))
    if missing:
        raise SystemExit(f"{len(missing)} records have no label, e.g. {missing[:5]}")
    other = {w["corpus"] for w in where.values()} - set(files)
    if other:
        raise SystemExit(f"round {args.round} has no gold file for corpus {sorted(other)}")
    for corpus, name in files.items():
        rows = [
            {
                "doc": w["doc"],
                "start": w["start"],
                "end": w["end"],
                **{f: first[i][f] for f in FIELDS},
                "annotator": first[i]["annotator"],
            }
            for i, w in where.items()
            if w["corpus"] == corpus
        ]
        if not rows:
            continue
        (args.out / name).write_text("".join(json.dumps(r) + "\n" for r in rows))
        print(f"{name}: {len(rows)} records")
    blind = read(args.scratch / "blind" / "blind.labels.jsonl")
    rows = [
        {
            "doc": where[b["id"]]["doc"],
            "start": where[b["id"]]["start"],
            "end": where[b["id"]]["end"],
            **{f: b[f] for f in FIELDS},
            "annotator": blind_agent,
        }
        for b in blind
    ]
    (args.out / "agreement" / f"{blind_name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    print(f"agreement/{blind_name}.jsonl: {len(rows)} records")


if __name__ == "__main__":
    main()

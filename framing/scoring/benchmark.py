"""Speed and memory of scoring, measured in one run on the same sentences.

``framing benchmark`` builds corpora of real articles (FA-KES and AllSides,
repeated under new ids until they hold the wanted number of sentences) in a
temporary folder, then times, each in a fresh process so peak memory is its
own:

- ``framing score`` end to end (read, split, classify, write) with the
  lexicon on N and 10 N sentences, and with the transformer in full precision
  and int8 (the one-time export and quantisation of the int8 files into a
  fresh cache is timed apart, before);
- the hand-written reference a user would write: sentences in input order,
  batches of 32 padded to the longest, the tokenizer and the same network's
  forward under ``torch.no_grad`` (it is given the sentences already split, so
  it does less work than the end-to-end runs);
- the same network (the model's LoRA-merged encoder with mean pooling, as ``--int8`` exports it to ONNX in
  full precision) run alone by the alternative runtimes a user could pick instead, as a user would run them:
  the sentences given already split (as to the reference), tokenised, sorted by token count, in batches of 32
  padded to the longest, forward and pooling, no heads. ONNX Runtime in full precision and in int8 (its plain
  dynamic quantisation, one activation scale per batch); OpenVINO in full precision (``f32`` inference
  precision) and in int8 (static: NNCF's post-training quantisation, scales calibrated on unreserved training
  sentences, ``framing.scoring.runtimes.calibration_texts``), both in throughput mode with as many
  requests in flight as it asks for. A runtime that is not installed is skipped with a note; the one-time
  quantisation is timed apart;
- the int8 model's macro-F1 on the dev split beside the full-precision one's;
- the transformer's three rows (reference, full precision, int8) in ``rounds`` interleaved rounds (reference,
  full, int8, then again), since this machine's speed drifts over minutes: each row shows its median round,
  and each ratio to the reference is the median of the rounds' own ratios (each taken within minutes);
- where torch sees a CUDA GPU, ``framing score --device cuda`` end to end on the 10 N sentences (every other
  row runs on the CPU, ``--device cpu``).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from framing.corpus.readers import Article, Fields, read_path
from framing.corpus.sentences import split
from framing.errors import FramingError

FIELDS = Fields(text="text", id="id", outlet="outlet", date="date", title="title")
SOURCES = ("fa-kes/FA-KES-Dataset.csv", "allsides-syria/articles.jsonl")


def build_corpus(data_root: Path, sentences: int, out: Path) -> int:
    """Write articles (JSON Lines) holding at least ``sentences`` sentences; returns the exact count."""
    articles = [a for source in SOURCES for a in read_path(data_root / source) if isinstance(a, Article)]
    if not articles:
        raise FramingError(f"no FA-KES or AllSides articles under {data_root}; the benchmark needs real text")
    counts = [len(split(a.doc, a.text)) for a in articles]
    total, copy = 0, 0
    with out.open("w", encoding="utf-8") as handle:
        while total < sentences:
            for article, count in zip(articles, counts):
                if total >= sentences:
                    break
                row = {"id": f"{article.doc}~{copy}", "text": article.text, "outlet": article.outlet}
                handle.write(json.dumps(row | {"date": article.date, "title": article.title}) + "\n")
                total += count
            copy += 1
    return total


def peak_mib() -> dict[str, float]:
    """Peak resident memory of this process and of its largest child (Linux reports KiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"peak_mib": round(own, 1), "peak_worker_mib": round(children, 1)}


def cpu_seconds(before) -> dict[str, float]:
    """CPU seconds (user and system) this process spent since ``before`` (its ``getrusage``), and those its
    finished children (worker processes) spent: where the work of a run went."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    spent = own.ru_utime - before.ru_utime + own.ru_stime - before.ru_stime
    return {"cpu_main_s": round(spent, 2), "cpu_workers_s": round(children.ru_utime + children.ru_stime, 2)}


def _child_score(corpus: str, model: str, out: str, int8: str, device: str = "cpu") -> dict:
    from framing.scoring.streaming import score

    started = time.perf_counter()
    own = resource.getrusage(resource.RUSAGE_SELF)
    options = {"fields": FIELDS, "int8": int8 == "1", "label": "benchmark", "device": device}
    report = score([Path(corpus)], Path(out), Path(model), **options)
    seconds = time.perf_counter() - started
    result = {"sentences": report.sentences, "seconds": round(seconds, 2), **peak_mib(), **cpu_seconds(own)}
    return result


def _child_reference(corpus: str, model: str, batch: str) -> dict:
    """The plain loop: input order, fixed batches padded to the longest, no_grad forward calls."""
    import torch

    from framing.classifiers.loading import load_model
    from framing.classifiers.transformer import context_size

    classifier = load_model(Path(model), device="cpu").classifier
    network, tokenizer, size = classifier.network_, classifier.tokenizer_, int(batch)
    texts = [s.text for a in read_path(Path(corpus), FIELDS) for s in split(a.doc, a.text)]
    started = time.perf_counter()
    labels = []
    width = context_size(classifier.settings, network.encoder.config.hidden_size)
    with torch.no_grad():
        for begin in range(0, len(texts), size):
            chunk = texts[begin : begin + size]
            inputs = tokenizer(chunk, padding=True, truncation=True, max_length=classifier.settings.max_length)
            inputs = {k: torch.tensor(v) for k, v in inputs.items()}
            if classifier.settings.hints:
                inputs["hints"] = torch.tensor(classifier._hints(chunk))
            if width:  # the plain loop reads no context: its columns are zero
                inputs["context"] = torch.zeros((len(chunk), width))
            logits = network(**inputs)
            labels.append([logits[f].argmax(-1) for f in logits])
    seconds = time.perf_counter() - started
    return {"sentences": len(texts), "seconds": round(seconds, 2), **peak_mib()}


#: The alternative runtimes of the network-only rows: (runtime, precision).
ALTERNATIVES = {
    "onnxruntime_fp32": ("onnxruntime", "fp32"),
    "onnxruntime_int8": ("onnxruntime", "int8"),
    "openvino_fp32": ("openvino", "fp32"),
    "openvino_int8": ("openvino", "int8"),
}
#: Sentences per batch of the network-only rows (sorted by token count, padded to the longest).
ALTERNATIVE_BATCH = 32
#: Interleaved rounds of the transformer's reference, full-precision and int8 rows (``benchmark``).
ROUNDS = 3


def _exported(model: Path) -> tuple[Path, object, int]:
    """The model's full-precision ONNX export (built into the cache if it is not there yet), its tokenizer
    and its token limit."""
    from transformers import AutoTokenizer

    from framing.classifiers.directory import read_config
    from framing.classifiers.int8 import cache_paths
    from framing.classifiers.loading import load_model
    from framing.classifiers.network import resolve_encoder, settings_from

    settings = settings_from(read_config(model).get("transformer", {}), str(model / "config.toml"))
    full, _ = cache_paths(model, resolve_encoder(settings.encoder))
    if not full.is_file():
        load_model(model, int8=True)  # exports and quantises into the cache
    tokenizer = AutoTokenizer.from_pretrained(resolve_encoder(settings.tokenizer or settings.encoder))
    return full, tokenizer, settings.max_length


def _onnxruntime(plain: Path, precision: str, work: Path):
    """ONNX Runtime on every core, as a user would set it up: the export, or its plain dynamic quantisation
    (``int8.QUANTISE`` without ``--int8``'s per-token rewrite: 8-bit weights per output channel, one activation
    scale per batch)."""
    import onnxruntime

    model = plain
    if precision == "int8":
        import logging

        from onnxruntime.quantization import QuantType, quantize_dynamic

        from framing.classifiers.int8 import QUANTISE

        logging.getLogger().setLevel(logging.ERROR)  # its advice to pre-process the model is for static int8
        model = work / "dynamic-int8.onnx"
        quantize_dynamic(str(plain), str(model), weight_type=QuantType.QInt8, **QUANTISE)
    session = onnxruntime.InferenceSession(str(model), providers=["CPUExecutionProvider"])
    names = [i.name for i in session.get_inputs()]

    def run(batches: list[dict]) -> None:
        for batch in batches:
            session.run(None, {n: batch[n] for n in names})

    return run, names


def _openvino(plain: Path, precision: str, tokenizer, max_length: int, data_root: Path):
    """OpenVINO on the CPU in throughput mode, batches run on as many infer requests as it asks for: the
    export in ``f32``, or NNCF's static int8 calibrated on unreserved training sentences."""
    import openvino

    from framing.scoring.runtimes import calibration_texts, quantise_static

    core = openvino.Core()
    config = {"PERFORMANCE_HINT": "THROUGHPUT"}
    if precision == "int8":
        model = quantise_static(plain, tokenizer, calibration_texts(data_root), max_length)
    else:
        model, config["INFERENCE_PRECISION_HINT"] = core.read_model(str(plain)), "f32"
    compiled = core.compile_model(model, "CPU", config)
    names = [port.get_any_name() for port in compiled.inputs]

    def run(batches: list[dict]) -> None:
        queue = openvino.AsyncInferQueue(compiled)
        for batch in batches:
            queue.start_async({n: batch[n] for n in names})
        queue.wait_all()

    return run, names


def _missing(runtime: str, precision: str) -> str | None:
    """Why a runtime's row cannot run here (a module not installed), or None."""
    import importlib.util

    modules = {"onnxruntime": ["onnxruntime"], "openvino": ["openvino"] + (["nncf"] if precision == "int8" else [])}
    missing = [m for m in modules[runtime] if importlib.util.find_spec(m) is None]
    if missing:
        return f"{', '.join(missing)} not installed (pip install {' '.join(missing)})"
    return None


def _child_runtime(corpus: str, model: str, name: str, data_root: str) -> dict:
    """One alternative runtime on the network alone: tokenise, sort by token count, batches of
    ``ALTERNATIVE_BATCH`` padded to the longest, forward and pooling (the runtime's set-up is timed apart)."""
    import contextlib

    import numpy as np

    from framing.scoring.runtimes import padded

    runtime, precision = ALTERNATIVES[name]
    if (why := _missing(runtime, precision)) is not None:
        return {"skipped": why}
    plain, tokenizer, max_length = _exported(Path(model))
    texts = [s.text for a in read_path(Path(corpus), FIELDS) for s in split(a.doc, a.text)]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="framing-runtime-") as work, contextlib.redirect_stdout(sys.stderr):
        if runtime == "onnxruntime":
            run, names = _onnxruntime(plain, precision, Path(work))
        else:
            run, names = _openvino(plain, precision, tokenizer, max_length, Path(data_root))
        prepared = time.perf_counter() - started
        started = time.perf_counter()
        ids = tokenizer(texts, truncation=True, max_length=max_length)["input_ids"]
        order = np.argsort([len(x) for x in ids], kind="stable")
        size = ALTERNATIVE_BATCH
        run([padded([ids[i] for i in order[b : b + size]], names) for b in range(0, len(order), size)])
        seconds = time.perf_counter() - started
    return {"sentences": len(texts), "seconds": round(seconds, 2), "prepare_seconds": round(prepared, 2), **peak_mib()}


def _child_accuracy(model: str, data_root: str) -> dict:
    from framing.classifiers.loading import load_model
    from framing.gold.annotations import load_annotations, split_gold
    from framing.gold.evaluate import evaluate_predictions, predict_gold

    gold = split_gold(load_annotations(Path(data_root)), "dev")
    result = {}
    for name, int8 in (("full", False), ("int8", True)):
        loaded = load_model(Path(model), int8=int8, device="cpu")
        result[name] = evaluate_predictions(loaded.name, gold, predict_gold(loaded, gold)).mean[0]
    # scored here, not in worker processes: this model counted the close calls it ran again in full precision
    result["int8_fallback_share"] = round(loaded.classifier.fallbacks_ / len(gold), 4)
    loaded.classifier.fallback_margin_ = 0.0  # int8 alone, no close call run again: for the README
    result["int8_without_fallback"] = evaluate_predictions(loaded.name, gold, predict_gold(loaded, gold)).mean[0]
    return result


def _child_build(model: str) -> dict:
    """The one-time export and quantisation behind ``--int8`` (into the cache ``$FRAMING_CACHE`` names)."""
    from framing.classifiers.loading import load_model

    started = time.perf_counter()
    load_model(Path(model), int8=True)
    return {"seconds": round(time.perf_counter() - started, 2)}


def _child_gpu() -> dict:
    import torch

    return {"present": torch.cuda.is_available()}


CHILDREN = {
    "score": _child_score,
    "reference": _child_reference,
    "runtime": _child_runtime,
    "accuracy": _child_accuracy,
    "build": _child_build,
    "gpu": _child_gpu,
}


def run_child(kind: str, *args: str, env: dict | None = None) -> dict:
    """Run one measurement in a fresh Python process (``env`` added to its environment); returns what it
    printed."""
    command = [sys.executable, "-m", "framing.scoring.benchmark", kind, *map(str, args)]
    done = subprocess.run(command, capture_output=True, text=True, env=os.environ | {"CI": "1"} | (env or {}))
    if done.returncode != 0:
        raise FramingError(f"benchmark step {kind} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def rate(result: dict) -> float:
    return result["sentences"] / result["seconds"]


def benchmark(
    data_root: Path,
    lexicon: Path,
    transformer: Path,
    sentences: int = 20_000,
    transformer_sentences: int = 8_000,
    scale: int = 10,
    log=print,
    rounds: int = ROUNDS,
) -> dict:
    """Every measurement of the module docstring; returns them with the ratios."""
    if rounds < 1:
        raise FramingError(f"--rounds must be at least 1, not {rounds}")
    results: dict = {"cores": os.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="framing-bench-") as tmp:
        tmp = Path(tmp)
        small, large, tiny = tmp / "small.jsonl", tmp / "large.jsonl", tmp / "transformer.jsonl"
        results["corpus"] = {
            "small": build_corpus(data_root, sentences, small),
            "large": build_corpus(data_root, sentences * scale, large),
            "transformer": build_corpus(data_root, transformer_sentences, tiny),
        }
        log(f"corpora: {results['corpus']} sentences")
        steps = {
            "lexicon_small": ("score", small, lexicon, tmp / "a.jsonl", 0),
            "lexicon_large": ("score", large, lexicon, tmp / "b.jsonl", 0),
            "int8_build": ("build", transformer),  # before any int8 run: the first one is not slowed by it
        }
        interleaved = {
            "transformer_reference": ("reference", tiny, transformer, 32),
            "transformer_full": ("score", tiny, transformer, tmp / "c.jsonl", 0),
            "transformer_int8": ("score", tiny, transformer, tmp / "d.jsonl", 1),
        }
        after = {name: ("runtime", tiny, transformer, name, data_root) for name in ALTERNATIVES}
        if gpu_present():  # the transformer end to end on the GPU, on the large corpus (README, "Speed")
            after["transformer_cuda"] = ("score", large, transformer, tmp / "e.jsonl", 0, "cuda")
        cache = {"FRAMING_CACHE": str(tmp / "cache")}  # a fresh int8 cache: the build is timed

        def measure(name: str, kind: str, *args, label: str = "") -> dict:
            result = run_child(kind, *args, env=cache)
            if kind == "build":
                log(f"{name}: {result['seconds']} s, once")
            elif "skipped" in result:
                log(f"{name}: skipped, {result['skipped']}")
            else:
                log(f"{name}{label}: {rate(result):,.0f} sentences/s, peak {result['peak_mib']:,.0f} MiB")
            return result

        for name, (kind, *args) in steps.items():
            results[name] = measure(name, kind, *args)
        measured: dict[str, list[dict]] = {name: [] for name in interleaved}
        for round_ in range(1, rounds + 1):
            for name, (kind, *args) in interleaved.items():
                label = f" (round {round_} of {rounds})" if rounds > 1 else ""
                measured[name].append(measure(name, kind, *args, label=label))
        results |= median_rounds(measured)
        for name, (kind, *args) in after.items():
            results[name] = measure(name, kind, *args)
        results["dev_macro_f1"] = run_child("accuracy", transformer, data_root, env=cache)
    by_round = {kind: round_ratios(results, f"transformer_{kind}") for kind in ("full", "int8")}
    results["ratios"] = {
        "transformer_full_vs_reference": statistics.median(by_round["full"]),
        "transformer_int8_vs_reference": statistics.median(by_round["int8"]),
        "transformer_vs_reference_by_round": by_round,
        "int8_dev_macro_f1_loss_points": 100 * (results["dev_macro_f1"]["full"] - results["dev_macro_f1"]["int8"]),
        "lexicon_memory_large_vs_small": _memory(results["lexicon_large"]) / _memory(results["lexicon_small"]),
    } | alternative_ratios(results)
    return results


def median_rounds(measured: dict[str, list[dict]]) -> dict[str, dict]:
    """Each row's round of median speed (the lower of the middle two for an even count), with every round's
    sentences/s under ``rounds`` (in order) so the ratios can be taken round by round."""
    rows = {}
    for name, runs in measured.items():
        rates = [rate(run) for run in runs]
        middle = statistics.median_low(rates)
        rows[name] = runs[rates.index(middle)] | {"rounds": [round(value, 1) for value in rates]}
    return rows


def round_ratios(results: dict, name: str) -> list[float]:
    """Row ``name``'s speed over the reference's within each interleaved round, in order."""
    reference = results["transformer_reference"]["rounds"]
    return [mine / theirs for mine, theirs in zip(results[name]["rounds"], reference, strict=True)]


def gpu_present() -> bool:
    """Whether torch sees a CUDA GPU (then ``benchmark`` adds a GPU row; every other row runs on the CPU). Asked
    in a child: torch in this process would count in every child's peak memory (Linux keeps the high-water
    mark across ``exec``)."""
    return run_child("gpu")["present"]


def alternative_ratios(results: dict) -> dict:
    """Each alternative runtime that ran against the reference loop, and the best of them (network only)
    against framing's best end to end (full precision or int8)."""
    reference = rate(results["transformer_reference"])
    ran = {name: rate(results[name]) for name in ALTERNATIVES if "skipped" not in results.get(name, {"skipped": 1})}
    ratios = {f"{name}_vs_reference": value / reference for name, value in ran.items()}
    if ran:
        best = max(ran, key=ran.get)
        ours = max(rate(results["transformer_full"]), rate(results["transformer_int8"]))
        ratios |= {"best_alternative": best, "best_alternative_vs_framing_best": ran[best] / ours}
    return ratios


def _memory(result: dict) -> float:
    return result["peak_mib"] + result["peak_worker_mib"]


def format_results(results: dict) -> str:
    """A Markdown table of the measurements and ratios."""
    lines = ["| run | sentences | seconds | sentences/s | peak MiB (main + largest worker) |", "|---|---|---|---|---|"]
    names = ["lexicon_small", "lexicon_large", "transformer_reference", "transformer_full", "transformer_int8"]
    for name in names + (["transformer_cuda"] if "transformer_cuda" in results else []):  # the GPU row: --device cuda
        r = results[name]
        memory = f"{r['peak_mib']:,.0f} + {r['peak_worker_mib']:,.0f}"
        lines.append(f"| {name} | {r['sentences']:,} | {r['seconds']} | {rate(r):,.0f} | {memory} |")
    ratios = results["ratios"]
    lines += [
        "",
        f"- transformer end to end vs reference: {ratios['transformer_full_vs_reference']:.2f}x (full precision), "
        f"{ratios['transformer_int8_vs_reference']:.2f}x (int8){_per_round(results)}",
        f"- int8 dev mean macro-F1: {results['dev_macro_f1']['int8']:.3f} vs {results['dev_macro_f1']['full']:.3f} "
        f"(loss {ratios['int8_dev_macro_f1_loss_points']:.2f} points; "
        f"{results['dev_macro_f1']['int8_without_fallback']:.3f} with no close call run again in full precision, "
        f"which int8 did for {results['dev_macro_f1']['int8_fallback_share']:.1%} of the dev sentences)",
        f"- int8 export and quantisation, once per model (cached): {results['int8_build']['seconds']} s",
        f"- lexicon peak memory, {results['corpus']['large']:,} vs {results['corpus']['small']:,} sentences: "
        f"{ratios['lexicon_memory_large_vs_small']:.2f}x",
    ]
    return "\n".join(lines + format_alternatives(results))


def _per_round(results: dict) -> str:
    """The ratios of each interleaved round, when there were several (``format_results``)."""
    by_round = results["ratios"].get("transformer_vs_reference_by_round", {})
    if len(by_round.get("int8", [])) < 2:
        return ""
    each = {kind: ", ".join(f"{value:.2f}" for value in values) for kind, values in by_round.items()}
    return f"; medians of {len(by_round['int8'])} interleaved rounds: full {each['full']}; int8 {each['int8']}"


def format_alternatives(results: dict) -> list[str]:
    """The network-only rows of the alternative runtimes (skipped ones with their note) and the ratio of the
    best of them to framing's best end to end."""
    lines = [
        "",
        "| alternative runtime, network only | sentences | seconds | sentences/s | x reference | set-up s | peak MiB |",
        "|---|---|---|---|---|---|---|",
    ]
    reference = rate(results["transformer_reference"])
    for name in ALTERNATIVES:
        r = results.get(name, {"skipped": "not measured"})
        if "skipped" in r:
            lines.append(f"| {name} | skipped: {r['skipped']} | | | | | |")
            continue
        lines.append(
            f"| {name} | {r['sentences']:,} | {r['seconds']} | {rate(r):,.0f} | {rate(r) / reference:.2f} "
            f"| {r['prepare_seconds']} | {r['peak_mib']:,.0f} |"
        )
    ratios = results["ratios"]
    if "best_alternative" in ratios:
        lines += [
            "",
            f"- best alternative ({ratios['best_alternative']}, network only) vs framing's best end to end: "
            f"{ratios['best_alternative_vs_framing_best']:.2f}x",
        ]
    return lines


if __name__ == "__main__":
    kind, *arguments = sys.argv[1:]
    print(json.dumps(CHILDREN[kind](*arguments)))

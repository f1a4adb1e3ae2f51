"""int8 inference: export the network, quantise it with static scales, cache the files, run them in OpenVINO.

``--int8`` exports the transformer's encoder (LoRA merged, mean pooling included; the small heads run in numpy
after it) to ONNX and quantises it with NNCF's post-training quantisation (its ONNX backend, transformer preset):
the weights of the matrix products in 8 bits per output channel, each activation in 8 bits with one scale
fixed once by calibration (``framing.classifiers.openvino``), SmoothQuant and bias correction. The result is
an ONNX file with quantise and dequantise nodes, which OpenVINO runs in int8 (``OpenVinoNetwork``, one stream of
one thread per core, a batch's rows spread over them). The calibration sentences are those of the shipped
seed articles of the gold train split (``openvino.seed_sentences``): unreserved training text that every
installation has, so that the file depends on the model and the library versions alone.

A sentence gets the same bits whatever it is scored with (issue 17): no scale depends on the other
sentences of the batch (they are constants of the file), and a batch holds sentences of one token count only
(``OnnxNetwork.batches``: no padding, which would change the order of attention's sums in full precision).
Checked row by row, bit for bit, by ``experiments/openvino_int8.py``, ``experiments/int8_determinism.py`` and
``tests/classifiers/test_int8.py``. OpenVINO's static int8 replaced ONNX Runtime's dynamic int8 with per-token
scales (issue 17): as deterministic, no loss of dev macro-F1, and faster (README, "Speed").

Every sentence goes through the int8 network; the few whose int8 decision is
close (two labels of a field within ``FALLBACK_MARGIN`` of probability) are
run again through the full-precision export (in ONNX Runtime), and its logits are kept. Both
files are cached under ``$FRAMING_CACHE`` (default ``~/.cache/framing``),
keyed by the model directory's files and the library versions, so worker
processes and later runs load them without building the torch network. A record
beside them (``*.int8.sha256.json``) holds the SHA-256 of what they were built from (the model
directory's files, the encoder's, the settings and versions) and of the two files themselves; files
that do not match it, or have no record, are never loaded: they are rebuilt, with a line on stderr. The
speed and accuracy of the whole mode are measured by ``framing benchmark``
(README, "Speed").
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np

from framing.errors import FramingError

#: Matrix products left in 32 bits, by regular expressions over their node names: none.
KEEP_FLOAT: tuple[str, ...] = ()
#: A sentence whose int8 probabilities put two labels of a field closer than this is run again in full
#: precision: 2.7% of 4,000 unlabelled FA-KES sentences, after which none of the 13 whose labels int8
#: changed is left changed (``experiments/int8_sensitivity.py``, README "Speed"; ONNX Runtime's per-token int8).
#: With OpenVINO's static int8: 5.2% of 8,002 FA-KES sentences, 5.6% of the dev split, whose mean macro-F1
#: is then the same as torch's in full precision (``experiments/openvino_int8.py``).
FALLBACK_MARGIN = 0.5
#: Sentences per int8 forward pass (at most: a batch holds one token count): 16 scored 8,000 sentences end to
#: end in 14.3 s, against 15.5 s for 8, 14.7 s for 32 and 18.2 s for 64 (``experiments/int8_checks.py``, padded
#: batches, before per-token scales); with batches of one token count, 8, 16 and 32 ran the network alone within
#: 3% of each other on a loaded machine (800 FA-KES sentences, 2026-11-30).
BATCH = 16
OPSET = 17


def cache_dir() -> Path:
    """Where quantised models are kept: ``$FRAMING_CACHE`` or ``~/.cache/framing``."""
    return Path(os.environ.get("FRAMING_CACHE") or Path.home() / ".cache" / "framing")


def _versions() -> str:
    try:
        import nncf
        import openvino
    except ImportError as error:
        raise FramingError(f"--int8 needs OpenVINO and NNCF ({error}); pip install openvino nncf")
    import onnxruntime
    import torch

    settings = f"opset {OPSET} keep {KEEP_FLOAT} pooled by MatMul, NNCF static int8 (ONNX, transformer preset)"
    settings += " calibrated on the train split's seeds, run by OpenVINO"
    libraries = f"torch {torch.__version__} onnxruntime {onnxruntime.__version__} nncf {nncf.__version__}"
    return f"{libraries} openvino {openvino.__version__} {settings}"


def source_digest(model_dir: Path, encoder: str) -> str:
    """SHA-256 (hex) of what the int8 files of a model directory are built from: its files (config,
    heads, adapter or encoder weights), the encoder's files when it is a directory, the encoder's name,
    the export and quantisation settings and the library versions."""
    digest = hashlib.sha256(_versions().encode())
    digest.update(encoder.encode())
    encoder_dir = Path(encoder)
    sources = [model_dir] + ([encoder_dir] if encoder_dir.is_dir() else [])
    for source in sources:
        for file in sorted(p for p in source.rglob("*") if p.is_file()):
            digest.update(str(file.relative_to(source)).encode())
            digest.update(_file_digest(file))
    return digest.hexdigest()


def cache_paths(model_dir: Path, encoder: str, source: str | None = None) -> tuple[Path, Path]:
    """The cached full-precision and int8 files of a model directory, named by ``source`` (its
    ``source_digest``, computed when not given)."""
    source = source or source_digest(model_dir, encoder)
    stem = cache_dir() / f"{model_dir.resolve().name}-{source[:16]}"
    return stem.with_suffix(".fp32.onnx"), stem.with_suffix(".int8.onnx")


def record_path(int8: Path) -> Path:
    """The record of what the files ending in ``int8`` were built from, and their hashes."""
    return int8.with_name(int8.name.removesuffix(".onnx") + ".sha256.json")


def _record(full: bytes, int8: bytes, source: str) -> dict:
    return {"built_from": source, "fp32": hashlib.sha256(full).hexdigest(), "int8": hashlib.sha256(int8).hexdigest()}


def read_cache(full: Path, int8: Path, source: str) -> tuple[bytes, bytes] | None:
    """The two files' bytes, when their record says they were built from ``source`` and they hash to what
    it holds; otherwise None, after a line on stderr when files are there but do not match (rebuild them)."""
    record = record_path(int8)
    if not full.exists() and not int8.exists():
        return None
    try:
        files = full.read_bytes(), int8.read_bytes()
        if json.loads(record.read_text(encoding="utf-8")) == _record(*files, source):
            return files
    except (OSError, ValueError):  # a file or the record missing, unreadable or not JSON
        pass
    print(f"{int8}: does not match the model or its record {record.name}; rebuilding it", file=sys.stderr)
    return None


def _file_digest(path: Path) -> bytes:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.digest()


def input_names(tokenizer) -> list[str]:
    """The network's inputs, in the order of the exported graph."""
    names = list(tokenizer(["a sentence"]).keys())
    return [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in names]


def export_onnx(network, tokenizer, out: Path) -> Path:
    """Export ``network.embed`` (tokens in, mean-pooled embedding out) to ``out``, its sum over tokens written as
    a matrix product (the mask's row times the hidden states): the same function, whose bits for a sentence do not
    depend on the batch's shape, where ONNX Runtime's ``ReduceSum`` over the token axis changes its order with it."""
    import torch

    names = input_names(tokenizer)
    sample = dict(tokenizer(["a first sample sentence", "a second one"], padding=True, return_tensors="pt"))

    class Pooled(torch.nn.Module):  # positional inputs, as ONNX wants
        def __init__(self) -> None:
            super().__init__()
            self.network = network

        def forward(self, *tensors):
            inputs = dict(zip(names, tensors))
            hidden = self.network.encoder(**inputs).last_hidden_state
            mask = inputs["attention_mask"].unsqueeze(1).to(hidden.dtype)  # (batch, 1, tokens)
            return (mask @ hidden).squeeze(1) / mask.sum(-1).clamp(min=1.0)

    axes = {n: {0: "batch", 1: "tokens"} for n in names}
    with warnings.catch_warnings(), torch.inference_mode(False), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Pooled().eval(),
            tuple(sample[n] for n in names),
            str(out),
            input_names=names,
            output_names=["pooled"],
            dynamic_axes=axes | {"pooled": {0: "batch"}},
            opset_version=OPSET,
            dynamo=False,
        )
    return out


def quantise(plain: Path, out: Path, tokenizer, keep_float: tuple[str, ...] = KEEP_FLOAT, max_length: int = 128):
    """Static int8 quantisation of an exported network (``openvino.quantise_onnx``), calibrated on the seed
    sentences of the train split; MatMul nodes whose name matches a ``keep_float`` expression stay in 32 bits."""
    import onnx

    from framing.classifiers.openvino import quantise_onnx, seed_sentences

    onnx.save(quantise_onnx(plain, tokenizer, seed_sentences(), max_length, keep_float), str(out))
    return out


def build(
    network,
    tokenizer,
    full: Path,
    int8: Path,
    keep_float: tuple[str, ...] = KEEP_FLOAT,
    source: str = "",
    max_length: int = 128,
):
    """Write the full-precision and the int8 file, each whole or not at all, and then their record
    (``record_path``): built from ``source`` (a ``source_digest``), with the files' hashes."""
    int8.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=int8.parent, prefix=".export-") as tmp:
        plain, quantised, record = Path(tmp) / "fp32.onnx", Path(tmp) / "int8.onnx", Path(tmp) / "record.json"
        export_onnx(network, tokenizer, plain)
        quantise(plain, quantised, tokenizer, keep_float, max_length)
        record.write_text(json.dumps(_record(plain.read_bytes(), quantised.read_bytes(), source)), encoding="utf-8")
        record_path(int8).unlink(missing_ok=True)  # files without their record are never loaded
        os.replace(plain, full)
        os.replace(quantised, int8)
        os.replace(record, record_path(int8))
    return full, int8


def int8_network(model: Path | bytes, threads: int = 0, path: Path | None = None):
    """The int8 file (its path, or its bytes as checked by ``read_cache``) compiled by OpenVINO, with
    ``OnnxNetwork``'s interface; ``threads`` streams of one thread each (all cores by default)."""
    from framing.classifiers.openvino import OpenVinoNetwork

    return OpenVinoNetwork(model, threads=threads, batch=BATCH, path=path)


class OnnxNetwork:
    """An ONNX Runtime session with the torch network's ``embed``: named token arrays in, pooled rows out
    (the full-precision export, for close calls).

    ``model`` is the file, or its bytes as checked by ``read_cache`` (then ``path`` names it in errors)."""

    def __init__(self, model: Path | bytes, threads: int = 0, path: Path | None = None) -> None:
        import onnxruntime

        path = path or ("an ONNX model in memory" if isinstance(model, bytes) else model)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads or (os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        source = model if isinstance(model, bytes) else str(model)
        try:
            self.session = onnxruntime.InferenceSession(source, options, providers=["CPUExecutionProvider"])
        except Exception as error:  # a damaged cache file: say which, so it can be deleted
            raise FramingError(f"{path}: cannot load this ONNX model ({str(error)[:200]}); delete it to rebuild")
        self.inputs = [i.name for i in self.session.get_inputs()]
        self.path, self.batch = path, BATCH

    def __call__(self, **batch: np.ndarray) -> np.ndarray:
        feed = {n: batch[n].astype(np.int64) for n in self.inputs}
        return self.session.run(["pooled"], feed)[0]

    def batches(self, order: np.ndarray, token_ids: list) -> list[np.ndarray]:
        """The texts ``order`` picks, in batches of at most ``batch`` texts of one token count (longer than
        none, so never padded): each text's bits then depend on itself alone."""
        return equal_length_batches(order, np.array([len(token_ids[i]) for i in order]), self.batch)


def equal_length_batches(order: np.ndarray, lengths: np.ndarray, size: int) -> list[np.ndarray]:
    """``order`` (with ``lengths``, one per entry) cut into runs of equal length, shortest first, each into
    batches of at most ``size``."""
    by_length = np.argsort(lengths, kind="stable")
    order, lengths = np.asarray(order)[by_length], lengths[by_length]
    batches = []
    for run in np.split(order, np.flatnonzero(np.diff(lengths)) + 1):
        batches += [run[begin : begin + size] for begin in range(0, len(run), size)]
    return batches

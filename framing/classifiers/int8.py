"""int8 inference through ONNX Runtime: export the network, quantise it, cache the files, run them.

``--int8`` exports the transformer's encoder (LoRA merged, mean pooling
included; the small heads run in numpy after it) to ONNX, quantises the weights of its matrix products to 8 bits per
output channel with ONNX Runtime's dynamic quantisation, and runs it in an ONNX Runtime session. The
embeddings, layer norms, attention's products and the heads stay in 32 bits.

A sentence gets the same bits whatever it is scored with (issue 17): its activations are quantised per token
(``per_token``: one scale per row, where ONNX Runtime's own quantisation takes one scale over the whole
batch), a batch holds sentences of one token count only (``OnnxNetwork.batches``: no padding, which would
change the order of attention's sums), and the pooling is a matrix product (a ``ReduceSum`` over tokens sums
in an order that depends on the batch's shape). Checked row by row, bit for bit, by
``experiments/int8_determinism.py`` and ``tests/classifiers/test_int8.py``.

Every sentence goes through the int8 network; the few whose int8 decision is
close (two labels of a field within ``FALLBACK_MARGIN`` of probability) are
run again through the full-precision export, and its logits are kept. Both
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
import re
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np

from framing.errors import FramingError

#: What is quantised: the matrix products whose second operand is a weight (not attention's
#: activation-by-activation products, which cost accuracy for little speed).
QUANTISE = {"op_types_to_quantize": ["MatMul"], "per_channel": True, "extra_options": {"MatMulConstBOnly": True}}
#: Matrix products left in 32 bits, by regular expressions over their node names: none, since no group
#: (one kind in every layer, or one layer) changed clearly fewer labels and each cost 5-35% of the speed
#: (``experiments/int8_sensitivity.py``, README "Speed").
KEEP_FLOAT: tuple[str, ...] = ()
#: A sentence whose int8 probabilities put two labels of a field closer than this is run again in full
#: precision: 2.7% of 4,000 unlabelled FA-KES sentences, after which none of the 13 whose labels int8
#: changed is left changed (``experiments/int8_sensitivity.py``, README "Speed").
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
    import onnxruntime
    import torch

    settings = f"opset {OPSET} {sorted(QUANTISE.items())} keep {KEEP_FLOAT} pooled by MatMul"
    settings += ", activations per token by QuantizeLinear into MatMulIntegerToFloat"  # ``per_token``
    return f"torch {torch.__version__} onnxruntime {onnxruntime.__version__} {settings}"


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


def quantise(plain: Path, out: Path, keep_float: tuple[str, ...] = KEEP_FLOAT) -> Path:
    """Dynamic int8 quantisation of an exported network; MatMul nodes whose name matches a ``keep_float``
    expression stay in 32 bits."""
    import logging

    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    kept = [n.name for n in onnx.load(str(plain)).graph.node if any(re.search(k, n.name) for k in keep_float)]
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # its warning to pre-process the model is advice for static quantisation
    try:
        quantize_dynamic(str(plain), str(out), weight_type=QuantType.QInt8, nodes_to_exclude=kept, **QUANTISE)
    finally:
        root.setLevel(level)
    onnx.save(per_token(onnx.load(str(out))), str(out))
    return out


def per_token(model):
    """``model`` (an ONNX graph from ``quantize_dynamic``) with each ``DynamicQuantizeLinear`` replaced by a
    quantisation per token, so that no scale depends on the other sentences of a batch: each row ``x`` (the
    last axis) becomes ``round(x * 127 / max|x|) + 128`` in 8 bits (zero point 128, one scalar, which is all
    ONNX Runtime's integer products take). Each product of those rows (``MatMulInteger``, ``Cast``, ``Mul`` by
    the activation's and the weights' scales) becomes ONNX Runtime's fused ``MatMulIntegerToFloat`` with the
    weights' per-channel scales, times the rows' scales ``max|x| / 127`` (the fused kernel takes per-channel
    scales only). Mean cosine to full precision on 1,000 FA-KES sentences: 0.9984, against 0.993 for one scale per
    batch (``experiments/int8_determinism.py``)."""
    from onnx import helper, numpy_helper

    graph = model.graph
    constants = {
        "levels": np.float32(127),
        "tiny": np.float32(1e-30),
        "one": np.float32(1),
        "zero_point": np.uint8(128),
    }
    graph.initializer.extend(numpy_helper.from_array(np.array(v), f"per_token_{k}") for k, v in constants.items())
    if not any(o.domain == "com.microsoft" for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    old = list(graph.node)
    products = _scaled_products(old)
    replaced = {i for chain in products.values() for i in chain}
    nodes, row_scales = [], {}

    def add(op: str, inputs: list[str], out: str, **attributes) -> str:
        nodes.append(helper.make_node(op, inputs, [out], name=f"{out}_node", **attributes))
        return out

    for i, node in enumerate(old):
        if node.op_type == "DynamicQuantizeLinear":
            row_scales[node.output[0]] = _quantise_rows(node, add)
        elif i in products:
            scale, scales = (old[j] for j in products[i][1:])
            a, b, _, b_zero_point = node.input
            columns = [a, b, "per_token_one", scales.input[1], "per_token_zero_point", b_zero_point]
            out = add("MatMulIntegerToFloat", columns, f"{scale.output[0]}_per_channel", domain="com.microsoft")
            add("Mul", [out, row_scales[a]], scale.output[0])
        elif i not in replaced:
            nodes.append(node)
    del graph.node[:]
    graph.node.extend(nodes)
    return model


def _scaled_products(nodes: list) -> dict[int, tuple[int, int, int]]:
    """For each ``MatMulInteger`` of a ``DynamicQuantizeLinear``'s output (by position in ``nodes``): the
    positions of the ``Cast`` to float after it, the ``Mul`` by the scales after that, and the ``Mul`` of the
    activation's scale by the weights' (``quantize_dynamic``'s pattern, checked: another graph is refused
    rather than mis-scaled)."""
    producers = {out: node for node in nodes for out in node.output}
    readers: dict[str, list] = {}
    for node in nodes:
        for name in node.input:
            readers.setdefault(name, []).append(node)
    position = {id(node): i for i, node in enumerate(nodes)}  # the caller holds ``nodes``: ids stay valid
    chains = {}
    for node in nodes:
        quantiser = producers.get(node.input[0]) if node.op_type == "MatMulInteger" else None
        if quantiser is None or quantiser.op_type != "DynamicQuantizeLinear":
            continue
        cast = readers.get(node.output[0], [None])[0]
        scale = readers.get(cast.output[0], [None])[0] if cast is not None else None
        scales = producers.get(scale.input[1]) if scale is not None and len(scale.input) == 2 else None
        if None in (cast, scale, scales) or (cast.op_type, scale.op_type, scales.op_type) != ("Cast", "Mul", "Mul"):
            raise FramingError(f"per-token quantisation: {node.name} is not followed by a Cast and a Mul by scales")
        if scales.input[0] != quantiser.output[1]:
            raise FramingError(f"per-token quantisation: {scales.name} does not take the activation's scale first")
        chains[position[id(node)]] = (position[id(cast)], position[id(scale)], position[id(scales)])
    return chains


def _quantise_rows(node, add) -> str:
    """Nodes (made by ``add``) that do the work of the ``DynamicQuantizeLinear`` ``node`` per row; returns the
    name of the rows' scales."""
    x, p = node.input[0], f"{node.name}_per_token"
    top = add("ReduceMax", [add("Abs", [x], f"{p}_abs")], f"{p}_max", axes=[-1], keepdims=1)
    top = add("Max", [top, "per_token_tiny"], f"{p}_top")  # a row of zeros: any scale will do
    scaled = add("Mul", [x, add("Div", ["per_token_levels", top], f"{p}_inverse")], f"{p}_scaled")
    add("QuantizeLinear", [scaled, "per_token_one", "per_token_zero_point"], node.output[0])  # round, + 128
    return add("Div", [top, "per_token_levels"], f"{p}_scale")


def build(network, tokenizer, full: Path, int8: Path, keep_float: tuple[str, ...] = KEEP_FLOAT, source: str = ""):
    """Write the full-precision and the int8 file, each whole or not at all, and then their record
    (``record_path``): built from ``source`` (a ``source_digest``), with the files' hashes."""
    int8.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=int8.parent, prefix=".export-") as tmp:
        plain, quantised, record = Path(tmp) / "fp32.onnx", Path(tmp) / "int8.onnx", Path(tmp) / "record.json"
        export_onnx(network, tokenizer, plain)
        quantise(plain, quantised, keep_float)
        record.write_text(json.dumps(_record(plain.read_bytes(), quantised.read_bytes(), source)), encoding="utf-8")
        record_path(int8).unlink(missing_ok=True)  # files without their record are never loaded
        os.replace(plain, full)
        os.replace(quantised, int8)
        os.replace(record, record_path(int8))
    return full, int8


class OnnxNetwork:
    """An ONNX Runtime session with the torch network's ``embed``: named token arrays in, pooled rows out.

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

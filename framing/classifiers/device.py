"""Where a transformer runs: ``--device auto|cpu|cuda`` (``cuda:N`` for one GPU of several).

``auto`` is the first CUDA GPU torch sees, else the CPU: on a machine without one nothing changes. On a GPU
inference runs in half precision, in large length-sorted batches padded with numpy, and only the pooled
embeddings come back to the host (the heads are a few small products, run in numpy as on the CPU);
training runs in 32 bits there. Once the network runs on a GPU, the host's work (splitting, lexicon hints,
tokenising, building and writing rows; ``experiments/gpu_host_side.py`` times it with the network stubbed
out) is most of the time per sentence, so ``framing score`` spreads it over worker processes, one per core
up to 8, spawned, each with the model on the shared GPU. ``accelerated`` plans the same path on the CPU, so
that tests without a GPU run its code (``tests/classifiers/test_device.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from framing.errors import FramingError

if TYPE_CHECKING:  # torch is imported where a device is resolved: the lexicon's paths check names only
    import torch

#: The names ``--device`` takes (besides ``cuda:N``).
DEVICES = ("auto", "cpu", "cuda")
#: Sentences per forward pass on a GPU (length-sorted, so padding stays small): the issue's H200 figures
#: (fp16 network alone, ~58,000 sentences/s) were measured with batches of 4,096; 512 keeps a chunk's
#: batches several, so the host prepares the next while the GPU runs.
ACCELERATOR_BATCH = 512
#: Characters of article text per chunk on a GPU (about 3,300 sentences, several batches; the CPU's is
#: 250,000): one chunk per worker process at a time, each process sharing the GPU.
ACCELERATOR_CHUNK_CHARS = 500_000


@dataclass(frozen=True)
class Placement:
    """A torch device and how inference runs on it."""

    device: torch.device
    #: Half precision, big batches, numpy padding, pooled rows only back to the host.
    accelerated: bool = False

    @property
    def dtype(self) -> torch.dtype:
        import torch

        return torch.float16 if self.accelerated else torch.float32

    @property
    def plain_cpu(self) -> bool:
        """The CPU's own path (where int8 runs)."""
        return self.device.type == "cpu" and not self.accelerated


def resolve_device(name: str | torch.device | None = "auto") -> torch.device:
    """The torch device ``name`` means; asking for CUDA where torch sees none is a one-line error."""
    import torch

    if isinstance(name, torch.device):
        return name
    name = check_name(name)
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cpu":
        return torch.device("cpu")
    if not torch.cuda.is_available():  # cuda or cuda:N
        raise FramingError(
            f"--device {name}: torch sees no CUDA GPU here (torch {torch.__version__}, CUDA build "
            f"{torch.version.cuda or 'none'}); use --device cpu, or auto to take a GPU only where there is one"
        )
    device = torch.device(name)
    if device.index is not None and device.index >= torch.cuda.device_count():
        raise FramingError(f"--device {name}: torch sees {torch.cuda.device_count()} GPU(s), numbered from 0")
    return device


def check_name(name: str) -> str:
    """``name`` if ``--device`` could mean it on some machine (the lexicon runs on the CPU, but a typo is
    still an error)."""
    name = (name or "auto").strip().lower()
    if name in DEVICES or (name.startswith("cuda:") and name[5:].isdigit()):
        return name
    raise FramingError(f"--device {name}: unknown; give auto, cpu, cuda or cuda:N")


def placement(name: str | torch.device | None = "auto", accelerated: bool | None = None) -> Placement:
    """Where and how to run: ``accelerated`` defaults to whether the device is a GPU."""
    device = resolve_device(name)
    return Placement(device, device.type != "cpu" if accelerated is None else accelerated)

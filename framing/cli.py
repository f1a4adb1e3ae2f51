"""The ``framing`` command line: thin Typer wrappers over importable functions."""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from framing.corpus import Fields
from framing.errors import FramingError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Measure how news outlets name the sides of a conflict.")


def fail(message: str, code: int) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def friendly(command):
    """Turn a FramingError into a one-line message and its exit code."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except FramingError as error:
            fail(str(error), error.exit_code)

    return wrapper


@app.command("score")
@friendly
def score_cli(
    inputs: Annotated[list[Path], typer.Argument(help="Files or directories: .txt folders, CSV, JSON Lines.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output JSON Lines file.")],
    model: Annotated[Optional[Path], typer.Option(help="Model directory (default: best shipped model).")] = None,
    sentences: Annotated[bool, typer.Option("--sentences", help="Each input row is one sentence (id, text).")] = False,
    text_field: Annotated[str, typer.Option(help="Text field of a generic CSV/JSON Lines corpus.")] = "text",
    id_field: Annotated[Optional[str], typer.Option(help="Id field (default: row number).")] = None,
    outlet_field: Annotated[Optional[str], typer.Option(help="Outlet field.")] = None,
    date_field: Annotated[Optional[str], typer.Option(help="Date field.")] = None,
    title_field: Annotated[Optional[str], typer.Option(help="Title field.")] = None,
) -> None:
    """Label every sentence of the inputs; one JSON Lines row per sentence."""
    from framing.scoring import score

    named = any(f is not None for f in (id_field, outlet_field, date_field, title_field)) or text_field != "text"
    fields = Fields(text_field, id_field, outlet_field, date_field, title_field) if named else None
    report = score(inputs, out, model, sentences=sentences, fields=fields)
    typer.echo(f"scored {report.sentences} sentences of {report.articles} documents -> {out}", err=True)
    if report.failures:
        for failure in report.failures:
            typer.echo(f"failed: {failure}", err=True)
        raise typer.Exit(1)


@app.command("profile")
@friendly
def profile_cli(
    scores: Annotated[list[Path], typer.Argument(help="Scores files from `framing score`.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output CSV.")],
    by: Annotated[str, typer.Option(help="Group by this field of the scores (outlet, year, doc, ...).")] = "outlet",
    voice: Annotated[str, typer.Option(help="all, own (the outlet's own wording) or reported.")] = "all",
    n_boot: Annotated[int, typer.Option(help="Bootstrap replicates.")] = 2000,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap.")] = 0,
) -> None:
    """Per group and actor: label shares with 95% bootstrap intervals over articles."""
    from framing.profile import profile, read_scores, write_profile

    rows = profile(read_scores(scores), by=by, voice=voice, n_boot=n_boot, seed=seed)
    write_profile(rows, out)
    typer.echo(f"{len(rows)} profile rows -> {out}", err=True)


@app.command("plot")
@friendly
def plot_cli(
    profile_csv: Annotated[Path, typer.Argument(help="A profile CSV from `framing profile`.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder for PNG and SVG.")],
    title: Annotated[str, typer.Option(help="Figure title.")] = "",
) -> None:
    """Stacked framing profiles and the framing map, as PNG and SVG."""
    from framing.plots import plot_profile
    from framing.profile import read_profile

    for path in plot_profile(read_profile(profile_csv), out, title):
        typer.echo(str(path), err=True)


@app.command("run")
@friendly
def run_cli(
    data: Annotated[Optional[Path], typer.Option(help="Shared data root (default: $FRAMING_DATA or ../shared/data).")] = None,
    out: Annotated[Path, typer.Option(help="Folder for run folders.")] = Path("runs"),
    model: Annotated[Optional[Path], typer.Option(help="Model directory (default: best shipped model).")] = None,
    n_boot: Annotated[int, typer.Option(help="Bootstrap replicates.")] = 2000,
) -> None:
    """The main job: score, profile and plot the seeds, FA-KES and AllSides."""
    from framing.pipeline import run

    summary = run(data, out, model, n_boot=n_boot)
    typer.echo(f"\nRun folder: {summary.folder}")
    for name, paths in summary.outputs.items():
        articles, sentences = summary.counts[name]
        typer.echo(f"  {name}: {articles} documents, {sentences} sentences")
        for path in paths:
            typer.echo(f"    {path}")
    if summary.failures:
        for failure in summary.failures:
            typer.echo(f"failed: {failure}", err=True)
        raise typer.Exit(1)


def main() -> None:  # pragma: no cover - console entry point
    app(prog_name="framing")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

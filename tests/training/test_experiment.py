import pytest

from framing.errors import FramingError
from framing.training.experiment import load_experiment, parse_overrides


def test_shipped_experiments_validate(root):
    for path in (root / "experiments").glob("*.toml"):
        assert load_experiment(path).model.name


def test_dotted_overrides(root):
    overrides = parse_overrides(["--transformer.epochs", "2", "--transformer.hints=false", "--seed", "7"])
    experiment = load_experiment(root / "experiments" / "transformer.toml", overrides)
    assert (experiment.transformer.epochs, experiment.transformer.hints, experiment.seed) == (2, False, 7)


@pytest.mark.parametrize(
    "args,message",
    [
        (["--transformer.epoch", "2"], "unknown key transformer.epoch; did you mean transformer.epochs"),
        (["--transformer.epochs", "0"], "greater than or equal to 1"),
        (["--transformer.finetune", "magic"], "finetune"),
        (["--model.type", "svm"], "model.type"),
    ],
)
def test_bad_configs_are_readable(root, args, message):
    with pytest.raises(FramingError, match=message):
        load_experiment(root / "experiments" / "transformer.toml", parse_overrides(args))


def test_override_syntax_errors():
    with pytest.raises(FramingError, match="needs a value"):
        parse_overrides(["--seed"])
    with pytest.raises(FramingError, match="unexpected argument"):
        parse_overrides(["seed", "3"])


def test_config_errors_name_the_key_its_source_and_the_closest_key(root, tmp_path):
    config = root / "experiments" / "transformer.toml"
    with pytest.raises(FramingError) as error:
        load_experiment(config, parse_overrides(["--seed", "3", "--transformer.batchsize", "8"]))
    assert str(error.value) == (
        "command-line override --transformer.batchsize 8: unknown key transformer.batchsize; "
        "did you mean transformer.batch_size?"
    )
    typo = tmp_path / "typo.toml"
    typo.write_text(config.read_text(encoding="utf-8").replace("[transformer]", "[transformr]"), encoding="utf-8")
    with pytest.raises(FramingError) as error:
        load_experiment(typo, parse_overrides(["--transformer.epochs", "2"]))
    assert str(error.value) == f"{typo}: unknown key transformr; did you mean transformer?"
    with pytest.raises(FramingError, match=r"^command-line override --nonsense 1: unknown key nonsense; the keys"):
        load_experiment(config, parse_overrides(["--nonsense", "1"]))
    with pytest.raises(FramingError, match=r"^command-line override --transformer.seed 1: transformer.seed: set seed"):
        load_experiment(config, parse_overrides(["--seed", "2", "--transformer.seed", "1"]))


def test_train_through_the_cli_shows_progress_and_no_third_party_bars(tmp_path, data_root, monkeypatch):
    """A log (stderr not a terminal) gets the start, a line per few seconds with the ETA and one per epoch;
    datasets' "Map" bars stay quiet; a typo in an override is named with its fix."""
    import tomli_w
    from typer.testing import CliRunner

    from framing.cli import app
    from tests.tiny import TINY

    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("FRAMING_PROGRESS_SECONDS", "0")
    config = {
        "model": {"type": "transformer", "name": "tiny"},
        "data": {"annotations": ["experiments/annotations/gold-fakes.jsonl"], "domains": ["fa-kes"]},
        "transformer": {"encoder_config": TINY, "finetune": "full", "epochs": 1, "batch_size": 64, "max_length": 32},
    }
    path = tmp_path / "tiny.toml"
    path.write_bytes(tomli_w.dumps(config).encode())
    result = CliRunner().invoke(app, ["train", str(path), "--out", str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any(line.startswith("training on ") and "1 epoch(s) of" in line for line in lines)
    beats = [line for line in lines if line.startswith("epoch 1/1: ") and "batches (" in line]
    assert beats and all("ETA" in line for line in beats) and "Map" not in result.output
    bad = CliRunner().invoke(app, ["train", str(path), "--transformer.epoch", "2"])
    assert bad.exit_code == 2
    assert "command-line override --transformer.epoch 2: unknown key transformer.epoch; did you mean" in bad.output

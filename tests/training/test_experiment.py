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
        (["--transformer.epoch", "2"], "transformer.epoch: Extra inputs are not permitted"),
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

"""The one training pipeline: specs checked against their ranges, recipes as defaults, batch
norm's one-sample batch left out, and the same numbers on every path."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from symnn.cli import EXIT_BAD_INPUT, main
from symnn.train import pipeline
from symnn.train.models import ACTIVATION_CHOICES
from symnn.train.pipeline import LIMITS, RECIPES, SpecError, TrainingSpec


def _run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(["train", *argv])
    except SystemExit as exc:  # argparse's own errors and --help
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_unset_options_take_the_dataset_recipe():
    spec = TrainingSpec(dataset="spirals").resolved()
    recipe = RECIPES["spirals"]
    assert (spec.epochs, spec.lr, spec.batch_size, spec.hidden, spec.scheduler) == (
        recipe.epochs, recipe.lr, recipe.batch_size, recipe.hidden, recipe.scheduler)
    assert TrainingSpec(dataset="spirals", lr=0.2).resolved().lr == 0.2


def test_two_runs_of_one_spec_give_equal_histories():
    spec = TrainingSpec(dataset="moons", epochs=3, hidden=(8,), scheduler="cyclic",
                        optimizer="momentum", batchnorm=True, dropout=0.2, seed=3)
    first, second = pipeline.run(spec), pipeline.run(spec)
    keys = ("train_loss", "val_loss", "train_accuracy", "val_accuracy", "lr", "grad_norms")
    assert [{k: r[k] for k in keys} for r in first.history.records()] == \
        [{k: r[k] for k in keys} for r in second.history.records()]
    assert first.final == second.final


def test_inputs_are_standardized_with_the_training_split_only():
    data = pipeline.prepare_data(TrainingSpec(dataset="blobs").resolved())
    assert np.allclose(data.X_train.mean(axis=0), 0, atol=1e-6)
    assert np.allclose(data.X_train.std(axis=0), 1, atol=1e-5)
    assert not np.allclose(data.X_test.mean(axis=0), 0, atol=1e-3)  # test statistics unused


@pytest.mark.parametrize("batch", [3, 129])
def test_batchnorm_leaves_out_a_last_batch_of_one_sample_and_says_so(capsys, batch):
    # moons: 130 training samples, so 130 = 43*3 + 1 = 129 + 1
    code, out, err = _run_cli(capsys, "--dataset", "moons", "--batchnorm", "--batch-size",
                              str(batch), "--epochs", "2", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert any("1 of the 130 samples" in note and "batch norm" in note for note in data["notes"])
    setup = pipeline.build(TrainingSpec(dataset="moons", batchnorm=True, batch_size=batch))
    assert setup.train_loader.drop_last and len(setup.train_loader) == 130 // batch


def test_without_a_one_sample_batch_nothing_is_left_out():
    setup = pipeline.build(TrainingSpec(dataset="moons", batchnorm=True, batch_size=32))
    assert not setup.train_loader.drop_last and setup.notes == []
    assert not pipeline.build(TrainingSpec(dataset="moons", batch_size=3)).train_loader.drop_last


def test_a_huge_noise_level_is_refused_before_training(capsys, recwarn):
    code, out, err = _run_cli(capsys, "--dataset", "moons", "--noise", "1e308")
    assert code == EXIT_BAD_INPUT and out == ""
    assert "--noise must be a number at least 0 and at most 100, got 1e+308" in err
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


@pytest.mark.parametrize("option,value", [
    ("--epochs", "100001"), ("--lr", "2e6"), ("--batch-size", "100001"),
    ("--hidden", "2000"), ("--hidden", ",".join(["4"] * 17)), ("--dropout", "1"),
    ("--dropout", "-0.1"), ("--weight-decay", "11"), ("--weight-decay", "inf"),
    ("--strength", "-1"), ("--strength", "nan"), ("--label-smoothing", "1"),
    ("--early-stopping", "10001"), ("--n-samples", "9"), ("--n-samples", "100001"),
    ("--noise", "-1"), ("--noise", "101"), ("--noise", "nan"),
])
def test_every_numeric_option_out_of_range_exits_2_naming_it(capsys, option, value):
    code, out, err = _run_cli(capsys, "--dataset", "moons", option, value)
    assert code == EXIT_BAD_INPUT and out == ""
    assert option in err and "Traceback" not in err


def test_batchnorm_with_batches_of_one_is_refused_in_words(capsys):
    code, out, err = _run_cli(capsys, "--dataset", "moons", "--batchnorm", "--batch-size", "1")
    assert code == EXIT_BAD_INPUT and out == ""
    assert "--batch-size must be at least 2 with batch norm" in err


def test_spec_errors_name_the_setting():
    with pytest.raises(SpecError) as info:
        TrainingSpec(dataset="moons", lr=0.0).resolved()
    assert info.value.setting == "lr" and "above 0" in info.value.problem
    with pytest.raises(SpecError, match="optimizer must be one of"):
        TrainingSpec(optimizer="lbfgs").resolved()
    with pytest.raises(SpecError, match="cnn needs image data"):
        TrainingSpec(dataset="moons", model="cnn").resolved()


def test_help_shows_every_default_and_every_choice(capsys):
    code, out, _ = _run_cli(capsys, "--help")
    assert code == 0
    flat = " ".join(out.split())
    for choice in (*RECIPES, *pipeline.OPTIMIZERS, *pipeline.SCHEDULERS, *pipeline.REGULARIZERS,
                   *ACTIVATION_CHOICES):
        assert choice in flat, choice
    for default in ("(default: adam)", "(default: relu)", "(default: mlp)", "(default: 0)",
                    "(default: 1e-4)", "(default: none)", "(default: recipe)"):
        assert default in flat, default
    for name, recipe in RECIPES.items():  # the recipe table the 'recipe' defaults refer to
        assert any(line.split()[:3] == [name, str(recipe.epochs), f"{recipe.lr:g}"]
                   for line in out.splitlines() if line.strip()), name
    assert f"{LIMITS['epochs'][1]:g}" in flat


def test_the_loop_and_its_callbacks_import_without_a_circle():
    # each module imports on its own, in a fresh interpreter, and callbacks does not need
    # the loop (the state they share lives in symnn.train.state)
    code = ("import sys, symnn.train.callbacks as c; "
            "assert 'symnn.train.loop' not in sys.modules, 'callbacks imported the loop'; "
            "import symnn.train.loop")
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("activation", ACTIVATION_CHOICES)
def test_every_activation_trains_through_the_pipeline(activation):
    training = pipeline.run(TrainingSpec(dataset="moons", activation=activation, epochs=2,
                                         hidden=(8,)))
    assert training.setup.model[1].__class__.__name__.lower().replace("_", "") == \
        activation.replace("_", "")
    assert np.isfinite(training.history.train_loss).all()

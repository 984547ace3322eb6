"""``symnn train``: JSON layout, text output, bad input."""

import json

import pytest

from symnn.cli import EXIT_BAD_INPUT, main


def test_json_has_dataset_model_history_and_final(capsys):
    assert main(["train", "--dataset", "moons", "--epochs", "3", "--json"]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert captured.err == ""  # no progress bar with --json
    assert data["dataset"]["name"] == "moons" and data["dataset"]["n_train"] == 130
    assert data["model"]["description"] == "MLP 2-32-32-2" and data["model"]["epochs"] == 3
    assert [h["epoch"] for h in data["history"]] == [1, 2, 3]
    assert set(data["history"][0]) >= {"train_loss", "val_loss", "train_accuracy", "lr",
                                       "grad_norms", "epoch_time"}
    for split in ("train", "val", "test"):
        assert 0.0 <= data["final"][f"{split}_accuracy"] <= 1.0
        assert data["final"][f"{split}_loss"] > 0


def test_xor_mlp_reaches_100_percent(capsys):
    assert main(["train", "--dataset", "xor", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["final"]["test_accuracy"] == 1.0


def test_regression_dataset_reports_loss_without_accuracy(capsys):
    assert main(["train", "--dataset", "linear", "--epochs", "5", "--json"]) == 0
    final = json.loads(capsys.readouterr().out)["final"]
    assert final["test_accuracy"] is None and final["test_loss"] > 0


def test_text_output_ends_with_metrics_table(capsys):
    assert main(["train", "--dataset", "blobs", "--epochs", "2", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "dataset blobs" in out and "generalization gap" in out
    assert [line.split()[0] for line in out.splitlines()[-4:-1]] == ["train", "val", "test"]


def test_cnn_on_digits_runs(capsys):
    assert main(["train", "--dataset", "digits", "--model", "cnn", "--epochs", "1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["model"]["description"] == "small CNN" and data["final"]["test_accuracy"] > 0.3


@pytest.mark.parametrize("argv,message", [
    (["train", "--dataset", "moons", "--model", "cnn"], "needs image data"),
    (["train", "--dataset", "mnist"], "invalid choice"),
    (["train", "--dataset", "moons", "--epochs", "0"], "positive integer"),
    (["train", "--dataset", "moons", "--hidden", "4,x"], "layer widths"),
    (["train", "--dataset", "moons", "--dropout", "1.5"], "--dropout must be a number at least 0 and below 1"),
    (["train", "--dataset", "digits", "--noise", "0.1"], "synthetic datasets"),
    (["train", "--dataset", "moons", "--n-samples", "5"], "--n-samples must be a whole number from 10"),
    (["train", "--dataset", "moons", "--plot", "/no/such/dir/p.png"], "does not exist"),
])
def test_bad_input_exits_2_with_nothing_on_stdout(capsys, argv, message):
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own errors
        code = exc.code
    assert code == EXIT_BAD_INPUT
    captured = capsys.readouterr()
    assert captured.out == "" and message in captured.err


def test_diverging_run_stops_with_advice_and_exit_status_1(capsys):
    argv = ["train", "--dataset", "spirals", "--optimizer", "sgd", "--lr", "500", "--no-progress"]
    assert main(argv) == 1
    out = capsys.readouterr().out
    assert "diverged" in out and "learning rate" in out and ", 1 epoch (" in out


def test_a_diverging_run_shows_no_numpy_overflow_warnings(capsys, recwarn):
    # the logits overflow to inf and NaN: the advice says so in words, NumPy need not
    argv = ["train", "--dataset", "moons", "--optimizer", "sgd", "--lr", "1e6", "--epochs", "3",
            "--no-progress"]
    assert main(argv) == 1
    assert "diverged" in capsys.readouterr().out
    assert not [str(w.message) for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_plot_option_writes_history_png(capsys, tmp_path):
    pytest.importorskip("matplotlib", reason="matplotlib not installed")
    path = tmp_path / "curves.png"
    assert main(["train", "--dataset", "moons", "--epochs", "2", "--no-progress",
                 "--plot", str(path)]) == 0
    assert path.read_bytes()[:4] == b"\x89PNG" and f"wrote {path}" in capsys.readouterr().out

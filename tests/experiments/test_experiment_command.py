"""``symnn experiment``: --list, text and JSON output, bad input."""

import json

import pytest

from symnn.cli import EXIT_BAD_INPUT, main
from symnn.experiments import names


def test_list_prints_one_experiment_a_line_name_then_description(capsys):
    assert main(["experiment", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == names()
    assert all(len(line.split(None, 1)) == 2 for line in lines)


def test_json_output_is_one_object_with_numbers_and_claims(capsys):
    assert main(["experiment", "xor", "--quick", "--seeds", "2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["name"] == "xor" and data["numbers"]["seeds"] == [0, 1]
    assert data["numbers"]["mean"]["variants"]["2-layer MLP"]["accuracy"] == 1.0
    for claim in data["claims"]:
        assert set(claim) == {"text", "holds", "seeds_holding", "seeds", "evidence"}
        assert claim["seeds"] == 2 and [e["seed"] for e in claim["evidence"]] == [0, 1]


def test_text_output_has_title_mean_std_table_and_claim_verdicts(capsys):
    assert main(["experiment", "xor", "--quick", "--seeds", "3"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("XOR: perceptron versus 2-layer MLP")
    assert "mean ± std over seeds 0-2:" in out
    assert "[holds on 3 of 3 seeds] A single-layer perceptron gets at most 3" in out


def test_plot_option_writes_png(capsys, tmp_path):
    pytest.importorskip("matplotlib", reason="matplotlib not installed")
    path = tmp_path / "x.png"
    assert main(["experiment", "xor", "--quick", "--plot", str(path)]) == 0
    assert path.stat().st_size > 1000 and f"wrote {path}" in capsys.readouterr().out


@pytest.mark.parametrize("argv,message", [
    (["experiment", "nope"], "unknown experiment 'nope'"),
    (["experiment"], "name an experiment"),
    (["experiment", "xor", "--list"], "--list takes no experiment name"),
    (["experiment", "xor", "--plot", "/no/such/dir/x.png"], "does not exist"),
])
def test_bad_input_exits_2_with_nothing_on_stdout(capsys, argv, message):
    assert main(argv) == EXIT_BAD_INPUT
    captured = capsys.readouterr()
    assert captured.out == "" and message in captured.err

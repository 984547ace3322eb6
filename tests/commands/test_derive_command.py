"""``symnn derive``: text, LaTeX and JSON output, losses, and the bad-input contract."""

import json
import math
import subprocess
import sys

import pytest

from symnn.cli import EXIT_BAD_INPUT, main


def run(capsys, *argv):
    code = main(["derive", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def sigmoid(v):
    return 1 / (1 + math.exp(-v))


def test_text_output_shows_steps_and_the_gradient_value(capsys):
    code, out, err = run(capsys, "sigmoid(w*x + b)", "--wrt", "w", "--at", "x=2,w=-3,b=1")
    assert code == 0 and err == ""
    s = sigmoid(-5.0)
    assert "f = σ(w·x + b)" in out
    assert "∂f/∂w = ∂f/∂(w·x) · ∂(w·x)/∂w" in out
    assert f"∂f/∂w = f·x·(1 - f) = {2 * s * (1 - s):.6g}" in out
    assert "In the variables: ∂f/∂w = x·(1 - σ(b + w·x))·σ(b + w·x)" in out


def test_json_has_the_documented_keys_and_hand_computed_numbers(capsys):
    code, out, err = run(
        capsys, "sigmoid(w*x + b)", "--wrt", "w", "--at", "x=2, w=-3, b=1", "--json"
    )
    assert code == 0 and err == ""
    data = json.loads(out)
    assert {"expression", "wrt", "derivative", "latex", "value", "gradient", "steps"} <= set(data)
    s = sigmoid(-5.0)
    assert data["expression"] == "sigmoid(b + w*x)"
    assert data["wrt"] == "w"
    assert data["value"] == pytest.approx(s, rel=1e-15)
    assert data["gradient"] == pytest.approx(2 * s * (1 - s), rel=1e-14)
    assert data["derivative"] == "x*(1 - sigmoid(b + w*x))*sigmoid(b + w*x)"
    assert data["latex"].startswith("\\begin{align*}")
    first = data["steps"][0]
    assert set(first) == {
        "node", "parent", "local", "upstream", "product",
        "local_value", "upstream_value", "product_value",
    }
    assert first["local"] == "f*(1 - f)"
    assert data["steps"][-1]["parent"] == "w"
    assert data["steps"][-1]["product_value"] == pytest.approx(data["gradient"], rel=1e-15)


def test_mse_loss_is_one_flag_away(capsys):
    code, out, _ = run(
        capsys, "w*x + b", "--wrt", "w", "--at", "x=2,w=-3,b=1", "--loss", "mse", "--target", "1",
        "--json",
    )
    data = json.loads(out)
    # L = (w x + b - 1)^2 = 36, dL/dw = 2 (w x + b - 1) x = -24
    assert code == 0
    assert (data["value"], data["gradient"]) == (36.0, -24.0)
    assert data["loss"] == "mse" and data["target"] == 1.0


@pytest.mark.parametrize(
    "loss,value,grad",
    [
        # y = w = 0.5, t = 1: by hand
        ("mae", 0.5, -1.0),
        ("rmse", 0.5, -1.0),
        ("bce", -math.log(0.5), -2.0),
        ("bce_logits", math.log1p(math.exp(0.5)) - 0.5, sigmoid(0.5) - 1),
        ("hinge", 0.5, -1.0),
    ],
)
def test_each_loss_matches_its_hand_computed_value_and_gradient(capsys, loss, value, grad):
    code, out, _ = run(capsys, "w", "--wrt", "w", "--at", "w=0.5", "--loss", loss, "--target", "1", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["value"] == pytest.approx(value, rel=1e-14)
    assert data["gradient"] == pytest.approx(grad, rel=1e-14)


def test_without_values_the_derivation_is_symbolic(capsys):
    code, out, _ = run(capsys, "x^3", "--wrt", "x", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["value"] is None and data["gradient"] is None
    assert data["derivative"] == "3*x**2"


def test_latex_and_standalone_outputs(capsys):
    code, out, _ = run(capsys, "x^2", "--wrt", "x", "--at", "x=3", "--latex")
    assert code == 0
    assert out.startswith("\\begin{align*}") and "= 6" in out
    code, out, _ = run(capsys, "x^2", "--wrt", "x", "--latex", "--standalone")
    assert code == 0
    assert out.startswith("\\documentclass") and "\\end{document}" in out


BAD = [
    (["sigmoid(w*x + $b)", "--wrt", "w"], "position 14", "  sigmoid(w*x + $b)\n                ^"),
    (["__import__('os')", "--wrt", "x"], "position 0", "  __import__('os')\n  ^"),
    (["x^2", "--wrt", "y"], "not a variable", None),
    (["x^2", "--wrt", "x", "--at", "x=abc"], "not a number", "  x=abc\n    ^"),
    (["x^2", "--wrt", "x", "--at", "x=1,z=2"], "does not use", None),
    (["x^2", "--wrt", "x", "--at", "x"], "NAME=VALUE", None),
    (["x^2", "--wrt", "x", "--at", "x=nan"], "finite", None),
    (["x^2", "--wrt", "x", "--at", "x=1,x=2"], "twice", None),
    (["x^2", "--wrt", "x", "--at", "__class__=1"], "not a variable name", None),
    (["x^2", "--wrt", "x", "--loss", "mse"], "--target", None),
    (["x^2", "--wrt", "x", "--target", "1"], "--loss", None),
    (["x^2", "--wrt", "x", "--standalone"], "--latex", None),
    (["", "--wrt", "x"], "expected an expression", None),
]


@pytest.mark.parametrize("argv,message,pointer", BAD, ids=[a[0] + " " + " ".join(a[1:]) for a, _, _ in BAD])
def test_bad_input_exits_2_with_message_on_stderr_and_nothing_on_stdout(capsys, argv, message, pointer):
    code, out, err = run(capsys, *argv)
    assert code == EXIT_BAD_INPUT
    assert out == ""
    assert message in err
    if pointer is not None:
        assert pointer in err


def test_argparse_errors_follow_the_same_contract(capsys):
    with pytest.raises(SystemExit) as info:
        main(["derive", "x^2"])  # --wrt missing
    assert info.value.code == EXIT_BAD_INPUT
    assert capsys.readouterr().out == ""


def test_console_command_runs_end_to_end():
    out = subprocess.run(
        [sys.executable, "-m", "symnn", "derive", "x*y", "--wrt", "y", "--at", "x=4,y=1", "--json"],
        capture_output=True, text=True, check=True,
    )
    assert json.loads(out.stdout)["gradient"] == 4.0


def test_readme_derive_example_is_the_real_output(capsys):
    import re
    import shlex
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("<!-- section: derive -->", 1)[1].split("<!-- section:", 1)[0]
    block = re.search(r"```console\n\$ symnn (derive .*?)\n(.*?)```", section, re.S)
    assert block, "README's derive section has no console example"
    argv = shlex.split(block.group(1))
    code = main(argv)
    assert code == 0
    assert capsys.readouterr().out == block.group(2)


@pytest.mark.parametrize(
    ("expression", "position"),
    [("sin(10^309)*x", 6), ("x*10^309", 4), ("x^(10^999)", 5), ("x*exp(1000)", 2)],
)
def test_a_number_beyond_the_float_range_is_bad_input_pointing_at_it(capsys, expression, position):
    code, out, err = run(capsys, expression, "--wrt", "x")
    assert code == EXIT_BAD_INPUT and out == ""
    assert "too large for a float" in err and f"(at position {position})" in err
    assert "internal error" not in err


def test_an_overflow_from_the_values_given_is_shown_as_inf_with_a_warning(capsys):
    code, out, err = run(capsys, "x*10^300*10^10", "--wrt", "x", "--at", "x=1")
    assert code == 0 and "inf" in out and "oo" not in out
    assert "overflow" in err


def test_max_of_64_names_is_differentiated_in_the_graph_not_by_sympy(capsys):
    names = [f"a{i}" for i in range(64)]
    at = ",".join(f"{n}={i / 10}" for i, n in enumerate(names))
    code, out, err = run(capsys, f"max({', '.join(names)})", "--wrt", "a63", "--at", at, "--json")
    assert code == 0 and err == ""
    result = json.loads(out)
    assert result["value"] == 6.3 and result["gradient"] == 1.0
    code, out, _ = run(capsys, f"max({', '.join(names)})", "--wrt", "a1", "--at", at, "--json")
    assert json.loads(out)["gradient"] == 0.0


@pytest.mark.parametrize("expression, at, shown", [
    ("x*1e308*10", [], "= 1.0e+309"),
    ("x*1e-300 + x^2", ["--at", "x=1e-200"], "= 2·x + 1.0e-300"),
    ("(10*x)^20", [], "= 2.0e+21·x¹⁹"),
])
def test_a_huge_or_tiny_number_in_the_variables_line_is_shown_in_scientific_form(
        capsys, expression, at, shown):
    code, out, err = run(capsys, expression, "--wrt", "x", *at)
    assert code == 0
    last = out.strip().splitlines()[-1]
    assert last.startswith("In the variables: ∂f/∂x ") and last.endswith(shown)
    assert max(len(line) for line in out.splitlines()) < 120  # no 300-digit integer anywhere

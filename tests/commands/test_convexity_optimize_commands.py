"""`symnn convexity` and `symnn optimize`: text and JSON output, plots, and the bad-input
contract (message on stderr, exit status 2, nothing on stdout)."""

from __future__ import annotations

import json

import pytest

from symnn.cli import EXIT_BAD_INPUT, main


def run_cli(capsys, *argv):
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse's own errors
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def test_convexity_prints_verdict_then_reason(capsys):
    code, out, err = run_cli(capsys, "convexity", "w^4 - 2*w^2")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "neither"
    assert any("f''(w)" in line for line in lines)
    assert any(line.startswith("Not convex: a = -1, b = 1, t = 0.5") for line in lines)


def test_convexity_json_has_verdict_reason_counterexample(capsys):
    code, out, _ = run_cli(capsys, "convexity", "w^4 - 2*w^2", "--json")
    data = json.loads(out)
    assert code == 0 and data["verdict"] == "neither"
    ce = data["counterexample"]
    assert ce["value"] > ce["chord"] and 0 < ce["t"] < 1
    assert ce["a"] == [-1.0] and ce["b"] == [1.0]


def test_convexity_with_domain(capsys):
    code, out, _ = run_cli(capsys, "convexity", "log(x)", "--domain", "x>0", "--json")
    data = json.loads(out)
    assert code == 0 and data["verdict"] == "concave" and data["counterexample"] is None


def test_convexity_variables_make_the_rest_parameters(capsys):
    code, out, _ = run_cli(capsys, "convexity", "-(y*log(p) + (1-y)*log(1-p))",
                           "--variables", "p", "--domain", "p>0, p<1, y>=0, y<=1", "--json")
    assert code == 0 and json.loads(out)["verdict"] == "convex"


def test_convexity_latex(capsys):
    code, out, _ = run_cli(capsys, "convexity", "x^2 + abs(x)", "--latex")
    assert code == 0 and "\\text" in out and "x^{2}" in out


@pytest.mark.parametrize("argv,fragment", [
    (["convexity", "x^2 +"], "position 5"),
    (["convexity", "__import__('os')"], "cannot read EXPR"),
    (["convexity", "x^2", "--domain", "x >> 0"], "--domain"),
    (["convexity", "x^2", "--domain", "z > 0"], "z"),
    (["convexity", "x^2", "--variables", "1x"], "--variables"),
    (["optimize", "x^2 +"], "cannot read EXPR"),
    (["optimize", "x^2", "--optimizer", "foo"], "unknown optimizer 'foo'"),
    (["optimize", "x^2", "--start", "1,2"], "--start has 2 value(s)"),
    (["optimize", "x^2", "--start", "abc"], "'abc' is not a number"),
    (["optimize", "x^2", "--lr", "-1"], "--lr must be a positive number"),
    (["optimize", "x^2", "--steps", "-3"], "--steps"),
    (["optimize", "x^2", "--option", "momentum"], "KEY=VALUE"),
    (["optimize", "x^2", "--optimizer", "adam", "--option", "bogus=1"], "bogus"),
    (["optimize", "x^2", "--optimizer", "adam", "--option", "betas=0.9"],
     "adam.betas must be two numbers such as 0.9,0.999; got 0.9"),
    (["optimize", "x^2", "--optimizer", "sgd", "--option", "nesterov=2"],
     "sgd.nesterov must be true or false (1 or 0); got 2"),
    (["optimize", "x^2", "--optimizer", "momentum", "--option", "momentum=true"],
     "momentum.momentum must be a number"),
    (["optimize", "x^2+y^2+z^2", "--plot", "out.png"], "1 or 2 variables"),
    (["optimize", "x^2", "--explain", "9", "--steps", "3"], "--explain"),
    (["optimize", "x^2", "--steps", "many"], "invalid int value"),
])
def test_bad_input_exits_2_with_message_and_empty_stdout(capsys, argv, fragment):
    code, out, err = run_cli(capsys, *argv)
    assert code == EXIT_BAD_INPUT
    assert out == ""
    assert fragment in err


def test_optimize_json_has_the_documented_keys(capsys):
    code, out, _ = run_cli(capsys, "optimize", "w^2", "--optimizer", "sgd", "--lr", "0.4",
                           "--start", "1", "--steps", "20", "--json")
    data = json.loads(out)
    assert code == 0
    assert {"optimizer", "lr", "points", "losses", "status"} <= set(data)
    assert data["optimizer"] == "sgd" and data["lr"] == 0.4 and data["status"] == "converged"
    assert len(data["points"]) == 21 and data["points"][1] == [pytest.approx(0.2)]


def test_optimize_diverging_run_reports_status_not_error(capsys):
    code, out, _ = run_cli(capsys, "optimize", "w^2", "--optimizer", "gd", "--lr", "1.2",
                           "--start", "1", "--steps", "40", "--json")
    assert code == 0 and json.loads(out)["status"] == "diverged"


def test_optimize_text_table_and_explanation(capsys):
    code, out, _ = run_cli(capsys, "optimize", "x^2 + 10*y^2", "--optimizer", "adam",
                           "--lr", "0.1", "--start", "1,1", "--steps", "5", "--explain", "2")
    assert code == 0
    assert "step" in out and "loss" in out and "status: max_steps" in out
    assert "Adam update" in out and "m_hat" in out


def test_optimize_options_reach_the_optimizer(capsys):
    code, out, _ = run_cli(capsys, "optimize", "w^2", "--optimizer", "sgd", "--lr", "0.1",
                           "--start", "1", "--steps", "2", "--option", "momentum=0.9", "--json")
    data = json.loads(out)
    # w1 = 1 - 0.1*2 = 0.8; buf = 0.9*2 + 1.6 = 3.4; w2 = 0.8 - 0.34 = 0.46
    assert data["options"] == {"momentum": 0.9}
    assert data["points"][2][0] == pytest.approx(0.46, rel=1e-12)


def test_optimize_preset_with_plot(capsys, tmp_path):
    pytest.importorskip("matplotlib", reason="matplotlib not installed")
    target = tmp_path / "run.png"
    code, out, _ = run_cli(capsys, "optimize", "rosenbrock", "--optimizer", "adam", "--lr",
                           "0.05", "--steps", "30", "--plot", str(target))
    assert code == 0 and target.read_bytes()[:4] == b"\x89PNG"
    assert f"plot written to {target}" in out


def test_optimize_plot_without_matplotlib_is_a_clear_message(capsys, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "matplotlib" else real(name, *a))
    code, out, err = run_cli(capsys, "optimize", "w^2", "--plot", "out.png")
    assert code == EXIT_BAD_INPUT and out == ""
    assert "matplotlib" in err and "symnn[plot]" in err


@pytest.mark.parametrize("argv", [("convexity", "10^309*x^2"), ("optimize", "10^309*x^2"),
                                  ("optimize", "x^(10^999)"), ("convexity", "x^(10^999)")])
def test_numbers_beyond_floating_point_exit_2_with_a_clear_message(capsys, argv):
    code, out, err = run_cli(capsys, *argv)
    assert code == EXIT_BAD_INPUT and out == ""
    assert "outside the range of floating-point numbers" in err
    assert "Error:" not in err and "internal error" not in err


def test_a_periodic_domain_exits_2_instead_of_using_one_period(capsys):
    code, out, err = run_cli(capsys, "convexity", "x^2", "--domain", "sin(x)>0")
    assert code == EXIT_BAD_INPUT and out == ""
    assert "periodic" in err


@pytest.mark.parametrize("name", ["array", "sign", "select", "reduce", "less_equal", "maximum"])
def test_optimize_accepts_variable_names_that_numpy_uses(capsys, name):
    code, out, err = run_cli(capsys, "optimize", f"x^2 + {name}^2", "--json", "--steps", "3")
    assert code == 0, err
    data = json.loads(out)
    assert data["losses"][0] == 2.0 and data["losses"][1] == pytest.approx(2 * 0.8**2)


def test_convexity_time_limit_option_reaches_the_analysis(capsys):
    code, out, err = run_cli(capsys, "convexity", "x^4 - x^3 + x^2", "--time-limit", "0.001")
    assert code == 0, err
    assert out.splitlines()[0] == "unknown" and "gave up after 0.001 s" in out


def test_the_command_line_time_limit_defaults_are_the_library_defaults():
    from symnn.commands import convexity, optimize
    from symnn.lab.surfaces import TIME_LIMIT as SURFACES
    from symnn.symbolic.convexity import TIME_LIMIT as CONVEXITY

    assert convexity.TIME_LIMIT == CONVEXITY and optimize.TIME_LIMIT == SURFACES


def test_optimize_json_gives_the_first_converged_step(capsys):
    code, out, err = run_cli(capsys, "optimize", "w^2", "--lr", "0.4", "--start", "1",
                             "--steps", "20", "--json")
    data = json.loads(out)
    assert code == 0 and data["converged_at"] == 10 and len(data["points"]) == 21
    code, out, _ = run_cli(capsys, "optimize", "w^2", "--lr", "0.1", "--steps", "3", "--json")
    assert json.loads(out)["converged_at"] is None


def test_optimize_explain_says_when_newtons_hessian_is_singular(capsys):
    code, out, err = run_cli(capsys, "optimize", "abs(x)+abs(y)", "--optimizer", "newton",
                             "--start", "1,2", "--steps", "2", "--explain", "1")
    assert code == 0, err
    assert "H is singular" in out and "shifted step" in out


def test_a_long_bad_domain_is_quoted_short_in_the_error(capsys):
    from symnn.cli import main

    domain = ", ".join(["x>0"] * 3000)
    assert main(["convexity", "x^2", "--domain", domain]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "at most 2000 are read" in captured.err
    assert len(captured.err) < 300, captured.err[:300]

"""sn.lab runs: the syllabus claims about learning rates, Adagrad, the W-shaped loss and Newton's
method, divergence without exceptions, and explanations of single steps."""

from __future__ import annotations

import numpy as np
import pytest

import symnn as sn
from symnn import optim
from symnn.lab import PlotUnavailable, compare, descend, optimizer_names, plot_runs, surface
from symnn.lab.descend import GRADIENT_TOL


@pytest.mark.parametrize("lr", [0.4, 0.6, 1.2])
def test_gradient_descent_on_square_follows_w_times_one_minus_two_lr(lr):
    run = descend("w**2", optimizer="sgd", lr=lr, start=[1.0], steps=8)
    expected = (1 - 2 * lr) ** np.arange(run.steps + 1)  # w' = w - lr * 2w
    np.testing.assert_allclose(run.points[:, 0], expected, rtol=1e-12)


def test_lr_04_converges_without_crossing_the_minimum():
    run = descend("w**2", optimizer="sgd", lr=0.4, start=[1.0], steps=20)
    w = run.points[:, 0]
    assert run.status == "converged" and run.points.shape == (21, 1)
    assert np.all(w > 0)
    assert np.all(np.diff(np.abs(w)) < 0)


def test_lr_06_converges_while_crossing_the_minimum_every_step():
    run = descend("w**2", optimizer="sgd", lr=0.6, start=[1.0], steps=20)
    w = run.points[:, 0]
    assert run.status == "converged"
    assert np.all(w[:-1] * w[1:] < 0)
    assert np.all(np.diff(np.abs(w)) < 0)


def test_lr_12_diverges_and_stops_without_an_error():
    run = descend("w**2", optimizer="sgd", lr=1.2, start=[1.0], steps=20)
    w = run.points[:, 0]
    assert run.status == "diverged"
    assert np.all(w[:-1] * w[1:] < 0) and np.all(np.diff(np.abs(w)) > 0)
    assert run.steps < 20 and np.all(np.isfinite(run.losses))


def test_overflow_stops_the_run_as_diverged():
    run = descend("exp(w**2)", optimizer="gd", lr=1.0, start=[3.0], steps=50)
    assert run.status == "diverged"
    assert np.all(np.isfinite(run.points)) and np.all(np.isfinite(run.losses))


def test_adagrad_effective_step_shrinks_while_sgd_stays_constant():
    ada = descend("w**2", optimizer="adagrad", lr=0.5, start=[1.0], steps=10)
    sgd = descend("w**2", optimizer="sgd", lr=0.05, start=[1.0], steps=10)
    assert np.all(np.diff(ada.effective_lr) < 0)
    # Adagrad: lr / sqrt(sum of squared gradients)
    g = ada.grads[:-1, 0]
    np.testing.assert_allclose(ada.effective_lr, 0.5 / np.sqrt(np.cumsum(g**2)), rtol=1e-6)
    np.testing.assert_allclose(sgd.effective_lr, 0.05, rtol=1e-9)


def _w_shaped_minima():
    # f = w^4 - 2 w^2 + w/2, f' = 4 w^3 - 4 w + 1/2; minima where f'' = 12 w^2 - 4 > 0
    roots = np.sort(np.roots([4, 0, -4, 0.5]).real)
    return roots[0], roots[2]


@pytest.mark.parametrize("optimizer,lr", [("gd", 0.05), ("sgd", 0.05), ("adam", 0.05)])
def test_w_shaped_start_decides_which_minimum(optimizer, lr):
    left, right = _w_shaped_minima()
    from_right = descend("w_shaped", optimizer=optimizer, lr=lr, start=[0.5], steps=400)
    from_left = descend("w_shaped", optimizer=optimizer, lr=lr, start=[-0.5], steps=400)
    assert from_right.final[0] == pytest.approx(right, abs=1e-3)
    assert from_left.final[0] == pytest.approx(left, abs=1e-3)
    assert from_left.losses[-1] < from_right.losses[-1]  # unequal minima


def test_newton_reaches_a_quadratics_minimum_in_one_step():
    # f = x^2 + 3 y^2 + x y - x: gradient A w - c with A = [[2, 1], [1, 6]], c = (1, 0)
    run = descend("x**2 + 3*y**2 + x*y - x", optimizer="newton", start=[1.0, 2.0], steps=1)
    expected = np.linalg.solve(np.array([[2.0, 1.0], [1.0, 6.0]]), np.array([1.0, 0.0]))
    np.testing.assert_allclose(run.points[1], expected, rtol=1e-12)
    assert run.status == "converged"
    one_d = descend("3*(w - 2)**2 + 1", optimizer="newton", start=[-5.0], steps=1)
    assert one_d.points[1, 0] == pytest.approx(2.0, rel=1e-12)


def test_runs_use_the_real_optimizer_update_reports():
    run = descend("bowl", optimizer="adam", lr=0.1, steps=3)
    assert all(isinstance(r, optim.UpdateReport) for r in run.reports)
    assert run.reports[0].optimizer == "Adam"
    np.testing.assert_array_equal(run.reports[-1].quantities["param"], run.points[-1])


def test_sgd_momentum_matches_the_textbook_recurrence():
    run = descend("w**2", optimizer="sgd", lr=0.1, start=[1.0], steps=5, momentum=0.9)
    w, buf = 1.0, None
    for k in range(5):
        g = 2 * w
        buf = g if buf is None else 0.9 * buf + g
        w -= 0.1 * buf
        assert run.points[k + 1, 0] == pytest.approx(w, rel=1e-12)


def test_explain_adam_step_shows_bias_corrections_with_numbers():
    run = descend("w**2", optimizer="adam", lr=0.1, start=[1.0], steps=2)
    e = run.explain(1)
    # g = 2, m = 0.1 g = 0.2, v = 0.001 g^2 = 0.004, m_hat = 2, v_hat = 4, w = 1 - 0.1 * 2 / 2
    assert "m = beta1*m_prev + (1-beta1)*g = 0.9*0 + (1-0.9)*2 = 0.2" in e.text
    assert "m_hat = m/(1-beta1^step) = 0.2/(1-0.9^1) = 2" in e.text
    assert "v_hat = v/(1-beta2^step) = 0.004/(1-0.999^1) = 4" in e.text
    assert (f"param = param_prev - lr*m_hat/(sqrt(v_hat) + eps) = 1 - 0.1*2/(sqrt(4) + 1e-08) = "
            f"{run.points[1, 0]:.6g}") in e.text
    assert r"\hat m_t" in e.latex and "1-0.9^{1}" in e.latex


def test_explain_gradient_descent_and_newton_fill_in_numbers():
    gd = descend("w**2", optimizer="gd", lr=0.4, start=[1.0], steps=2)
    assert "w' = 1 - 0.4 * 2 = 0.2" in gd.explain(1).text
    nt = descend("w**2", optimizer="newton", start=[3.0], steps=1)
    assert "w' = 3 - 1 * 6 / 2 = 0" in nt.explain().text
    with pytest.raises(ValueError, match="between 1 and 2"):
        gd.explain(3)


def test_bad_arguments_are_clear_errors():
    with pytest.raises(ValueError, match="unknown optimizer 'bogus'.*adam"):
        descend("w**2", optimizer="bogus")
    with pytest.raises(ValueError, match="start has 2 coordinate"):
        descend("w**2", start=[1.0, 2.0])
    with pytest.raises(ValueError, match="learning rate"):
        descend("w**2", optimizer="gd", lr=-1)
    with pytest.raises(sn.ParseError):
        descend("w**", optimizer="gd")


def test_compare_runs_several_optimizers_from_one_start():
    runs = compare("rosenbrock", {"gd": {"lr": 1e-3}, "adam": {"lr": 0.05}}, steps=30)
    assert list(runs) == ["gd (lr=0.001)", "adam (lr=0.05)"]
    starts = {tuple(r.points[0]) for r in runs.values()}
    assert starts == {(-1.5, 2.0)}


def test_saddle_gradient_descent_escapes_along_the_negative_curvature():
    run = descend("saddle", optimizer="gd", lr=0.1, start=[1.0, 0.01], steps=100)
    assert abs(run.final[0]) < 1e-3 and abs(run.final[1]) > 1.0
    assert run.status == "diverged"  # x^2 - y^2 is unbounded below


@pytest.mark.parametrize("name", ["bowl", "ill_conditioned", "rosenbrock", "beale", "himmelblau",
                                  "w_shaped"])
def test_preset_minima_have_zero_gradient(name):
    s = surface(name)
    assert s.minima
    for m in s.minima:
        assert np.linalg.norm(s.gradient(m)) < 1e-4


def test_plots_are_written_for_one_and_two_variables(tmp_path):
    pytest.importorskip("matplotlib", reason="matplotlib not installed")
    one = plot_runs(descend("w_shaped", optimizer="gd", lr=0.05, steps=20), tmp_path / "w.png")
    two = plot_runs(list(compare("bowl", ["gd", "adam"], steps=10).values()), tmp_path / "b.png")
    for path in (one, two):
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(PlotUnavailable, match="3 variables"):
        plot_runs(descend("x**2 + y**2 + z**2", steps=1), tmp_path / "c.png")


def test_kinks_do_not_break_newton_or_the_hessian():
    # H = 0 everywhere: the shifted step (H + I)^-1 grad f is a gradient step, which lands on
    # the kink x = 1, y = 0, a minimum where the conventional gradient (|u|'(0) = 0) is 0
    run = descend("abs(x - 1) + relu(y)", optimizer="newton", start=[0.0, 1.0], steps=3)
    assert np.all(np.isfinite(run.points))
    np.testing.assert_array_equal(run.points[1], [1.0, 0.0])
    assert run.status == "converged" and run.converged_at == 1
    np.testing.assert_array_equal(surface("abs(x)").hessian([0.5]), [[0.0]])


def test_converged_at_is_the_first_step_meeting_the_criterion_not_the_step_count():
    run = descend("w**2", optimizer="gd", lr=0.4, start=[1.0], steps=20)
    # w_k = 0.2^k, |f'(w_k)| = 2 * 0.2^k <= 1e-6 first at k = 10 (2 * 0.2^9 = 1.0e-6 > 1e-6)
    assert run.converged_at == 10 and run.steps == 20
    assert "first at step 10" in run.reason and run.status == "converged"
    grads = np.abs(run.grads[:, 0])
    assert grads[10] <= GRADIENT_TOL < grads[9]
    stopped = descend("w**2", optimizer="gd", lr=0.4, start=[1.0], steps=20,
                      stop_at_convergence=True)
    assert stopped.steps == 10 and stopped.converged_at == 10
    np.testing.assert_array_equal(stopped.points, run.points[:11])
    assert stopped.to_dict()["converged_at"] == 10


def test_newton_on_a_quadratic_converges_at_step_one():
    run = descend("rosenbrock", optimizer="newton", steps=50)
    quadratic = descend("x**2 + 3*x*y + 5*y**2", optimizer="newton", start=[4.0, -2.0],
                        steps=30)
    assert quadratic.converged_at == 1  # one exact Newton step solves a positive quadratic
    assert run.converged_at is not None and run.converged_at < 10
    assert descend("x**2", optimizer="gd", lr=0.1, steps=3).converged_at is None


def test_newton_names_a_singular_or_indefinite_hessian_and_its_shifted_step():
    flat = descend("abs(x) + abs(y)", optimizer="newton", start=[1.0, 2.0], steps=1)
    text = flat.explain(1).text
    assert "H is singular (eigenvalues 0, 0)" in text and "shifted step" in text
    assert "mu = 1 - lambda_min = 1" in text and "H^-1 grad f =" not in text
    saddle = descend("x**2 - y**2", optimizer="newton", start=[1.0, 0.5], steps=1)
    text = saddle.explain(1).text
    assert "not positive definite (eigenvalues -2, 2)" in text and "mu = 1 - lambda_min = 3" in text
    # (H + 3I) = diag(5, 1): the step is (2/5, -1/1), so y moves away from the saddle
    np.testing.assert_allclose(saddle.points[1], [1.0 - 2.0 / 5.0, 0.5 + 1.0])
    one_d = descend("w**4 - 2*w**2", optimizer="newton", start=[0.5], steps=1).explain(1).text
    assert "f'' is not positive definite (f'' = -1)" in one_d
    plain = descend("x**2 + y**2", optimizer="newton", steps=1).explain(1).text
    assert "shifted" not in plain and "H^-1 grad f" in plain


def test_each_optimizer_has_its_own_default_learning_rate():
    from symnn.lab import DEFAULT_LRS, default_lr

    assert default_lr("newton") == 1.0 and set(DEFAULT_LRS) == set(optimizer_names())
    for name in optimizer_names():
        assert descend("x**2", optimizer=name, steps=1).lr == DEFAULT_LRS[name]
    # a steep preset suggests smaller steps for plain descent; Adam keeps its own
    assert default_lr("gd", "rosenbrock") == 0.001 and default_lr("adam", "rosenbrock") == 0.1
    for name in optimizer_names():  # no default diverges on the default playground surface
        if name != "newton":
            assert descend("rosenbrock", optimizer=name, steps=60).status != "diverged", name


def test_start_where_f_is_undefined_is_a_diverged_run():
    run = descend("log(x)", optimizer="gd", start=[-1.0], steps=5)
    assert run.status == "diverged" and run.steps == 0


def test_a_deep_minimum_far_below_the_start_is_not_divergence():
    # x^4 - 100 x^2 falls from about 0 to -2500 at x = sqrt(50): a long way down, but finite
    run = descend("x**4 - 100*x**2", optimizer="gd", lr=1e-3, start=[0.5], steps=400)
    assert run.status == "converged"
    assert run.final[0] == pytest.approx(np.sqrt(50), rel=1e-6)


def test_linear_function_runs_off_as_diverged_only_when_steps_grow():
    constant_steps = descend("-x", optimizer="gd", lr=100.0, start=[0.0], steps=30)
    assert constant_steps.status == "max_steps"  # steady steps: slow, not a runaway
    runaway = descend("-(x**2)", optimizer="gd", lr=0.5, start=[1.0], steps=60)
    assert runaway.status == "diverged"


def test_a_non_finite_start_is_refused_with_its_values():
    with pytest.raises(ValueError, match=r"start must be finite, got \[1.0, nan\]"):
        descend("x**2 + y**2", start=[1.0, float("nan")])


def test_momentum_and_nesterov_are_sgd_with_momentum_09():
    from symnn import lab

    for name, extra in [("momentum", {}), ("nesterov", {"nesterov": True})]:
        named = lab.descend("rosenbrock", optimizer=name, lr=1e-3, steps=30)
        explicit = lab.descend("rosenbrock", optimizer="sgd", lr=1e-3, steps=30, momentum=0.9, **extra)
        np.testing.assert_array_equal(named.points, explicit.points)
    assert {"momentum", "nesterov"} <= set(lab.optimizer_names())


def test_variant_defaults_can_be_overridden():
    from symnn import lab

    run = lab.descend("w**2", optimizer="momentum", lr=0.1, start=[1.0], steps=2, momentum=0.5)
    # buf1 = g0 = 2 -> w1 = 0.8; buf2 = 0.5*2 + 1.6 = 2.6 -> w2 = 0.8 - 0.26
    np.testing.assert_allclose(run.points.ravel(), [1.0, 0.8, 0.54], rtol=0, atol=1e-15)

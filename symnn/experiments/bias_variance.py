"""Bias and variance as capacity grows. Polynomials of degree 0 to 15 are fitted by least
squares to 20 noisy samples of y = sin(pi x) on [-1, 1]. Training error only falls with the
degree; test error falls, then rises: the straight line underfits (high bias: too simple an
assumption) and the degree-15 polynomial overfits (high variance: it follows this sample's
noise). Both parts are measured from bootstrap fits (the same degree refitted on resamples of
the training set), at inputs x inside the training range: bias² = mean over x of (average
fit - true function)², variance = mean over x of the fits' spread around their average. For
a new point, E[(fit - y)²] = bias² + variance + noise².

The fits are closed-form least squares (Legendre features, a ridge of 1e-4 so that a resample
with fewer distinct points than coefficients still has one answer), so the numbers show
capacity alone, not how well an optimizer did."""

from __future__ import annotations

from typing import Any

import numpy as np

from symnn.experiments.claims import Claim
from symnn.experiments.result import Panel
from symnn.experiments.seeds import aggregate

TITLE = "Bias and variance: under- and overfitting as capacity grows"
DESCRIPTION = ("bias-variance: polynomial degree 0-15 on 20 noisy points; train/test error, "
               "bias² and variance from bootstrap fits")

#: the overfitting / underfitting table of the notes (symptom, causes, remedies)
CAUSES_AND_REMEDIES = [
    ("underfitting (high bias)", "training and test error both high",
     "too small a model, too short training, too strong a penalty",
     "a larger model (more degrees, units, layers), train longer, weaken the penalty"),
    ("overfitting (high variance)", "training error low, test error much higher",
     "too large a model, too little data, too long training",
     "more data (or augmentation), a smaller model, a penalty (L2, L1, dropout), "
     "early stopping, averaging models (bagging)"),
]

NOISE = 0.3
RIDGE = 1e-4


def true_function(x: np.ndarray) -> np.ndarray:
    """The function the samples come from: sin(pi x)."""
    return np.sin(np.pi * x)


def fit_polynomial(x: np.ndarray, y: np.ndarray, degree: int, ridge: float = RIDGE) -> np.ndarray:
    """Legendre coefficients c minimizing sum (P(x) c - y)² + ridge |c|² (P: the Legendre
    polynomials up to ``degree`` at x, a well-conditioned basis on [-1, 1])."""
    P = np.polynomial.legendre.legvander(x, degree)
    A = np.vstack([P, np.sqrt(ridge) * np.eye(degree + 1)])
    b = np.concatenate([y, np.zeros(degree + 1)])
    return np.linalg.lstsq(A, b, rcond=None)[0]


def predict_polynomial(coef: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The fitted polynomial's values at x."""
    return np.polynomial.legendre.legval(x, coef)


def run_seed(seed: int, quick: bool = False, n_train: int = 20, max_degree: int = 15,
             n_bootstrap: int | None = None, n_test: int = 2000) -> dict[str, Any]:
    """One training sample of ``n_train`` points, a fresh test sample of ``n_test``; for each
    degree the fit's train and test mean squared error, then bias² and variance from
    ``n_bootstrap`` resampled fits, evaluated at up to 500 test inputs inside the training
    inputs' range (outside it every polynomial extrapolates wildly, and that would swamp both)."""
    n_bootstrap = n_bootstrap or (20 if quick else 100)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, n_train)
    y = true_function(x) + NOISE * rng.standard_normal(n_train)
    x_test = rng.uniform(-1, 1, n_test)
    y_test = true_function(x_test) + NOISE * rng.standard_normal(n_test)
    grid = x_test[(x_test >= x.min()) & (x_test <= x.max())][:500]
    resamples = rng.integers(0, n_train, size=(n_bootstrap, n_train))
    variants = {}
    for degree in range(max_degree + 1):
        coef = fit_polynomial(x, y, degree)
        fits = np.array([predict_polynomial(fit_polynomial(x[i], y[i], degree), grid)
                         for i in resamples])
        variants[f"degree {degree}"] = {
            "train_mse": float(np.mean((predict_polynomial(coef, x) - y) ** 2)),
            "test_mse": float(np.mean((predict_polynomial(coef, x_test) - y_test) ** 2)),
            "bias2": float(np.mean((fits.mean(0) - true_function(grid)) ** 2)),
            "variance": float(np.mean(fits.var(0))),
        }
    test = [v["test_mse"] for v in variants.values()]
    return {"n_train": n_train, "noise": NOISE, "n_bootstrap": n_bootstrap,
            "degrees": list(range(max_degree + 1)), "best_degree": int(np.argmin(test)),
            "variants": variants}


def _row(n: dict, degree: int) -> dict:
    return n["variants"][f"degree {degree}"]


def _train_error_falls(n: dict) -> tuple[bool, dict]:
    line, top = _row(n, 1)["train_mse"], _row(n, n["degrees"][-1])["train_mse"]
    return top < line / 2, {"train MSE degree 1": line, f"train MSE degree {n['degrees'][-1]}": top}


def _line_underfits(n: dict) -> tuple[bool, dict]:
    best = _row(n, n["best_degree"])["test_mse"]
    line = _row(n, 1)["test_mse"]
    return line > 2 * best, {"test MSE degree 1": line, "best degree": n["best_degree"],
                             "best test MSE": best}


def _top_overfits(n: dict) -> tuple[bool, dict]:
    top = n["degrees"][-1]
    best = _row(n, n["best_degree"])
    row = _row(n, top)
    holds = row["test_mse"] > 1.5 * best["test_mse"] and row["train_mse"] < best["train_mse"]
    return holds, {f"test MSE degree {top}": row["test_mse"], "best test MSE": best["test_mse"],
                   f"train MSE degree {top}": row["train_mse"],
                   "best's train MSE": best["train_mse"]}


def _bias_falls(n: dict) -> tuple[bool, dict]:
    line, cubic = _row(n, 1)["bias2"], _row(n, 3)["bias2"]
    return line > 2 * cubic, {"bias² degree 1": line, "bias² degree 3": cubic}


def _variance_rises(n: dict) -> tuple[bool, dict]:
    top = n["degrees"][-1]
    line, high = _row(n, 1)["variance"], _row(n, top)["variance"]
    return high > 10 * line, {"variance degree 1": line, f"variance degree {top}": high}


CLAIMS = [
    Claim("Training error only falls as capacity grows: the degree-15 polynomial's training "
          "error is below half of the straight line's.", _train_error_falls),
    Claim("Too simple underfits: the straight line's test error is more than twice the best "
          "degree's.", _line_underfits),
    Claim("Too complex overfits: the degree-15 polynomial fits the training points better than "
          "the best degree, but its test error is more than 1.5 times the best degree's.",
          _top_overfits),
    Claim("Bias is the underfitting part: the straight line's bias² is more than twice the "
          "cubic's (degree 3, the lowest that can follow one period of the sine).", _bias_falls),
    Claim("Variance is the overfitting part: the degree-15 polynomial's variance over bootstrap "
          "fits is more than 10 times the straight line's.", _variance_rises),
]


def summarize(runs: list[dict[str, Any]]) -> tuple[list[str], list[Panel]]:
    first = runs[0]
    degrees = first["degrees"]
    best = [r["best_degree"] for r in runs]
    lines = [f"y = sin(πx) + noise (std {first['noise']}), {first['n_train']} training points, "
             f"polynomials of degree {degrees[0]}-{degrees[-1]} fitted by least squares; bias² "
             f"and variance from {first['n_bootstrap']} bootstrap fits",
             f"best test degree per seed: {', '.join(map(str, best))}; test error falls, then "
             "rises, while training error only falls",
             "causes and remedies:"]
    for name, symptom, causes, remedies in CAUSES_AND_REMEDIES:
        lines += [f"  {name}: {symptom}", f"    causes: {causes}", f"    remedies: {remedies}"]
    mean, _ = aggregate([r["variants"] for r in runs])
    column = {key: [mean[f"degree {d}"][key] for d in degrees]
              for key in ("train_mse", "test_mse", "bias2", "variance")}
    panels = [Panel("error against capacity (mean over seeds)", "polynomial degree",
                    "mean squared error",
                    {"train": (degrees, column["train_mse"]),
                     "test": (degrees, column["test_mse"])},
                    logy=True),
              Panel("bias² and variance (bootstrap)", "polynomial degree", "squared error",
                    {"bias²": (degrees, column["bias2"]),
                     "variance": (degrees, column["variance"])},
                    logy=True)]
    return lines, panels

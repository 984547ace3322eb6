"""Lesson 8: estimating and improving generalization, on the two moons.

- **k-fold cross-validation** scores a training recipe on k held-out folds: a mean with a
  spread, instead of one lucky or unlucky split; it estimates the test accuracy.
- **Bootstrap**: resampling the test predictions gives the accuracy's standard error, which
  for n independent answers is close to sqrt(p (1 - p) / n).
- **Bagging** averages the predicted probabilities of models trained on bootstrap resamples;
  it pays off for a high-variance learner: a wide MLP trained long on 40 noisy points fits
  every one of them (its boundary follows the noise) and is confidently wrong on many fresh
  points. Averaging such models' probabilities cancels part of their independent errors:
  the test cross-entropy falls far below that of one such model trained on all 40 points,
  the classic variance reduction; the accuracy gains less.
- **Boosting** (SAMME, here AdaBoost for 2 classes) adds weak learners one at a time, each
  trained on a resample weighted toward the points still wrong, and lets them vote; weak
  learners are MLPs with 2 hidden units (a boundary with little bend).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from symnn.experiments.claims import Claim
from symnn.experiments.result import Panel

#: training points of the high-variance learner (and its full batch)
N_BAG = 40
#: weak learners boosted
BOOSTED = 8
#: the high-variance learner's row in the table
WIDE = "wide 2-64-64-2 MLP"

TITLE = "Cross-validation, bootstrap, bagging and boosting"
DESCRIPTION = ("generalization: k-fold cross-validation and bootstrap error bars; bagging a "
               "high-variance MLP, boosting weak MLPs")


def run_seed(seed: int, quick: bool = False, k: int = 5, members: int | None = None,
             n_test: int = 4000) -> dict[str, Any]:
    """Cross-validation and boosting on 300 moons (noise 0.2) with weak 2-2-2 MLPs; bagging
    ``members`` 2-64-64-2 MLPs, each trained full-batch until it fits its bootstrap resample
    of 40 noisier moons (noise 0.4); test sets of ``n_test`` fresh points from the same
    distributions."""
    from symnn.data.datasets import moons
    from symnn.experiments.setups import EVAL_ROWS, accuracy_on
    from symnn.tensor import manual_seed
    from symnn.train.crossval import cross_validate
    from symnn.train.ensembles import AdaBoost, Bagging
    from symnn.train.loop import predict, train_classifier
    from symnn.train.metrics import accuracy
    from symnn.train.models import mlp
    from symnn.train.splits import bootstrap_estimate

    members = members or (2 if quick else 15)
    boosted = 3 if quick else BOOSTED
    scale = 0.1 if quick else 1.0

    def weak():
        return mlp([2, 2, 2], "tanh")

    def strong():
        return mlp([2, 64, 64, 2], "relu")

    weak_recipe = {"epochs": max(1, int(40 * scale)), "lr": 0.1, "batch_size": 100}
    strong_recipe = {"epochs": max(1, int(100 * scale)), "lr": 0.05, "batch_size": N_BAG}
    quiet = {"track_grad_norms": False}

    X, y = moons(n_samples=300, noise=0.2, seed=seed)
    Xt, yt = moons(n_samples=n_test, noise=0.2, seed=seed + 1000)
    cv = cross_validate(weak, X, y, k=2 if quick else k, seed=seed, **weak_recipe, **quiet)
    manual_seed(seed)
    single_weak = weak()
    train_classifier(single_weak, X, y, seed=seed, **weak_recipe, **quiet)
    weak_logits = predict(single_weak, Xt)
    weak_acc = accuracy(weak_logits, yt)
    boot = bootstrap_estimate(accuracy, weak_logits, yt, n_resamples=300 if quick else 1000,
                              seed=seed)
    boost = AdaBoost(weak, n_estimators=boosted, seed=seed, **weak_recipe, **quiet).fit(X, y)

    Xb, yb = moons(n_samples=N_BAG, noise=0.4, seed=seed)
    Xbt, ybt = moons(n_samples=n_test, noise=0.4, seed=seed + 1000)
    manual_seed(seed)
    single = strong()
    train_classifier(single, Xb, yb, seed=seed, **strong_recipe, **quiet)
    bag = Bagging(strong, n_estimators=members, seed=seed, **strong_recipe, **quiet).fit(Xb, yb)
    single_logp = log_softmax(predict(single, Xbt, batch_size=EVAL_ROWS))
    member_logp = np.stack([log_softmax(predict(m, Xbt, batch_size=EVAL_ROWS))
                            for m in bag.models])
    # log of the members' mean probability, log((1/M) sum_m p_m), without underflow
    peak = member_logp.max(axis=0)
    bag_logp = peak + np.log(np.exp(member_logp - peak).mean(axis=0))
    return {
        "k": len(cv.scores), "members": members, "boosted": boosted, "n_test": n_test,
        "weak_recipe": weak_recipe, "strong_recipe": strong_recipe,
        "cv": {"scores": cv.scores, "mean": cv.mean, "std": cv.std},
        "bootstrap": {"accuracy": boot.value, "std_error": boot.std_error,
                      "binomial_std_error": math.sqrt(weak_acc * (1 - weak_acc) / len(yt)),
                      "interval": list(boot.interval)},
        "variants": {
            "weak 2-2-2 MLP": {"test_accuracy": weak_acc, "cv_accuracy": cv.mean},
            "boosting": {"test_accuracy": boost.score(Xt, yt),
                         "members": len(boost.models)},
            WIDE: {"test_accuracy": accuracy(single_logp, ybt),
                   "test_loss": log_loss(single_logp, ybt),
                   "train_accuracy": accuracy_on(single, Xb, yb)},
            "bagging": {"test_accuracy": accuracy(bag_logp, ybt),
                        "test_loss": log_loss(bag_logp, ybt), "members": len(bag.models),
                        "member_test_accuracy": float(np.mean([accuracy(p, ybt)
                                                               for p in member_logp])),
                        "member_test_loss": float(np.mean([log_loss(p, ybt)
                                                           for p in member_logp]))},
        },
        "boosting_errors": boost.errors_, "boosting_alphas": boost.alphas_,
    }


def log_softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise log probabilities: z - max z - log sum exp(z - max z)."""
    z = logits - logits.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def log_loss(log_probs: np.ndarray, y: np.ndarray) -> float:
    """Mean cross-entropy from log probabilities: -mean log p(true class)."""
    return float(-np.mean(log_probs[np.arange(len(y)), y]))


def _cv_estimates(n: dict) -> tuple[bool, dict]:
    cv, test = n["cv"]["mean"], n["variants"]["weak 2-2-2 MLP"]["test_accuracy"]
    return abs(cv - test) <= 0.05, {"cross-validation": cv, "test": test}


def _bootstrap_error(n: dict) -> tuple[bool, dict]:
    b = n["bootstrap"]
    ratio = b["std_error"] / b["binomial_std_error"]
    return 0.8 < ratio < 1.25, {"bootstrap": b["std_error"], "√(p(1 − p)/n)":
                                b["binomial_std_error"], "ratio": ratio}


def _boosting(n: dict) -> tuple[bool, dict]:
    w, b = (n["variants"][k]["test_accuracy"] for k in ("weak 2-2-2 MLP", "boosting"))
    return b >= w + 0.04, {"one weak learner": w, "boosting": b}


def _bagging_loss(n: dict) -> tuple[bool, dict]:
    single, bag = n["variants"][WIDE]["test_loss"], n["variants"]["bagging"]["test_loss"]
    return bag <= 0.6 * single, {"one wide MLP on all points": single, "bagging": bag,
                                 "ratio": bag / single}


def _bagging_members(n: dict) -> tuple[bool, dict]:
    b = n["variants"]["bagging"]
    return b["test_accuracy"] >= b["member_test_accuracy"] + 0.01, {
        "bagging": b["test_accuracy"], "its members on average": b["member_test_accuracy"]}


CLAIMS = [
    Claim("5-fold cross-validation of the weak learner's recipe on 300 points estimates its "
          "test accuracy within 0.05 (about 2.5 standard errors of an accuracy measured on 300 "
          "points).", _cv_estimates),
    Claim("The bootstrap standard error of a test accuracy is close to √(p(1 − p)/n) "
          "(within 0.8x-1.25x).", _bootstrap_error),
    Claim("Boosting weak learners (2 hidden units each) beats one weak learner by at least 4 "
          "points of test accuracy.", _boosting),
    Claim("Bagging 15 high-variance learners (wide MLPs that fit nearly all of their 40 noisy "
          "training points) cuts the test cross-entropy of one such MLP trained on all 40 points "
          "by at least 40%.", _bagging_loss),
    Claim("Bagging those learners is at least 1 point more accurate than one of them trained on "
          "a bootstrap resample (its members, on average).", _bagging_members),
]


def summarize(runs: list[dict[str, Any]]) -> tuple[list[str], list[Panel]]:
    r = runs[0]
    fit = np.mean([x["variants"][WIDE]["train_accuracy"] for x in runs])
    folds = ", ".join(f"fold {i + 1} {s:.3f}" for i, s in enumerate(r["cv"]["scores"]))
    low, high = r["bootstrap"]["interval"]
    lines = [f"weak learner: 2-2-2 tanh MLP, {r['weak_recipe']['epochs']} epochs of Adam on 300 "
             f"moons (noise 0.2); boosting: SAMME with up to {r['boosted']} of them",
             f"high-variance learner: 2-64-64-2 ReLU MLP, {r['strong_recipe']['epochs']} "
             f"full-batch epochs of Adam on {N_BAG} moons (noise 0.4), until it fits its "
             f"training points (train accuracy {fit:.2f}); bagging: {r['members']} of them, "
             f"each on a bootstrap resample of the {N_BAG} points, their probabilities averaged; "
             f"each test set: {r['n_test']} fresh points",
             "bagging lowers the test cross-entropy far more than it raises the accuracy: "
             "averaging removes the confident mistakes of single overfit models, while the "
             "averaged boundary stays close to theirs",
             f"seed 0: {folds}; bootstrap 95% interval of the weak learner's test accuracy "
             f"{low:.3f}-{high:.3f}"]
    names = list(r["variants"])
    panels = [
        Panel("test accuracy (mean over seeds)", "", "accuracy",
              {k: ([0], [float(np.mean([x["variants"][k]["test_accuracy"] for x in runs]))])
               for k in names}, kind="bar"),
        Panel("test cross-entropy (mean over seeds)", "", "cross-entropy",
              {k: ([0], [float(np.mean([x["variants"][k]["test_loss"] for x in runs]))])
               for k in (WIDE, "bagging")}, kind="bar"),
        Panel("cross-validation folds", "fold", "accuracy",
              {f"seed {i}": (list(range(1, len(x["cv"]["scores"]) + 1)), x["cv"]["scores"])
               for i, x in enumerate(runs)}),
        Panel("boosting: members' weighted errors (seed 0)", "member", "error",
              {"error": (list(range(1, len(r["boosting_errors"]) + 1)), r["boosting_errors"])}),
    ]
    return lines, panels

"""Lesson 8: estimating and improving generalization, on the two moons.

- **k-fold cross-validation** scores a training recipe on k held-out folds: a mean with a
  spread, instead of one lucky or unlucky split; it estimates the test accuracy.
- **Bootstrap**: resampling the test predictions gives the accuracy's standard error, which
  for n independent answers is close to sqrt(p (1 - p) / n).
- **Bagging** averages the predicted probabilities of models trained on bootstrap resamples;
  it pays off for a high-variance learner (a wide MLP trained long on 100 noisy points, whose
  boundary follows the noise).
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

TITLE = "Cross-validation, bootstrap, bagging and boosting"
DESCRIPTION = ("generalization: k-fold cross-validation and bootstrap error bars; bagging a "
               "high-variance MLP, boosting weak MLPs")


def run_seed(seed: int, quick: bool = False, k: int = 5, members: int | None = None,
             n_test: int = 1000) -> dict[str, Any]:
    """Cross-validation and boosting on 300 moons (noise 0.2) with weak 2-2-2 MLPs; bagging
    on 100 noisier moons (noise 0.35) with 2-32-32-2 MLPs trained long; test sets of
    ``n_test`` fresh points from the same distribution."""
    from symnn.data.datasets import moons
    from symnn.experiments.setups import accuracy_on, cross_entropy_on
    from symnn.tensor import manual_seed
    from symnn.train.crossval import cross_validate
    from symnn.train.ensembles import AdaBoost, Bagging
    from symnn.train.loop import predict, train_classifier
    from symnn.train.metrics import accuracy
    from symnn.train.models import mlp
    from symnn.train.splits import bootstrap_estimate

    members = members or (2 if quick else 6)
    scale = 0.1 if quick else 1.0

    def weak():
        return mlp([2, 2, 2], "tanh")

    def strong():
        return mlp([2, 32, 32, 2], "relu")

    weak_recipe = {"epochs": max(1, int(40 * scale)), "lr": 0.1, "batch_size": 100}
    strong_recipe = {"epochs": max(1, int(80 * scale)), "lr": 0.03, "batch_size": 50}

    X, y = moons(n_samples=300, noise=0.2, seed=seed)
    Xt, yt = moons(n_samples=n_test, noise=0.2, seed=seed + 1000)
    cv = cross_validate(weak, X, y, k=2 if quick else k, seed=seed, **weak_recipe)
    manual_seed(seed)
    single_weak = weak()
    train_classifier(single_weak, X, y, seed=seed, **weak_recipe)
    weak_logits = predict(single_weak, Xt)
    weak_acc = accuracy(weak_logits, yt)
    boot = bootstrap_estimate(accuracy, weak_logits, yt, n_resamples=300 if quick else 1000,
                              seed=seed)
    boost = AdaBoost(weak, n_estimators=members + 2, seed=seed, **weak_recipe).fit(X, y)

    Xb, yb = moons(n_samples=100, noise=0.35, seed=seed)
    Xbt, ybt = moons(n_samples=n_test, noise=0.35, seed=seed + 1000)
    manual_seed(seed)
    single = strong()
    train_classifier(single, Xb, yb, seed=seed, **strong_recipe)
    bag = Bagging(strong, n_estimators=members, seed=seed, **strong_recipe).fit(Xb, yb)
    bag_probs = bag.predict_scores(Xbt)
    bag_loss = float(-np.mean(np.log(np.clip(bag_probs[np.arange(len(ybt)), ybt], 1e-12, None))))
    return {
        "k": len(cv.scores), "members": members, "n_test": n_test,
        "weak_recipe": weak_recipe, "strong_recipe": strong_recipe,
        "cv": {"scores": cv.scores, "mean": cv.mean, "std": cv.std},
        "bootstrap": {"accuracy": boot.value, "std_error": boot.std_error,
                      "binomial_std_error": math.sqrt(weak_acc * (1 - weak_acc) / len(yt)),
                      "interval": list(boot.interval)},
        "variants": {
            "weak 2-2-2 MLP": {"test_accuracy": weak_acc, "cv_accuracy": cv.mean},
            "boosting": {"test_accuracy": boost.score(Xt, yt),
                         "members": len(boost.models)},
            "strong 2-32-32-2 MLP": {"test_accuracy": accuracy_on(single, Xbt, ybt),
                                     "test_loss": cross_entropy_on(single, Xbt, ybt),
                                     "train_accuracy": accuracy_on(single, Xb, yb)},
            "bagging": {"test_accuracy": bag.score(Xbt, ybt), "test_loss": bag_loss,
                        "members": len(bag.models),
                        "member_test_accuracy": float(np.mean(bag.member_scores(Xbt, ybt)))},
        },
        "boosting_errors": boost.errors_, "boosting_alphas": boost.alphas_,
    }


def _cv_estimates(n: dict) -> tuple[bool, dict]:
    cv, test = n["cv"]["mean"], n["variants"]["weak 2-2-2 MLP"]["test_accuracy"]
    return abs(cv - test) < 0.04, {"cross-validation": cv, "test": test}


def _bootstrap_error(n: dict) -> tuple[bool, dict]:
    b = n["bootstrap"]
    ratio = b["std_error"] / b["binomial_std_error"]
    return 0.8 < ratio < 1.25, {"bootstrap": b["std_error"], "sqrt(p(1-p)/n)":
                                b["binomial_std_error"], "ratio": ratio}


def _boosting(n: dict) -> tuple[bool, dict]:
    w, b = (n["variants"][k]["test_accuracy"] for k in ("weak 2-2-2 MLP", "boosting"))
    return b >= w + 0.04, {"one weak learner": w, "boosting": b}


def _bagging_members(n: dict) -> tuple[bool, dict]:
    b = n["variants"]["bagging"]
    return b["test_accuracy"] >= b["member_test_accuracy"] + 0.01, {
        "bagging": b["test_accuracy"], "its members on average": b["member_test_accuracy"]}


CLAIMS = [
    Claim("5-fold cross-validation of the weak learner's recipe estimates its test accuracy "
          "within 0.04.", _cv_estimates),
    Claim("The bootstrap standard error of a test accuracy is close to sqrt(p (1 - p) / n) "
          "(within 0.8x-1.25x).", _bootstrap_error),
    Claim("Boosting weak learners (2 hidden units each) beats one weak learner by at least 4 "
          "points of test accuracy.", _boosting),
    Claim("Bagging a high-variance learner (a wide MLP trained long on 100 noisy points) is at "
          "least 1 point more accurate than the same learner trained on one bootstrap "
          "resample (its members, on average).", _bagging_members),
]


def summarize(runs: list[dict[str, Any]]) -> tuple[list[str], list[Panel]]:
    r = runs[0]
    lines = [f"weak learner: 2-2-2 tanh MLP, {r['weak_recipe']['epochs']} epochs of Adam on 300 "
             f"moons (noise 0.2); boosting: SAMME with up to {r['members'] + 2} of them",
             f"high-variance learner: 2-32-32-2 ReLU MLP, {r['strong_recipe']['epochs']} epochs "
             f"on 100 moons (noise 0.35); bagging: {r['members']} of them on bootstrap "
             f"resamples; each test set: {r['n_test']} fresh points",
             "seed 0: " + ", ".join(f"fold {i + 1} {s:.3f}" for i, s in enumerate(r["cv"]["scores"]))
             + f"; bootstrap 95% interval of the weak learner's test accuracy "
             f"{r['bootstrap']['interval'][0]:.3f}-{r['bootstrap']['interval'][1]:.3f}"]
    names = list(r["variants"])
    panels = [
        Panel("test accuracy (mean over seeds)", "", "accuracy",
              {k: ([0], [float(np.mean([x["variants"][k]["test_accuracy"] for x in runs]))])
               for k in names}, kind="bar"),
        Panel("cross-validation folds", "fold", "accuracy",
              {f"seed {i}": (list(range(1, len(x["cv"]["scores"]) + 1)), x["cv"]["scores"])
               for i, x in enumerate(runs)}),
        Panel("boosting: weighted error of each member (seed 0)", "member", "error",
              {"error": (list(range(1, len(r["boosting_errors"]) + 1)), r["boosting_errors"])}),
    ]
    return lines, panels

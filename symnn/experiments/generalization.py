"""Lesson 8: estimating and improving generalization. k-fold cross-validation gives a score
with a spread (mean +- standard deviation over folds) instead of one lucky or unlucky split;
bagging (averaging models trained on bootstrap resamples) and boosting (SAMME: each new model
trained on a resample weighted toward the examples still wrong) combine small networks and
are compared with a single one on a held-out test set."""

from __future__ import annotations

import time

from symnn.experiments.result import ExperimentResult, Panel

DESCRIPTION = "generalization: k-fold cross-validation; bagging and boosting versus a single model"


def run(quick: bool = False, seed: int = 0, k: int = 5, n_estimators: int | None = None,
        epochs: int | None = None, hidden: int = 8, lr: float = 1e-2) -> ExperimentResult:
    """Small MLPs (64-hidden-10, Adam) on the digits: a stratified k-fold score of the recipe,
    then a single model, bagging and SAMME boosting of ``n_estimators`` members."""
    from symnn.experiments.setups import digits_split
    from symnn.tensor import manual_seed
    from symnn.train.crossval import cross_validate
    from symnn.train.ensembles import AdaBoost, Bagging
    from symnn.train.loop import predict, train_classifier
    from symnn.train.metrics import accuracy
    from symnn.train.models import mlp

    start = time.perf_counter()
    epochs = epochs or (2 if quick else 10)
    n_estimators = n_estimators or (2 if quick else 8)
    k = 2 if quick else k
    s = digits_split(seed=seed, val=0.0, test=0.3)

    def make():
        return mlp([64, hidden, 10], "relu")

    recipe = {"epochs": epochs, "lr": lr, "batch_size": 32}
    cv = cross_validate(make, s.X_train, s.y_train, k=k, stratified=True, seed=seed, **recipe)

    manual_seed(seed)
    single = make()
    train_classifier(single, s.X_train, s.y_train, seed=seed, **recipe)
    single_test = accuracy(predict(single, s.X_test), s.y_test)
    single_train = accuracy(predict(single, s.X_train), s.y_train)

    bag = Bagging(make, n_estimators=n_estimators, seed=seed, **recipe).fit(s.X_train, s.y_train)
    boost = AdaBoost(make, n_estimators=n_estimators, seed=seed, **recipe).fit(s.X_train, s.y_train)
    numbers = {
        "cv": cv.to_dict(),
        "single": {"train_accuracy": single_train, "test_accuracy": single_test},
        "bagging": {"test_accuracy": bag.score(s.X_test, s.y_test),
                    "train_accuracy": bag.score(s.X_train, s.y_train),
                    "member_test_accuracy": bag.member_scores(s.X_test, s.y_test),
                    "oob_accuracy": bag.oob_score_, "members": len(bag.models)},
        "boosting": {"test_accuracy": boost.score(s.X_test, s.y_test),
                     "train_accuracy": boost.score(s.X_train, s.y_train),
                     "member_test_accuracy": boost.member_scores(s.X_test, s.y_test),
                     "alphas": boost.alphas_, "weighted_errors": boost.errors_,
                     "members": len(boost.models)},
    }
    b, a = numbers["bagging"], numbers["boosting"]
    summary = [
        f"MLP 64-{hidden}-10, Adam lr {lr}, {epochs} epochs; {len(s.X_train)} training and "
        f"{len(s.X_test)} test digits",
        f"stratified {k}-fold cross-validation: {cv}",
        f"single model: test accuracy {single_test:.3f} (train {single_train:.3f}, gap "
        f"{single_train - single_test:+.3f})",
        f"bagging, {b['members']} members: test accuracy {b['test_accuracy']:.3f} "
        f"(members alone {min(b['member_test_accuracy']):.3f}-{max(b['member_test_accuracy']):.3f}, "
        f"out-of-bag estimate {b['oob_accuracy']:.3f})",
        f"boosting (SAMME), {a['members']} members: test accuracy {a['test_accuracy']:.3f} "
        f"(weighted errors {', '.join(f'{e:.3f}' for e in a['weighted_errors'])})",
        f"ensemble minus single model: bagging {b['test_accuracy'] - single_test:+.3f}, "
        f"boosting {a['test_accuracy'] - single_test:+.3f}",
    ]
    panels = [
        Panel("cross-validation folds", "fold", "validation accuracy",
              {"fold": (list(range(1, k + 1)), cv.scores)}),
        Panel("test accuracy", "", "accuracy",
              {"single": ([0], [single_test]), "bagging": ([0], [b["test_accuracy"]]),
               "boosting": ([0], [a["test_accuracy"]]), f"{k}-fold CV mean": ([0], [cv.mean])},
              kind="bar"),
    ]
    return ExperimentResult("generalization", "Cross-validation, bagging and boosting",
                            {"epochs": epochs, "k": k, "n_estimators": n_estimators, **numbers},
                            summary, panels, time.perf_counter() - start)

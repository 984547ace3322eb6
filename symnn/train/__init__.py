"""Training toolkit: the fit loop and its history, callbacks, regularizers, metrics, splits,
cross-validation and ensembles, and the training pipeline (``symnn.train.pipeline``). Names
are resolved lazily (``symnn.train.fit`` imports the NumPy backend only when used)."""

from __future__ import annotations

from symnn._lazy import lazy_exports

_EXPORTS = {
    # metrics
    "predictions": "symnn.train.metrics",
    "accuracy": "symnn.train.metrics",
    "confusion_matrix": "symnn.train.metrics",
    "per_class_recall": "symnn.train.metrics",
    "generalization_gap": "symnn.train.metrics",
    # splits and resampling
    "train_val_test_split": "symnn.train.splits",
    "kfold_indices": "symnn.train.splits",
    "bootstrap_indices": "symnn.train.splits",
    "bootstrap_estimate": "symnn.train.splits",
    # the loop
    "fit": "symnn.train.loop",
    "evaluate": "symnn.train.loop",
    "predict": "symnn.train.loop",
    "array_loader": "symnn.train.loop",
    "train_classifier": "symnn.train.loop",
    "make_optimizer": "symnn.train.loop",
    "layer_grad_norms": "symnn.train.state",
    "parameter_layers": "symnn.train.state",
    "TrainState": "symnn.train.state",
    "History": "symnn.train.history",
    "jsonable": "symnn.train.history",
    "mlp": "symnn.train.models",
    "ACTIVATION_CHOICES": "symnn.train.models",
    "small_cnn": "symnn.train.models",
    # callbacks and regularizers
    "Callback": "symnn.train.callbacks",
    "EarlyStopping": "symnn.train.callbacks",
    "SchedulerStep": "symnn.train.callbacks",
    "DivergenceGuard": "symnn.train.callbacks",
    "GradientNormMonitor": "symnn.train.callbacks",
    "L1": "symnn.train.regularizers",
    "L2": "symnn.train.regularizers",
    "ElasticNet": "symnn.train.regularizers",
    "WeightNoise": "symnn.train.regularizers",
    # generalization
    "cross_validate": "symnn.train.crossval",
    "CVResult": "symnn.train.crossval",
    "standardize_in_fold": "symnn.train.crossval",
    "Bagging": "symnn.train.ensembles",
    "AdaBoost": "symnn.train.ensembles",
}

# the one training pipeline (TrainingSpec, build, run, RECIPES) behind symnn train and the app
_SUBMODULES = {"pipeline"}

__all__ = sorted(set(_EXPORTS) | _SUBMODULES)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, _SUBMODULES)

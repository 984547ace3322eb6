"""sn.lab.descend checks each optimizer setting by name and kind before the optimizer sees it,
and says what the setting must be in words (no Python error text)."""

from __future__ import annotations

import pytest

from symnn.lab import descend


@pytest.mark.parametrize("optimizer, options, message", [
    ("adam", {"betas": 0.9}, "adam.betas must be two numbers such as 0.9,0.999; got 0.9"),
    ("adamw", {"betas": (0.9, 0.99, 0.9)},
     "adamw.betas must be two numbers such as 0.9,0.999; got 0.9,0.99,0.9"),
    ("adam", {"betas": (0.9, True)}, "adam.betas must be two numbers"),
    ("adam", {"amsgrad": 0.5}, "adam.amsgrad must be true or false (1 or 0); got 0.5"),
    ("sgd", {"nesterov": 2}, "sgd.nesterov must be true or false (1 or 0); got 2"),
    ("sgd", {"momentum": True}, "sgd.momentum must be a number such as 0; got true"),
    ("rmsprop", {"alpha": (0.9, 0.9)}, "rmsprop.alpha must be a number such as 0.99; got 0.9,0.9"),
    ("adagrad", {"eps": "1e-8"}, "adagrad.eps must be a number"),
    ("nesterov", {"momentum": float("nan")}, "nesterov.momentum must be a number"),
    ("adam", {"momentum": 0.9}, "adam has no setting 'momentum'; its settings: betas, eps"),
    ("adadelta", {"record": True}, "adadelta has no setting 'record'"),
])
def test_a_setting_of_the_wrong_name_or_kind_is_refused_in_words(optimizer, options, message):
    with pytest.raises(ValueError) as info:
        descend("x^2 + y^2", optimizer=optimizer, steps=1, **options)
    assert message in str(info.value)
    assert "len()" not in str(info.value) and "__init__" not in str(info.value)


@pytest.mark.parametrize("optimizer, options, stored", [
    ("adam", {"betas": (0.5, 0.75)}, {"betas": (0.5, 0.75)}),
    ("adam", {"betas": [0.5, 0.75]}, {"betas": (0.5, 0.75)}),
    ("sgd", {"nesterov": 1.0, "momentum": 0.5}, {"nesterov": True, "momentum": 0.5}),
    ("rmsprop", {"centered": 0, "alpha": 1}, {"centered": False, "alpha": 1}),
])
def test_settings_of_the_right_kind_reach_the_optimizer(optimizer, options, stored):
    run = descend("x^2 + y^2", optimizer=optimizer, steps=1, **options)
    assert run.options == stored
    assert {k: type(v) for k, v in run.options.items()} == {k: type(v) for k, v in stored.items()}

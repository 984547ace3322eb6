"""Time budgets on symbolic work: they stop a long computation in any thread, name the stage
that was hard, can be cancelled from another thread, and leave nothing behind."""

from __future__ import annotations

import threading
import time

import pytest
import sympy as sp

from symnn.symbolic.budget import Budget, BudgetExceeded, cancel_all, current, stage


def _spin(seconds: float = 30.0) -> int:
    """Pure Python work that would run for ``seconds``."""
    end, n = time.monotonic() + seconds, 0
    while time.monotonic() < end:
        n += 1
    return n


def _slow_sympy() -> None:
    x = sp.Symbol("x")
    for k in range(10_000):
        sp.simplify(sp.sin(x + k) ** 2 + sp.cos(x + k) ** 2 + x)


def test_a_budget_gives_up_on_time_and_names_the_hard_stage():
    start = time.monotonic()
    with pytest.raises(BudgetExceeded) as info:
        with Budget(0.3, "the analysis"):
            with stage("simplifying f''"):
                _spin()
    elapsed = time.monotonic() - start
    assert 0.3 <= elapsed < 1.0
    assert str(info.value) == "gave up after 0.3 s: simplifying f''"
    assert info.value.seconds == 0.3 and not info.value.cancelled


def test_a_budget_stops_sympy_in_a_worker_thread():
    outcome: list[object] = []

    def work() -> None:
        try:
            with Budget(0.4, "simplifying"):
                _slow_sympy()
            outcome.append("finished")
        except BudgetExceeded as exc:
            outcome.append(exc)

    start = time.monotonic()
    thread = threading.Thread(target=work)
    thread.start()
    thread.join(5)
    assert not thread.is_alive()
    assert time.monotonic() - start < 1.5
    assert isinstance(outcome[0], BudgetExceeded)
    assert "gave up after 0.4 s: simplifying" in str(outcome[0])


def test_cancel_from_another_thread_stops_the_work_promptly():
    budget = Budget(None, "the convexity analysis")
    outcome: list[object] = []

    def work() -> None:
        try:
            with budget:
                _slow_sympy()
        except BudgetExceeded as exc:
            outcome.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    time.sleep(0.3)
    start = time.monotonic()
    budget.cancel()
    thread.join(5)
    assert time.monotonic() - start < 1.0
    assert outcome and outcome[0].cancelled
    assert "cancelled" in str(outcome[0])


def test_cancel_all_stops_every_open_budget():
    outcomes: list[object] = []
    started = threading.Barrier(3)

    def work() -> None:
        try:
            with Budget(None, "work"):
                started.wait()
                _spin()
        except BudgetExceeded as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    started.wait()
    assert cancel_all() == 2
    for t in threads:
        t.join(5)
    assert len(outcomes) == 2 and all(o.cancelled for o in outcomes)


def test_a_budget_cancelled_before_it_starts_raises_at_once():
    budget = Budget(10, "late work")
    budget.cancel()
    with pytest.raises(BudgetExceeded, match="cancelled"):
        with budget:
            _spin()


def test_the_outer_budget_owns_its_interruption_when_an_inner_one_is_still_in_time():
    caught_inside = []
    with pytest.raises(BudgetExceeded) as info:
        with Budget(0.3, "outer work"):
            try:
                with Budget(30, "inner work"):
                    _spin()
            except BudgetExceeded as exc:  # must not happen: the inner budget has time left
                caught_inside.append(exc)
    assert not caught_inside
    assert "outer work" in str(info.value)


def test_an_inner_budget_that_runs_out_lets_the_outer_work_go_on():
    with Budget(30, "outer"):
        with pytest.raises(BudgetExceeded, match="inner"):
            with Budget(0.2, "inner"):
                _spin()
        assert _spin(0.3) > 0  # no stray interruption reaches the outer block
    assert current() is None


def test_work_that_swallows_the_interruption_is_interrupted_again():
    swallowed = 0
    with pytest.raises(BudgetExceeded):
        with Budget(0.2, "stubborn"):
            for _ in range(3):
                try:
                    _spin()
                except BaseException:  # noqa: BLE001 - code that swallows everything
                    swallowed += 1
            _spin()
    assert swallowed == 3


def test_many_short_budgets_leave_no_interruption_behind():
    for _ in range(500):
        with Budget(0.001, "quick"):
            pass
    for _ in range(50):  # work that ends about when its time is up: either outcome is fine
        try:
            with Budget(0.01, "borderline"):
                _spin(0.01)
        except BudgetExceeded:
            pass
    assert _spin(0.5) > 0  # would raise if an interruption were still pending
    assert current() is None


def test_a_time_limit_must_be_positive_and_a_budget_is_entered_once():
    with pytest.raises(ValueError, match="positive"):
        Budget(0)
    budget = Budget(1)
    with budget:
        pass
    with pytest.raises(RuntimeError, match="once"):
        with budget:
            pass


def test_interruptions_landing_anywhere_never_leave_the_watchdog_locked():
    """Threads that open, finish and lose short budgets while another thread cancels them all
    end promptly, and a new budget still works afterwards (a lock held by an interrupted thread
    would hang every later analysis)."""
    stop = time.monotonic() + 3.0

    def churn() -> None:
        while time.monotonic() < stop:
            try:
                with Budget(0.002, "outer"):
                    with Budget(0.001, "inner"):
                        _spin(0.002)
            except BudgetExceeded:
                pass

    threads = [threading.Thread(target=churn, daemon=True) for _ in range(4)]
    for t in threads:
        t.start()
    while time.monotonic() < stop:
        cancel_all()
        time.sleep(0.001)
    for t in threads:
        t.join(10)
    assert not any(t.is_alive() for t in threads)
    with pytest.raises(BudgetExceeded, match="after 0.2 s: fresh"):
        with Budget(0.2, "fresh"):
            _spin(5)

"""Time limits for symbolic work: a SymPy simplification or inequality solve can take minutes on
a short input, so every analysis reachable from typed text runs under a budget.

    with Budget(5, "deciding the sign of f''"):
        ...                    # raises BudgetExceeded: "gave up after 5 s: deciding the sign of f''"

A budget works in any thread (no SIGALRM): one watchdog thread raises an exception inside the
thread that owns the budget when its time is up (``PyThreadState_SetAsyncExc``, the mechanism
behind KeyboardInterrupt in threads), so the computation costs nothing extra while it runs.
``budget.cancel()`` stops it early from another thread (a closing app). What the work was doing
is named with ``stage("...")``, so the message says what was hard. The interruption arrives
between Python bytecodes: one single C-level operation (a power of a huge integer) cannot be
interrupted, which is why inputs are also bounded in size. (CPython 3.11 raises an
interruption that lands on a ``while True:`` loop head opening a ``try:`` block past that
frame's handlers; the budget's own block is left normally as long as it is not such a loop.)
"""

from __future__ import annotations

import ctypes
import heapq
import itertools
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["Budget", "BudgetExceeded", "stage", "current", "cancel_all"]

# after the first interruption, interrupt again this often until the budget's block ends (code
# that swallows the exception with a bare ``except:`` keeps running otherwise), at most this
# many times (an interruption that escaped the block must not haunt the thread afterwards)
_REPEAT = 0.2
_MAX_REPEATS = 25


class BudgetExceeded(RuntimeError):
    """The work ran out of time (``cancelled`` False) or was cancelled; ``what`` names the stage
    it was in, ``seconds`` the limit."""

    def __init__(self, seconds: float | None, what: str, cancelled: bool = False) -> None:
        self.seconds, self.what, self.cancelled = seconds, what, cancelled
        if cancelled:
            message = f"stopped before the end: {what} was cancelled"
        else:
            message = f"gave up after {_seconds_text(seconds)}: {what}"
        super().__init__(message)


def _seconds_text(seconds: float | None) -> str:
    if seconds is None:
        return "no limit"
    return f"{seconds:g} s"


class _Interrupt(BaseException):
    """Raised inside the owning thread by the watchdog. A BaseException, so that the
    ``except Exception`` blocks inside SymPy do not swallow it."""


def _inject(thread_id: int, exc: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc is not None else None)


class _Watchdog:
    """One daemon thread that interrupts the threads whose budgets have run out.

    Its state is guarded by a plain C-level lock, never a ``threading.Condition``: an
    interruption can land between any two bytecodes of the owning thread, and one landing inside
    a Condition's Python-level ``__enter__``/``__exit__`` would leave its lock held for good. The
    thread polls (every 10 ms while budgets are open) instead of being notified, for the same
    reason. Only a budget whose block is running (``armed``) is ever interrupted.
    """

    _POLL = 0.01

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.heap: list[tuple[float, int, Budget]] = []
        self.active: dict[int, list[Budget]] = {}  # thread id -> its open budgets, outermost first
        self.counter = itertools.count()
        self.thread: threading.Thread | None = None

    def _ensure_thread(self) -> None:
        """Start the polling thread once (lock held)."""
        if self.thread is None:
            self.thread = threading.Thread(target=self._loop, name="symnn-budget", daemon=True)
            self.thread.start()

    def start(self, budget: Budget) -> None:
        with self.lock:
            self.active.setdefault(budget.thread_id, []).append(budget)
            if budget.deadline is not None:
                heapq.heappush(self.heap, (budget.deadline, next(self.counter), budget))
                self._ensure_thread()
            budget.armed = True

    def _forget(self, budget: Budget) -> list[Budget]:
        """Mark the budget finished and drop it from its thread's stack (lock held)."""
        budget.done = True
        budget.armed = False
        stack = self.active.get(budget.thread_id, [])
        if budget in stack:
            stack.remove(budget)
        if not stack:
            self.active.pop(budget.thread_id, None)
        return stack

    def finish(self, budget: Budget) -> None:
        with self.lock:
            if budget.done:
                return
            stack = self._forget(budget)
            # an interruption meant for this budget may still be pending: drop it, then re-arm
            # one for an enclosing budget that has run out too
            _inject(budget.thread_id, None)
            if any(b.fired and b.armed for b in stack):
                _inject(budget.thread_id, _Interrupt)

    def fire(self, budget: Budget) -> None:
        """Interrupt the budget's thread now (caller holds the lock)."""
        budget.fired = True
        if budget.armed and not budget.done:
            _inject(budget.thread_id, _Interrupt)

    def _due(self, now: float) -> None:
        """Fire every budget whose time is up (lock held)."""
        while self.heap and (self.heap[0][2].done or self.heap[0][0] <= now):
            _, _, budget = heapq.heappop(self.heap)
            if budget.done:
                continue
            if budget.repeats >= _MAX_REPEATS:
                self._forget(budget)
                continue
            self.fire(budget)
            budget.repeats += 1
            heapq.heappush(self.heap, (now + _REPEAT, next(self.counter), budget))

    def _loop(self) -> None:
        while True:
            with self.lock:
                now = time.monotonic()
                self._due(now)
                wait = self.heap[0][0] - now if self.heap else self._POLL * 5
            time.sleep(min(max(wait, 0.0), self._POLL))

    def cancel(self, budget: Budget) -> None:
        with self.lock:
            budget.cancelled = True
            if budget.done:
                return
            self.fire(budget)
            heapq.heappush(self.heap, (time.monotonic() + _REPEAT, next(self.counter), budget))
            self._ensure_thread()

    def open_budgets(self) -> list[Budget]:
        with self.lock:
            return [b for stack in self.active.values() for b in stack]


_WATCHDOG = _Watchdog()
_local = threading.local()


class Budget:
    """A time limit (``seconds``; None for none, still cancellable) on the work done inside
    ``with budget:`` in the current thread. Raises :class:`BudgetExceeded` when the time is up
    or :meth:`cancel` is called; ``what`` is the default description of the work."""

    def __init__(self, seconds: float | None, what: str = "the computation") -> None:
        if seconds is not None and not seconds > 0:
            raise ValueError(f"a time limit must be a positive number of seconds, got {seconds}")
        self.seconds = seconds
        self.what = what
        self.stages: list[str] = []
        self.hard: str | None = None  # the stage the work was in when it was interrupted
        self.thread_id = 0
        self.deadline: float | None = None
        self.started: float | None = None
        self.fired = self.cancelled = self.done = self.armed = False
        self.repeats = 0

    @property
    def elapsed(self) -> float:
        """Seconds since the budget's block started (0 before)."""
        return 0.0 if self.started is None else time.monotonic() - self.started

    @property
    def remaining(self) -> float | None:
        """Seconds left (None without a limit)."""
        if self.seconds is None:
            return None
        return max(0.0, self.seconds - self.elapsed)

    def cancel(self) -> None:
        """Stop the work from any thread: the block raises BudgetExceeded(cancelled=True)."""
        _WATCHDOG.cancel(self)

    def describe(self) -> str:
        """What the work is doing now: the innermost stage, or the budget's own description."""
        return self.stages[-1] if self.stages else self.what

    def exceeded(self) -> BudgetExceeded:
        return BudgetExceeded(self.seconds, self.hard or self.describe(),
                              cancelled=self.cancelled)

    def __enter__(self) -> Budget:
        if self.started is not None:
            raise RuntimeError("a Budget can be entered only once")
        if self.cancelled:
            raise self.exceeded()
        self.thread_id = threading.get_ident()
        self.started = time.monotonic()
        if self.seconds is not None:
            self.deadline = self.started + self.seconds
        stack = _stack()
        stack.append(self)
        _WATCHDOG.start(self)
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        interrupted = exc_type is not None and issubclass(exc_type, _Interrupt)
        while True:  # the pending interruption may arrive while finishing: finish again
            try:
                _WATCHDOG.finish(self)
                stack = _stack()
                if self in stack:
                    stack.remove(self)
                break
            except _Interrupt:
                interrupted = True
        # an interruption that arrives after the block's work has finished changes nothing:
        # the work is done and its result stands
        if interrupted and self.fired and exc_type is not None:
            raise self.exceeded() from None
        return False


def _stack() -> list[Budget]:
    stack = getattr(_local, "stack", None)
    if stack is None:
        stack = _local.stack = []
    return stack


def current() -> Budget | None:
    """The innermost open budget of this thread, or None."""
    stack = _stack()
    return stack[-1] if stack else None


@contextmanager
def stage(what: str) -> Iterator[None]:
    """Name what the enclosing budget's work is doing (for the "gave up" message)."""
    budget = current()
    if budget is None:
        yield
        return
    budget.stages.append(what)
    try:
        yield
    except _Interrupt:
        for b in _stack():
            if b.fired and b.hard is None:
                b.hard = what
        raise
    finally:
        if budget.stages and budget.stages[-1] == what:
            budget.stages.pop()


def cancel_all() -> int:
    """Cancel every open budget in every thread (an app that closes); returns how many."""
    budgets = _WATCHDOG.open_budgets()
    for budget in budgets:
        budget.cancel()
    return len(budgets)

"""Worker threads that never keep the app alive after it quits.

Textual runs thread workers on the event loop's default executor, and both the loop's
shutdown and the interpreter's exit wait for that executor's threads: quitting during a long
SymPy analysis used to leave the window closed and the process running until the analysis
ended. This executor runs each call in its own daemon thread and does not wait for them when
shut down, so the process ends as soon as the app has quit; what such a thread was computing
is simply dropped.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable


class DaemonThreadExecutor(ThreadPoolExecutor):
    """One daemon thread per call (asyncio requires a ThreadPoolExecutor; no pool is used)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()

        def run() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                result = fn(*args, **kwargs)
            except BaseException as exc:  # handed to the awaiting worker, as the pool does
                future.set_exception(exc)
            else:
                future.set_result(result)

        threading.Thread(target=run, name="symnn-worker", daemon=True).start()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Return at once: running calls end with the process."""


def use_daemon_threads() -> None:
    """Make the running event loop run thread workers on daemon threads."""
    asyncio.get_running_loop().set_default_executor(DaemonThreadExecutor())

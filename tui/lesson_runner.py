"""Run one lesson of ``symnn.experiments`` in a separate process, so it can be cancelled at
once (the process is ended) and never keeps the app alive: the app only reads a pipe.

The child (``python -c "...main(...)"``, a plain subprocess: the app's replaced standard
streams rule out multiprocessing's helpers) writes one JSON object a line on its standard
output: ``{"progress": [done, total]}`` after each seed, then ``{"done": data}`` with the
result as plain data (:func:`lesson_data`) or ``{"error": message}``. This module imports no
Textual, so the child starts quickly.
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
from dataclasses import asdict
from typing import Any

from tui.safety import describe

__all__ = ["LessonRun", "lesson_data", "main"]


def lesson_data(result: Any) -> dict[str, Any]:
    """What the Lessons screen shows of an ``ExperimentResult``, as plain JSON-ready data:
    title, summary lines, the mean ± std table (headers, rows), claims with their verdicts
    and per-seed evidence, plot panels, seeds and seconds."""
    from symnn.experiments import variant_cells
    from symnn.train import jsonable

    runs = result.numbers.get("runs", []) if isinstance(result.numbers, dict) else []
    headers, rows = variant_cells(runs) if runs else ([], {})
    return jsonable({
        "name": result.name, "title": result.title, "summary": list(result.summary),
        "headers": headers, "rows": rows,
        "claims": [dict(c.to_dict(), verdict=c.verdict()) for c in result.claims],
        "panels": [asdict(p) for p in result.panels],
        "seeds": result.numbers.get("seeds", []) if isinstance(result.numbers, dict) else [],
        "seconds": result.seconds,
    })


def main(name: str, seeds: int | None, quick: bool) -> None:
    """Run the lesson and write its progress and result to standard output (in the child)."""

    def send(message: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(message) + "\n")
        sys.stdout.flush()

    try:
        from symnn import experiments

        result = experiments.run(name, seeds=seeds, quick=quick,
                                 progress=lambda done, total: send({"progress": [done, total]}))
        send({"done": lesson_data(result)})
    except MemoryError:
        send({"error": "not enough memory to run this lesson"})
    except Exception as exc:  # the message goes to the app, in words
        send({"error": describe(exc)})


class LessonRun:
    """One lesson running in a child process; ``poll`` reads its messages, ``cancel`` ends it."""

    def __init__(self, name: str, seeds: int | None = None, quick: bool = False) -> None:
        code = ("from tui.lesson_runner import main; "
                f"main({name!r}, {seeds!r}, {bool(quick)!r})")
        # the child sees the modules this process sees (a checkout run from its folder too)
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        self.process = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.DEVNULL,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                        env=env)
        self._selector = selectors.DefaultSelector()
        self._selector.register(self.process.stdout, selectors.EVENT_READ)

    def poll(self, timeout: float) -> tuple | None:
        """The next message as ``("progress", done, total)``, ``("done", data)`` or
        ``("error", message)``, waiting up to ``timeout`` seconds; None when there is none
        yet. A child that ended without a word gives an error."""
        if not self._selector.select(timeout):
            return None
        line = self.process.stdout.readline()
        if not line:
            return ("error", "the lesson's process ended unexpectedly")
        try:
            message = json.loads(line)
        except ValueError:
            return ("error", "the lesson's process sent something unreadable")
        if "progress" in message:
            return ("progress", *message["progress"])
        if "done" in message:
            return ("done", message["done"])
        return ("error", str(message.get("error", "unknown")))

    def cancel(self) -> None:
        """End the child process now (idempotent)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(1.0)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(1.0)
        self._selector.close()
        self.process.stdout.close()

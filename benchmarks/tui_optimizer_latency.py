"""How fast a step key redraws in the optimizer playground (and a chord key in the convexity lab).

In-process (headless, 120x40): for 2 and for 5 ticked optimizers on Rosenbrock, the runs are
computed (in the screen's worker), then each of 40 steps is timed: the step action plus the
frame update Textual runs next (layout, rendering the changed widgets, compositing). Then
the same for a 5000-step run, stepping near its end (long trajectories drawn) and the jump
to the end (e). Then the convexity lab's chord keys (h/l) on a function of one variable and on
one of two (a heat map). Median and worst per case; the target is < 50 ms.

    python benchmarks/tui_optimizer_latency.py
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time


async def _case(names: list[str], steps: int, start_at_end: bool) -> list[float]:
    from tui.app import SymnnApp

    app = SymnnApp(start="optimizer")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        chosen = screen.query_one("#optimizers")
        chosen.deselect_all()
        for name in names:
            chosen.select(name)
        screen.query_one("#steps").value = str(steps)
        screen.action_go()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.3)
        times = []
        if start_at_end:
            t0 = time.perf_counter()
            screen.action_to_end()
            screen._on_timer_update()
            times.append(time.perf_counter() - t0)
            await pilot.pause(0)
        for _ in range(40):
            t0 = time.perf_counter()
            screen.action_step(-1 if start_at_end else 1)
            screen._on_timer_update()  # the frame update Textual schedules next
            times.append(time.perf_counter() - t0)
            await pilot.pause(0)
    return times


async def _chord_case(f: str) -> list[float]:
    from tui.app import SymnnApp

    app = SymnnApp(start="convexity")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.app.workers.wait_for_complete()
        screen = app.screen
        screen.query_one("#fx").value = f
        screen.analyse()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.3)
        times = []
        for i in range(40):
            t0 = time.perf_counter()
            screen.action_move("a", 1 if i % 2 else -1)
            screen._on_timer_update()
            times.append(time.perf_counter() - t0)
            await pilot.pause(0)
    return times


def main() -> None:
    print(f"(load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    cases = [
        ("2 optimizers (gd, adam), 60 steps", ["gd", "adam"], 60, False),
        ("5 optimizers (gd, adam, rmsprop, sgd, momentum), 60 steps",
         ["gd", "adam", "rmsprop", "sgd", "momentum"], 60, False),
        ("2 optimizers (adam, rmsprop), 5000 steps: e, then p near the end",
         ["adam", "rmsprop"], 5000, True),
    ]
    for label, names, steps, at_end in cases:
        ms = [t * 1000 for t in asyncio.run(_case(names, steps, at_end))]
        print(f"step redraw, {label}: median {statistics.median(ms):.1f} ms, worst "
              f"{max(ms):.1f} ms over {len(ms)} keys (target < 50 ms)")
    for f in ("w^4 - 2*w^2", "x*y"):
        ms = [t * 1000 for t in asyncio.run(_chord_case(f))]
        print(f"convexity lab chord key, f = {f}: median {statistics.median(ms):.1f} ms, worst "
              f"{max(ms):.1f} ms over {len(ms)} keys (target < 50 ms)")


if __name__ == "__main__":
    main()

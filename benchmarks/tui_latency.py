"""How fast the terminal app is: start-up until ready, one step key's redraw, the network view.

Start-up: `python -m symnn` is started in a pseudo-terminal of 120x40; the time runs from
just before the process is spawned until (a) the first frame (the footer with its keys) and
(b) the backprop stepper's content (its "Press n (or →) to step" line, drawn once the first
graph and its derivation are built) have been written to the terminal; then n is sent, as a
learner would press it at once, and (c) is the time until the first forward step is on
screen. The app's CPU time (user + system) is read at (a) and (b), and (a)-(c) are also
given less the time the app's main thread spent ready to run but waiting for a core (Linux
schedstat): on a shared machine, close to what an idle one shows. Before the runs, symnn's
and the app's modules are compiled to bytecode (as an installed package is; with
PYTHONDONTWRITEBYTECODE every run would compile them again), and one run warms the file
cache unrecorded. Median of several runs; the load average is printed, since the machine
may be shared.

Step redraw: in-process (headless, 120x40), for each backprop preset and for a typed
expression of about 300 nodes (``typed_expression``: a sum of 43 tanh units against a
target), every step from the start to the end: the step action plus the screen update
Textual runs for the next frame (layout if needed, rendering the changed widgets,
compositing and writing the frame), timed together, once the preset has loaded (loading prints every step's formulas right after the
first view appears). Median and worst step per preset.

Targets (issue 14): ready in under 1 s after `symnn` starts, every key redrawn in under
50 ms, the network view open in under 0.3 s.

    python benchmarks/tui_latency.py [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import os
import pty
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import termios
import time

FIRST_FRAME_TEXT = "Quit"
READY_TEXT = "to step"
STEPPED_TEXT = "Forward 1 of"
STARTUP_TARGET_MS, KEY_TARGET_MS, NETWORK_TARGET_MS = 1000, 50, 300
ANSI = re.compile(r"\x1b\[[0-9;?<>=]*[A-Za-z~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[()][A-Z0-9]")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time a running process has used so far (Linux /proc)."""
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _waited_for_a_core(pid: int) -> float:
    """Seconds the process's main thread has spent ready to run but waiting for a core
    (Linux schedstat): on a shared machine, the part of the wall time an idle one would not
    have."""
    with open(f"/proc/{pid}/task/{pid}/schedstat") as handle:
        return int(handle.read().split()[1]) / 1e9


def startup_once(timeout: float = 20.0) -> tuple[float, ...]:
    """Seconds from spawning `python -m symnn` to its first frame, to the stepper's
    content, and to the first step shown after n is pressed at once; the CPU seconds the
    app had used at its first frame and when its content appeared; and the same three
    times less the time the app's main thread waited for a core."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"}
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "symnn"], stdin=slave, stdout=slave,
                            stderr=slave, env=env, close_fds=True, start_new_session=True)
    os.close(slave)
    seen = ""
    first = ready = stepped = cpu = first_cpu = None
    waits = {}
    try:
        while time.perf_counter() - start < timeout:
            readable, _, _ = select.select([master], [], [], 0.05)
            if not readable:
                continue
            try:
                chunk = os.read(master, 65536).decode("utf-8", "replace")
            except OSError:
                break
            seen = (seen + ANSI.sub("", chunk))[-20000:]
            if first is None and FIRST_FRAME_TEXT in seen:
                first = time.perf_counter() - start
                first_cpu = _cpu_seconds(proc.pid)
                waits["first"] = _waited_for_a_core(proc.pid)
            if ready is None and READY_TEXT in seen:
                ready = time.perf_counter() - start
                cpu = _cpu_seconds(proc.pid)
                waits["ready"] = _waited_for_a_core(proc.pid)
                os.write(master, b"n")
            if ready is not None and STEPPED_TEXT in seen:
                stepped = time.perf_counter() - start
                waits["stepped"] = _waited_for_a_core(proc.pid)
            if first is not None and stepped is not None:
                break
    finally:
        os.write(master, b"q")
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=5)
        os.close(master)
    if ready is None or first is None or stepped is None:
        raise RuntimeError("the app did not draw its first screen and step in time")
    return (first, ready, stepped, first_cpu, cpu, first - waits["first"],
            ready - waits["ready"], stepped - waits["stepped"])


def compile_bytecode() -> None:
    """Compile symnn's and the app's modules, as installing the package does."""
    import compileall
    import importlib.util

    for package in ("symnn", "tui"):
        spec = importlib.util.find_spec(package)
        for location in spec.submodule_search_locations or ():
            compileall.compile_dir(location, quiet=1)


def typed_expression(terms: int = 43) -> tuple[str, str]:
    """(expression, values) of a typed graph of about 300 nodes: (sum of tanh(w_i*x_i +
    b_i) - y)^2, each leaf with a value."""
    text = "(" + " + ".join(f"tanh(w{i}*x{i} + b{i})" for i in range(terms)) + " - y)^2"
    values = ", ".join(f"w{i}={round(0.1 * i - 2, 3)}, x{i}={round(0.05 * i, 3)}, b{i}=0.01"
                       for i in range(terms))
    return text, values + ", y=1"


async def step_latencies() -> dict[str, list[tuple[float, float]]]:
    """Per preset: (wall, CPU) seconds per step (action + the frame update), every step.

    CPU time is reported too: on a shared machine the wall clock also counts the time the
    process waits for a core."""
    from tui.app import SymnnApp
    from tui.screens.backprop_presets import PRESETS

    results: dict[str, list[tuple[float, float]]] = {}
    app = SymnnApp(start="backprop")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        loads = [(preset.title, lambda index=index: screen.load_preset(index))
                 for index, preset in enumerate(PRESETS)]
        text, values = typed_expression()

        def typed() -> None:
            screen.query_one("#values").value = values
            screen.query_one("#expr").value = text
            screen.rebuild()

        loads.append(("typed expression of 300 nodes", typed))
        for title, load in loads:
            load()
            while screen._preparing is not None:  # every step printed after the first view
                await pilot.pause(0.05)
            await pilot.pause(0.2)
            nodes = len(screen.forward) + len(screen.output.leaves())
            times = []
            for _ in range(screen.last_position):
                t0, c0 = time.perf_counter(), time.process_time()
                screen.action_step(1)
                screen._on_timer_update()  # the frame update Textual schedules next
                times.append((time.perf_counter() - t0, time.process_time() - c0))
                await pilot.pause(0)
            results[f"{title} ({nodes} nodes)"] = times
    return results


async def network_open(runs: int) -> list[tuple[float, float, float]]:
    """Seconds from pressing the network view's key (2) until its first frame is drawn with
    the diagram and the chosen weight's NumPy gradient, and until the worker's scalar-engine
    explanation, three-way check and chain-rule text are on screen; a fresh app per run."""
    from tui.app import SymnnApp

    results = []
    for _ in range(runs):
        app = SymnnApp(start="backprop")
        async with app.run_test(size=(120, 40)) as pilot:
            while app.screen.derivation is None:
                await pilot.pause(0.05)
            await pilot.pause(0.5)
            t0, c0 = time.perf_counter(), time.process_time()
            await app.action_show("network")
            screen = app.screen
            screen._on_timer_update()
            shown, cpu = time.perf_counter() - t0, time.process_time() - c0
            while not screen.paths:
                await pilot.pause(0.01)
            await pilot.pause(0)
            results.append((shown, time.perf_counter() - t0, cpu))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="start-up runs (median reported)")
    args = parser.parse_args()

    print(f"(load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    compile_bytecode()
    startup_once()  # warms the file cache; not recorded
    runs = [startup_once() for _ in range(args.runs)]
    for label, index in (("first frame", 0), ("stepper content", 1),
                         ("the first step shown after n is pressed at once", 2),
                         ("first frame, CPU time of the app", 3),
                         ("stepper content, CPU time of the app", 4),
                         ("first frame, less the main thread's wait for a core", 5),
                         ("stepper content, less the main thread's wait for a core", 6),
                         ("the first step, less the main thread's wait for a core", 7)):
        times = [r[index] for r in runs]
        print(f"start-up to {label}: median {statistics.median(times) * 1000:.0f} ms, "
              f"min {min(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms "
              f"over {args.runs} runs (target < {STARTUP_TARGET_MS} ms)")
    print(f"(load average before the step runs: {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores)")
    for title, times in asyncio.run(step_latencies()).items():
        wall = [t[0] * 1000 for t in times]
        cpu = [t[1] * 1000 for t in times]
        print(f"step redraw, {title}: wall median {statistics.median(wall):.1f} ms, worst "
              f"{max(wall):.1f} ms; CPU median {statistics.median(cpu):.1f} ms, worst "
              f"{max(cpu):.1f} ms; {len(times)} steps (target < {KEY_TARGET_MS} ms)")
    opens = asyncio.run(network_open(args.runs))
    for label, times in (("first frame", [r[0] for r in opens]),
                         ("first frame, CPU time", [r[2] for r in opens]),
                         ("explained, checked and its path printed", [r[1] for r in opens])):
        print(f"network view open to {label}: median "
              f"{statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms over "
              f"{args.runs} runs" + (f" (target < {NETWORK_TARGET_MS} ms)"
                                  if label.startswith("first frame") else ""))


if __name__ == "__main__":
    main()

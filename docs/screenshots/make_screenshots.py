"""Re-create the README's screenshots of the terminal app (SVG, 120x40).

    python docs/screenshots/make_screenshots.py
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from tui.app import SymnnApp

HERE = Path(__file__).resolve().parent

# file name -> (screen to start on, keys to press, seconds to wait for background work)
SHOTS: dict[str, tuple[str, list[str], float]] = {
    "backprop.svg": ("backprop", ["r", "b", "n", "n", "n", "n", "n", "n", "n"], 0.0),
    "network.svg": ("network", ["down", "down"], 10.0),
    "optimizer.svg": ("optimizer", ["w", "n", "n", "n", "n", "n", "n"], 0.0),
    "convexity.svg": ("convexity", [], 0.0),
    "training.svg": ("training", ["t"], 12.0),
    "layers.svg": ("layers", ["c", "n", "n", "n", "n", "n"], 0.0),
    "help.svg": ("backprop", ["question_mark"], 0.0),
    "lessons.svg": ("lessons", ["down", "s", "r"], 60.0),
}


async def shoot(name: str, start: str, keys: list[str], wait: float) -> None:
    app = SymnnApp(start=start)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press(*keys)
        if wait:
            screen = app.screen
            while wait > 0 and (getattr(screen, "running", False)
                                or not getattr(screen, "paths", True)):
                await pilot.pause(0.2)
                wait -= 0.2
        await pilot.pause(0.3)
        app.save_screenshot(filename=name, path=str(HERE))
    print(f"wrote {HERE / name}")


def main() -> None:
    for name, (start, keys, wait) in SHOTS.items():
        asyncio.run(shoot(name, start, keys, wait))


if __name__ == "__main__":
    main()

"""The app shell: navigation keys, help, command palette entries, placeholders, the command."""

from __future__ import annotations

import argparse

import pytest

from symnn.commands import UsageError
from symnn.commands import tui as tui_command
from tui.app import SymnnApp, make_screen
from tui.commands import SymnnCommands
from tui.registry import SCREENS, lookup
from tui.screens.help import HelpScreen
from tui.screens.unavailable import UnavailableScreen

SIZE = (120, 40)


async def test_each_number_key_switches_to_its_screen():
    app = SymnnApp(start="convexity")
    async with app.run_test(size=SIZE) as pilot:
        for info in SCREENS:
            await pilot.press(info.key)
            await pilot.pause()
            assert app.current_mode == info.name
            assert app.screen.title == info.title


async def test_question_mark_opens_help_listing_every_screen_and_closes_with_escape(
    screen_text,
):
    app = SymnnApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = screen_text(app)
        for info in SCREENS:
            assert info.title in shown
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_screen_key_from_help_closes_help_and_switches():
    app = SymnnApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark", "4")
        await pilot.pause()
        assert app.current_mode == "convexity"
        assert not isinstance(app.screen, HelpScreen)


async def test_command_palette_lists_every_screen():
    app = SymnnApp()
    async with app.run_test(size=SIZE):
        provider = SymnnCommands(app.screen)
        texts = [text for text, _, _ in provider._entries()]
    for info in SCREENS:
        assert f"Go to {info.title} ({info.key})" in texts


async def test_palette_go_to_entry_switches_screen():
    app = SymnnApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"layers lab")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert app.current_mode == "layers"


def test_missing_capability_gives_a_placeholder_naming_it():
    info = SCREENS[0].__class__(**{**SCREENS[0].__dict__, "needs": ("no_such_part",)})
    screen = make_screen(info)
    assert isinstance(screen, UnavailableScreen)
    assert screen.missing == ["sn.no_such_part"]


async def test_placeholder_says_not_available_inside_the_app(screen_text):
    info = SCREENS[1].__class__(**{**SCREENS[1].__dict__, "needs": ("no_such_part",)})
    app = SymnnApp()
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(make_screen(info))
        await pilot.pause()
        text = " ".join(screen_text(app).split())
        assert "Not available yet" in text and "sn.no_such_part" in text


@pytest.mark.parametrize("text,name", [("1", "backprop"), ("layers", "layers"),
                                       ("Conv", "convexity"), ("t", "training")])
def test_screen_lookup_by_key_name_or_prefix(text, name):
    assert lookup(text).name == name


def test_tui_command_rejects_unknown_screen_as_usage_error():
    parser = argparse.ArgumentParser()
    tui_command.add_arguments(parser)
    with pytest.raises(UsageError, match="unknown screen 'nope'"):
        tui_command.run(parser.parse_args(["nope"]))


def test_tui_command_help_names_every_screen():
    for info in SCREENS:
        assert info.name in tui_command.HELP


async def test_mouse_click_focuses_a_field_and_typing_reaches_it():
    app = SymnnApp(start="convexity")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.click("#domain")
        await pilot.press(*"x>0")
        assert app.screen.query_one("#domain").value == "x>0"
        assert app.screen.focused is app.screen.query_one("#domain")


async def test_clicking_a_footer_key_runs_its_action():
    from textual.widgets._footer import FooterKey

    app = SymnnApp(start="layers")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        (key,) = [k for k in app.screen.query(FooterKey) if k.action == "next_activation"]
        await pilot.click(key)
        await pilot.pause()
        assert app.screen.activation == 1


@pytest.mark.parametrize("argv,start", [(["tui", "layers"], "layers"), (["tui", "3"], "optimizer"),
                                        (["tui"], None), ([], None)])
def test_symnn_and_symnn_tui_open_the_app_on_the_chosen_screen(argv, start, monkeypatch):
    import tui.app
    from symnn.cli import main

    opened = []
    monkeypatch.setattr(tui.app, "run", lambda screen=None: opened.append(screen) or 0)
    monkeypatch.setattr(tui_command, "_not_a_terminal", lambda: None)
    assert main(argv) == 0
    assert opened == [start]


@pytest.mark.parametrize("argv,typed", [([], "symnn"), (["tui"], "symnn tui"),
                                        (["tui", "layers"], "symnn tui layers")])
def test_without_a_terminal_symnn_names_what_was_typed_in_one_line_and_exits_2(argv, typed):
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "symnn", *argv], capture_output=True,
                         text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr == (
        f"{typed}: the terminal app needs a terminal, and standard output is not one; "
        f"run `{typed}` in a terminal, or see `symnn --help` for the command-line tools\n")


@pytest.mark.parametrize("command", ["symnn", "symnn tui"])
def test_symnn_piped_into_another_program_says_so_and_exits_2(command, tmp_path):
    import os
    import subprocess
    import sys

    # as a learner types it in a shell: `symnn | cat`, with the terminal app's own entry
    script = tmp_path / "symnn"
    script.write_text(f"#!{sys.executable}\nimport sys\nfrom symnn.cli import main\n"
                      "sys.exit(main())\n")
    script.chmod(0o755)
    env = {**os.environ, "PATH": f"{tmp_path}{os.pathsep}{os.environ.get('PATH', '')}"}
    out = subprocess.run(["sh", "-c", f"{command} | cat"],
                         capture_output=True, text=True, timeout=30, env=env)
    done = subprocess.run(["sh", "-c", f"{command} > /dev/null; echo $?"],
                          capture_output=True, text=True, timeout=30, env=env)
    assert done.stdout.strip() == "2"
    assert out.stdout == "" and out.stderr.startswith(f"{command}: the terminal app needs a "
                                                      "terminal")
    assert out.stderr.count("\n") == 1 and "error" not in out.stderr


def test_app_runs_headless_and_quits_on_q():
    from tui.app import run

    async def press_q(pilot):
        await pilot.pause()
        await pilot.press("q")

    assert run("layers", headless=True, size=SIZE, auto_pilot=press_q) == 0


async def test_at_80_columns_the_step_counter_stays_in_sight_and_the_footer_keeps_help(
        screen_text):
    app = SymnnApp(start="backprop")
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(200):
            if app.screen.derivation is not None:
                break
            await pilot.pause(0.05)
        await pilot.press("r")  # the XOR MLP: a long preset title
        await pilot.pause()
        await pilot.press("z")
        await pilot.pause()
        last = app.screen.last_position
        assert f"Step {last} of {last}" in screen_text(app)  # the step panel's title
        await pilot.press("4")
        await pilot.pause()
        assert "? Help" in screen_text(app).splitlines()[-1]


async def test_footer_says_how_to_leave_a_text_field_while_one_has_focus(screen_text):
    app = SymnnApp(start="optimizer")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert "Leave field" not in screen_text(app).splitlines()[-1]
        await pilot.press("f")
        await pilot.pause()
        assert "esc Leave field" in screen_text(app).splitlines()[-1]
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.focused is None and "g Go" in screen_text(app).splitlines()[-1]


QUIT_DURING_WORK = """
import threading, time
from tui.app import SymnnApp

app = SymnnApp(start="layers")

async def pilot(p):
    await p.pause()
    app.run_worker(lambda: threading.Event().wait(), thread=True)  # work that never ends
    await p.pause(0.2)
    print(time.time(), flush=True)
    await p.press("q")

app.run(headless=True, size=(80, 24), auto_pilot=pilot)
"""


def test_quitting_ends_the_process_at_once_even_while_a_worker_thread_runs(tmp_path):
    import subprocess
    import sys
    import time

    script = tmp_path / "quit_during_work.py"
    script.write_text(QUIT_DURING_WORK)
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         timeout=120)
    ended = time.time()
    assert out.returncode == 0, out.stderr[-2000:]
    pressed = float(out.stdout.split()[0])
    # the worker never finishes: before, the process waited for it for ever; interpreter
    # teardown alone takes well under a second on an idle machine
    assert ended - pressed < 10, f"the process lived {ended - pressed:.1f} s after q"


async def test_a_thread_worker_still_delivers_its_result_to_the_app():
    app = SymnnApp(start="layers")
    async with app.run_test(size=SIZE) as pilot:
        worker = app.run_worker(lambda: 6 * 7, thread=True)
        await pilot.app.workers.wait_for_complete()
        assert worker.result == 42


@pytest.mark.parametrize("size", [(80, 24), (120, 34)], ids=["80x24", "120x34"])
@pytest.mark.parametrize("name", [info.name for info in SCREENS])
async def test_every_footer_keeps_help_and_quit_visible(name, size):
    from textual.widgets._footer import FooterKey

    app = SymnnApp(start=name)
    async with app.run_test(size=size) as pilot:
        visible = []
        for _ in range(100):  # until the screen has loaded and laid out its footer
            await pilot.pause(0.05)
            visible = [k.action for k in app.screen.query(FooterKey)
                       if k.region.width and k.region.right <= size[0]
                       and k.region.y == size[1] - 1]
            if "app.help" in visible and "app.quit" in visible:
                break
        assert "app.help" in visible and "app.quit" in visible, visible


def test_symnn_loads_without_cycle_collection_and_collects_again_once_ready(monkeypatch):
    import gc

    import tui.app

    real_run, seen = tui.app.run, {}

    async def watch(pilot):
        seen["while loading"] = gc.isenabled()
        for _ in range(200):
            if pilot.app.screen.derivation is not None:
                break
            await pilot.pause(0.05)
        await pilot.pause(0.2)
        seen["once ready"], seen["frozen"] = gc.isenabled(), gc.get_freeze_count()
        await pilot.press("q")

    monkeypatch.setattr(tui.app, "run", lambda screen=None: real_run(
        screen, headless=True, size=SIZE, auto_pilot=watch))
    monkeypatch.setattr(tui_command, "_not_a_terminal", lambda: None)
    try:
        assert tui_command.run(argparse.Namespace(screen=None)) == 0
    finally:
        gc.enable()
        gc.unfreeze()
    assert seen["while loading"] is False and seen["once ready"] is True
    assert seen["frozen"] > 10_000  # what start-up loaded, out of later collections

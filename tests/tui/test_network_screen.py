"""Network view: the network drawn, a weight chosen, its gradient checked by sn.testing, its
derivation sent to the stepper or practised."""

from __future__ import annotations

import pytest

from tui.app import SymnnApp

SIZE = (120, 34)


async def _open(pilot):
    """The network view with the worker's explanation, check and first path done."""
    screen = pilot.app.screen
    for _ in range(300):
        if screen.paths:
            break
        await pilot.pause(0.05)
    await pilot.pause()
    return screen


async def test_the_diagram_shows_every_neuron_value_with_layers_numbered_from_one(screen_text):
    app = SymnnApp(start="network")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        text = screen_text(app)
        assert "1 σ" in text and "2 σ" in text and "L (y=1)" in text
        assert "(1)" in text and "(0)" in text  # the inputs, as given
        assert f"({screen.loss_value:.4g})" in text
        columns = screen.query_one("#diagram").diagram.columns
        assert [len(c.nodes) for c in columns] == [2, 2, 1, 1]


async def test_the_chosen_weight_and_its_gradient_paths_are_highlighted():
    app = SymnnApp(start="network")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await pilot.press("down")  # W^(1)_0,1: from input 1 to neuron 0 of layer 1
        diagram = screen.query_one("#diagram")
        assert diagram.chosen == (1, 0, 1)
        assert diagram._path_nodes() == {(1, 0), (2, 0), (3, 0)}
        for _ in range(3):  # past W^(1)_1,0 and W^(1)_1,1 to the bias b^(1)_0
            await pilot.press("down")
        assert screen.parameters[screen.chosen].name == "0.bias"
        assert diagram.chosen == (1, 0, None)


async def test_both_engines_and_the_check_come_from_the_library(screen_text):
    app = SymnnApp(start="network")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await pilot.press("down", "down")
        await pilot.pause()
        p = screen.parameters[screen.chosen]
        leaf = screen.explanation.leaf(p.name, p.index)
        text = screen_text(app)
        assert f"∂L/∂{leaf.name}" in text
        scalar = screen.explanation.grads[p.name][p.index]
        assert scalar == pytest.approx(screen.backend_grads[p.name][p.index], rel=1e-9)
        assert f"scalar engine: {scalar:.6g}" in text
        assert "agree (sn.testing.assert_grads_match)" in text


async def test_a_disagreement_reported_by_sn_testing_is_shown(monkeypatch, screen_text):
    import symnn.testing

    def disagree(*args, **kwargs):
        raise AssertionError("gradients of Sequential disagree at 1 of 9 parameter elements")

    monkeypatch.setattr(symnn.testing, "assert_grads_match", disagree)
    app = SymnnApp(start="network")
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        assert "✗ gradients of Sequential disagree at 1 of 9" in screen_text(app)


async def test_enter_steps_through_the_chosen_weight_in_the_stepper(screen_text):
    app = SymnnApp(start="network")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await pilot.press("down")
        p = screen.parameters[screen.chosen]
        leaf = screen.explanation.leaf(p.name, p.index)
        await pilot.press("enter")
        await pilot.pause()
        stepper = app.screen
        assert type(stepper).__name__ == "BackpropScreen"
        assert stepper.derivation.wrt is leaf and stepper.output is screen.explanation.loss
        assert f"∂L/∂{leaf.name}" in stepper.source
        await pilot.press("z")
        assert f"{screen.explanation.grads[p.name][p.index]:.6g}" in screen_text(app)


async def test_practice_asks_the_chosen_weights_steps_and_scores(screen_text):
    app = SymnnApp(start="network")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await pilot.press("t")
        await pilot.pause()
        assert screen.practice is not None and "local derivative" in screen_text(app)
        await pilot.press(*"2*(a - 1)", "enter")  # not a name of this graph: no try used
        await pilot.pause()
        assert "is not a name in this graph" in screen_text(app)
        await pilot.press("enter")  # reveal
        await pilot.pause()
        assert "answer:" in screen_text(app) and screen.practice.revealed == 1
        step = screen.practice.current.step
        await pilot.press(*f"{step.upstream_value}*{step.local_value}", "enter")
        await pilot.pause()
        assert "score 1 of 2 (1 at the first try)" in screen_text(app)
        assert app.is_running and not app.errors


async def test_m_cycles_the_models_and_targets_read_as_given(screen_text):
    app = SymnnApp(start="network")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await pilot.press("m")
        await pilot.pause()
        assert screen.preset == 1 and "L (class 1)" in screen_text(app)
        await pilot.press("m")
        screen = await _open(pilot)
        text = screen_text(app)
        assert "(0.8)" in text and "L (y=0.3)" in text and "0.8000000" not in text


async def test_at_80_by_24_the_diagram_the_weight_and_the_keys_fit(screen_text):
    app = SymnnApp(start="network")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot)
        text = screen_text(app)
        assert "1 σ" in text and "∂L/∂W^(1)_0,0 =" in text
        footer = text.splitlines()[-1]
        for key in ("Weight", "Stepper", "t Practice", "m Model", "? Help", "q Quit"):
            assert key in footer, footer


async def test_the_regressors_input_reads_as_given_in_its_derivation():
    app = SymnnApp(start="network")
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        await pilot.press("m", "m")  # the 1-2-1 ReLU regressor on x = 0.8
        screen = await _open(pilot)
        path = str(screen.explanation.derivation("0.weight", (0, 0)))
        assert "0.8·W^(1)_0,0" in path and "0.80000001" not in path  # 0.8 as given


@pytest.mark.parametrize("size", [(80, 24), (120, 34)])
async def test_edges_reach_each_neuron_and_headings_sit_above_the_neurons(size, screen_text):
    import re

    app = SymnnApp(start="network")
    async with app.run_test(size=size) as pilot:
        screen = await _open(pilot)
        await pilot.press("m")  # the 2-3-2 classifier: long heading "L (class 1)"
        screen = await _open(pilot)
        for _ in range(100):
            if "L (class 1)" in screen_text(app) and "(-0.164)" in screen_text(app):
                break
            await pilot.pause(0.05)
        lines = [line.split("││")[0] for line in screen_text(app).splitlines()]
        heading = next(i for i, line in enumerate(lines) if "L (class 1)" in line)
        top = next(i for i, line in enumerate(lines) if "(-0.164)" in line)
        assert top - heading == 2
        for label in ("(-0.164)", "(-0.768)", "(0.0455)", "(-0.187)", "(-0.656)"):
            line = next(line for line in lines if label in line)
            assert re.search(r"[─╱╲]{2}" + re.escape(label), line), line

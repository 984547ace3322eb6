"""Network view: the network drawn, a weight chosen, its gradient checked by sn.testing, its
derivation sent to the stepper or practised."""

from __future__ import annotations

import pytest

from tui.app import SymnnApp
from tui.screens.backprop_presets import PRESETS

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
        assert stepper.source == "weight W^(1)[0,1], 2-2-1 sigmoid MLP"
        await pilot.press("z")
        assert f"{screen.explanation.grads[p.name][p.index]:.6g}" in screen_text(app)


async def _send(pilot, downs: int, model_presses: int = 0):
    """Open the network view's model (m pressed ``model_presses`` times), choose the weight
    ``downs`` rows down and press Enter; the stepper it lands on."""
    screen = await _open(pilot)
    for _ in range(model_presses):
        await pilot.press("m")
        screen = await _open(pilot)
    for _ in range(downs):
        await pilot.press("down")
    await pilot.press("enter")
    await pilot.pause()
    return screen, pilot.app.screen


async def test_a_sent_weight_fills_f_with_the_loss_as_text_that_builds_the_same_graph(
        screen_text):
    import symnn as sn
    from symnn.assignments import parse_assignments
    from symnn.scalar.forward import forward_order

    app = SymnnApp(start="network")
    async with app.run_test(size=SIZE) as pilot:
        network, stepper = await _send(pilot, downs=1)
        text = stepper.query_one("#expr").value
        values = parse_assignments(stepper.query_one("#values").value)
        assert text.startswith("(sigmoid(sigmoid(1*W1_0_0 + 0*W1_0_1 + b1_0)*W2_0_0")
        assert values["W1_0_1"] == float(network.values["0.weight"][0, 1])
        typed = sn.graph(text, **values)
        loss = network.explanation.loss
        assert [n.op.name for n in forward_order(typed)] == [
            n.op.name for n in forward_order(loss)]
        assert typed.value == loss.value  # the same numbers, node for node
        assert stepper.query_one("#preset").value == -2
        preset_row = screen_text(app).splitlines()[1]
        assert "Preset" in preset_row and "Weight W^(1)[0,1], 2-2-1 sigmoid MLP (network view)" in preset_row


async def test_editing_a_sent_weights_values_keeps_stepping_that_weight(screen_text):
    app = SymnnApp(start="network")
    async with app.run_test(size=SIZE) as pilot:
        network, stepper = await _send(pilot, downs=1)
        await pilot.press("v")
        field = stepper.query_one("#values")
        field.value = ", ".join("W1_0_0=2" if pair.startswith("W1_0_0=") else pair
                                for pair in field.value.split(", "))
        await pilot.press("enter")
        await pilot.pause()
        assert stepper.derivation.wrt.name == "W1_0_1"  # the same weight, as typed
        assert stepper.source == "weight W^(1)[0,1], 2-2-1 sigmoid MLP"
        changed = stepper.output.leaves()["W1_0_0"]
        assert changed.value == 2.0 and stepper.output.value != network.explanation.loss.value
        # the fields back as sent: the network's own graph again
        field.value = stepper.weight.values
        await pilot.press("v", "enter")
        await pilot.pause()
        assert stepper.output is network.explanation.loss


async def test_editing_a_sent_weights_expression_makes_it_a_typed_one(screen_text):
    app = SymnnApp(start="network")
    async with app.run_test(size=SIZE) as pilot:
        _, stepper = await _send(pilot, downs=0, model_presses=2)  # the ReLU regressor
        expr = stepper.query_one("#expr")
        assert expr.value.startswith("(relu(0.8*W1_0_0 + b1_0)*W2_0_0")
        expr.value = expr.value.replace("^2/1", "^2/2")
        await pilot.press("e", "enter")
        await pilot.pause()
        assert stepper.query_one("#preset").value == -1 and stepper.source == expr.value
        assert stepper.derivation.wrt is None


async def test_the_sent_weight_stays_in_the_preset_list_after_choosing_a_preset():
    app = SymnnApp(start="network")
    async with app.run_test(size=SIZE) as pilot:
        network, stepper = await _send(pilot, downs=4)  # the bias b^(1)[0]
        assert stepper.source == "bias b^(1)[0], 2-2-1 sigmoid MLP"
        sent = stepper.query_one("#expr").value
        await pilot.press("r")  # the next preset: its own text in f =
        await pilot.pause()
        assert stepper.query_one("#expr").value == PRESETS[stepper.preset_index].text
        stepper.query_one("#preset").value = -2
        await pilot.pause()
        assert stepper.output is network.explanation.loss
        assert stepper.query_one("#expr").value == sent


@pytest.mark.parametrize("size", [(80, 24), (120, 34)])
async def test_the_stepper_title_for_a_sent_weight_fits_the_terminal(size, screen_text):
    app = SymnnApp(start="network")
    async with app.run_test(size=size) as pilot:
        await _send(pilot, downs=5, model_presses=1)  # a weight of the 2-3-2 classifier
        header = screen_text(app).splitlines()[0]
        assert "Backprop stepper — weight W^(1)[2,1], 2-3-2 tanh classifier" in header


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


async def test_at_80_by_24_practice_shows_the_question_and_its_answer_field(screen_text):
    app = SymnnApp(start="network")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        await pilot.press("t")
        await pilot.pause()
        await pilot.pause()
        text = screen_text(app)
        assert screen.practice.current.prompt in text, text
        assert "formula or number (empty: show it)" in text, text
        await pilot.press("enter")  # reveal: the next question comes into view
        await pilot.pause()
        await pilot.pause()
        text = screen_text(app)
        assert screen.practice.current.prompt in text and "answer:" in text, text
        assert "formula or number (empty: show it)" in text, text


async def test_at_80_by_24_the_footer_names_enter_as_the_answer_key_in_practice(screen_text):
    app = SymnnApp(start="network")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot)
        assert "enter Answer" not in screen_text(app).splitlines()[-1]
        await pilot.press("t")
        await pilot.pause()
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        assert "enter Answer" in footer and "esc Leave field" in footer, footer


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


@pytest.mark.parametrize("error, words", [
    (OverflowError("(34, 'Numerical result out of range')"), "a number too large to compute"),
    (ZeroDivisionError("float division by zero"), "a division by zero"),
])
async def test_a_check_that_cannot_run_is_shown_in_words_without_pythons(
        monkeypatch, screen_text, error, words):
    import symnn.testing

    def fails(*args, **kwargs):
        raise error

    monkeypatch.setattr(symnn.testing, "assert_grads_match", fails)
    app = SymnnApp(start="network")
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        assert app.screen.agreement.lower() == f"✗ the check could not run: {words}."
        text = screen_text(app)
    assert type(error).__name__ not in text and str(error) not in text

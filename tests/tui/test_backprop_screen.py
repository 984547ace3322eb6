"""Backprop stepper: presets, typed expressions, stepping, bad input, export."""

from __future__ import annotations

import pytest

import symnn as sn
from tui.app import SymnnApp
from tui.screens.backprop_presets import PRESETS
from tui.values import ValuesError, parse_values

SIZE = (120, 40)


async def _open(pilot):
    """The stepper once its first graph has loaded (just after the first frame)."""
    screen = pilot.app.screen
    for _ in range(200):
        if screen.derivation is not None:
            break
        await pilot.pause(0.05)
    await pilot.pause()
    return screen


async def test_stepping_walks_forward_nodes_then_every_backward_edge(screen_text):
    app = SymnnApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        forward, steps = len(screen.forward), len(screen.derivation.steps)
        assert screen.position == 0
        await pilot.press("n")
        assert "Forward 1 of" in screen_text(app)
        await pilot.press("b", "n")
        assert f"Backward 1 of {steps}" in screen_text(app)
        await pilot.press("z")
        assert screen.position == forward + steps
        await pilot.press("n")  # past the end stays at the end
        assert screen.position == forward + steps
        await pilot.press("a", "p")
        assert screen.position == 0


async def test_final_gradients_on_screen_equal_the_engines_backward(screen_text):
    app = SymnnApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await pilot.press("z")
        text = screen_text(app)
    preset = PRESETS[0]
    loss = preset.build(dict(preset.values))
    loss.backward()
    for name, leaf in loss.leaves().items():
        assert f"{leaf.grad:.6g}" in text, f"dL/d{name} = {leaf.grad:.6g} not shown"


async def test_typed_expression_builds_its_graph_with_values():
    app = SymnnApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await pilot.press("e", *"x*y + x", "escape", "v")
        screen.query_one("#values").value = "x=3, y=4"
        await pilot.press("enter")
        await pilot.pause()
        assert screen.output.value == sn.graph("x*y + x", x=3, y=4).value
        assert screen.source == "x*y + x"


async def test_parse_error_is_shown_with_a_caret_under_its_position(screen_text):
    app = SymnnApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await pilot.press("e", *"sigmoid(w*x + )", "enter")
        await pilot.pause()
        lines = screen_text(app).splitlines()
        (row,) = [i for i, line in enumerate(lines)
                  if line.strip("│ ").startswith("sigmoid(w*x + )")]
        caret_col = lines[row + 1].index("^")
        assert caret_col - lines[row].index("sigmoid") == 14
        assert app.is_running and screen.query_one("#error").shown


async def test_bad_values_are_shown_and_the_graph_is_kept():
    app = SymnnApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        before = screen.output
        screen.query_one("#values").value = "x=two"
        screen.query_one("#values").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert screen.query_one("#error").shown
        assert screen.output is before


async def test_symbolic_leaves_give_a_symbolic_derivation(screen_text):
    app = SymnnApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        screen.query_one("#values").value = ""
        await pilot.press("e", *"w*x", "enter")
        await pilot.pause()
        assert screen.output.value is None
        await pilot.press("z", "s")
        assert "∂L/∂node" in screen_text(app)


async def test_export_writes_a_standalone_latex_document(tmp_path):
    app = SymnnApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        screen.export_dir = tmp_path
        await pilot.press("x")
        await pilot.pause()
    text = (tmp_path / "symnn-derivation.tex").read_text()
    assert text.startswith("\\documentclass") and "\\end{document}" in text


async def test_r_cycles_through_every_preset():
    app = SymnnApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        seen = [screen.source]
        for _ in PRESETS[1:]:
            await pilot.press("r")
            seen.append(screen.source)
    assert seen == [p.title for p in PRESETS]


@pytest.mark.parametrize("text,expected", [
    ("x=2, w=-3", {"x": 2.0, "w": -3.0}), ("a = 1e-3; b=4", {"a": 1e-3, "b": 4.0}), ("", {}),
])
def test_parse_values_reads_name_number_pairs(text, expected):
    assert parse_values(text) == expected


@pytest.mark.parametrize("text,position", [("x=2, w", 5), ("x=2, 3=4", 5), ("x=abc", 2),
                                            ("x=nan", 0)])
def test_parse_values_points_at_the_bad_part(text, position):
    with pytest.raises(ValuesError) as exc:
        parse_values(text)
    assert exc.value.position == position


def test_caret_stays_under_the_error_in_a_long_input():
    from tui.widgets.error_panel import caret_text

    class Bad(Exception):
        position = 500

    source = "x+" * 300 + "!"
    first, second = caret_text(source, Bad("here")).plain.splitlines()
    assert len(first) <= 72
    assert first[second.index("^")] == source[500]


def test_forward_order_puts_each_node_after_its_inputs_left_branch_first():
    from tui.screens.backprop import forward_order

    preset = PRESETS[1]
    loss = preset.build(dict(preset.values))
    order = forward_order(loss)
    position = {node: i for i, node in enumerate(order)}
    for node in order:
        assert all(position[p] < position[node] for p in node.parents if p.parents)
    names = [node.name for node in order if node.name]
    assert names == ["z1", "h1", "z2", "h2", "yhat", "L"]


@pytest.mark.parametrize("terms,text", [(["1"], "1"), (["1", "-2", "3"], "1 − 2 + 3"),
                                        (["-0.5", "-1e-05"], "-0.5 − 1e-05")])
def test_contributions_read_as_a_sum(terms, text):
    from tui.screens.backprop import _sum_text

    assert _sum_text(terms) == text


async def test_missing_leaf_values_switch_the_symbolic_forms_on(screen_text):
    app = SymnnApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        assert not screen.symbolic
        screen.query_one("#values").value = ""
        screen.query_one("#expr").value = "x*y + sin(x)"
        screen.query_one("#expr").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert screen.output.value is None and screen.symbolic
        await pilot.press("z")
        assert "cos(x)" in screen_text(app)  # a formula, not only question marks


async def test_emptying_the_expression_keeps_the_typed_graph_and_says_so(screen_text):
    app = SymnnApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        screen.query_one("#values").value = "x=2, y=3"
        screen.query_one("#expr").value = "x*y"
        screen.query_one("#expr").focus()
        await pilot.press("enter")
        await pilot.pause()
        output = screen.output
        await pilot.press("e", "ctrl+u", "enter")
        await pilot.pause()
        assert screen.output is output and screen.query_one("#expr").value == "x*y"
        assert "type an expression" in screen_text(app) and "x*y" in screen.sub_title


async def test_tree_lines_cut_at_80_columns_end_in_an_ellipsis_never_a_shortened_number(
        screen_text):
    import re

    app = SymnnApp()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        await pilot.press("r")  # the XOR MLP: long labels
        await pilot.pause()
        await pilot.press("z")
        await pilot.pause()
        grads, stack = set(), [screen.output]
        while stack:
            node = stack.pop()
            grads.add(f"{node.grad:.6g}")
            stack.extend(node.parents)
        lines = [line.split("││")[0] for line in screen_text(app).splitlines()
                 if "∂L" in line.split("││")[0]]
        assert lines and any("…" in line for line in lines)
        for line in lines:
            match = re.search(r"∂L = (-?[0-9.e+-]+)(…?)", line)
            if match and not match.group(2):
                assert match.group(1) in grads, line


async def test_export_never_overwrites_names_the_full_path_and_states_the_setup(tmp_path):
    notices = []
    app = SymnnApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        screen.export_dir = tmp_path
        app.notify = lambda message, **kw: notices.append(message)
        (tmp_path / "symnn-derivation.tex").write_text("a learner's own file")
        await pilot.press("x")
        await pilot.pause()
    assert (tmp_path / "symnn-derivation.tex").read_text() == "a learner's own file"
    written = tmp_path / "symnn-derivation-2.tex"
    assert any(str(written.resolve()) in notice for notice in notices), notices
    text = written.read_text()
    preset = PRESETS[0]
    assert "\\[ L = " in text and "Leaf values: $" in text and "Forward pass" in text
    assert all(f"{name} = {value:g}" in text for name, value in dict(preset.values).items()
               if len(name) == 1)
    assert text.index("Forward pass") < text.index("Backward pass") < text.index("\\frac")


async def test_start_lists_leaves_in_reading_order_and_counts_in_the_singular(screen_text):
    app = SymnnApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)  # sigmoid(w*x + b) against y
        assert "Leaves: w = -3, x = 2, b = 1, y = 1" in screen_text(app)
        screen.query_one("#values").value = "x=1"
        screen.query_one("#expr").value = "sin(x)"
        screen.query_one("#expr").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "Forward pass: 1 node, then backward pass: 1 edge." in screen_text(app)

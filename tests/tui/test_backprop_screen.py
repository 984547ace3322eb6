"""Backprop stepper: presets, typed expressions, stepping, bad input, export."""

from __future__ import annotations

import pytest

import symnn as sn
from tui.app import SymnnApp
from tui.screens.backprop_presets import PRESETS

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


async def _open_after_steps(pilot, steps: int):
    """The stepper after ``steps`` presses of n (for the default preset, 8 is mid-backward)."""
    screen = await _open(pilot)
    for _ in range(steps):
        await pilot.press("n")
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


def test_caret_stays_under_the_error_in_a_long_input():
    from tui.widgets.error_panel import caret_text

    class Bad(Exception):
        position = 500

    source = "x+" * 300 + "!"
    first, second = caret_text(source, Bad("here")).plain.splitlines()
    assert len(first) <= 72
    assert first[second.index("^")] == source[500]


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
        grads = {f"{g:.{digits}g}" for g in screen.derivation.numeric_gradients.values()
                 for digits in (6, 4)}  # 4 digits where 6 would not fit
        lines = [line.split("││")[0] for line in screen_text(app).splitlines()
                 if "∂L" in line.split("││")[0]]
        assert lines and any("…" in line for line in lines)
        for line in lines:
            match = re.search(r"∂L = (-?[0-9.e+-]+)(…?)", line)
            if match and not match.group(2):
                assert match.group(1) in grads, line


async def test_at_80_by_24_every_gradient_in_the_graph_is_a_whole_number_after_8_steps(
        screen_text):
    import re

    app = SymnnApp()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_after_steps(pilot, 8)
        lines = [line.split("││")[0] for line in screen_text(app).splitlines()]
        graph = [line for line in lines if "∂L =" in line]
        assert len(graph) >= 2, "\n".join(lines)  # yhat - y and yhat have their ∂L
        assert not any("…" in line for line in graph), "\n".join(graph)
        grads = screen.derivation.numeric_gradients.values()
        for line in graph:
            shown = re.search(r"∂L = (-?[0-9.]+(?:e[+-]?[0-9]+)?)", line)
            assert shown, line
            value = float(shown.group(1))  # 4 significant digits at least: within 5e-4
            assert any(abs(value - g) <= 5e-4 * abs(g) for g in grads), line


async def test_at_120_columns_graph_gradients_keep_6_digits():
    app = SymnnApp()
    async with app.run_test(size=(120, 34)) as pilot:
        screen = await _open_after_steps(pilot, 8)
        graph = screen.query_one("#graph")
        texts = [graph.render_line(y).text for y in range(graph.size.height)]
        sixes = {f"∂L = {g:.6g}" for g in screen.derivation.numeric_gradients.values()}
        shown = [t for t in texts if "∂L =" in t]
        assert len(shown) >= 2 and all(any(s in t for s in sixes) for t in shown), texts


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


async def _submit(pilot, screen, expr: str | None = None, values: str | None = None) -> None:
    """Fill the fields (None: leave as is) and press Enter in the expression field."""
    if values is not None:
        screen.query_one("#values").value = values
    if expr is not None:
        screen.query_one("#expr").value = expr
    screen.query_one("#expr").focus()
    await pilot.press("enter")
    await pilot.pause()


async def test_a_chosen_preset_shows_its_text_and_an_edit_of_it_is_built():
    app = SymnnApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await pilot.press("r")
        assert screen.query_one("#expr").value == PRESETS[1].text
        await _submit(pilot, screen, PRESETS[1].text.replace("+ c)", "+ 2*c)"))
        assert screen.source.endswith("+ 2*c) - y)^2")
        values = dict(PRESETS[1].values)
        expected = sn.graph(PRESETS[1].text.replace("+ c)", "+ 2*c)"), **values).value
        assert screen.output.value == pytest.approx(expected, rel=1e-12)


def test_every_preset_text_builds_the_same_loss_and_gradients_as_the_preset():
    for preset in PRESETS:
        built, typed = preset.build(dict(preset.values)), sn.graph(preset.text, **preset.values)
        built.backward()
        typed.backward()
        assert typed.value == pytest.approx(built.value, rel=1e-12)
        for name, leaf in built.leaves().items():
            assert typed.leaves()[name].grad == pytest.approx(leaf.grad, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("expr", [None, "x*y"], ids=["preset", "typed"])
async def test_a_value_for_a_name_not_in_the_expression_is_an_error_naming_it(expr, screen_text):
    app = SymnnApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        before = screen.output
        await _submit(pilot, screen, expr, "x=2, y=1, q=5")
        assert screen.output is before and screen.query_one("#error").shown
        assert "q is not in" in screen_text(app)
        assert "Error" not in screen_text(app)  # no exception class names


async def test_a_name_given_twice_is_refused_and_fractions_and_pi_are_numbers(screen_text):
    app = SymnnApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await _submit(pilot, screen, "x*y", "x=2, x=3, y=1")
        assert "x is given twice" in screen_text(app)
        await _submit(pilot, screen, "x*y", "x=1/2, y=pi")
        assert not screen.query_one("#error").shown
        assert screen.output.value == pytest.approx(0.5 * 3.141592653589793)


async def test_an_overflowing_expression_says_so_instead_of_showing_infinity(screen_text):
    app = SymnnApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        before = screen.output
        await _submit(pilot, screen, "1e308*10", "")
        assert "too large" in screen_text(app) and "1.8e308" in screen_text(app)
        await _submit(pilot, screen, "exp(x)*2", "x=1000")
        assert "infinite at exp(1000)" in screen_text(app)
        assert screen.output is before and "oo" not in screen_text(app)


async def _practice_first_question(pilot, screen):
    """Practice on, at the first backward step (its question asked)."""
    await pilot.press("t", "b", "n")
    await pilot.pause()
    assert screen.query_one("#practice").asking
    return screen.practice.current


async def test_practice_asks_the_step_before_showing_it_and_scores_right_answers(screen_text):
    app = SymnnApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        question = await _practice_first_question(pilot, screen)
        step = question.step
        assert question.kind == "local" and "local derivative" in screen_text(app)
        assert "upstream · local" not in screen_text(app)  # the step itself is not shown yet
        assert app.focused is screen.query_one("#answer")
        await pilot.press(*"2*(yhat - y)", "enter")  # d(u^2)/du = 2u, u = yhat - y
        await pilot.pause()
        assert "this edge's contribution" in screen_text(app)
        await pilot.press(*f"{step.upstream_value}*{step.local_value}", "enter")
        await pilot.pause()
        assert not screen.query_one("#practice").asking
        text = screen_text(app)
        assert "upstream · local" in text and "practice: 2 of 2, 2 first try" in text


async def test_a_wrong_answer_shows_the_rule_then_the_answer(screen_text):
    app = SymnnApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await _practice_first_question(pilot, screen)
        await pilot.press(*"yhat - y", "enter")
        await pilot.pause()
        assert "hint: power rule" in screen_text(app)
        await pilot.press(*"yhat", "enter")
        await pilot.pause()
        assert "answer: 2·(yhat - y) = -1.98661" in screen_text(app)  # as typed
        assert screen.practice.revealed == 1 and screen.practice.correct == 0


async def test_the_step_key_does_not_pass_an_unanswered_question(screen_text):
    app = SymnnApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await _practice_first_question(pilot, screen)
        position = screen.position
        await pilot.press("escape", "n", "n", "z")
        assert screen.position == position and screen.query_one("#practice").asking
        await pilot.press("p")
        assert screen.position == position - 1 and not screen.query_one("#practice").asking
        await pilot.press("n")  # back at the question
        assert screen.query_one("#practice").asking


async def test_practice_survives_any_typed_answers_and_an_empty_one_reveals():
    app = SymnnApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await _practice_first_question(pilot, screen)
        for text in ["(", "__import__('os')", "q*", "1e999", "é", "yhat^yhat^yhat^9"]:
            screen.query_one("#answer").value = text
            await pilot.press("enter")
            await pilot.pause()
        await pilot.press("enter")  # empty: the answer is shown
        await pilot.pause()
        assert app.is_running and not app.errors
        assert screen.practice.position >= 1


async def test_practice_question_fits_at_80_by_24(screen_text):
    app = SymnnApp()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        await _practice_first_question(pilot, screen)
        text = screen_text(app)
        assert "local derivative" in text and "Step " in text and "esc Leave field" in text
        await pilot.press("escape")
        text = screen_text(app)
        assert "? Help" in text and "q Quit" in text and "t Practice" in text


async def test_at_80_by_24_the_footer_names_the_keys_to_type_f_and_its_values(screen_text):
    app = SymnnApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot)
        footer = screen_text(app).splitlines()[-1]
        for key in ("e f", "v Values", "np Step", "t Practice", "r Preset", "? Help", "q Quit"):
            assert key in footer, footer
        await pilot.resize_terminal(120, 34)
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        for key in ("e Expr", "v Values", "s Symbolic", "x Export"):
            assert key in footer, footer


async def test_at_80_by_24_practice_leaves_the_gradient_table_uncovered_and_its_score_whole(
        screen_text):
    app = SymnnApp()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        await _practice_first_question(pilot, screen)
        text = screen_text(app)
        assert "practice: 0 of 0, 0 first try" in text, text
        assert "Practice on" not in text and "Σ paths" in text, text


async def test_practice_off_gives_the_score_only_when_something_was_answered():
    app = SymnnApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await pilot.press("t", "t")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert "Practice off." in messages and not any("()" in m for m in messages), messages
        question = await _practice_first_question(pilot, screen)
        await pilot.press("enter", "enter")  # both parts of the first step shown
        await pilot.press("escape", "t")
        await pilot.pause()
        assert question is not None
        assert "Practice off (score 0 of 2 (0 at the first try))." in [
            n.message for n in app._notifications]


@pytest.mark.parametrize("size", [(80, 24), (120, 34)])
async def test_gradient_table_header_and_empty_state_are_not_cut(size, screen_text):
    app = SymnnApp()
    async with app.run_test(size=size) as pilot:
        screen = await _open(pilot)
        text = screen_text(app)
        assert "No gradient yet" in text and "has not started." in text and "…" not in text
        assert "Σ paths" in text
        await pilot.press("b", "n")
        text = screen_text(app)
        assert "Σ paths" in text and "∂L/∂node" in text and "has not started" not in text


async def test_gradient_table_never_shows_a_cut_number_at_80_columns(screen_text):
    import re

    app = SymnnApp(start="network")
    async with app.run_test(size=(80, 24)) as pilot:
        network = app.screen
        for _ in range(300):
            if network.paths:
                break
            await pilot.pause(0.05)
        await pilot.press("enter")  # W^(1)_0,0 to the stepper: gradients like -0.00701095
        screen = await _open(pilot)
        await pilot.press("z")
        await pilot.pause()
        text = screen_text(app)
        table = text[text.index("Gradients so far"):]
        rows = [line.split("││")[-1] for line in table.splitlines()[1:]]
        assert any(re.search(r"-0\.00701", row) for row in rows), table
        assert not any(re.search(r"\d…", row) for row in rows), table


@pytest.mark.parametrize("field, typed", [("expr", "w*x + b)"), ("values", "x=2,x=3")])
async def test_after_an_error_the_cursor_stays_in_the_field_to_correct_it(field, typed):
    app = SymnnApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await pilot.press("e", "ctrl+u", *"w*x + b + y", "enter")  # built: focus to the graph
        assert screen.focused is screen.query_one("#graph")
        await pilot.press("e" if field == "expr" else "v", "ctrl+u", *typed, "enter")
        field_widget = screen.query_one(f"#{field}")
        assert screen.query_one("#error").shown and screen.focused is field_widget
        await pilot.press("backspace", "2")  # corrected, not a screen switch
        assert type(app.screen).__name__ == "BackpropScreen"
        assert field_widget.value == typed[:-1] + "2"


async def _build(pilot, screen, expr: str, values: str) -> None:
    """Type ``expr`` with ``values`` into the fields and build its graph."""
    screen.query_one("#values").value = values
    screen.query_one("#expr").value = expr
    screen.query_one("#expr").focus()
    await pilot.press("enter")
    await pilot.pause()


async def test_node_labels_header_and_steps_read_as_typed(screen_text):
    app = SymnnApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await _build(pilot, screen, "(sigmoid(w*x+b) - y)^2", "w=0.5, x=2, b=0.1, y=1")
        text = screen_text(app)
        assert "σ(w·x + b) - y" in text  # the node label, as typed
        assert "-y + " not in text
        await pilot.press("a")  # the start: the header
        assert "L = (σ(w·x + b) - y)²" in screen_text(app)
        await pilot.press("z")  # the end: every step and the whole gradient table
        assert "-y + " not in screen_text(app)


async def test_a_typed_difference_keeps_its_order(screen_text):
    app = SymnnApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await _build(pilot, screen, "w*x + b - (y - yhat)", "w=1, x=2, b=3, y=4, yhat=5")
        await pilot.press("a")
        text = screen_text(app)
        assert "w·x + b - (y - yhat)" in text
        assert "y - yhat" in text and "-yhat" not in text


async def test_choosing_each_preset_from_the_list_puts_its_text_in_f(screen_text):
    app = SymnnApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await pilot.press("v", "ctrl+u", *"x=2, y=3", "enter")  # a typed one first
        await pilot.press("e", "ctrl+u", *"x*y", "enter")
        await pilot.pause()
        assert screen.query_one("#preset").value == -1 and screen.output.value == 6
        for index, preset in enumerate(PRESETS):
            await pilot.click("#preset")  # opens the list, as a learner does
            await pilot.pause()
            await pilot.press("home")  # the top of the list
            for _ in range(index):
                await pilot.press("down")
            await pilot.press("enter")
            await pilot.pause()
            assert screen.query_one("#expr").value == preset.text
            assert screen.source == preset.title and preset.title in screen_text(app)
        for _ in range(len(PRESETS)):  # r cycles: each preset's text again
            await pilot.press("r")
            await pilot.pause()
            assert screen.query_one("#expr").value == PRESETS[screen.preset_index].text


async def test_typed_values_are_read_by_one_rule_with_the_keys_a_learner_uses(screen_text):
    """Every value typed through the v field: a name not in the expression and a name given
    twice are refused by name, 1/2 and pi are numbers, and no exception class shows."""
    import re

    app = SymnnApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        seen = []

        async def values(text: str) -> None:
            await pilot.press("v", "ctrl+u", *text, "enter")
            await pilot.pause()
            seen.append(screen_text(app))

        await values("x=2, w=-3, b=1, y=1, q=5")  # the preset: q is not one of its names
        assert "q is not in" in seen[-1] and screen.output.value == pytest.approx(
            (1 / (1 + 2.718281828459045 ** 5) - 1) ** 2)
        await values("x=2, y=1")
        await pilot.press("e", "ctrl+u", *"x*y", "enter")
        await pilot.pause()
        assert screen.output.value == 2
        await values("x=2, x=3, y=1")
        assert "x is given twice" in seen[-1]
        await values("x=1/2, y=pi")
        assert not screen.query_one("#error").shown
        assert screen.output.value == pytest.approx(1.5707963267948966, rel=1e-15)
        await pilot.press("z")  # the end: every value and gradient on screen
        assert "x = 0.5" in screen_text(app) and "y = 3.14159" in screen_text(app)
        assert "= 1.5708" in screen_text(app)
        await values("x=2, y=3, z=1")
        assert "z is not in" in seen[-1]
        await pilot.press("escape", "v", "ctrl+u", "enter", "e", "ctrl+u", *"1e308*10", "enter")
        await pilot.pause()
        seen.append(screen_text(app))
        assert "too large" in seen[-1] and "oo" not in seen[-1].replace("too", "")
    for text in seen:
        assert not re.search(r"\b[A-Z]\w*(Error|Exception)\b", text), text


async def test_a_new_expression_drops_the_values_it_no_longer_uses_and_says_which(screen_text):
    app = SymnnApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)  # the perceptron preset: x=2, w=-3, b=1, y=1
        await pilot.press("e", "ctrl+u", *"x*x + sin(x)", "enter")
        await pilot.pause()
        assert not screen.query_one("#error").shown, screen_text(app)
        assert screen.query_one("#values").value == "x=2"
        assert screen.output.value == pytest.approx(4 + 0.9092974268256817, rel=1e-15)
        messages = [n.message for n in app._notifications]
        assert "dropped w, b, y: not in the new expression" in messages, messages
        # typed in the values field itself, an unknown name is still refused
        await pilot.press("v", "ctrl+u", *"x=1/2, q=max(1, 2)", "enter")
        await pilot.pause()
        assert "q is not in the expression" in screen_text(app)
        assert screen.output.value == pytest.approx(4 + 0.9092974268256817, rel=1e-15)


def test_dropping_values_keeps_the_others_as_typed():
    from tui.screens.backprop import _without

    assert _without("x=1/2, w=max(1, 2), b=pi", ["w"]) == "x=1/2, b=pi"
    assert _without("w=1", ["w"]) == ""


async def test_a_python_error_while_building_is_shown_in_words(monkeypatch, screen_text):
    real = sn.graph

    def overflows(text, **values):
        if text == "x*y + x":
            raise OverflowError("(34, 'Numerical result out of range')")
        return real(text, **values)

    app = SymnnApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        before = screen.output
        monkeypatch.setattr(sn, "graph", overflows)
        await pilot.press("e", *"x*y + x", "enter")
        await pilot.pause()
        assert screen.query_one("#error").shown and screen.output is before
        text = screen_text(app)
    assert "this expression cannot be built: A number too large to compute." in text
    assert "OverflowError" not in text and "Numerical result" not in text


async def test_r_shows_the_chosen_presets_name_in_title_and_list_before_it_is_built(
        monkeypatch):
    """While a preset is built (a second or more under load) the title and the Preset list
    on screen name that preset."""
    import dataclasses

    from tui.screens import backprop

    app = SymnnApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        seen, built = [], []

        def slow(preset):
            def build(values):
                title = str(screen.query_one("HeaderTitle").render())
                chosen = PRESETS[screen.query_one("#preset").selection].title
                seen.append((preset.title, title, chosen))
                built.append(preset.title)
                return preset.build(values)
            return dataclasses.replace(preset, build=build)

        monkeypatch.setattr(backprop, "PRESETS", tuple(slow(p) for p in PRESETS))
        await pilot.press("r", "r")
        for _ in range(100):
            if screen.output is not None and screen.source == PRESETS[2].title and built:
                break
            await pilot.pause(0.05)
        await pilot.pause()
        assert built == [PRESETS[1].title, PRESETS[2].title], built
        for preset_title, title, chosen in seen:
            assert preset_title in title and chosen == preset_title, (title, chosen)

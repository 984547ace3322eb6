"""How a step's local derivative reads: exact where SymPy derived it, typed decimals only for
an op's own parameters, and piecewise derivatives as cases rather than SymPy's constructor."""

import symnn as sn


def _local_text(text: str, **values: float) -> str:
    d = sn.graph(text, **values).derivation()
    return str(d).splitlines()


def test_sqrt_local_derivative_reads_exactly_one_over_two_root():
    lines = _local_text("sqrt(x)", x=4.0)
    step = next(line for line in lines if line.lstrip().startswith("1."))
    assert "1/(2·√x)" in step and "0.5" not in step, step


def test_a_typed_exponent_keeps_its_decimal_form():
    lines = _local_text("x^0.5", x=4.0)
    step = next(line for line in lines if line.lstrip().startswith("1."))
    assert "0.5" in step, step


def test_leaky_relu_derivative_reads_as_cases_with_its_slope():
    lines = _local_text("leaky_relu(x)", x=-2.0)
    step = next(line for line in lines if line.lstrip().startswith("1."))
    assert "{1 if x > 0, 0.01 otherwise}" in step, step
    assert "Piecewise" not in "\n".join(lines)

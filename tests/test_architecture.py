"""The architecture the import graph must keep: the layers of the NumPy backend and of the
symbolic side, the layers inside the scalar engine, the two sides apart, no SymPy on the
numeric paths, nothing in the library importing the app, private modules used only inside
their package, and no import circles anywhere. The contracts live in pyproject.toml
([tool.importlinter]); import-linter checks them."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# imports the contracts must report, each added inside a function (where a circle hides
# best) to a copy of the code: (file, imported module)
PROBES = {
    "symnn/symbolic/readable.py": "symnn.scalar.render",  # closes symbolic -> scalar -> symbolic
    "symnn/scalar/derivation.py": "symnn.scalar.node",  # closes node -> derivation -> node
    "symnn/scalar/ops.py": "symnn.scalar.registry",  # closes registry -> ops -> registry
    "tui/screens/help.py": "symnn.scalar.render",  # a module inside a package, from the app
    "symnn/commands/derive.py": "symnn.cli",  # closes cli -> commands -> cli
}


def _contracts() -> list[dict]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]


def _contract(name_start: str) -> dict:
    (found,) = [c for c in _contracts() if c["name"].startswith(name_start)]
    return found


@pytest.fixture(scope="module")
def probed_report(tmp_path_factory) -> tuple[int, str]:
    """lint-imports with the project's contracts on a copy of symnn and tui holding the probes."""
    copy = tmp_path_factory.mktemp("probed")
    for package in ("symnn", "tui"):
        shutil.copytree(ROOT / package, copy / package,
                        ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    for path, imported in PROBES.items():
        with open(copy / path, "a") as f:
            f.write(textwrap.dedent(f"""

                def _probe():
                    import {imported}

                    return {imported}
                """))
    (copy / "symnn" / "unplaced.py").write_text('"""A module no layer lists."""\n')
    run = subprocess.run(
        [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports; "
         "sys.exit(lint_imports(config_filename='pyproject.toml', no_cache=True))"],
        cwd=copy, env={"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=120)
    return run.returncode, " ".join(run.stdout.split())


def test_every_import_contract_in_pyproject_is_kept(capsys):
    from importlinter.cli import lint_imports

    status = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    report = capsys.readouterr().out
    assert status == 0, report
    assert "0 broken" in report and " kept" in report


def test_the_contracts_cover_layers_sympy_tui_private_modules_and_circles():
    contracts = _contracts()
    kinds = {c["type"] for c in contracts}
    assert {"layers", "forbidden", "private_modules", "acyclic_siblings"} <= kinds
    forbidden = {m for c in contracts if c["type"] == "forbidden" for m in c["forbidden_modules"]}
    assert {"sympy", "tui"} <= forbidden


def test_a_contract_the_code_breaks_is_reported_broken(tmp_path, capsys):
    """The check is not vacuous: a contract forbidding an import the code has (nn uses the
    tensor backend) fails, naming the import."""
    from importlinter.cli import lint_imports

    config = tmp_path / "contracts.toml"
    config.write_text(
        '[tool.importlinter]\nroot_packages = ["symnn"]\n\n'
        '[[tool.importlinter.contracts]]\nname = "probe"\ntype = "forbidden"\n'
        'source_modules = ["symnn.nn"]\nforbidden_modules = ["symnn.tensor"]\n')
    assert lint_imports(config_filename=str(config), no_cache=True) != 0
    assert "symnn.nn.module -> symnn.tensor" in " ".join(capsys.readouterr().out.split())


def test_no_circles_is_checked_in_every_package_of_symnn_and_tui_with_no_exceptions():
    circles = _contract("no import circles")
    assert circles["type"] == "acyclic_siblings"
    assert set(circles["ancestors"]) == {"symnn", "tui"}
    assert not circles.get("skip_descendants") and not circles.get("ignore_imports")
    assert circles.get("depth", 10) >= 4  # symnn.nn.functional.losses is 4 deep


def _depth(layers: list[str]) -> dict[str, int]:
    """module -> its layer's index, counted from the top."""
    return {m.strip(): i for i, layer in enumerate(layers) for m in layer.split("|")}


def test_every_module_of_symnn_has_its_layer_both_sides_in_order():
    whole = _contract("layers:")
    assert whole["type"] == "layers" and whole["containers"] == ["symnn"]
    assert whole["exhaustive"] is True
    depth = _depth(whole["layers"])
    numeric = ["experiments", "train", "optim", "nn", "tensor"]
    symbolic = ["cli", "commands", "testing", "practice", "scalar", "symbolic", "unary"]
    for chain in (numeric, symbolic):
        assert [depth[m] for m in chain] == sorted({depth[m] for m in chain}), chain
    assert depth["optim"] == depth["data"] and depth["explain"] == depth["lab"]


def test_the_scalar_engine_is_layered_with_the_node_above_its_derivation():
    engine = _contract("inside the scalar engine")
    assert engine["containers"] == ["symnn.scalar"] and engine["exhaustive"] is True
    assert engine["layers"].index("node") < engine["layers"].index("derivation") < \
        engine["layers"].index("render")


def test_an_import_inside_a_function_that_closes_a_circle_is_reported(probed_report):
    """Each probe is a lazy import, the kind that used to hide the circles; the contracts
    name it."""
    status, report = probed_report
    assert status != 0
    for path, imported in PROBES.items():
        importer = path.removesuffix(".py").replace("/", ".")
        assert f"{importer} -> {imported}" in report, (importer, report)
    assert "No cycles are allowed in symnn." in report
    assert "No cycles are allowed in symnn.scalar." in report
    broken = report[report.index("Broken contracts"):]
    for name in ("layers:", "inside the scalar engine", "no import circles",
                 "tui imports only symnn's public names"):
        assert name in broken


def test_a_new_module_of_symnn_that_no_layer_lists_is_reported(probed_report):
    status, report = probed_report
    assert "symnn.unplaced" in report[report.index("Broken contracts"):]


def test_tui_may_import_symnn_and_its_packages_but_no_module_inside_them():
    public = _contract("tui imports only")
    assert public["type"] == "forbidden" and public["source_modules"] == ["tui"]
    assert {"symnn.*.*", "symnn.commands", "symnn.cli"} <= set(public["forbidden_modules"])
    assert public["allow_indirect_imports"] is True  # symnn.scalar itself imports its modules
    assert all(rule.startswith("tui.** -> symnn.") for rule in public["ignore_imports"])


def test_the_deep_modules_tui_may_import_are_exactly_those_their_packages_list_as_public():
    """The allowed exceptions are not a free list: each is a submodule its package puts in
    ``__all__`` (symnn.nn.functional, symnn.train.pipeline, ...), and every such submodule is
    allowed."""
    import importlib
    import types

    import symnn

    declared = set()
    for package_name in symnn._SUBMODULES:
        package = importlib.import_module(f"symnn.{package_name}")
        for name in getattr(package, "__all__", ()):
            value = getattr(package, name)
            if isinstance(value, types.ModuleType) and value.__name__ == f"{package.__name__}.{name}":
                declared.add(value.__name__)
    allowed = {rule.split(" -> ")[1] for rule in _contract("tui imports only")["ignore_imports"]}
    assert allowed == declared
    assert {"symnn.nn.functional", "symnn.train.pipeline"} <= allowed



def _sources() -> list[Path]:
    return sorted([*ROOT.glob("symnn/**/*.py"), *ROOT.glob("tui/**/*.py")])


def test_every_lazy_package_namespace_comes_from_the_one_helper():
    """A package's ``__getattr__`` is ``lazy_exports(...)`` from symnn/_lazy.py, never a
    hand-written copy."""
    import ast

    for path in _sources():
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef):
                assert node.name != "__getattr__", path
            if isinstance(node, ast.Assign) and "__getattr__" in ast.unparse(node.targets[0]):
                assert ast.unparse(node.value).startswith("lazy_exports("), path


def test_only_the_two_names_that_are_both_a_module_and_a_function_make_their_module_callable():
    """``sn.tensor(data)`` and ``sn.explain(model, ...)`` are functions while ``symnn.tensor``
    and ``symnn.explain`` are documented modules; they use the one helper, and no module
    changes a module's class by itself."""
    swapping = {str(path.relative_to(ROOT)) for path in _sources()
                if ".__class__ =" in path.read_text()}
    assert swapping == {"symnn/_lazy.py"}
    callers = {str(path.relative_to(ROOT)) for path in _sources()
               if "callable_module(__name__" in path.read_text()}
    assert callers == {"symnn/explain.py", "symnn/tensor/__init__.py"}


@pytest.mark.parametrize("first", ["", "import symnn.symbolic.convexity, symnn.testing.finite_differences; "])
def test_a_public_name_means_the_same_thing_whatever_was_imported_first(first):
    """A package's name for a submodule is rebound to the module when the submodule is
    imported, so a function may not share a submodule's name: sn.convexity and
    sn.testing.gradcheck stay functions and sn.symbolic.convexity stays the module."""
    code = (first + "import types, symnn as sn; "
            "print(callable(sn.convexity), callable(sn.testing.gradcheck), "
            "isinstance(sn.symbolic.convexity, types.ModuleType))")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert run.stdout.split() == ["True", "True", "True"], run.stderr

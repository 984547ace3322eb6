"""The architecture the import graph must keep: the layers of the NumPy backend, the scalar and
symbolic side apart from it, no SymPy on the numeric paths, nothing in the library importing
the app, private modules used only inside their package, and no import circles. The
contracts live in pyproject.toml ([tool.importlinter]); import-linter checks them."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_import_contract_in_pyproject_is_kept(capsys):
    from importlinter.cli import lint_imports

    status = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    report = capsys.readouterr().out
    assert status == 0, report
    assert "0 broken" in report and " kept" in report


def test_the_contracts_cover_layers_sympy_tui_private_modules_and_circles():
    import tomllib

    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"][
        "contracts"]
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

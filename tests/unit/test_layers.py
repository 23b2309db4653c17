"""The layering of chalicelib is checked: import-linter's contracts in pyproject.toml (api and events
over domain over dal and mail, the domain without storage models or the AWS SDK, no import cycle)
hold, and the checker does report a broken contract."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = str(Path(sys.executable).parent / "lint-imports")


def _lint(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([LINT_IMPORTS, "--no-cache", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=600, check=False)


def test_the_import_contracts_are_kept() -> None:
    result = _lint()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_contracts_say_what_the_layers_are() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    contracts = {c["id"]: c for c in config["contracts"]}
    assert contracts["layers"]["layers"][:3] == [
        "chalicelib.api | chalicelib.events", "chalicelib.domain", "chalicelib.dal | chalicelib.mail"]
    assert {"chalicelib.dal.models", "chalicelib.dal.store", "pynamodb", "boto3"} <= set(
        contracts["domain-without-storage"]["forbidden_modules"])
    assert contracts["domain-without-storage"]["source_modules"] == ["chalicelib.domain"]
    assert contracts["no-cycles"]["type"] == "acyclic_siblings"
    assert contracts["no-cycles"]["ancestors"] == ["chalicelib"]


def test_a_broken_layer_fails_the_check(tmp_path: Path) -> None:
    # The domain reads through dal, so dal over domain can never hold: the checker must say so
    upside_down = tmp_path / "contracts.toml"
    upside_down.write_text(
        '[tool.importlinter]\nroot_packages = ["chalicelib"]\n\n'
        '[[tool.importlinter.contracts]]\nname = "upside down"\ntype = "layers"\n'
        'layers = ["chalicelib.dal", "chalicelib.domain"]\n'
    )
    result = _lint(str(upside_down))
    assert result.returncode != 0
    assert "upside down BROKEN" in result.stdout
    assert "chalicelib.domain is not allowed to import chalicelib.dal:" in result.stdout

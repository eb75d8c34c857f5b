"""The command line a new user meets first."""

import subprocess
import sys

import pytest

from sitegen.cli import main


@pytest.mark.parametrize("command", ["import", "build", "serve", "topics"])
def test_every_subcommand_explains_itself_with_an_example(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "example" in out
    assert f"sitegen {command}" in out


def test_python_dash_m_runs_the_cli():
    result = subprocess.run(
        [sys.executable, "-m", "sitegen", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert "import" in result.stdout and "build" in result.stdout and "serve" in result.stdout

"""The command line a new user meets first."""

import subprocess
import sys
from pathlib import Path

import pytest

from sitegen.cli import main
from sitegen.readers import READERS


@pytest.mark.parametrize("command", ["import", "build", "serve", "topics"])
def test_every_subcommand_explains_itself_with_an_example(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "example" in out
    assert f"sitegen {command}" in out


def test_import_help_names_every_format_the_readers_know(capsys):
    """The help names every reader of READERS (cli.py writes the list out, so as not to import
    the readers at start), and no format they do not read."""
    with pytest.raises(SystemExit):
        main(["import", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "(.txt)" not in out
    for reader in READERS:
        assert f"{reader.NAME} ({', '.join(reader.EXTENSIONS)})" in out
    from sitegen.cli import LISTING_FORMATS

    assert ", ".join(f"{r.NAME} ({', '.join(r.EXTENSIONS)})" for r in READERS) == LISTING_FORMATS


def test_python_dash_m_runs_the_cli():
    result = subprocess.run(
        [sys.executable, "-m", "sitegen", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert "import" in result.stdout and "build" in result.stdout and "serve" in result.stdout


@pytest.mark.parametrize("closed", ["stdout", "stderr"])
def test_a_command_whose_reader_goes_away_finishes_its_work_quietly(sample_project: Path, closed):
    """`sitegen build | head -1`, or its messages piped and dropped: the site is built and the
    import done, as without the pipe; no error, no traceback, the command's own exit status."""
    listing = Path(__file__).parent / "data/listings/daily.txt"
    papers = sample_project / "content/papers"
    before = set(papers.glob("*.md"))
    for command in (["import", str(listing)], ["build"]):
        process = subprocess.Popen(
            [sys.executable, "-m", "sitegen", *command],
            cwd=sample_project,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        getattr(process, closed).close()  # before the command says anything
        kept = process.stderr if closed == "stdout" else process.stdout
        said = kept.read()
        kept.close()
        assert process.wait() == 0, said
        assert "error" not in said.lower() and "Traceback" not in said
    added = set(papers.glob("*.md")) - before
    assert added, "the import wrote its papers"
    assert all((sample_project / "public/papers" / f"{path.stem}.html").is_file() for path in added)

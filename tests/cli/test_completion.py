"""Shell completion: the shipped scripts match the parser, and bash really completes with them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from ticketops.cli import completion_gen
from ticketops.cli.main import main


@pytest.mark.parametrize("shell", completion_gen.SHELLS)
def test_the_shipped_script_is_what_the_parser_generates(shell: str) -> None:
    shipped = (completion_gen.FOLDER / completion_gen.FILES[shell]).read_text(encoding="utf-8")
    assert shipped == completion_gen.generate(shell), (
        f"src/ticketops/cli/completions/{completion_gen.FILES[shell]} is stale: run `make completions`"
    )


def test_completion_prints_the_shipped_script(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["completion", "zsh"]) == 0
    assert capsys.readouterr().out == (completion_gen.FOLDER / "_ticketops").read_text(encoding="utf-8")


def _complete(script: Path, *words: str) -> list[str]:
    """What bash offers after ``words`` (the last one is being typed)."""
    line = " ".join(words)
    cmd = (
        f"source {script}; COMP_WORDS=({' '.join(repr(w) for w in words)}); COMP_CWORD={len(words) - 1}; "
        f"COMP_LINE={line!r}; COMP_POINT={len(line)}; _shtab_ticketops; printf '%s\\n' \"${{COMPREPLY[@]}}\""
    )
    out = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, check=True).stdout
    return out.split()


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completes_commands_options_and_choices(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["completion", "bash"]) == 0
    script = tmp_path / "ticketops.bash"
    script.write_text(capsys.readouterr().out)

    assert _complete(script, "ticketops", "mo") == ["move"]
    assert "--status" in _complete(script, "ticketops", "list", "--st")
    assert _complete(script, "ticketops", "list", "-o", "") == ["table", "json", "tsv", "yaml"]

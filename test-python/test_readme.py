"""Every Python block of the README runs as written against the wheel (the quick start
synthesizes a template). test/readme/readme.test.ts does the same for the TypeScript blocks."""
import contextlib
import io
import os
import pathlib
import re

import pytest

README = (pathlib.Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```python\n(.*?)```", README, re.S)


def test_the_readme_has_python_blocks_for_the_quick_start_and_the_patterns():
    assert any("IamChangeAlerting(stack" in block for block in BLOCKS)
    assert any("patterns.IamEventPattern" in block for block in BLOCKS)


@pytest.mark.parametrize("block", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_block_runs_as_written(block, tmp_path, monkeypatch):
    monkeypatch.setenv("CDK_OUTDIR", str(tmp_path))
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(block, "README.md", "exec"), {"__name__": "__readme__"})
    if "app.synth()" in block:
        assert any(name.endswith(".template.json") for name in os.listdir(tmp_path))

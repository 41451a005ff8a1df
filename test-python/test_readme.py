"""Every Python block of the README runs as written against the wheel (the quick start
synthesizes a template). test/readme/readme.test.ts does the same for the TypeScript blocks.

Each block runs in its own interpreter: the jsii runtime's Node.js process reads the environment
(CDK_OUTDIR) once, when the first jsii call starts it, so an in-process run could not point the
app at a fresh output folder."""
import os
import pathlib
import re
import subprocess
import sys

import pytest

README = (pathlib.Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```python\n(.*?)```", README, re.S)


def test_the_readme_has_python_blocks_for_the_quick_start_and_the_patterns():
    assert any("IamChangeAlerting(stack" in block for block in BLOCKS)
    assert any("patterns.IamEventPattern" in block for block in BLOCKS)


@pytest.mark.parametrize("block", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_block_runs_as_written(block, tmp_path):
    outdir = tmp_path / "cdk.out"
    env = {**os.environ, "CDK_OUTDIR": str(outdir)}
    result = subprocess.run([sys.executable, "-c", block], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    if "app.synth()" in block:
        assert any(name.endswith(".template.json") for name in os.listdir(outdir))

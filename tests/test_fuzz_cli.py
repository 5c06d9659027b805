"""Fuzzing the command line: random overrides never end in a traceback or touch earlier results.

Hypothesis draws a few overrides (valid keys, mistyped keys, random keys; with or without ``+``,
``++`` or ``~``; numbers, text, lists, mappings, interpolations, sweeps) and runs ``ecosim`` in
this process (``sys.argv`` patched, ``SystemExit`` caught) on a tiny ecosystem. Whatever the
input, the exit status is 0, 1 or 2, stderr holds no traceback, a refused input (status 2)
creates no directory, and an earlier run's files stay byte for byte what they were.

Values are bounded (integers up to 1000, floats in [-2, 2] besides inf and nan): this test is
about the command line's handling of input, and must not allocate memory other users need.
``FUZZ_EXAMPLES=500 pytest tests/test_fuzz_cli.py`` runs a longer hunt than the default 40.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.cli.app import main as ecosim_main

pytestmark = pytest.mark.slow

SIZES = ["steps=2", "n_smbs=15", "n_partners=3"]
VALID_KEYS = [
    "seed",
    "replicate",
    "platform.fee",
    "platform.network_effect",
    "platform.governance",
    "platform.per_platform",
    "alliance.base_hazard",
    "smb.cash_cap_months",
    "smb.initial_cash_months",
    "partner.support_service_share",
    "market.n_sectors",
    "n_platforms",
    "strategy",
    "scenario",
    "shock",
    "strategy.partners",
    "strategy.platforms",
    "strategy.shares.platform_first",
    "shocks.0.target",
    "shocks.0.start",
    "twin",
    "force",
    "design",
    "design_point",
    "resilience.robustness_steps",
]
MISTYPED_KEYS = [
    "platform.fe",
    "alliance.base_hazzard",
    "foo",
    "smb.fee",
    "strategy.foo",
    "strategy.params.phased.pilot_step",
    "shocks",
    "platform",
]
SPECIAL_VALUES = [
    "",
    "null",
    "[]",
    "{}",
    "[1, 2]",
    "true",
    "sector:²",
    "sector:1",
    "largest",
    "0",
    "-1",
    "1,2",
    "range(2)",
    "${seed}",
    "${nope}",
    "'x y'",
    "{fee: 0.1}",
    "[{fee: 0.1}]",
    "[{fe: 0.1}]",
    "[{kind: demand_shock, start: 1}]",
    "1e12",
    "10^12",
    "mix",
    "platform_first",
    "multi_homing",
    "default",
    "local_bakery",
    "demand_drop",
    "nope.json",
]

keys = st.one_of(
    st.sampled_from(VALID_KEYS),
    st.sampled_from(VALID_KEYS),
    st.sampled_from(MISTYPED_KEYS),
    st.from_regex(r"[a-z][a-z_.]{0,14}", fullmatch=True).filter(lambda k: not k.startswith("hydra")),
)
values = st.one_of(
    st.sampled_from(SPECIAL_VALUES),
    st.integers(-3, 1000).map(str),
    st.floats(-2, 2).map(repr),
    st.sampled_from(["nan", "inf", "-inf"]),
    st.text(st.characters(codec="utf-8", exclude_characters=",\n\r\x00"), max_size=8),
)
overrides = st.builds(
    lambda prefix, key, value: f"{prefix}{key}={value}", st.sampled_from(["", "+", "++"]), keys, values
)
deletions = st.builds(lambda key: f"~{key}", keys)
command_lines = st.lists(st.one_of(overrides, overrides, overrides, deletions), min_size=1, max_size=3)


def _snapshot(root: Path) -> dict[str, str]:
    """Every path under ``root`` with a hash of its content ("" for directories)."""
    if not root.exists():
        return {}
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else ""
        for p in root.rglob("*")
    }


def _run(args: list[str]) -> int:
    argv, sys.argv = sys.argv, ["ecosim", *args]
    try:
        ecosim_main()
        return 0
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    finally:
        sys.argv = argv


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A working directory holding one earlier run."""
    path = tmp_path_factory.mktemp("fuzz")
    cwd = os.getcwd()
    os.chdir(path)
    try:
        assert _run(SIZES) == 0
    finally:
        os.chdir(cwd)
    return path


@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "40")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(args=command_lines, sweep=st.booleans())
def test_random_overrides_exit_cleanly_and_leave_earlier_results_alone(args, sweep, workdir, capsys) -> None:
    """Exit status 0, 1 or 2; no traceback; nothing written for a refused input; the earlier
    run untouched."""
    results = workdir / "results"
    before = _snapshot(results)
    earlier = {k: v for k, v in before.items() if k.startswith("default/")}
    cwd = os.getcwd()
    os.chdir(workdir)
    try:
        status = _run([*(["-m"] if sweep else []), *SIZES, *args])
    finally:
        os.chdir(cwd)
    out, err = capsys.readouterr()
    assert status in (0, 1, 2), (args, err)
    assert "Traceback" not in err and "Traceback" not in out, (args, err)
    after = _snapshot(results)
    if status == 2:
        assert after == before, (args, sorted(set(after) - set(before)))
        assert err.strip().count("\n") == 0 or all(
            line.startswith(("sweep:", "simulating:")) for line in err.strip().splitlines()[:-1]
        ), (args, err)
    assert {k: after.get(k) for k in earlier} == earlier, args

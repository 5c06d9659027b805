"""Faults: damaged results, killed and concurrent sweeps, full or read-only disks, bad input.

Every test here plants a fault and checks that it is detected and reported in one line, that
nothing earlier is lost or reused when it should not be, and that the exit status is the one the
README promises (2 for bad input, 1 for a failed run). The last group are mutation-style tests
of the shock and twin machinery: each fails if one line of that machinery is broken.
"""

from __future__ import annotations

import errno
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import ecosim, sweep_dirs

from simulator import EcosystemModel, ModelConfig
from simulator.analysis.collect import collect
from simulator.analysis.collect import main as collect_main
from simulator.analysis.compare import main as compare_main
from simulator.cli.app import main as ecosim_main
from simulator.cli.app import run_job
from simulator.config import ShockConfig
from simulator.errors import ConfigError
from simulator.run.manifest import MANIFEST_FILE, verify_run
from simulator.run.resources import check_memory, estimate_bytes
from simulator.run.resume import ERROR_FILE, SKIPPED_FILE, ResultIndex, config_hash
from simulator.run.runner import OUTPUT_FILES

TINY = ModelConfig(n_smbs=20, n_partners=4, steps=3)
TINY_ARGS = ["steps=3", "n_smbs=20", "n_partners=4"]


def _job(results: Path, name: str, config: ModelConfig = TINY) -> dict:
    """Run one sweep job into ``results/sweep/<name>`` (made a job directory as Hydra does, with
    a ``.hydra`` folder) with its index under ``results``."""
    return run_job(config, _hydra_job(results / "sweep", name), sweeping=True, results_dir=results)


def _hydra_job(sweep: Path, name: str) -> Path:
    """A directory the collector takes for a job (it holds a ``.hydra`` folder)."""
    (sweep / name / ".hydra").mkdir(parents=True)
    return sweep / name


def _stderr_lines(text: str) -> list[str]:
    """Non-empty stderr lines, progress bars (carriage-return redraws) left out."""
    lines = [part.strip() for line in text.splitlines() for part in line.split("\r")]
    return [line for line in lines if line and not line.startswith(("sweep:", "simulating:"))]


def call_ecosim(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the ``ecosim`` entry point in this process; return (exit status, stdout, stderr)."""
    argv = sys.argv
    sys.argv = ["ecosim", *args]
    try:
        ecosim_main()
        status = 0
    except SystemExit as stop:
        status = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    finally:
        sys.argv = argv
    out, err = capsys.readouterr()
    return status, out, err


# --------------------------------------------------------------------------- damaged results


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:50])


def _garbage(path: Path) -> None:
    path.write_bytes(b"not a parquet file")


DAMAGE = {
    "truncated summary.json": lambda run: _truncate(run / "summary.json"),
    "missing timeseries.parquet": lambda run: (run / "timeseries.parquet").unlink(),
    "garbage events.parquet": lambda run: _garbage(run / "events.parquet"),
    "missing manifest": lambda run: (run / MANIFEST_FILE).unlink(),
    "edited summary.json, same size": lambda run: (run / "summary.json").write_text(
        (run / "summary.json").read_text().replace("0", "1", 1)
    ),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_run_is_detected_rerun_and_not_collected(damage: str, tmp_path: Path, capsys) -> None:
    """Each kind of damage makes the earlier run fail verification: the next sweep reruns it
    (saying so in one line) and the collector reports it in one line instead of reading it."""
    results = tmp_path / "results"
    first = _job(results, "0_first")
    assert "skipped" not in first and "failed" not in first
    run = results / "sweep" / "0_first"
    assert verify_run(run) is None
    DAMAGE[damage](run)
    problem = verify_run(run)
    assert problem is not None
    assert ResultIndex(results).lookup(config_hash(TINY)).problem is not None
    capsys.readouterr()

    again = _job(results, "1_again")
    out = capsys.readouterr().out
    assert "skipped" not in again and "failed" not in again, again
    rerun_lines = [line for line in out.splitlines() if "rerunning" in line]
    assert len(rerun_lines) == 1 and "damaged" in rerun_lines[0]
    assert verify_run(results / "sweep" / "1_again") is None
    assert ResultIndex(results).finished(config_hash(TINY)) == (results / "sweep" / "1_again").resolve()

    collected = collect(results / "sweep")
    assert [job.name for job, _ in collected.damaged] == ["0_first"]
    assert len(collected.runs) == 1 and collected.runs.job.tolist() == ["1_again"]


def test_collector_reports_each_damaged_run_in_one_line_and_collects_the_rest(tmp_path: Path, capsys) -> None:
    """ecosim-collect: one line per damaged run, the rest collected, exit status 1, no traceback."""
    sweep = tmp_path / "sweep"
    for i, seed in enumerate((1, 2, 3, 4)):
        run_job(replace(TINY, seed=seed), _hydra_job(sweep, f"{i}_job"), sweeping=True, results_dir=tmp_path)
    _truncate(sweep / "0_job" / "summary.json")
    _garbage(sweep / "1_job" / "timeseries.parquet")
    # a skipped job pointing to a run that was deleted since
    (_hydra_job(sweep, "4_skipped") / SKIPPED_FILE).write_text(json.dumps({"previous_run": str(tmp_path / "gone")}))
    capsys.readouterr()
    status = collect_main([str(sweep)])
    out, err = capsys.readouterr()
    assert status == 1 and err == ""
    damaged = [line for line in out.splitlines() if "damaged" in line]
    assert len(damaged) == 2 and "0_job" in damaged[0] and "1_job" in damaged[1]
    assert any("unfinished" in line and "4_skipped" in line for line in out.splitlines())
    assert sorted(pd.read_parquet(sweep / "runs.parquet").seed) == [3, 4]


def test_collector_refuses_a_missing_directory_with_status_2(tmp_path: Path, capsys) -> None:
    """A path that is not a sweep is bad input: one line, exit status 2."""
    assert collect_main([str(tmp_path / "nope")]) == 2
    assert len(_stderr_lines(capsys.readouterr().err)) == 1


def test_compare_reports_bad_input_and_failures_in_one_line(tmp_path: Path, capsys, monkeypatch) -> None:
    """ecosim-compare: a missing sweep or an unknown column is bad input (status 2); a failure
    while writing the report is status 1; each is one line."""
    assert compare_main([str(tmp_path / "nope")]) == 2
    assert len(_stderr_lines(capsys.readouterr().err)) == 1
    sweep = tmp_path / "sweep"
    for i, seed in enumerate((1, 2)):
        run_job(replace(TINY, seed=seed), _hydra_job(sweep, f"{i}_job"), sweeping=True, results_dir=tmp_path)
    capsys.readouterr()
    assert compare_main([str(sweep), "--by", "nope"]) == 2
    lines = _stderr_lines(capsys.readouterr().err)
    assert len(lines) == 1 and "'nope' is not a column" in lines[0]

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(sweep / "report"))

    monkeypatch.setattr("simulator.analysis.compare.plot_levels", disk_full)
    assert compare_main([str(sweep), "--by", "seed"]) == 1
    lines = _stderr_lines(capsys.readouterr().err)
    assert len(lines) == 1 and "No space left on device" in lines[0]


# --------------------------------------------------------------------------- killed jobs


def test_a_job_killed_before_its_manifest_is_rerun(tmp_path: Path, monkeypatch) -> None:
    """A job interrupted after its files are in place but before the manifest counts as not done."""
    results = tmp_path / "results"

    def killed(*args, **kwargs):
        raise KeyboardInterrupt  # not an Exception: nothing in the job may catch it, as with a kill

    monkeypatch.setattr("simulator.run.runner.write_manifest", killed)
    with pytest.raises(KeyboardInterrupt):
        _job(results, "0_killed")
    killed_dir = results / "sweep" / "0_killed"
    assert (killed_dir / "summary.json").exists() and not (killed_dir / MANIFEST_FILE).exists()
    assert not list(killed_dir.glob(".staging-*"))
    assert ResultIndex(results).finished(config_hash(TINY)) is None
    monkeypatch.undo()
    again = _job(results, "1_again")
    assert "skipped" not in again and "failed" not in again
    collected = collect(results / "sweep")
    assert [(job.name, problem) for job, problem in collected.damaged] == [("0_killed", verify_run(killed_dir))]
    assert collected.runs.job.tolist() == ["1_again"]


@pytest.mark.slow
def test_a_killed_sweep_resumes_with_nothing_lost_or_duplicated(tmp_path: Path) -> None:
    """SIGKILL a sweep half way: the rerun runs exactly the jobs that had not finished, and the
    collected results hold every configuration once."""
    seeds = list(range(1, 7))
    sizes = ["steps=30", "n_smbs=200"]
    args = [sys.executable, "-m", "simulator", "-m", f"seed={','.join(map(str, seeds))}", *sizes]
    proc = subprocess.Popen(args, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        if len(list(tmp_path.glob("results/.index/*.json"))) >= 2:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    # a run is done once its verified files are recorded in the index; a job killed between
    # writing its manifest and recording it is rerun (its directory is left, unreferenced)
    indexed = {Path(json.loads(p.read_text())["run_dir"]) for p in tmp_path.glob("results/.index/*.json")}
    manifests = tmp_path.glob(f"results/sweeps/*/*/{MANIFEST_FILE}")
    done_before = {p.parent for p in manifests if p.parent.resolve() in indexed}
    assert 2 <= len(done_before) < len(seeds), "the sweep should be killed half way"
    assert all(verify_run(run) is None for run in done_before)

    rerun = ecosim("-m", f"seed={','.join(map(str, seeds))}", *sizes, cwd=tmp_path)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    ran, skipped = len(seeds) - len(done_before), len(done_before)
    assert f"{ran} jobs ran, {skipped} skipped" in rerun.stdout
    collected = collect(sweep_dirs(tmp_path)[-1])
    assert sorted(collected.runs.seed) == seeds
    assert collected.reused == skipped and not collected.failed and not collected.damaged
    assert {Path(d).resolve() for d in collected.runs.run_dir} >= {d.resolve() for d in done_before}


# --------------------------------------------------------------------------- concurrency


def _record_many(root: str, key: str, n: int, queue) -> None:
    index = ResultIndex(root)
    errors = 0
    for i in range(n):
        try:
            index.record(key, Path(root) / f"run_{os.getpid()}_{i}")
            index.lookup(key)
        except Exception:
            errors += 1
    queue.put(errors)


def test_concurrent_index_writes_on_one_key_never_fail(tmp_path: Path) -> None:
    """8 processes x 100 index writes (and reads) of one key: no error, a whole entry at the end,
    and no temporary file left behind (all wrote the same temporary name before)."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    workers = [context.Process(target=_record_many, args=(str(tmp_path), "k", 100, queue)) for _ in range(8)]
    for worker in workers:
        worker.start()
    errors = [queue.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join()
    assert errors == [0] * 8
    assert json.loads((tmp_path / ".index" / "k.json").read_text())["run_dir"].startswith(str(tmp_path))
    assert sorted(p.name for p in (tmp_path / ".index").iterdir()) == ["k.json"]


def _run_same_job(results: str, name: str, queue) -> None:
    out = run_job(TINY, Path(results) / "sweep" / name, sweeping=True, results_dir=results)
    queue.put("failed" if "failed" in out else "skipped" if "skipped" in out else "ran")


def test_jobs_of_one_configuration_run_at_once_run_it_once(tmp_path: Path) -> None:
    """Four processes start the same configuration together: one runs it, three wait and reuse
    it, none fails (a lost race used to mark a complete job failed)."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    workers = [context.Process(target=_run_same_job, args=(str(tmp_path), f"{i}_job", queue)) for i in range(4)]
    for worker in workers:
        worker.start()
    outcomes = sorted(queue.get(timeout=120) for _ in workers)
    for worker in workers:
        worker.join()
    assert outcomes == ["ran", "skipped", "skipped", "skipped"]


@pytest.mark.slow
def test_two_identical_sweeps_started_together_run_each_configuration_once(tmp_path: Path) -> None:
    """Two `ecosim -m` over the same 4 configurations, started together: 4 runs in all, 4 reuses."""
    args = [sys.executable, "-m", "simulator", "-m", "seed=1,2,3,4", "steps=10", "n_smbs=100"]
    procs = [subprocess.Popen(args, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)]
    procs.append(subprocess.Popen(args, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err[-1500:] for _, err in outputs]
    ran = skipped = 0
    for out, _ in outputs:
        line = next(line for line in out.splitlines() if line.startswith("sweep "))
        ran += int(line.split(": ")[1].split(" jobs ran")[0])
        skipped += int(line.split("ran, ")[1].split(" skipped")[0])
    assert (ran, skipped) == (4, 4)
    runs = [p for p in tmp_path.glob(f"results/sweeps/*/*/{MANIFEST_FILE}")]
    assert len(runs) == 4


# --------------------------------------------------------------------------- full and read-only disks


def test_a_full_disk_fails_the_job_in_one_line_and_leaves_no_partial_outputs(tmp_path: Path, monkeypatch, capsys):
    """ENOSPC while writing: the job fails (the sweep goes on), its directory holds error.txt and
    no half-written outputs, nothing is indexed, and the next job of the sweep still runs."""
    import pyarrow.parquet as pq

    results = tmp_path / "results"
    real = pq.ParquetWriter.write_table

    def disk_full(self, table, *args, **kwargs):  # every parquet file is written through a ParquetWriter
        if "events" in str(self.where):
            raise OSError(errno.ENOSPC, "No space left on device", str(self.where))
        return real(self, table, *args, **kwargs)

    monkeypatch.setattr(pq.ParquetWriter, "write_table", disk_full)
    out = _job(results, "0_full")
    assert "failed" in out and "No space left on device" in out["failed"]
    job = results / "sweep" / "0_full"
    assert sorted(p.name for p in job.iterdir()) == [".hydra", ERROR_FILE]
    assert ResultIndex(results).finished(config_hash(TINY)) is None
    lines = _stderr_lines(capsys.readouterr().err)
    assert len(lines) == 1 and "No space left on device" in lines[0] and "Traceback" not in lines[0]
    monkeypatch.undo()
    assert "failed" not in _job(results, "1_next")


def test_an_index_that_cannot_be_written_fails_the_job_in_one_line(tmp_path: Path, monkeypatch, capsys) -> None:
    """The index write is part of the job: if it fails, the job is failed with one line, not a traceback."""

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", str(tmp_path / "results" / ".index"))

    monkeypatch.setattr("simulator.run.resume.write_atomic", read_only)
    out = _job(tmp_path / "results", "0_job")
    assert "failed" in out and "Read-only file system" in out["failed"]
    lines = _stderr_lines(capsys.readouterr().err)
    assert len(lines) == 1 and "Read-only file system" in lines[0]


def test_a_single_run_that_fails_is_one_line_with_status_1(tmp_path: Path, monkeypatch, capsys) -> None:
    """A run (not a sweep) that raises: one stderr line naming the cause and error.txt, exit 1."""
    monkeypatch.chdir(tmp_path)

    def broken(*args, **kwargs):
        raise MemoryError("Unable to allocate 7.3 TiB for an array")

    monkeypatch.setattr("simulator.cli.app.run_simulation", broken)
    status, _, err = call_ecosim(TINY_ARGS, capsys)
    lines = _stderr_lines(err)
    assert status == 1 and len(lines) == 1, err
    assert "MemoryError" in lines[0] and ERROR_FILE in lines[0]
    (error_file,) = tmp_path.glob(f"results/*/*/{ERROR_FILE}")
    assert "Traceback" in error_file.read_text()


def test_a_read_only_results_directory_is_one_line_with_status_1(tmp_path: Path, monkeypatch, capsys) -> None:
    """Results that cannot be written stop a sweep before its first job, in one line."""
    monkeypatch.chdir(tmp_path)

    def read_only(directory):
        raise OSError(errno.EROFS, "Read-only file system", str(directory))

    monkeypatch.setattr("simulator.cli.sweeps.check_writable", read_only)
    status, _, err = call_ecosim(["-m", *TINY_ARGS, "seed=1,2"], capsys)
    lines = _stderr_lines(err)
    assert status == 1 and len(lines) == 1 and "Read-only file system" in lines[0], err
    assert not list(tmp_path.glob("results/sweeps/*/*"))


def _mount_tmpfs(path: Path, options: str) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True)
    return done.returncode == 0


@pytest.mark.slow
@pytest.mark.parametrize("options", ["size=64k", "ro,size=64k"], ids=["full", "read_only"])
def test_a_real_full_or_read_only_filesystem_is_one_line(options: str, tmp_path: Path) -> None:
    """On a real 64 kB (or read-only) tmpfs, a run exits with status 1 and one stderr line."""
    mount = tmp_path / "fs"
    if not _mount_tmpfs(mount, options):
        pytest.skip("mounting a tmpfs needs root")
    try:
        result = ecosim("steps=3", "n_smbs=200", cwd=mount)
        lines = _stderr_lines(result.stderr)
        assert result.returncode == 1 and len(lines) == 1, result.stderr
        assert "Traceback" not in result.stderr
        assert ("No space left" if options.startswith("size") else "Read-only file system") in lines[0]
        assert not list(mount.glob("results/*/*/.staging-*"))
        assert not list(mount.glob(f"results/*/*/{MANIFEST_FILE}"))
    finally:
        subprocess.run(["umount", str(mount)], check=False)


# --------------------------------------------------------------------------- bad input: status 2


BAD_INPUT = [
    (["+platform.fe=0.3"], "did you mean platform.fee?"),
    (["++alliance.base_hazzard=0.1"], "did you mean alliance.base_hazard?"),
    (["+foo=1"], "foo: not a configuration key"),
    (["platform.fe=0.3"], "did you mean platform.fee?"),
    (["-m", "+platform.fe=0.05,0.35"], "did you mean platform.fee?"),
    (["+strategy.max_shares=0.2", "strategy=diversification"], "did you mean strategy.max_share?"),
    (["'platform.per_platform=[{fe: 0.1}]'"], "did you mean platform.per_platform[0].fee?"),
    (["shock=demand_drop", "shocks.0.start=2", "shocks.0.target=sector:9"], "shocks[0].target"),
    (["design=nope.json"], "design: cannot read nope.json"),
    (["design_point=3"], "design_point: needs design="),
    (["n_platforms=0", "strategy=platform_first"], "platform strategy but n_platforms=0"),
    (["n_platforms=0", "strategy=multi_homing"], "platform strategy but n_platforms=0"),
    (["n_smbs=1000000000000"], "n_smbs: this run needs about"),
    (["n_smbs=10^12"], "cannot parse the override"),
    (["seed=abc"], "seed:"),
    (["steps"], "Error parsing override"),
    (["-m", "seed=1,2", "+x=1,2"], "x: not a configuration key"),
]


@pytest.mark.parametrize(("args", "message"), BAD_INPUT, ids=[" ".join(a) for a, _ in BAD_INPUT])
def test_bad_input_is_one_line_with_status_2_and_writes_nothing(args, message, tmp_path, monkeypatch, capsys):
    """Unknown keys (with or without + / ++, in a run or a sweep), meaningless combinations,
    sizes that cannot fit in memory and unparsable overrides: exit status 2, one line naming the
    key, no directory."""
    monkeypatch.chdir(tmp_path)
    args = [a.strip("'") for a in args]
    head = [a for a in args if a == "-m"]
    status, _, err = call_ecosim([*head, *TINY_ARGS, *[a for a in args if a != "-m"]], capsys)
    lines = _stderr_lines(err)
    assert status == 2, err
    assert len(lines) == 1 and message in lines[0], err
    assert not (tmp_path / "results").exists()


def test_memory_estimate_grows_with_sizes_and_refuses_what_cannot_fit() -> None:
    """The estimate is per SMB (plus platforms, partners, steps, a twin); a run bigger than the
    memory available is refused naming the key that drives it."""
    small, big = estimate_bytes(TINY), estimate_bytes(replace(TINY, n_smbs=2000))
    assert big["n_smbs"] == pytest.approx(100 * small["n_smbs"])
    twin = replace(TINY, twin=True, shocks=[ShockConfig(start=2)])
    assert estimate_bytes(twin)["n_smbs"] == 2 * small["n_smbs"]
    check_memory(replace(TINY, n_smbs=10_000), available=10**9)
    with pytest.raises(ConfigError, match="n_smbs: this run needs about"):
        check_memory(replace(TINY, n_smbs=10**6), available=10**9)
    with pytest.raises(ConfigError, match=r"^steps:"):
        check_memory(replace(TINY, steps=10**6), available=10**9)


# --------------------------------------------------------------------------- shocks and twins


DEMAND_START, DEMAND_STEPS = 8, 5


def _demand_recorder(model: EcosystemModel) -> list[np.ndarray]:
    """Record each step's exogenous demand factor (without demand shocks) of every SMB."""
    market, path = model.market, []
    draw = market.demand_factor

    def recorded(sector, *rest):
        factor = draw(sector, *rest)
        path.append(factor / market.shock_factor[sector])
        return factor

    market.demand_factor = recorded
    return path


def _shocked(seed: int = 3, **overrides) -> ModelConfig:
    shock = ShockConfig(kind="demand_shock", start=DEMAND_START, duration=DEMAND_STEPS, size=0.4)
    return ModelConfig(seed=seed, n_smbs=120, n_partners=15, steps=20, shocks=[shock], **overrides)


def test_a_demand_shock_is_restored_when_it_ends() -> None:
    """Demand is cut by the shock's size while it lasts and is back to exactly 1 when it ends
    (a shock whose stop did nothing left demand cut for good)."""
    model = EcosystemModel(_shocked())
    factors = []
    for _ in range(model.config.steps):
        model.step()
        factors.append(model.market.shock_factor.copy())
    factors = np.array(factors)
    during = slice(DEMAND_START - 1, DEMAND_START - 1 + DEMAND_STEPS)
    assert np.allclose(factors[during], 0.6)
    assert (factors[: DEMAND_START - 1] == 1).all() and (factors[DEMAND_START - 1 + DEMAND_STEPS :] == 1).all()


def test_the_twin_meets_the_shocked_runs_exogenous_demand_at_every_step() -> None:
    """The no-shock twin's demand path equals the shocked run's exogenous path before, during and
    after the shock (the shock multiplies demand; it must not shift the market's draws)."""
    shocked = EcosystemModel(_shocked())
    twin = EcosystemModel(replace(_shocked(), shocks=[]))
    paths = [_demand_recorder(shocked), _demand_recorder(twin)]
    shocked.run()
    twin.run()
    assert len(paths[0]) == len(paths[1]) == 20
    n0 = shocked.config.n_smbs  # entrants differ once the runs diverge; the initial firms are the same firms
    for step, (a, b) in enumerate(zip(*paths, strict=True), start=1):
        # equal up to rounding: the shocked factor is divided back by the shock (x 0.6 / 0.6)
        np.testing.assert_allclose(a[:n0], b[:n0], rtol=1e-12, atol=0, err_msg=f"demand paths differ at step {step}")
    # and the shock did change the outcome after it started, so the runs did diverge
    assert shocked.smbs.revenue.sum() != twin.smbs.revenue.sum()


def test_the_market_draws_from_its_own_stream_not_the_models() -> None:
    """Two runs with the same seed but strategies that draw differently from the model's stream
    meet the same demand path (common random numbers across strategies)."""
    paths = []
    for strategy in ("go_it_alone", "diversification"):
        model = EcosystemModel(replace(_shocked(), shocks=[], strategy={"name": strategy}))
        paths.append(_demand_recorder(model))
        model.run()
    n0 = _shocked().n_smbs  # entrants are drawn from the model's stream; the initial firms' demand is not
    assert all(np.array_equal(a[:n0], b[:n0]) for a, b in zip(*paths, strict=True))
    other_seed = EcosystemModel(replace(_shocked(seed=4), shocks=[]))
    path = _demand_recorder(other_seed)
    other_seed.run()
    assert not np.array_equal(path[0], paths[0][0])


def test_outputs_listed_in_output_files_are_all_in_the_manifest(tmp_path: Path) -> None:
    """The manifest covers every file of OUTPUT_FILES (and the twin's), so resume checks them all."""
    config = replace(_shocked(), twin=True, steps=12)
    _job(tmp_path, "0_twin", config)
    manifest = json.loads((tmp_path / "sweep" / "0_twin" / MANIFEST_FILE).read_text())
    assert set(OUTPUT_FILES) <= set(manifest["files"])
    assert {f"twin/{name}" for name in OUTPUT_FILES} <= set(manifest["files"])
    assert manifest["config_hash"] == config_hash(config)
    (tmp_path / "sweep" / "0_twin" / "twin" / "summary.json").unlink()
    assert "twin/summary.json is missing" in verify_run(tmp_path / "sweep" / "0_twin")

"""Strategy planning for one business: which alliance strategy for my firm, in my ecosystem,
against which risks?

A plan file (YAML, e.g. ``experiments/plans/bakery_fee_hike.yaml``) describes the focal firm
(the ``focal`` block of the configuration, :class:`simulator.config.FocalConfig`), the
background ecosystem, the candidate strategies, the scenarios (shock presets of
``configs/shock/`` and ecosystem variants), the horizon, the replicates and the owner's
thresholds. ``ecosim-plan PLAN`` then

1. checks the plan (one line naming the key for anything wrong, before anything runs);
2. runs the grid candidates x scenarios x replicates as one ordinary Hydra sweep of ``ecosim``
   (``ecosim -m +plan_candidate=... +plan_scenario=... replicate=0 replicates=R``, the plan's
   pieces written as config groups into the plan directory): every job is checked before any
   runs, finished runs are skipped on a rerun (resume), and any launcher works (extra
   arguments such as ``hydra/launcher=joblib hydra.launcher.n_jobs=2`` are passed on). All
   candidates of a scenario run on the same seeds and replicates: common random numbers, so
   the background ecosystem and the firm's own demand path are the same for every candidate
   up to the focal firm's own influence on them;
3. collects the runs (:func:`simulator.analysis.collect.collect`) and reports, per candidate
   and scenario, survival probability (Wilson interval), growth, dependence, resilience and the
   objective (bootstrap intervals, :func:`simulator.analysis.compare.interval`); the regret of
   each candidate against the best in each scenario, paired by replicate, with its interval;
   the minimax-regret choice and the satisficing choice (the highest probability of meeting
   all the owner's thresholds); and the scenarios in which the preferred candidate fails (PRIM,
   :func:`simulator.analysis.discovery.find_box`, over the scenarios' settings);
4. writes ``plan.md`` (a plain-words recommendation, the tables, the figures),
   ``plan_table.csv``, ``plan_runs.csv`` and the figures into the plan directory.

Every interval is a 95% interval over replicates; a difference whose interval includes zero is
reported as within noise, and a recommendation resting on one says so.
"""

from __future__ import annotations

import argparse
import json
import math
import operator
import os
import re
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from scipy import stats

from simulator.errors import EXIT_BAD_INPUT, EXIT_FAILED, ConfigError, did_you_mean, report
from simulator.observe.focal import OUTCOMES

PROG = "ecosim-plan"
CONFIG_DIR = Path(__file__).resolve().parents[2] / "configs"
PLAN_KEYS = (
    "name",
    "horizon",
    "replicates",
    "seed",
    "ecosystem",
    "focal",
    "candidates",
    "scenarios",
    "objective",
    "thresholds",
    "launcher",
)
"""The keys of a plan file."""
SCENARIO_KEYS = ("shock", "shocks", "set", "describe")
"""The keys of one scenario: a shock preset, explicit shocks, settings (dotted keys), a description."""

OUTCOME_DIRECTIONS: dict[str, int] = {name: outcome.better for name, outcome in OUTCOMES.items()}
"""Outcomes a plan can judge on (:data:`simulator.observe.focal.OUTCOMES`, ``summary.json``'s
``focal``): +1 if more is better, -1 if less is better."""
REPORTED = ("survived", "revenue_growth", "net_income_total", "dependence_max", "net_income_loss_vs_twin")
"""The outcomes of the report's table (those the runs have)."""
OPERATORS = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt}
NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
CONFIDENCE = 0.95


@dataclass
class Threshold:
    """One of the owner's thresholds, e.g. ``months_survived >= 60``."""

    metric: str
    op: str
    value: float

    def met(self, values: pd.Series) -> np.ndarray:
        """Whether each run meets it (a missing value does not)."""
        numbers = values.astype(float).to_numpy()
        return np.where(np.isnan(numbers), False, OPERATORS[self.op](numbers, self.value))

    def __str__(self) -> str:
        return f"{self.metric} {self.op} {self.value:g}"


@dataclass
class Plan:
    """A checked plan file."""

    name: str
    horizon: int
    replicates: int
    seed: int
    ecosystem: dict[str, Any]
    focal: dict[str, Any]
    candidates: dict[str, dict[str, Any]]
    scenarios: dict[str, dict[str, Any]]
    objective: str
    thresholds: list[Threshold]
    launcher: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------- reading and checking
def read_plan(path: str | Path) -> Plan:
    """Read and check a plan file.

    Raises
    ------
    ConfigError
        For the first problem, naming its key: an unknown key, a candidate strategy not in the
        registry (or with unknown parameters), an unknown shock preset, a threshold on an
        unknown outcome, a focal block that is not the configuration's.
    FileNotFoundError
        If the file does not exist.
    """
    data = yaml.safe_load(Path(path).read_text()) or {}
    if not isinstance(data, Mapping):
        raise ConfigError("plan", f"must be a mapping of {', '.join(PLAN_KEYS)}")
    return check_plan(data)


def check_plan(data: Mapping[str, Any]) -> Plan:
    """Check a plan given as a mapping (the content of a plan file); see :func:`read_plan`."""
    from simulator.config import FocalConfig, from_dict
    from simulator.config.checks import check_dataclass_values
    from simulator.strategies import MIX, make_strategy

    for key in data:
        if key not in PLAN_KEYS:
            raise ConfigError(
                str(key), f"not a plan key{did_you_mean(str(key), PLAN_KEYS)}; allowed: {', '.join(PLAN_KEYS)}"
            )
    horizon = _integer(data, "horizon", 60, 1)
    replicates = _integer(data, "replicates", 10, 1)
    seed = _integer(data, "seed", 0, 0)
    ecosystem = dict(data.get("ecosystem") or {})
    for key in ("steps", "seed", "replicate", "replicates", "focal", "shocks", "twin"):
        if key in ecosystem:
            raise ConfigError(
                f"ecosystem.{key}", "is set by the plan itself (horizon, seed, replicates, focal, scenarios)"
            )
    if "scenario" in ecosystem and ecosystem["scenario"] not in _options("scenario"):
        raise ConfigError("ecosystem.scenario", f"unknown preset; allowed: {', '.join(_options('scenario'))}")
    from_dict({k: v for k, v in ecosystem.items() if k != "scenario"})  # unknown ecosystem keys

    focal = dict(data.get("focal") or {})
    if "strategy" in focal:
        raise ConfigError("focal.strategy", "is given by the candidates, not the focal block")
    if "enabled" in focal:
        raise ConfigError("focal.enabled", "is set by the plan")
    block = from_dict({"focal": {**focal, "enabled": True}}).focal
    assert isinstance(block, FocalConfig)
    check_dataclass_values(block, "focal")
    for i, alliance in enumerate(block.alliances):
        check_dataclass_values(alliance, f"focal.alliances[{i}]")

    candidates = data.get("candidates") or {}
    if not isinstance(candidates, Mapping) or len(candidates) < 2:
        raise ConfigError(
            "candidates", "must name at least two candidate strategies, e.g. {marketplace: {name: platform_first}}"
        )
    for label, spec in candidates.items():
        _check_name(f"candidates.{label}", label)
        if isinstance(spec, str):
            spec = {"name": spec}
        if not isinstance(spec, Mapping) or spec.get("name") == MIX:
            raise ConfigError(
                f"candidates.{label}", "must be one strategy with its parameters, e.g. {name: diversification}"
            )
        make_strategy(spec, f"candidates.{label}")
    candidates = {str(k): ({"name": v} if isinstance(v, str) else dict(v)) for k, v in candidates.items()}

    scenarios = data.get("scenarios") or {"baseline": {}}
    if not isinstance(scenarios, Mapping):
        raise ConfigError("scenarios", "must be a mapping of scenario names to {shock: <preset>, set: {...}}")
    checked: dict[str, dict[str, Any]] = {}
    for label, spec in scenarios.items():
        key = f"scenarios.{label}"
        _check_name(key, label)
        spec = dict(spec or {})
        for part in spec:
            if part not in SCENARIO_KEYS:
                raise ConfigError(f"{key}.{part}", f"not a scenario key; allowed: {', '.join(SCENARIO_KEYS)}")
        if "shock" in spec and spec["shock"] not in _options("shock"):
            raise ConfigError(f"{key}.shock", f"unknown shock preset; allowed: {', '.join(_options('shock'))}")
        settings = dict(spec.get("set") or {})
        for dotted in settings:
            if dotted.split(".")[0] in ("steps", "seed", "replicate", "replicates", "focal", "shocks", "twin"):
                raise ConfigError(f"{key}.set.{dotted}", "is set by the plan itself")
        from_dict({"shocks": _scenario_shocks(spec), **_nest(settings)})  # unknown keys
        checked[str(label)] = spec

    objective = str(data.get("objective", "net_income_total"))
    if objective not in OUTCOME_DIRECTIONS:
        raise ConfigError("objective", f"unknown outcome {objective!r}; allowed: {', '.join(OUTCOME_DIRECTIONS)}")
    thresholds = [_threshold(metric, rule) for metric, rule in (data.get("thresholds") or {}).items()]
    launcher = data.get("launcher") or []
    if not isinstance(launcher, list):
        raise ConfigError("launcher", "must be a list of Hydra arguments, e.g. [hydra/launcher=joblib]")
    return Plan(
        name=str(data.get("name", "plan")),
        horizon=horizon,
        replicates=replicates,
        seed=seed,
        ecosystem=ecosystem,
        focal=focal,
        candidates=candidates,
        scenarios=checked,
        objective=objective,
        thresholds=thresholds,
        launcher=[str(a) for a in launcher],
    )


def _integer(data: Mapping[str, Any], key: str, default: int, low: int) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ConfigError(key, f"must be an integer >= {low}, got {value!r}")
    return value


def _check_name(key: str, label: Any) -> None:
    if not isinstance(label, str) or not NAME.match(label):
        raise ConfigError(key, "names must start with a letter and hold only letters, digits, _ and -")


def _threshold(metric: Any, rule: Any) -> Threshold:
    key = f"thresholds.{metric}"
    if metric not in OUTCOME_DIRECTIONS:
        raise ConfigError(
            key,
            f"unknown outcome{did_you_mean(str(metric), OUTCOME_DIRECTIONS)}; allowed: {', '.join(OUTCOME_DIRECTIONS)}",
        )
    match = re.match(r"^\s*(>=|<=|>|<)\s*(-?[0-9.]+(?:e-?[0-9]+)?)\s*$", str(rule))
    if not match:
        raise ConfigError(key, f"must be a comparison such as '>= 60' or '< 0.4', got {rule!r}")
    return Threshold(str(metric), match.group(1), float(match.group(2)))


def _options(group: str) -> list[str]:
    return sorted(p.stem for p in (CONFIG_DIR / group).glob("*.yaml"))


def _scenario_shocks(spec: Mapping[str, Any]) -> list[Any]:
    """The scenario's shocks: its preset's, then any given explicitly."""
    shocks: list[Any] = []
    if spec.get("shock"):
        preset = yaml.safe_load((CONFIG_DIR / "shock" / f"{spec['shock']}.yaml").read_text()) or {}
        shocks += list(preset.get("shocks") or [])
    shocks += list(spec.get("shocks") or [])
    return shocks


def _nest(settings: Mapping[str, Any]) -> dict[str, Any]:
    """``{"platform.fee": 0.2}`` as ``{"platform": {"fee": 0.2}}``."""
    out: dict[str, Any] = {}
    for dotted, value in settings.items():
        node = out
        *parents, last = str(dotted).split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    return out


# ---------------------------------------------------------------------- running
def write_config_groups(plan: Plan, out_dir: Path) -> Path:
    """Write the plan's pieces as Hydra config groups (``plan_base``, ``plan_candidate``,
    ``plan_scenario``) into ``out_dir/config``; return that directory."""
    root = out_dir / "config"
    ecosystem = {k: v for k, v in plan.ecosystem.items() if k != "scenario"}
    base = {
        **ecosystem,
        "steps": plan.horizon,
        "seed": plan.seed,
        "focal": {**plan.focal, "enabled": True},
    }
    _write_group(root / "plan_base" / "base.yaml", base)
    for label, spec in plan.candidates.items():
        _write_group(root / "plan_candidate" / f"{label}.yaml", {"focal": {"strategy": spec}})
    for label, spec in plan.scenarios.items():
        shocks = _scenario_shocks(spec)
        _write_group(
            root / "plan_scenario" / f"{label}.yaml",
            {**_nest(spec.get("set") or {}), "shocks": shocks, "twin": bool(shocks)},
        )
    return root


def _write_group(path: Path, content: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# @package _global_\n" + yaml.safe_dump(content, sort_keys=False))


def sweep_command(plan: Plan, out_dir: Path, extra: list[str] | tuple[str, ...] = ()) -> list[str]:
    """The ``ecosim -m`` command line that runs the plan's grid (``python -m simulator``)."""
    config = write_config_groups(plan, out_dir)
    scenario = [f"scenario={plan.ecosystem['scenario']}"] if "scenario" in plan.ecosystem else []
    return [
        sys.executable,
        "-m",
        "simulator",
        "-m",
        "--config-dir",
        str(config.resolve()),
        f"hydra.sweep.dir={(out_dir / 'runs').resolve()}",
        "hydra.sweep.subdir=${hydra.job.num}",
        *scenario,
        "+plan_base=base",
        "+plan_candidate=" + ",".join(plan.candidates),
        "+plan_scenario=" + ",".join(plan.scenarios),
        "replicate=0",
        f"replicates={plan.replicates}",
        *plan.launcher,
        *extra,
    ]


IDENTITY_FILE = "plan_identity.json"
"""Kept in a plan's ``runs/``: what its runs were made of (see :func:`runs_identity`)."""


def runs_identity(plan: Plan, extra: list[str] | tuple[str, ...] = ()) -> str:
    """A hash of everything a plan's runs depend on: horizon, seed, ecosystem, focal firm,
    candidates, scenarios, the ``ecosim`` settings given after the plan file and the simulator's
    code. The replicate count, objective, thresholds and launcher are not in it: more replicates
    resume the finished ones, and the rest only change the report or where the runs execute."""
    import hashlib

    from simulator.run.identity import CODE_FINGERPRINT

    content = {
        "horizon": plan.horizon,
        "seed": plan.seed,
        "ecosystem": plan.ecosystem,
        "focal": plan.focal,
        "candidates": plan.candidates,
        "scenarios": plan.scenarios,
        "ecosim": sorted(arg for arg in extra if not arg.lstrip("+~").startswith("hydra")),
        "code": CODE_FINGERPRINT,
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()[:12]


def set_aside_stale_runs(runs_dir: Path, identity: str | None = None) -> Path | None:
    """Move a plan's earlier runs out of the way if they were made of something else, keeping them.

    A rerun of the same plan resumes its finished runs. If the plan changed (a candidate's
    parameters, a scenario, the ecosystem, the horizon...) or the simulator's code did, its jobs
    would be made again into the same job directories, which hold the earlier runs; those are
    renamed to ``runs_<earlier identity>`` beside them (nothing is lost) and a line says so.
    Runs of a plan directory written before the identity was recorded are judged by their
    manifests' code fingerprint only.

    Parameters
    ----------
    runs_dir
        The plan's ``runs/`` directory.
    identity
        :func:`runs_identity` of the plan about to run (None: judge by the code only).

    Returns
    -------
    Path or None
        Where the earlier runs went, or None if they were kept.
    """
    from simulator.run.identity import CODE_FINGERPRINT

    if not runs_dir.is_dir():
        return None
    recorded = runs_dir / IDENTITY_FILE
    if recorded.exists():
        try:
            earlier = str(json.loads(recorded.read_text())["identity"])
        except (OSError, ValueError, KeyError, TypeError):
            earlier = "unknown"
        if earlier == identity:
            return None
        label, why = earlier, "the plan or the simulator's code changed since"
    else:
        codes = set()
        for manifest in runs_dir.glob("*/**/manifest.json"):
            try:
                codes.add(json.loads(manifest.read_text()).get("code"))
            except (OSError, ValueError, AttributeError):
                codes.add(None)
        stale = codes - {CODE_FINGERPRINT}
        if not stale:
            return None
        label = "code-" + "-".join(sorted(str(code) for code in stale))
        why = f"they were made by other simulator code ({label.removeprefix('code-')})"
    target = runs_dir.with_name(f"runs_{label}")
    suffix = 1
    while target.exists():
        suffix += 1
        target = runs_dir.with_name(f"runs_{label}.{suffix}")
    runs_dir.rename(target)
    print(f"{PROG}: the plan's earlier runs are kept in {target} ({why}); running the plan again", file=sys.stderr)
    return target


def run_plan(
    plan: Plan,
    out_dir: str | Path,
    extra: list[str] | tuple[str, ...] = (),
    quiet: bool = True,
    workdir: str | Path | None = None,
) -> subprocess.CompletedProcess:
    """Run the plan's grid as one ``ecosim`` sweep (resumable: finished runs are skipped).

    The sweep runs in ``workdir`` (default: the current directory) and records its runs in the
    index of its ``results/`` directory, as ``ecosim`` does; the sweep's last line says how many
    runs ran and how many were skipped because they had already finished.

    Raises
    ------
    ConfigError
        If ``ecosim`` refuses a job before anything runs (its one line, naming the key).
    RuntimeError
        If jobs of the sweep failed.
    """
    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    identity = runs_identity(plan, extra)
    set_aside_stale_runs(out / "runs", identity)
    command = sweep_command(plan, out, extra)
    # the sweep runs the code this planner is (also from a source tree that is not installed)
    source = str(Path(__file__).resolve().parents[2])
    path = os.environ.get("PYTHONPATH")
    env = {**os.environ, "PYTHONPATH": source + (os.pathsep + path if path else "")}
    done = subprocess.run(command, capture_output=quiet, text=True, check=False, cwd=workdir, env=env)
    if done.returncode != EXIT_BAD_INPUT and (out / "runs").is_dir():
        (out / "runs" / IDENTITY_FILE).write_text(json.dumps({"identity": identity}))
    if done.returncode == EXIT_BAD_INPUT:
        line = (done.stderr or "").strip().splitlines()[-1] if done.stderr else "ecosim refused the plan"
        message = re.sub(r" \(job: [^)]*\)$", "", line.removeprefix("ecosim: error: "))
        key, _, rest = message.partition(": ")
        raise ConfigError(key, rest or message)
    lines = [line.strip() for line in f"{done.stdout or ''}\n{done.stderr or ''}".replace("\r", "\n").splitlines()]
    if done.returncode != 0:
        # the cause first (ecosim's "job failed: <dir>: <error>"), else the sweep's list of error files
        failures = [line for line in lines if line.startswith("ecosim: job failed:")]
        failures = failures or [line for line in lines if line.startswith("failed:")]
        detail = failures[0] if failures else " | ".join(line for line in lines if line)[-300:]
        more = f" (and {len(failures) - 1} more lines like it)" if len(failures) > 1 else ""
        raise RuntimeError(f"the plan's sweep failed (exit {done.returncode}): {detail}{more}")
    if quiet:  # say how much was resumed: the sweep's own count of runs made and skipped
        for line in lines:
            if " jobs ran, " in line:
                print(f"{PROG}: {line}", file=sys.stderr)
    return done


# ---------------------------------------------------------------------- analysis
def plan_runs(plan: Plan, out_dir: str | Path) -> pd.DataFrame:
    """One row per run of the plan: ``candidate``, ``scenario``, ``replicate``, ``run_dir`` and
    the focal firm's outcomes (the ``focal`` block of each run's ``summary.json``).

    Raises
    ------
    RuntimeError
        If a run of the grid is missing, failed or damaged.
    """
    from simulator.analysis.collect import collect

    collected = collect(Path(out_dir) / "runs")
    problems = collected.failed + collected.unfinished + [job for job, _ in collected.damaged]
    if problems:
        raise RuntimeError(f"{len(problems)} runs of the plan did not finish, e.g. {problems[0]}; rerun the plan")
    runs = collected.runs
    rows = pd.DataFrame(
        {
            "candidate": runs["plan_candidate"].astype(str),
            "scenario": runs["plan_scenario"].astype(str),
            "replicate": runs["replicate"].astype(int),
            "run_dir": runs["run_dir"],
        }
    )
    for metric in OUTCOME_DIRECTIONS:
        column = f"focal.{metric}"
        if column in runs:
            rows[metric] = runs[column].astype(float)
    rows = rows[rows.candidate.isin(plan.candidates) & rows.scenario.isin(plan.scenarios)]
    expected = len(plan.candidates) * len(plan.scenarios) * plan.replicates
    if len(rows) != expected:
        raise RuntimeError(f"the plan has {expected} runs but {len(rows)} finished; rerun the plan")
    return rows.sort_values(["scenario", "candidate", "replicate"]).reset_index(drop=True)


def wilson(successes: int, n: int) -> tuple[float, float]:
    """Wilson score interval of a proportion (scipy's ``binomtest``)."""
    if n == 0:
        return math.nan, math.nan
    ci = stats.binomtest(int(successes), int(n)).proportion_ci(confidence_level=CONFIDENCE, method="wilson")
    return float(ci.low), float(ci.high)


def outcome_table(plan: Plan, runs: pd.DataFrame) -> pd.DataFrame:
    """Per scenario and candidate: each reported outcome's mean with its 95% interval (Wilson for
    survival and the threshold probability, bootstrap of the mean otherwise), and the
    probability of meeting all thresholds."""
    from simulator.analysis.compare import interval

    rows = []
    for (scenario, candidate), group in runs.groupby(["scenario", "candidate"], sort=False):
        row: dict[str, Any] = {"scenario": scenario, "candidate": candidate, "runs": len(group)}
        for metric in _metrics(plan, runs):
            values = group[metric].to_numpy(dtype=float)
            if metric == "survived":
                k = int(np.nansum(values))
                row[metric], (row[f"{metric}_low"], row[f"{metric}_high"]) = k / len(values), wilson(k, len(values))
            else:
                row[metric], row[f"{metric}_low"], row[f"{metric}_high"] = interval(values, bootstrap=True)
        met = meets(plan, group)
        row["p_thresholds"] = float(met.mean())
        row["p_thresholds_low"], row["p_thresholds_high"] = wilson(int(met.sum()), len(met))
        rows.append(row)
    return pd.DataFrame(rows)


def meets(plan: Plan, runs: pd.DataFrame) -> np.ndarray:
    """Whether each run meets every one of the owner's thresholds (all true without thresholds)."""
    ok = np.ones(len(runs), dtype=bool)
    for threshold in plan.thresholds:
        ok &= threshold.met(runs[threshold.metric]) if threshold.metric in runs else False
    return ok


def _metrics(plan: Plan, runs: pd.DataFrame) -> list[str]:
    wanted = [*REPORTED, plan.objective, *(t.metric for t in plan.thresholds)]
    seen: list[str] = []
    for metric in wanted:
        if metric in runs and metric not in seen and runs[metric].notna().any():
            seen.append(metric)
    return seen


def regret_table(plan: Plan, runs: pd.DataFrame) -> pd.DataFrame:
    """Regret of each candidate in each scenario on the objective: how much worse its mean is
    than the best candidate's there (0 for the best), with the 95% interval of the difference
    paired by replicate (common random numbers) and whether that interval excludes zero."""
    from simulator.analysis.compare import interval

    sign = OUTCOME_DIRECTIONS[plan.objective]
    rows = []
    for scenario, group in runs.groupby("scenario", sort=False):
        wide = group.pivot(index="replicate", columns="candidate", values=plan.objective)
        means = wide.mean() * sign
        best = str(means.idxmax())
        for candidate in plan.candidates:
            gap = (wide[best] - wide[candidate]) * sign
            _, low, high = interval(gap.to_numpy(dtype=float))
            rows.append(
                {
                    "scenario": scenario,
                    "candidate": candidate,
                    "best": best,
                    "regret": float(means[best] - means[candidate]),
                    "regret_low": low if candidate != best else 0.0,
                    "regret_high": high if candidate != best else 0.0,
                    "within_noise": bool(candidate != best and not (low > 0 or high < 0)),
                }
            )
    return pd.DataFrame(rows)


@dataclass
class Choice:
    """The plan's choices and how firm they are."""

    minimax: str
    max_regret: dict[str, float]
    satisficing: str
    p_thresholds: dict[str, float]
    runner_up: str
    decided_within_noise: bool
    """Whether, in the scenario where the runner-up's regret is largest, the minimax choice's
    lead over it has an interval that includes zero (or the choices are tied)."""


def choose(plan: Plan, regrets: pd.DataFrame, runs: pd.DataFrame) -> Choice:
    """The minimax-regret choice (smallest largest regret over the scenarios) and the satisficing
    choice (highest probability of meeting all thresholds, pooled over the scenarios, equally
    weighted; ties go to the minimax choice)."""
    worst = regrets.groupby("candidate", sort=False).regret.max()
    worst = worst.reindex(list(plan.candidates))
    minimax = str(worst.idxmin())
    others = worst.drop(minimax)
    runner_up = str(others.idxmin())
    per = runs.assign(met=meets(plan, runs)).groupby(["candidate", "scenario"]).met.mean().groupby("candidate").mean()
    per = per.reindex(list(plan.candidates))
    top = per.max()
    satisficing = minimax if per[minimax] == top else str(per.idxmax())
    # how firm is minimax against the runner-up: their paired difference where the runner-up does worst
    from simulator.analysis.compare import interval

    sign = OUTCOME_DIRECTIONS[plan.objective]
    rival = regrets[regrets.candidate == runner_up].sort_values("regret").iloc[-1]
    scenario_runs = runs[runs.scenario == rival.scenario].pivot(
        index="replicate", columns="candidate", values=plan.objective
    )
    _, low, high = interval(((scenario_runs[minimax] - scenario_runs[runner_up]) * sign).to_numpy(dtype=float))
    noisy = bool(others.min() == worst[minimax] or np.isnan(low) or not (low > 0 or high < 0))
    return Choice(
        minimax=minimax,
        max_regret={str(k): float(v) for k, v in worst.items()},
        satisficing=satisficing,
        p_thresholds={str(k): float(v) for k, v in per.items()},
        runner_up=runner_up,
        decided_within_noise=noisy,
    )


def scenario_features(plan: Plan) -> pd.DataFrame:
    """The scenarios' numeric settings PRIM searches over: each ``set`` key, and the first
    shock's ``start``, ``size``, ``duration`` and ``share`` (a scenario without a shock gets the
    size 0 and the horizon as start)."""
    rows = {}
    keys = sorted({k for spec in plan.scenarios.values() for k in (spec.get("set") or {})})
    from simulator.config.parameters import parameter

    for label, spec in plan.scenarios.items():
        settings = spec.get("set") or {}
        row: dict[str, float] = {}
        for key in keys:
            value = settings.get(key)
            if value is None:
                try:
                    value = parameter(key).default
                except KeyError:
                    value = math.nan
            if isinstance(value, bool | int | float):
                row[key] = float(value)
        shocks = _scenario_shocks(spec)
        first = shocks[0] if shocks else {}
        row["shock.start"] = float(first.get("start", plan.horizon))
        row["shock.size"] = float(first.get("size", 0.0)) if shocks else 0.0
        row["shock.duration"] = float(first.get("duration", 0.0))
        row["shock.share"] = float(first.get("share", 0.0)) if shocks else 0.0
        rows[label] = row
    frame = pd.DataFrame.from_dict(rows, orient="index")
    return frame.loc[:, frame.nunique(dropna=True) > 1]


def failure_scenarios(plan: Plan, runs: pd.DataFrame, candidate: str) -> tuple[pd.DataFrame, str]:
    """Where ``candidate`` fails the owner's thresholds: the failure rate per scenario, and a PRIM
    box over the scenarios' settings when the settings vary and failures are neither absent
    nor universal. Returns the per-scenario table and one sentence about the box."""
    mine = runs[runs.candidate == candidate].copy()
    mine["fails"] = ~meets(plan, mine)
    table = mine.groupby("scenario", sort=False).fails.agg(["mean", "sum", "count"]).reset_index()
    table.columns = ["scenario", "failure_rate", "failures", "runs"]
    features = scenario_features(plan)
    if not plan.thresholds:
        return table, "No thresholds were given, so there is no failure to locate."
    if not mine.fails.any():
        return table, f"{candidate} met every threshold in every run: no failure region to find."
    if mine.fails.all():
        return table, f"{candidate} failed the thresholds in every run: it fails everywhere in this plan."
    if features.empty:
        return table, "The scenarios differ in no numeric setting, so PRIM has nothing to search; see the table."
    from simulator.analysis.discovery import box_table, find_box

    x = features.loc[mine.scenario].reset_index(drop=True)
    try:
        box = box_table(find_box(x, mine.fails.to_numpy(), threshold=0.8))
    except Exception as err:  # PRIM can refuse tiny or degenerate data; say so rather than guess
        return table, f"PRIM found no box ({type(err).__name__}: {err}); see the table."
    limits = [
        f"{row.parameter} in [{row.low:g}, {row.high:g}]"
        for row in box.itertuples()
        if row.low > features[row.parameter].min() or row.high < features[row.parameter].max()
    ]
    if not limits:
        return table, (
            f"PRIM found no region of the scenarios' settings where {candidate} fails markedly more often than "
            f"overall ({mine.fails.mean():.0%} of its runs fail): its failures are spread over the scenarios."
        )
    where = " and ".join(limits)
    return table, (
        f"PRIM: {candidate} fails where {where} (coverage {box.coverage.iloc[0]:.0%} of its failures, "
        f"density {box.density.iloc[0]:.0%} of the runs there fail)."
    )


# ---------------------------------------------------------------------- report
@dataclass
class PlanReport:
    """Everything the report states."""

    plan: Plan
    runs: pd.DataFrame
    outcomes: pd.DataFrame
    regrets: pd.DataFrame
    choice: Choice
    failures: pd.DataFrame
    prim: str
    files: list[Path] = field(default_factory=list)


def analyse(plan: Plan, out_dir: str | Path) -> PlanReport:
    """Collect the plan's runs and compute every number of the report."""
    runs = plan_runs(plan, out_dir)
    outcomes = outcome_table(plan, runs)
    regrets = regret_table(plan, runs)
    choice = choose(plan, regrets, runs)
    failures, prim = failure_scenarios(plan, runs, choice.minimax)
    return PlanReport(plan, runs, outcomes, regrets, choice, failures, prim)


def recommendation(result: PlanReport) -> str:
    """The one-paragraph recommendation in plain words."""
    plan, choice = result.plan, result.choice
    objective = plan.objective.replace("_", " ")
    worst = choice.max_regret[choice.minimax]
    firm = plan.focal.get("name", "the firm")
    lead = (
        f"Across {len(plan.scenarios)} scenarios and {plan.replicates} replicates each ({len(result.runs)} runs over "
    )
    lead += f"{plan.horizon} months), **{choice.minimax}** is the most robust choice for {firm} on {objective}: "
    if worst == 0:
        lead += "it is the best candidate in every scenario"
    else:
        lead += f"in no scenario does it fall more than {worst:.3g} short of the best candidate (its largest regret)"
    lead += f", while the runner-up, {choice.runner_up}, can fall {choice.max_regret[choice.runner_up]:.3g} short."
    parts = [lead]
    if choice.decided_within_noise:
        parts.append(
            f"This lead is within noise: the interval of its difference from {choice.runner_up} includes zero, so "
            f"{plan.replicates} replicates cannot tell the two apart; treat them as equally good or run more "
            "replicates."
        )
    else:
        noisy = _noisy_scenarios(result, choice.minimax, choice.runner_up)
        if noisy:
            parts.append(
                f"Its lead over {choice.runner_up} is clear where {choice.runner_up} does worst, but within noise "
                f"(an interval including zero) in {', '.join(noisy)}."
            )
    if plan.thresholds:
        rules = " and ".join(str(t) for t in plan.thresholds)
        p = choice.p_thresholds
        if max(p.values()) == 0:
            parts.append(f"No candidate met the owner's thresholds ({rules}) in any run.")
        elif choice.satisficing == choice.minimax:
            parts.append(
                f"It is also the candidate most likely to meet the owner's thresholds ({rules}): "
                f"{p[choice.minimax]:.0%} of its runs do, averaged over the scenarios."
            )
        else:
            parts.append(
                f"If meeting the owner's thresholds ({rules}) matters more than {objective}, "
                f"**{choice.satisficing}** meets them more often ({p[choice.satisficing]:.0%} of its runs against "
                f"{p[choice.minimax]:.0%}; Wilson intervals in the table)."
            )
        failing = result.failures[result.failures.failure_rate > 0]
        if len(failing):
            where = ", ".join(f"{r.scenario} ({r.failure_rate:.0%})" for r in failing.itertuples())
            parts.append(f"{choice.minimax} misses the thresholds in: {where}.")
    return " ".join(parts)


def _noisy_scenarios(result: PlanReport, best: str, rival: str) -> list[str]:
    """Scenarios in which ``best`` and ``rival`` differ by less than noise (paired interval includes zero)."""
    from simulator.analysis.compare import interval

    sign = OUTCOME_DIRECTIONS[result.plan.objective]
    noisy = []
    for scenario, group in result.runs.groupby("scenario", sort=False):
        wide = group.pivot(index="replicate", columns="candidate", values=result.plan.objective)
        _, low, high = interval(((wide[best] - wide[rival]) * sign).to_numpy(dtype=float))
        if np.isnan(low) or not (low > 0 or high < 0):
            noisy.append(str(scenario))
    return noisy


def _estimate(mean: float, low: float, high: float, percent: bool = False) -> str:
    if np.isnan(mean):
        return "n/a"
    fmt = (lambda v: f"{v:.0%}") if percent else (lambda v: f"{v:.3g}")
    if np.isnan(low) or low == high:
        return fmt(mean)
    return f"{fmt(mean)} [{fmt(low)}, {fmt(high)}]"


def markdown(result: PlanReport, figures: list[Path]) -> str:
    """The text of ``plan.md``."""
    plan = result.plan
    metrics = [m for m in _metrics(plan, result.runs)]
    lines = [
        f"# Strategy plan: {plan.name}",
        "",
        recommendation(result),
        "",
        f"Runs: {len(plan.candidates)} candidates x {len(plan.scenarios)} scenarios x {plan.replicates} replicates "
        f"(seed {plan.seed}, common random numbers: every candidate of a scenario meets the same replicates), "
        f"{plan.horizon} months. Intervals are 95%: Wilson for proportions, percentile bootstrap of the mean "
        "otherwise; regret differences are paired by replicate. Objective: "
        f"`{plan.objective}` ({'more' if OUTCOME_DIRECTIONS[plan.objective] > 0 else 'less'} is better).",
        "",
        "## Outcomes by scenario and candidate",
        "",
    ]
    header = ["scenario", "candidate", *metrics, "P(all thresholds)", "regret"]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "---|" * len(header))
    regrets = result.regrets.set_index(["scenario", "candidate"])
    for row in result.outcomes.itertuples():
        cells = [row.scenario, row.candidate]
        for metric in metrics:
            percent = metric in ("survived", "dependence_max", "dependence_end", "revenue_at_risk_end")
            cells.append(
                _estimate(getattr(row, metric), getattr(row, f"{metric}_low"), getattr(row, f"{metric}_high"), percent)
            )
        cells.append(_estimate(row.p_thresholds, row.p_thresholds_low, row.p_thresholds_high, True))
        r = regrets.loc[(row.scenario, row.candidate)]
        regret = "0 (best)" if r.best == row.candidate else _estimate(r.regret, r.regret_low, r.regret_high)
        cells.append(regret + (" (within noise)" if r.within_noise else ""))
        lines.append("| " + " | ".join(map(str, cells)) + " |")
    lines += [
        "",
        "Regret is how far a candidate's mean objective falls short of the best candidate's in the same scenario; "
        "'within noise' marks a shortfall whose interval includes zero.",
        "",
        "## Choices",
        "",
        "| candidate | largest regret | P(all thresholds), mean over scenarios |",
        "|---|---|---|",
    ]
    for candidate in plan.candidates:
        lines.append(
            f"| {candidate} | {result.choice.max_regret[candidate]:.3g} | {result.choice.p_thresholds[candidate]:.0%} |"
        )
    lines += [
        "",
        f"- Minimax regret: **{result.choice.minimax}**"
        + (" (within noise of the runner-up)" if result.choice.decided_within_noise else ""),
        f"- Satisficing: **{result.choice.satisficing}**"
        + (f" (thresholds: {', '.join(str(t) for t in plan.thresholds)})" if plan.thresholds else " (no thresholds)"),
        "",
        f"## Where {result.choice.minimax} fails the thresholds",
        "",
        "| scenario | failure rate | failures | runs |",
        "|---|---|---|---|",
    ]
    for row in result.failures.itertuples():
        lines.append(f"| {row.scenario} | {row.failure_rate:.0%} | {row.failures} | {row.runs} |")
    lines += [
        "",
        result.prim,
        "",
        "PRIM searches the scenarios' numeric settings: their `set` keys and the first shock's start, size, "
        "duration and share (a scenario without a shock counts as a shock of size 0 at the horizon).",
        "",
        "## Figures",
        "",
    ]
    lines += [f"![{path.stem}]({path.name})" for path in figures]
    return "\n".join(lines) + "\n"


def figures(result: PlanReport, out_dir: Path) -> list[Path]:
    """The outcome distributions per candidate and scenario, and the regret heatmap (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plan, runs = result.plan, result.runs
    scenarios, candidates = list(plan.scenarios), list(plan.candidates)
    metrics = [m for m in (plan.objective, "revenue_growth", "dependence_max") if m in runs]
    metrics = list(dict.fromkeys(metrics))
    fig, axes = plt.subplots(
        len(metrics), len(scenarios), figsize=(3.2 * len(scenarios), 2.6 * len(metrics)), squeeze=False
    )
    for r, metric in enumerate(metrics):
        for c, scenario in enumerate(scenarios):
            ax = axes[r][c]
            data = [
                runs[(runs.scenario == scenario) & (runs.candidate == k)][metric].dropna().to_numpy()
                for k in candidates
            ]
            ax.boxplot(data, showmeans=True)
            ax.set_xticks(range(1, len(candidates) + 1), candidates, rotation=30, ha="right", fontsize=7)
            ax.set_title(scenario if r == 0 else "", fontsize=9)
            ax.set_ylabel(metric if c == 0 else "", fontsize=8)
            ax.tick_params(labelsize=7)
    fig.tight_layout()
    paths = [out_dir / "plan_outcomes.png"]
    fig.savefig(paths[0], dpi=130)
    plt.close(fig)

    grid = result.regrets.pivot(index="candidate", columns="scenario", values="regret").loc[candidates, scenarios]
    fig, ax = plt.subplots(figsize=(1.2 * len(scenarios) + 2.5, 0.5 * len(candidates) + 1.5))
    image = ax.imshow(grid.to_numpy(dtype=float), cmap="Reds", aspect="auto")
    ax.set_xticks(range(len(scenarios)), scenarios, rotation=30, ha="right", fontsize=8)
    ax.set_yticks(range(len(candidates)), candidates, fontsize=8)
    values = grid.to_numpy(dtype=float)
    dark = np.nanmax(values) / 2 if np.isfinite(values).any() else np.inf
    for (i, j), v in np.ndenumerate(values):
        # white on the dark half of the colour map, so every cell stays legible
        ax.text(j, i, f"{v:.2g}", ha="center", va="center", fontsize=7, color="white" if v > dark else "black")
    fig.colorbar(image, ax=ax, label=f"regret ({plan.objective})")
    ax.set_title("Regret against the best candidate of each scenario", fontsize=9)
    fig.tight_layout()
    paths.append(out_dir / "plan_regret.png")
    fig.savefig(paths[1], dpi=130)
    plt.close(fig)
    return paths


def write_report(result: PlanReport, out_dir: str | Path) -> Path:
    """Write ``plan.md``, its figures, ``plan_table.csv`` (outcomes and regrets) and ``plan_runs.csv``."""
    out = Path(out_dir)
    paths = figures(result, out)
    table = result.outcomes.merge(result.regrets, on=["scenario", "candidate"])
    table.to_csv(out / "plan_table.csv", index=False)
    result.runs.to_csv(out / "plan_runs.csv", index=False)
    path = out / "plan.md"
    path.write_text(markdown(result, paths))
    result.files = [path, *paths, out / "plan_table.csv", out / "plan_runs.csv"]
    return path


def plan(
    path_or_plan: str | Path | Plan | Mapping[str, Any],
    out_dir: str | Path,
    extra: list[str] | tuple[str, ...] = (),
    workdir: str | Path | None = None,
) -> PlanReport:
    """Check a plan, run its grid (resuming), analyse it and write the report: the Python API of
    ``ecosim-plan``.

    Parameters
    ----------
    path_or_plan
        A plan file, its content as a mapping, or a checked :class:`Plan`.
    out_dir
        The plan directory (runs in ``runs/``, the report beside them).
    extra
        More ``ecosim`` arguments for the sweep, e.g. ``["hydra/launcher=joblib"]``.
    workdir
        Where the sweep runs and keeps its ``results/.index`` (default: the current directory).
    """
    if isinstance(path_or_plan, Plan):
        checked = path_or_plan
    elif isinstance(path_or_plan, Mapping):
        checked = check_plan(path_or_plan)
    else:
        checked = read_plan(path_or_plan)
    run_plan(checked, out_dir, extra, workdir=workdir)
    result = analyse(checked, out_dir)
    write_report(result, out_dir)
    return result


def main(argv: list[str] | None = None) -> int:
    """``ecosim-plan PLAN.yaml [--out DIR] [HYDRA ARGS...]``."""
    parser = argparse.ArgumentParser(prog=PROG, description="Compare strategies for one business across scenarios.")
    parser.add_argument("plan", type=Path, help="plan file (YAML), e.g. experiments/plans/bakery_fee_hike.yaml")
    parser.add_argument("--out", type=Path, default=None, help="plan directory (default: results/plans/<plan name>)")
    args, extra = parser.parse_known_args(argv)
    try:
        checked = read_plan(args.plan)
    except FileNotFoundError as err:
        print(f"{PROG}: error: {err.filename}: no such plan file", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ConfigError as err:
        print(f"{PROG}: error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except yaml.YAMLError as err:
        print(f"{PROG}: error: {args.plan}: not valid YAML ({str(err).splitlines()[0]})", file=sys.stderr)
        return EXIT_BAD_INPUT
    out = args.out or Path("results") / "plans" / checked.name
    try:
        result = plan(checked, out, extra)
    except ConfigError as err:
        print(f"{PROG}: error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as err:
        return report(PROG, err, EXIT_FAILED)
    print(recommendation(result))
    print(f"wrote {', '.join(str(p) for p in result.files)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

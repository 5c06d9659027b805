"""Make docs/screening.png: which parameters move the default ecosystem's outcomes? (ODD 6.3).

Reads a finished Morris sweep of ``experiments/sensitivity/default_screening.yaml`` (run with
replicates, so the replicate-noise floor is known), analyzes each outcome with
``ecosim-sensitivity``'s own functions and draws, per outcome, each parameter's mu* with its 95%
interval, coloured by the sign of mu (the direction of the effect), against the floor that
replicate noise alone gives (dashed). It prints the table that docs/ODD.md 6.3 quotes.

Run (about 7 minutes of CPU for 190 points x 2 replicates at the default size):
    ecosim-sensitivity sample --space experiments/sensitivity/default_screening.yaml --n 10
    ecosim -m design=<printed path> 'design_point=range(190)' replicates=2 hydra/launcher=joblib
    python experiments/screening_figure.py results/sweeps/<sweep> [--out docs/screening.png]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from simulator.analysis.sensitivity import analyze_sweep
from simulator.observe.metrics import METRICS

OUTCOMES = (
    "survival_rate",
    "early_failure_share",
    "mean_revenue_at_risk",
    "mean_income_at_risk",
    "platform_leader_share",
    "median_revenue_growth",
)
"""The outcomes screened: survival, alliance failure, dependence, concentration, growth."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sweep", type=Path, help="the finished Morris sweep (with replicates)")
    parser.add_argument("--out", type=Path, default=Path("docs/screening.png"))
    args = parser.parse_args()

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    tables = {metric: analyze_sweep(args.sweep, metric)[0] for metric in OUTCOMES}
    names = list(tables[OUTCOMES[0]].sort_values("mu_star", ascending=False).parameter)
    fig, axes = plt.subplots(1, len(OUTCOMES), figsize=(3.1 * len(OUTCOMES), 0.3 * len(names) + 1.6), sharey=True)
    y = np.arange(len(names))
    for ax, metric in zip(axes, OUTCOMES, strict=True):
        t = tables[metric].set_index("parameter").loc[names]
        colours = np.where(t.mu >= 0, "tab:blue", "tab:red")
        ax.barh(y, t.mu_star, 0.65, xerr=t.mu_star_conf, color=colours, capsize=2)
        ax.axvline(t.noise_floor.iloc[0], color="0.3", linestyle="--", linewidth=1)
        ax.set_title(METRICS.label(metric), fontsize=9)
        ax.set_xlabel("mu* (effect over the range)", fontsize=8)
        ax.grid(True, axis="x", alpha=0.3)
        ax.tick_params(labelsize=7)
        print(f"{metric}: noise floor {t.noise_floor.iloc[0]:.3g}")
        for name, row in t[t.above_noise].sort_values("mu_star", ascending=False).iterrows():
            print(f"  {name:38s} mu {row.mu:+.3f}  mu* {row.mu_star:.3f} +- {row.mu_star_conf:.3f}")
    axes[0].set_yticks(y, names)
    axes[0].invert_yaxis()
    fig.suptitle(
        "Morris screening of the default ecosystem (blue: raises the outcome, red: lowers it; "
        "dashed: replicate noise alone)",
        fontsize=9,
    )
    fig.tight_layout()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.out, dpi=130)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

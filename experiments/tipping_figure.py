"""Make docs/tipping.png: does a two-platform market tip? (ODD 7.24, README "Platforms").

Two identical platforms; the leader's share of platform sales at the end of the run against the
strength of network effects, for single-homing SMBs (``opportunistic``, no partners, one
platform) with platform choice revisited (the default ``platform.revisit_rate``) and without it
(``revisit_rate=0``, the ablation), and for multi-homing SMBs (``multi_homing``, every platform).
Lines are the mean over replicates, bands the range. The base dissolution hazard is off in every
regime (``alliance.base_hazard=0``): it ends memberships at random and their SMBs choose again, a
second route to re-choice that would blur the ablation. Random outages are off too
(``platform.outage_rate=0``): a platform down in the last step has no final sales.

Run:  python experiments/tipping_figure.py [--replicates 6] [--out docs/tipping.png]
(about a minute and a half on one core with the defaults).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from simulator import EcosystemModel
from simulator.config import from_dict

NETWORK_EFFECTS = (0.0, 1.0, 2.0, 3.0, 4.0, 6.0)
REGIMES = {
    "single-homing, choice revisited": ({"name": "opportunistic", "partners": 0, "platforms": 1}, {}),
    "single-homing, never revisited (ablation)": (
        {"name": "opportunistic", "partners": 0, "platforms": 1},
        {"revisit_rate": 0.0},
    ),
    "multi-homing": ({"name": "multi_homing", "partners": 0, "platforms": 0}, {}),
}


def leader_sales_share(strategy: dict, platform: dict, network_effect: float, replicate: int, args) -> float:
    """The leading platform's share of platform sales at the end of one run."""
    config = from_dict(
        {
            "n_platforms": 2,
            "n_smbs": args.n_smbs,
            "steps": args.steps,
            "replicate": replicate,
            "strategy": strategy,
            "platform": {**platform, "network_effect": network_effect, "outage_rate": 0.0},
            "alliance": {"base_hazard": 0.0},
        }
    )
    model = EcosystemModel(config)
    model.run()
    sales = model.platforms.sales
    return float(sales.max() / max(sales.sum(), 1e-12))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=6)
    parser.add_argument("--n-smbs", type=int, default=100)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--out", type=Path, default=Path("docs/tipping.png"))
    args = parser.parse_args()

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.2))
    for label, (strategy, platform) in REGIMES.items():
        shares = np.array(
            [
                [leader_sales_share(strategy, platform, nu, r, args) for r in range(args.replicates)]
                for nu in NETWORK_EFFECTS
            ]
        )
        print(label, np.round(shares.mean(axis=1), 2).tolist())
        line = ax.plot(NETWORK_EFFECTS, shares.mean(axis=1), marker="o", label=label)[0]
        ax.fill_between(NETWORK_EFFECTS, shares.min(axis=1), shares.max(axis=1), alpha=0.2, color=line.get_color())
    ax.axhline(0.5, color="grey", lw=0.8, ls=":")
    ax.set_xlabel("network effect (platform.network_effect)")
    ax.set_ylabel("leader's share of platform sales at the end")
    ax.set_ylim(0.45, 1.02)
    ax.set_title(
        f"Two identical platforms: tipping needs revisited choice and single-homing\n"
        f"({args.n_smbs} SMBs, {args.steps} steps; mean and range over {args.replicates} replicates)",
        fontsize=10,
    )
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.out, dpi=120)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

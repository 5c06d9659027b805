"""``python -m simulator.strategies``: list every strategy with its parameters."""

from simulator.strategies import STRATEGIES


def main() -> None:
    """Print each registered strategy's summary and parameters."""
    for name in sorted(STRATEGIES):
        print(STRATEGIES[name].describe())
        print()


if __name__ == "__main__":
    main()

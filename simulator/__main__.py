"""``python -m simulator``: the same Hydra application as ``ecosim``."""

from simulator.cli.app import main

if __name__ == "__main__":
    main()

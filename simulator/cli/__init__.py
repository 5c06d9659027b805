"""The Hydra command line: ``ecosim`` / ``python -m simulator`` and the sweep callbacks."""

"""Running: build a model from a configuration, run it, write its outputs, resume sweeps.

No Hydra here: the command line (:mod:`simulator.cli`) and the analysis tools call these.
"""

"""Observation: metrics of each step and of the whole run, network structure and resilience.

- :mod:`~simulator.observe.metrics`: :data:`~simulator.observe.metrics.METRICS`, every output
  metric defined once, and the outputs built from it;
- :mod:`~simulator.observe.registry`: the ``Metric`` record, the ``Scope`` a metric is computed
  over and the order of each output;
- :mod:`~simulator.observe.stats`, :mod:`~simulator.observe.network`,
  :mod:`~simulator.observe.resilience`: the computations metrics call.

Reads the model's state; never changes it.
"""

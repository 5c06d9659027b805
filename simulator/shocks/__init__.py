"""Scheduled shocks: one module per family of kinds, one registry (:data:`SHOCKS`).

- :mod:`~simulator.shocks.base`: the :class:`Shock` interface and the registry;
- :mod:`~simulator.shocks.partner_failure`, :mod:`~simulator.shocks.platform`,
  :mod:`~simulator.shocks.demand`, :mod:`~simulator.shocks.credit`: the kinds;
- :mod:`~simulator.shocks.schedule`: starting and stopping a run's shocks.
"""

from simulator.shocks import credit, demand, partner_failure, platform  # noqa: F401  (register the kinds)
from simulator.shocks.base import SHOCKS, Shock, register
from simulator.shocks.schedule import ShockSchedule

__all__ = ["SHOCKS", "Shock", "ShockSchedule", "register"]

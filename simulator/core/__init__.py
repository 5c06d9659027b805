"""The model's state: who exists and what ties them.

- :mod:`~simulator.core.vocabulary`: the categorical names (alliance types, forms, phases, events);
- :mod:`~simulator.core.roles`: the partner roles, one table;
- :mod:`~simulator.core.population`: the role arrays of SMBs, partners and platforms;
- :mod:`~simulator.core.ledger`: every alliance ever formed, with the queries mechanisms share;
- :mod:`~simulator.core.events`: the lifecycle event log;
- :mod:`~simulator.core.market`: exogenous demand (sector cycles, trend);
- :mod:`~simulator.core.decisions`: the records a strategy and the mechanisms exchange;
- :mod:`~simulator.core.seeds`: the run's random streams.

Nothing here changes state on its own: the mechanisms in :mod:`simulator.rules` do.
"""

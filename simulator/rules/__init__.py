"""The mechanisms of the schedule, one module per submodel of docs/ODD.md.

Each public function takes the model and updates the state in :mod:`simulator.core` for all
firms at once. :meth:`simulator.model.EcosystemModel.step` calls them in order.
"""

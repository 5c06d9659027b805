"""The mechanisms of the schedule, one module per submodel of docs/ODD.md.

Each public function takes the model and updates the state in :mod:`simulator.core` for all
firms at once. :meth:`simulator.model.EcosystemModel.step` calls them in order.

Names, the same in every module here and in :mod:`simulator.core`: an array of SMB indices (rows
of the SMB arrays) is ``smb_idx`` (or ``<what>_smb_idx``), also when it holds the SMB of each
alliance; an array of alliance ids (ledger rows) is ``ids`` (or ``<what>_ids``); ``counterpart``
is a partner slot or platform index, as in the ledger column; ``kind`` a counterpart kind code.
Strategy hooks call the SMB indices of their group ``members`` (:mod:`simulator.strategies.base`).
"""

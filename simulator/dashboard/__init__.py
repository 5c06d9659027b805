"""The browser dashboard (Solara, the library under Mesa's SolaraViz): ``ecosim-dashboard``.

- :mod:`~simulator.dashboard.app`: the page (one :class:`~simulator.dashboard.session.Session` per browser session);
- :mod:`~simulator.dashboard.session`: a scenario's run A and the what-if run B, stepped together;
- :mod:`~simulator.dashboard.scenarios`: the teaching scenarios' texts (their YAML headers) and configurations;
- :mod:`~simulator.dashboard.controls`: the sliders (labels and units; meaning and range from the schema);
- :mod:`~simulator.dashboard.charts`, :mod:`~simulator.dashboard.network`: Vega-Lite specifications;
- :mod:`~simulator.dashboard.widget`: the chart widget that updates its data in place;
- :mod:`~simulator.dashboard.assets`, :mod:`~simulator.dashboard.server`: serving it offline, and in tests.
"""

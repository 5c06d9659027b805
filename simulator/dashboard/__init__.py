"""The browser dashboard (Mesa's SolaraViz): ``ecosim-dashboard``."""

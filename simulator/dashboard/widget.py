"""A Vega-Lite chart widget that updates its data in place.

Solara's own ``VegaLite`` widget embeds the chart again on every change and takes the spec as a
nested dict, which Solara's renderer walks on every render. This widget takes the chart's
structure and its data as two JSON strings: only the string that changed travels to the
browser, and a change of data alone swaps the datasets in the live view.
"""

from __future__ import annotations

import json
from typing import Any

import ipyvuetify as v
import traitlets

TEMPLATE = r"""<template>
    <div>
        <div ref="plotElement"></div>
    </div>
</template>
<script>
// A Vega-Lite chart whose data can change without rebuilding it: a new spec_json embeds the
// chart again; a new data_json only swaps the named datasets in the live view (no flicker,
// no re-layout). Vega is loaded the way Solara's own VegaLite widget loads it (its asset
// proxy, so it works offline from the cache).
module.exports = {
    created() {
        this.vegaLoaded = this.loadVega();
        this.view = null;
        this.queue = Promise.resolve();
    },
    mounted() {
        this.schedule(() => this.embed());
    },
    destroyed() {
        if (this.view) {
            this.view.finalize();
        }
        if (this.observer) {
            this.observer.disconnect();
        }
    },
    watch: {
        spec_json() {
            this.schedule(() => this.embed());
        },
        data_json() {
            this.schedule(() => this.update());
        }
    },
    methods: {
        schedule(task) {
            // one redraw at a time, in order; a burst of changes coalesces in the last one
            this.pending = task;
            this.queue = this.queue.then(async () => {
                if (this.pending === task) {
                    this.pending = null;
                    await this.vegaLoaded;
                    await task();
                }
            }).catch((e) => console.error(e));
        },
        async embed() {
            const vegaEmbed = await new Promise((resolve) => require(['vega-embed'], resolve));
            const spec = {...JSON.parse(this.spec_json), datasets: JSON.parse(this.data_json)};
            if (this.view) {
                this.view.finalize();
            }
            const element = this.$refs.plotElement;
            // vega-embed's element is inline-block: a chart as wide as its container needs it to be a block
            element.style.width = spec.width === "container" ? "100%" : "";
            const result = await vegaEmbed(element, spec, {renderer: "svg", actions: false});
            this.view = result.view;
            if (spec.width === "container") {
                if (!this.observer) {
                    this.observer = new ResizeObserver(() => this.view && this.view.resize().runAsync());
                    this.observer.observe(element);
                }
                await this.view.resize().runAsync();
            }
            this.shown = this.data_json;
        },
        async update() {
            if (!this.view) {
                return this.embed();
            }
            if (this.shown === this.data_json) {
                return;
            }
            const vega = await new Promise((resolve) => require(['vega'], resolve));
            const data = JSON.parse(this.data_json);
            try {
                for (const name of Object.keys(data)) {
                    this.view.data(name);  // throws for a dataset Vega-Lite compiled away (empty): embed again
                }
            } catch (e) {
                return this.embed();
            }
            for (const name of Object.keys(data)) {
                this.view.change(name, vega.changeset().remove(() => true).insert(data[name]));
            }
            this.shown = this.data_json;
            await this.view.runAsync();
        },
        async loadVega() {
            await this.loadRequire();
            require.config({
                map: {
                    '*': {
                        'vega': `${this.getCdn()}/vega@5/build/vega.min.js`,
                        'vega-lite': `${this.getCdn()}/vega-lite@5/build/vega-lite.min.js`,
                        'vega-embed': `${this.getCdn()}/vega-embed@6/build/vega-embed.min.js`,
                    }
                }
            });
            const modules = ['vega', 'vega-lite', 'vega-embed'];
            await new Promise((resolve, reject) => require(modules, () => resolve(), reject));
        },
        loadRequire() {
            if (window.requirejs) {
                return Promise.resolve();
            }
            return new Promise((resolve, reject) => {
                const script = document.createElement('script');
                script.src = `${this.getCdn()}/requirejs@2.3.6/require.js`;
                script.onload = resolve;
                script.onerror = reject;
                document.head.appendChild(script);
            });
        },
        getCdn() {
            if (window.solara) {
                return window.solara.cdn;
            }
            let base = document.body.dataset.baseUrl || document.baseURI;
            if (!base.endsWith('/')) {
                base += '/';
            }
            return `${base}_solara/cdn`;
        }
    },
}
</script>
"""
"""The widget's Vue component (kept here, not in a data file, so that every install has it)."""


class VegaChart(v.VuetifyTemplate):
    """Vega-Lite chart: ``spec_json`` without data, ``data_json`` the named datasets."""

    template = traitlets.Unicode(TEMPLATE).tag(sync=True)
    spec_json = traitlets.Unicode("{}").tag(sync=True)
    data_json = traitlets.Unicode("{}").tag(sync=True)


def split(spec: dict[str, Any]) -> tuple[str, str]:
    """A spec with top-level ``datasets`` as ``(structure, data)`` JSON strings."""
    structure = {key: value for key, value in spec.items() if key != "datasets"}
    return json.dumps(structure, sort_keys=True), json.dumps(spec.get("datasets", {}))

// briefmap/drawing/web/outlines.js under Node, with a stand-in for Leaflet: the
// outline geography is drawn into its group, and a basemap whose tiles fail
// shows it with a note and loses its attribution until a tile loads.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

// Values made in the script's own context, compared as plain data.
const plain = (value) => JSON.parse(JSON.stringify(value));

const WEB = path.join(__dirname, "..", "..", "briefmap", "drawing", "web");

// Leaflet's event methods, enough for layers and the map.
function evented(target) {
    const handlers = {};
    target.on = function (name, fn) { (handlers[name] = handlers[name] || []).push(fn); return this; };
    target.fire = function (name, data) { (handlers[name] || []).forEach((fn) => fn(data)); return this; };
    return target;
}

function fakeLeaflet() {
    function element(tag, cls) { return {tag, className: cls, children: [], textContent: "", attributes: {}, setAttribute(k, v) { this.attributes[k] = v; }}; }
    class TileLayer {
        constructor(attribution) { evented(this); this.attribution = attribution; }
        getAttribution() { return this.attribution; }
    }
    const L = {
        TileLayer,
        DomUtil: {
            create(tag, cls, parent) { const el = element(tag, cls); if (parent) { parent.children.push(el); } return el; },
        },
        divIcon(options) { return options; },
        marker(latlng, options) { return {kind: "marker", latlng, options}; },
        geoJSON(data, options) {
            const layers = data.features.map((feature) => {
                const [x, y] = feature.geometry.coordinates;
                return feature.geometry.type === "Point" ? options.pointToLayer(feature, [y, x]) : {kind: "path", style: options.style(feature), feature};
            });
            return {options, layers, addTo(group) { group.children.push(this); return this; }};
        },
        control(options) {
            return {options, addTo(map) { this.div = this.onAdd(); map.controls.push(this); this.map = map; return this; },
                remove() { this.map.controls = this.map.controls.filter((c) => c !== this); }};
        },
    };
    return L;
}

function fakeMap(L, tileLayers) {
    const map = evented({
        panes: {}, controls: [], layers: new Set(tileLayers),
        attributions: {},
        getPane(name) { return this.panes[name]; },
        createPane(name) { this.panes[name] = {style: {}}; },
        eachLayer(fn) { this.layers.forEach(fn); },
        hasLayer(layer) { return this.layers.has(layer); },
        addLayer(layer) { this.layers.add(layer); this.fire("layeradd", {layer}); if (layer.fire) { layer.fire("add"); } },
        removeLayer(layer) { this.layers.delete(layer); if (layer.fire) { layer.fire("remove"); } },
    });
    map.attributionControl = {
        addAttribution(text) { map.attributions[text] = (map.attributions[text] || 0) + 1; },
        removeAttribution(text) { if (map.attributions[text]) { map.attributions[text] -= 1; } },
    };
    tileLayers.forEach((layer) => map.attributionControl.addAttribution(layer.getAttribution()));
    return map;
}

function fakeGroup(map) {
    return evented({children: [], addTo(m) { m.addLayer(this); return this; }, _map: map});
}

const OUTLINES = {
    type: "FeatureCollection",
    attribution: "Outlines: Natural Earth",
    features: [
        {type: "Feature", properties: {k: "coast"}, geometry: {type: "LineString", coordinates: [[35, 33], [36, 34]]}},
        {type: "Feature", properties: {k: "border"}, geometry: {type: "LineString", coordinates: [[36, 32], [37, 33]]}},
        {type: "Feature", properties: {k: "admin1"}, geometry: {type: "LineString", coordinates: [[37, 34], [38, 35]]}},
        {type: "Feature", properties: {k: "border"}, geometry: {type: "MultiLineString", coordinates: [[[38, 32], [39, 33]], [[39, 33], [40, 34]]]}},
        {type: "Feature", properties: {k: "city", n: "Aleppo"}, geometry: {type: "Point", coordinates: [37.16, 36.2]}},
        {type: "Feature", properties: {k: "city", n: "<b>Homs</b>"}, geometry: {type: "Point", coordinates: [36.7, 34.7]}},
    ],
};
const NOTE = "Basemap unavailable: outline geography shown";

function setUp(unnamed) {
    const L = fakeLeaflet();
    const tiles = new L.TileLayer("Tiles © Esri");
    const map = fakeMap(L, [tiles]);
    const group = fakeGroup(map);
    const outlines = vm.runInNewContext(fs.readFileSync(path.join(WEB, "outlines.js"), "utf8"), {L});
    outlines(map, group, OUTLINES, NOTE, unnamed || []);
    return {L, map, group, tiles};
}

function notes(map) {
    return map.controls.filter((c) => c.div.className === "bm-basemap-note").map((c) => c.div.textContent);
}

test("draws every outline into its group, under the claims and out of the way of the pointer", () => {
    const {map, group} = setUp();
    const drawn = group.children[0];
    // One path per line style (they take no pointer), and a marker per city.
    const paths = drawn.layers.filter((l) => l.kind === "path");
    assert.equal(paths.length, 3);
    assert.equal(drawn.layers.length, 3 + 2);
    const border = paths.find((l) => l.feature.properties.k === "border").feature.geometry;
    assert.equal(border.type, "MultiLineString");
    assert.deepEqual(plain(border.coordinates), [[[36, 32], [37, 33]], [[38, 32], [39, 33]], [[39, 33], [40, 34]]]);
    assert.equal(drawn.options.pane, "bm-outlines");
    assert.equal(drawn.options.interactive, false);
    assert.equal(drawn.options.attribution, "Outlines: Natural Earth");
    const z = map.getPane("bm-outlines").style.zIndex;
    assert.ok(z > 200 && z < 400, `pane z-index ${z} lies between tiles and claims`);
    assert.equal(map.getPane("bm-outlines").style.pointerEvents, "none");
    const styles = drawn.layers.filter((l) => l.kind === "path").map((l) => l.style.color);
    assert.equal(new Set(styles).size, 3, "coast, border and governorate lines look different");
});

test("city names are text, never HTML, and the ones the data names are left out", () => {
    const {group} = setUp([4]);
    const cities = group.children[0].layers.filter((l) => l.kind === "marker");
    const names = cities.map((m) => m.options.icon.html.children.filter((c) => c.className === "bm-outline-name").map((c) => c.textContent));
    assert.deepEqual(plain(names), [[], ["<b>Homs</b>"]]);
    cities.forEach((m) => assert.equal(m.options.interactive, false));
    cities.forEach((m) => assert.equal(m.options.keyboard, false));
});

test("nothing changes while the tiles load", () => {
    const {map, group, tiles} = setUp();
    tiles.fire("tileload");
    tiles.fire("tileerror");  // one failed tile among loaded ones is not an outage
    assert.deepEqual(notes(map), []);
    assert.ok(!map.hasLayer(group));
    assert.equal(map.attributions["Tiles © Esri"], 1);
});

test("a basemap whose tiles fail shows the outlines and the note, and loses its attribution", () => {
    const {map, group, tiles} = setUp();
    let corners = 0;  // the map is framed again around the note (fit-when-sized.js)
    let outlined = null;  // whether the outlines (and their credit) were in then
    map.on("bmcorners", () => { corners += 1; outlined = map.hasLayer(group); });
    tiles.fire("tileerror");
    tiles.fire("tileerror");
    assert.deepEqual(notes(map), [NOTE]);
    assert.equal(corners, 1);
    // Once the credits beside the note are final: the note wraps with them.
    assert.equal(outlined, true);
    assert.equal(map.controls[0].options.position, "bottomright");
    assert.ok(map.hasLayer(group));
    assert.equal(map.attributions["Tiles © Esri"], 0);
    // The network comes back: everything as it was.
    tiles.fire("tileload");
    assert.deepEqual(notes(map), []);
    assert.equal(corners, 2);
    assert.equal(outlined, false);
    assert.ok(!map.hasLayer(group));
    assert.equal(map.attributions["Tiles © Esri"], 1);
});

test("outlines the user turned on stay on when the basemap comes back", () => {
    const {map, group, tiles} = setUp();
    group.addTo(map);
    tiles.fire("tileerror");
    tiles.fire("tileload");
    assert.ok(map.hasLayer(group));
});

test("a basemap picked later is watched too, and one taken away no longer counts", () => {
    const {L, map, tiles} = setUp();
    tiles.fire("tileerror");
    map.removeLayer(tiles);
    assert.deepEqual(notes(map), []);
    const osm = new L.TileLayer("© OpenStreetMap");
    map.addLayer(osm);
    osm.fire("tileerror");
    assert.deepEqual(notes(map), [NOTE]);
});

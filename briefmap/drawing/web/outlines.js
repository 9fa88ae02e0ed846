// Outline geography under the claims (OutlineLayer in briefmap/drawing/outlines.py):
// coastline, borders, first-level admin lines and major cities from the package's
// own outlines.json, drawn into the layer control's "Outline geography" group.
// When a basemap's tiles cannot be loaded (an air-gapped room), the group is
// shown, a note says the basemap is unavailable and the tiles' attribution is
// dropped; a tile that loads later undoes all three.
// ``unnamed``: indexes of the cities whose name a place of the data already shows.
(function (map, group, outlines, note, unnamed) {
    var PANE = "bm-outlines";
    if (!map.getPane(PANE)) {
        map.createPane(PANE);
        // Above the tiles (200), under the claims' shapes (400) and markers (600).
        map.getPane(PANE).style.zIndex = 250;
        map.getPane(PANE).style.pointerEvents = "none";
    }
    var STYLES = {
        coast: {color: "#3d5f80", weight: 1.4, opacity: 0.9},
        border: {color: "#444444", weight: 1.8, opacity: 0.9, dashArray: "8 3 2 3"},
        admin1: {color: "#7a7a7a", weight: 0.9, opacity: 0.9, dashArray: "3 3"}
    };
    var quiet = {};
    unnamed.forEach(function (index) { quiet[index] = true; });
    function city(feature, latlng) {
        var html = L.DomUtil.create("div", "bm-outline-city-inner");
        L.DomUtil.create("span", "bm-outline-dot", html);
        if (!quiet[outlines.features.indexOf(feature)]) {
            // textContent: a name is never read as HTML.
            L.DomUtil.create("span", "bm-outline-name", html).textContent = feature.properties.n;
        }
        return L.marker(latlng, {
            pane: PANE, interactive: false, keyboard: false,
            icon: L.divIcon({className: "bm-outline-city", html: html, iconSize: [6, 6]})
        });
    }
    // One path per line style, not one per line: the lines take no pointer,
    // so nothing is lost, and adding 150 SVG paths (each projected, clipped
    // and simplified apart) was a tenth of a second of every first map offline.
    // Cities stay features of their own: each is a marker with its name.
    function merged(features) {
        var byStyle = {}, out = [];
        features.forEach(function (feature) {
            var g = feature.geometry, k = feature.properties.k;
            if (!g || (g.type !== "LineString" && g.type !== "MultiLineString")) { out.push(feature); return; }
            if (!byStyle[k]) {
                byStyle[k] = {type: "Feature", properties: {k: k}, geometry: {type: "MultiLineString", coordinates: []}};
                out.push(byStyle[k]);
            }
            var lines = byStyle[k].geometry.coordinates;
            if (g.type === "LineString") { lines.push(g.coordinates); } else { lines.push.apply(lines, g.coordinates); }
        });
        return {type: "FeatureCollection", features: out};
    }
    L.geoJSON(merged(outlines.features), {
        pane: PANE,
        interactive: false,
        attribution: outlines.attribution,
        style: function (feature) { return STYLES[feature.properties.k] || STYLES.border; },
        pointToLayer: city
    }).addTo(group);

    var notice = L.control({position: "bottomright"});
    notice.onAdd = function () {
        var div = L.DomUtil.create("div", "bm-basemap-note");
        div.setAttribute("role", "status");
        div.textContent = note;
        return div;
    };
    var down = [];        // tile layers on the map none of whose tiles loaded
    var noticeShown = false;
    var shownByUs = false; // the group was shown for a failed basemap, not by the user

    group.on("remove", function () { shownByUs = false; });

    function refresh() {
        var failing = down.some(function (layer) { return map.hasLayer(layer); });
        // fit-when-sized.js frames around the note at once: once the credits
        // beside it are what they will stay (the outlines' in, or out), for the
        // note wraps with them. Told before the outlines' credit came in, the map
        // was framed for a note of two lines that then took one, and a page
        // opened later framed the same scene some pixels apart.
        if (failing && !noticeShown) {
            notice.addTo(map);
            noticeShown = true;
            if (!map.hasLayer(group)) { group.addTo(map); shownByUs = true; }
            map.fire("bmcorners");
        } else if (!failing && noticeShown) {
            notice.remove();
            noticeShown = false;
            if (shownByUs) { map.removeLayer(group); shownByUs = false; }
            map.fire("bmcorners");
        }
    }
    function forget(layer) {
        var at = down.indexOf(layer);
        if (at >= 0) { down.splice(at, 1); }
        return at >= 0;
    }
    function watch(layer) {
        if (!(layer instanceof L.TileLayer) || layer.__briefmapWatched) { return; }
        layer.__briefmapWatched = true;
        var loaded = false;
        layer.on("tileerror", function () {
            if (loaded || down.indexOf(layer) >= 0) { return; }
            down.push(layer);
            if (map.attributionControl) { map.attributionControl.removeAttribution(layer.getAttribution()); }
            refresh();
        });
        layer.on("tileload", function () {
            loaded = true;
            if (forget(layer) && map.attributionControl) {
                map.attributionControl.addAttribution(layer.getAttribution());
            }
            refresh();
        });
        // Leaflet takes the attribution away itself when the layer goes.
        layer.on("remove", function () { forget(layer); refresh(); });
    }
    map.eachLayer(watch);
    map.on("layeradd", function (event) { watch(event.layer); });
})

// Time playback in the map's frame: the timeline under the map and the map drawn
// "as of" its cursor, from the tape (briefmap/drawing/playback.py) by the rewind
// of playback.js, with no rerun while it plays. A function expression that
// PlaybackTape calls with the map, the tape and the day the server drew (null:
// today) each time the layers are swapped in; the timeline is built once per
// map and takes each new tape.
//
// While the cursor is off the server's day the server's layers are hidden
// (.bm-playing, playback.css) and this draws every place of the day on a canvas
// of its own: each point a stamp of its style's circle, drawn once (a sprite),
// outlines and lines as paths on a canvas under it, and a ring round each place
// that changed in the last step (or since the "what changed since" handle).
// Where the map is a canvas map (canvas.js), its crowded areas are boxes, as
// the map at rest draws them (playback.js crowds): at a country's zoom a frame
// then stamps a few thousand circles at most. Circles drawn as paths, all of
// them, took Chromium's software raster 0.4 s a frame at 100,000 claims: 2.5
// frames a second (BENCHMARKS.md, issue 29); `naive` draws them so for the bench. When playback pauses,
// the day goes to the app in the map's report (streamlit-folium-report.js); the
// app draws that day itself, and once its layers come back for the cursor's day
// the server's drawing shows again.
(function (map, tape, shownDay) {
    var P = window.__briefmapPlayback;
    if (!P || !tape || !tape.span) { return; }
    var S = map.__bmPlayback;
    if (!S) { S = map.__bmPlayback = build(); }
    // The page around the frame finds the player here (a scene's playback, scene-keys.js).
    window.__bmPlayer = S;
    S.load(tape, shownDay === null ? null : P.dayOf(shownDay));

    function build() {
        // Days a second: one month to one year.
        var SPEEDS = [["1 month/s", 30.44], ["3 months/s", 91.31], ["6 months/s", 182.62],
            ["1 year/s", 365.25]];
        var UNITS = ["day", "week", "month"];
        var REPORT_AFTER_MS = 350;  // a pause, or the last of a run of steps
        var RING = "#111111";
        var MAX_RINGS = 2000;
        var t = null, first = 0, last = 0, served = null;
        var day = 0, since = null, playing = false, active = false, looping = false;
        var unit = "month", speed = SPEEDS[3][1], pos = 0, clock = null, fr = null;
        var cur = null, fresh = true, sinceKeys = null;  // fresh: no day shown from this tape yet
        var stopAt = null;  // a scene's range ends here (playRange)
        var changed = [], mx = null, my = null, geo = null, reportTimer = null, serial = 0;
        var stats = window.__bmPlaybackStats = {frames: 0, ms: 0, last: 0};

        // ------------------------------------------------------------ controls
        // Closed at first, a button in the corner as the legend's key is: open, the
        // timeline would cover places a phone's map must show (framing keeps clear
        // only of what the corners hold when it frames).
        var box = L.DomUtil.create("div", "bm-playback bm-pb-closed");
        box.setAttribute("role", "group");
        box.setAttribute("aria-label", "Time playback");
        var toggle = L.DomUtil.create("button", "bm-pb-toggle", box);
        toggle.type = "button";
        toggle.textContent = "Timeline";
        toggle.setAttribute("aria-expanded", "false");
        toggle.title = "Play the map as it was known, day by day";
        function button(cls, text, label) {
            var b = L.DomUtil.create("button", cls, row);
            b.type = "button"; b.textContent = text; b.setAttribute("aria-label", label);
            b.title = label;
            return b;
        }
        var row = L.DomUtil.create("div", "bm-pb-row", box);
        var back = button("bm-pb-back", "\u25C0\u25C0", "Step back");
        var play = button("bm-pb-play", "\u25B6", "Play");
        var fwd = button("bm-pb-fwd", "\u25B6\u25B6", "Step forward");
        function select(cls, label, options) {
            var s = L.DomUtil.create("select", cls, row);
            s.setAttribute("aria-label", label); s.title = label;
            options.forEach(function (o) {
                var opt = document.createElement("option");
                opt.value = String(o[1]); opt.textContent = o[0]; s.appendChild(opt);
            });
            return s;
        }
        var unitBox = select("bm-pb-unit", "Step by", UNITS.map(function (u) { return [u, u]; }));
        unitBox.value = unit;
        var speedBox = select("bm-pb-speed", "Speed", SPEEDS);
        speedBox.value = String(speed);
        var loopLabel = L.DomUtil.create("label", "bm-pb-loop", row);
        var loopBox = L.DomUtil.create("input", "", loopLabel);
        loopBox.type = "checkbox";
        loopLabel.appendChild(document.createTextNode(" Loop"));
        var dayText = L.DomUtil.create("span", "bm-pb-day", row);
        var counts = L.DomUtil.create("span", "bm-pb-count", row);
        var live = L.DomUtil.create("div", "bm-pb-live", box);
        live.setAttribute("aria-live", "polite");
        live.setAttribute("role", "status");
        var track = L.DomUtil.create("div", "bm-pb-track", box);
        var histogram = L.DomUtil.create("canvas", "bm-pb-histogram", track);
        histogram.setAttribute("aria-hidden", "true");
        // Each slider under a short visible name: two bare sliders left a new user
        // guessing which was the day shown and which the "changed since" handle.
        function range(cls, label, name) {
            var line = L.DomUtil.create("label", "bm-pb-slider", track);
            L.DomUtil.create("span", "bm-pb-name", line).textContent = name;
            var r = L.DomUtil.create("input", cls, line);
            r.type = "range"; r.step = "1"; r.setAttribute("aria-label", label);
            return r;
        }
        var cursor = range("bm-pb-asof", "As of", "Day shown");
        var sinceBox = range("bm-pb-since", "What changed since", "Changed since");
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        var control = L.control({position: "bottomleft"});
        control.onAdd = function () { return box; };
        control.addTo(map);

        // --------------------------------------------------------------- canvas
        var pane = map.getPane("briefmapPlayback") || map.createPane("briefmapPlayback");
        pane.style.zIndex = 460;
        pane.style.pointerEvents = "none";
        // Outlines on a canvas of their own, drawn again only when one of them changes
        // or the view moves: filling a few hundred large areas every frame cost
        // more than all the points.
        var under = L.DomUtil.create("canvas", "bm-pb-canvas", pane);
        var canvas = L.DomUtil.create("canvas", "bm-pb-canvas", pane);
        var underKey = null;
        var drawnAt = null, drawnRound = null, round = 0;  // per pixel: the style last drawn, when
        var drawn = false;  // the canvas holds a whole frame (a step may redraw only its changes)
        var AG = window.__briefmapAggregate;  // aggregate.js, on a canvas map's page
        var sprites = {}, boxImages = {}, boxCount = 0, naive = false, crowd = null;

        // A style's circle of radius r, drawn once on a canvas of its own and
        // stamped at whole pixels: every stamp of it is the same pixels. Its side
        // is even, so its centre falls on a pixel's corner as a path's would.
        function spriteOf(key, r, dpr) {
            var id = key + "/" + r + "/" + dpr, s = sprites[id];
            if (s) { return s; }
            var style = P.styleOfKey(t, key), h = Math.ceil(r + (+style[1] || 1) / 2 + 1);
            var c = document.createElement("canvas");
            c.width = c.height = 2 * h * dpr;
            var g = c.getContext("2d");
            g.setTransform(dpr, 0, 0, dpr, 0, 0);
            g.beginPath();
            g.arc(h, h, r, 0, 2 * Math.PI);
            paint(g, style);
            return (sprites[id] = {image: c, h: h});
        }

        // A crowded area's box (aggregate.js drawBox) on a canvas of its square's
        // own, with a pixel to spare around it as canvas.js has it, drawn again
        // only when its counts change (a box's text and patterns took about 0.3
        // ms to draw; a canvas made for each, more).
        function boxImage(box, zoom, dpr) {
            var id = zoom + "/" + box.cell + "/" + dpr, held = boxImages[id], tally = box.claims.join(",");
            if (!held) {
                if (++boxCount > 1000) { boxImages = {}; boxCount = 1; }
                var c = document.createElement("canvas");
                c.width = (AG.BOX_W + 2) * dpr; c.height = (AG.BOX_H + 2) * dpr;
                held = boxImages[id] = {image: c, tally: null};
            }
            if (held.tally !== tally) {
                var g = held.image.getContext("2d");
                g.setTransform(1, 0, 0, 1, 0, 0);
                g.clearRect(0, 0, held.image.width, held.image.height);
                g.setTransform(dpr, 0, 0, dpr, 0, 0);
                AG.drawBox(g, box, AG.BOX_W / 2 + 1, AG.BOX_H / 2 + 1, t.L, t.Lk);
                held.tally = tally;
            }
            return held.image;
        }

        // style: [colour, weight, dash, fill (0 none, 1 solid, 2 hatched), fill opacity]
        function paint(g, style) {
            if (style[3]) {
                g.globalAlpha = style[3] === 2 ? style[4] * 0.4 : style[4];
                g.fillStyle = style[0];
                g.fill("evenodd");
                g.globalAlpha = 1;
            }
            g.setLineDash(style[2] ? String(style[2]).split(/[ ,]+/).map(Number) : []);
            g.lineWidth = style[1]; g.strokeStyle = style[0];
            g.stroke();
            g.setLineDash([]);
        }

        function project() {
            // Web Mercator, 0 to 1 across the world: Leaflet's pixels at zoom 0 / 256.
            var n = t.p.length;
            mx = new Float64Array(n); my = new Float64Array(n);
            for (var i = 0; i < n; i++) {
                if (!t.pt[i]) { continue; }
                var lat = t.py[i] / 1e5, s = Math.sin(lat * Math.PI / 180);
                s = Math.max(-0.9999, Math.min(0.9999, s));
                mx[i] = (t.px[i] / 1e5 + 180) / 360;
                my[i] = 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
            }
            geo = t.g || [];
        }

        function fit(c, size, dpr) {
            L.DomUtil.setPosition(c, map.containerPointToLayerPoint([0, 0]));
            if (c.width !== size.x * dpr || c.height !== size.y * dpr) {
                c.width = size.x * dpr; c.height = size.y * dpr;
                c.style.width = size.x + "px"; c.style.height = size.y + "px";
            }
            var g = c.getContext("2d");
            g.setTransform(dpr, 0, 0, dpr, 0, 0);
            return g;
        }

        // The view's points on a grid of GRID px cells (the places in view, whatever
        // the day), made again when the view moves: a step redraws only the
        // places that changed and the points whose circles reach theirs.
        var GRID = 32, MAX_DIRTY = 1500, MAX_NEAR = 20000, near = null, nearStamp = 0;
        var view = null, ringed = [], wmax = 1;
        function viewOf(size) {
            var zoom = map.getZoom(), o = map.getPixelBounds().min;
            var v = {size: size, zoom: zoom, scale: 256 * Math.pow(2, zoom), o: o,
                r: Math.max(3, 6 - Math.max(0, 8 - Math.round(zoom))),
                key: [zoom, o.x, o.y, size.x, size.y].join(",")};
            if (view && view.key === v.key && view.t === t) { return view; }
            v.t = t;
            var gw = Math.ceil((size.x + 2 * GRID) / GRID) + 1;
            var gh = Math.ceil((size.y + 2 * GRID) / GRID) + 1;
            var cells = [], np = t.p.length, inView = [];
            v.x = new Int32Array(np); v.y = new Int32Array(np);
            // A canvas map bins its points below AG.ALL_FROM: every point whose
            // square reaches into the view is binned, in the zoom's pixels.
            v.bins = !!(AG && t.L && map.__briefmapPoints && zoom < AG.ALL_FROM);
            v.around = []; v.ax = new Float64Array(np); v.ay = new Float64Array(np);
            var m = v.bins ? AG.CELL : 0;
            for (var p = 0; p < np; p++) {
                if (!t.pt[p]) { continue; }
                var x = Math.round(mx[p] * v.scale - o.x), y = Math.round(my[p] * v.scale - o.y);
                if (v.bins && x >= -m && y >= -m && x <= size.x + m && y <= size.y + m) {
                    v.around.push(p); v.ax[p] = mx[p] * v.scale; v.ay[p] = my[p] * v.scale;
                }
                if (x < -v.r || y < -v.r || x > size.x + v.r || y > size.y + v.r) { continue; }
                v.x[p] = x; v.y[p] = y;
                inView.push(p);
                var cell = Math.floor((y + GRID) / GRID) * gw + Math.floor((x + GRID) / GRID);
                (cells[cell] = cells[cell] || []).push(p);
            }
            v.gw = gw; v.gh = gh; v.cells = cells; v.inView = inView;
            v.grid = v.bins ? P.gridOf(v.around, v.ax, v.ay, AG) : null;
            view = v;
            return v;
        }

        // Points of the places `at` (ascending, in view), layer by layer and weakest status
        // first within a layer, one path a style, and rings round `rings`.
        function points(g, v, at, rings) {
            var np = fr.places, size = v.size, r = v.r, scale = v.scale, o = v.o;
            var hidden = crowd && crowd.hidden, dpr = window.devicePixelRatio || 1;
            if (hidden) { at = at.filter(function (p) { return !hidden[p]; }); }
            var cells = (size.x + 2 * r + 2) * (size.y + 2 * r + 2);
            if (!drawnAt || drawnAt.length < cells) {
                drawnAt = new Int32Array(cells); drawnRound = new Int32Array(cells);
            }
            for (var layer = 0; layer < P.LAYERS; layer++) {
                var buckets = {};
                round++;  // within a layer: its styles are drawn in their own order
                for (var i = 0; i < at.length; i++) {
                    var p = at[i], f = layer * np + p;
                    if (fr.lead[f] < 0) { continue; }
                    var x = v.x[p], y = v.y[p];
                    var key = P.styleKey(t, fr, f);
                    // A circle of the same style on the same pixel draws the same ink:
                    // at a country's zoom most of 100,000 points are such repeats.
                    var cell = (y + r + 1) * (size.x + 2 * r + 2) + x + r + 1;
                    if (drawnAt[cell] === key + 1 && drawnRound[cell] === round) { continue; }
                    drawnAt[cell] = key + 1; drawnRound[cell] = round;
                    (buckets[key] = buckets[key] || {f: f, at: []}).at.push(x, y);
                }
                Object.keys(buckets).sort(function (a, b) {
                    return ((b / 2) | 0) % 15 - ((a / 2) | 0) % 15;  // weaker rank first
                }).forEach(function (k) {
                    var b = buckets[k], xy = b.at, j;
                    if (naive) {
                        // One path a style: a fill and a stroke for all its circles.
                        g.beginPath();
                        for (j = 0; j < xy.length; j += 2) {
                            g.moveTo(xy[j] + r, xy[j + 1]);
                            g.arc(xy[j], xy[j + 1], r, 0, 2 * Math.PI);
                        }
                        paint(g, P.styleOf(t, fr, b.f));
                        return;
                    }
                    var s = spriteOf(+k, r, dpr), w = 2 * s.h;
                    for (j = 0; j < xy.length; j += 2) { g.drawImage(s.image, xy[j] - s.h, xy[j + 1] - s.h, w, w); }
                });
            }
            // What changed: a ring round each point in view, all in one path.
            g.beginPath();
            rings.forEach(function (p) {
                var x = mx[p] * scale - o.x, y = my[p] * scale - o.y;
                g.moveTo(x + r + 4, y);
                g.arc(x, y, r + 4, 0, 2 * Math.PI);
            });
            g.lineWidth = 2; g.strokeStyle = RING;
            g.stroke();
            // The crowded areas' boxes over the circles and their rings, as canvas.js draws them.
            if (crowd) {
                crowd.boxes.forEach(function (box) {
                    var x = Math.round(box.x - o.x - AG.BOX_W / 2) - 1, y = Math.round(box.y - o.y - AG.BOX_H / 2) - 1;
                    if (x > size.x || y > size.y || x < -AG.BOX_W - 2 || y < -AG.BOX_H - 2) { return; }
                    g.drawImage(boxImage(box, v.zoom, dpr), x, y, AG.BOX_W + 2, AG.BOX_H + 2);
                });
            }
        }

        // The rings of a frame: changed points in view. After a jump (more than
        // MAX_RINGS changed) rings would cover the map and say nothing.
        function ringsOf(v) {
            if (changed.length > MAX_RINGS) { return []; }
            var out = [], size = v.size, r = v.r;
            changed.forEach(function (p) {
                if (!t.pt[p] || (crowd && crowd.hidden[p])) { return; }
                var x = mx[p] * v.scale - v.o.x, y = my[p] * v.scale - v.o.y;
                if (x < -r - 4 || y < -r - 4 || x > size.x + r + 4 || y > size.y + r + 4) { return; }
                out.push(p);
            });
            return out;
        }

        // step: the frame came by one step of the cursor (fr.changed, or the rings
        // of `changed`, say all that differs from the frame drawn last).
        function draw(e, step) {
            var size = map.getSize(), dpr = window.devicePixelRatio || 1;
            var g = fit(canvas, size, dpr);
            var moved = !!(e && e.type);
            if (moved) { underKey = null; }  // the view moved: outlines again
            if (!active || !fr) {
                g.clearRect(0, 0, size.x, size.y);
                fit(under, size, dpr).clearRect(0, 0, size.x, size.y);
                underKey = null; drawn = false; ringed = [];
                return;
            }
            var v = viewOf(size), np = fr.places;
            var outline = moved || !step || underKey === null;
            // Binned, a step changes boxes as well as circles: the whole frame (a
            // few thousand stamps at most), also the first frame after boxes.
            var boxed = !!crowd;
            crowd = v.bins && !naive ? P.crowds(t, fr, v.around, v.ax, v.ay, AG, v.grid) : null;
            if (crowd && !crowd.boxes.length) { crowd = null; }
            var dirty = step && drawn && !moved && !crowd && !boxed ? fr.changed.concat(ringed) : null;
            if (dirty) {
                for (var i = 0; i < fr.changed.length && !outline; i++) {
                    outline = !t.pt[fr.changed[i]];
                }
                if (dirty.length > MAX_DIRTY) { dirty = null; }
            }
            if (outline) {
                var shapes = [];
                for (var f = 0; f < P.LAYERS * np; f++) {
                    if (fr.lead[f] >= 0 && !t.pt[f % np]) { shapes.push(f, P.styleKey(t, fr, f)); }
                }
                var key = shapes.join(",");
                if (key !== underKey) {
                    underKey = key;
                    outlines(fit(under, size, dpr), size, v.scale, v.o, shapes, np);
                }
            }
            var rings = ringsOf(v);
            if (!dirty || !repaint(g, v, dirty, rings)) {
                g.clearRect(0, 0, size.x, size.y);
                points(g, v, v.inView, rings);
            }
            drawn = true;
            ringed = rings;
        }

        // Only the squares round the places that changed (and last frame's rings):
        // cleared, then the points whose circles reach them drawn again in them,
        // in the whole frame's order, so the canvas is the one a full draw makes.
        function repaint(g, v, dirty, rings) {
            var r = v.r, R = r + 7, reach = R + r + Math.ceil(wmax / 2) + 1;
            var boxes = [], at = [], np = fr.places, lead = fr.lead;
            if (!near || near.length < np) { near = new Int32Array(np); }
            nearStamp++;
            dirty.forEach(function (p) {
                if (!t.pt[p]) { return; }
                var x = Math.round(mx[p] * v.scale - v.o.x), y = Math.round(my[p] * v.scale - v.o.y);
                if (x < -R || y < -R || x > v.size.x + R || y > v.size.y + R) { return; }
                boxes.push(x - R, y - R);
                var c0 = Math.max(0, Math.floor((x - reach + GRID) / GRID));
                var c1 = Math.min(v.gw - 1, Math.floor((x + reach + GRID) / GRID));
                var r0 = Math.max(0, Math.floor((y - reach + GRID) / GRID));
                var r1 = Math.min(v.gh - 1, Math.floor((y + reach + GRID) / GRID));
                for (var row = r0; row <= r1; row++) {
                    for (var col = c0; col <= c1; col++) {
                        var list = v.cells[row * v.gw + col];
                        if (!list) { continue; }
                        for (var k = 0; k < list.length; k++) {
                            var q = list[k];
                            if (near[q] === nearStamp) { continue; }
                            near[q] = nearStamp;
                            // Only places with a feature this day have ink to draw again.
                            if (lead[q] >= 0 || lead[np + q] >= 0 || lead[2 * np + q] >= 0 ||
                                lead[3 * np + q] >= 0 || lead[4 * np + q] >= 0) { at.push(q); }
                        }
                    }
                }
            });
            stats.partial = (stats.partial || 0) + 1;
            if (!boxes.length) { return true; }
            // Most of the view's ink again: a whole frame is cheaper than the clip.
            if (at.length > MAX_NEAR) { return false; }
            at.sort(function (a, b) { return a - b; });
            g.save();
            g.beginPath();
            for (var i = 0; i < boxes.length; i += 2) { g.rect(boxes[i], boxes[i + 1], 2 * R, 2 * R); }
            g.clip();
            for (i = 0; i < boxes.length; i += 2) {
                g.clearRect(boxes[i], boxes[i + 1], 2 * R, 2 * R);
            }
            points(g, v, at, rings);
            g.restore();
            return true;
        }

        // Outlines and lines (shapes: feature, style key, ...), in drawing order.
        function outlines(g, size, scale, o, shapes, np) {
            g.clearRect(0, 0, size.x, size.y);
            for (var i = 0; i < shapes.length; i += 2) {
                var f = shapes[i], p = f % np;
                if (!geo[p]) { continue; }
                g.beginPath();
                geo[p].forEach(function (path) {
                    path.forEach(function (xy, k) {
                        var lat = xy[1] * Math.PI / 180;
                        var x = (xy[0] + 180) / 360 * scale - o.x;
                        var y = (0.5 - Math.log(Math.tan(Math.PI / 4 + lat / 2)) / (2 * Math.PI)) * scale - o.y;
                        if (k) { g.lineTo(x, y); } else { g.moveTo(x, y); }
                    });
                });
                var style = P.styleOf(t, fr, f);
                if (t.gl && t.gl[p]) { style = style.slice(); style[3] = 0; }
                paint(g, style);
            }
        }

        // ---------------------------------------------------------------- state
        function show(next, announce) {
            var started = performance.now();
            day = Math.max(first, Math.min(last, next));
            // From the day before by the cursor: only the events between the two days.
            var stepped = !fresh;
            fr = cur.to(day);
            if (since !== null && since < day) {
                changed = changedSince();
                stepped = false;  // its rings are not the step's: draw the whole frame
            } else {
                changed = fresh ? [] : fr.changed;
            }
            fresh = false;
            var computed = performance.now();
            active = served === null ? day !== last || since !== null : day !== served;
            L.DomUtil[active ? "addClass" : "removeClass"](map.getContainer(), "bm-playing");
            draw(null, stepped);
            stats.compute = computed - started;
            cursor.value = String(day);
            dayText.textContent = "As of " + plain(day);
            counts.textContent = fr.shown + " of " + fr.total + " claims";
            var ms = performance.now() - started;
            stats.frames++; stats.ms += ms; stats.last = ms;
            window.__bmPlaybackState = {day: P.textOf(day), shown: fr.shown, total: fr.total,
                byStatus: fr.byStatus.slice(), playing: playing, active: active};
            if (announce) { live.textContent = "As of " + plain(day) + ": " + counts.textContent; }
            heading();
        }

        // An offline export's header (html_export.py) names its own day and count:
        // while the frame draws another day, it names the frame's, so the page
        // does not say "As of" one day over a map of another.
        var head = null;
        function heading() {
            if (head === null) {
                var asof = document.querySelector(".bm-export-head .bm-export-asof");
                var count = document.querySelector(".bm-export-head .bm-export-count");
                head = asof && count ? {asof: asof, count: count, was: [asof.textContent,
                    count.textContent]} : false;
            }
            if (!head) { return; }
            head.asof.textContent = active ? "As of " + P.textOf(day) : head.was[0];
            head.count.textContent = active ? "Showing " + fr.shown + " of " + fr.total + " claims"
                : head.was[1];
        }

        // Places whose features differ from the "what changed since" day's: that
        // day's style keys computed once a handle position, compared with the cursor's.
        function changedSince() {
            if (sinceKeys === null || sinceKeys.day !== since) {
                var at = P.frame(t, since), nf = P.LAYERS * at.places;
                sinceKeys = new Int32Array(nf);
                for (var f = 0; f < nf; f++) { sinceKeys[f] = P.styleKey(t, at, f); }
                sinceKeys.day = since;
            }
            var np = fr.places, keys = cur.keys, out = [];
            for (var p = 0; p < np; p++) {
                for (var l = 0; l < P.LAYERS; l++) {
                    if (keys[l * np + p] !== sinceKeys[l * np + p]) { out.push(p); break; }
                }
            }
            return out;
        }

        function plain(d) {
            var months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                "Nov", "Dec"], text = P.textOf(d);
            return +text.slice(8) + " " + months[+text.slice(5, 7) - 1] + " " + text.slice(0, 4);
        }

        function tick(now) {
            if (!playing) { return; }
            if (clock !== null) {
                pos += speed * (now - clock) / 1000;
                var end = stopAt === null ? last : stopAt;
                if (pos > end) {
                    if (looping && stopAt === null) { pos = first; } else { pos = end; show(end, false); pause(); return; }
                }
                if (Math.floor(pos) !== day) { show(Math.floor(pos), false); }
            }
            clock = now;
            requestAnimationFrame(tick);
        }

        function start() {
            if (playing) { return; }
            if (day >= last) { day = first; }
            playing = true; pos = day; clock = null;
            play.textContent = "\u275A\u275A"; play.setAttribute("aria-label", "Pause");
            play.title = "Pause";
            show(day, false);
            requestAnimationFrame(tick);
        }

        function pause() {
            if (!playing) { return; }
            playing = false;
            stopAt = null;
            play.textContent = "\u25B6"; play.setAttribute("aria-label", "Play"); play.title = "Play";
            show(day, true);
            report();
        }

        function step(sign) {
            if (playing) { pause(); }
            show(P.stepDay(day, unit, sign), true);
            report();
        }

        function jump(to) {
            if (playing) { pause(); }
            show(to, true);
            report();
        }

        // The app learns the day once playback rests (streamlit-folium-report.js sends it).
        function report() {
            if (reportTimer !== null) { clearTimeout(reportTimer); }
            reportTimer = setTimeout(function () {
                reportTimer = null;
                if (playing) { return; }
                var rep = map.__bmReport = map.__bmReport || {moved: false, place: null};
                rep.playback = {day: P.textOf(day), since: since === null ? null : P.textOf(since),
                    serial: ++serial};
                if (map.__bmResend) { map.__bmResend(); }
            }, REPORT_AFTER_MS);
        }

        function histogramDraw() {
            var w = histogram.clientWidth || 300, h = histogram.clientHeight || 28;
            var dpr = window.devicePixelRatio || 1;
            histogram.width = w * dpr; histogram.height = h * dpr;
            var g = histogram.getContext("2d"), months = {}, top = 1;
            g.setTransform(dpr, 0, 0, dpr, 0, 0);
            g.clearRect(0, 0, w, h);
            (t.H || []).forEach(function (row) {
                var m = months[row[0]] = months[row[0]] || [0, 0, 0, 0, 0];
                m[row[1]] += row[2];
            });
            Object.keys(months).forEach(function (m) {
                top = Math.max(top, months[m].reduce(function (a, b) { return a + b; }, 0));
            });
            // The ladder in ink, strongest darkest (symbology.AGGREGATE_FILLS' order).
            var inks = ["#1a1a1a", "#707070", "#a0a0a0", "#c8c8c8", "#e0e0e0"];
            var span = Math.max(1, last - first), bar = Math.max(1, w * 30 / span);
            Object.keys(months).forEach(function (m) {
                var d = P.dayOf(String(m).slice(0, 4) + "-" + String(m).slice(4) + "-01");
                var x = (d - first) / span * w, y = h;
                months[m].forEach(function (n, rank) {
                    var bh = n / top * h;
                    g.fillStyle = inks[rank];
                    g.fillRect(x, y - bh, bar, bh);
                    y -= bh;
                });
            });
        }

        // --------------------------------------------------------------- events
        function open(on) {
            L.DomUtil[on ? "removeClass" : "addClass"](box, "bm-pb-closed");
            toggle.setAttribute("aria-expanded", on ? "true" : "false");
            toggle.textContent = on ? "Close timeline" : "Timeline";
            if (on) { histogramDraw(); keepClear(); }
        }

        // Open, the timeline covers the map's bottom left corner, where the
        // framing kept room only for a closed button: the places in view that
        // fall under it are framed again above it (never zoomed in), so each
        // shown place stays visible and clickable while the timeline is open.
        var EDGE_ROOM = 24;  // fit-when-sized.js's room round a framed place
        function keepClear() {
            var size = map.getSize(), c = map.getContainer().getBoundingClientRect();
            var r = box.getBoundingClientRect();
            var top = r.top - c.top - EDGE_ROOM, right = r.right - c.left + EDGE_ROOM;
            if (!t || top <= 2 * EDGE_ROOM) { return; }
            var bounds = L.latLngBounds([]), covered = false;
            function place(lat, lng) {
                var xy = map.latLngToContainerPoint([lat, lng]);
                if (xy.x < 0 || xy.y < 0 || xy.x > size.x || xy.y > size.y) { return; }
                bounds.extend([lat, lng]);
                if (xy.y > top && xy.x < right) { covered = true; }
            }
            for (var p = 0; p < t.p.length; p++) {
                if (t.pt[p]) { place(t.py[p] / 1e5, t.px[p] / 1e5); continue; }
                (geo[p] || []).forEach(function (path) {
                    path.forEach(function (xy) { place(xy[1], xy[0]); });
                });
            }
            if (!covered || !bounds.isValid()) { return; }
            map.fitBounds(bounds, {paddingTopLeft: [EDGE_ROOM, EDGE_ROOM],
                paddingBottomRight: [EDGE_ROOM, size.y - top], maxZoom: map.getZoom(),
                animate: false});
        }
        L.DomEvent.on(toggle, "click", function () {
            var on = L.DomUtil.hasClass(box, "bm-pb-closed");
            open(on);
            if (on) { cursor.focus(); }
        });
        L.DomEvent.on(play, "click", function () { if (playing) { pause(); } else { start(); } });
        L.DomEvent.on(back, "click", function () { step(-1); });
        L.DomEvent.on(fwd, "click", function () { step(1); });
        L.DomEvent.on(unitBox, "change", function () { unit = unitBox.value; });
        L.DomEvent.on(speedBox, "change", function () { speed = +speedBox.value; });
        L.DomEvent.on(loopBox, "change", function () { looping = loopBox.checked; });
        L.DomEvent.on(cursor, "input", function () { jump(+cursor.value); });
        L.DomEvent.on(sinceBox, "input", function () {
            since = +sinceBox.value <= first ? null : Math.min(+sinceBox.value, last);
            jump(day);
        });
        L.DomEvent.on(box, "keydown", function (e) {
            var tag = e.target && e.target.tagName, key = e.key;
            var handled = true;
            if (key === " " && tag !== "BUTTON" && tag !== "SELECT") {
                if (playing) { pause(); } else { start(); }
            } else if ((key === "ArrowRight" || key === "ArrowUp") && tag !== "SELECT") {
                if (e.target === sinceBox) { handled = false; } else { step(1); }
            } else if ((key === "ArrowLeft" || key === "ArrowDown") && tag !== "SELECT") {
                if (e.target === sinceBox) { handled = false; } else { step(-1); }
            } else if (key === "Home" && e.target !== sinceBox) {
                jump(first);
            } else if (key === "End" && e.target !== sinceBox) {
                jump(last);
            } else {
                handled = false;
            }
            // The map's own keys (Leaflet pans on arrows) stay out of the timeline.
            L.DomEvent.stopPropagation(e);
            if (handled) { L.DomEvent.preventDefault(e); }
        });
        map.on("moveend zoomend resize viewreset", draw);
        map.on("resize", histogramDraw);

        return {
            load: function (tape, shown) {
                var firstLoad = t === null;
                t = tape;
                first = t.span[0];
                last = Math.max(t.span[1], t.asof === null ? t.span[1] : t.asof);
                served = shown;
                cur = P.cursor(t);
                fresh = true;
                sprites = {}; boxImages = {}; boxCount = 0;
                drawn = false;
                wmax = Math.max.apply(null, t.Y.map(function (y) { return +y[0] || 1; }));
                sinceKeys = null;
                project();
                [cursor, sinceBox].forEach(function (r) { r.min = String(first); r.max = String(last); });
                if (firstLoad) { sinceBox.value = String(first); }
                histogramDraw();
                if (playing) { show(day, false); return; }
                // The server drew the day the cursor rests on (or today): its layers show again.
                show(firstLoad || !active ? (shown === null ? last : shown) : day, false);
            },
            // For tests and the bench: the styles drawn at a place on the cursor's day.
            stylesAt: function (placeId) {
                var p = t.p.indexOf(placeId), out = [];
                if (p < 0 || !fr) { return out; }
                for (var layer = 0; layer < P.LAYERS; layer++) {
                    var f = layer * fr.places + p;
                    if (fr.lead[f] >= 0) { out.push([layer].concat(P.styleOf(t, fr, f))); }
                }
                return out;
            },
            // For the bench: the tape played, and the old drawing (every circle a path) on or off.
            tape: function () { return t; },
            naive: function (on) { naive = !!on; drawn = false; },
            // For tests: the crowded areas' boxes of the cursor's day in the view (null: not binned).
            boxes: function () {
                var v = viewOf(map.getSize());
                return v.bins && fr ? P.crowds(t, fr, v.around, v.ax, v.ay, AG, v.grid).boxes : null;
            },
            open: open,
            show: function (text) { jump(P.dayOf(text)); },
            start: start,
            pause: pause,
            // A scene's playback (presentation view's first Next on it): the timeline
            // open, played from one day to another at its days a second.
            playRange: function (from, to, daysPerSecond) {
                open(true);
                jump(P.dayOf(from));
                speed = daysPerSecond;
                speedBox.value = String(daysPerSecond);
                stopAt = Math.max(first, Math.min(last, P.dayOf(to)));
                start();
            },
            speed: function (daysPerSecond) { speed = daysPerSecond; },
        };
    }
})

// Runs briefmap/drawing/web/playback.js for tests/test_playback.py: reads
// [{tape, days: ["YYYY-MM-DD", ...]}, ...] as JSON on stdin and writes, per case
// and day, what the frame would draw, so one Node start answers many days. The
// days are played in the order given by one cursor (playback.js cursor, the
// frame's own way from day to day), each checked against a frame computed
// afresh: `changed` is the cursor's, `changedAfresh` changedPlaces of the two
// fresh frames.
"use strict";

const path = require("node:path");
const pb = require(path.join(__dirname, "..", "..", "briefmap", "drawing", "web", "playback.js"));

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
    const out = JSON.parse(input).map(({tape, days}) => {
        const cur = pb.cursor(tape);
        let before = pb.frame(tape, -1e9);
        return days.map((text) => {
            const fr = cur.to(pb.dayOf(text));
            const fresh = pb.frame(tape, pb.dayOf(text));
            const changedAfresh = pb.changedPlaces(tape, before, fresh);
            before = fresh;
            const claims = [];
            fr.code.forEach((code, c) => { if (code >= 0) { claims.push([c, code]); } });
            const features = [];
            let talliesKept = true;
            fr.lead.forEach((lead, f) => {
                if (lead >= 0) {
                    // The tally the cursor keeps (what a crowded area's box adds
                    // up), and the same counted from the frame's claims.
                    const tally = Array.from(fr.tally.slice(f * 5, f * 5 + 5));
                    talliesKept = talliesKept && tally.join() === pb.tallyOf(tape, fr, f).join();
                    features.push({
                        layer: Math.floor(f / fr.places), place: f % fr.places, lead,
                        count: fr.count[f], tally, style: pb.styleOf(tape, fr, f),
                    });
                }
            });
            return {day: pb.textOf(fr.day), claims, features, shown: fr.shown, total: fr.total,
                byStatus: fr.byStatus.slice(), changed: fr.changed, changedAfresh,
                sameAsAfresh: talliesKept && ["code", "lead", "count", "tally"].every(
                    (k) => fr[k].every((v, i) => v === fresh[k][i]))};
        });
    });
    process.stdout.write(JSON.stringify(out));
});

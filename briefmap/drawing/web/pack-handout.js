// The PDF handout's last step (briefmap/drawing/pack_pdf.py), run in the briefing
// pack once its print styles apply (web/pack.css, @media print): each scene's map
// picture (a data: URI, set as a property, never parsed as HTML) goes into its
// panel, then each scene's text is set in smaller type, half a pixel at a time,
// until it fits its page (below, or in a column beyond the page's two), down to
// `smallest`. A scene whose claims about its ringed places do not fit even then
// keeps the first ones that do, and says where the rest continue: in "Every
// claim shown", at the end, by their numbers there. A scene is one page: its
// text ran on to more pages before (a scene of thirty claims took three). Only
// talking points longer than a page still run on. Returns each scene's type
// size and how many of its claims continue at the end.
async ({pictures, smallest}) => {
    // [3, 5, 6, 7, 9] as "3, 5–7, 9" (briefing_pack._numbers).
    const runs = (numbers) => {
        const out = [];
        numbers.forEach((n) => {
            const last = out[out.length - 1];
            if (last && n === last[last.length - 1] + 1) { last.push(n); } else { out.push([n]); }
        });
        return out.map((r) => (r.length > 2 ? `${r[0]}\u2013${r[r.length - 1]}` : r.join(", "))).join(", ");
    };
    const sections = Array.from(document.querySelectorAll(".bm-pack-scene"));
    sections.forEach((section, at) => {
        const box = section.querySelector(".bm-pack-picture");
        box.replaceChildren();
        const img = document.createElement("img");
        img.alt = "Map of this scene";
        img.src = pictures[at];
        box.appendChild(img);
    });
    await Promise.all(Array.from(document.images, (img) => img.decode()));
    return sections.map((section) => {
        const text = section.querySelector(".bm-pack-text");
        const over = () => text.scrollHeight > text.clientHeight + 1 || text.scrollWidth > text.clientWidth + 1;
        let size = parseFloat(getComputedStyle(text).fontSize);
        while (over() && size > smallest) {
            size = Math.max(smallest, size - 0.5);
            text.style.fontSize = size + "px";
        }
        const claims = Array.from(section.querySelectorAll(".bm-pack-about > li"));
        const note = section.querySelector(".bm-pack-continued");
        const moved = [];
        while (over() && note && claims.length > 1) {
            const claim = claims.pop();
            claim.hidden = true;
            moved.unshift(Number(claim.dataset.number));
            note.hidden = false;
            note.textContent = `(continued at the end) ${moved.length} more claim${moved.length === 1 ? "" : "s"} ` +
                `about the ringed places, with their sources: nos. ${runs([...moved].sort((a, b) => a - b))} ` +
                "of \u201cEvery claim shown\u201d.";
        }
        // Nothing left to move (talking points longer than a page): they run on
        // to another page rather than lose their end.
        if (over()) { section.classList.add("bm-pack-long"); }
        return {size: size, continued: moved.length};
    });
}

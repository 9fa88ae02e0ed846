// The PDF handout's last step (briefmap/drawing/pack_pdf.py), run in the briefing
// pack once its print styles apply (web/pack.css, @media print): each scene's map
// picture (a data: URI, set as a property, never parsed as HTML) goes into its
// panel, then each scene's text is set in smaller type, half a pixel at a time,
// until it fits its page (below, or in a column beyond the page's two), down to
// `smallest`. Text that does not fit even then runs on to another page
// (bm-pack-long) rather than lose its end. Returns each scene's type size.
async ({pictures, smallest}) => {
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
        if (over()) { section.classList.add("bm-pack-long"); }
        return size;
    });
}

// SVG hatch patterns for proposed regions' fill, put in the page once
// (HatchPatterns in briefmap/drawing/map_elements.py).
(function (map, svg) {
    var holder = document.createElement("div");
    holder.style.cssText = "position:absolute;width:0;height:0;overflow:hidden";
    holder.innerHTML = svg;
    document.body.appendChild(holder);
})

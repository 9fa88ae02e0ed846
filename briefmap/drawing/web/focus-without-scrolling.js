// Every focus call in the map's frame asks not to scroll the page
// (FocusWithoutScrolling in briefmap/drawing/map_elements.py says why).
(function () {
    var focus = HTMLElement.prototype.focus;
    if (focus.__briefmap) { return; }
    HTMLElement.prototype.focus = function (options) {
        return focus.call(this, Object.assign({}, options || {}, {preventScroll: true}));
    };
    HTMLElement.prototype.focus.__briefmap = true;
})

/* The polygons on the map. Wards are made once; a ward's blocks are made the first time
   they are wanted (one district, or zoomed in on them) and are only on the map while
   they are, so a city of 25,000 blocks keeps a small page. Recolouring touches only the
   polygons on the map whose level byte changed. */
(function (VX) {
  "use strict";
  var M = null;  // the one map's layers
  var PANES = { vxWards: 410, vxBlocks: 420, vxOutline: 430, vxDistricts: 435, vxMarks: 440 };
  var MARK_FONT = "700 11px system-ui, sans-serif";
  var MARK_MIN = [30, 14];  // px a polygon needs before its level letters fit inside
  var MAX_MARKS = 1500;
  var LAYOUT = VX.LAYOUT;  // the level cell's bits (geo/webmap/history.py CELL_LAYOUT)

  function fillOf(lv) {
    return lv.pattern === "solid" ? lv.colour : "url(#vx-pattern-" + lv.code + ")";
  }

  function styleFor(S, a, code) {
    var block = !S.isWard[a], s = {
      fillColor: fillOf(S.levels[code & LAYOUT.rankMask]), fillOpacity: S.tilesOn ? 0.6 : 0.85, opacity: 1,
      color: block ? "#555" : "#333", weight: block ? 0.6 : 1, dashArray: null };
    if (code & LAYOUT.staleBit) {  // stale data must look stale: dashed outline, washed-out fill
      s.dashArray = block ? "3 3" : "5 4"; s.fillOpacity = s.fillOpacity - 0.35; s.weight = block ? 1.2 : 2;
    }
    if (S.focus.has(a)) { s.color = "#000"; s.weight = 3.5; }
    return s;
  }

  function init(S, map) {
    Object.keys(PANES).forEach(function (name) {
      (map.getPane(name) || map.createPane(name)).style.zIndex = PANES[name];
    });
    ["vxOutline", "vxDistricts", "vxMarks"].forEach(function (name) {
      map.getPane(name).style.pointerEvents = "none";
    });
    if (M) { [M.wardGroup, M.blockGroup, M.outlineGroup, M.districtGroup, M.marks].forEach(function (g) { g.remove(); }); }
    M = { S: S, map: map, layer: new Array(S.n), live: new Set(), wards: [],
          blocksOf: new Map(), blockWards: new Set(), outline: new Map(), bounds: new Map(),
          markAreas: [], wardGroup: L.layerGroup().addTo(map),
          blockGroup: L.layerGroup().addTo(map), outlineGroup: L.layerGroup().addTo(map),
          districtGroup: L.layerGroup().addTo(map), labelBox: VX.labels.container(map) };
    M.marks = new MarkCanvas().addTo(map);
    M.districtLines = districtLines(S);
    if (!map._vxResizeHooked) {  // one map, many inits (new data): hook once
      map._vxResizeHooked = true;
      map.on("resize", function () { if (M) { VX.labels.draw(M); } });
    }
    for (var a = 0; a < S.n; a++) {
      if (!S.base.geom[a]) { continue; }
      if (S.isWard[a]) { M.wards.push(a); continue; }
      var w = S.base.ward[a];
      if (!M.blocksOf.has(w)) { M.blocksOf.set(w, []); }
      M.blocksOf.get(w).push(a);
    }
  }

  /* The districts' outlines (geo/webmap/districts.py), with the point for each one's name
     and its population (the order of the names); none without districts. */
  function districtLines(S) {
    var pop = new Float64Array(S.base.districts.length), scale = S.base.scale;
    for (var a = 0; a < S.n; a++) { if (S.isWard[a]) { pop[S.base.dist[a]] += S.base.pop[a] || 0; } }
    return (S.base.district_lines || []).map(function (d) {
      var index = S.base.districts.findIndex(function (x) { return x[0] === d[0]; });
      if (index < 0) { return null; }
      var first = d[1][0][0];
      return { index: index, pop: pop[index],
               pt: [(first[0] + d[2][0]) / scale, (first[1] + d[2][1]) / scale],
               layer: L.polygon(VX.data.latlngs(d[1], scale), { pane: "vxDistricts", fill: false,
                 interactive: false, weight: 4, color: "#000", opacity: 0.75, className: "vx-district" }) };
    }).filter(Boolean);
  }

  function layerOf(a) {
    if (M.layer[a]) { return M.layer[a]; }
    var S = M.S, ward = S.isWard[a];
    var lay = L.polygon(VX.data.latlngs(S.base.geom[a], S.base.scale), {
      pane: ward ? "vxWards" : "vxBlocks", className: ward ? "vx-ward" : "vx-block" });
    lay._vxCode = -1;
    lay.bindTooltip(function () { return VX.panel.tip(M.S, a); },
                    { sticky: true, className: "vx-tip", opacity: 0.97 });
    // A tap (phones cannot hover) must leave the tooltip open; Leaflet's own click
    // handling closes it again, so open it once that is done.
    lay.on("click", function (e) { setTimeout(function () { lay.openTooltip(e.latlng); }, 0); });
    lay.on("tooltipopen", function (e) {
      // One tooltip at a time: a tap opens one without the mouse leaving the last.
      if (S.openTip && S.openTip !== e.tooltip && S.openTip._source) { S.openTip._source.closeTooltip(); }
      S.openTip = e.tooltip;
      requestAnimationFrame(function () { keepInside(e.tooltip); });
    });
    lay.on("tooltipclose", function (e) { if (S.openTip === e.tooltip) { S.openTip = null; } });
    M.layer[a] = lay;
    return lay;
  }

  /* On a narrow map a tooltip beside the finger would run off the edge: slide it back. */
  function keepInside(tooltip) {
    var el = tooltip.getElement();
    if (!el) { return; }
    el.style.marginLeft = "";
    var r = el.getBoundingClientRect(), m = M.map.getContainer().getBoundingClientRect(), dx = 0;
    if (r.right > m.right - 4) { dx = m.right - 4 - r.right; }
    if (r.left + dx < m.left + 4) { dx = m.left + 4 - r.left; }
    if (dx) { el.style.marginLeft = dx + "px"; }
  }

  function restyle(a, lay) {
    lay._vxCode = M.S.codes[a];
    lay.setStyle(styleFor(M.S, a, lay._vxCode));
  }

  function show(a, group) {
    if (M.live.has(a)) { return; }
    var lay = layerOf(a);
    restyle(a, lay);
    group.addLayer(lay);
    M.live.add(a);
  }

  function hide(a, group) {
    if (!M.live.has(a)) { return; }
    group.removeLayer(M.layer[a]);
    M.live.delete(a);
  }

  /* Where a ward is: its own polygon, else the union of its blocks'. */
  function wardBounds(w) {
    if (M.bounds.has(w)) { return M.bounds.get(w); }
    var b = M.S.base.geom[w] ? layerOf(w).getBounds() : L.latLngBounds([]);
    if (!M.S.base.geom[w]) { M.blocksOf.get(w).forEach(function (a) { b.extend(layerOf(a).getBounds()); }); }
    M.bounds.set(w, b);
    return b;
  }

  function blocksWanted() {
    var S = M.S, want = new Set(), view = M.map.getBounds().pad(0.2);
    var zoomed = S.base.block_zoom && M.map.getZoom() >= S.base.block_zoom;
    M.blocksOf.forEach(function (_blocks, w) {
      if (!S.inScope[w]) { return; }
      if (S.scopeIndex >= 0 || (zoomed && view.intersects(wardBounds(w)))) { want.add(w); }
    });
    S.focus.forEach(function (a) {
      if (!S.isWard[a] && S.inScope[a] && M.blocksOf.has(S.base.ward[a])) { want.add(S.base.ward[a]); }
    });
    return want;
  }

  function outlineOn(w, on) {
    if (!M.S.base.geom[w]) { return; }
    if (!M.outline.has(w)) {
      M.outline.set(w, L.polygon(layerOf(w).getLatLngs(), { pane: "vxOutline", fill: false,
        interactive: false, weight: 2.2, color: "#111", className: "vx-outline" }));
    }
    if (on) { M.outlineGroup.addLayer(M.outline.get(w)); } else { M.outlineGroup.removeLayer(M.outline.get(w)); }
  }

  /* Put the blocks of the wards that want them on the map, and take the others off. */
  function refreshBlocks() {
    var want = blocksWanted();
    M.blockWards.forEach(function (w) {
      if (want.has(w)) { return; }
      M.blocksOf.get(w).forEach(function (a) { hide(a, M.blockGroup); });
      outlineOn(w, false);
      M.blockWards.delete(w);
    });
    want.forEach(function (w) {
      if (M.blockWards.has(w)) { return; }
      M.blocksOf.get(w).forEach(function (a) { show(a, M.blockGroup); });
      outlineOn(w, true);
      M.blockWards.add(w);
    });
    refreshMarks();
  }

  /* The point inside area a for its letters: base.pt is an offset from its first vertex. */
  function markLatLng(S, a) {
    var pt = S.base.pt[a], first = S.base.geom[a][0][0], scale = S.base.scale;
    return [(first[0] + pt[0]) / scale, (first[1] + pt[1]) / scale];
  }

  function markFits(a, view) {
    var b = M.layer[a].getBounds();
    if (!view.intersects(b)) { return false; }
    var p = M.map.latLngToContainerPoint(b.getNorthWest());
    var q = M.map.latLngToContainerPoint(b.getSouthEast());
    return q.x - p.x >= MARK_MIN[0] && q.y - p.y >= MARK_MIN[1];
  }

  /* Level letters (a cue besides colour) inside every polygon big enough to hold them,
     drawn on one canvas: hundreds of DOM labels made every recolour cost a layout. */
  var MarkCanvas = L.Layer.extend({
    onAdd: function (map) {
      this._canvas = L.DomUtil.create("canvas", "vx-marks leaflet-zoom-hide");
      map.getPane("vxMarks").appendChild(this._canvas);
      map.on("moveend resize", this._reset, this);
      this._reset();
    },
    onRemove: function (map) {
      L.DomUtil.remove(this._canvas);
      map.off("moveend resize", this._reset, this);
    },
    _reset: function () {
      var map = this._map, size = map.getSize(), ratio = window.devicePixelRatio || 1;
      L.DomUtil.setPosition(this._canvas, map.containerPointToLayerPoint([0, 0]));
      this._canvas.width = size.x * ratio; this._canvas.height = size.y * ratio;
      this._canvas.style.width = size.x + "px"; this._canvas.style.height = size.y + "px";
      this._ratio = ratio;
      this.draw();
    },
    draw: function () {
      var ctx = this._canvas.getContext("2d"), S = M.S, map = this._map;
      ctx.setTransform(this._ratio, 0, 0, this._ratio, 0, 0);
      ctx.clearRect(0, 0, this._canvas.width, this._canvas.height);
      ctx.font = MARK_FONT;
      ctx.textAlign = "center"; ctx.textBaseline = "middle";
      ctx.lineWidth = 3; ctx.strokeStyle = "rgba(255,255,255,0.9)"; ctx.fillStyle = "#111";
      M.markAreas.forEach(function (a) {
        var xy = map.latLngToContainerPoint(markLatLng(S, a));
        var text = S.text.short[S.codes[a] & LAYOUT.rankMask];
        ctx.strokeText(text, xy.x, xy.y);
        ctx.fillText(text, xy.x, xy.y);
      });
    }
  });

  function refreshMarks() {
    var S = M.S, view = M.map.getBounds();
    M.markAreas = [];
    M.live.forEach(function (a) {
      if (!S.base.pt[a] || M.markAreas.length >= MAX_MARKS) { return; }
      if ((S.isWard[a] && M.blockWards.has(a)) || !markFits(a, view)) { return; }
      M.markAreas.push(a);
    });
    M.marks.draw();
    VX.labels.draw(M);
  }

  function paint() {
    var codes = M.S.codes;
    M.live.forEach(function (a) {
      var lay = M.layer[a];
      if (lay._vxCode !== codes[a]) { restyle(a, lay); }
    });
    M.marks.draw();
  }

  function applyScope() {
    M.wards.forEach(function (a) {
      if (M.S.inScope[a]) { show(a, M.wardGroup); } else { hide(a, M.wardGroup); }
    });
    M.districtLines.forEach(function (d) {
      var on = M.S.scopeIndex < 0 || M.S.scopeIndex === d.index;
      if (on) { M.districtGroup.addLayer(d.layer); } else { M.districtGroup.removeLayer(d.layer); }
    });
    refreshBlocks();
  }

  /* Outline the areas a search found; returns their bounds (invalid when none). */
  function setFocus(list) {
    var S = M.S, old = S.focus, b = L.latLngBounds([]);
    S.focus = new Set(list);
    refreshBlocks();
    old.forEach(function (a) { if (M.live.has(a)) { restyle(a, M.layer[a]); } });
    S.focus.forEach(function (a) {
      if (!M.live.has(a)) { return; }
      restyle(a, M.layer[a]);
      M.layer[a].bringToFront();
      b.extend(M.layer[a].getBounds());
    });
    return b;
  }

  function scopeBounds() {
    var b = L.latLngBounds([]);
    M.wards.forEach(function (a) { if (M.S.inScope[a]) { b.extend(wardBounds(a)); } });
    M.blocksOf.forEach(function (_x, w) { if (M.S.inScope[w] && !M.S.base.geom[w]) { b.extend(wardBounds(w)); } });
    return b;
  }

  function counts() {
    var c = { wards: 0, blocks: 0, marks: M ? M.markAreas.length : 0,
              labels: M && M.labelsShown ? M.labelsShown.length : 0,
              districts: M ? M.districtGroup.getLayers().length : 0 };
    if (M) { M.live.forEach(function (a) { if (M.S.isWard[a]) { c.wards++; } else { c.blocks++; } }); }
    return c;
  }

  /* For the benchmark's worst case: every block of the scope on the map at once. */
  function loadAllBlocks() {
    M.blocksOf.forEach(function (blocks, w) {
      if (!M.S.inScope[w]) { return; }
      blocks.forEach(function (a) { show(a, M.blockGroup); });
      M.blockWards.add(w);
    });
  }

  VX.layers = { init: init, fillOf: fillOf, paint: paint, applyScope: applyScope,
                refreshBlocks: refreshBlocks, setFocus: setFocus, scopeBounds: scopeBounds,
                counts: counts, loadAllBlocks: loadAllBlocks, keepInside: keepInside,
                markLatLng: markLatLng, MARK_FONT: MARK_FONT,
                restyleAll: function () { M.live.forEach(function (a) { restyle(a, M.layer[a]); }); } };
})(window.VX = window.VX || {});

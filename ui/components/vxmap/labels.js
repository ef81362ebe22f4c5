/* Names on the map, readable without hovering: district names in the city view, ward
   names, and block names where blocks are drawn. A name is drawn only inside its own
   area's box on screen and never over another name or a level letter: one greedy pass,
   districts first, then wards, then blocks, the most populous first within each (then
   the larger on screen). Names are text in a pane that takes no pointer or keyboard
   events; they are laid out again when the view moves, never when the day changes (the
   letters are reserved at the width of the widest letter, whatever the day's level). */
(function (VX) {
  "use strict";
  var MAX_LABELS = 300;
  var PAD = 2;  // px kept clear around a name
  var CELL = 64;  // px of the collision grid
  var LETTER_H = 14;  // the level letters' line (layers.js MarkCanvas)
  // Vietnamese maps shorten the unit word where space is short: P. Văn Quán, TDP 4.
  var SHORT = [[/^Phường\s+/i, "P. "], [/^Xã\s+/i, "X. "], [/^Thị trấn\s+/i, "TT. "],
               [/^Đặc khu\s+/i, "ĐK. "], [/^Quận\s+/i, "Q. "], [/^Huyện\s+/i, "H. "],
               [/^Thị xã\s+/i, "TX. "], [/^Thành phố\s+/i, "TP. "],
               [/^Tổ dân phố\s+/i, "TDP "], [/^Khu phố\s+/i, "KP "]];
  var KIND = {  // font, line height: what the CSS classes vx-label-* draw
    district: { font: "700 14px system-ui, sans-serif", h: 18 },
    ward: { font: "600 12px system-ui, sans-serif", h: 15 },
    block: { font: "400 11px system-ui, sans-serif", h: 13 }
  };

  function overlaps(a, b) {
    return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
  }

  function inside(box, outer) {
    return box[0] >= outer[0] && box[1] >= outer[1] && box[2] <= outer[2] && box[3] <= outer[3];
  }

  /* The greedy rule, on boxes [x0, y0, x1, y1] in screen px: `reserved` boxes are taken
     first (they are drawn anyway); each candidate {options: [{box}, …], within, accept},
     in the order given, takes its first option that lies inside `within` (its area's
     box in the view), overlaps no box taken so far and that `accept` (if any) takes
     (its centre inside the area itself), or is left out. Returns the candidates
     placed, each with `chosen`, at most `limit` of them. */
  function place(candidates, reserved, limit) {
    var grid = new Map(), out = [];
    function cells(box, fn) {
      for (var i = Math.floor(box[0] / CELL); i <= Math.floor(box[2] / CELL); i++) {
        for (var j = Math.floor(box[1] / CELL); j <= Math.floor(box[3] / CELL); j++) {
          if (fn(i + "," + j) === false) { return false; }
        }
      }
      return true;
    }
    function take(box) {
      cells(box, function (k) { if (!grid.has(k)) { grid.set(k, []); } grid.get(k).push(box); });
    }
    function free(box) {
      return cells(box, function (k) {
        var near = grid.get(k);
        return !near || near.every(function (b) { return !overlaps(b, box); });
      });
    }
    reserved.forEach(take);
    for (var c = 0; c < candidates.length && out.length < limit; c++) {
      var cand = candidates[c];
      cand.chosen = null;
      for (var o = 0; o < cand.options.length && !cand.chosen; o++) {
        var box = cand.options[o].box;
        if ((!cand.within || inside(box, cand.within)) && free(box)
            && (!cand.accept || cand.accept(cand.options[o]))) { cand.chosen = cand.options[o]; }
      }
      if (cand.chosen) { take(cand.chosen.box); out.push(cand); }
    }
    return out;
  }

  var widths = new Map(), ctx = null;
  function textWidth(text, font) {
    var key = font + "\u0000" + text;
    if (!widths.has(key)) {
      ctx = ctx || document.createElement("canvas").getContext("2d");
      ctx.font = font;
      widths.set(key, Math.ceil(ctx.measureText(text).width));
    }
    return widths.get(key);
  }

  /* A name's box: centred on x, its top at y. */
  function boxAt(x, y, w, h) { return [x - w / 2 - PAD, y - PAD, x + w / 2 + PAD, y + h + PAD]; }

  function screenBox(map, bounds) {
    var p = map.latLngToContainerPoint(bounds.getNorthWest());
    var q = map.latLngToContainerPoint(bounds.getSouthEast());
    return [p.x, p.y, q.x, q.y];
  }

  function priority(S, a, box) {  // larger first: population, then area on screen
    return [S.base.pop[a] || 0, (box[2] - box[0]) * (box[3] - box[1])];
  }

  function byPriority(x, y) { return y.rank[0] - x.rank[0] || y.rank[1] - x.rank[1]; }

  function shortName(text) {
    for (var i = 0; i < SHORT.length; i++) {
      if (SHORT[i][0].test(text)) { return text.replace(SHORT[i][0], SHORT[i][1]); }
    }
    return text;
  }

  var MAX_PLACES = 80;  // positions tried for a name without letters

  /* Places (centre x, top y) a name of width w may take in `box` without letters:
     on the anchor, then on a grid of half a name by one line over the box, nearest the
     anchor first (between the letters of the blocks drawn over a ward). */
  function around(xy, box, w, h, step) {
    var out = [[xy.x, xy.y - h / 2]], dx = Math.max(w / 2, 8);
    for (var x = xy.x - Math.floor((xy.x - box[0]) / dx) * dx; x <= box[2]; x += dx) {
      for (var y = xy.y - h / 2 - Math.floor((xy.y - box[1]) / step) * step; y <= box[3]; y += step) {
        out.push([x, y]);
      }
    }
    var d = function (p) { return Math.abs(p[0] - xy.x) / w + Math.abs(p[1] + h / 2 - xy.y) / h; };
    return out.sort(function (a, b) { return d(a) - d(b); }).slice(0, MAX_PLACES);
  }

  /* Where a name may go near anchor point `xy`: just below, else just above, the level
     letters drawn there; without letters, on the point, else elsewhere in its box
     (`around`). The whole name first, then its short form. */
  function candidate(kind, text, xy, areaBox, rank, lettered, ref) {
    var k = KIND[kind], gap = 2 * PAD;
    var texts = [text], short = shortName(text), options = [];
    if (short !== text) { texts.push(short); }
    texts.forEach(function (t) {
      var w = textWidth(t, k.font), places = lettered
        ? [[xy.x, xy.y + LETTER_H / 2 + gap], [xy.x, xy.y - LETTER_H / 2 - gap - k.h]]
        : around(xy, areaBox, w, k.h, k.h + gap);
      places.forEach(function (p) {
        options.push({ text: t, y: p[1], box: boxAt(p[0], p[1], w, k.h) });
      });
    });
    return { kind: kind, ref: ref, rank: rank, within: areaBox, options: options };
  }

  function clip(box, view) {
    return [Math.max(box[0], view[0]), Math.max(box[1], view[1]),
            Math.min(box[2], view[2]), Math.min(box[3], view[3])];
  }

  /* The level letters drawn this time, as boxes no name may cover. */
  function letterBoxes(M, at) {
    var S = M.S, w = 0;
    S.text.short.forEach(function (t) { w = Math.max(w, textWidth(t, VX.layers.MARK_FONT)); });
    return M.markAreas.map(function (a) {
      var xy = at(VX.layers.markLatLng(S, a));
      return boxAt(xy.x, xy.y - LETTER_H / 2, w, LETTER_H);
    });
  }

  /* Whether `ll` lies inside the polygon layer (even-odd over all its rings). */
  function contains(layer, ll) {
    var inside = false;
    (function walk(rings) {
      if (!rings.length) { return; }
      if (!L.LineUtil.isFlat(rings)) { rings.forEach(walk); return; }
      for (var i = 0, j = rings.length - 1; i < rings.length; j = i++) {
        var a = rings[i], b = rings[j];
        if ((a.lat > ll.lat) !== (b.lat > ll.lat)
            && ll.lng < (b.lng - a.lng) * (ll.lat - a.lat) / (b.lat - a.lat) + a.lng) { inside = !inside; }
      }
    })(layer.getLatLngs());
    return inside;
  }

  function centreIn(map, layer) {
    return function (o) {
      return contains(layer, map.containerPointToLatLng([(o.box[0] + o.box[2]) / 2, (o.box[1] + o.box[3]) / 2]));
    };
  }

  function areaCandidates(M, at, view, out) {
    var S = M.S, lettered = new Set(M.markAreas), bounds = M.map.getBounds();
    var wards = [], blocks = [];
    M.live.forEach(function (a) {
      if (!S.inScope[a] || !S.base.pt[a] || !S.base.name[a]) { return; }
      var b = M.layer[a].getBounds();
      if (!bounds.intersects(b)) { return; }
      var box = screenBox(M.map, b), kind = S.isWard[a] ? "ward" : "block";
      var c = candidate(kind, S.base.name[a], at(VX.layers.markLatLng(S, a)), clip(box, view),
                        priority(S, a, box), lettered.has(a), a);
      c.accept = centreIn(M.map, M.layer[a]);
      (S.isWard[a] ? wards : blocks).push(c);
    });
    wards.sort(byPriority); blocks.sort(byPriority);
    out.push.apply(out, wards.concat(blocks));
  }

  /* District names while the view spans districts: the city, above block zoom. */
  function districtCandidates(M, at, view, out) {
    var S = M.S, zoom = M.map.getZoom(), list = [];
    if (S.scopeIndex >= 0 || (S.base.block_zoom && zoom >= S.base.block_zoom)) { return; }
    M.districtLines.forEach(function (d) {
      var box = screenBox(M.map, d.layer.getBounds());
      list.push(candidate("district", S.base.districts[d.index][1], at(d.pt), clip(box, view),
                          [d.pop, (box[2] - box[0]) * (box[3] - box[1])], false, d.index));
      list[list.length - 1].accept = centreIn(M.map, d.layer);
    });
    list.sort(byPriority);
    out.push.apply(out, list);
  }

  /* Lay the names out for the view as it is now and draw them. */
  function draw(M) {
    var map = M.map, size = map.getSize(), view = [0, 0, size.x, size.y];
    var at = function (ll) { return map.latLngToContainerPoint(ll); };
    var cands = [];
    districtCandidates(M, at, view, cands);
    areaCandidates(M, at, view, cands);
    var shown = place(cands, letterBoxes(M, at), MAX_LABELS);
    var box = M.labelBox;
    L.DomUtil.setPosition(box, map.containerPointToLayerPoint([0, 0]));
    while (box.children.length > shown.length) { box.lastChild.remove(); }
    shown.forEach(function (c, i) {
      var el = box.children[i] || box.appendChild(document.createElement("div"));
      el.className = "vx-label vx-label-" + c.kind;
      el.textContent = c.chosen.text;  // stored text: never HTML
      el.setAttribute("data-ref", String(c.ref));
      el.style.left = Math.round(c.chosen.box[0] + PAD) + "px";
      el.style.top = Math.round(c.chosen.y) + "px";
    });
    M.labelsShown = shown;
  }

  /* The pane's container, made once per map: no pointer, focus or screen reader (the
     same names are in the page's text summary below the map). */
  function container(map) {
    var pane = map.getPane("vxLabels") || map.createPane("vxLabels");
    pane.style.zIndex = 450;
    pane.style.pointerEvents = "none";
    L.DomUtil.empty(pane);
    var box = L.DomUtil.create("div", "vx-labels leaflet-zoom-hide", pane);
    box.setAttribute("aria-hidden", "true");
    return box;
  }

  VX.labels = { place: place, overlaps: overlaps, inside: inside, KIND: KIND, shortName: shortName,
                MAX_LABELS: MAX_LABELS, draw: draw, container: container };
})(window.VX = window.VX || {});

/* What the map says in words: dates and numbers as the language writes them, the legend
   (counts and population per level, recounted for every day shown) and the tooltip.
   Stored text (names, notes) only ever goes in through textContent, never innerHTML. */
(function (VX) {
  "use strict";
  var DAY_MS = 86400000;
  var LEGEND_ORDER = [1, 2, 3, 4, 0];  // ranks of the level cell: severity order, then unknown
  var SVG = "http://www.w3.org/2000/svg";
  var LAYOUT = VX.LAYOUT;  // the level cell's bits (geo/webmap/history.py CELL_LAYOUT)

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function fmtDay(S, day) {
    if (day === null || day === undefined || day <= LAYOUT.none) { return S.text.none; }
    var d = new Date(S.first + day * DAY_MS);
    var y = d.getUTCFullYear(), m = pad(d.getUTCMonth() + 1), dd = pad(d.getUTCDate());
    return S.lang === "vi" ? dd + "/" + m + "/" + y : y + "-" + m + "-" + dd;
  }

  function isoDay(S, day) {
    return new Date(S.first + day * DAY_MS).toISOString().slice(0, 10);
  }

  function fmtInt(S, v) {
    if (v === null || v === undefined || v <= LAYOUT.none) { return S.text.none; }
    return String(Math.round(v)).replace(/\B(?=(\d{3})+(?!\d))/g, S.lang === "vi" ? "." : ",");
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function line(box, label, value) {
    var row = el("div");
    row.appendChild(el("span", null, label + ": "));
    row.appendChild(el("b", null, value));
    box.appendChild(row);
  }

  function areaTitle(S, a) {
    var b = S.base, block = b.code[a] !== "";
    var key = block ? b.wcode[a] + "/" + b.code[a] : b.wcode[a];
    var sub = (block ? b.name[b.ward[a]] + " · " : "") + b.districts[b.dist[a]][1];
    return [b.name[a] + " (" + key + ")", sub];
  }

  function detailLines(S, box, a, day) {
    var T = S.text.tip, d = S.details;
    if (!d) { box.appendChild(el("div", "vx-t-sub", T.loading)); VX.main.needDetails(); return; }
    var k = a * S.days + day, due = d.due[k];
    line(box, T.since, fmtDay(S, d.since[k]));
    line(box, T.cases7, fmtInt(S, d.cases7[k]));
    line(box, T.cases14, fmtInt(S, d.cases14[k]));
    line(box, T.last_round, fmtDay(S, d.last_round[k]));
    var dueText = fmtDay(S, due);
    if (due > LAYOUT.none && due < day) { dueText += " (" + T.overdue.replace("{n}", day - due) + ")"; }
    line(box, T.next_due, dueText);
  }

  /* The tooltip of area `a` on the day shown: the inputs behind its level. */
  function tip(S, a) {
    var T = S.text.tip, code = S.codes[a], box = el("div"), title = areaTitle(S, a);
    box.appendChild(el("div", "vx-t-title", title[0]));
    box.appendChild(el("div", "vx-t-sub", title[1]));
    line(box, T.level, S.text.labels[code & LAYOUT.rankMask] +
         (code & LAYOUT.staleBit ? " (" + T.stale + ")" : ""));
    line(box, T.source, S.text.sources[(code >> LAYOUT.sourceShift) & LAYOUT.sourceMask]);
    detailLines(S, box, a, S.shown);
    line(box, T.population, fmtInt(S, S.base.pop[a]));
    var note = S.notes.get(S.shown * S.n + a);
    if (note) { box.appendChild(el("div", "vx-t-note", T.note + ": " + note)); }
    line(box, T.policy, S.policy);
    return box;
  }

  function swatch(S, rank) {
    var lv = S.levels[rank], svg = document.createElementNS(SVG, "svg");
    var rect = document.createElementNS(SVG, "rect");
    svg.setAttribute("width", "22"); svg.setAttribute("height", "14");
    svg.setAttribute("aria-hidden", "true");
    rect.setAttribute("width", "22"); rect.setAttribute("height", "14");
    rect.setAttribute("stroke", "#333"); rect.setAttribute("fill-opacity", "0.85");
    rect.setAttribute("fill", VX.layers.fillOf(lv));
    svg.appendChild(rect);
    return svg;
  }

  function legendRow(S, table, rank) {
    var tr = el("tr"), cells = [];
    tr.setAttribute("data-level", S.levels[rank].code);
    tr.appendChild(el("td")).appendChild(swatch(S, rank));
    tr.appendChild(el("td", null, S.text.labels[rank] + " (" + S.text.short[rank] + ")"));
    for (var i = 0; i < 4; i++) { cells.push(tr.appendChild(el("td", "n"))); }
    table.appendChild(tr);
    return cells;
  }

  /* Build the legend once; `update` recounts it for the codes shown. */
  function legend(S, container) {
    var T = S.text.legend, box = el("details", "vx-legend-box"), head = el("tr");
    box.open = window.innerWidth > 480;  // on a phone it starts folded
    var title = box.appendChild(el("summary"));
    var table = box.appendChild(el("table"));
    [" ", " ", T.wards, T.carried, T.population, T.blocks].forEach(function (h) {
      head.appendChild(el("th", null, h.trim()));
    });
    table.appendChild(head);
    var cells = {};
    LEGEND_ORDER.forEach(function (r) { cells[r] = legendRow(S, table, r); });
    box.appendChild(el("div", "vx-foot", T.stale));
    container.appendChild(box);
    return { title: title, cells: cells };
  }

  function recount(S, ui) {
    // Wards shown with a carried-forward (stale) level are counted apart: a ward that
    // sent nothing today is never counted as a fresh report nor hidden as "no data".
    var n = S.n, wards = new Float64Array(5), pop = new Float64Array(5), blocks = new Float64Array(5);
    var carried = new Float64Array(5);
    for (var a = 0; a < n; a++) {
      if (!S.inScope[a]) { continue; }
      var r = S.codes[a] & LAYOUT.rankMask;
      if (S.isWard[a]) {
        wards[r]++; pop[r] += S.base.pop[a] || 0;
        if (S.codes[a] & LAYOUT.staleBit) { carried[r]++; }
      } else { blocks[r]++; }
    }
    ui.title.textContent = S.text.legend.title + " · " + fmtDay(S, S.shown);
    LEGEND_ORDER.forEach(function (r) {
      var c = ui.cells[r];
      c[0].textContent = fmtInt(S, wards[r]);
      c[1].textContent = fmtInt(S, carried[r]);
      c[2].textContent = fmtInt(S, pop[r]);
      c[3].textContent = fmtInt(S, blocks[r]);
    });
  }

  VX.panel = { tip: tip, legend: legend, recount: recount, fmtDay: fmtDay, isoDay: isoDay,
               fmtInt: fmtInt, DAY_MS: DAY_MS };
})(window.VX = window.VX || {});

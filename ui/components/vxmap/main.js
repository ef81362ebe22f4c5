/* The component's state: which data files are loaded, which day is shown, what Python
   last asked for. Python sends the day's level bytes; the slider and the play button
   recolour from the whole history in the browser and report the day they stop on. */
(function (VX) {
  "use strict";
  var STEP_MS = 400;  // one day of replay
  var S = VX.S = { map: null, base: null, cube: null, details: null, codes: new Uint8Array(0),
    n: 0, days: 0, first: 0, shown: -1, scope: null, fitted: false, legendLang: null,
    focus: new Set(), focusKey: null, awaiting: null, playing: null, dragging: false,
    openTip: null, height: 0,
    stats: { last: null, count: 0, waiters: [] } };
  var ui = { day: document.getElementById("vx-day"), date: document.getElementById("vx-date"),
    play: document.getElementById("vx-play"), playText: document.getElementById("vx-play-text"),
    status: document.getElementById("vx-status"), error: document.getElementById("vx-error"),
    map: document.getElementById("vx-map") };
  var queued = null, busy = false;

  function dayOf(iso) { return Math.round((Date.parse(iso + "T00:00:00Z") - S.first) / VX.panel.DAY_MS); }

  function showError(err) {
    ui.error.hidden = false;
    ui.error.textContent = (S.text ? S.text.error + " " : "") + (err && err.message ? err.message : err);
  }

  /* Render messages are applied one at a time, the latest winning. */
  async function pump() {
    if (busy) { return; }
    busy = true;
    try {
      while (queued) { var args = queued; queued = null; await apply(args); }
    } catch (err) { showError(err); } finally { busy = false; }
  }

  async function apply(args) {
    S.lang = args.lang; S.text = args.text; S.policy = args.policy; S.levels = args.level_table;
    if (!S.map) { setupMap(args); }
    applyTiles(args.tiles || "", args.tiles_attr || "");
    labelControls();
    if (args.base + " " + args.geometry !== S.baseName) { await loadBase(args); }
    if (args.levels !== S.levelsName) { loadCube(args.levels).catch(showError); }  // in the background
    if (args.details !== S.detailsName) { S.detailsName = args.details; S.details = null; }
    if (S.legendLang !== S.lang) { relabel(); }
    var fit = applyScope(args.district);
    var focusBounds = applyFocus(args);
    // Found areas with some of their surroundings; else the district (or city) when new.
    if (focusBounds) { fitTo(focusBounds.pad(0.6), 16); } else if (fit) { fitTo(VX.layers.scopeBounds()); }
    applyDate(args);
  }

  /* The language changed (or the legend is new): words the page drew itself follow. */
  function relabel() {
    if (S.legendCtl) { S.legendCtl.remove(); }
    S.legend = makeLegend();
    S.legendLang = S.lang;
    if (S.shown >= 0 && S.codes.length === S.n) { showDay(S.shown, S.codes); }
  }

  function setupMap(args) {
    S.map = L.map(ui.map, { zoomSnap: 0.25, attributionControl: false });
    S.map.setView([16.0, 106.0], 5);  // all of Vietnam until the polygons are in
    L.control.scale({ imperial: false }).addTo(S.map);
    S.map.on("moveend", function () { if (S.base) { VX.layers.refreshBlocks(); } });
    ui.day.addEventListener("input", onSlide);
    ui.day.addEventListener("change", function () { S.dragging = false; commitSoon(); });
    ui.play.addEventListener("click", function () { if (S.playing) { stopPlay(true); } else { startPlay(); } });
    window.addEventListener("resize", sizeFrame);
    sizeFrame();
  }

  /* The deployment's base layer (VUNGXANH_TILES), when the page's toggle asks for it;
     never a public tile server. Under it the fills turn lighter, so streets show. */
  function applyTiles(url, attribution) {
    if (url + " " + attribution === S.tilesKey) { return; }
    S.tilesKey = url + " " + attribution;
    if (S.tiles) { S.tiles.remove(); S.attribution.remove(); S.tiles = null; }
    S.tilesOn = Boolean(url);
    if (url) {
      var attr = document.createElement("span");
      attr.textContent = attribution || url;  // the attribution is text, not HTML
      S.attribution = L.control.attribution({ prefix: false }).addTo(S.map);
      S.tiles = L.tileLayer(url, { attribution: attr.innerHTML, maxZoom: 19 }).addTo(S.map);
    }
    if (S.base) { VX.layers.restyleAll(); }
  }

  function labelControls() {
    var T = S.text.controls;
    ui.day.setAttribute("aria-label", T.slider);
    ui.map.setAttribute("aria-label", T.map);
    ui.playText.textContent = S.playing ? T.pause : T.play;
    ui.play.setAttribute("aria-label", S.playing ? T.pause : T.play);
    document.documentElement.lang = S.lang;
    try {  // Streamlit titles our iframe with the component's name; say what it is instead
      if (window.frameElement) { window.frameElement.title = T.map; }
    } catch (err) { /* a cross-origin parent keeps its title */ }
  }

  async function loadBase(args) {
    // Names and polygons come as two files (polygons change only with an import), fetched
    // at once and read as one object.
    var parts = await Promise.all([VX.data.base(args.base), VX.data.base(args.geometry)]);
    var base = Object.assign(parts[0], parts[1]);
    S.baseName = args.base + " " + args.geometry; S.base = base; S.n = base.n; S.days = args.days;
    S.first = Date.parse(base.first + "T00:00:00Z");
    S.isWard = Uint8Array.from(base.code, function (c) { return c === "" ? 1 : 0; });
    S.inScope = new Uint8Array(S.n); S.codes = new Uint8Array(S.n);
    S.notes = VX.data.noteIndex(base.notes, S.n);
    // New data (an upload) keeps the district and the view; only the layers are new.
    S.scopeShown = false; S.shown = -1; S.cube = null; S.levelsName = null; S.focusKey = null;
    ui.day.max = String(Math.max(S.days - 1, 0));
    VX.layers.init(S, S.map);
    if (!S.legend) { relabel(); }
  }

  function makeLegend() {
    var ctl = L.control({ position: "bottomright" }), box = L.DomUtil.create("div", "vx-legend");
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    ctl.onAdd = function () { return box; };
    ctl.addTo(S.map);
    S.legendCtl = ctl;
    S.legendBox = box;
    return VX.panel.legend(S, box);
  }

  async function loadCube(name) {
    S.levelsName = name;
    var cube = await VX.data.levels(name);
    if (S.levelsName !== name) { return; }  // newer data arrived meanwhile
    S.cube = cube;
    ui.play.disabled = false;
    if (S.pendingDay !== undefined && S.pendingDay !== null) { showDay(S.pendingDay); }
  }

  VX.main = { needDetails: function () {
    if (S.details || S.detailsLoading || !S.detailsName) { return; }
    var name = S.detailsName;
    S.detailsLoading = VX.data.details(name, S.n, S.days).then(function (d) {
      if (S.detailsName === name) { S.details = d; }
      S.detailsLoading = null;
      if (S.openTip) { S.openTip.update(); }
    }, function (err) { S.detailsLoading = null; showError(err); });
  } };

  /* Show one district (or all); true when the view should move to it. */
  function applyScope(code) {
    code = code || "";
    var changed = code !== S.scope;
    if (!changed && S.scopeShown) { return false; }
    S.scope = code;
    S.scopeShown = true;
    var idx = S.base.districts.findIndex(function (d) { return d[0] === code; });
    S.scopeIndex = code ? idx : -1;
    for (var a = 0; a < S.n; a++) { S.inScope[a] = S.scopeIndex < 0 || S.base.dist[a] === S.scopeIndex ? 1 : 0; }
    VX.layers.applyScope();
    if (S.shown >= 0) { VX.panel.recount(S, S.legend); }
    var fit = changed || !S.fitted;
    S.fitted = true;
    return fit;
  }

  function applyFocus(args) {
    var key = args.focus_key || "";
    if (key === S.focusKey) { return null; }
    S.focusKey = key;
    var b = VX.layers.setFocus(args.focus || []);
    return b.isValid() ? b : null;
  }

  function fitTo(bounds, maxZoom) {
    if (!bounds || !bounds.isValid()) { return; }
    // On a wide screen, keep the polygons clear of the legend in the bottom-right corner.
    var right = window.innerWidth > 600 && S.legendBox ? S.legendBox.offsetWidth + 20 : 10;
    S.map.fitBounds(bounds, { paddingTopLeft: [10, 10], maxZoom: maxZoom || 18,
                              paddingBottomRight: [right, 10] });
  }

  function applyDate(args) {
    var d = dayOf(args.date);
    if (S.awaiting !== null) {
      if (args.date !== S.awaiting) { return; }  // an older render; ours is on its way
      S.awaiting = null;
      S.stats.roundTrip = performance.now() - S.stats.committedAt;  // Python heard us
    }
    if (S.playing || S.dragging) { return; }
    var row = args.day instanceof Uint8Array && args.day.length === S.n ? args.day : null;
    if (d !== S.shown || S.codes.length !== S.n) { showDay(d, row); }
  }

  function rowOf(d) { return S.cube ? S.cube.subarray(d * S.n, (d + 1) * S.n) : null; }

  /* Show day `d`: recolour, recount, relabel. t0 is when the user asked (for timing). */
  function showDay(d, row, t0) {
    t0 = t0 === undefined ? performance.now() : t0;
    d = Math.max(0, Math.min(S.days - 1, d));
    var codes = row || rowOf(d);
    S.shown = d;
    ui.day.value = String(d);
    var label = VX.panel.fmtDay(S, d);
    ui.date.textContent = label;
    ui.day.setAttribute("aria-valuetext", label);
    if (!codes) { S.pendingDay = d; return; }
    S.pendingDay = null;
    S.codes = codes;
    var work = performance.now();
    VX.layers.paint();
    VX.panel.recount(S, S.legend);
    if (S.openTip) { S.openTip.update(); VX.layers.keepInside(S.openTip); }
    if (!S.playing) { ui.status.textContent = S.text.controls.showing.replace("{date}", label); }
    S.stats.work = performance.now() - work;  // our own script time, without the paint
    afterPaint(t0);
  }

  function afterPaint(t0) {
    requestAnimationFrame(function () {
      setTimeout(function () {
        var now = performance.now(), ms = now - t0, waiters = S.stats.waiters;
        S.stats.last = ms; S.stats.at = now; S.stats.count++; S.stats.waiters = [];
        waiters.forEach(function (w) { w(ms); });
      }, 0);
    });
  }

  function onSlide(event) {
    S.dragging = true;
    stopPlay(false);
    showDay(Number(ui.day.value), null, event.timeStamp);
  }

  function commitSoon() {
    clearTimeout(S.commitTimer);
    S.commitTimer = setTimeout(commit, 250);
  }

  /* Tell Python the day we stopped on, so the URL and the table follow. */
  function commit() {
    var iso = VX.panel.isoDay(S, S.shown);
    S.awaiting = iso;
    clearTimeout(S.awaitTimer);
    S.awaitTimer = setTimeout(function () { S.awaiting = null; }, 10000);
    S.stats.committedAt = performance.now();
    VX.st.setValue({ date: iso, n: Date.now() });  // n: the same day twice still counts
  }

  function startPlay() {
    if (!S.cube || S.days < 2) { return; }
    if (S.shown >= S.days - 1) { showDay(0); }
    S.playing = setInterval(function () {
      if (S.shown >= S.days - 1) { stopPlay(true); } else { showDay(S.shown + 1); }
    }, STEP_MS);
    ui.play.setAttribute("aria-pressed", "true");
    ui.play.querySelector(".vx-play-icon").textContent = "❚❚";
    labelControls();
  }

  function stopPlay(andCommit) {
    if (!S.playing) { return; }
    clearInterval(S.playing);
    S.playing = null;
    ui.play.setAttribute("aria-pressed", "false");
    ui.play.querySelector(".vx-play-icon").textContent = "▶";
    labelControls();
    if (andCommit) { commit(); }
  }

  /* Taller on a wide screen, never so short a phone cannot use it. */
  function sizeFrame() {
    var h = Math.round(Math.max(440, Math.min(640, window.innerWidth * 0.55 + 120)));
    if (h !== S.height) { S.height = h; VX.st.setHeight(h); }
    if (S.map) { S.map.invalidateSize(); }
  }

  // For tests and the benchmark: what is drawn, and how long a day takes to show.
  window.vx = { S: S, counts: function () { return VX.layers.counts(); },
    zoom: function () { return S.map.getZoom(); },
    centre: function () { var c = S.map.getCenter(); return [c.lat, c.lng]; },
    timeDay: function (d) {
      return new Promise(function (resolve) { S.stats.waiters.push(resolve); showDay(d); });
    },
    loadAllBlocks: function () { VX.layers.loadAllBlocks(); },
    point: function (a) {  // where area a's level letters sit, in the page's pixels
      var p = S.map.latLngToContainerPoint(VX.layers.markLatLng(S, a));
      var box = ui.map.getBoundingClientRect();
      return [box.left + p.x, box.top + p.y];
    } };

  VX.st.onRender(function (args) { queued = args; pump(); });
  VX.st.ready();
})(window.VX = window.VX || {});

/* The map's data files: zlib-compressed (geo/webmap/history.py, payload.py), named by
   their content's hash so the browser may keep them, and inflated here with the
   browser's own DecompressionStream. */
(function (VX) {
  "use strict";

  async function inflate(bytes) {
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  async function fetchPacked(name) {
    var res = await fetch(name, { cache: "force-cache" });
    if (!res.ok) { throw new Error(name + ": HTTP " + res.status); }
    return inflate(new Uint8Array(await res.arrayBuffer()));
  }

  async function base(name) {
    var bytes = await fetchPacked(name);
    return JSON.parse(new TextDecoder().decode(bytes));
  }

  // DETAIL_FIELDS of geo/webmap/history.py: int16 each, area after area, `days` values an area.
  var FIELDS = VX.LAYOUT.detailFields;

  async function details(name, n, days) {
    var bytes = await fetchPacked(name);
    // Little-endian like every browser's platform; Int16Array reads it without copying.
    var all = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
    var out = {};
    FIELDS.forEach(function (f, i) { out[f] = all.subarray(i * n * days, (i + 1) * n * days); });
    return out;
  }

  function ring(flat, scale) {
    var out = new Array(flat.length / 2), lat = 0, lng = 0;
    for (var i = 0; i < flat.length; i += 2) {
      lat += flat[i]; lng += flat[i + 1];
      out[i / 2] = [lat / scale, lng / scale];
    }
    return out;
  }

  /* An area's polygons as Leaflet latlngs: [[shell, hole, ...], ...]. */
  function latlngs(encoded, scale) {
    return encoded.map(function (poly) {
      return poly.map(function (r) { return ring(r, scale); });
    });
  }

  /* Notes by (day, area), for the tooltip. */
  function noteIndex(notes, n) {
    var index = new Map();
    for (var i = 0; i < notes.day.length; i++) {
      index.set(notes.day[i] * n + notes.area[i], notes.text[notes.text_idx[i]]);
    }
    return index;
  }

  function decodeB64(text) {
    var raw = atob(text), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out;
  }

  VX.data = { base: base, levels: fetchPacked, details: details, latlngs: latlngs,
              noteIndex: noteIndex, decodeB64: decodeB64, inflate: inflate };
})(window.VX = window.VX || {});

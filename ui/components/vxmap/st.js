/* Streamlit's custom-component protocol (components.v1), written out by hand so that no
   npm package is needed: the page says it is ready, Streamlit posts "render" messages
   with the arguments, and the page posts back its value and its height. */
(function (VX) {
  "use strict";

  function send(type, data) {
    var msg = Object.assign({ isStreamlitMessage: true, type: type }, data || {});
    window.parent.postMessage(msg, "*");
  }

  VX.st = {
    ready: function () { send("streamlit:componentReady", { apiVersion: 1 }); },
    setValue: function (value) {
      send("streamlit:setComponentValue", { value: value, dataType: "json" });
    },
    setHeight: function (height) { send("streamlit:setFrameHeight", { height: height }); },
    onRender: function (handler) {
      window.addEventListener("message", function (event) {
        // Only the page that embeds us may drive the map.
        if (event.source !== window.parent) { return; }
        var data = event.data;
        if (data && data.type === "streamlit:render") { handler(data.args || {}); }
      });
    }
  };
})(window.VX = window.VX || {});

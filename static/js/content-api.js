/* The SCORM API inside each of the package's documents (served with them as api.js).
 *
 * The package runs in an opaque origin, so it cannot see the API object in the player's window.
 * This defines window.API_1484_11 (or window.API) in the document itself, where a package finds
 * it the usual way, as scorm-again's CrossFrameAPI: every call is relayed to the player over
 * postMessage (sent only to the player's origin, answers taken only from the player's window),
 * and reads are answered at once from a cache that starts with the attempt's values.
 *
 * The player is found among this document's ancestors: each is greeted with a message that only
 * a window of the player's origin can receive, and the player answers only its own package's
 * documents. Calls made before that answer wait and go in order.
 */
function examgateContentApi(config) {
  "use strict";

  var scorm12 = config.version === "1.2";
  var METHODS = scorm12
    ? ["LMSInitialize", "LMSFinish", "LMSGetValue", "LMSSetValue", "LMSCommit", "LMSGetLastError",
       "LMSGetErrorString", "LMSGetDiagnostic"]
    : ["Initialize", "Terminate", "GetValue", "SetValue", "Commit", "GetLastError", "GetErrorString", "GetDiagnostic"];
  var SET = scorm12 ? "LMSSetValue" : "SetValue";
  var INDEX = /\.(\d+)(?=\.)/g;

  var ancestors = [];
  for (var w = window; w.parent !== w; w = w.parent) ancestors.push(w.parent);
  var player = null;
  var waiting = [];
  var relay = {  // stands for the player's window until it has answered
    postMessage: function (message) {
      if (player) player.postMessage(message, config.playerOrigin);
      else waiting.push(message);
    }
  };
  var remote = new window.CrossFrameAPI(config.playerOrigin, relay, { timeout: 60000 });
  Object.keys(config.values).forEach(function (key) { remote._cache.set(key, config.values[key]); });

  window.addEventListener("message", function (event) {
    if (player || event.origin !== config.playerOrigin || ancestors.indexOf(event.source) < 0) return;
    if (!event.data || event.data.examgate !== "player") return;
    player = event.source;
    remote._targetWindow = player;  // CrossFrameAPI takes answers from this window only
    waiting.splice(0).forEach(function (message) { player.postMessage(message, config.playerOrigin); });
  });
  ancestors.forEach(function (ancestor) { ancestor.postMessage({ examgate: "hello" }, config.playerOrigin); });

  // A new collection entry counts at once: a package reads _count right after adding one.
  function counted(key) {
    var match;
    INDEX.lastIndex = 0;
    while ((match = INDEX.exec(key))) {
      var countKey = key.slice(0, match.index) + "._count";
      var count = Number(match[1]) + 1;
      if (count > Number(remote._cache.get(countKey) || 0)) remote._cache.set(countKey, String(count));
    }
  }

  var api = {};
  METHODS.forEach(function (name) {
    api[name] = function () { return remote[name].apply(null, arguments); };
  });
  api[SET] = function (key, value) {
    var result = remote[SET](key, value);
    counted(String(key));
    return result;
  };
  if (scorm12) window.API = api;
  else window.API_1484_11 = api;
}

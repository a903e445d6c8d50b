/* The player's glue: scorm-again in the page, the package in the iframe, commits to Examgate.
 *
 * The package runs in an opaque origin (a sandboxed iframe, its files served with a CSP sandbox,
 * from the content host when there is one): its documents have an API of their own (content-api.js)
 * that relays every call here over postMessage, to scorm-again's CrossFrameLMS. Only messages from
 * this page's package frame and its descendants are answered.
 *
 * scorm-again keeps the CMI data and checks it; it sends nothing itself (no lmsCommitUrl). Every
 * value the package sets is collected here and sent as a batch {batch_id, sequence, elements, end}
 * on Commit, on Terminate, every few seconds (autocommit) and when the page goes away. A batch stays
 * in localStorage until the server's receipt names it, and is sent again (also after a reload).
 * Batches are idempotent on the server. A window sends its own batches and those it found waiting
 * when it opened; a window that another one took over drops what it made since and stops saving.
 * A batch the server refuses for good (too large, malformed) is dropped with a message; the next
 * ones still go. The package is loaded once the batches found waiting are saved, so that the values
 * its documents start with (served with them) are the latest.
 *
 * Events on document, for other scripts of the page: "examgate:initialized" when the package calls
 * Initialize, "examgate:receipt" (detail: the server's receipt) for each batch saved,
 * "examgate:refused" (detail: the error) for each batch refused; on "examgate:time-up" what is
 * pending is sent and nothing set after it is.
 */
(function () {
  "use strict";

  var settings = JSON.parse(document.getElementById("player-settings").textContent);
  var scorm12 = settings.version === "1.2";
  var review = settings.mode === "review";
  // Numbas's keys outside the SCORM data model, which scorm-again refuses: kept and answered here.
  var EXTRA = /^numbas\.|^cmi\.interactions\.\d+\.staged_answer$/;
  // Set by the LMS (below) or write-only: never loaded back from the saved state.
  var NOT_LOADED = /\._(count|children|version)$|^cmi\.(core\.)?(session_time|exit|entry|credit)$|^cmi\.(mode|learner_id|learner_name)$|^cmi\.core\.(lesson_mode|student_id|student_name)$/;
  var RETRY_MS = [1000, 2000, 5000, 10000, 30000];
  var storageKey = "examgate:attempt:" + settings.attemptId + ":batches";
  var memoryQueue = [];
  var pending = [];  // elements set since the last batch, one per key, latest last
  var extras = {};
  var sequence = settings.nextSequence;
  var sessionEnded = false;
  var sending = false;
  var stopped = false;  // another window took over, or the attempt can no longer be saved
  var retries = 0;
  var retryTimer = null;
  var timeUp = false;
  var frame = document.getElementById("player-frame");
  var windowId = newBatchId();
  var adopted = {};  // batch ids left by earlier windows, sent by this one

  // --- the batch queue, shared by every window of this attempt through localStorage ---

  function readQueue() {
    try {
      return JSON.parse(window.localStorage.getItem(storageKey) || "[]");
    } catch (e) {
      return memoryQueue.slice();
    }
  }

  function writeQueue(queue) {
    memoryQueue = queue;
    try {
      if (queue.length) window.localStorage.setItem(storageKey, JSON.stringify(queue));
      else window.localStorage.removeItem(storageKey);
    } catch (e) {
      // storage refused (private mode, full): the copy in memory still gets sent
    }
  }

  function newBatchId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  function track(key, value) {
    if (review || timeUp) return;
    pending = pending.filter(function (element) { return element.key !== key; });
    pending.push({ key: key, value: String(value), client_time: Date.now() });
  }

  function flush(end) {
    if (review || stopped || (sessionEnded && !pending.length)) return;
    if (!pending.length && !end) return;
    if (end) sessionEnded = true;
    var queue = readQueue();
    queue.push({ batch_id: newBatchId(), sequence: sequence++, elements: pending, end: end || null, window: windowId });
    pending = [];
    writeQueue(queue);
    send();
  }

  // --- sending ---

  function mine(batch) {
    return batch.window === windowId || adopted[batch.batch_id];
  }

  function send() {
    if (sending || stopped) return;
    var queue = readQueue().filter(mine);
    showSaving(queue);
    if (!queue.length) return;
    sending = true;
    var batch = queue[0];
    var body = JSON.stringify(batch);
    fetch(settings.commitUrl, {
      method: "POST", body: body, headers: { "Content-Type": "application/json" },
      credentials: "omit", keepalive: body.length < 60000
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        sending = false;
        if (response.ok && answer.batch_id === batch.batch_id) return acknowledged(batch, answer);
        if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
          return refused(batch, answer.error || { code: "refused", message: "Some answers were refused (HTTP " +
                                                  response.status + ") and not saved." });
        }
        retryLater();
      });
    }, function () {
      sending = false;
      retryLater();
    });
  }

  function acknowledged(batch, receipt) {
    retries = 0;
    if (batch.window === windowId) announce("examgate:receipt", receipt);  // not for batches an earlier window left
    writeQueue(readQueue().filter(function (b) { return b.batch_id !== batch.batch_id; }));
    send();
  }

  function refused(batch, error) {
    announce("examgate:refused", error);
    if (error.code === "superseded" || error.code === "bad_token") {
      stopped = true;
      writeQueue(readQueue().filter(function (b) { return b.window !== windowId; }));
      showSaving([]);
      return showMessage(error.message);
    }
    // The server will never take this batch as it is: drop the one element it names, or the whole
    // batch (too large, finished attempt), tell the student, and go on with the rest.
    var named = /^elements\.(\d+)\./.exec(error.param || "");
    writeQueue(readQueue().map(function (b) {
      if (b.batch_id !== batch.batch_id) return b;
      if (!named) return null;
      b.elements.splice(Number(named[1]), 1);
      return b.elements.length || b.end ? b : null;
    }).filter(Boolean));
    showMessage(error.message);
    send();
  }

  function retryLater() {
    showSaving(readQueue().filter(mine), true);
    clearTimeout(retryTimer);
    retryTimer = setTimeout(send, RETRY_MS[Math.min(retries++, RETRY_MS.length - 1)]);
  }

  function sendEverythingNow() {
    // The page is going away: the beacon carries what fetch may not finish. Unacknowledged batches
    // stay in localStorage and are sent again on the next visit; the server applies each once.
    flush(sessionEnded ? null : "unload");
    if (stopped || !navigator.sendBeacon) return;
    readQueue().filter(mine).forEach(function (batch) {
      navigator.sendBeacon(settings.commitUrl, new Blob([JSON.stringify(batch)], { type: "text/plain" }));
    });
  }

  // --- what the student sees ---

  function showSaving(queue, failing) {
    var status = document.getElementById("player-status");
    var waiting = queue.length > 0;
    document.getElementById("player-wait").hidden = !(waiting && sessionEnded);
    if (review) return;
    status.textContent = stopped ? "Not saving" : waiting ? (failing ? "Not saved yet: trying again" : "Saving…") : "All answers saved";
    status.className = "badge " + (stopped || failing ? "bad" : waiting ? "warn" : "ok");
  }

  function announce(name, detail) {
    document.dispatchEvent(new CustomEvent(name, { detail: detail }));
  }

  function showMessage(text) {
    var message = document.getElementById("player-message");
    message.textContent = text;
    message.hidden = false;
  }

  // --- the SCORM API ---

  function restoredState() {
    var state = {};
    Object.keys(settings.state).forEach(function (key) { state[key] = settings.state[key]; });
    readQueue().sort(function (a, b) { return a.sequence - b.sequence; }).forEach(function (batch) {
      adopted[batch.batch_id] = true;
      sequence = Math.max(sequence, batch.sequence + 1);
      batch.elements.forEach(function (element) { state[element.key] = element.value; });
    });
    var cmi = {};
    Object.keys(state).forEach(function (key) {
      if (EXTRA.test(key)) extras[key] = state[key];
      else if (!NOT_LOADED.test(key)) cmi[key] = state[key];
    });
    Object.keys(settings.lms).forEach(function (key) { cmi[key] = settings.lms[key]; });
    return cmi;
  }

  function makeApi() {
    var options = { autocommit: false, lmsCommitUrl: false, logLevel: 5 };
    var api = scorm12 ? new window.Scorm12API(options) : new window.Scorm2004API(options);
    api.loadFromFlattenedJSON(restoredState(), "");
    var names = scorm12
      ? { init: "LMSInitialize", set: "LMSSetValue", get: "LMSGetValue", commit: "LMSCommit", end: "LMSFinish" }
      : { init: "Initialize", set: "SetValue", get: "GetValue", commit: "Commit", end: "Terminate" };
    var init = api[names.init].bind(api), set = api[names.set].bind(api), get = api[names.get].bind(api);
    var commit = api[names.commit].bind(api), end = api[names.end].bind(api);
    api[names.init] = function (parameter) {
      var result = init(parameter);
      if (String(result) === "true") announce("examgate:initialized");
      return result;
    };
    api[names.set] = function (key, value) {
      if (EXTRA.test(key)) {
        extras[key] = String(value);
        api.lastErrorCode = "0";
        track(key, value);
        return "true";
      }
      var result = set(key, value);
      if (String(result) === "true") track(key, value);
      return result;
    };
    api[names.get] = function (key) {
      if (EXTRA.test(key)) {
        api.lastErrorCode = "0";
        return extras[key] === undefined ? "" : extras[key];
      }
      return get(key);
    };
    api[names.commit] = function (parameter) {
      var result = commit(parameter);
      flush(null);
      return result;
    };
    api[names.end] = function (parameter) {
      var result = end(parameter);
      flush("terminate");
      return result;
    };
    return api;
  }

  // --- the package's documents ---

  function fromPackage(event) {
    if (event.origin !== "null" || !event.source) return false;  // package documents have an opaque origin
    for (var w = event.source, hops = 0; hops < 50; hops++, w = w.parent) {
      if (w === frame.contentWindow) return true;
      if (w === w.parent) return false;
    }
    return false;
  }

  function answerPackage(api) {
    // "*": an opaque origin cannot be named; fromPackage checks who is asking instead.
    var lms = new window.CrossFrameLMS(api, "*", { rateLimit: Infinity });
    window.removeEventListener("message", lms._boundOnMessage);
    window.addEventListener("message", function (event) {
      if (!fromPackage(event)) return;
      if (event.data && event.data.examgate === "hello") event.source.postMessage({ examgate: "player" }, "*");
      else lms._onMessage(event);
    });
  }

  function loadPackage(giveUpAt) {
    var unsent = readQueue().filter(mine).length;
    if (unsent && !stopped && Date.now() < giveUpAt) return setTimeout(loadPackage, 200, giveUpAt);
    frame.src = settings.launchUrl;
  }

  answerPackage(makeApi());
  window.addEventListener("pagehide", sendEverythingNow);
  document.addEventListener("examgate:time-up", function () {
    flush(null);  // what was answered in time goes now; the server takes it within its grace
    timeUp = sessionEnded = true;
  });
  window.addEventListener("online", send);
  window.addEventListener("storage", function (event) {
    if (event.key === storageKey) showSaving(readQueue().filter(mine));
  });
  if (!review) setInterval(function () { flush(null); send(); }, settings.autocommitSeconds * 1000);
  send();  // whatever an earlier visit left unsent
  loadPackage(Date.now() + 10000);
})();

/* The player bar's clock and messages: time left, warnings, the end of the attempt, what finishing did.
 *
 * It talks to player.js only through events on `document`: player.js emits examgate:initialized (the
 * package called Initialize), examgate:receipt (detail: the server's receipt of a batch this window made) and
 * examgate:refused (detail: the error); this script emits examgate:time-up, on which player.js sends
 * what is pending and stops saving. Times are shown in the student's own time zone; the countdown runs
 * on the server's clock (the page carries the server's time), so a wrong clock on the student's
 * computer does not move the deadline.
 */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("player-clock-settings").textContent);
  if (config.review) return;
  var clock = document.getElementById("player-clock");
  var notice = document.getElementById("player-notice");
  var offset = Date.parse(config.serverNow) - Date.now();
  var deadline = config.deadline ? Date.parse(config.deadline) : null;
  var WARNINGS = [[60, "1 minute left"], [300, "5 minutes left"]];  // seconds, most urgent first
  var warned = null;
  var over = false;  // the time ran out, or the attempt was handed in
  var started = false;
  var timer = null;

  function now() {
    return Date.now() + offset;
  }

  function clockTime(ms) {
    return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function dayAndTime(ms) {
    return new Date(ms).toLocaleString([], { weekday: "long", day: "numeric", month: "long",
                                            hour: "2-digit", minute: "2-digit" });
  }

  function duration(ms) {
    var seconds = Math.max(0, Math.ceil(ms / 1000));
    var hours = Math.floor(seconds / 3600), minutes = Math.floor(seconds / 60) % 60, rest = seconds % 60;
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return (hours ? hours + ":" + pad(minutes) : String(minutes)) + ":" + pad(rest);
  }

  function say(tone, text, code) {
    notice.textContent = text;
    if (code) {
      notice.appendChild(document.createTextNode(" Receipt code: "));
      var receipt = document.createElement("code");
      receipt.id = "player-receipt";
      receipt.textContent = code;
      notice.appendChild(receipt);
      notice.appendChild(document.createTextNode(" (keep it: it proves you handed in)."));
    }
    notice.className = "player-notice " + tone;
    notice.hidden = false;
  }

  function stopClock(text) {
    clearInterval(timer);
    clock.textContent = text;
    clock.className = "player-clock";
  }

  // --- the countdown ---

  function tick() {
    var left = deadline - now();
    if (left <= 0) return timeUp();
    clock.textContent = "Time left " + duration(left) + " · ends " + clockTime(deadline);
    var warning = WARNINGS.filter(function (w) { return left <= w[0] * 1000; })[0];
    clock.className = "player-clock" + (warning ? " warn" : "");
    if (warning && warning !== warned && (!warned || warning[0] < warned[0])) {
      warned = warning;
      say("warn", warning[1] + ": the exam ends at " + clockTime(deadline) +
          ". Your answers are saved as you go.");
    }
  }

  function timeUp() {
    over = true;
    stopClock("Time is up");
    document.dispatchEvent(new CustomEvent("examgate:time-up"));
    document.getElementById("player-frame").inert = true;
    say("bad", "Time is up: your attempt ended at " + clockTime(deadline) +
        ". What you answered until then is handed in; nothing more is saved.");
  }

  // --- what the server said ---

  function score(receipt) {
    if (receipt.raw !== null && receipt.raw !== undefined && receipt.max) {
      return +receipt.raw.toFixed(2) + " / " + +receipt.max.toFixed(2);
    }
    return receipt.score === null || receipt.score === undefined ? "" : Math.round(receipt.score * 100) + "%";
  }

  function receipted(event) {
    var receipt = event.detail || {};
    if (receipt.status === "finished" && receipt.finished_at) {
      var wasOver = over;
      over = true;
      stopClock(receipt.end_reason === "time_up" ? "Time is up" : "Handed in");
      var points = score(receipt);
      var what = receipt.end_reason === "time_up" ? "Time is up: handed in at " : "Handed in at ";
      if (!wasOver || receipt.receipt_code) {
        say(receipt.late ? "bad" : "ok", what + clockTime(Date.parse(receipt.finished_at)) +
            (points ? " — your score " + points : "") + "." +
            (receipt.late ? " Answers sent after that are kept for your instructor but do not count." : ""),
            receipt.receipt_code);
      }
    } else if (receipt.end === "terminate" && receipt.status === "open" && !over) {
      say("ok", receipt.deadline ? "Saved — you can come back until " + dayAndTime(Date.parse(receipt.deadline)) + "."
                                 : "Saved — you can come back later to finish.");
    }
  }

  function refused(event) {
    var error = event.detail || {};
    if (error.code === "attempt_finished" && !over) {
      over = true;
      stopClock("Ended");
      say("bad", "This attempt has ended: nothing more can be saved.");
    }
  }

  // --- a package that never starts ---

  function initialized() {
    started = true;
    if (notice.dataset.problem === "not-started") {
      notice.hidden = true;
      delete notice.dataset.problem;
      warned = null;  // the next tick says again how much time is left
    }
  }

  function checkStarted() {
    if (started || over) return;
    say("bad", "The exam has not started. Part of it may have failed to load (for example a blocked web " +
        "address). Try reloading the page; if that does not help, tell your instructor: " +
        "this has been recorded on your attempt.");
    notice.dataset.problem = "not-started";
    fetch(config.notStartedUrl, { method: "POST", credentials: "omit", keepalive: true })
      .catch(function () { /* the message on screen is what matters; the report is best effort */ });
  }

  document.addEventListener("examgate:initialized", initialized);
  document.addEventListener("examgate:receipt", receipted);
  document.addEventListener("examgate:refused", refused);
  setTimeout(checkStarted, config.startSeconds * 1000);
  if (deadline !== null) {
    clock.hidden = false;
    tick();
    if (!over) timer = setInterval(tick, 1000);
  }
})();

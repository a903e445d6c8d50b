/* SCORM 1.2 adapter for quiz.js (shared with lti_app/demo/quiz2004): finds API, cmi.core.* names. */
(function () {
  "use strict";

  function findApi() {
    var win = window;
    for (var hops = 0; win && hops < 20; hops++) {
      try {
        if (win.API) return win.API;
      } catch (e) {
        return null; // a parent on another origin: no LMS reachable from here
      }
      if (win.parent === win) break;
      win = win.parent;
    }
    return null;
  }

  var api = null;

  function get(key) {
    return api ? String(api.LMSGetValue(key)) : "";
  }

  function set(key, value) {
    if (api) api.LMSSetValue(key, String(value));
  }

  function pad(number, width) {
    var text = String(number);
    while (text.length < width) text = "0" + text;
    return text;
  }

  function timespan(seconds) {
    var centiseconds = Math.round(seconds * 100);
    var hours = Math.min(9999, Math.floor(centiseconds / 360000));
    var minutes = Math.floor(centiseconds / 6000) % 60;
    var rest = (centiseconds % 6000) / 100;
    return pad(hours, 4) + ":" + pad(minutes, 2) + ":" + pad(rest.toFixed(2), 5);
  }

  window.ScormAdapter = {
    version: "SCORM 1.2",

    connect: function () {
      api = findApi();
      if (api && String(api.LMSInitialize("")) !== "true") api = null;
      return api !== null;
    },

    resuming: function () {
      return get("cmi.core.entry") === "resume";
    },

    suspendData: function () {
      return get("cmi.suspend_data");
    },

    location: function () {
      return get("cmi.core.lesson_location");
    },

    describe: function (questions) {
      var k = 0;
      questions.forEach(function (question, i) {
        set("cmi.objectives." + i + ".id", question.id);
        question.parts.forEach(function (part) {
          var prefix = "cmi.interactions." + k++ + ".";
          set(prefix + "id", part.id);
          set(prefix + "type", part.choices ? "choice" : "numeric");
          set(prefix + "weighting", part.marks);
          set(prefix + "objectives.0.id", question.id);
        });
      });
      if (!this.resuming()) set("cmi.core.lesson_status", "incomplete");
    },

    recordPart: function (k, response, score) {
      var prefix = "cmi.interactions." + k + ".";
      if (response !== "") set(prefix + "student_response", response);
      set(prefix + "result", score);
    },

    recordQuestion: function (i, score, max) {
      var prefix = "cmi.objectives." + i + ".";
      set(prefix + "score.raw", score);
      set(prefix + "score.min", 0);
      set(prefix + "score.max", max);
      set(prefix + "status", score === max ? "passed" : "failed");
    },

    recordScore: function (raw, max, status) {
      set("cmi.core.score.raw", raw);
      set("cmi.core.score.min", 0);
      set("cmi.core.score.max", max);
      set("cmi.core.lesson_status", status);
    },

    saveProgress: function (suspendData, location) {
      set("cmi.suspend_data", suspendData);
      set("cmi.core.lesson_location", location);
      if (api) api.LMSCommit("");
    },

    exit: function (mode, seconds) {
      set("cmi.core.exit", mode === "suspend" ? "suspend" : "");
      set("cmi.core.session_time", timespan(seconds));
      if (api) api.LMSFinish("");
      api = null;
    }
  };
})();

/* SCORM 2004 adapter for quiz.js: finds API_1484_11 and writes the CMI data model. */
(function () {
  "use strict";

  function findApi() {
    var win = window;
    for (var hops = 0; win && hops < 20; hops++) {
      try {
        if (win.API_1484_11) return win.API_1484_11;
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
    return api ? String(api.GetValue(key)) : "";
  }

  function set(key, value) {
    if (api) api.SetValue(key, String(value));
  }

  function duration(seconds) {
    var hours = Math.floor(seconds / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var rest = Math.round((seconds % 60) * 100) / 100;
    return "PT" + hours + "H" + minutes + "M" + rest + "S";
  }

  window.ScormAdapter = {
    version: "SCORM 2004",

    connect: function () {
      api = findApi();
      if (api && String(api.Initialize("")) !== "true") api = null;
      return api !== null;
    },

    resuming: function () {
      return get("cmi.entry") === "resume";
    },

    suspendData: function () {
      return get("cmi.suspend_data");
    },

    location: function () {
      return get("cmi.location");
    },

    describe: function (questions) {
      var k = 0;
      questions.forEach(function (question, i) {
        set("cmi.objectives." + i + ".id", question.id);
        set("cmi.objectives." + i + ".description", question.title);
        question.parts.forEach(function (part) {
          var prefix = "cmi.interactions." + k++ + ".";
          set(prefix + "id", part.id);
          set(prefix + "description", part.label);
          set(prefix + "type", part.choices ? "choice" : "numeric");
          set(prefix + "weighting", part.marks);
          set(prefix + "objectives.0.id", question.id);
        });
      });
      if (!this.resuming()) set("cmi.completion_status", "incomplete");
    },

    recordPart: function (k, response, score) {
      var prefix = "cmi.interactions." + k + ".";
      if (response !== "") set(prefix + "learner_response", response);
      set(prefix + "result", score);
    },

    recordQuestion: function (i, score, max) {
      var prefix = "cmi.objectives." + i + ".";
      set(prefix + "score.raw", score);
      set(prefix + "score.min", 0);
      set(prefix + "score.max", max);
      set(prefix + "score.scaled", max ? score / max : 0);
      set(prefix + "success_status", score === max ? "passed" : "failed");
      set(prefix + "completion_status", "completed");
    },

    recordScore: function (raw, max, status) {
      set("cmi.score.raw", raw);
      set("cmi.score.min", 0);
      set("cmi.score.max", max);
      set("cmi.score.scaled", max ? raw / max : 0);
      set("cmi.completion_status", status === "incomplete" ? "incomplete" : "completed");
      set("cmi.success_status", status === "incomplete" ? "unknown" : status);
    },

    saveProgress: function (suspendData, location) {
      set("cmi.suspend_data", suspendData);
      set("cmi.location", location);
      if (api) api.Commit("");
    },

    exit: function (mode, seconds) {
      set("cmi.exit", mode);
      set("cmi.session_time", duration(seconds));
      if (api) api.Terminate("");
      api = null;
    }
  };
})();

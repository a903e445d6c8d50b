/* The demo quiz: questions, marking and saving. SCORM names live in adapter.js. */
(function () {
  "use strict";

  var PASS_MARK = 0.5;
  var QUESTIONS = [
    { id: "q0", title: "Addition", prompt: "Add the numbers.", parts: [
      { id: "q0p0", label: "2 + 3 =", answer: "5", marks: 1 }
    ] },
    { id: "q1", title: "Powers and roots", prompt: "Let x = 4.", parts: [
      { id: "q1p0", label: "x² =", answer: "16", marks: 1 },
      { id: "q1p1", label: "√x =", answer: "2", marks: 1 }
    ] },
    { id: "q2", title: "Prime numbers", prompt: "Which of these numbers is prime?", parts: [
      { id: "q2p0", label: "The prime number is", answer: "b", marks: 1,
        choices: [["a", "4"], ["b", "7"], ["c", "9"]] }
    ] },
    { id: "q3", title: "A rectangle", prompt: "A rectangle is 3 cm wide and 5 cm long.", parts: [
      { id: "q3p0", label: "Its area, in cm², is", answer: "15", marks: 2 },
      { id: "q3p1", label: "Its perimeter, in cm, is", answer: "16", marks: 1 }
    ] }
  ];

  var lms = window.ScormAdapter;
  var startedAt = Date.now();
  var state = { answers: {}, submitted: [] };
  var lastQuestion = "";
  var ended = false;

  function byId(id) {
    return document.getElementById(id);
  }

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function maxMarks(question) {
    return question.parts.reduce(function (sum, part) { return sum + part.marks; }, 0);
  }

  function partScore(part, response) {
    if (part.choices) return response === part.answer ? part.marks : 0;
    return isNumber(response) && Math.abs(Number(response) - Number(part.answer)) < 1e-9 ? part.marks : 0;
  }

  function isNumber(text) {
    return text !== "" && isFinite(Number(text));
  }

  function questionScore(question) {
    return question.parts.reduce(function (sum, part) {
      return sum + partScore(part, state.answers[part.id] || "");
    }, 0);
  }

  function totals() {
    var raw = 0, max = 0;
    QUESTIONS.forEach(function (question) {
      max += maxMarks(question);
      if (state.submitted.indexOf(question.id) >= 0) raw += questionScore(question);
    });
    return { raw: raw, max: max };
  }

  function renderPart(part) {
    var row = element("p", { "class": "part" });
    row.appendChild(element("label", { "for": part.id }, part.label));
    var input;
    if (part.choices) {
      input = element("select", { id: part.id, name: part.id });
      input.appendChild(element("option", { value: "" }, "choose…"));
      part.choices.forEach(function (choice) {
        input.appendChild(element("option", { value: choice[0] }, choice[1]));
      });
    } else {
      input = element("input", { id: part.id, name: part.id, type: "text", inputmode: "decimal", autocomplete: "off" });
    }
    row.appendChild(input);
    return row;
  }

  function renderQuestion(question, i) {
    var section = element("section", { "class": "question", id: "question-" + question.id });
    section.appendChild(element("h2", {}, "Question " + (i + 1) + ": " + question.title + " (" + maxMarks(question) + " marks)"));
    section.appendChild(element("p", {}, question.prompt));
    question.parts.forEach(function (part) { section.appendChild(renderPart(part)); });
    var button = element("button", { type: "button", id: "submit-" + question.id, name: "submit-" + question.id }, "Submit answer");
    button.addEventListener("click", function () { submit(question, i); });
    section.appendChild(button);
    section.appendChild(element("p", { "class": "feedback", id: "feedback-" + question.id, "aria-live": "polite" }));
    return section;
  }

  function showFeedback(question) {
    byId("feedback-" + question.id).textContent =
      "Marked: " + questionScore(question) + " / " + maxMarks(question);
    var score = totals();
    byId("score").textContent = "Score so far: " + score.raw + " / " + score.max;
  }

  function partIndex(question) {
    var k = 0;
    for (var i = 0; QUESTIONS[i] !== question; i++) k += QUESTIONS[i].parts.length;
    return k;
  }

  function submit(question, i) {
    var k = partIndex(question);
    question.parts.forEach(function (part, p) {
      var response = byId(part.id).value.trim();
      state.answers[part.id] = response;
      // A numeric interaction only takes a number as the learner's response.
      lms.recordPart(k + p, (part.choices || isNumber(response)) ? response : "", partScore(part, response));
    });
    if (state.submitted.indexOf(question.id) < 0) state.submitted.push(question.id);
    lms.recordQuestion(i, questionScore(question), maxMarks(question));
    var score = totals();
    lms.recordScore(score.raw, score.max, "incomplete");
    lastQuestion = question.id;
    lms.saveProgress(JSON.stringify(state), lastQuestion);
    showFeedback(question);
  }

  function setStatus(text, name) {
    var status = byId("status");
    status.textContent = text;
    status.setAttribute("data-state", name);
  }

  function end(mode) {
    if (ended) return;
    ended = true;
    var score = totals();
    var finished = mode === "normal";
    if (finished) lms.recordScore(score.raw, score.max, score.raw / score.max >= PASS_MARK ? "passed" : "failed");
    lms.saveProgress(JSON.stringify(state), lastQuestion);
    lms.exit(mode, (Date.now() - startedAt) / 1000);
    document.querySelectorAll("#quiz input, #quiz select, #quiz button, #actions button").forEach(function (node) {
      node.disabled = true;
    });
    if (finished) setStatus("Finished. Your score: " + score.raw + " / " + score.max + ".", "finished");
    else setStatus("Saved. You can close this window and come back later.", "saved");
  }

  function restore() {
    var saved;
    try {
      saved = JSON.parse(lms.suspendData());
    } catch (e) {
      return;
    }
    if (!saved || typeof saved.answers !== "object" || !Array.isArray(saved.submitted)) return;
    state = saved;
    QUESTIONS.forEach(function (question) {
      question.parts.forEach(function (part) {
        if (state.answers[part.id] !== undefined) byId(part.id).value = state.answers[part.id];
      });
      if (state.submitted.indexOf(question.id) >= 0) showFeedback(question);
    });
    lastQuestion = lms.location();
    var last = byId("question-" + lastQuestion);
    if (last) last.scrollIntoView();
  }

  function start() {
    var quiz = byId("quiz");
    quiz.addEventListener("submit", function (event) { event.preventDefault(); });
    QUESTIONS.forEach(function (question, i) { quiz.appendChild(renderQuestion(question, i)); });
    byId("save").addEventListener("click", function () { end("suspend"); });
    byId("finish").addEventListener("click", function () { end("normal"); });
    window.addEventListener("pagehide", function () { end("suspend"); });
    var connected = lms.connect();
    if (connected) {
      lms.describe(QUESTIONS);
      if (lms.resuming()) restore();
    }
    setStatus(connected ? "Connected to the LMS (" + lms.version + ")." : "No LMS found: your answers will not be saved.",
      connected ? "ready" : "offline");
  }

  document.addEventListener("DOMContentLoaded", start);
})();

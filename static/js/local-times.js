/* Times in the viewer's time zone. The server writes every time in UTC: <time datetime="…Z"> elements
 * (their text says UTC, for a page without JavaScript) and date pickers in forms with an empty
 * `timezone` field. Here times become local and name their zone; pickers show local times, their
 * labels name the zone, and `timezone` tells the server which zone the form's dates are in. */
(function () {
  "use strict";

  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  var parts = {
    year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit", timeZoneName: "short"
  };
  var format = new Intl.DateTimeFormat(undefined, parts);
  var formatSeconds = new Intl.DateTimeFormat(undefined, Object.assign({second: "2-digit"}, parts));

  function pad(number) {
    return String(number).padStart(2, "0");
  }

  function pickerValue(date, seconds) {
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) + "T" +
      pad(date.getHours()) + ":" + pad(date.getMinutes()) + (seconds ? ":" + pad(date.getSeconds()) : "");
  }

  function within(root, selector) {
    var found = Array.prototype.slice.call(root.querySelectorAll(selector));
    return root.matches && root.matches(selector) ? [root].concat(found) : found;
  }

  function localTime(element) {
    var date = new Date(element.getAttribute("datetime"));
    if (element.dataset.local || isNaN(date)) return;
    element.title = element.textContent;
    element.textContent = (element.dataset.seconds ? formatSeconds : format).format(date);
    element.dataset.local = "true";
  }

  function nameZone(label) {
    Array.prototype.forEach.call(label.childNodes, function (node) {
      if (node.nodeType === Node.TEXT_NODE) node.textContent = node.textContent.replace("(UTC)", "(" + zone + ")");
    });
  }

  function localPickers(zoneField) {
    var form = zoneField.form;
    if (!form) return;
    if (!zoneField.value) {  // the server wrote UTC; a form sent back with an error is in the zone already
      within(form, 'input[type="datetime-local"]').forEach(function (input) {
        var date = new Date(input.value + "Z");
        if (input.value && !isNaN(date)) input.value = pickerValue(date, input.step === "1");
      });
    }
    zoneField.value = zone;
    within(form, "label").forEach(nameZone);
  }

  function localise(root) {
    within(root, "time[datetime]").forEach(localTime);
    within(root, 'input[name="timezone"]').forEach(localPickers);
  }

  document.addEventListener("DOMContentLoaded", function () { localise(document.body); });
  document.addEventListener("htmx:load", function (event) { localise(event.detail.elt); });
})();

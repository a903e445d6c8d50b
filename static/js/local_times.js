/* Dates on the student's pages in the student's own time zone: each <time data-local> is written in
 * UTC by the server and rewritten here from its datetime attribute. */
(function () {
  "use strict";

  document.querySelectorAll("time[data-local]").forEach(function (node) {
    var moment = new Date(node.getAttribute("datetime"));
    if (isNaN(moment)) return;
    node.textContent = moment.toLocaleString([], { weekday: "long", day: "numeric", month: "long", year: "numeric",
                                                   hour: "2-digit", minute: "2-digit", timeZoneName: "short" });
    node.title = node.getAttribute("datetime");
  });
})();

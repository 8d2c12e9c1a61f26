// A report's page: its table and its chart from GET /api/reports/<key> (report_view.js).
(function () {
  "use strict";
  function readJSON(id) { return JSON.parse(document.getElementById(id).textContent); }
  var page = readJSON("gb-config"), view = window.gbReportView;
  view.setUp(page.locale, readJSON("gb-texts"));
  fetch("/api/reports/" + encodeURIComponent(page.key), {credentials: "same-origin",
                                                        headers: {"Accept": "application/json"}})
    .then(function (response) {
      return response.json().then(function (body) { return {ok: response.ok, body: body}; });
    })
    .then(function (answer) {
      if (!answer.ok) throw new Error(Object.values((answer.body || {}).errors || {}).join("; "));
      view.drawTable(document.getElementById("gb-report-table"), answer.body);
      view.drawChart(document.getElementById("gb-report-chart"), answer.body);
      document.body.setAttribute("data-report-ready", "1");
    })
    .catch(function (error) {
      var problem = document.getElementById("gb-report-problem");
      problem.textContent = readJSON("gb-texts").failed.replace("{msg}", error.message);
      problem.classList.remove("d-none");
      document.body.setAttribute("data-report-ready", "1");
    });
})();

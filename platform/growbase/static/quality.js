// The Data quality page from GET /api/quality: the score, the problems by criticality, the
// owner's trend (Chart.js), and each check with its worklist (the grid filtered to it) and the
// user's own; asked again every 15 s while in sight and on coming back to the tab, so a fixed
// record leaves the count.
(function () {
  "use strict";
  function readJSON(id) { return JSON.parse(document.getElementById(id).textContent); }
  var page = readJSON("gb-config"), texts = readJSON("gb-texts"), view = window.gbReportView;
  view.setUp(page.locale, texts);
  var el = view.el, mineOnly = document.getElementById("gb-q-mine-only"), last = null, trend = null;
  var whole = new Intl.NumberFormat(page.locale);
  var tenths = new Intl.NumberFormat(page.locale, {minimumFractionDigits: 1, maximumFractionDigits: 1});
  var BADGES = {critical: "badge-danger", warning: "badge-warning", info: "badge-info"};

  function put(id, text) { document.getElementById(id).textContent = text; }
  function link(href, text) { return href ? el("a", {href: href, text: text}) : document.createTextNode(text); }

  function row(check) {
    var mine = check.mine === undefined ? "" : whole.format(check.mine);
    return el("tr", {"data-check": check.entity + "." + check.key}, [
      el("td", {}, [el("span", {"class": "badge mr-2 " + BADGES[check.criticality], text: texts[check.criticality]}),
                    link(check.grid, check.label),
                    el("div", {"class": "small text-muted", text: check.fix})]),
      el("td", {"class": "d-none d-md-table-cell", text: check.entity_label}),
      el("td", {"class": "text-right gb-q-count"}, [link(check.count ? check.grid : "", whole.format(check.count))]),
      el("td", {"class": "text-right gb-q-mine"}, [link(check.mine ? check.mine_grid : "", mine)])]);
  }

  function drawChecks(data) {
    var body = document.getElementById("gb-q-checks"), shown = data.checks;
    if (mineOnly.checked) shown = shown.filter(function (c) { return c.mine; });
    body.innerHTML = "";
    shown.forEach(function (check) { body.appendChild(row(check)); });
    if (!shown.length) {
      body.appendChild(el("tr", {}, [el("td", {colspan: 4, "class": "text-muted",
                                               text: mineOnly.checked ? texts.all_clear : texts.none})]));
    }
  }

  function drawTrend(days) {
    var canvas = document.getElementById("gb-q-trend");
    if (!canvas || !days || !window.Chart) return;
    var data = {labels: days.map(function (d) { return view.shown({type: "date"}, d.day); }),
                datasets: [{label: texts.score, yAxisID: "y", data: days.map(function (d) { return d.score; })},
                           {label: texts.critical_count, yAxisID: "y1", data: days.map(function (d) { return d.critical; })}]};
    if (trend) { trend.data = data; trend.update(); return; }
    trend = new window.Chart(canvas, {type: "line", data: data, options: {
      maintainAspectRatio: false, animation: false,
      scales: {y: {min: 0, max: 100, position: "left"}, y1: {beginAtZero: true, position: "right", grid: {drawOnChartArea: false}}}}});
  }

  function draw(data) {
    last = data;
    put("gb-q-score", tenths.format(data.score) + " %");
    ["critical", "warning", "info"].forEach(function (level) { put("gb-q-" + level, whole.format(data.levels[level])); });
    put("gb-q-mine", whole.format(data.mine));
    drawChecks(data);
    drawTrend(data.trend);
    document.body.setAttribute("data-quality-ready", String(Date.now()));
  }

  function load() {
    fetch("/api/quality", {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json().then(function (b) { return {ok: r.ok, body: b}; }); })
      .then(function (answer) {
        if (!answer.ok) throw new Error(Object.values((answer.body || {}).errors || {}).join("; "));
        document.getElementById("gb-q-problem").classList.add("d-none");
        draw(answer.body);
      })
      .catch(function (error) {
        var problem = document.getElementById("gb-q-problem");
        problem.textContent = texts.failed.replace("{msg}", error.message);
        problem.classList.remove("d-none");
      });
  }

  mineOnly.addEventListener("change", function () { if (last) drawChecks(last); });
  load();
  setInterval(function () { if (!document.hidden) load(); }, 15000);
  window.addEventListener("focus", load);  // back from fixing a record in another tab
})();

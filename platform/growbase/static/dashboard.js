// The home page's dashboard: the role's widgets from GET /api/dashboard, each filled from
// GET /api/dashboard/<n> (a report drawn by report_view.js, or records with their count), and
// filled again every 30 s while the page is in sight. The owner arranges any role's: moves,
// widens, removes and adds widgets (a report, or a grid view saved as shared), then saves.
(function () {
  "use strict";
  function readJSON(id) { return JSON.parse(document.getElementById(id).textContent); }
  var page = readJSON("gb-config"), texts = readJSON("gb-texts"), csrf = readJSON("gb-csrf");
  var view = window.gbReportView;
  view.setUp(page.locale, texts);
  var el = view.el, box = document.getElementById("gb-dashboard");
  var SIZES = {third: "col-lg-4", half: "col-lg-6", full: "col-12"};
  var widgets = [], arranging = false, choices = null;

  function say(key, params) {
    return (texts[key] || key).replace(/\{(\w+)\}/g, function (m, name) { return params[name]; });
  }
  function role() { return "?role=" + encodeURIComponent(page.role); }
  function call(method, url, data) {
    return fetch(url, {method: method, credentials: "same-origin",
                       headers: {"Accept": "application/json", "Content-Type": "application/json",
                                 "X-CSRFToken": csrf},
                       body: data === undefined ? undefined : JSON.stringify(data)})
      .then(function (r) { return r.json().then(function (b) { return {ok: r.ok, body: b}; }); });
  }

  function records(content, data) {
    var count = data.exact ? data.count.toLocaleString(page.locale) :
      say("more_than", {n: data.count.toLocaleString(page.locale)});
    content.appendChild(el("a", {"class": "h2 d-block mb-2 gb-widget-count", href: data.grid, text: count}));
    if (!data.items.length) { content.appendChild(el("div", {"class": "text-muted small", text: texts.nothing})); return; }
    content.appendChild(el("ul", {"class": "list-unstyled mb-2 gb-widget-list"}, data.items.map(function (item) {
      return el("li", {}, [el("a", {href: item.url, text: item.title})]);
    })));
    content.appendChild(el("a", {"class": "small", href: data.grid, text: say("open_all", {n: count})}));
  }

  // The score and the worst checks, or (mine) the user's own problems, each to its worklist
  function quality(content, data, mine) {
    var q = data.quality, tenths = {minimumFractionDigits: 1, maximumFractionDigits: 1};
    var checks = q.checks.filter(function (c) { return mine ? c.mine : c.count; }).slice(0, 5);
    var big = mine ? q.mine.toLocaleString(page.locale) : q.score.toLocaleString(page.locale, tenths) + " %";
    content.appendChild(el("a", {"class": "h2 d-block mb-1 gb-widget-count", href: data.page + (mine ? "?mine=1" : ""), text: big}));
    if (!mine) content.appendChild(el("div", {"class": "text-muted small mb-2", text: say("quality_line", q.levels)}));
    if (!checks.length) { content.appendChild(el("div", {"class": "text-muted small", text: texts.nothing})); return; }
    content.appendChild(el("ul", {"class": "list-unstyled mb-0 gb-widget-list"}, checks.map(function (c) {
      return el("li", {}, [el("a", {href: mine ? c.mine_grid : c.grid, text: c.label + " (" + c.entity_label + ")"}),
                           document.createTextNode(" — " + (mine ? c.mine : c.count).toLocaleString(page.locale))]);
    })));
  }

  function fill(index) {
    var content = box.querySelector('[data-index="' + index + '"]'), widget = widgets[index];
    return call("GET", "/api/dashboard/" + index + role()).then(function (answer) {
      var data = answer.body || {};
      if (content.gbChart) content.gbChart.destroy();
      content.innerHTML = "";
      if (!answer.ok || data.error) {
        content.appendChild(el("div", {"class": "text-muted small", text: data.error || Object.values(data.errors || {}).join("; ")}));
      } else if (data.report) {
        var show = widget.show || (data.report.chart === "number" ? "number" : "chart");
        if (show === "number") { view.drawNumber(content, data.report); }
        else if (show === "table") {
          var table = el("table", {"class": "table table-sm table-hover gb-report-table mb-0"});
          content.appendChild(el("div", {"class": "table-responsive"}, [table]));
          view.drawTable(table, data.report);
        } else {
          view.drawChart(content, Object.assign({}, data.report, {chart: data.report.chart === "table" ||
                                                                   data.report.chart === "number" ? "bar" : data.report.chart}));
        }
      } else if (data.quality) { quality(content, data, widget.mine);
      } else { records(content, data); }
      content.setAttribute("data-ready", "1");
    });
  }

  function heading(widget) {
    if (widget.heading) return widget.heading;
    if (widget.kind === "quality") return widget.mine ? texts.mine_title : texts.quality_title;
    var pool = widget.kind === "view" ? choices.views : choices.reports;
    var found = pool.filter(function (c) { return c.key === widget.report || c.id === widget.view; })[0];
    return found ? found.name : "?";
  }

  function tools(index) {
    function button(text, label, act) {
      var b = el("button", {"class": "btn btn-sm btn-outline-secondary ml-1", type: "button", title: label, "aria-label": label, text: text});
      b.addEventListener("click", function () { act(); draw(); });
      return b;
    }
    var size = el("select", {"class": "form-control form-control-sm w-auto ml-1", "aria-label": texts.size},
                  Object.keys(SIZES).map(function (s) { return el("option", {value: s, text: texts[s]}); }));
    size.value = widgets[index].size || "half";
    size.addEventListener("change", function () { widgets[index].size = size.value; draw(); });
    function swap(other) {
      if (other < 0 || other >= widgets.length) return;
      var kept = widgets[other]; widgets[other] = widgets[index]; widgets[index] = kept;
    }
    return [button("↑", texts.up, function () { swap(index - 1); }), button("↓", texts.down, function () { swap(index + 1); }),
            size, button("✕", texts.remove, function () { widgets.splice(index, 1); })];
  }

  function card(widget, index) {
    var head = el("div", {"class": "d-flex flex-wrap align-items-baseline"},
                  [el("h6", {"class": "card-title mb-2 mr-auto", text: heading(widget)})].concat(arranging ? tools(index) : []));
    var content = el("div", {"class": "gb-widget-body", "data-index": index});
    return el("div", {"class": "col-12 mb-3 " + SIZES[widget.size || "half"], "data-widget": index},
              [el("div", {"class": "card h-100 gb-widget"}, [el("div", {"class": "card-body"}, [head, content])])]);
  }

  function draw() {
    box.innerHTML = "";
    widgets.forEach(function (widget, index) { box.appendChild(card(widget, index)); });
    if (!widgets.length) box.appendChild(el("p", {"class": "col text-muted", text: texts.no_widgets}));
    if (!arranging) widgets.forEach(function (_widget, index) { fill(index); });
  }

  function load() {
    call("GET", "/api/dashboard" + role()).then(function (answer) {
      widgets = answer.body.widgets || [];
      draw();
      document.body.setAttribute("data-dashboard-ready", "1");
    });
  }

  function arrange() {
    var tools = document.getElementById("gb-dash-tools"), what = document.getElementById("gb-dash-what");
    var kind = document.getElementById("gb-dash-kind"), show = document.getElementById("gb-dash-show");
    function offer() {
      var pool = {view: choices.views, report: choices.reports}[kind.value] ||
        [{key: "all", name: texts.quality_all}, {key: "mine", name: texts.quality_mine}];
      what.innerHTML = "";
      pool.forEach(function (c) { what.appendChild(el("option", {value: c.key || c.id, text: c.name})); });
      show.classList.toggle("d-none", kind.value !== "report");
    }
    call("GET", "/api/dashboard/choices").then(function (answer) {
      choices = answer.body;
      arranging = true;
      tools.classList.remove("d-none");
      offer();
      draw();
    });
    kind.addEventListener("change", offer);
    document.getElementById("gb-dash-add").addEventListener("click", function () {
      if (!what.value) return;
      widgets.push({view: {kind: "view", view: Number(what.value), size: "half"},
                    quality: {kind: "quality", mine: what.value === "mine", size: "third"},
                    report: {kind: "report", report: what.value, show: show.value, size: "half"}}[kind.value]);
      draw();
    });
    document.getElementById("gb-dash-cancel").addEventListener("click", function () { window.location.reload(); });
    document.getElementById("gb-dash-save").addEventListener("click", function () {
      var kept = widgets.map(function (w) {
        var spec = Object.assign({}, w);
        delete spec.index; delete spec.heading;
        return spec;
      });
      call("PUT", "/api/dashboard/" + encodeURIComponent(page.role), {widgets: kept}).then(function (answer) {
        if (!answer.ok) {
          document.getElementById("gb-dash-problem").textContent = Object.values(answer.body.errors || {}).join("; ");
          return;
        }
        window.location.reload();
      });
    });
  }

  if (page.owner) {
    document.getElementById("gb-dash-role").addEventListener("change", function (e) {
      window.location.href = "/admin/?role=" + encodeURIComponent(e.target.value);
    });
    document.getElementById("gb-dash-arrange").addEventListener("click", function (e) {
      e.target.disabled = true;
      arrange();
    });
  }
  load();
  setInterval(function () {  // live: the figures again, while the page is in sight
    if (!arranging && !document.hidden) widgets.forEach(function (_widget, index) { fill(index); });
  }, 30000);
})();

// A report's page: its table and its chart (Chart.js) from GET /api/reports/<key>, figures in
// the user's locale, and from any figure (a cell, a total, a bar) the grid of the records
// behind it: the report's filter with the condition of that row and column.
(function () {
  "use strict";
  function readJSON(id) { return JSON.parse(document.getElementById(id).textContent); }
  var page = readJSON("gb-config"), texts = readJSON("gb-texts");
  var formats = {};

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") { node.textContent = attrs[k]; } else { node.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) { node.appendChild(c); });
    return node;
  }

  function format(column) {
    var key = column.type + (column.currency || "") + (column.scale === undefined ? "" : column.scale);
    if (!formats[key]) {
      var opts = {};
      if (column.type === "integer") { opts.maximumFractionDigits = 0; }
      else if (column.type === "money" || column.type === "decimal" || column.type === "percent") {
        var scale = column.scale === undefined ? 2 : column.scale;
        opts = {minimumFractionDigits: scale, maximumFractionDigits: scale};
        if (column.currency) { opts.style = "currency"; opts.currency = column.currency; opts.currencyDisplay = "narrowSymbol"; }
      }
      formats[key] = new Intl.NumberFormat(page.locale, opts);
    }
    return formats[key];
  }

  function shown(column, value) {
    if (value === null || value === undefined) return "";
    if (column.kind === "group") return String(value);
    if (column.type === "date" || column.type === "datetime") {
      var moment = new Date(value.length === 10 ? value + "T00:00:00" : value);
      return new Intl.DateTimeFormat(page.locale, column.type === "date" ? {dateStyle: "medium"} :
                                     {dateStyle: "medium", timeStyle: "short"}).format(moment);
    }
    return format(column).format(Number(value)) + (column.type === "percent" ? " %" : "");
  }

  // The grid of the records behind a figure: all of the report's filter and these conditions
  function behind(report, parts) {
    var all = [report.filter].concat(parts).filter(function (c) { return c && !(c.all && !c.all.length); });
    var url = "/admin/grid/" + encodeURIComponent(report.entity) + "/";
    return all.length ? url + "?filter=" + encodeURIComponent(JSON.stringify({all: all})) : url;
  }

  function figure(report, column, value, parts) {
    var cell = el("td", {"class": "text-right text-nowrap"});
    if (value === null || value === undefined) return cell;
    cell.appendChild(el("a", {href: behind(report, parts.concat(column.filter || [])), title: texts.open,
                              text: shown(column, value)}));
    return cell;
  }

  function drawTable(report) {
    var table = document.getElementById("gb-report-table");
    table.innerHTML = "";
    table.appendChild(el("thead", {}, [el("tr", {}, report.columns.map(function (c) {
      return el("th", {"class": c.kind === "group" ? "" : "text-right", scope: "col", text: c.label});
    }))]));
    var body = el("tbody");
    report.rows.forEach(function (row, i) {
      body.appendChild(el("tr", {}, report.columns.map(function (c, j) {
        return c.kind === "group" ? el("th", {scope: "row", text: row[j]}) :
          figure(report, c, row[j], [report.row_filters[i]]);
      })));
    });
    if (!report.rows.length) {
      body.appendChild(el("tr", {}, [el("td", {colspan: report.columns.length, "class": "text-muted",
                                              text: texts.empty})]));
    }
    table.appendChild(body);
    table.appendChild(el("tfoot", {}, [el("tr", {"class": "font-weight-bold"}, report.columns.map(function (c, j) {
      return c.kind === "group" ? el("th", {scope: "row", text: report.totals[j]}) :
        figure(report, c, report.totals[j], []);
    }))]));
  }

  // The chart shows the first measure: a bar (or a line, a slice) per row, a series per column
  function drawChart(report) {
    var box = document.getElementById("gb-report-chart");
    box.innerHTML = "";
    var kind = report.chart, groups = report.columns.filter(function (c) { return c.kind === "group"; }).length;
    var series = report.columns.map(function (c, j) { return [c, j]; }).filter(function (p) {
      return p[0].kind === "measure" && p[0].measure === 0;
    });
    if (kind === "table" || !series.length) return;
    if (kind === "number") {
      var total = report.columns.findIndex(function (c) { return c.kind !== "group" && c.measure === 0 && (c.kind === "total" || !c.group); });
      box.appendChild(el("div", {"class": "display-4 gb-report-number", text: shown(report.columns[total], report.totals[total])}));
      return;
    }
    var canvas = el("canvas", {"aria-label": document.querySelector("h4").textContent, role: "img"});
    box.appendChild(el("div", {"class": "gb-report-canvas"}, [canvas]));
    var labels = report.rows.map(function (row) { return row.slice(0, groups).join(" · "); });
    var datasets = series.map(function (pair) {
      return {label: pair[0].group || pair[0].label,
              data: report.rows.map(function (row) { return row[pair[1]] === null ? null : Number(row[pair[1]]); })};
    });
    var chart = new window.Chart(canvas, {
      type: kind === "funnel" ? "bar" : kind,
      data: {labels: labels, datasets: datasets},
      options: {indexAxis: kind === "funnel" ? "y" : "x", maintainAspectRatio: false, animation: false,
                plugins: {legend: {display: datasets.length > 1 || kind === "pie"},
                          tooltip: {callbacks: {label: function (item) {
                            return (datasets.length > 1 ? item.dataset.label + ": " : "") +
                              shown(series[item.datasetIndex][0], item.raw);
                          }}}},
                onClick: function (event, items) {
                  if (!items.length) return;
                  var column = series[items[0].datasetIndex][0];
                  window.location.href = behind(report, [report.row_filters[items[0].index]].concat(column.filter || []));
                }}
    });
    box.gbChart = chart;
  }

  fetch("/api/reports/" + encodeURIComponent(page.key), {credentials: "same-origin",
                                                        headers: {"Accept": "application/json"}})
    .then(function (response) {
      return response.json().then(function (body) { return {ok: response.ok, body: body}; });
    })
    .then(function (answer) {
      if (!answer.ok) throw new Error(Object.values((answer.body || {}).errors || {}).join("; "));
      drawTable(answer.body);
      drawChart(answer.body);
      document.body.setAttribute("data-report-ready", "1");
    })
    .catch(function (error) {
      var problem = document.getElementById("gb-report-problem");
      problem.textContent = texts.failed.replace("{msg}", error.message);
      problem.classList.remove("d-none");
      document.body.setAttribute("data-report-ready", "1");
    });
})();

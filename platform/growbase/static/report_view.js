// A report drawn as the API gives it (GET /api/reports/<key>): its table, its chart (Chart.js)
// or its one number, figures in the user's locale, and from any figure (a cell, a total, a
// bar) the grid of the records behind it: the report's filter with that row's and column's.
// Used by the report's page (reports.js) and the dashboard (dashboard.js).
(function (view) {
  "use strict";
  var page = {locale: document.documentElement.lang || "en"}, texts = {};
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

  function drawTable(table, report) {
    table.innerHTML = "";
    table.appendChild(el("thead", {}, [el("tr", {}, report.columns.map(function (c) {
      return el("th", {"class": c.kind === "group" ? "" : "text-right", scope: "col", text: c.label});
    }))]));
    var body = el("tbody");
    report.rows.forEach(function (row, i) {
      body.appendChild(el("tr", {}, report.columns.map(function (c, j) {
        return c.kind === "group" ? el("th", {scope: "row", "class": "gb-data", text: row[j]}) :
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

  // The report's grand total of its first measure, large; with a plan, of how much and the share
  function drawNumber(box, report) {
    box.innerHTML = "";
    var first = report.columns.findIndex(function (c) {  // the total column of the first measure
      return c.kind !== "group" && c.measure === 0 && (c.kind === "total" || !c.group);
    });
    box.appendChild(el("a", {"class": "display-4 gb-report-number d-block", href: behind(report, []),
                             text: shown(report.columns[first], report.totals[first])}));
    report.columns.forEach(function (c, j) {
      if (j !== first && c.kind !== "group" && (c.kind === "total" || !c.group)) {
        box.appendChild(el("div", {"class": "text-muted", text: c.label + ": " + shown(c, report.totals[j])}));
      }
    });
  }

  // The chart shows the first measure: a bar (or a line, a slice) per row, a series per column
  function drawChart(box, report) {
    box.innerHTML = "";
    var kind = report.chart, groups = report.columns.filter(function (c) { return c.kind === "group"; }).length;
    var series = report.columns.map(function (c, j) { return [c, j]; }).filter(function (p) {
      return p[0].kind === "measure" && p[0].measure === 0;
    });
    if (kind === "table" || !series.length) return;
    if (kind === "number") { drawNumber(box, report); return; }
    var canvas = el("canvas", {"aria-label": report.name, role: "img"});
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

  function setUp(locale, words) { page.locale = locale; texts = words; formats = {}; }

  Object.assign(view, {setUp: setUp, el: el, shown: shown, behind: behind, drawTable: drawTable,
                       drawChart: drawChart, drawNumber: drawNumber});
})(window.gbReportView = window.gbReportView || {});

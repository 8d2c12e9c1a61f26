// The owner's report builder: an entity, a grouping down the side and one across (a date by
// day ... year), figures (a count, sums, averages ...), a period, how it is shown; Preview
// works it out unsaved (POST /api/reports/preview), Save stores it (PUT /api/reports/<key>).
// "Only the records where" is design.js's condition builder; the period joins it with "all".
// A report written in JSON keeps what the builder does not show (a plan, a deeper filter).
(function () {
  "use strict";
  function readJSON(id) { return JSON.parse(document.getElementById(id).textContent); }
  var page = readJSON("gb-config"), texts = readJSON("gb-texts"), csrf = readJSON("gb-csrf");
  var view = window.gbReportView, el = view.el, old = page.spec || {}, entities = [], chart = null, where = null;
  view.setUp(page.locale, texts);
  function $(id) { return document.getElementById(id); }

  function fill(select, options, value) {
    select.innerHTML = "";
    options.forEach(function (o) { select.appendChild(el("option", {value: o[0], text: o[1]})); });
    if (value !== undefined && value !== null) select.value = value;
  }
  function entity() { return entities.filter(function (e) { return e.name === $("gb-b-entity").value; })[0]; }
  function fieldsWhere(test) { return entity().fields.filter(test); }
  function named(name) { return fieldsWhere(function (f) { return f.name === name; })[0]; }

  function samePeriod(filter) {  // [field, period] when the filter is one the builder makes
    var dated = filter && named(filter.field);
    return dated && dated.dated && Object.keys(filter).length === 2 && texts.periods[filter.within] ?
      [filter.field, filter.within] : null;
  }

  // A filter as [the period's [field, period] or null, the rest for the condition builder]
  function split(filter) {
    if (!filter) return [null, null];
    if (samePeriod(filter)) return [samePeriod(filter), null];
    var leaves = filter.all || [], period = leaves.filter(samePeriod)[0];
    if (!period) return [null, filter];
    var rest = leaves.filter(function (leaf) { return leaf !== period; });
    return [samePeriod(period), rest.length > 1 ? {all: rest} : rest[0] || null];
  }
  function joined(period, rest) {
    var leaves = (period ? [period] : []).concat(rest && rest.all ? rest.all : rest ? [rest] : []);
    return leaves.length > 1 ? {all: leaves} : leaves[0];
  }

  function grouping(prefix, dim) {
    var select = $("gb-b-" + prefix), bucket = $("gb-b-" + prefix + "-bucket");
    fill(select, [["", texts.none]].concat(fieldsWhere(function (f) { return f.groupable; })
      .map(function (f) { return [f.name, f.label]; })), dim ? dim.field : "");
    fill(bucket, Object.keys(texts.buckets).map(function (b) { return [b, texts.buckets[b]]; }),
         dim && dim.bucket ? dim.bucket : "month");
    function shown() { var f = named(select.value); bucket.classList.toggle("d-none", !(f && f.dated)); }
    select.onchange = shown;
    shown();
  }
  function dimension(prefix) {
    var name = $("gb-b-" + prefix).value, f = named(name);
    if (!name) return [];
    return [f.dated ? {field: name, bucket: $("gb-b-" + prefix + "-bucket").value} : {field: name}];
  }

  function measureRow(measure) {
    var options = [["count", texts.count]];
    fieldsWhere(function (f) { return f.summable || f.dated; }).forEach(function (f) {
      (f.summable ? ["sum", "avg", "min", "max"] : ["min", "max", "avg_days", "max_days"]).forEach(function (agg) {
        options.push([agg + ":" + f.name, f.label + ": " + texts.aggs[agg]]);
      });
    });
    var select = el("select", {"class": "form-control gb-b-measure", "aria-label": texts.count});
    fill(select, options, measure && measure.field ? measure.agg + ":" + measure.field : "count");
    var remove = el("button", {"class": "btn btn-outline-secondary", type: "button", title: texts.remove,
                               "aria-label": texts.remove, text: "✕"});
    var row = el("div", {"class": "input-group input-group-sm mb-1"}, [select, el("div", {"class": "input-group-append"}, [remove])]);
    remove.onclick = function () { if ($("gb-b-measures").children.length > 1) row.remove(); };
    $("gb-b-measures").appendChild(row);
  }

  function draw(spec) {
    var parts = split(spec.filter), dates = fieldsWhere(function (f) { return f.dated; });
    grouping("rows", (spec.rows || [])[0]);
    grouping("columns", (spec.columns || [])[0]);
    $("gb-b-measures").innerHTML = "";
    (spec.measures || [{agg: "count"}]).forEach(measureRow);
    var known = parts[0];
    fill($("gb-b-period-field"), dates.map(function (f) { return [f.name, f.label]; }), known ? known[0] : undefined);
    fill($("gb-b-period"), Object.keys(texts.periods).map(function (p) { return [p, texts.periods[p]]; }), known ? known[1] : "");
    ["gb-b-period-field", "gb-b-period"].forEach(function (id) { $(id).disabled = !dates.length; });
    where = gbDesign.conditionBuilder($("gb-b-where"), entity().fields, parts[1], function () {});
  }

  function spec() {
    var out = Object.assign({}, old), name = typeof old.name === "object" ? Object.assign({}, old.name) : {};
    name[page.locale] = $("gb-b-name").value.trim();
    out.key = $("gb-b-key").value.trim();
    out.name = name;
    out.entity = $("gb-b-entity").value;
    out.rows = dimension("rows");
    out.columns = dimension("columns");
    out.measures = Array.prototype.map.call(document.querySelectorAll(".gb-b-measure"), function (s) {
      var parts = s.value.split(":");
      return parts.length > 1 ? {agg: parts[0], field: parts[1]} : {agg: "count"};
    });
    out.chart = $("gb-b-chart").value;
    var period = !$("gb-b-period").disabled && $("gb-b-period").value ?
      {field: $("gb-b-period-field").value, within: $("gb-b-period").value} : null;
    out.filter = joined(period, where.value());
    if (!out.filter) delete out.filter;
    ["rows", "columns"].forEach(function (k) { if (!out[k].length) delete out[k]; });
    if (out.entity !== old.entity) delete out.plan;  // a plan matched the other entity's fields
    return out;
  }

  function problem(text) {
    $("gb-b-problem").textContent = text || "";
    $("gb-b-problem").classList.toggle("d-none", !text);
  }
  function call(method, url, data) {
    return fetch(url, {method: method, credentials: "same-origin",
                       headers: {"Accept": "application/json", "Content-Type": "application/json", "X-CSRFToken": csrf},
                       body: data === undefined ? undefined : JSON.stringify(data)})
      .then(function (r) { return r.json().then(function (b) { return {ok: r.ok, body: b}; }); });
  }
  // Each problem in words (a filter's name their field; the JSON path is for JSON's readers)
  function refused(answer) {
    return Object.keys(answer.body.errors || {}).map(function (k) {
      return (/^\$\.filter/.test(k) ? "" : k + ": ") + answer.body.errors[k];
    }).join("; ");
  }

  function preview() {
    var made = spec();
    return call("POST", "/api/reports/preview", made).then(function (answer) {
      if (!answer.ok) { problem(refused(answer)); return; }
      problem("");
      if (chart) chart.destroy();
      view.drawTable($("gb-report-table"), answer.body);
      view.drawChart($("gb-report-chart"), answer.body);
      chart = $("gb-report-chart").gbChart;
      document.body.setAttribute("data-preview", String(Date.now()));
    });
  }

  function save(event) {
    event.preventDefault();
    var made = spec();
    if (!made.name[page.locale]) { problem(texts.no_name); return; }
    if (!/^[a-z][a-z0-9_]{0,39}$/.test(made.key)) { problem(texts.no_key); return; }
    call("PUT", "/api/reports/" + encodeURIComponent(made.key), made).then(function (answer) {
      if (!answer.ok) { problem(refused(answer)); return; }
      window.location.href = "/admin/reports/" + encodeURIComponent(made.key) + "/";
    });
  }

  call("GET", "/api/reports/builder").then(function (answer) {
    entities = answer.body.entities;
    fill($("gb-b-entity"), entities.map(function (e) { return [e.name, e.label]; }), old.entity || "order");
    fill($("gb-b-chart"), Object.keys(texts.charts).map(function (c) { return [c, texts.charts[c]]; }), old.chart || "bar");
    $("gb-b-name").value = old.name ? (typeof old.name === "object" ? old.name[page.locale] || old.name.en || "" : old.name) : "";
    $("gb-b-key").value = old.key || "";
    draw(old);
    $("gb-b-entity").onchange = function () { draw({}); };
    $("gb-b-name").oninput = function () { if (!page.spec) $("gb-b-key").value = gbDesign.slug($("gb-b-name").value); };
    $("gb-b-add-measure").onclick = function () { measureRow(null); };
    $("gb-b-preview").onclick = preview;
    $("gb-builder").addEventListener("submit", save);
    document.body.setAttribute("data-builder-ready", "1");
    if (page.spec) preview();
  });
})();

// The condition builder: rows of field / test / value joined by "all" or "any", for a rule's
// "only if", a requirement, a role's rows, a report's filter and a data-quality check. A
// deeper tree than that is kept as it is and shown as JSON (edited on a JSON tab).
(function (d) {
  "use strict";
  var say = gb.say, el = d.el, select = d.select, label = d.label;

  var TESTS = ["eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "contains", "not_contains",
               "starts_with", "is_empty", "changed", "changed_to", "changed_from"];

  function simple(node) {
    if (!node || typeof node !== "object") return null;
    var mode = node.all ? "all" : node.any ? "any" : null;
    var leaves = mode ? node[mode] : [node];
    if (!Array.isArray(leaves)) return null;
    var ok = leaves.every(function (leaf) {
      var ops = Object.keys(leaf).filter(function (k) { return k !== "field"; });
      return typeof leaf.field === "string" && ops.length === 1;
    });
    if (!ok) return null;
    return {mode: mode || "all", rows: leaves.map(function (leaf) {
      var op = Object.keys(leaf).filter(function (k) { return k !== "field"; })[0];
      return {field: leaf.field, op: op, value: leaf[op]};
    })};
  }

  function valueText(value) {
    if (value === undefined || value === null) return "";
    return typeof value === "object" ? JSON.stringify(value) : String(value);
  }

  function readValue(text) {
    text = text.trim();
    if (/^[\[{]/.test(text)) { try { return JSON.parse(text); } catch (e) { return text; } }
    return text;
  }

  // A date compared with a day picked, or with one that moves with the clock: "14 days ago",
  // "in 3 days", "today + 1" ({"ago": "14d"}, {"ahead": "3d"}, {"today": 1}); null for a
  // value it cannot show (the start of a month ...: kept as JSON text).
  var SPAN = /^(\d+)(m|h|d|w)$/, MOVING = ["ago", "ahead", "today"];
  function dateValue(row, changed) {
    var v = row.value, mode = "date", amount = "", unit = "d";
    if (v && typeof v === "object") {
      mode = Object.keys(v)[0];
      var found = SPAN.exec(String(v[mode]));
      if (MOVING.indexOf(mode) < 0 || (mode !== "today" && !found)) return null;
      amount = mode === "today" ? String(v.today) : found[1];
      unit = found ? found[2] : unit;
    }
    var kind = select([["date", say("date_on")], ["ago", say("date_ago")], ["ahead", say("date_ahead")],
                       ["today", say("date_today")]], mode, {"class": "form-control form-control-sm mr-1 gb-cond-date-kind"});
    var day = el("input", {type: "date", "class": "form-control form-control-sm gb-cond-date-day",
                           value: mode === "date" && typeof v === "string" ? v.slice(0, 10) : ""});
    var number = el("input", {type: "number", "class": "form-control form-control-sm mr-1 gb-cond-date-amount",
                              value: amount, style: "width:5em", "aria-label": say("value")});
    var units = select(["h", "d", "w"].map(function (u) { return [u, say("unit_" + u)]; }), unit,
                       {"class": "form-control form-control-sm gb-cond-date-unit"});
    function put() {
      var how = kind.value, n = number.value.trim();
      day.hidden = how !== "date"; number.hidden = how === "date"; units.hidden = how === "date" || how === "today";
      row.value = how === "date" ? day.value : {};
      if (how === "today") row.value.today = Number(n || 0);
      else if (how !== "date") row.value[how] = (n || "0") + units.value;
      changed();
    }
    [kind, day, number, units].forEach(function (c) { c.addEventListener("change", put); c.addEventListener("input", put); });
    var holder = el("span", {"class": "form-inline gb-cond-date"}, [kind, day, number, units]);
    day.hidden = mode !== "date"; number.hidden = mode === "date"; units.hidden = mode === "date" || mode === "today";
    return holder;
  }

  // The value a row compares with, as its field and test want it: yes/no, "me" or a person,
  // a choice or several, a day, else text (a list "a, b, c"; JSON for what only JSON says)
  function valueControl(field, row, changed) {
    var dated = field && (field.dates || field.dated) && ["eq", "ne", "gt", "gte", "lt", "lte"].indexOf(row.op) >= 0;
    var value = dated ? dateValue(row, changed) : null;
    if (value) return value;
    if (row.op === "is_empty" || row.op === "changed") {
      value = select([["true", say("yes")], ["false", say("no")]], String(row.value !== false),
        {"class": "form-control form-control-sm gb-cond-value", onchange: function (e) { row.value = e.target.value === "true"; changed(); }});
      if (row.value === undefined) row.value = true;
    } else if (field && field.users && (row.op === "eq" || row.op === "ne")) {  // "me": whoever looks
      value = select([["me", say("me")]].concat((gb.config.users || []).map(function (u) { return [u, u]; })),
        row.value && row.value.me ? "me" : row.value,
        {"class": "form-control form-control-sm gb-cond-value", onchange: function (e) {
          row.value = e.target.value === "me" ? {me: true} : e.target.value; changed(); }});
      if (row.value === undefined) row.value = {me: true};
    } else if (field && field.options && ["eq", "ne", "changed_to", "changed_from"].indexOf(row.op) >= 0) {
      value = select([["", "—"]].concat(field.options.map(function (o) { return [o.value, label(o.label)]; })), row.value,
        {"class": "form-control form-control-sm gb-cond-value", onchange: function (e) { row.value = e.target.value; changed(); }});
    } else if (field && field.options && (row.op === "in" || row.op === "not_in")) {
      value = el("select", {"class": "form-control form-control-sm gb-cond-value", multiple: true, size: 3,
        onchange: function (e) {
          row.value = Array.prototype.filter.call(e.target.options, function (o) { return o.selected; }).map(function (o) { return o.value; });
          changed();
        }}, field.options.map(function (o) {
          return el("option", {value: o.value, text: label(o.label), selected: (row.value || []).indexOf(o.value) >= 0});
        }));
    } else {
      var many = row.op === "in" || row.op === "not_in";  // "a, b, c" is a list
      value = el("input", {"class": "form-control form-control-sm gb-cond-value",
        value: many && Array.isArray(row.value) ? row.value.join(", ") : valueText(row.value),
        placeholder: say("value"), oninput: function (e) {
          var read = readValue(e.target.value);
          row.value = many && typeof read === "string" ? read.split(",").map(function (v) { return v.trim(); })
            .filter(function (v) { return v; }) : read;
          changed();
        }});
    }
    return value;
  }

  function conditionBuilder(box, fields, initial, changed) {
    var state = initial && Object.keys(initial).length ? simple(initial) : {mode: "all", rows: []};
    var kept = state ? null : initial;  // a tree the rows cannot show
    var fieldsNow = fields;

    function render() {
      box.innerHTML = "";
      if (kept) {
        box.appendChild(el("div", {"class": "small text-muted"}, [say("complex_condition"), " ",
          el("code", {text: JSON.stringify(kept)})]));
        box.appendChild(el("button", {type: "button", "class": "btn btn-link btn-sm p-0", text: say("start_over"),
          onclick: function () { kept = null; state = {mode: "all", rows: []}; render(); changed(); }}));
        return;
      }
      if (state.rows.length > 1) {
        box.appendChild(el("div", {"class": "form-inline mb-1"}, [
          select([["all", say("all_of")], ["any", say("any_of")]], state.mode,
            {"class": "form-control form-control-sm gb-cond-mode", onchange: function (e) { state.mode = e.target.value; changed(); }})]));
      }
      state.rows.forEach(function (row, index) {
        var field = fieldsNow.filter(function (f) { return f.name === row.field; })[0];
        var ops = (field ? field.operators : TESTS).filter(function (op) { return TESTS.indexOf(op) >= 0; })
          .concat(["changed", "changed_to", "changed_from"].filter(function (op) { return field && field.operators.indexOf(op) < 0; }));
        box.appendChild(el("div", {"class": "form-inline mb-1 gb-cond-row"}, [
          select([["", "—"]].concat(fieldsNow.map(function (f) { return [f.name, label(f.label) || f.name]; })), row.field,
            {"class": "form-control form-control-sm mr-1 gb-cond-field", onchange: function (e) {
              row.field = e.target.value; row.value = undefined; render(); changed(); }}),
          select(ops.map(function (op) { return [op, say("op_" + op)]; }), row.op,
            {"class": "form-control form-control-sm mr-1 gb-cond-op", onchange: function (e) {
              row.op = e.target.value; row.value = undefined; render(); changed(); }}),
          valueControl(field, row, changed),
          el("button", {type: "button", "class": "btn btn-sm btn-link text-danger", text: "✕", title: say("remove"),
            onclick: function () { state.rows.splice(index, 1); render(); changed(); }})]));
      });
      box.appendChild(el("button", {type: "button", "class": "btn btn-sm btn-outline-secondary gb-cond-add", text: say("add_condition"),
        onclick: function () { state.rows.push({field: (fieldsNow[0] || {}).name, op: "eq"}); render(); changed(); }}));
    }
    render();
    return {
      value: function () {
        if (kept) return kept;
        var rows = state.rows.filter(function (r) { return r.field; }).map(function (r) {
          var leaf = {field: r.field};
          leaf[r.op] = r.value === undefined ? "" : r.value;
          return leaf;
        });
        if (!rows.length) return null;
        if (rows.length === 1) return rows[0];
        var tree = {};
        tree[state.mode] = rows;
        return tree;
      },
      fields: function (list) { fieldsNow = list; render(); }
    };
  }

  d.conditionBuilder = conditionBuilder;
})(window.gbDesign);

// "Set a field" in the rule designer, picked instead of typed: on which record (this one,
// one it links to, or the records linking to it, narrowed by the condition builder), which
// of that record's fields, and the new value as the field takes it (a choice by its name, a
// person, yes/no). Also the one value picker the rule designer's other rows use.
(function (d) {
  "use strict";
  var el = d.el, say = gb.say;

  // A control for one value of `field`, calling put(value) on each change
  d.valuePicker = function (field, value, put, css) {
    var options = field && field.options ? field.options.map(function (o) { return [o.value, d.label(o.label)]; }) :
      field && field.users ? (gb.config.users || []).map(function (u) { return [u, u]; }) :
      field && field.type === "boolean" ? [[true, say("yes")], [false, say("no")]] : null;
    if (options) {
      return d.select([["", "—"]].concat(options), value, {"class": "form-control form-control-sm " + css, onchange: function (e) {
        var picked = e.target.value;
        put(field.type === "boolean" && picked !== "" ? picked === "true" : picked);
      }});
    }
    return el("input", {"class": "form-control form-control-sm " + css, value: value === undefined || value === null ? "" : String(value),
      oninput: function (e) { put(e.target.value); }});
  };

  // [[on, words, target entity]]: this record, each record it links to, each kind linking to it
  function places(entity) {
    var own = d.fieldsOf(entity), out = [["", say("on_this"), entity]];
    own.forEach(function (f) { if (f.to) out.push([f.name, say("on_linked", {field: f.label}), f.to]); });
    gb.config.entities.forEach(function (other) {
      other.fields.forEach(function (f) {
        if (f.to === entity) out.push([other.name + "." + f.name, say("on_linking", {entity: other.label, field: f.label}), other.name]);
      });
    });
    return out;
  }

  // The action's rows: where, which field, the value, and (for linking records) which of them
  d.setFieldAction = function (params, set, entity, row) {
    var where = places(entity), place = where.filter(function (p) { return p[0] === (params.on || ""); })[0] || where[0];
    var target = d.fieldsOf(place[2]).filter(function (f) { return ["formula", "autonumber"].indexOf(f.type) < 0; });
    var field = target.filter(function (f) { return f.name === params.field; })[0];
    var box = el("div", {"class": "form-row w-100 mx-0"});
    function again() { box.replaceWith(d.setFieldAction(params, set, entity, row)); }
    box.appendChild(row(say("param_on"), d.select(where.map(function (p) { return [p[0], p[1]]; }), place[0],
      {"class": "form-control form-control-sm gb-action-on", onchange: function (e) {
        set("on", e.target.value); set("field", ""); set("value", ""); set("where", ""); again(); }}), 4));
    box.appendChild(row(say("param_field"), d.select([["", "—"]].concat(target.map(function (f) { return [f.name, f.label]; })),
      params.field, {"class": "form-control form-control-sm gb-action-field", onchange: function (e) {
        set("field", e.target.value); set("value", ""); again(); }}), 4));
    box.appendChild(row(say("param_value"), d.valuePicker(field, params.value, function (v) { set("value", v); }, "gb-action-value"), 4));
    if (place[0].indexOf(".") > 0) {
      var holder = el("div", {"class": "gb-action-where"});
      box.appendChild(row(say("param_where"), holder, 12));
      var builder = d.conditionBuilder(holder, d.fieldsOf(place[2]), params.where, function () {
        set("where", builder.value() || ""); });
    }
    return box;
  };
})(window.gbDesign);

// The intake's mapping without JSON: for each field of the record it makes, where its value
// comes from — a key of what is sent (customer.phone), always the same value (a choice, a
// person picked by name), a text written from several keys, or a linked record found by
// some of its fields (made when none is found, or not). Lines (an order's items) the same.
// Every change is written back into the JSON box, which is what the form sends.
(function () {
  "use strict";
  var d = gbDesign, el = d.el, say = gb.say;
  var box = document.getElementById("gb-intake-editor"), text = document.getElementById("gb-intake-json");
  if (!box || !text) return;
  var spec;
  try { spec = JSON.parse(text.value); } catch (e) { return; }  // (the JSON box says what is wrong)

  function fieldsOf(name) { return d.fieldsOf(name).filter(function (f) { return f.type !== "autonumber" && f.type !== "formula"; }); }
  function save() { text.value = JSON.stringify(spec, null, 2); }
  function kindOf(how) {
    return typeof how === "string" ? "from" : how.find ? "find" : "template" in how ? "template" : "value";
  }

  // The control for where one field's value comes from
  function source(field, how, put) {
    var kind = kindOf(how);
    if (kind === "from") {
      return el("input", {"class": "form-control form-control-sm gb-map-path", value: how, placeholder: say("intake_path"),
        "aria-label": say("intake_path"), oninput: function (e) { put(e.target.value.trim()); }});
    }
    if (kind === "template") {
      return el("input", {"class": "form-control form-control-sm gb-map-template", value: how.template,
        "aria-label": say("intake_template"), oninput: function (e) { put({template: e.target.value}); }});
    }
    if (kind === "value") {
      var options = field && field.options ? field.options.map(function (o) { return [o.value, d.label(o.label)]; }) :
        field && field.users ? (gb.config.users || []).map(function (u) { return [u, u]; }) : null;
      return options ? d.select(options, how.value, {"class": "form-control form-control-sm gb-map-value",
        "aria-label": say("intake_value"), onchange: function (e) { put({value: e.target.value}); }}) :
        el("input", {"class": "form-control form-control-sm gb-map-value", value: how.value === undefined ? "" : how.value,
          "aria-label": say("intake_value"), oninput: function (e) { put({value: e.target.value}); }});
    }
    var other = fieldsOf(field ? field.to : "");
    var keys = el("select", {"class": "form-control form-control-sm gb-map-find", multiple: true, size: 3, "aria-label": say("intake_find"),
      onchange: function (e) {
        how.find = Array.prototype.filter.call(e.target.options, function (o) { return o.selected; }).map(function (o) { return o.value; });
        save();
      }}, other.map(function (f) { return el("option", {value: f.name, text: d.label(f.label), selected: how.find.indexOf(f.name) >= 0}); }));
    var make = el("input", {type: "checkbox", "class": "gb-map-create", checked: how.create !== false,
      onchange: function (e) { if (e.target.checked) delete how.create; else how.create = false; save(); }});
    return el("div", {}, [keys, el("label", {"class": "small mb-0"}, [make, " ", say("intake_create")])]);
  }

  // Rows of "field ← where it comes from" for one entity's mapping (`fields`), nested for
  // the fields of a linked record found by some of its own
  function rows(holder, entity, fields) {
    var all = fieldsOf(entity);
    Object.keys(fields).forEach(function (name) {
      var field = all.filter(function (f) { return f.name === name; })[0], how = fields[name];
      var kinds = [["from", say("intake_from")], ["value", say("intake_always")], ["template", say("intake_written")]]
        .concat(field && field.to ? [["find", say("intake_found")]] : []);
      var row = el("div", {"class": "form-row align-items-start mb-1 gb-map-row", "data-field": name});
      function put(value) { fields[name] = value; save(); }
      row.appendChild(el("div", {"class": "col-md-3"}, [el("strong", {"class": "small", text: field ? d.label(field.label) : name})]));
      row.appendChild(el("div", {"class": "col-md-3"}, [d.select(kinds, kindOf(how), {"class": "form-control form-control-sm gb-map-kind",
        "aria-label": say("intake_how"), onchange: function (e) {
          var k = e.target.value;
          put(k === "from" ? "" : k === "value" ? {value: ""} : k === "template" ? {template: ""} : {find: [], fields: {}});
          draw();
        }})]));
      row.appendChild(el("div", {"class": "col-md-5"}, [source(field, how, put)]));
      row.appendChild(el("div", {"class": "col-md-1"}, [el("button", {type: "button", "class": "btn btn-sm btn-link text-danger", text: "✕",
        title: say("remove"), "aria-label": say("remove"), onclick: function () { delete fields[name]; save(); draw(); }})]));
      holder.appendChild(row);
      if (kindOf(how) === "find") {
        var inner = el("div", {"class": "ml-4 pl-2 border-left gb-map-nested"});
        holder.appendChild(inner);
        rows(inner, field.to, how.fields = how.fields || {});
      }
    });
    var unused = all.filter(function (f) { return !(f.name in fields); });
    if (unused.length) {
      holder.appendChild(d.select([["", say("intake_add")]].concat(unused.map(function (f) { return [f.name, d.label(f.label)]; })), "",
        {"class": "form-control form-control-sm w-auto mb-2 gb-map-add", "aria-label": say("intake_add"), onchange: function (e) {
          if (!e.target.value) return;
          fields[e.target.value] = "";
          save();
          draw();
        }}));
    }
  }

  function draw() {
    box.innerHTML = "";
    var makes = el("div", {"class": "form-inline mb-2"}, [el("label", {"class": "mr-2", "for": "gb-map-entity", text: say("intake_makes")}),
      d.select([["", "—"]].concat(gb.config.entities.map(function (e) { return [e.name, e.label]; })), spec.entity,
        {id: "gb-map-entity", "class": "form-control form-control-sm w-auto", onchange: function (e) {
          spec.entity = e.target.value; spec.fields = {}; delete spec.lines; save(); draw(); }})]);
    box.appendChild(makes);
    if (!spec.entity) return;
    rows(box, spec.entity, spec.fields = spec.fields || {});
    (spec.lines || []).forEach(function (lines) {
      var said = say("intake_lines", {key: "\u0000", entity: (gb.config.entities.filter(function (e) {
        return e.name === lines.entity; })[0] || {}).label || lines.entity}).split("\u0000");
      box.appendChild(el("div", {"class": "small text-muted mt-2"}, [said[0], el("code", {text: lines.from}), said[1] || ""]));
      var inner = el("div", {"class": "ml-4 pl-2 border-left gb-map-lines"});
      box.appendChild(inner);
      rows(inner, lines.entity, lines.fields = lines.fields || {});
    });
  }
  draw();
  box.setAttribute("data-ready", "1");
})();

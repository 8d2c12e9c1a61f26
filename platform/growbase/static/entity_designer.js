// The entity designer: fields in a table, each field's settings in a panel (masks with
// presets and a box to try them, choices with colours, a requirement built from
// conditions), the same definition as JSON, and the history. The page keeps one
// definition object; the Fields and JSON tabs are two views of it.
(function () {
  "use strict";
  var d = gbDesign, el = d.el, say = gb.say, call = gb.call, config = gb.config, texts = d.texts, setText = d.setText;
  var LANGS = ["en", "ru"];
  var spec = null, savedSpec = null, version = null, name = config.name, selected = null;
  var renames = {};  // {field's saved name: {saved choice value: new value}}
  var origins = new WeakMap();  // option object -> its value when loaded
  var savedNames = {};  // field id -> name when loaded
  var sheetFile = null;  // a spreadsheet the new entity was guessed from: imported after saving
  var problems = document.getElementById("gb-problems");
  var editor = d.jsonEditor(document.getElementById("gb-json"));

  function load(body) {
    savedSpec = body.version ? JSON.parse(JSON.stringify(body.spec)) : null;
    spec = body.spec;
    version = body.version;
    savedNames = {};
    renames = {};
    spec.fields.forEach(function (f) {
      savedNames[f.id] = f.name;
      (f.options || []).forEach(function (o) { if (typeof o === "object") origins.set(o, o.value); });
    });
    selected = null;
    render();
    d.history(document.getElementById("gb-history"), "entities", name, rollBack);
  }

  // -- the entity's own settings --------------------------------------------------------------
  // Retiring an entity takes it out of menus and the API, with its data kept; saved
  // through the same review, and undone the same way.
  var retire = document.getElementById("gb-retire-entity");
  retire.addEventListener("click", function () {
    if (spec.retired) delete spec.retired; else spec.retired = true;
    submit({note: spec.retired ? "retired" : "restored"});
  });

  function renderHead() {
    retire.textContent = spec.retired ? say("restore_entity") : say("retire_entity");
    retire.className = "btn btn-sm mr-2 " + (spec.retired ? "btn-outline-success" : "btn-outline-danger");
    var head = document.getElementById("gb-entity-head");
    head.innerHTML = "";
    function input(labelText, value, oninput, attrs) {
      return el("div", {"class": "form-group col-md-2 mb-1"}, [
        el("label", {"class": "small mb-0", text: labelText}),
        el("input", Object.assign({"class": "form-control form-control-sm", value: value || "", oninput: oninput}, attrs || {}))]);
    }
    var row = el("div", {"class": "form-row"});
    row.appendChild(input(say("entity_name"), spec.entity, function (e) { spec.entity = e.target.value.trim(); },
      {id: "gb-entity-name", readonly: !!name, placeholder: "order"}));
    LANGS.forEach(function (lang) {
      row.appendChild(input(say("label") + " (" + lang + ")", texts(spec.label)[lang],
        function (e) { setText(spec, "label", lang, e.target.value); }, {id: "gb-entity-label-" + lang}));
      row.appendChild(input(say("plural") + " (" + lang + ")", texts(spec.plural)[lang],
        function (e) { setText(spec, "plural", lang, e.target.value); }));
    });
    row.appendChild(input(say("title_template"), spec.title, function (e) {
      if (e.target.value) spec.title = e.target.value; else delete spec.title; }, {placeholder: "{number} {customer}"}));
    head.appendChild(row);
  }

  // -- the fields table -----------------------------------------------------------------------
  function renderFields() {
    var body = document.getElementById("gb-fields");
    body.innerHTML = "";
    spec.fields.forEach(function (field, index) {
      var retired = !!field.retired;
      var row = el("tr", {"class": (retired ? "text-muted gb-retired " : "") + (index === selected ? "table-active" : ""),
                          "data-field": field.name, "data-index": index}, [
        el("td", {"class": "text-nowrap"}, [
          el("button", {type: "button", "class": "btn btn-sm btn-link p-0 mr-1", title: say("move_up"), text: "↑",
            onclick: function () { move(index, -1); }}),
          el("button", {type: "button", "class": "btn btn-sm btn-link p-0", title: say("move_down"), text: "↓",
            onclick: function () { move(index, 1); }})]),
        el("td", {}, [el("input", {"class": "form-control form-control-sm gb-field-label", value: texts(field.label).en || "",
          disabled: retired, placeholder: pretty(field.name), "aria-label": say("label") + " (en)", oninput: function (e) {
            var auto = !field.id && (!field.name || field.name === slug(texts(field.label).en || ""));
            setText(field, "label", "en", e.target.value);
            if (auto) { field.name = slug(e.target.value); row.querySelector(".gb-field-name").value = field.name; }
          }})]),
        el("td", {}, [el("input", {"class": "form-control form-control-sm gb-field-label-ru", value: texts(field.label).ru || "",
          disabled: retired, "aria-label": say("label") + " (ru)", oninput: function (e) { setText(field, "label", "ru", e.target.value); }})]),
        el("td", {}, [el("input", {"class": "form-control form-control-sm gb-field-name", value: field.name, disabled: retired,
          "aria-label": say("name"), oninput: function (e) { field.name = e.target.value.trim(); }})]),
        el("td", {}, [d.select(Object.keys(config.types).map(function (t) { return [t, say("type_" + t)]; }), field.type,
          {"class": "form-control form-control-sm gb-field-type", disabled: retired, "aria-label": say("type"),
           onchange: function (e) { field.type = e.target.value; selected = index; render(); }})]),
        el("td", {"class": "text-center"}, [el("input", {type: "checkbox", "class": "gb-field-required", checked: !!field.required,
          disabled: retired, "aria-label": say("required"), onchange: function (e) {
            if (e.target.checked) field.required = true; else delete field.required; }})]),
        el("td", {"class": "text-nowrap"}, retired ? [
          el("button", {type: "button", "class": "btn btn-sm btn-outline-success gb-restore", text: say("restore"),
            onclick: function () { delete field.retired; render(); }})] : [
          el("button", {type: "button", "class": "btn btn-sm btn-outline-primary mr-1 gb-field-edit", text: say("settings"),
            onclick: function () { selected = index; render(); }}),
          el("button", {type: "button", "class": "btn btn-sm btn-outline-danger gb-retire", text: field.id ? say("retire") : say("remove"),
            title: field.id ? say("retire_hint") : "", onclick: function () {
              if (field.id) field.retired = true; else spec.fields.splice(index, 1);
              selected = null; render(); }})])]);
      body.appendChild(row);
    });
  }

  function pretty(fieldName) {  // what the system shows when a field has no label
    var text = (fieldName || "").replace(/_/g, " ");
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  function slug(text) { return d.slug(text, 36); }

  function move(index, step) {
    var to = index + step;
    if (to < 0 || to >= spec.fields.length) return;
    var field = spec.fields.splice(index, 1)[0];
    spec.fields.splice(to, 0, field);
    if (selected === index) selected = to;
    render();
  }

  // The fields as the condition builder takes them (what a saved field's value can be
  // tested with is the server's word: a formula's result, a date kept by the system)
  function activeFields(except) {
    var saved = d.fieldsOf(spec.entity);
    return spec.fields.filter(function (f) { return !f.retired && f.name && f !== except; }).map(function (f) {
      var type = config.types[f.type] || {operators: ["eq"]};
      var known = saved.filter(function (s) { return s.name === f.name; })[0] || type;
      return {name: f.name, label: texts(f.label)[config.locale] || texts(f.label).en || f.name, operators: known.operators,
              users: type.users, dates: known.dates,
              options: type.choices ? (f.options || []).map(function (o) {
                return typeof o === "string" ? {value: o, label: {en: o}} : {value: o.value, label: texts(o.label)};
              }) : null};
    });
  }

  // -- one field's settings -------------------------------------------------------------------
  function renderPanel() {
    var panel = document.getElementById("gb-field-panel");
    panel.innerHTML = "";
    var field = selected === null ? null : spec.fields[selected];
    panel.hidden = !field;
    if (!field) return;
    var type = config.types[field.type] || {options: []};
    panel.appendChild(el("h5", {text: say("settings_of", {name: d.label(field.label) || field.name})}));
    var grid = el("div", {"class": "form-row"});
    function box(labelText, control, width) {
      grid.appendChild(el("div", {"class": "form-group mb-2 col-md-" + (width || 3)}, [
        el("label", {"class": "small mb-0", text: labelText}), control]));
    }
    function text(key, attrs) {
      return el("input", Object.assign({"class": "form-control form-control-sm gb-opt-" + key, value: field[key] === undefined ? "" : field[key],
        oninput: function (e) { if (e.target.value === "") delete field[key]; else field[key] = e.target.value; }}, attrs || {}));
    }
    function number(key) {
      return el("input", {"class": "form-control form-control-sm gb-opt-" + key, type: "number", step: "any",
        value: field[key] === undefined ? "" : field[key],
        oninput: function (e) { if (e.target.value === "") delete field[key]; else field[key] = Number(e.target.value); }});
    }
    function flag(key, labelText) {
      grid.appendChild(el("div", {"class": "col-md-2 pt-4"}, [el("div", {"class": "form-check"}, [
        el("input", {type: "checkbox", "class": "form-check-input gb-opt-" + key, id: "gb-opt-" + key, checked: !!field[key],
          onchange: function (e) { if (e.target.checked) field[key] = true; else delete field[key]; }}),
        el("label", {"class": "form-check-label", "for": "gb-opt-" + key, text: labelText})])]));
    }
    LANGS.forEach(function (lang) {
      box(say("help") + " (" + lang + ")", el("input", {"class": "form-control form-control-sm", value: texts(field.help)[lang] || "",
        oninput: function (e) { setText(field, "help", lang, e.target.value); }}), 4);
    });
    if (!type.automatic) {  // a formula or an autonumber is never typed
      box(say("default"), text("default"), 2); flag("unique", say("unique")); flag("read_only", say("read_only"));
    }
    (type.options || []).forEach(function (key) {
      if (key === "options" || key === "pattern_message") return;
      if (key === "formula" || key === "format") {
        box(say("opt_" + key), text(key, {placeholder: key === "format" ? "ORD-{00000}" : "{quantity} * {unit_price}", spellcheck: false}), key === "format" ? 3 : 6);
      } else if (key === "result") {
        box(say("opt_result"), d.select([["", say("result_auto")]].concat(["number", "integer", "money", "percent", "text", "date", "datetime", "boolean"]
          .map(function (r) { return [r, say("type_" + (r === "number" ? "decimal" : r))]; })), field.result,
          {"class": "form-control form-control-sm gb-opt-result", onchange: function (e) { if (e.target.value) field.result = e.target.value; else delete field.result; }}));
      } else if (key === "to") {
        box(say("links_to"), d.select([["", "—"]].concat(config.entities.map(function (e) { return [e.name, e.label]; })), field.to,
          {"class": "form-control form-control-sm gb-opt-to", onchange: function (e) { field.to = e.target.value; }}));
      } else if (key === "role") {
        box(say("opt_role"), d.select([["", "—"]].concat(config.roles), field.role,
          {onchange: function (e) { if (e.target.value) field.role = e.target.value; else delete field.role; }}));
      } else if (["min", "max", "min_length", "max_length", "scale"].indexOf(key) >= 0) {
        box(say("opt_" + key), number(key), 2);
      } else {
        box(say("opt_" + key), text(key, {placeholder: key === "pattern" ? "^ORD-\\d{5}$" : ""}), key === "pattern" ? 4 : 2);
      }
    });
    panel.appendChild(grid);
    if (type.masked) panel.appendChild(gbMaskBox(field, config.presets));
    if (type.choices) panel.appendChild(choicesBox(field));
    if (type.automatic) return;
    panel.appendChild(el("h6", {"class": "mt-2", text: say("required_when")}));
    var holder = el("div", {"class": "gb-required-when"});
    panel.appendChild(holder);
    var builder = d.conditionBuilder(holder, activeFields(field), field.required_when, function () {
      var value = builder.value();
      if (value) field.required_when = value; else delete field.required_when;
    });
  }

  function choicesBox(field) {
    var wrap = el("div", {"class": "gb-choices mt-2"}, [el("h6", {text: say("choices")})]);
    field.options = (field.options || []).map(function (o) {
      if (typeof o !== "string") return o;
      var made = {value: o};
      origins.set(made, o);
      return made;
    });
    var table = el("table", {"class": "table table-sm mb-1"});
    field.options.forEach(function (option, index) {
      table.appendChild(el("tr", {"class": "gb-choice"}, [
        el("td", {}, [el("input", {"class": "form-control form-control-sm gb-choice-value", value: option.value, "aria-label": say("value"),
          oninput: function (e) {
            option.value = e.target.value.trim();
            var origin = origins.get(option), saved = savedNames[field.id] || field.name;
            if (origin === undefined) return;
            renames[saved] = renames[saved] || {};
            if (origin === option.value) delete renames[saved][origin]; else renames[saved][origin] = option.value;
          }})]),
        el("td", {}, LANGS.map(function (lang) {
          return el("input", {"class": "form-control form-control-sm mb-1 gb-choice-label-" + lang, value: texts(option.label)[lang] || "",
            placeholder: say("label") + " (" + lang + ")", oninput: function (e) { setText(option, "label", lang, e.target.value); }});
        })),
        el("td", {}, [el("input", {type: "color", "class": "gb-choice-color", value: option.color || "#6c757d",
          "aria-label": say("colour"), oninput: function (e) { option.color = e.target.value; }})]),
        el("td", {}, [el("button", {type: "button", "class": "btn btn-sm btn-link text-danger", text: "✕", title: say("remove"),
          onclick: function () { field.options.splice(index, 1); renderPanel(); }})])]));
    });
    wrap.appendChild(table);
    wrap.appendChild(el("button", {type: "button", "class": "btn btn-sm btn-outline-secondary gb-choice-add", text: say("add_choice"),
      onclick: function () { field.options.push({value: "", label: {en: ""}}); renderPanel(); }}));
    return wrap;
  }

  // The form's sections and columns, kept apart from the fields; fields no section
  // names follow after the sections.
  function renderLayout() {
    var box = document.getElementById("gb-layout");
    box.innerHTML = "";
    var layout = spec.layout || [];
    function keep() { if (layout.length) spec.layout = layout; else delete spec.layout; }
    layout.forEach(function (section, index) {
      box.appendChild(el("div", {"class": "form-row align-items-start mb-2 gb-section-row"}, LANGS.map(function (lang) {
        return el("div", {"class": "col-md-2"}, [el("input", {"class": "form-control form-control-sm gb-section-title-" + lang,
          value: texts(section.section)[lang] || "", placeholder: say("section") + " (" + lang + ")",
          oninput: function (e) { setText(section, "section", lang, e.target.value); }})]);
      }).concat([
        el("div", {"class": "col-md-2"}, [d.select([[1, say("one_column")], [2, say("two_columns")], [3, say("three_columns")]],
          section.columns || 1, {"class": "form-control form-control-sm gb-section-columns", onchange: function (e) {
            section.columns = Number(e.target.value); }})]),
        el("div", {"class": "col-md-5"}, [el("select", {"class": "form-control form-control-sm gb-section-fields", multiple: true, size: 4,
          "aria-label": say("fields"), onchange: function (e) {
            section.fields = Array.prototype.filter.call(e.target.options, function (o) { return o.selected; })
              .map(function (o) { return o.value; });
          }}, activeFields().map(function (f) {
            return el("option", {value: f.name, text: f.label, selected: section.fields.indexOf(f.name) >= 0});
          }))]),
        el("div", {"class": "col-md-1"}, [el("button", {type: "button", "class": "btn btn-sm btn-link text-danger", text: "✕",
          title: say("remove"), onclick: function () { layout.splice(index, 1); keep(); renderLayout(); }})])])));
    });
    box.appendChild(el("button", {type: "button", "class": "btn btn-sm btn-outline-secondary", id: "gb-add-section",
      text: say("add_section"), onclick: function () {
        layout.push({section: {en: ""}, columns: 2, fields: []});
        keep();
        renderLayout();
      }}));
  }

  function render() {
    renderHead();
    renderFields();
    renderPanel();
    renderLayout();
    gbChecks(document.getElementById("gb-checks"), spec, activeFields(), activeFields().filter(function (f) { return f.users; })
      .map(function (f) { return [f.name, f.label]; }));
  }

  // -- JSON, saving, history ------------------------------------------------------------------
  var views = d.twoViews(editor, problems, function () { return spec; },
                         function (value) { spec = value; render(); });

  function refused(body) {
    views.refused(body);
    document.querySelectorAll("#gb-fields tr").forEach(function (row) { row.classList.remove("table-danger"); });
    Object.keys(body.errors || {}).forEach(function (path) {
      var match = /^\$\.fields\[(\d+)\]/.exec(path);
      var row = match && document.querySelector('#gb-fields tr[data-index="' + match[1] + '"]');
      if (row) row.classList.add("table-danger");
    });
  }

  function payload(extra) {
    var out = Object.assign({base_version: version, choice_renames: renames}, extra || {});
    if (views.json) out.text = editor.text(); else out.spec = spec;
    return out;
  }

  function done(body) {
    d.showProblems(problems, {});
    editor.clear();
    var fresh = !name;
    name = body.spec.entity;
    var state = document.getElementById("gb-save-state");
    state.textContent = say("saved_version", {v: body.version});
    if (fresh) {
      history.replaceState(null, "", "/admin/designer/entity/" + name);
      document.getElementById("gb-open-grid").href = "/admin/grid/" + name + "/";
      document.getElementById("gb-open-grid").hidden = false;
      document.getElementById("gb-title").textContent = name;
      retire.hidden = false;
      var sheetRow = document.getElementById("gb-sheet-row");
      if (sheetRow) sheetRow.hidden = true;
      if (sheetFile) importRows(name);
    }
    load(body);
    if (views.json) editor.set(spec);
  }

  function submit(extra) {
    var target = (views.json ? safeName() : spec.entity) || "";
    if (!target) { d.showProblems(problems, {"$.entity": say("name_first")}); return; }
    var url = "/api/designer/entities/" + encodeURIComponent(target);
    d.review({review: url + "/review", save: url, payload: payload(extra), before: savedSpec}, done, refused);
  }
  function safeName() { try { return editor.parsed().entity; } catch (e) { return spec.entity; } }

  document.getElementById("gb-save").addEventListener("click", function () { submit(); });

  function rollBack(old, v) {
    spec = old;
    if (views.json) editor.set(spec); else render();
    submit({note: "rollback to v" + v});
  }

  // -- a new entity from a spreadsheet --------------------------------------------------------
  var sheet = document.getElementById("gb-from-sheet");
  if (sheet) sheet.addEventListener("change", function () {
    var file = sheet.files[0];
    if (!file) return;
    var form = new FormData();
    form.append("file", file);
    fetch("/api/designer/guess", {method: "POST", body: form, credentials: "same-origin",
      headers: {"X-CSRFToken": JSON.parse(document.getElementById("gb-csrf").textContent)}})
      .then(function (r) { return r.json().then(function (b) { return {status: r.status, body: b}; }); })
      .then(function (answer) {
        if (answer.status !== 200) { d.showProblems(problems, answer.body.errors || {}); return; }
        var base = file.name.replace(/\.[^.]+$/, "");
        sheetFile = file;
        spec.entity = spec.entity || slug(base);
        if (!texts(spec.label).en) spec.label = {en: base};
        spec.fields = answer.body.fields.map(function (f) { return Object.assign({}, f, {label: {en: f.label}}); });
        document.getElementById("gb-sheet-note").textContent = say("guessed", {n: spec.fields.length, rows: answer.body.rows});
        render();
      });
  });

  function importRows(entity) {
    var form = new FormData();
    form.append("file", sheetFile);
    form.append("mode", "insert");
    fetch("/api/" + entity + "/import", {method: "POST", body: form, credentials: "same-origin",
      headers: {"X-CSRFToken": JSON.parse(document.getElementById("gb-csrf").textContent)}})
      .then(function (r) { return r.json(); })
      .then(function (job) {
        sheetFile = null;
        if (job.id) window.location.href = "/admin/transfer/job/" + job.id + "/";
      });
  }

  document.getElementById("gb-add-field").addEventListener("click", function () {
    spec.fields.push({name: "", type: "text", label: {en: ""}});
    selected = spec.fields.length - 1;
    render();
    var inputs = document.querySelectorAll("#gb-fields .gb-field-label");
    inputs[inputs.length - 1].focus();
  });

  if (name) {
    call("GET", "/api/designer/entities/" + encodeURIComponent(name)).then(function (answer) { load(answer.body); });
  } else {
    load({spec: {entity: "", label: {en: ""}, fields: [{name: "name", type: "text", required: true,
      label: {en: "Name", ru: "Название"}}]}, version: 0});
  }
})();

// The automation designer: when (a trigger) / if (conditions) / then (actions), each
// built with pickers from the entity's own fields, stages, roles and users; message
// texts with the record's fields offered as placeholders; "try on a record" shows what
// would happen and sends nothing. The same rule as JSON, and its history.
(function () {
  "use strict";
  var d = gbDesign, el = d.el, say = gb.say, call = gb.call, config = gb.config;
  var spec = null, version = null, key = config.key, lastText = null, builder = null;
  var problems = document.getElementById("gb-problems");
  var editor = d.jsonEditor(document.getElementById("gb-json"));
  var UNITS = [["m", say("unit_m")], ["h", say("unit_h")], ["d", say("unit_d")], ["w", say("unit_w")]];
  var CRON = [["0 9 * * 1-5", say("cron_weekdays")], ["0 9 * * *", say("cron_daily")], ["0 9 * * 1", say("cron_monday")]];

  function fields() { return d.fieldsOf(spec.entity); }
  function fieldNamed(name) { return fields().filter(function (f) { return f.name === name; })[0]; }
  function fieldChoices(filter) {
    return [["", "—"]].concat(fields().filter(filter || function () { return true; }).map(function (f) { return [f.name, f.label]; }));
  }

  function load(body) {
    spec = body.spec;
    version = body.version;
    render();
    d.history(document.getElementById("gb-history"), "rules", key, rollBack);
  }

  function row(labelText, control, width) {
    return el("div", {"class": "form-group mb-2 col-md-" + (width || 3)}, [el("label", {"class": "small mb-0", text: labelText}), control]);
  }

  function renderHead() {
    var head = document.getElementById("gb-rule-head");
    head.innerHTML = "";
    head.appendChild(el("div", {"class": "form-row"}, [
      row(say("rule_name"), el("input", {"class": "form-control form-control-sm", id: "gb-rule-name", value: nameText(),
        oninput: function (e) {  // a name in two languages keeps the other one
          if (spec.name && typeof spec.name === "object") spec.name[config.locale] = e.target.value; else spec.name = e.target.value;
          if (!key) { spec.key = d.slug(e.target.value) || "rule_" + Date.now().toString(36); document.getElementById("gb-rule-key").value = spec.key; }
        }}), 4),
      row(say("rule_key"), el("input", {"class": "form-control form-control-sm", id: "gb-rule-key", value: spec.key || "",
        readonly: !!key, oninput: function (e) { spec.key = e.target.value.trim(); }}), 2),
      row(say("entity"), d.select([["", "—"]].concat(config.entities.map(function (e) { return [e.name, e.label]; })), spec.entity,
        {id: "gb-rule-entity", onchange: function (e) { spec.entity = e.target.value; render(); }}), 2),
      row(say("message_language"), d.select([["en", "English"], ["ru", "Русский"]], spec.locale || "en",
        {onchange: function (e) { spec.locale = e.target.value; }}), 2),
      el("div", {"class": "col-md-2 pt-3"}, [
        el("div", {"class": "form-check"}, [el("input", {type: "checkbox", "class": "form-check-input", id: "gb-rule-enabled",
          checked: spec.enabled !== false, onchange: function (e) { spec.enabled = e.target.checked; }}),
          el("label", {"class": "form-check-label", "for": "gb-rule-enabled", text: say("enabled")})]),
        el("div", {"class": "form-check"}, [el("input", {type: "checkbox", "class": "form-check-input", id: "gb-rule-silent",
          checked: !!spec.silent, onchange: function (e) { if (e.target.checked) spec.silent = true; else delete spec.silent; }}),
          el("label", {"class": "form-check-label", "for": "gb-rule-silent", text: say("silent"), title: say("silent_hint")})])])]));
  }

  function nameText() {
    return spec.name && typeof spec.name === "object" ? spec.name[config.locale] || spec.name.en || "" : spec.name || "";
  }

  // -- when -----------------------------------------------------------------------------------
  function renderWhen() {
    var box = document.getElementById("gb-when");
    box.innerHTML = "";
    var trigger = Object.keys(spec.when || {})[0] || "created";
    var params = (spec.when || {})[trigger] || {};
    spec.when = {};
    spec.when[trigger] = params;
    var line = el("div", {"class": "form-row"});
    line.appendChild(row(say("trigger"), d.select(config.triggers.map(function (t) { return [t, say("trigger_" + t)]; }), trigger,
      {id: "gb-trigger", onchange: function (e) { spec.when = {}; spec.when[e.target.value] = {}; renderWhen(); }})));
    function set(name, value) { if (value === "" || value === undefined) delete params[name]; else params[name] = value; }
    if (trigger === "status_changed" || trigger === "field_changed") {
      var watched = params.field ? fieldNamed(params.field) :
        fields().filter(function (f) { return trigger === "status_changed" && f.stages; })[0];
      line.appendChild(row(say("field"), d.select(fieldChoices(trigger === "status_changed" ? function (f) { return f.stages; } : null),
        params.field || "", {id: "gb-when-field", onchange: function (e) { set("field", e.target.value); renderWhen(); }})));
      ["from", "to"].forEach(function (end) {
        var control = watched && watched.options ?
          d.select([["", say("any_value")]].concat(watched.options.map(function (o) { return [o.value, d.label(o.label)]; })), params[end],
            {id: "gb-when-" + end, onchange: function (e) { set(end, e.target.value); }}) :
          el("input", {"class": "form-control form-control-sm", id: "gb-when-" + end, value: params[end] || "",
            oninput: function (e) { set(end, e.target.value); }});
        line.appendChild(row(say("when_" + end), control));
      });
    } else if (trigger === "updated") {
      line.appendChild(row(say("only_fields"), el("select", {"class": "form-control form-control-sm", multiple: true, size: 4,
        onchange: function (e) {
          var chosen = Array.prototype.filter.call(e.target.options, function (o) { return o.selected; }).map(function (o) { return o.value; });
          set("fields", chosen.length ? chosen : undefined);
        }}, fields().map(function (f) {
          return el("option", {value: f.name, text: f.label, selected: (params.fields || []).indexOf(f.name) >= 0});
        })), 4));
    } else if (trigger === "time") {
      var side = "before" in params ? "before" : "after";
      var span = /^(\d+)\s*(m|min|h|d|w)$/.exec(params[side] || "1d") || [null, "1", "d"];
      line.appendChild(row(say("date_field"), d.select(fieldChoices(function (f) { return f.dates; }), params.field,
        {id: "gb-time-field", onchange: function (e) { set("field", e.target.value); }})));
      var amount = el("input", {"class": "form-control form-control-sm", type: "number", min: 0, id: "gb-time-amount", value: span[1]});
      var unit = d.select(UNITS, span[2] === "min" ? "m" : span[2], {id: "gb-time-unit"});
      var which = d.select([["before", say("before")], ["after", say("after")]], side, {id: "gb-time-side"});
      function update() {
        delete params.before; delete params.after;
        params[which.value] = (amount.value || "0") + unit.value;
      }
      [amount, unit, which].forEach(function (c) { c.addEventListener("change", update); c.addEventListener("input", update); });
      update();
      line.appendChild(row(say("how_long"), el("div", {"class": "d-flex"}, [amount, unit, which])));
      line.appendChild(row(say("at_time"), el("input", {"class": "form-control form-control-sm", placeholder: "09:00", value: params.at_time || "",
        oninput: function (e) { set("at_time", e.target.value); }}), 2));
    } else if (trigger === "schedule") {
      var cron = el("input", {"class": "form-control form-control-sm", id: "gb-cron", value: params.cron || "0 9 * * 1-5",
        oninput: function (e) { set("cron", e.target.value); }});
      set("cron", cron.value);
      line.appendChild(row(say("schedule"), el("div", {}, [cron, d.select([["", say("pick_schedule")]].concat(CRON), "",
        {onchange: function (e) { if (e.target.value) { cron.value = e.target.value; set("cron", e.target.value); } }})])));
      line.appendChild(row(say("per"), d.select(fieldChoices(), params.per, {onchange: function (e) { set("per", e.target.value); }})));
    }
    box.appendChild(line);
  }

  // -- then -----------------------------------------------------------------------------------
  var TEMPLATE_KEYS = ["text", "to", "subject", "html", "title"];
  var ORDER = ["role", "username", "on", "where", "field", "value", "to", "subject", "title", "text", "html", "url",
               "assign_role", "assign_by", "assign_field", "due_in", "fields"];
  function rank(prop) { var at = ORDER.indexOf(prop); return at < 0 ? ORDER.length : at; }

  // A role's or a choice's name in words ("role_logistics", "enum_least_loaded"), else as written.
  function word(value) {
    var named = ["role_", "enum_"].map(function (p) { return say(p + value); }).filter(function (t, i) {
      return t !== ["role_", "enum_"][i] + value; })[0];
    return named || value;
  }

  // create_task's "fields": rows of a task field and its value (a choice picked by name),
  // not a JSON box.
  function taskFields(params, set) {
    var box = el("div", {"class": "gb-task-fields"}), taskFieldsAll = d.fieldsOf("task").filter(function (f) {
      return ["title", "assignee", "due"].indexOf(f.name) < 0; });
    var pairs = Object.keys(params.fields || {}).map(function (k) { return [k, params.fields[k]]; });
    function save() {
      var kept = {};
      pairs.forEach(function (p) { if (p[0]) kept[p[0]] = p[1]; });
      set("fields", Object.keys(kept).length ? kept : undefined);
    }
    function render() {
      box.innerHTML = "";
      pairs.forEach(function (pair, i) {
        var field = taskFieldsAll.filter(function (f) { return f.name === pair[0]; })[0];
        var value = d.valuePicker(field, pair[1], function (v) { pair[1] = v; save(); }, "gb-task-value");
        box.appendChild(el("div", {"class": "form-inline mb-1"}, [
          d.select([["", "—"]].concat(taskFieldsAll.map(function (f) { return [f.name, f.label]; })), pair[0],
            {"class": "form-control form-control-sm mr-1 gb-task-field", onchange: function (e) { pair[0] = e.target.value; pair[1] = ""; render(); save(); }}),
          value,
          el("button", {type: "button", "class": "btn btn-sm btn-link text-danger", text: "✕", title: say("remove"),
            onclick: function () { pairs.splice(i, 1); render(); save(); }})]));
      });
      box.appendChild(el("button", {type: "button", "class": "btn btn-sm btn-outline-secondary gb-task-add", text: say("add_task_field"),
        onclick: function () { pairs.push(["", ""]); render(); }}));
    }
    render();
    return box;
  }

  function actionCard(item, index) {
    var name = Object.keys(item)[0], params = item[name], schema = config.actions[name] || {properties: {}};
    var card = el("div", {"class": "card mb-2 gb-action", "data-action": name}, [
      el("div", {"class": "card-header py-1 d-flex"}, [el("strong", {text: say("action_" + name)}),
        el("button", {type: "button", "class": "btn btn-sm btn-link text-danger ml-auto", text: say("remove"),
          onclick: function () { spec.then.splice(index, 1); renderThen(); }})])]);
    var body = el("div", {"class": "card-body py-2 form-row"});
    function set(key, value) { if (value === "" || value === undefined) delete params[key]; else params[key] = value; }
    if (name === "update_field") {  // where, which field, the value: picked (set_field_action.js)
      body.appendChild(d.setFieldAction(params, set, spec.entity, row));
      card.appendChild(body);
      return card;
    }
    Object.keys(schema.properties).sort(function (a, b) { return rank(a) - rank(b); }).forEach(function (prop) {
      var control, width = 3;
      var roles = ["role", "assign_role"].indexOf(prop) >= 0;
      if (roles || (schema.properties[prop].enum && !roles)) {
        var values = roles ? config.roles : schema.properties[prop].enum;
        control = d.select([["", "—"]].concat(values.map(function (v) { return [v, word(v)]; })), params[prop],
          {onchange: function (e) { set(prop, e.target.value); }});
      } else if (prop === "fields" && name === "create_task") {  // the task's own fields, picked
        control = taskFields(params, set);
        width = 12;
      } else if (prop === "username") {
        control = d.select([["", "—"]].concat(config.users), params.username, {onchange: function (e) { set("username", e.target.value); }});
      } else if (prop === "field" || prop === "assign_field") {
        var filter = name === "notify_user" || prop === "assign_field" ? function (f) { return f.users; } : null;
        control = d.select(fieldChoices(filter), params[prop], {"class": "form-control form-control-sm gb-action-field",
          onchange: function (e) { set(prop, e.target.value); }});
      } else if (TEMPLATE_KEYS.indexOf(prop) >= 0) {
        width = prop === "text" || prop === "html" ? 12 : 6;
        control = el(prop === "text" || prop === "html" ? "textarea" : "input", {"class": "form-control form-control-sm gb-template gb-action-" + prop,
          rows: 3, value: params[prop] || "", onfocus: function (e) { lastText = e.target; },
          oninput: function (e) { set(prop, e.target.value); }});
        if (control.tagName === "TEXTAREA") control.value = params[prop] || "";
      } else if (schema.properties[prop].type === "object" || prop === "value") {
        control = el("input", {"class": "form-control form-control-sm gb-action-" + prop,
          value: params[prop] === undefined ? "" : (typeof params[prop] === "string" ? params[prop] : JSON.stringify(params[prop])),
          placeholder: prop === "value" ? "done" : "{...}", oninput: function (e) {
            var text = e.target.value.trim();
            if (/^[\[{]/.test(text)) { try { set(prop, JSON.parse(text)); return; } catch (err) { /* kept as typed */ } }
            set(prop, text);
          }});
      } else {
        control = el("input", {"class": "form-control form-control-sm gb-action-" + prop, value: params[prop] || "",
          oninput: function (e) { set(prop, e.target.value); }});
      }
      body.appendChild(row(say("param_" + prop) === "param_" + prop ? prop : say("param_" + prop), control, width));
    });
    card.appendChild(body);
    return card;
  }

  function renderThen() {
    var box = document.getElementById("gb-then");
    box.innerHTML = "";
    spec.then = spec.then || [];
    spec.then.forEach(function (item, index) { box.appendChild(actionCard(item, index)); });
    box.appendChild(el("div", {"class": "form-inline"}, [d.select([["", say("add_action")]].concat(Object.keys(config.actions).map(function (a) {
      return [a, say("action_" + a)]; })), "", {id: "gb-add-action", onchange: function (e) {
        if (!e.target.value) return;
        var item = {};
        item[e.target.value] = {};
        spec.then.push(item);
        renderThen();
      }})]));
  }

  // The record's fields as placeholders: a click puts {{ record.x }} where the cursor is.
  function renderPlaceholders() {
    var box = document.getElementById("gb-placeholders");
    box.innerHTML = "";
    var names = [];
    fields().forEach(function (f) {
      names.push(["record." + f.name, f.label]);
      if (f.to) d.fieldsOf(f.to).forEach(function (g) { names.push(["record." + f.name + "." + g.name, f.label + " → " + g.label]); });
    });
    names.forEach(function (pair) {
      box.appendChild(el("button", {type: "button", "class": "btn btn-sm btn-outline-info mr-1 mb-1 gb-placeholder",
        "data-placeholder": pair[0], text: pair[1], onmousedown: function (e) { e.preventDefault(); }, onclick: function () {
          var target = lastText;
          if (!target) return;
          var text = "{{ " + pair[0] + " }}", start = target.selectionStart || target.value.length;
          target.value = target.value.slice(0, start) + text + target.value.slice(target.selectionEnd || start);
          target.dispatchEvent(new Event("input"));
          target.focus();
        }}));
    });
  }

  function render() {
    renderHead();
    renderWhen();
    var holder = document.getElementById("gb-if");
    builder = d.conditionBuilder(holder, fields(), spec["if"], function () {
      var value = builder.value();
      if (value) spec["if"] = value; else delete spec["if"];
    });
    renderThen();
    renderPlaceholders();
    listRecords();
    var log = document.getElementById("gb-run-log");
    log.hidden = !key;
    if (key) log.href = "/admin/runs/?rule=" + encodeURIComponent(key);
  }

  // -- try, JSON, save ------------------------------------------------------------------------
  // The entity's records to try on, by title (newest first, then as typed); once one is
  // chosen the preview follows each edit. A record's number works too.
  var titled = {}, asked = null;
  function listRecords(text) {
    if (!spec.entity || asked === spec.entity + ":" + (text || "")) return;
    asked = spec.entity + ":" + (text || "");
    call("GET", "/api/designer/entities/" + encodeURIComponent(spec.entity) + "/records?q=" + encodeURIComponent(text || ""))
      .then(function (answer) {
        var list = document.getElementById("gb-try-records");
        list.innerHTML = "";
        (answer.body.items || []).forEach(function (item) {
          titled[item.title] = item.id;
          list.appendChild(el("option", {value: item.title}));
        });
      });
  }
  function chosen() {
    var text = document.getElementById("gb-try-record").value.trim();
    return titled[text] || (/^#?\d+$/.test(text) ? parseInt(text.replace("#", ""), 10) : null);
  }
  document.getElementById("gb-try-record").addEventListener("input", function (e) {
    if (!chosen()) listRecords(e.target.value.trim());
  });
  var pending = null;
  document.getElementById("gb-tab-main").addEventListener("input", later);
  document.getElementById("gb-tab-main").addEventListener("change", later);
  function later(e) {
    if (e.target.id === "gb-try-record" || !chosen()) return;
    clearTimeout(pending);
    pending = setTimeout(tryIt, 700);
  }

  document.getElementById("gb-try").addEventListener("click", tryIt);
  function tryIt() {
    var out = document.getElementById("gb-try-out");
    var id = chosen();
    if (!id) { out.textContent = say("try_pick"); return; }
    var target = (spec.key || "draft");
    call("POST", "/api/designer/rules/" + encodeURIComponent(target) + "/try", {spec: current(), record_id: id}).then(function (answer) {
      out.innerHTML = "";
      if (answer.status !== 200) { d.showProblems(problems, answer.body.errors || {}); return; }
      d.showProblems(problems, {});
      var body = answer.body;
      out.appendChild(el("div", {"class": body.matches ? "badge badge-success" : "badge badge-secondary",
        text: body.matches ? say("matches") : say("no_match")}));
      out.appendChild(el("ul", {"class": "mb-0 gb-try-steps"}, body.actions.map(function (step) {
        return el("li", {}, [el("strong", {text: say("action_" + step.action)}), ": ",
          step.error ? el("span", {"class": "text-danger", text: step.error}) : step.would]);
      })));
    });
  }

  var views = d.twoViews(editor, problems, function () { return spec; },
                         function (value) { spec = value; render(); });
  function current() { return views.json ? editor.parsed() : spec; }

  function submit(extra) {
    var target;
    try { target = current().key; } catch (e) { target = spec.key; }
    if (!target) { d.showProblems(problems, {"$.key": say("name_first")}); return; }
    var url = "/api/designer/rules/" + encodeURIComponent(target);
    var payload = Object.assign({base_version: version}, extra || {});
    if (views.json) payload.text = editor.text(); else payload.spec = spec;
    d.review({review: url + "/review", save: url, payload: payload}, function (body) {
      d.showProblems(problems, {});
      editor.clear();
      if (!key) { key = target; window.history.replaceState(null, "", "/admin/designer/rule/" + key); }
      document.getElementById("gb-save-state").textContent = say("saved_version", {v: body.version});
      load({spec: body.spec, version: body.version});
      if (views.json) editor.set(spec);
    }, views.refused);
  }
  document.getElementById("gb-save").addEventListener("click", function () { submit(); });

  function rollBack(old, v) {
    spec = old;
    if (views.json) editor.set(spec); else render();
    submit({note: "rollback to v" + v});
  }

  if (key) {
    call("GET", "/api/automations/" + encodeURIComponent(key)).then(function (answer) {
      var body = answer.body, v = body.version;
      delete body.version;
      load({spec: body, version: v});
    });
  } else {
    var first = config.entities[0] ? config.entities[0].name : "";
    load({spec: {key: "", name: "", entity: first, when: {created: {}}, then: []}, version: 0});
  }
})();

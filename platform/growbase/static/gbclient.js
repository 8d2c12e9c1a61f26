// What the grid, the kanban and the designer share: the page's settings, JSON calls with the
// CSRF token, values shown in the user's locale, the watch for colleagues' changes, and the
// one DOM helper (el) and modal.
(function () {
  "use strict";
  function readJSON(id) { return JSON.parse(document.getElementById(id).textContent); }
  var config = readJSON("gb-config");
  var texts = readJSON("gb-texts");
  var csrf = readJSON("gb-csrf");
  var byName = {};
  config.fields.forEach(function (f) { byName[f.name] = f; });

  var plurals = new Intl.PluralRules(config.locale);

  // A text in the user's language; a counted one ({one, few, many, other}, i18n.plural_forms)
  // takes the form its {n} needs: "1 ячейка", "2 ячейки", "5 ячеек".
  function say(key, params) {
    var text = texts[key] || key;
    if (typeof text === "object") {  // (count: the number when n is shown formatted, "1 234")
      text = text[plurals.select(Number(params.count !== undefined ? params.count : params.n))] || text.other;
    }
    return text.replace(/\{(\w+)\}/g, function (m, name) {
      return params && name in params ? params[name] : m;
    });
  }

  // -> Promise of {status, body}; status 0 when the network is down.
  function call(method, url, data) {
    return fetch(url, {
      method: method, credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf,
                "X-Growbase-Client": document.getElementById("gb-board") ? "kanban" : "grid"},
      body: data === undefined ? undefined : JSON.stringify(data)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        return {status: response.status, body: body, event: response.headers.get("X-Growbase-Event")};
      });
    }, function () { return {status: 0, body: {}}; });
  }

  // Files sent to POST /api/files for an entity's file field -> Promise of {status, body}.
  function upload(entity, field, files) {
    var form = new FormData();
    form.append("entity", entity);
    form.append("field", field);
    Array.prototype.forEach.call(files, function (file) { form.append("file", file, file.name); });
    return fetch("/api/files", {method: "POST", credentials: "same-origin", body: form,
                                headers: {"Accept": "application/json", "X-CSRFToken": csrf}})
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          return {status: response.status, body: body};
        });
      }, function () { return {status: 0, body: {}}; });
  }

  function option(field, value) {
    return (field.options || []).filter(function (o) { return o.value === value; })[0];
  }
  function label(labels) {
    return labels[config.locale] || labels.en || Object.values(labels)[0] || "";
  }
  var numberFormats = {};
  function numberFormat(field) {
    var key = field.name;
    if (!numberFormats[key]) {
      var scale = field.scale === undefined ? 2 : field.scale;
      var opts = {minimumFractionDigits: scale, maximumFractionDigits: scale};
      if (field.currency) { opts.style = "currency"; opts.currency = field.currency; opts.currencyDisplay = "narrowSymbol"; }
      numberFormats[key] = new Intl.NumberFormat(config.locale, opts);
    }
    return numberFormats[key];
  }
  var dateFormat = new Intl.DateTimeFormat(config.locale, {dateStyle: "short"});
  var dateTimeFormat = new Intl.DateTimeFormat(config.locale, {dateStyle: "short", timeStyle: "short"});

  // The text a person reads for a value as the API gives it (typed text is shown as typed);
  // the field's type says how (`shown_as`, from its client spec).
  function show(field, value) {
    if (value === null || value === undefined || value === "") return "";
    switch (field.shown_as) {
      case "number": case "percent":
        var number = Number(value);
        if (typeof value === "string" && !/^-?\d+(\.\d+)?$/.test(value)) return value;
        return numberFormat(field).format(number) + (field.shown_as === "percent" ? " %" : "");
      case "date":
        var d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
        return d ? dateFormat.format(new Date(+d[1], d[2] - 1, +d[3])) : String(value);
      case "datetime":
        var t = new Date(value);
        return isNaN(t) ? String(value) : dateTimeFormat.format(t);
      case "yes_no":
        return value === true ? say("yes") : value === false ? say("no") : String(value);
      case "option":
        var o = option(field, value);
        return o ? label(o.label) : String(value);
      case "options":
        return (Array.isArray(value) ? value : [value]).map(function (v) {
          var o = option(field, v); return o ? label(o.label) : v;
        }).join(", ");
      case "files":
        return (Array.isArray(value) ? value : []).map(function (f) { return f.name; }).join(", ");
      case "title":
        return typeof value === "object" ? value.title : typeof value === "number" ? "#" + value : String(value);
      default:
        return field.mask ? masked(field.mask, String(value)) : String(value);
    }
  }

  // A stored value as its mask writes it (+79123456789 -> +7 (912) 345-67-89), where it fits.
  function masked(mask, text) {
    if (!window.IMask) return text;
    var shown = IMask.pipe(text, {mask: mask});
    return shown.replace(/\D/g, "") === text.replace(/\D/g, "") ? shown : text;
  }

  // What to send for a cell: links by number, the rest as the cell holds it (the server
  // parses typed text in the user's locale, as a form would).
  function toServer(field, value) {
    if (value && typeof value === "object" && "id" in value) return value.id;
    if (value === "") return null;
    return value;
  }

  // Polls for rows colleagues saved: onChange(records, deleted, created) every few seconds.
  function watch(entity, visibleIds, onChange, every) {
    var cursor = null;
    function tick() {
      var url = "/api/" + entity + "/changes" + (cursor ? "?after=" + cursor + "&ids=" + visibleIds().join(",") : "");
      call("GET", url).then(function (r) {
        if (r.status === 200) {
          if (cursor && (r.body.records.length || r.body.deleted.length || r.body.created)) {
            onChange(r.body.records, r.body.deleted, r.body.created);
          }
          cursor = r.body.cursor;
        }
        setTimeout(tick, every || 3000);
      });
    }
    tick();
  }

  function escape(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  // A server's {field: message} as a person reads it: "Courier: Fill this in; …".
  function errorsText(errors) {
    return Object.keys(errors || {}).map(function (name) {
      return (byName[name] ? byName[name].label + ": " : "") + errors[name];
    }).join("; ");
  }

  // One element: attrs "text", "class", on<event> handlers, value, checked/selected/multiple
  // (set when true), the rest as attributes; children are nodes or strings.
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === undefined || value === null || value === false) return;
      if (key === "text") node.textContent = value;
      else if (key === "class") node.className = value;
      else if (key.slice(0, 2) === "on") node.addEventListener(key.slice(2), value);
      else if (key === "value") node.value = value;
      else if (key === "checked" || key === "selected" || key === "multiple") node[key] = true;
      else node.setAttribute(key, value === true ? "" : value);
    });
    (children || []).forEach(function (child) {
      if (child !== null && child !== undefined) {
        node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
      }
    });
    return node;
  }

  // The page's Bootstrap modal (#gb-modal); a button's action may return a message (or a
  // promise of one) to keep it open saying that.
  function modal(title, body, buttons) {
    document.getElementById("gb-modal-title").textContent = title;
    var box = document.getElementById("gb-modal-body"), bar = document.getElementById("gb-modal-buttons");
    box.innerHTML = "";
    body.forEach(function (part) { box.appendChild(typeof part === "string" ? el("p", {text: part}) : part); });
    var problem = el("div", {"class": "text-danger small"});
    box.appendChild(problem);
    bar.innerHTML = "";
    buttons.concat([{text: say("cancel"), id: "gb-modal-cancel"}]).forEach(function (b) {
      bar.appendChild(el("button", {type: "button", id: b.id, text: b.text,
        "class": "btn " + (b.primary ? "btn-primary" : "btn-outline-secondary"), onclick: function () {
          Promise.resolve(b.action ? b.action() : null).then(function (message) {
            if (message) { problem.textContent = message; } else { window.jQuery("#gb-modal").modal("hide"); }
          });
        }}));
    });
    window.jQuery("#gb-modal").modal("show");
  }

  // A record's title as the entity's title template writes it (a card, a calendar entry)
  function recordTitle(record) {
    var text = config.title.replace(/\{(\w+)\}/g, function (m, name) {
      return byName[name] ? show(byName[name], record[name]) : m;
    }).trim();
    return text || "#" + record.id;
  }

  window.gb = {config: config, texts: texts, recordTitle: recordTitle, byName: byName, say: say, call: call, upload: upload, show: show, option: option,
               label: label, toServer: toServer, watch: watch, escape: escape, errorsText: errorsText,
               el: el, modal: modal};
})();

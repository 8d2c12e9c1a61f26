// The staff grid: Tabulator over the JSON API. Pages, sort and filters run on the server;
// edits and pastes queue per row and go out in batches (api_grid.save_rows), so every
// saved row passes the record service and raises its automations. A refused cell turns
// red with the server's message; edits that could not be sent are kept (also across a
// reload) and retried; a row a colleague changed meanwhile asks "keep theirs / keep mine".
(function () {
  "use strict";
  var cfg = gb.config, say = gb.say, api = "/api/" + cfg.entity;
  var storeKey = "gb-pending:" + cfg.entity + ":" + cfg.user_id;
  var pending = {};   // row key -> {id, version, data: {field: value}, before: {}, held}
  var marks = {};     // row key -> {field: message} of cells the server refused
  var undoStack = [];
  var groupTotals = {};
  var state = {filters: [], extra: null, q: "", group: "", sort: "", viewId: null};
  var views = [], layout = null, newRows = 0, quiet = false, undoing = false, totalExact = true, table;
  var pasting = null;  // the id of the paste being applied: its rows are saved as one

  // -- columns ------------------------------------------------------------------------------
  function keyOf(row) { return String(row.getData().id); }

  // Refused cells red with the message on hover, unsent ones marked as waiting.
  function mark(cell) {
    var el = cell.getElement(), key = keyOf(cell.getRow()), name = cell.getField();
    var refused = (marks[key] || {})[name];
    el.classList.toggle("gb-cell-error", !!refused);
    el.classList.toggle("gb-cell-pending", !!(pending[key] && name in pending[key].data));
    el.title = refused || "";
  }

  function paint(row) {  // without re-rendering: an editor may be open in the row
    row.getCells().forEach(function (cell) { if (cell.getField()) mark(cell); });
  }

  // Update a row with what the server says, except the cell being typed in.
  function refresh(row, record) {
    var open = editing(), data = Object.assign({}, withPending(record));
    if (open && open.row === row._row) delete data[open.column.getField()];
    Object.keys(marks[keyOf(row)] || {}).forEach(function (f) { delete data[f]; });  // keep what was typed
    quiet = true;
    row.update(data);
    quiet = false;
    paint(row);
  }

  function formatter(field) {
    return function (cell) {
      mark(cell);
      var value = cell.getValue();
      return badge(field, value, gb.show(field, value));
    };
  }

  // A stage or choice in its colour (the list editor's items and the cells alike), escaped.
  function badge(field, value, text) {
    var option = field.options && gb.option(field, value);
    if (option && /^#[0-9a-fA-F]{3,8}$/.test(option.color || "")) {
      return '<span class="gb-badge" style="background:' + option.color + '">' + gb.escape(text) + "</span>";
    }
    return gb.escape(text);
  }

  // A text input for one cell: typed text goes to the server as typed (it parses numbers
  // in the user's locale); a field with a mask gets IMask, as in the forms.
  function textEditor(cell, onRendered, success, cancel, params) {
    var input = document.createElement("input");
    input.className = "gb-cell-input";
    var value = cell.getValue();
    input.value = value === null || value === undefined ? "" : params.edit ? params.edit(value) : value;
    var mask = params.mask && window.IMask ? IMask(input, window.gbMaskOptions(params.mask)) : null;
    input.gbMask = mask;
    var done = false;
    function finish() { if (!done) { done = true; success(mask && !mask.unmaskedValue ? "" : input.value); } }
    input.addEventListener("blur", finish);
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { finish(); }
      if (e.key === "Escape") { done = true; cancel(); }
    });
    onRendered(function () { input.focus(); if (!input.gbTyped) input.select(); });
    return input;
  }

  function decimalPoint() { return (1.5).toLocaleString(cfg.locale).charAt(1); }

  function editorFor(field) {  // the field's type names its editor (`editor`, client spec)
    if (field.read_only) return false;
    switch (field.editor) {
      case "date": return ["date", {}];
      case "datetime": return ["datetime", {}];
      case "tick": return ["tickCross", {tristate: false}];
      case "long_text": return ["textarea", {}];
      case "choose":
        return ["list", {values: field.options.map(function (o) { return {label: gb.label(o.label), value: o.value}; }),
                         autocomplete: true, allowEmpty: true, listOnEmpty: true, clearable: true,
                         multiselect: false, itemFormatter: function (label, value) { return badge(field, value, label); }}];
      case "lookup":
        return ["list", {autocomplete: true, filterRemote: true, filterDelay: 200, listOnEmpty: true, allowEmpty: true,
                         itemFormatter: gb.escape,
                         valuesLookup: function (cell, term) {
                           return gb.call("GET", api + "/lookup/" + field.name + "?q=" + encodeURIComponent(term || ""))
                             .then(function (r) { return (r.body.items || []).map(function (i) { return {label: i.title, value: i}; }); });
                         }}];
      case "number":
        var point = decimalPoint();
        return [textEditor, {edit: function (v) { return String(v).replace(".", point); }}];
      default:
        return [textEditor, {mask: field.mask}];
    }
  }

  function buildColumns(settings) {
    var order = (settings || []).map(function (c) { return c.field; });
    var fields = cfg.fields.filter(function (f) { return !f.hidden; }).slice();
    fields.sort(function (a, b) {
      var i = order.indexOf(a.name), j = order.indexOf(b.name);
      return (i < 0 ? 1e6 : i) - (j < 0 ? 1e6 : j);
    });
    return fields.map(function (field) {
      var saved = (settings || []).filter(function (c) { return c.field === field.name; })[0] || {};
      var editor = editorFor(field);
      var numeric = field.editor === "number";
      return {title: gb.escape(field.label), field: field.name, formatter: formatter(field), headerSort: field.sortable,
              editor: editor ? editor[0] : false, editorParams: editor ? editor[1] : {},
              frozen: field.name === cfg.title_field, hozAlign: numeric ? "right" : "left",
              width: saved.width || undefined, visible: saved.visible !== false,
              cssClass: field.read_only ? "gb-read-only" : ""};
    });
  }

  // -- loading --------------------------------------------------------------------------------
  function condition() {
    var parts = state.filters.map(function (f) {
      var leaf = {field: f.field};
      leaf[f.op === "not_empty" ? "is_empty" : f.op] = f.op === "is_empty" ? true : f.op === "not_empty" ? false : f.value;
      return leaf;
    });
    if (state.extra) parts.push(state.extra);
    return parts.length ? {all: parts} : null;
  }

  function sortParam(sorters) {
    var sort = (sorters || []).map(function (s) { return (s.dir === "desc" ? "-" : "") + s.field; }).join(",");
    sort = sort || state.sort || cfg.default_sort;
    return state.group ? state.group + "," + sort : sort;
  }

  function query() {
    var c = condition(), q = "";
    if (c) q += "&filter=" + encodeURIComponent(JSON.stringify(c));
    if (state.q) q += "&q=" + encodeURIComponent(state.q);
    return q;
  }

  function loadPage(url, config, params) {
    var offset = (params.page - 1) * params.size;
    var page = gb.call("GET", api + "?limit=" + params.size + "&offset=" + offset +
                       "&sort=" + encodeURIComponent(sortParam(params.sort)) + query());
    var totals = state.group ? gb.call("GET", api + "/groups?by=" + state.group + query()) : Promise.resolve(null);
    return Promise.all([page, totals]).then(function (answers) {
      var r = answers[0];
      if (r.status !== 200) {
        setState("error", gb.errorsText(r.body.errors) || String(r.status));
        return {last_page: 1, last_row: 0, data: []};
      }
      groupTotals = {};
      if (answers[1] && answers[1].status === 200) {
        answers[1].body.groups.forEach(function (g) { groupTotals[groupKey(g.value)] = g; });
      }
      totalExact = r.body.total_exact;
      var pages = Math.max(1, Math.ceil(r.body.total / params.size));
      // "more than 10,000": there is always a next page until a short one comes back
      if (!totalExact) pages = r.body.items.length < params.size ? params.page : Math.max(pages, params.page + 1);
      return {last_page: pages, last_row: r.body.total, data: r.body.items.map(withPending)};
    });
  }

  function withPending(record) {  // edits not yet saved stay visible over what the server says
    var p = pending[String(record.id)];
    return p ? Object.assign({}, record, p.data) : record;
  }

  function groupKey(value) { return value && typeof value === "object" ? String(value.id) : String(value); }

  function groupHeader(value, count) {
    var field = gb.byName[state.group], total = groupTotals[groupKey(value)];
    var text = value === null || value === undefined || value === "" ? say("empty") :
      total ? total.label : gb.show(field, value);
    var html = "<strong>" + gb.escape(text) + "</strong> <span class='gb-count'>" + (total ? total.count : count) + "</span>";
    if (total) {
      Object.keys(total.sums).forEach(function (name) {
        if (total.sums[name] !== null) {
          html += " <span class='gb-sum'>" + gb.escape(gb.byName[name].label + ": " + gb.show(gb.byName[name], total.sums[name])) + "</span>";
        }
      });
    }
    return html;
  }

  function applyGrouping() {
    table.setGroupBy(state.group ? function (data) { return groupKey(data[state.group]); } : false);
    table.setGroupHeader(groupHeader);
  }

  function reload() { table.setData(); }

  // -- saving ---------------------------------------------------------------------------------
  var flushing = false, flushTimer = null, retryDelay = 0;

  function persist() {
    try { localStorage.setItem(storeKey, JSON.stringify(pending)); } catch (e) { /* private mode: memory only */ }
  }

  function queue(row, field, value, before) {
    var key = keyOf(row), data = row.getData();
    var p = pending[key] || (pending[key] = {id: typeof data.id === "number" ? data.id : null,
                                             version: data._version, data: {}, before: {}});
    if (!(field in p.before)) p.before[field] = before;
    p.data[field] = value;
    p.held = false;
    p.paste = pasting;  // a paste's rows go together, one entry in History
    p.undo = undoing;  // taking a change back is not itself something to take back
    if (marks[key]) delete marks[key][field];
    persist();
    paint(row);
    scheduleFlush(300);
  }

  function scheduleFlush(ms) {
    clearTimeout(flushTimer);
    flushTimer = setTimeout(flush, ms);
  }

  function flush() {
    if (flushing) { scheduleFlush(300); return; }
    var open = editing(), typing = open && String(open.row.getData().id);
    var keys = Object.keys(pending).filter(function (k) {  // a new row goes once its typist leaves it
      return !pending[k].held && !(k === typing && !pending[k].id);
    });
    var paste = keys.length ? pending[keys[0]].paste : null;  // one paste (or none) a request
    keys = keys.filter(function (k) { return pending[k].paste === paste; }).slice(0, 2000);
    if (typing && pending[typing] && !pending[typing].id) scheduleFlush(1000);
    if (!keys.length) { setState(); return; }
    var sent = keys.map(function (k) { return {key: k, entry: pending[k], data: Object.assign({}, pending[k].data)}; });
    var items = sent.map(function (s) {
      var item = {data: {}};
      Object.keys(s.data).forEach(function (f) { item.data[f] = gb.toServer(gb.byName[f], s.data[f]); });
      if (s.entry.id) { item.id = s.entry.id; item._version = s.entry.version; }
      return item;
    });
    flushing = true;
    setState("saving");
    gb.call("POST", api + "/batch", paste ? {items: items, paste: paste} : {items: items}).then(function (r) {
      flushing = false;
      if (r.status === 200) {
        retryDelay = 0;
        var undo = {changes: [], created: []};
        r.body.results.forEach(function (result, i) { settle(sent[i], result, undo); });
        if (undo.changes.length || undo.created.length) undoStack.push(undo);
        persist();
        scheduleFlush(0);
      } else if (r.status === 0 || r.status >= 500) {
        retryDelay = Math.min(Math.max(2000, retryDelay * 2), 30000);
        setState(r.status === 503 ? "busy" : "offline");
        scheduleFlush(retryDelay);
      } else {  // the whole request refused (signed out, too big): keep the edits, say why
        keys.forEach(function (k) { pending[k].held = true; });
        persist();
        setState("error", gb.errorsText(r.body.errors));
      }
    });
  }

  function rowOf(key) { return table.getRow(/^\d+$/.test(key) ? Number(key) : key); }

  // One row's answer: keep what is still unsent, show the saved values, mark refusals.
  function settle(sent, result, undo) {
    var key = sent.key, entry = sent.entry, row = rowOf(key);
    Object.keys(sent.data).forEach(function (f) {
      if (entry.data[f] === sent.data[f] && (result.status !== "rejected" || (result.errors || {})[f] || result.conflict)) {
        delete entry.data[f];
      }
    });
    if (result.status === "rejected") {
      var errors = result.errors || {}, conflict = result.conflict || {};
      marks[key] = marks[key] || {};
      Object.keys(errors).forEach(function (f) { if (!(f in conflict)) marks[key][f] = errors[f]; });
      if (errors._record || errors.id) setState("error", errors._record || errors.id);
      if (!entry.id) {  // a new row waits, whole, until its cells are fixed
        Object.assign(entry.data, sent.data);
        entry.held = true;
      }
      if (Object.keys(conflict).length) askAboutConflict(key, entry, result, sent.data);
      if (row) paint(row);
    } else {
      var record = result.record, realKey = String(record.id);
      if (entry.id && !entry.undo) {
        undo.changes.push.apply(undo.changes, Object.keys(sent.data).map(function (f) {
          return {id: record.id, field: f, value: entry.before[f]};
        }));
      }
      Object.keys(sent.data).forEach(function (f) {  // typed again meanwhile: undo back to this save
        if (f in entry.data) { entry.before[f] = sent.data[f]; } else { delete entry.before[f]; }
      });
      if (!entry.id) undo.created.push(record.id);
      entry.id = record.id;
      entry.version = record._version;
      if (realKey !== key) {
        delete pending[key];
        pending[realKey] = entry;
        if (marks[key]) { marks[realKey] = marks[key]; delete marks[key]; }
      }
      if (marks[realKey]) Object.keys(sent.data).forEach(function (f) { delete marks[realKey][f]; });
      if (row) refresh(row, record);
    }
    var k = String(entry.id || key);
    if (pending[k] && !Object.keys(pending[k].data).length) delete pending[k];
  }

  function askAboutConflict(key, entry, result, mine) {
    var lines = Object.keys(result.conflict).map(function (f) {
      var c = result.conflict[f], field = gb.byName[f];
      return say("conflict_text", {by: c.by, field: field.label, theirs: gb.show(field, result.record[f]),
                                   at: new Date(c.at + "Z").toLocaleString(cfg.locale), mine: gb.show(field, mine[f])});
    });
    modal(say("conflict_title"), lines, [
      {text: say("keep_theirs"), id: "gb-keep-theirs", action: function () {
        Object.keys(result.conflict).forEach(function (f) { delete entry.data[f]; });
        entry.version = result.record._version;
        var row = rowOf(key);
        if (row) refresh(row, result.record);
        persist();
      }},
      {text: say("keep_mine"), id: "gb-keep-mine", primary: true, action: function () {
        Object.keys(result.conflict).forEach(function (f) { entry.data[f] = mine[f]; });
        entry.version = result.record._version;
        entry.held = false;
        pending[key] = entry;  // (settling the refusal let go of an emptied entry)
        persist();
        scheduleFlush(0);
      }}
    ]);
  }

  function setState(kind, message) {
    var el = document.getElementById("gb-save-state");
    var waiting = Object.keys(pending).reduce(function (n, k) {
      return n + (pending[k].held ? 0 : Object.keys(pending[k].data).length);
    }, 0);
    var refused = Object.keys(marks).reduce(function (n, k) { return n + Object.keys(marks[k]).length; }, 0);
    el.className = "ml-auto small gb-state-" + (kind || (waiting ? "pending" : refused ? "error" : "saved"));
    el.textContent = kind === "saving" ? say("saving") : kind === "offline" || kind === "busy" ? say(kind, {n: waiting}) :
      kind === "error" ? say("refused", {msg: message}) : kind ? message : waiting ? say("pending", {n: waiting}) :
      refused ? say("cells_refused", {n: refused}) : say("saved");
  }

  // -- spreadsheet habits ---------------------------------------------------------------------
  function editableColumn(field) {
    var f = gb.byName[field];
    return f && !f.read_only;
  }

  // A block from Excel: fills from the selected cell across and down, adds rows past the end;
  // one value over a bigger selection fills it all.
  function bounds(range) {  // (RangeComponent.getBounds() hands out internal cells)
    var cells = range && range.getCells();
    if (!cells || !cells.length) return null;
    var last = cells[cells.length - 1];
    return {start: cells[0][0], end: last[last.length - 1]};
  }

  function isNew(row) { return typeof row.getData().id !== "number"; }

  // Where each pasted line goes: a row already there, or null for a new one. A paste that
  // starts on a new row inserts rows, never overwriting the records below it.
  function pastePlan(rowsData) {
    var edges = bounds(table.getRanges()[0]);
    if (!edges || !rowsData.length) return null;
    var rows = table.getRows("active");
    var start = rows.indexOf(edges.start.getRow());
    var selected = rows.indexOf(edges.end.getRow()) - start + 1;
    var count = Math.max(selected, rowsData.length);
    if (selected > 1 && rowsData.length === 1) count = selected;
    var inserting = isNew(rows[start]), plan = [];
    for (var i = 0; i < count; i++) {
      plan.push({values: rowsData[i % rowsData.length], row: inserting && i > 0 ? null : rows[start + i] || null});
    }
    return plan;
  }

  // Filled cells of saved records a paste would change: {cells, records}.
  function overwrites(plan) {
    var cells = 0, records = 0;
    plan.forEach(function (step) {
      if (!step.row || isNew(step.row)) return;
      var data = step.row.getData(), changed = Object.keys(step.values).filter(function (f) {
        var now = data[f], shown = now === null || now === undefined ? "" : String(gb.show(gb.byName[f], now));
        return editableColumn(f) && shown !== "" && shown !== String(step.values[f] || "").trim();
      }).length;
      cells += changed;
      records += changed ? 1 : 0;
    });
    return {cells: cells, records: records};
  }

  function paste(rowsData) {
    var plan = pastePlan(rowsData);
    if (!plan) return [];
    var over = overwrites(plan);
    if (!over.cells) return applyPaste(plan);
    modal(say("paste_title"), [say("paste_overwrites", over)], [
      {text: say("paste_replace"), id: "gb-paste-replace", primary: true, action: function () { applyPaste(plan); }}]);
    return [];
  }

  function applyPaste(plan) {
    var touched = [];
    pasting = "p" + Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
    table.blockRedraw();
    plan.forEach(function (step) {
      if (!step.row) { addRow(step.values); return; }
      Object.keys(step.values).forEach(function (f) {
        if (editableColumn(f)) step.row.getCell(f).setValue(step.values[f]);
      });
      touched.push(step.row);
    });
    table.restoreRedraw();
    pasting = null;
    return touched;
  }

  // A row that exists only here until it is saved, at the bottom as in a spreadsheet;
  // `typed` (the "New row" button) waits for its typist instead of saving at once.
  function addRow(values, typed) {
    if (cfg.can.indexOf("create") < 0) return null;
    var key = "new-" + (++newRows), data = {id: key};
    Object.keys(values).forEach(function (f) { if (editableColumn(f)) data[f] = values[f]; });
    table.addRow(data, false);
    pending[key] = {id: null, version: null, data: Object.assign({}, data), before: {}, held: !!typed,
                    paste: pasting};
    delete pending[key].data.id;
    persist();
    if (!typed) scheduleFlush(300);
    return table.getRow(key);
  }

  function fillDown() {
    table.getRanges().forEach(function (range) {
      var cells = range.getCells();  // rows of cells
      if (cells.length < 2) return;
      cells.slice(1).forEach(function (line) {
        line.forEach(function (cell, i) {
          if (editableColumn(cell.getField())) cell.setValue(cells[0][i].getValue());
        });
      });
    });
  }

  function undoLast() {
    var last = undoStack.pop();
    if (!last) { setState("", say("nothing_to_undo")); return; }
    undoing = true;
    last.changes.forEach(function (c) {
      var row = table.getRow(c.id);
      if (row) { row.getCell(c.field).setValue(c.value === undefined ? null : c.value); }
    });
    undoing = false;
    if (last.created.length) {
      gb.call("POST", api + "/delete", {items: last.created.map(function (id) { return {id: id}; })})
        .then(function () { last.created.forEach(function (id) { var row = table.getRow(id); if (row) row.delete(); }); });
    }
    setState("", say("undone"));
  }

  function editing() { return table.modules.edit && table.modules.edit.currentCell; }

  function keys(e) {
    var ctrl = e.ctrlKey || e.metaKey;
    if (editing()) {
      if (e.key === "Enter" && e.target.tagName !== "TEXTAREA") {
        setTimeout(function () { table.modules.selectRange.navigate(false, false, "down"); }, 0);
      }
      return;
    }
    if (ctrl && (e.key === "z" || e.key === "я")) { e.preventDefault(); undoLast(); return; }
    if (ctrl && (e.key === "d" || e.key === "в")) { e.preventDefault(); fillDown(); return; }
    if (e.key.length === 1 && !ctrl && !e.altKey) {  // typing over a cell starts editing it
      var edges = bounds(table.getRanges()[0]), cell = edges && edges.start;
      if (!cell || !cell.getColumn().getDefinition().editor) return;
      e.preventDefault();
      cell.edit();
      var input = cell.getElement().querySelector("input");
      if (input) {
        input.gbTyped = true;
        if (input.gbMask) { input.gbMask.value = e.key; } else { input.value = e.key; input.dispatchEvent(new Event("input")); }
      }
    }
  }

  // -- views, filters, columns ----------------------------------------------------------------
  function currentColumns() {
    return table.getColumns().filter(function (c) { return c.getField(); }).map(function (c) {
      return {field: c.getField(), width: Math.round(c.getWidth()), visible: c.isVisible()};
    });
  }

  var layoutTimer = null;
  function saveLayout() {
    clearTimeout(layoutTimer);
    layoutTimer = setTimeout(function () {
      gb.call("PUT", api + "/layout", {config: {columns: currentColumns()}});
    }, 500);
  }

  function viewConfig() {
    var c = condition();
    var config = {columns: currentColumns(), sort: sortParam(table.getSorters())};
    if (c) config.filter = c;
    if (state.q) config.q = state.q;
    if (state.group) config.group_by = state.group;
    if (state.group && config.sort.indexOf(state.group + ",") === 0) config.sort = config.sort.slice(state.group.length + 1);
    return config;
  }

  // A saved filter becomes chips where it is a plain list of tests, else one "custom" part.
  function takeFilter(filter) {
    state.filters = [];
    state.extra = null;
    if (!filter) return;
    var parts = filter.all || [filter];
    parts.forEach(function (leaf) {
      var ops = Object.keys(leaf).filter(function (k) { return k !== "field"; });
      if (leaf.field && ops.length === 1 && ["eq", "ne", "contains", "gt", "lt", "gte", "lte", "is_empty"].indexOf(ops[0]) >= 0) {
        var op = ops[0] === "is_empty" && leaf.is_empty === false ? "not_empty" : ops[0];
        state.filters.push({field: leaf.field, op: op, value: leaf[ops[0]]});
      } else {
        state.extra = state.extra ? {all: [state.extra, leaf]} : leaf;
      }
    });
  }

  function applyView(view) {
    var config = view ? view.config : layout || {};
    state.viewId = view ? view.id : null;
    takeFilter(view ? config.filter : null);
    state.q = view ? config.q || "" : "";
    state.group = view ? config.group_by || "" : "";
    state.sort = view ? config.sort || "" : "";
    document.getElementById("gb-search").value = state.q;
    document.getElementById("gb-group").value = state.group;
    var url = new URL(window.location.href);
    if (state.viewId) { url.searchParams.set("view", state.viewId); } else { url.searchParams.delete("view"); }
    history.replaceState(null, "", url);
    quiet = true;
    table.setColumns(buildColumns((config.columns && config.columns.length ? config : layout || {}).columns));
    quiet = false;
    drawChips();
    fillColumnsMenu();
    applyGrouping();
    reload();
  }

  function fillViews(selected) {
    var select = document.getElementById("gb-view");
    select.innerHTML = "";
    select.appendChild(new Option(say("all_records"), ""));
    views.forEach(function (v) {
      select.appendChild(new Option(v.name + (v.shared ? " · " + say("shared") : ""), v.id));
    });
    select.value = selected || "";
  }

  function loadViews() {
    return gb.call("GET", api + "/views").then(function (r) {
      views = r.body.views || [];
      layout = r.body.layout;
    });
  }

  function saveView() {
    var current = views.filter(function (v) { return v.id === state.viewId && v.mine; })[0];
    var name = el("input", {className: "form-control", id: "gb-view-name", value: current ? current.name : ""});
    var shared = el("input", {type: "checkbox", id: "gb-view-shared", checked: current ? current.shared : false});
    var label = el("label", {className: "mt-2"}, [shared, " " + say("shared")]);
    modal(say("view_name"), [name, label], [{text: say("apply"), primary: true, id: "gb-view-ok", action: function () {
      var body = {name: name.value, shared: shared.checked, config: viewConfig()};
      var call = current ? gb.call("PUT", api + "/views/" + current.id, body) : gb.call("POST", api + "/views", body);
      return call.then(function (r) {
        if (r.status >= 300) { return gb.errorsText(r.body.errors); }
        return loadViews().then(function () { fillViews(r.body.id); state.viewId = r.body.id; applyView(r.body); });
      });
    }}]);
    setTimeout(function () { name.focus(); }, 200);
  }

  function deleteView() {
    if (!state.viewId || !window.confirm(say("delete_view"))) return;
    gb.call("DELETE", api + "/views/" + state.viewId).then(function () {
      loadViews().then(function () { fillViews(""); applyView(null); });
    });
  }

  var OPS = ["eq", "ne", "contains", "gt", "lt", "gte", "lte", "is_empty", "not_empty"];
  function fillFilterBar() {
    var fieldSelect = document.getElementById("gb-filter-field");
    cfg.fields.filter(function (f) { return !f.hidden; }).forEach(function (f) {
      fieldSelect.appendChild(new Option(f.label, f.name));
    });
    var group = document.getElementById("gb-group");
    cfg.fields.filter(function (f) { return f.groupable && !f.hidden; }).forEach(function (f) {
      group.appendChild(new Option(f.label, f.name));
    });
    fieldSelect.addEventListener("change", fillOperators);
    fillOperators();
  }

  function fillOperators() {
    var field = gb.byName[document.getElementById("gb-filter-field").value];
    var ops = document.getElementById("gb-filter-op");
    ops.innerHTML = "";
    OPS.forEach(function (op) {
      var allowed = field.operators.indexOf(op === "not_empty" ? "is_empty" : op) >= 0;
      if (allowed) ops.appendChild(new Option(say(op), op));
    });
    var old = document.getElementById("gb-filter-value"), value;
    if (field.options) {
      value = el("select", {className: "form-control form-control-sm mr-1", id: "gb-filter-value"});
      field.options.forEach(function (o) { value.appendChild(new Option(gb.label(o.label), o.value)); });
    } else {
      value = el("input", {className: "form-control form-control-sm mr-1", id: "gb-filter-value"});
    }
    old.replaceWith(value);
  }

  function addFilter() {
    var op = document.getElementById("gb-filter-op").value;
    var value = document.getElementById("gb-filter-value").value;
    state.filters.push({field: document.getElementById("gb-filter-field").value, op: op, value: value});
    drawChips();
    reload();
  }

  function drawChips() {
    var box = document.getElementById("gb-filter-chips");
    box.innerHTML = "";
    state.filters.forEach(function (f, i) {
      var field = gb.byName[f.field];
      var text = field.label + " " + say(f.op) + (f.op === "is_empty" || f.op === "not_empty" ? "" : " " + gb.show(field, f.value));
      var remove = el("button", {type: "button", className: "close ml-1", textContent: "×", title: "×"});
      remove.addEventListener("click", function () { state.filters.splice(i, 1); drawChips(); reload(); });
      box.appendChild(el("span", {className: "badge badge-info gb-chip mr-1"}, [text, remove]));
    });
    if (state.extra) box.appendChild(el("span", {className: "badge badge-secondary mr-1", textContent: "+ …"}));
  }

  function fillColumnsMenu() {
    var menu = document.getElementById("gb-columns");
    menu.innerHTML = "";
    table.getColumns().filter(function (c) { return c.getField(); }).forEach(function (column) {
      var box = el("input", {type: "checkbox", checked: column.isVisible()});
      box.addEventListener("change", function () { column.toggle(); });
      menu.appendChild(el("label", {className: "dropdown-item mb-0"}, [box, " " + gb.byName[column.getField()].label]));
    });
  }

  // -- selection: set a field, delete, export -------------------------------------------------
  function selectedRows() {
    var seen = [];
    table.getRanges().forEach(function (range) {
      range.getRows().forEach(function (row) { if (seen.indexOf(row) < 0) seen.push(row); });
    });
    return seen;
  }

  function bulkSet() {
    var rows = selectedRows();
    if (!rows.length) { setState("", say("select_rows")); return; }
    var select = el("select", {className: "form-control", id: "gb-bulk-field"});
    cfg.fields.filter(function (f) { return !f.read_only && !f.hidden; }).forEach(function (f) {
      select.appendChild(new Option(f.label, f.name));
    });
    var value = el("input", {className: "form-control mt-2", id: "gb-bulk-value", placeholder: say("value")});
    modal(say("set_field", {n: rows.length}), [select, value], [{text: say("apply"), primary: true, id: "gb-bulk-ok", action: function () {
      var field = gb.byName[select.value], typed = value.value;
      var option = (field.options || []).filter(function (o) { return gb.label(o.label) === typed || o.value === typed; })[0];
      rows.forEach(function (row) { row.getCell(field.name).setValue(option ? option.value : typed); });
    }}]);
  }

  function bulkDelete() {
    var chosen = selectedRows();
    if (!chosen.length) { setState("", say("select_rows")); return; }
    if (!window.confirm(say("delete_rows", {n: chosen.length}))) return;
    var rows = chosen.filter(function (r) { return typeof r.getData().id === "number"; });
    chosen.filter(function (r) { return rows.indexOf(r) < 0; }).forEach(function (r) {
      delete pending[keyOf(r)];  // never saved: nothing to ask the server
      delete marks[keyOf(r)];
      r.delete();
    });
    persist();
    setState();
    gb.call("POST", api + "/delete", {items: rows.map(function (r) { return {id: r.getData().id, _version: r.getData()._version}; })})
      .then(function (r) {
        var refused = [];
        (r.body.results || []).forEach(function (result) {
          if (result.status === "deleted") { table.getRow(result.id).delete(); }
          else { refused.push("#" + result.id + ": " + gb.errorsText(result.errors)); }
        });
        setState(refused.length ? "error" : "", refused.join(" · "));
      });
  }

  function exportRows(condition) {
    var columns = currentColumns().filter(function (c) { return c.visible; }).map(function (c) { return c.field; });
    var options = {format: "xlsx", columns: columns, sort: sortParam(table.getSorters())};
    if (condition) options.condition = condition;
    if (state.q && !condition) options.search = state.q;
    gb.call("POST", api + "/export", options).then(function (r) {
      if (r.status === 202) { window.location = "/admin/transfer/job/" + r.body.id + "/"; }
      else { setState("error", gb.errorsText(r.body.errors)); }
    });
  }

  // -- small DOM helpers ----------------------------------------------------------------------
  function el(tag, props, children) {
    var node = document.createElement(tag);
    Object.assign(node, props || {});
    (children || []).forEach(function (c) { node.append(c); });
    return node;
  }

  // A Bootstrap modal; a button's action may return a message (or a promise of one) to stay open.
  function modal(title, body, buttons) {
    document.getElementById("gb-modal-title").textContent = title;
    var box = document.getElementById("gb-modal-body"), bar = document.getElementById("gb-modal-buttons");
    box.innerHTML = "";
    body.forEach(function (part) { box.appendChild(typeof part === "string" ? el("p", {textContent: part}) : part); });
    var problem = el("div", {className: "text-danger small"});
    box.appendChild(problem);
    bar.innerHTML = "";
    buttons.concat([{text: say("cancel"), id: "gb-modal-cancel"}]).forEach(function (b) {
      var button = el("button", {type: "button", id: b.id, className: "btn " + (b.primary ? "btn-primary" : "btn-outline-secondary"), textContent: b.text});
      button.addEventListener("click", function () {
        Promise.resolve(b.action ? b.action() : null).then(function (message) {
          if (message) { problem.textContent = message; } else { $("#gb-modal").modal("hide"); }
        });
      });
      bar.appendChild(button);
    });
    $("#gb-modal").modal("show");
  }

  // -- start ----------------------------------------------------------------------------------
  function restorePending() {
    try { pending = JSON.parse(localStorage.getItem(storeKey)) || {}; } catch (e) { pending = {}; }
    Object.keys(pending).forEach(function (k) {
      pending[k].held = false;
      if (/^new-/.test(k)) { newRows += 1; table.addRow(Object.assign({id: k}, pending[k].data), false); }
    });
    if (Object.keys(pending).length) scheduleFlush(0);
  }

  function liveUpdate(records, deleted, created) {
    records.forEach(function (record) {
      var row = table.getRow(record.id);
      if (!row || pending[String(record.id)]) return;
      if (row.getData()._version === record._version) return;
      refresh(row, record);
      row.getElement().classList.add("gb-row-live");
      setTimeout(function () { row.getElement().classList.remove("gb-row-live"); }, 2000);
    });
    deleted.forEach(function (id) { var row = table.getRow(id); if (row) row.delete(); });
    var live = document.getElementById("gb-live");
    if (created) {
      live.innerHTML = "";
      var link = el("a", {href: "#", textContent: say("new_rows", {n: created})});
      link.addEventListener("click", function (e) { e.preventDefault(); live.innerHTML = ""; reload(); });
      live.appendChild(link);
    }
  }

  function start() {
    var params = new URL(window.location.href).searchParams;
    var wanted = Number(params.get("view")) || null;
    state.q = params.get("q") || "";
    document.getElementById("gb-search").value = state.q;
    var view = views.filter(function (v) { return v.id === wanted; })[0] || null;
    table = new Tabulator("#gb-grid", {
      height: "calc(100vh - 260px)", layout: "fitData", index: "id",
      columns: buildColumns((layout || {}).columns),
      rowHeader: {formatter: "rownum", headerSort: false, hozAlign: "center", resizable: false, frozen: true, width: 50},
      selectableRange: true, selectableRangeColumns: true, selectableRangeRows: true,
      selectableRangeClearCells: true, selectableRangeClearCellsValue: "",
      editTriggerEvent: "dblclick",
      clipboard: true, clipboardCopyStyled: false, clipboardCopyRowRange: "range",
      clipboardCopyConfig: {rowHeaders: false, columnHeaders: false},
      clipboardPasteParser: "range", clipboardPasteAction: paste,
      pagination: true, paginationMode: "remote", paginationSize: 100,
      paginationSizeSelector: [50, 100, 250, 500],
      sortMode: "remote", filterMode: "remote", ajaxURL: api, ajaxRequestFunc: loadPage,
      paginationCounter: function (size, row, page, total) {
        var f = new Intl.NumberFormat(cfg.locale);
        return f.format(total ? row : 0) + "–" + f.format(Math.min(row + size - 1, total)) + " / " +
          (totalExact ? f.format(total) : "> " + f.format(total - 1));
      },
      movableColumns: true, placeholder: "—", headerSortClickElement: "icon",
      locale: cfg.locale === "ru" ? "ru" : false,
      langs: {ru: {pagination: {first: "«", first_title: "Первая", last: "»", last_title: "Последняя",
                                prev: "‹", prev_title: "Назад", next: "›", next_title: "Вперёд",
                                page_size: "Строк", counter: {showing: "Строки", of: "из", rows: "", pages: "стр."}}}}
    });
    table.on("tableBuilt", function () {
      if (view) { fillViews(view.id); applyView(view); } else { fillViews(""); fillColumnsMenu(); }
      restorePending();
    });
    table.on("cellEdited", function (cell) {
      if (quiet) return;
      var field = cell.getField();
      if (!editableColumn(field)) { quiet = true; cell.restoreOldValue(); quiet = false; return; }
      queue(cell.getRow(), field, cell.getValue(), cell.getOldValue());
    });
    ["columnResized", "columnMoved", "columnVisibilityChanged"].forEach(function (name) {
      table.on(name, function () { if (!quiet) saveLayout(); });
    });
    document.getElementById("gb-grid").addEventListener("keydown", keys, true);
    gb.watch(cfg.entity, function () {
      return table.getRows("active").map(function (r) { return r.getData().id; }).filter(function (id) { return typeof id === "number"; });
    }, liveUpdate, 3000);
    window.addEventListener("online", function () { scheduleFlush(0); });
    window.gbGrid = {table: table, pending: function () { return pending; }, flush: flush};
  }

  // What the role may not do is not offered (the server refuses it anyway).
  function offerOnly() {
    [["create", "gb-new-row"], ["delete", "gb-bulk-delete"], ["export", "gb-bulk-export"],
     ["export", "gb-export-view"]].forEach(function (pair) {
      if (cfg.can.indexOf(pair[0]) < 0) document.getElementById(pair[1]).hidden = true;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    offerOnly();
    fillFilterBar();
    document.getElementById("gb-filter-add").addEventListener("click", addFilter);
    document.getElementById("gb-view").addEventListener("change", function (e) {
      applyView(views.filter(function (v) { return String(v.id) === e.target.value; })[0] || null);
    });
    document.getElementById("gb-view-save").addEventListener("click", saveView);
    document.getElementById("gb-view-delete").addEventListener("click", deleteView);
    var searchTimer = null;
    document.getElementById("gb-search").addEventListener("input", function (e) {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(function () { state.q = e.target.value.trim(); reload(); }, 300);
    });
    document.getElementById("gb-group").addEventListener("change", function (e) {
      state.group = e.target.value; applyGrouping(); reload();
    });
    document.getElementById("gb-new-row").addEventListener("click", function () {
      var row = addRow({}, true), first = cfg.fields.filter(function (f) { return !f.read_only && !f.hidden; })[0];
      table.scrollToRow(row, "bottom", false);
      if (first) row.getCell(first.name).edit();
    });
    document.getElementById("gb-bulk-set").addEventListener("click", function (e) { e.preventDefault(); bulkSet(); });
    document.getElementById("gb-bulk-delete").addEventListener("click", function (e) { e.preventDefault(); bulkDelete(); });
    document.getElementById("gb-bulk-export").addEventListener("click", function (e) {
      e.preventDefault();
      var ids = selectedRows().map(function (r) { return r.getData().id; }).filter(function (id) { return typeof id === "number"; });
      if (!ids.length) { setState("", say("select_rows")); return; }
      exportRows({field: "id", in: ids});
    });
    document.getElementById("gb-export-view").addEventListener("click", function () { exportRows(condition()); });
    loadViews().then(start);
  });
})();

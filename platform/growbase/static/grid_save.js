// Saving: edits queue per row and go out in batches (api/grid.py: save_rows), kept across a
// reload until the server has them; each row's answer settles it, a conflict asks
// "keep theirs / keep mine", and the state line says what waits.
(function (G) {
  "use strict";
  var cfg = gb.config, say = gb.say, api = "/api/" + cfg.entity;
  var flushing = false, flushTimer = null, retryDelay = 0;
  G.storeKey = "gb-pending:" + cfg.entity + ":" + cfg.user_id;

  function persist() {
    try { localStorage.setItem(G.storeKey, JSON.stringify(G.pending)); } catch (e) { /* private mode: memory only */ }
  }

  function queue(row, field, value, before) {
    var key = G.keyOf(row), data = row.getData();
    var p = G.pending[key] || (G.pending[key] = {id: typeof data.id === "number" ? data.id : null,
                                             version: data._version, data: {}, before: {}});
    if (!(field in p.before)) p.before[field] = before;
    p.data[field] = value;
    p.held = false;
    p.paste = G.pasting;  // a paste's rows go together, one entry in History
    p.undo = G.undoing;  // taking a change back is not itself something to take back
    if (G.marks[key]) delete G.marks[key][field];
    persist();
    G.paint(row);
    scheduleFlush(300);
  }

  function scheduleFlush(ms) {
    clearTimeout(flushTimer);
    flushTimer = setTimeout(flush, ms);
  }

  function flush() {
    if (flushing) { scheduleFlush(300); return; }
    var open = G.editing(), typing = open && String(open.row.getData().id);
    var keys = Object.keys(G.pending).filter(function (k) {  // a new row goes once its typist leaves it
      return !G.pending[k].held && !(k === typing && !G.pending[k].id);
    });
    var paste = keys.length ? G.pending[keys[0]].paste : null;  // one paste (or none) a request
    keys = keys.filter(function (k) { return G.pending[k].paste === paste; }).slice(0, 2000);
    if (typing && G.pending[typing] && !G.pending[typing].id) scheduleFlush(1000);
    if (!keys.length) { setState(); return; }
    var sent = keys.map(function (k) { return {key: k, entry: G.pending[k], data: Object.assign({}, G.pending[k].data)}; });
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
        var followed = r.body.results.filter(function (result) { return result.event; })[0];
        if (followed && window.gbEffects) gbEffects.follow(followed.event);  // the SMS, the task
        if (undo.changes.length || undo.created.length) G.undoStack.push(undo);
        persist();
        scheduleFlush(0);
      } else if (r.status === 0 || r.status >= 500) {
        retryDelay = Math.min(Math.max(2000, retryDelay * 2), 30000);
        setState(r.status === 503 ? "busy" : "offline");
        scheduleFlush(retryDelay);
      } else {  // the whole request refused (signed out, too big): keep the edits, say why
        keys.forEach(function (k) { G.pending[k].held = true; });
        persist();
        setState("error", gb.errorsText(r.body.errors));
      }
    });
  }

  function rowOf(key) { return G.table.getRow(/^\d+$/.test(key) ? Number(key) : key); }

  // One row's answer: keep what is still unsent, show the saved values, G.mark refusals.
  function settle(sent, result, undo) {
    var key = sent.key, entry = sent.entry, row = rowOf(key);
    Object.keys(sent.data).forEach(function (f) {
      if (entry.data[f] === sent.data[f] && (result.status !== "rejected" || (result.errors || {})[f] || result.conflict)) {
        delete entry.data[f];
      }
    });
    if (result.status === "rejected") {
      var errors = result.errors || {}, conflict = result.conflict || {};
      G.marks[key] = G.marks[key] || {};
      Object.keys(errors).forEach(function (f) { if (!(f in conflict)) G.marks[key][f] = errors[f]; });
      if (errors._record || errors.id) setState("error", errors._record || errors.id);
      if (!entry.id) {  // a new row waits, whole, until its cells are fixed
        Object.assign(entry.data, sent.data);
        entry.held = true;
      }
      if (Object.keys(conflict).length) askAboutConflict(key, entry, result, sent.data);
      if (row) G.paint(row);
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
      if ((result.possible_duplicates || []).length) {  // a new row like one there is already
        G.looksLike = say("looks_like", {titles: result.possible_duplicates.map(function (d) { return d.title; }).join(", ")});
      }
      entry.id = record.id;
      entry.version = record._version;
      if (realKey !== key) {
        delete G.pending[key];
        G.pending[realKey] = entry;
        if (G.marks[key]) { G.marks[realKey] = G.marks[key]; delete G.marks[key]; }
      }
      if (G.marks[realKey]) Object.keys(sent.data).forEach(function (f) { delete G.marks[realKey][f]; });
      if (row) G.refresh(row, record);
    }
    var k = String(entry.id || key);
    if (G.pending[k] && !Object.keys(G.pending[k].data).length) delete G.pending[k];
  }

  function askAboutConflict(key, entry, result, mine) {
    var lines = Object.keys(result.conflict).map(function (f) {
      var c = result.conflict[f], field = gb.byName[f];
      return say("conflict_text", {by: c.by, field: field.label, theirs: gb.show(field, result.record[f]),
                                   at: new Date(c.at + "Z").toLocaleString(cfg.locale), mine: gb.show(field, mine[f])});
    });
    gb.modal(say("conflict_title"), lines, [
      {text: say("keep_theirs"), id: "gb-keep-theirs", action: function () {
        Object.keys(result.conflict).forEach(function (f) { delete entry.data[f]; });
        entry.version = result.record._version;
        var row = rowOf(key);
        if (row) G.refresh(row, result.record);
        persist();
      }},
      {text: say("keep_mine"), id: "gb-keep-mine", primary: true, action: function () {
        Object.keys(result.conflict).forEach(function (f) { entry.data[f] = mine[f]; });
        entry.version = result.record._version;
        entry.held = false;
        G.pending[key] = entry;  // (settling the refusal let go of an emptied entry)
        persist();
        scheduleFlush(0);
      }}
    ]);
  }

  function empty(v) { return v === null || v === undefined || v === ""; }

  // A new row not sent yet: the first required field it still lacks, or null.
  function lacking(entry) {
    return cfg.fields.filter(function (f) {
      return f.required && !f.read_only && !f.has_default && !f.hidden && empty(entry.data[f.name]);
    })[0] || null;
  }

  // Select a cell and bring it into view (from the state line and the list of refusals).
  function goTo(key, field) {
    var row = rowOf(key);
    if (!row) return;
    G.table.scrollToRow(row, "center", false).then(function () {
      var cell = row.getCell(field);
      if (!cell) return;
      var el = cell.getElement();
      el.scrollIntoView({block: "nearest", inline: "center"});
      ["mousedown", "mouseup", "click"].forEach(function (kind) {  // selected as a click selects it
        el.dispatchEvent(new MouseEvent(kind, {bubbles: true, cancelable: true, view: window}));
      });
      G.table.element.querySelector(".tabulator-tableholder").focus({preventScroll: true});  // typing goes to the cell
    });
  }

  function link(text, key, field) {
    var a = gb.el("a", {href: "#", text: text, "class": "ml-1"});
    a.addEventListener("click", function (e) { e.preventDefault(); goTo(key, field); });
    return a;
  }

  function rowTitle(key) {
    var row = rowOf(key), data = row ? row.getData() : {};
    var shown = data[cfg.title_field] ? gb.show(gb.byName[cfg.title_field], data[cfg.title_field]) : "";
    return shown || (row ? say("row_n", {n: row.getPosition(true) || ""}) : key);
  }

  // Every refused cell listed with its reason and a way to it (beside the grid, not on hover).
  function listRefusals() {
    var box = document.getElementById("gb-refusals");
    if (!box) return;
    box.innerHTML = "";
    Object.keys(G.marks).forEach(function (key) {
      Object.keys(G.marks[key]).forEach(function (f) {
        var field = gb.byName[f], item = gb.el("li", {"class": "gb-refusal"}, [
          gb.el("b", {text: rowTitle(key) + (field ? " · " + field.label : "") + ": "}),
          gb.el("span", {text: G.marks[key][f]}), link(say("go_to_cell"), key, f)]);
        box.appendChild(item);
      });
    });
    box.classList.toggle("d-none", !box.children.length);
  }

  // What the state line says waits, and for what: a new row the typist is still in, or
  // one lacking a required field, says so with a way to the cell.
  function waitingFor() {
    var open = G.editing(), typing = open && String(open.row.getData().id);
    var keys = Object.keys(G.pending).filter(function (k) { return !G.pending[k].id && !G.pending[k].held; });
    for (var i = 0; i < keys.length; i++) {
      var need = lacking(G.pending[keys[i]]);
      if (need) return {key: keys[i], field: need.name, text: say("row_needs", {row: rowTitle(keys[i]), field: need.label})};
      if (keys[i] === typing) return {key: keys[i], field: open.column.getField(), text: say("row_when_left", {row: rowTitle(keys[i])})};
    }
    return null;
  }

  function setState(kind, message) {
    var el = document.getElementById("gb-save-state");
    var waiting = Object.keys(G.pending).reduce(function (n, k) {
      return n + (G.pending[k].held ? 0 : Object.keys(G.pending[k].data).length);
    }, 0);
    var refused = Object.keys(G.marks).reduce(function (n, k) { return n + Object.keys(G.marks[k]).length; }, 0);
    var wanted = !kind && waiting ? waitingFor() : null;
    el.className = "ml-auto small gb-state-" + (kind || (wanted ? "waiting" : waiting ? "pending" : refused ? "error" : "saved"));
    if (!kind && G.looksLike) { kind = "warning"; message = G.looksLike; G.looksLike = null; }
    el.textContent = kind === "saving" ? say("saving") : kind === "offline" || kind === "busy" ? say(kind, {n: waiting}) :
      kind === "error" ? say("refused", {msg: message}) : kind ? message : wanted ? wanted.text :
      waiting ? say("pending", {n: waiting}) : refused ? say("cells_refused", {n: refused}) : say("saved");
    if (wanted) el.appendChild(link(say("go_to_cell"), wanted.key, wanted.field));
    listRefusals();
    if (!kind && !waiting) G.refreshTotals();  // saved: the grand total moves with it
  }

  Object.assign(G, {persist: persist, queue: queue, scheduleFlush: scheduleFlush, flush: flush,
                    setState: setState});
})(window.gbGrid = window.gbGrid || {});

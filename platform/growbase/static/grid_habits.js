// Spreadsheet habits: paste a block from Excel (new rows at the bottom, overwrites
// confirmed), fill down, undo, and typing over a cell to start editing it.
(function (G) {
  "use strict";
  var cfg = gb.config, say = gb.say, api = "/api/" + cfg.entity;

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
    var edges = bounds(G.table.getRanges()[0]);
    if (!edges || !rowsData.length) return null;
    var rows = G.table.getRows("active");
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
    gb.modal(say("paste_title"), [say("paste_overwrites", over)], [
      {text: say("paste_replace"), id: "gb-paste-replace", primary: true, action: function () { applyPaste(plan); }}]);
    return [];
  }

  function applyPaste(plan) {
    var touched = [];
    G.pasting = "p" + Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
    G.table.blockRedraw();
    plan.forEach(function (step) {
      if (!step.row) { addRow(step.values); return; }
      Object.keys(step.values).forEach(function (f) {
        if (editableColumn(f)) step.row.getCell(f).setValue(step.values[f]);
      });
      touched.push(step.row);
    });
    G.table.restoreRedraw();
    G.pasting = null;
    return touched;
  }

  // A row that exists only here until it is saved, at the bottom as in a spreadsheet;
  // `typed` (the "New row" button) waits for its typist instead of saving at once.
  function addRow(values, typed) {
    if (cfg.can.indexOf("create") < 0) return null;
    var key = "new-" + (++G.newRows), data = {id: key};
    Object.keys(values).forEach(function (f) { if (editableColumn(f)) data[f] = values[f]; });
    if (cfg.part) data[cfg.part.link] = cfg.part.id;  // a new line of this record
    if (ordered() && data[cfg.part.order] == null) data[cfg.part.order] = G.table.getRows().length + 1;
    G.table.addRow(data, false);
    G.pending[key] = {id: null, version: null, data: Object.assign({}, data), before: {}, held: !!typed,
                    paste: G.pasting};
    delete G.pending[key].data.id;
    G.persist();
    if (!typed) G.scheduleFlush(300);
    return G.table.getRow(key);
  }

  function fillDown() {
    G.table.getRanges().forEach(function (range) {
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
    var last = G.undoStack.pop();
    if (!last) { G.setState("", say("nothing_to_undo")); return; }
    G.undoing = true;
    last.changes.forEach(function (c) {
      var row = G.table.getRow(c.id);
      if (row) { row.getCell(c.field).setValue(c.value === undefined ? null : c.value); }
    });
    G.undoing = false;
    if (last.created.length) {
      gb.call("POST", api + "/delete", {items: last.created.map(function (id) { return {id: id}; })})
        .then(function () { last.created.forEach(function (id) { var row = G.table.getRow(id); if (row) row.delete(); }); });
    }
    G.setState("", say("undone"));
  }

  function keys(e) {
    var ctrl = e.ctrlKey || e.metaKey;
    if (G.editing()) {
      if (e.key !== "Enter" || (e.target.tagName === "TEXTAREA" && (e.shiftKey || e.altKey))) return;
      var list = document.querySelector(".tabulator-edit-list");
      if (list && list.querySelector(".tabulator-edit-list-item") && !list.querySelector(".focused")) {
        // typed into a list and Enter: the first match is taken, not the typing thrown away
        e.target.dispatchEvent(new KeyboardEvent("keydown", {key: "ArrowDown", bubbles: true}));
      }
      setTimeout(function () { G.table.modules.selectRange.navigate(false, false, "down"); }, 0);
      return;
    }
    if (ctrl && (e.key === "z" || e.key === "я")) { e.preventDefault(); undoLast(); return; }
    if (ctrl && (e.key === "d" || e.key === "в")) { e.preventDefault(); fillDown(); return; }
    if (e.key.length === 1 && !ctrl && !e.altKey) {  // typing over a cell starts G.editing it
      var edges = bounds(G.table.getRanges()[0]), cell = edges && edges.start;
      if (!cell || !cell.getColumn().getDefinition().editor) return;
      e.preventDefault();
      cell.edit();
      // the keystroke replaces what the cell held, whichever editor opened (text, long
      // text, list, date): the first letter is never lost nor appended
      var input = cell.getElement().querySelector("input, textarea");
      if (input) {
        input.gbTyped = true;
        if (input.gbMask) { input.gbMask.value = e.key; } else {
          input.value = e.key;
          input.setSelectionRange(1, 1);
          input.dispatchEvent(new Event("input"));
          input.dispatchEvent(new KeyboardEvent("keyup", {key: e.key}));  // the list editor filters on keyup
        }
      }
    }
  }

  // Lines kept in order (an order's, by "position") are dragged into place by their handle;
  // each then gets its place, 1, 2, 3 ..., saved as any edit is.
  function ordered() {
    return !!(cfg.part && cfg.part.order && editableColumn(cfg.part.order));
  }

  function renumber() {
    var field = cfg.part.order;
    G.table.getRows().forEach(function (row, i) {
      var before = row.getData()[field], change = {};
      if (before === i + 1) return;
      change[field] = i + 1;
      G.quiet = true;
      row.update(change);
      G.quiet = false;
      G.queue(row, field, i + 1, before);
    });
  }

  Object.assign(G, {editableColumn: editableColumn, paste: paste, addRow: addRow, keys: keys,
                    ordered: ordered, renumber: renumber});
})(window.gbGrid = window.gbGrid || {});

// The grid's cells: how each field shows (stages and choices in their colours), which
// editor it gets (named by the field type's client spec), refused and unsent cells marked.
(function (G) {
  "use strict";
  var cfg = gb.config, say = gb.say, api = "/api/" + cfg.entity;

  function keyOf(row) { return String(row.getData().id); }

  function refusal(cell) { return (G.marks[keyOf(cell.getRow())] || {})[cell.getField()]; }

  // The reason a cell was refused, written under its value (no hover needed, phones too).
  function why(reason) { return '<div class="gb-cell-why">' + gb.escape(reason) + "</div>"; }

  // Refused cells red with the reason in them, unsent ones marked as waiting.
  function mark(cell) {
    var el = cell.getElement(), key = keyOf(cell.getRow()), name = cell.getField();
    var refused = refusal(cell), note = el.querySelector(".gb-cell-why");
    el.classList.toggle("gb-cell-error", !!refused);
    el.classList.toggle("gb-cell-pending", !!(G.pending[key] && name in G.pending[key].data));
    el.title = refused || "";
    if (note && note.textContent !== refused) note.remove();
    if (refused && !el.querySelector(".gb-cell-why")) el.insertAdjacentHTML("beforeend", why(refused));
  }

  function paint(row) {  // without re-rendering: an editor may be open in the row
    if (G.phoneCards) { row.reformat(); return; }  // (a phone's card is drawn whole)
    row.getCells().forEach(function (cell) { if (cell.getField()) mark(cell); });
    row.normalizeHeight();  // a reason written in a cell makes its row taller
  }

  // Update a row with what the server says, except the cell being typed in.
  function refresh(row, record) {
    var open = editing(), data = Object.assign({}, withPending(record));
    if (open && open.row === row._row) delete data[open.column.getField()];
    Object.keys(G.marks[keyOf(row)] || {}).forEach(function (f) { delete data[f]; });  // keep what was typed
    G.quiet = true;
    row.update(data);
    G.quiet = false;
    paint(row);
  }

  function formatter(field) {
    return function (cell) {
      mark(cell);
      var value = cell.getValue(), text = badge(field, value, gb.show(field, value));
      if (field.reach && value && typeof value === "string" && !refusal(cell)) {  // tap to call / write
        text += '<a class="gb-reach gb-reach-' + field.reach + '" href="' + field.reach + ":" + encodeURIComponent(value) +
          '" aria-label="' + gb.escape(say(field.reach)) + '" title="' + gb.escape(say(field.reach)) + '"></a>';
      }
      if (refusal(cell)) text += why(refusal(cell));
      if (field.to && value && typeof value === "object") {  // a linked record: a way to it
        return text + '<a class="gb-open" target="_top" aria-label="' + gb.escape(gb.say("open")) + '" title="' +
          gb.escape(gb.say("open")) + '" href="/admin/records/' + encodeURIComponent(field.to) + "/details/?id=" +
          encodeURIComponent(value.id) + '"></a>';
      }
      return text;
    };
  }

  function openRecord(cell) {  // the row header's way to the record's page (and its lines)
    var id = cell.getRow().getData().id;
    if (typeof id !== "number") return "";
    var open = '<a class="gb-open" target="_top" aria-label="' + gb.escape(gb.say("open")) + '" title="' +
      gb.escape(gb.say("open")) + '" href="/admin/records/' + encodeURIComponent(cfg.entity) + "/details/?id=" + id + '"></a>';
    return open + (cfg.lines && cfg.lines.length ? '<button type="button" class="btn btn-link btn-sm p-0 ml-1 gb-lines-toggle" title="' +
      gb.escape(cfg.lines.map(function (l) { return l.label; }).join(", ")) + '">' + (G.expanded[id] ? "▾" : "▸") + "</button>" : "");
  }

  // A record's lines (an order's) open under its row as a grid of their own.
  function rowLines(row) {
    var id = row.getData().id, el = row.getElement(), holder = el.querySelector(".gb-row-lines");
    if (!G.expanded[id]) { if (holder) holder.remove(); return; }
    if (holder) return;  // open already: the row's total moving as lines are typed leaves them be
    holder = gb.el("div", {"class": "gb-row-lines p-1"});
    cfg.lines.forEach(function (line) {
      holder.appendChild(gb.el("iframe", {"class": "gb-lines w-100 border", title: line.label, style: "height: 260px",
        src: "/admin/grid/" + encodeURIComponent(line.entity) + "/part/" + encodeURIComponent(line.link) + "/" + id + "/"}));
    });
    el.appendChild(holder);
  }

  function toggleLines(e, cell) {
    if (!e.target.classList.contains("gb-lines-toggle")) return;
    var row = cell.getRow(), id = row.getData().id;
    G.expanded[id] = !G.expanded[id];
    row.reformat();
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
  // and dates in the user's locale); a field with a mask gets IMask, as in the forms. Long
  // text gets a box where Enter saves, as in a spreadsheet, and Shift/Alt+Enter starts a line.
  function textEditor(cell, onRendered, success, cancel, params) {
    var input = document.createElement(params.multiline ? "textarea" : "input");
    input.className = "gb-cell-input";
    var value = cell.getValue();
    input.value = value === null || value === undefined ? "" : params.edit ? params.edit(value) : value;
    var mask = params.mask && window.IMask ? IMask(input, window.gbMaskOptions(params.mask)) : null;
    input.gbMask = mask;
    var done = false, before = input.value;
    function finish() {
      if (done) return;
      done = true;
      if (input.value === before) { cancel(); return; }  // left as it was: nothing to save
      success(mask && !mask.unmaskedValue ? "" : input.value);
    }
    input.addEventListener("blur", finish);
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && params.multiline && (e.shiftKey || e.altKey)) {
        if (e.altKey) { e.preventDefault(); input.setRangeText("\n", input.selectionStart, input.selectionEnd, "end"); }
        return;
      }
      if (e.key === "Enter") { e.preventDefault(); finish(); }
      if (e.key === "Escape") { done = true; cancel(); }
    });
    onRendered(function () { input.focus(); if (!input.gbTyped) input.select(); });
    return input;
  }

  function decimalPoint() { return (1.5).toLocaleString(cfg.locale).charAt(1); }

  function editorFor(field) {  // the field's type names its editor (`editor`, client spec)
    if (field.read_only) return false;
    switch (field.editor) {
      case "files": return false;  // attached on the record's page (dropped into its form)
      case "date": case "datetime":  // typed as in a spreadsheet; the server reads the locale's way
        return [textEditor, {edit: function (v) { return gb.show(field, v); }}];
      case "tick": return ["tickCross", {tristate: false}];
      case "long_text": return [textEditor, {multiline: true}];
      case "choose":
        var offered = field.options.filter(function (o) { return !field.only || field.only.indexOf(o.value) >= 0; });
        return ["list", {values: offered.map(function (o) { return {label: gb.label(o.label), value: o.value}; }),
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

  function withPending(record) {  // edits not yet saved stay visible over what the server says
    var p = G.pending[String(record.id)];
    return p ? Object.assign({}, record, p.data) : record;
  }

  function editing() { return G.table.modules.edit && G.table.modules.edit.currentCell; }

  Object.assign(G, {expanded: {}, rowLines: rowLines, toggleLines: toggleLines, openRecord: openRecord, keyOf: keyOf, mark: mark, paint: paint, refresh: refresh, buildColumns: buildColumns,
                    withPending: withPending, editing: editing});
})(window.gbGrid = window.gbGrid || {});

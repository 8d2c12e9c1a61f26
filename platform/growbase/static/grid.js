// The staff grid: Tabulator over the JSON API. Pages, sort and filters run on the server;
// edits and pastes queue per row and go out in batches (grid_save.js), so every saved row
// passes the record service and raises its automations. The parts share one namespace,
// window.gbGrid (G): its state here, its cells, saving, habits and views in their files.
(function (G) {
  "use strict";
  var cfg = gb.config, say = gb.say, api = "/api/" + cfg.entity;
  Object.assign(G, {
    pending: {},   // row key -> {id, version, data: {field: value}, before: {}, held}
    marks: {},     // row key -> {field: message} of cells the server refused
    undoStack: [], groupTotals: {}, views: [], layout: null, newRows: 0, table: null,
    state: {filters: [], extra: null, q: "", group: "", sort: "", viewId: null},
    quiet: false, undoing: false, totalExact: true,
    pasting: null  // the id of the paste being applied: its rows are saved as one
  });

  function loadPage(url, config, params) {
    var offset = (params.page - 1) * params.size;
    var page = gb.call("GET", api + "?limit=" + params.size + "&offset=" + offset +
                       "&sort=" + encodeURIComponent(G.sortParam(params.sort)) + G.query());
    var totals = G.state.group ? gb.call("GET", api + "/groups?by=" + G.state.group + G.query()) : Promise.resolve(null);
    return Promise.all([page, totals]).then(function (answers) {
      var r = answers[0];
      if (r.status !== 200) {
        G.setState("error", gb.errorsText(r.body.errors) || String(r.status));
        return {last_page: 1, last_row: 0, data: []};
      }
      G.groupTotals = {};
      if (answers[1] && answers[1].status === 200) {
        answers[1].body.groups.forEach(function (g) { G.groupTotals[groupKey(g.value)] = g; });
      }
      if (params.page === 1) refreshTotals();
      G.totalExact = r.body.total_exact;
      var pages = Math.max(1, Math.ceil(r.body.total / params.size));
      // "more than 10,000": there is always a next page until a short one comes back
      if (!G.totalExact) pages = r.body.items.length < params.size ? params.page : Math.max(pages, params.page + 1);
      return {last_page: pages, last_row: r.body.total, data: r.body.items.map(G.withPending)};
    });
  }

  // The last line: every matching row counted and its numbers summed, not one page's
  var totalsTimer = null;
  function refreshTotals() {
    clearTimeout(totalsTimer);
    totalsTimer = setTimeout(function () {
      gb.call("GET", api + "/totals?" + G.query().slice(1)).then(function (r) {
        var box = document.getElementById("gb-grand-total");
        if (!box || r.status !== 200) return;
        var parts = [say("grand_total", {n: r.body.count.toLocaleString(cfg.locale), count: r.body.count})];
        Object.keys(r.body.sums).forEach(function (name) {
          if (r.body.sums[name] !== null) parts.push(gb.byName[name].label + ": " + gb.show(gb.byName[name], r.body.sums[name]));
        });
        box.textContent = parts.join(" · ");
        box.setAttribute("data-count", String(r.body.count));
      });
    }, 300);
  }

  function groupKey(value) { return value && typeof value === "object" ? String(value.id) : String(value); }

  function groupHeader(value, count) {
    var field = gb.byName[G.state.group], total = G.groupTotals[groupKey(value)];
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
    G.table.setGroupBy(G.state.group ? function (data) { return groupKey(data[G.state.group]); } : false);
    G.table.setGroupHeader(groupHeader);
  }

  function reload() { G.table.setData(); }

  function selectedRows() {
    var seen = [];
    G.table.getRanges().forEach(function (range) {
      range.getRows().forEach(function (row) { if (seen.indexOf(row) < 0) seen.push(row); });
    });
    return seen;
  }

  // The value box of "Set a field…" for the chosen field: its choices (only those the role
  // may set), yes / no, a person or record picked by searching, else text typed as in a cell.
  function valueControl(field) {
    if (field.options) {
      var offered = field.options.filter(function (o) { return !field.only || field.only.indexOf(o.value) >= 0; });
      var pick = gb.el("select", {"class": "form-control mt-2", id: "gb-bulk-value"},
        offered.map(function (o) { return gb.el("option", {value: o.value, text: gb.label(o.label)}); }));
      return {el: pick, read: function () { return pick.value; }};
    }
    if (field.editor === "tick") {
      var tick = gb.el("select", {"class": "form-control mt-2", id: "gb-bulk-value"},
        [gb.el("option", {value: "true", text: say("yes")}), gb.el("option", {value: "false", text: say("no")})]);
      return {el: tick, read: function () { return tick.value === "true"; }};
    }
    var input = gb.el("input", {"class": "form-control mt-2", id: "gb-bulk-value", placeholder: say("value")});
    if (field.editor !== "lookup") return {el: input, read: function () { return input.value; }};
    var found = [], list = gb.el("datalist", {id: "gb-bulk-found"}), timer = null;
    input.setAttribute("list", "gb-bulk-found");
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        gb.call("GET", api + "/lookup/" + field.name + "?q=" + encodeURIComponent(input.value)).then(function (r) {
          found = r.body.items || [];
          list.innerHTML = "";
          found.forEach(function (item) { list.appendChild(gb.el("option", {value: item.title})); });
        });
      }, 200);
    });
    return {el: gb.el("div", {}, [input, list]), read: function () {
      return found.filter(function (item) { return item.title === input.value; })[0] || input.value;
    }};
  }

  function bulkSet() {
    var rows = selectedRows();
    if (!rows.length) { G.setState("", say("select_rows")); return; }
    var select = gb.el("select", {"class": "form-control", id: "gb-bulk-field"});
    cfg.fields.filter(function (f) { return !f.read_only && !f.hidden && f.editor !== "files"; }).forEach(function (f) {
      select.appendChild(new Option(f.label, f.name));
    });
    var holder = gb.el("div"), control = null;
    function choose() {
      control = valueControl(gb.byName[select.value]);
      holder.innerHTML = "";
      holder.appendChild(control.el);
    }
    select.addEventListener("change", choose);
    choose();
    gb.modal(say("set_field", {n: rows.length}), [select, holder], [{text: say("apply"), primary: true, id: "gb-bulk-ok", action: function () {
      var field = gb.byName[select.value], value = control.read();
      rows.forEach(function (row) { row.getCell(field.name).setValue(value); });
    }}]);
  }

  function bulkDelete() {
    var chosen = selectedRows();
    if (!chosen.length) { G.setState("", say("select_rows")); return; }
    if (!window.confirm(say("delete_rows", {n: chosen.length}))) return;
    var rows = chosen.filter(function (r) { return typeof r.getData().id === "number"; });
    chosen.filter(function (r) { return rows.indexOf(r) < 0; }).forEach(function (r) {
      delete G.pending[G.keyOf(r)];  // never saved: nothing to ask the server
      delete G.marks[G.keyOf(r)];
      r.delete();
    });
    G.persist();
    G.setState();
    gb.call("POST", api + "/delete", {items: rows.map(function (r) { return {id: r.getData().id, _version: r.getData()._version}; })})
      .then(function (r) {
        var refused = [];
        (r.body.results || []).forEach(function (result) {
          if (result.status === "deleted") { G.table.getRow(result.id).delete(); }
          else {
            var gone = G.table.getRow(result.id);
            refused.push((gone ? gb.recordTitle(gone.getData()) : result.id) + ": " + gb.errorsText(result.errors));
          }
        });
        G.setState(refused.length ? "error" : "", refused.join(" · "));
      });
  }

  function exportRows(condition) {
    var columns = G.currentColumns().filter(function (c) { return c.visible; }).map(function (c) { return c.field; });
    var options = {format: "xlsx", columns: columns, sort: G.sortParam(G.table.getSorters())};
    if (condition) options.condition = condition;
    if (G.state.q && !condition) options.search = G.state.q;
    gb.call("POST", api + "/export", options).then(function (r) {
      if (r.status === 202) { window.location = "/admin/transfer/job/" + r.body.id + "/"; }
      else { G.setState("error", gb.errorsText(r.body.errors)); }
    });
  }

  function restorePending() {
    try { G.pending = JSON.parse(localStorage.getItem(G.storeKey)) || {}; } catch (e) { G.pending = {}; }
    Object.keys(G.pending).forEach(function (k) {
      G.pending[k].held = false;
      if (/^new-/.test(k)) { G.newRows += 1; G.table.addRow(Object.assign({id: k}, G.pending[k].data), false); }
    });
    if (Object.keys(G.pending).length) G.scheduleFlush(0);
  }

  function liveUpdate(records, deleted, created) {
    records.forEach(function (record) {
      var row = G.table.getRow(record.id);
      if (!row || G.pending[String(record.id)]) return;
      if (row.getData()._version === record._version) return;
      G.refresh(row, record);
      row.getElement().classList.add("gb-row-live");
      setTimeout(function () { row.getElement().classList.remove("gb-row-live"); }, 2000);
    });
    deleted.forEach(function (id) { var row = G.table.getRow(id); if (row) row.delete(); });
    var live = document.getElementById("gb-live");
    if (created) {
      live.innerHTML = "";
      var link = gb.el("a", {href: "#", text: say("new_rows", {n: created})});
      link.addEventListener("click", function (e) { e.preventDefault(); live.innerHTML = ""; reload(); });
      live.appendChild(link);
    }
  }

  function start() {
    var params = new URL(window.location.href).searchParams;
    G.state.q = params.get("q") || "";
    G.takeParams(params);  // ?customer=12: the grid of one customer's orders
    document.getElementById("gb-search").value = G.state.q;
    var view = G.wantedView(params);
    var columns = G.buildColumns((G.layout || {}).columns);
    if (G.ordered()) columns.unshift({rowHandle: true, formatter: "handle", headerSort: false, frozen: true,
                                      width: 30, minWidth: 30, resizable: false, cssClass: "gb-handle"});
    var phone = G.phoneCards = G.onPhone();
    G.table = new Tabulator("#gb-grid", Object.assign({
      height: cfg.part ? "calc(100vh - 60px)" : "calc(100vh - 260px)", layout: "fitData", index: "id",
      columns: columns, movableRows: G.ordered(),
      rowHeader: {formatter: function (cell) { return cell.getRow().getPosition(true) + " " + G.openRecord(cell); },
                  cellClick: G.toggleLines, headerSort: false, hozAlign: "center", resizable: false, frozen: true,
                  width: cfg.lines.length ? 80 : 64},
      rowFormatter: cfg.lines.length ? G.rowLines : undefined,
      selectableRange: true, selectableRangeColumns: true, selectableRangeRows: true,
      selectableRangeClearCells: true, selectableRangeClearCellsValue: "",
      editTriggerEvent: "dblclick",
      clipboard: true, clipboardCopyStyled: false, clipboardCopyRowRange: "range",
      clipboardCopyConfig: {rowHeaders: false, columnHeaders: false},
      clipboardPasteParser: "range", clipboardPasteAction: G.paste,
      pagination: true, paginationMode: "remote", paginationSize: 100,
      paginationSizeSelector: [50, 100, 250, 500],
      sortMode: "remote", filterMode: "remote", ajaxURL: api, ajaxRequestFunc: loadPage,
      paginationCounter: function (size, row, page, total) {
        var f = new Intl.NumberFormat(cfg.locale);
        return f.format(total ? row : 0) + "–" + f.format(Math.min(row + size - 1, total)) + " / " +
          (G.totalExact ? f.format(total) : "> " + f.format(total - 1));
      },
      movableColumns: true, placeholder: "—", headerSortClickElement: "icon",
      locale: cfg.locale === "ru" ? "ru" : false,
      langs: {ru: {pagination: {first: "«", first_title: "Первая", last: "»", last_title: "Последняя",
                                prev: "‹", prev_title: "Назад", next: "›", next_title: "Вперёд", page_title: "Показать страницу",
                                page_size: "Строк", counter: {showing: "Строки", of: "из", rows: "", pages: "стр."}}}}
    }, phone ? G.phoneOptions() : {}));
    G.table.on("tableBuilt", function () {
      if (view) { G.fillViews(view.id); G.applyView(view); } else { G.fillViews(""); if (!phone) G.fillColumnsMenu(); }
      restorePending();
    });
    G.table.on("rowMoved", G.renumber);
    G.table.on("cellEdited", function (cell) {
      if (G.quiet) return;
      var field = cell.getField();
      if (!G.editableColumn(field)) { G.quiet = true; cell.restoreOldValue(); G.quiet = false; return; }
      G.queue(cell.getRow(), field, cell.getValue(), cell.getOldValue());
    });
    ["columnResized", "columnMoved", "columnVisibilityChanged"].forEach(function (name) {
      G.table.on(name, function () { if (!G.quiet) G.saveLayout(); });
    });
    document.getElementById("gb-grid").addEventListener("keydown", G.keys, true);
    gb.watch(cfg.entity, function () {
      return G.table.getRows("active").map(function (r) { return r.getData().id; }).filter(function (id) { return typeof id === "number"; });
    }, liveUpdate, 3000);
    window.addEventListener("online", function () { G.scheduleFlush(0); });
  }

  // What the role may not do is not offered (the server refuses it anyway).
  function offerOnly() {
    [["create", "gb-new-row"], ["delete", "gb-bulk-delete"], ["export", "gb-bulk-export"],
     ["export", "gb-export-view"]].forEach(function (pair) {
      if (cfg.can.indexOf(pair[0]) < 0) document.getElementById(pair[1]).hidden = true;
    });
  }

  Object.assign(G, {reload: reload, applyGrouping: applyGrouping, refreshTotals: refreshTotals});

  document.addEventListener("DOMContentLoaded", function () {
    offerOnly();
    G.wireViews();
    document.getElementById("gb-group").addEventListener("change", function (e) {
      G.state.group = e.target.value; applyGrouping(); reload();
    });
    document.getElementById("gb-new-row").addEventListener("click", function () {
      var row = G.addRow({}, true), first = cfg.fields.filter(function (f) { return !f.read_only && !f.hidden; })[0];
      G.table.scrollToRow(row, "bottom", false);
      if (first) row.getCell(first.name).edit();
    });
    document.getElementById("gb-bulk-set").addEventListener("click", function (e) { e.preventDefault(); bulkSet(); });
    document.getElementById("gb-bulk-delete").addEventListener("click", function (e) { e.preventDefault(); bulkDelete(); });
    document.getElementById("gb-bulk-export").addEventListener("click", function (e) {
      e.preventDefault();
      var ids = selectedRows().map(function (r) { return r.getData().id; }).filter(function (id) { return typeof id === "number"; });
      if (!ids.length) { G.setState("", say("select_rows")); return; }
      exportRows({field: "id", in: ids});
    });
    document.getElementById("gb-export-view").addEventListener("click", function () { exportRows(G.condition()); });
    document.querySelectorAll(".gb-bulk-print").forEach(function (item) {
      item.addEventListener("click", function (e) {  // one .zip of the selection's documents
        e.preventDefault();
        var ids = selectedRows().map(function (r) { return r.getData().id; }).filter(function (id) { return typeof id === "number"; });
        if (!ids.length) { G.setState("", say("select_rows")); return; }
        window.location.href = "/api/" + cfg.entity + "/documents/" + item.dataset.document +
          "/print?format=" + item.dataset.format + "&ids=" + ids.join(",");
      });
    });
    G.loadViews().then(start);
  });
})(window.gbGrid = window.gbGrid || {});

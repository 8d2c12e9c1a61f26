// Files dropped on a record's file cell are attached to it: sent to POST /api/files (the
// server judges each by what it holds), then added to the field's files by a PATCH with
// the version the row was read at. The cell shows the names; the record's page the files.
(function (G) {
  "use strict";
  var cfg = gb.config;

  function cellAt(target) {  // {row, field} of a file cell of a saved row, or null
    var el = target && target.closest ? target.closest(".tabulator-cell") : null;
    var spec = el ? gb.byName[el.getAttribute("tabulator-field")] : null;
    if (!spec || spec.editor !== "files" || spec.read_only) return null;
    var rowEl = el.closest(".tabulator-row");
    var row = G.table.getRows().filter(function (r) { return r.getElement() === rowEl; })[0];
    return row && typeof row.getData().id === "number" ? {row: row, field: spec} : null;
  }

  function attach(at, files) {
    var record = at.row.getData(), name = at.field.name, change = {_version: record._version};
    G.setState("saving");
    gb.upload(cfg.entity, name, files).then(function (r) {
      if (r.status !== 201) { G.setState("error", gb.errorsText(r.body.errors) || String(r.status)); return; }
      change[name] = (record[name] || []).concat(r.body.items);
      return gb.call("PATCH", "/api/" + cfg.entity + "/" + record.id, change).then(function (s) {
        if (s.status !== 200) { G.setState("error", gb.errorsText(s.body.errors) || String(s.status)); return; }
        at.row.update(s.body);
        G.setState("");
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var grid = document.getElementById("gb-grid");
    grid.addEventListener("dragover", function (e) {
      if (cellAt(e.target)) { e.preventDefault(); e.dataTransfer.dropEffect = "copy"; }
    });
    grid.addEventListener("drop", function (e) {
      var at = cellAt(e.target);
      if (!at || !e.dataTransfer || !e.dataTransfer.files.length) return;
      e.preventDefault();
      attach(at, e.dataTransfer.files);
    });
  });
})(window.gbGrid = window.gbGrid || {});

// Views, filters and columns: the filter chips, saved views (mine and shared), the
// columns menu and the layout remembered per user.
(function (G) {
  "use strict";
  var cfg = gb.config, say = gb.say, api = "/api/" + cfg.entity;
  var layoutTimer = null;
  var OPS = ["eq", "ne", "in", "within", "contains", "gt", "lt", "gte", "lte", "is_empty", "not_empty"];
  var CHIPS = OPS.concat(["is_empty"]);  // the tests a chip can say (the rest: "+ …")
  var ME = {me: true};

  function condition() {
    var parts = G.state.filters.map(function (f) {
      var leaf = {field: f.field};
      leaf[f.op === "not_empty" ? "is_empty" : f.op] = f.op === "is_empty" ? true : f.op === "not_empty" ? false : f.value;
      return leaf;
    });
    if (G.state.extra) parts.push(G.state.extra);
    if (cfg.part) parts.push({field: cfg.part.link, eq: cfg.part.id});  // one record's lines
    return parts.length ? {all: parts} : null;
  }

  function sortParam(sorters) {
    var sort = (sorters || []).map(function (s) { return (s.dir === "desc" ? "-" : "") + s.field; }).join(",");
    sort = sort || G.state.sort || cfg.default_sort;
    return G.state.group ? G.state.group + "," + sort : sort;
  }

  function query() {
    var c = condition(), q = "";
    if (c) q += "&filter=" + encodeURIComponent(JSON.stringify(c));
    if (G.state.q) q += "&q=" + encodeURIComponent(G.state.q);
    return q;
  }

  function currentColumns() {
    if (!G.table) return [];  // the board: no columns of its own
    return G.table.getColumns().filter(function (c) { return c.getField(); }).map(function (c) {
      return {field: c.getField(), width: Math.round(c.getWidth()), visible: c.isVisible()};
    });
  }

  function saveLayout() {
    clearTimeout(layoutTimer);
    layoutTimer = setTimeout(function () {
      gb.call("PUT", api + "/layout", {config: {columns: currentColumns()}});
    }, 500);
  }

  function viewConfig() {
    var c = condition();
    var config = {columns: currentColumns(), sort: sortParam(G.table ? G.table.getSorters() : [])};
    if (c) config.filter = c;
    if (G.state.q) config.q = G.state.q;
    if (G.state.group) config.group_by = G.state.group;
    if (G.state.group && config.sort.indexOf(G.state.group + ",") === 0) config.sort = config.sort.slice(G.state.group.length + 1);
    return config;
  }

  // A saved filter becomes chips where it is a plain list of tests, else one "custom" part.
  function takeFilter(filter) {
    G.state.filters = [];
    G.state.extra = null;
    if (filter) addParts(filter);
  }

  // A condition's leaves become chips where a chip can say them; the rest stays as "+ …"
  function addParts(filter) {
    (filter.all || [filter]).forEach(function (leaf) {
      if (leaf.all) { addParts(leaf); return; }
      var ops = Object.keys(leaf).filter(function (k) { return k !== "field"; });
      var arg = leaf[ops[0]], relative = arg && typeof arg === "object" && !Array.isArray(arg) && !arg.me;
      if (leaf.field && gb.byName[leaf.field] && ops.length === 1 && CHIPS.indexOf(ops[0]) >= 0 &&
          (ops[0] === "within" || !relative)) {
        var op = ops[0] === "is_empty" && leaf.is_empty === false ? "not_empty" : ops[0];
        G.state.filters.push({field: leaf.field, op: op, value: leaf[ops[0]]});
      } else {
        G.state.extra = G.state.extra ? {all: [G.state.extra, leaf]} : leaf;
      }
    });
  }

  // Fields named in the page's address are filters: /admin/grid/order/?customer=12&status=new;
  // ?filter={...} a whole condition (a report's drill-down)
  function takeParams(params) {
    params.forEach(function (value, name) {
      if (gb.byName[name]) G.state.filters.push({field: name, op: "eq", value: /^\d+$/.test(value) ? Number(value) : value});
    });
    if (params.get("filter")) {
      try { addParts(JSON.parse(params.get("filter"))); } catch (e) { /* not JSON: no filter */ }
    }
    drawChips();
  }

  function applyView(view) {
    var config = view ? view.config : G.layout || {};
    G.state.viewId = view ? view.id : null;
    takeFilter(view ? config.filter : null);
    G.state.q = view ? config.q || "" : "";
    G.state.group = view ? config.group_by || "" : "";
    G.state.sort = view ? config.sort || "" : "";
    document.getElementById("gb-search").value = G.state.q;
    var url = new URL(window.location.href);
    if (G.state.viewId) { url.searchParams.set("view", G.state.viewId); } else { url.searchParams.delete("view"); }
    history.replaceState(null, "", url);
    drawChips();
    if (G.table && !G.phoneCards) {  // (a phone's cards have no columns to arrange)
      document.getElementById("gb-group").value = G.state.group;
      G.quiet = true;
      G.table.setColumns(G.buildColumns((config.columns && config.columns.length ? config : G.layout || {}).columns));
      G.quiet = false;
      fillColumnsMenu();
      G.applyGrouping();
    }
    G.reload();
  }

  function fillViews(selected) {
    var select = document.getElementById("gb-view");
    select.innerHTML = "";
    select.appendChild(new Option(say("all_records"), ""));
    G.views.forEach(function (v) {
      select.appendChild(new Option(v.name + (v.shared ? " · " + say("shared") : ""), v.id));
    });
    select.value = selected || "";
  }

  function loadViews() {
    return gb.call("GET", api + "/views").then(function (r) {
      G.views = r.body.views || [];
      G.layout = r.body.layout;
    });
  }

  function saveView() {
    var current = G.views.filter(function (v) { return v.id === G.state.viewId && v.mine; })[0];
    var name = gb.el("input", {"class": "form-control", id: "gb-view-name", value: current ? current.name : ""});
    var shared = gb.el("input", {type: "checkbox", id: "gb-view-shared", checked: current ? current.shared : false});
    var label = gb.el("label", {"class": "mt-2"}, [shared, " " + say("shared")]);
    gb.modal(say("view_name"), [name, label], [{text: say("apply"), primary: true, id: "gb-view-ok", action: function () {
      var body = {name: name.value, shared: shared.checked, config: viewConfig()};
      var call = current ? gb.call("PUT", api + "/views/" + current.id, body) : gb.call("POST", api + "/views", body);
      return call.then(function (r) {
        if (r.status >= 300) { return gb.errorsText(r.body.errors); }
        return loadViews().then(function () { fillViews(r.body.id); G.state.viewId = r.body.id; applyView(r.body); });
      });
    }}]);
    setTimeout(function () { name.focus(); }, 200);
  }

  function deleteView() {
    if (!G.state.viewId || !window.confirm(say("delete_view"))) return;
    gb.call("DELETE", api + "/views/" + G.state.viewId).then(function () {
      loadViews().then(function () { fillViews(""); applyView(null); });
    });
  }

  function fillFilterBar() {
    var fieldSelect = document.getElementById("gb-filter-field");
    cfg.fields.filter(function (f) { return !f.hidden; }).forEach(function (f) {
      fieldSelect.appendChild(new Option(f.label, f.name));
    });
    var group = document.getElementById("gb-group");
    cfg.fields.filter(function (f) { return group && f.groupable && !f.hidden; }).forEach(function (f) {
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
      if (op === "in" && !field.options) allowed = false;  // "is any of": of choices and stages
      if (allowed) ops.appendChild(new Option(say(op), op));
    });
    ops.onchange = fillValue;
    fillValue();
  }

  // The value's box fits the test: periods for "within", several choices for "is any of",
  // choices for a choice, "me" offered for a person, else typed text.
  function fillValue() {
    var field = gb.byName[document.getElementById("gb-filter-field").value];
    var op = document.getElementById("gb-filter-op").value, value;
    var attrs = {"class": "form-control form-control-sm mr-1", id: "gb-filter-value", "aria-label": say("value")};
    var old = document.getElementById("gb-filter-days");
    if (old) old.remove();
    if (op === "within") {
      value = gb.el("select", attrs);
      Object.keys(gb.texts.periods).forEach(function (p) { value.appendChild(new Option(gb.texts.periods[p], p)); });
      ["last", "next"].forEach(function (way) { value.appendChild(new Option(say(way + "_days", {n: "…"}), way + "_n")); });
    } else if (field.options) {
      value = gb.el("select", op === "in" ? Object.assign({multiple: "multiple", size: 3}, attrs) : attrs);
      field.options.forEach(function (o) { value.appendChild(new Option(gb.label(o.label), o.value)); });
    } else if (field.users) {
      value = gb.el("input", Object.assign({list: "gb-filter-people", placeholder: say("me")}, attrs));
    } else {
      value = gb.el("input", attrs);
    }
    document.getElementById("gb-filter-value").replaceWith(value);
    if (op === "within") {  // "the last … days": how many, typed beside it
      var days = gb.el("input", {"class": "form-control form-control-sm mr-1 gb-days", id: "gb-filter-days", type: "number",
                                 min: "1", max: "3660", value: "14", "aria-label": say("days"), hidden: "hidden"});
      value.after(days);
      value.addEventListener("change", function () { days.hidden = !/_n$/.test(value.value); });
    }
  }

  function addFilter() {
    var op = document.getElementById("gb-filter-op").value, box = document.getElementById("gb-filter-value");
    var field = gb.byName[document.getElementById("gb-filter-field").value], value = box.value;
    if (op === "in") value = Array.prototype.map.call(box.selectedOptions, function (o) { return o.value; });
    else if (op === "within" && /_n$/.test(value)) {
      var days = parseInt(document.getElementById("gb-filter-days").value, 10);
      if (!(days >= 1 && days <= 3660)) return;
      value = value.replace(/_n$/, "_" + days + "_days");
    }
    else if (field.users && (value.trim() === "" || value.trim() === say("me"))) value = ME;
    G.state.filters.push({field: field.name, op: op, value: value});
    drawChips();
    G.reload();
  }

  function valueText(field, f) {
    if (f.op === "is_empty" || f.op === "not_empty") return "";
    if (f.op === "within") {
      var days = /^(last|next)_(\d+)_days$/.exec(f.value);
      return " " + (gb.texts.periods[f.value] || (days ? say(days[1] + "_days", {n: days[2]}) : JSON.stringify(f.value)));
    }
    if (f.value && f.value.me) return " " + say("me");
    if (Array.isArray(f.value)) return " " + f.value.map(function (v) { return gb.show(field, v); }).join(", ");
    return " " + gb.show(field, f.value);
  }

  function drawChips() {
    var box = document.getElementById("gb-filter-chips");
    box.innerHTML = "";
    G.state.filters.forEach(function (f, i) {
      var field = gb.byName[f.field];
      var text = field.label + " " + say(f.op) + valueText(field, f);
      var remove = gb.el("button", {type: "button", "class": "close ml-1", text: "×", title: "×"});
      remove.addEventListener("click", function () { G.state.filters.splice(i, 1); drawChips(); G.reload(); });
      box.appendChild(gb.el("span", {"class": "badge badge-info gb-chip mr-1"}, [text, remove]));
    });
    if (G.state.extra) box.appendChild(gb.el("span", {"class": "badge badge-secondary mr-1", text: "+ …"}));
  }

  function fillColumnsMenu() {
    var menu = document.getElementById("gb-columns");
    menu.innerHTML = "";
    G.table.getColumns().filter(function (c) { return c.getField(); }).forEach(function (column) {
      var box = gb.el("input", {type: "checkbox", checked: column.isVisible()});
      box.addEventListener("change", function () { column.toggle(); });
      menu.appendChild(gb.el("label", {"class": "dropdown-item mb-0"}, [box, " " + gb.byName[column.getField()].label]));
    });
  }

  // The filter bar, the views menu and the search, as the grid and the board both have them
  function wireViews() {
    fillFilterBar();
    var toggle = document.getElementById("gb-filters-toggle");  // a phone opens the filters on demand
    toggle.addEventListener("click", function () {
      var open = document.querySelector(".gb-filters").classList.toggle("gb-filters-open");
      toggle.setAttribute("aria-expanded", String(open));
    });
    document.getElementById("gb-filter-add").addEventListener("click", addFilter);
    document.getElementById("gb-view").addEventListener("change", function (e) {
      applyView(G.views.filter(function (v) { return String(v.id) === e.target.value; })[0] || null);
    });
    document.getElementById("gb-view-save").addEventListener("click", saveView);
    document.getElementById("gb-view-delete").addEventListener("click", deleteView);
    var searchTimer = null;
    document.getElementById("gb-search").addEventListener("input", function (e) {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(function () { G.state.q = e.target.value.trim(); G.reload(); }, 300);
    });
  }

  // The view the address names (?view=N), once the views are loaded
  function wantedView(params) {
    var wanted = Number(params.get("view")) || null;
    return G.views.filter(function (v) { return v.id === wanted; })[0] || null;
  }

  Object.assign(G, {wireViews: wireViews, wantedView: wantedView, condition: condition, sortParam: sortParam, query: query, currentColumns: currentColumns,
                    saveLayout: saveLayout, applyView: applyView, fillViews: fillViews, loadViews: loadViews,
                    saveView: saveView, deleteView: deleteView, takeParams: takeParams, fillFilterBar: fillFilterBar, addFilter: addFilter,
                    fillColumnsMenu: fillColumnsMenu});
})(window.gbGrid = window.gbGrid || {});

// The kanban board: one column per stage of the entity's status field, counts and sums from
// the server over every record (api/grid.py: groups), cards dragged between columns saved
// through the record service (so a stage's automations fire and its requirements apply).
// Filters, search and saved views are the grid's (grid_views.js, loaded after this file).
(function (G) {
  "use strict";
  var cfg = gb.config, say = gb.say, api = "/api/" + cfg.entity, stage = cfg.stage_field;
  var PAGE = 50;
  var columns = {};  // stage value -> {el, list, count, loaded}
  var cards = {};    // record id -> {el, record}
  Object.assign(G, {state: {filters: [], extra: null, q: "", group: "", sort: "", viewId: null},
                    views: [], layout: null, table: null, reload: function () { loadAll(); }});

  function query() { return G.query(); }

  function drawCard(record) {
    var entry = cards[record.id] || (cards[record.id] = {el: document.createElement("div")});
    var el = entry.el;
    entry.record = record;
    el.className = "gb-card";
    el.draggable = !gb.byName[stage].read_only;
    el.dataset.id = record.id;
    el.innerHTML = "";
    var title = document.createElement("a");
    title.href = "/admin/records/" + cfg.entity + "/details/?id=" + record.id;
    title.textContent = gb.recordTitle(record);
    title.draggable = false;
    var way = mover(record);  // at the top, beside the title: the card's middle stays for dragging
    if (way) el.appendChild(way);
    el.appendChild(title);
    cfg.fields.filter(function (f) { return (f.summable || f.users) && !f.hidden; }).forEach(function (f) {
      if (record[f.name] === null || record[f.name] === undefined) return;
      var line = document.createElement("div");
      line.className = "small text-muted";
      line.textContent = f.label + ": " + gb.show(f, record[f.name]);
      el.appendChild(line);
    });
    return el;
  }

  // The stages this person may move a record into (the role's "only", else every stage).
  function allowed(value) {
    var field = gb.byName[stage];
    return !field.read_only && (!field.only || field.only.indexOf(value) >= 0);
  }

  // "Move to…" on every card: the way to change a stage by touch or keyboard, not only by
  // dragging; it offers only the stages this person may set.
  function mover(record) {
    var field = gb.byName[stage];
    var targets = (field.options || []).filter(function (o) { return o.value !== record[stage] && allowed(o.value); });
    if (!targets.length) return null;
    var pick = gb.el("select", {"class": "custom-select custom-select-sm gb-move", "aria-label": say("move_to"), title: say("move_to")},
      [gb.el("option", {value: "", text: "⇄ " + say("move_to")})].concat(targets.map(function (o) {
        return gb.el("option", {value: o.value, text: gb.label(o.label)});
      })));
    pick.addEventListener("change", function () {
      if (!columns[pick.value]) makeColumn(pick.value);
      move(record.id, pick.value);
      showColumn(pick.value);
    });
    return pick;
  }

  // On a phone one stage shows at a time, chosen above the board (every stage with its count).
  function showColumn(value) {
    var picker = document.getElementById("gb-stage-pick");
    if (picker && value) picker.value = value;
    Object.keys(columns).forEach(function (v) { columns[v].el.classList.toggle("gb-column-current", v === String(picker ? picker.value : value)); });
  }

  function fillPicker() {
    var picker = document.getElementById("gb-stage-pick");
    if (!picker) return;
    var chosen = picker.value;
    picker.innerHTML = "";
    Object.keys(columns).forEach(function (v) {
      picker.appendChild(gb.el("option", {value: v, text: columns[v].label + " (" + columns[v].count + ")"}));
    });
    picker.value = columns[chosen] ? chosen : (Object.keys(columns).filter(function (v) { return columns[v].count; })[0] || Object.keys(columns)[0] || "");
    showColumn(picker.value);
  }

  function showError(id, text) {
    var el = cards[id].el;
    el.classList.add("gb-card-error");
    var note = document.createElement("div");
    note.className = "gb-card-error-text";
    note.textContent = text;
    el.appendChild(note);
  }

  function header(column, group) {
    column.count = group.count;
    column.label = group.label;
    var sums = Object.keys(group.sums).filter(function (n) { return group.sums[n] !== null; }).map(function (n) {
      return gb.show(gb.byName[n], group.sums[n]);
    }).join(" · ");
    column.head.innerHTML = "";
    var name = document.createElement("span");
    name.textContent = group.label;
    var count = document.createElement("span");
    count.className = "badge badge-light gb-column-count";
    count.textContent = group.count;
    column.head.append(name, count);
    if (group.color && /^#[0-9a-fA-F]{3,8}$/.test(group.color)) column.head.style.borderTopColor = group.color;
    column.sum.textContent = sums;
  }

  function loadCounts() {
    return gb.call("GET", api + "/groups?by=" + stage + query()).then(function (r) {
      (r.body.groups || []).forEach(function (group) {
        if (group.value === null) return;
        // a stage with nothing this person sees and nothing they may move into: not shown
        if (!group.count && !allowed(group.value) && !columns[group.value]) return;
        var column = columns[group.value] || makeColumn(group.value);
        header(column, group);
      });
      fillPicker();
    });
  }

  function loadCards(value, more) {
    var column = columns[value];
    var offset = more ? column.loaded : 0;
    return gb.call("GET", api + "?" + encodeURIComponent(stage) + "=" + encodeURIComponent(value) +
                   "&limit=" + PAGE + "&offset=" + offset + "&sort=" + encodeURIComponent(cfg.default_sort) + query())
      .then(function (r) {
        if (!more) { column.list.innerHTML = ""; column.loaded = 0; }
        (r.body.items || []).forEach(function (record) { column.list.appendChild(drawCard(record)); });
        column.loaded += (r.body.items || []).length;
        column.more.hidden = column.loaded >= (r.body.total || 0);
      });
  }

  function makeColumn(value) {
    var el = document.createElement("div");
    el.className = "gb-column";
    el.dataset.stage = value;
    var head = document.createElement("h6");
    var sum = document.createElement("div");
    sum.className = "gb-column-sum mb-2";
    var list = document.createElement("div");
    list.className = "gb-column-cards";
    var more = document.createElement("button");
    more.type = "button";
    more.className = "btn btn-sm btn-link";
    more.textContent = "…";
    more.hidden = true;
    more.addEventListener("click", function () { loadCards(value, true); });
    el.append(head, sum, list, more);
    if (!allowed(value)) el.classList.add("gb-column-closed");
    el.addEventListener("dragover", function (e) {
      if (!allowed(value)) return;  // (no drop allowed: the browser shows so)
      e.preventDefault();
      el.classList.add("gb-drop");
    });
    el.addEventListener("dragleave", function () { el.classList.remove("gb-drop"); });
    el.addEventListener("drop", function (e) {
      e.preventDefault();
      el.classList.remove("gb-drop");
      move(Number(e.dataTransfer.getData("text/plain")), value);
    });
    document.getElementById("gb-board").appendChild(el);
    columns[value] = {el: el, head: head, sum: sum, list: list, more: more, loaded: 0, count: 0};
    return columns[value];
  }

  function move(id, value) {
    var entry = cards[id];
    if (!entry || entry.record[stage] === value) return;
    var from = columns[entry.record[stage]];
    columns[value].list.prepend(entry.el);
    setState(say("saving"));
    var change = {_version: entry.record._version};
    change[stage] = value;
    gb.call("PATCH", api + "/" + id, change).then(function (r) {
      if (r.status === 200) {
        drawCard(r.body);
        setState(say("moved", {stage: gb.show(gb.byName[stage], value)}));
        if (window.gbEffects) gbEffects.follow(r.event);  // the SMS it sent, the task it made
        loadCounts();
        return;
      }
      if (from) from.list.prepend(entry.el);
      showError(id, gb.errorsText(r.body.errors) || say("offline", {n: 1}));
      setState("");
      if (r.status === 409) gb.call("GET", api + "/" + id).then(function (fresh) {
        if (fresh.status === 200) { entry.record = fresh.body; }
      });
    });
  }

  function setState(text) { document.getElementById("gb-save-state").textContent = text; }

  function liveUpdate(records, deleted, created) {
    records.forEach(function (record) {
      var entry = cards[record.id];
      if (!entry || entry.record._version === record._version) return;
      var moved = entry.record[stage] !== record[stage];
      drawCard(record);
      if (moved && columns[record[stage]]) columns[record[stage]].list.prepend(entry.el);
      entry.el.classList.add("gb-row-live");
      setTimeout(function () { entry.el.classList.remove("gb-row-live"); }, 2000);
    });
    deleted.forEach(function (id) { if (cards[id]) { cards[id].el.remove(); delete cards[id]; } });
    if (records.length || deleted.length || created) loadCounts();
  }

  function loadAll() {
    return loadCounts().then(function () {
      return Promise.all(Object.keys(columns).map(function (v) { return loadCards(v); }));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.getElementById("gb-board").addEventListener("dragstart", function (e) {
      var card = e.target.closest && e.target.closest(".gb-card");
      if (card) e.dataTransfer.setData("text/plain", card.dataset.id);
    });
    var picker = document.getElementById("gb-stage-pick");
    if (picker) picker.addEventListener("change", function () { showColumn(picker.value); });
    G.wireViews();
    G.loadViews().then(function () {
      var params = new URL(window.location.href).searchParams, view = G.wantedView(params);
      G.fillViews(view ? view.id : "");
      if (view) { G.applyView(view); } else { G.takeParams(params); loadAll(); }
      gb.watch(cfg.entity, function () { return Object.keys(cards).map(Number); }, liveUpdate, 3000);
    });
  });
})(window.gbGrid = window.gbGrid || {});

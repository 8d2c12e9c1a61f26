// The grid on a phone (below 768 px): each record a card — its title (a way to its page),
// a few key fields with tap-to-call / write links, and its stage with "Move to…" (saved as
// any grid edit is, refusals written on the card). Paging, filters, search and views stay
// the grid's; nothing scrolls sideways.
(function (G) {
  "use strict";
  var cfg = gb.config, say = gb.say, KEY_FIELDS = 4;

  function onPhone() { return window.matchMedia("(max-width: 767.98px)").matches; }

  function keyFields() {
    return cfg.fields.filter(function (f) {
      return !f.hidden && f.name !== cfg.title_field && f.name !== cfg.stage_field && f.editor !== "files";
    }).slice(0, KEY_FIELDS);
  }

  function reach(field, value) {
    if (!field.reach || !value || typeof value !== "string") return null;
    return gb.el("a", {"class": "gb-reach gb-reach-" + field.reach, href: field.reach + ":" + value,
                       "aria-label": say(field.reach)});
  }

  function stageLine(row, record) {
    var field = gb.byName[cfg.stage_field], value = record[cfg.stage_field];
    var line = gb.el("div", {"class": "gb-phone-stage mt-1"});
    var option = gb.option(field, value);
    var badge = gb.el("span", {"class": "gb-badge mr-2", text: gb.show(field, value)});
    if (option && /^#[0-9a-fA-F]{3,8}$/.test(option.color || "")) badge.style.background = option.color;
    line.appendChild(badge);
    var targets = field.read_only ? [] : field.options.filter(function (o) {
      return o.value !== value && (!field.only || field.only.indexOf(o.value) >= 0);
    });
    if (targets.length && typeof record.id === "number") {
      var pick = gb.el("select", {"class": "custom-select custom-select-sm gb-phone-move", "aria-label": say("move_to")},
        [gb.el("option", {value: "", text: say("move_to")})].concat(targets.map(function (o) {
          return gb.el("option", {value: o.value, text: gb.label(o.label)});
        })));
      pick.addEventListener("change", function () {
        var before = row.getData()[cfg.stage_field], change = {};
        change[cfg.stage_field] = pick.value;
        G.quiet = true;
        row.update(change);
        G.quiet = false;
        G.queue(row, cfg.stage_field, pick.value, before);  // (paints the card again)
      });
      line.appendChild(pick);
    }
    return line;
  }

  function card(cell) {
    var row = cell.getRow(), record = G.withPending(row.getData()), box = gb.el("div", {"class": "gb-phone-card"});
    var title = gb.recordTitle(record) || "—";
    box.appendChild(typeof record.id === "number" ? gb.el("a", {"class": "gb-phone-title",
      href: "/admin/records/" + encodeURIComponent(cfg.entity) + "/details/?id=" + record.id, text: title, target: "_top"})
      : gb.el("strong", {text: title}));
    keyFields().forEach(function (field) {
      var value = record[field.name];
      if (value === null || value === undefined || value === "") return;
      box.appendChild(gb.el("div", {"class": "small"}, [gb.el("span", {"class": "text-muted", text: field.label + ": "}),
        gb.show(field, value), reach(field, value)]));
    });
    if (cfg.stage_field && !gb.byName[cfg.stage_field].hidden) box.appendChild(stageLine(row, record));
    var refused = G.marks[G.keyOf(row)] || {};
    Object.keys(refused).forEach(function (name) {
      box.appendChild(gb.el("div", {"class": "gb-cell-why small", text: (gb.byName[name] || {}).label + ": " + refused[name]}));
    });
    return box;
  }

  // Tabulator's settings for a phone: one column of cards, no cell ranges, the page scrolls.
  function phoneOptions() {
    return {columns: [{title: "", field: "id", formatter: card, headerSort: false, widthGrow: 1}],
            layout: "fitColumns", rowHeader: false, selectableRange: false, clipboard: false,
            movableColumns: false, movableRows: false, headerVisible: false, height: false,
            paginationSize: 50, paginationSizeSelector: false};
  }

  Object.assign(G, {onPhone: onPhone, phoneOptions: phoneOptions});
})(window.gbGrid = window.gbGrid || {});

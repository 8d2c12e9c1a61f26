// The calendar of one entity (FullCalendar, vendored): its records on the days of a date
// field the user picks, only those the filters and the search let through (the grid's
// filters and saved views, grid_views.js), coloured by stage; dragging one to another day
// (or time) saves it through the record service, and a refusal puts it back and says why.
(function (G) {
  "use strict";
  var cfg = gb.config, say = gb.say, api = "/api/" + cfg.entity, LIMIT = 500;
  var texts = JSON.parse(document.getElementById("gb-cal-texts").textContent);
  var calendar = null, field = null;
  Object.assign(G, {state: {filters: [], extra: null, q: "", group: "", sort: "", viewId: null},
                    views: [], layout: null, table: null,
                    reload: function () { if (calendar) calendar.refetchEvents(); }});

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function day(d) { return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()); }
  function moment(d) { return day(d) + "T" + pad(d.getHours()) + ":" + pad(d.getMinutes()); }
  function allDay() { return field.shown_as === "date"; }
  function setState(text) { document.getElementById("gb-save-state").textContent = text; }

  function colour(record) {
    var stage = cfg.stage_field && gb.option(gb.byName[cfg.stage_field], record[cfg.stage_field]);
    return stage && /^#[0-9a-fA-F]{3,8}$/.test(stage.color || "") ? stage.color : undefined;
  }

  function entry(record) {
    return {id: String(record.id), title: gb.recordTitle(record), start: record[field.name],
            allDay: allDay(), color: colour(record), extendedProps: {record: record},
            url: "/admin/records/" + cfg.entity + "/details/?id=" + record.id};
  }

  // The records whose date falls in the shown range, with the filters and the search
  function load(info, success, failure) {
    var base = G.condition(), range = [{field: field.name, gte: day(info.start)}, {field: field.name, lt: day(info.end)}];
    var condition = {all: (base ? base.all : []).concat(range)};
    var url = api + "?limit=" + LIMIT + "&sort=" + encodeURIComponent(field.name) +
      "&filter=" + encodeURIComponent(JSON.stringify(condition)) + (G.state.q ? "&q=" + encodeURIComponent(G.state.q) : "");
    gb.call("GET", url).then(function (r) {
      if (r.status !== 200) { setState(gb.errorsText(r.body.errors)); failure(new Error(String(r.status))); return; }
      var more = document.getElementById("gb-cal-more");
      more.textContent = r.body.total > r.body.items.length ?
        texts.more.replace("{n}", r.body.items.length).replace("{total}", r.body.total) : "";
      more.classList.toggle("d-none", !more.textContent);
      success(r.body.items.map(entry));
      document.body.setAttribute("data-calendar-loaded", String(Date.now()));
    });
  }

  function moved(info) {
    var record = info.event.extendedProps.record, change = {_version: record._version};
    change[field.name] = allDay() ? day(info.event.start) : moment(info.event.start);
    setState(say("saving"));
    gb.call("PATCH", api + "/" + record.id, change).then(function (r) {
      if (r.status === 200) {
        info.event.setExtendedProp("record", r.body);
        setState(texts.moved.replace("{when}", gb.show(field, r.body[field.name])));
        return;
      }
      info.revert();
      setState(say("refused", {msg: gb.errorsText(r.body.errors) || String(r.status)}));
    });
  }

  function start() {
    var dates = cfg.fields.filter(function (f) { return f.dated && !f.hidden; });
    var select = document.getElementById("gb-cal-field"), params = new URL(window.location.href).searchParams;
    dates.forEach(function (f) { select.appendChild(new Option(f.label, f.name)); });
    select.value = params.get("by") && gb.byName[params.get("by")] ? params.get("by") : dates[0].name;
    field = gb.byName[select.value];
    var phone = window.matchMedia("(max-width: 575px)").matches;
    calendar = new window.FullCalendar.Calendar(document.getElementById("gb-calendar"), {
      locale: cfg.locale === "ru" ? "ru" : "en-gb", firstDay: 1, height: "auto",
      timeHint: texts.time, eventHint: texts.event,  // (the list's headers, read aloud)
      initialView: phone ? "listWeek" : "dayGridMonth",
      headerToolbar: phone ? {left: "prev,next", center: "title", right: "listWeek,dayGridMonth"} :
        {left: "prev,next today", center: "title", right: "dayGridMonth,timeGridWeek,listWeek"},
      editable: !field.read_only && cfg.can.indexOf("update") >= 0, eventStartEditable: true,
      eventDurationEditable: false, events: load, eventDrop: moved
    });
    select.addEventListener("change", function () {
      field = gb.byName[select.value];
      calendar.setOption("editable", !field.read_only && cfg.can.indexOf("update") >= 0);
      var url = new URL(window.location.href);
      url.searchParams.set("by", field.name);
      history.replaceState(null, "", url);
      calendar.refetchEvents();
    });
    var view = G.wantedView(params);
    G.fillViews(view ? view.id : "");
    if (view) { G.applyView(view); } else { G.takeParams(params); }
    calendar.render();
  }

  document.addEventListener("DOMContentLoaded", function () {
    G.wireViews();
    G.loadViews().then(start);
    gb.watch(cfg.entity, function () {
      return calendar ? calendar.getEvents().map(function (e) { return Number(e.id); }) : [];
    }, function (records, deleted, created) {
      if (records.length || deleted.length || created) G.reload();
    }, 5000);
  });
})(window.gbGrid = window.gbGrid || {});

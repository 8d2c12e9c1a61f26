// The entity's data-quality checks without JSON: each its name (en, ru), how bad it is,
// whose it is to fix (a person field of the record), the records it picks (design.js's
// condition builder) and what to do about it. Edits the definition object in place.
(function () {
  "use strict";
  var d = gbDesign, el = d.el, say = gb.say, LANGS = ["en", "ru"], LEVELS = ["critical", "warning", "info"];
  var fresh = new WeakSet();  // checks added here: their key follows their English name

  // box: where to draw; spec: the entity's definition; fields: its fields as the builder
  // takes them; people: the names and labels of its person fields
  window.gbChecks = function draw(box, spec, fields, people) {
    var checks = spec.checks || [];
    function keep() { if (checks.length) spec.checks = checks; else delete spec.checks; }
    function again() { keep(); draw(box, spec, fields, people); }
    box.innerHTML = "";
    checks.forEach(function (check, index) {
      function words(key, placeholder) {
        return LANGS.map(function (lang) {
          return el("div", {"class": "col-md-3 mb-1"}, [el("input", {"class": "form-control form-control-sm gb-check-" + key + "-" + lang,
            value: d.texts(check[key])[lang] || "", placeholder: placeholder + " (" + lang + ")", "aria-label": placeholder + " (" + lang + ")",
            oninput: function (e) {
              d.setText(check, key, lang, e.target.value);
              if (key === "label" && lang === "en" && fresh.has(check)) check.key = d.slug(e.target.value) || "check_" + (index + 1);
            }})]);
        });
      }
      var where = el("div", {"class": "gb-check-when"});
      var card = el("div", {"class": "card card-body p-2 mb-2 gb-check", "data-key": check.key || ""}, [
        el("div", {"class": "form-row"}, words("label", say("check_name")).concat([
          el("div", {"class": "col-md-2 mb-1"}, [d.select(LEVELS.map(function (l) { return [l, say("level_" + l)]; }),
            check.criticality || "warning", {"class": "form-control form-control-sm gb-check-level", "aria-label": say("check_level"),
              onchange: function (e) { check.criticality = e.target.value; }})]),
          el("div", {"class": "col-md-3 mb-1"}, [d.select([["", say("check_nobody")]].concat(people), check.who || "",
            {"class": "form-control form-control-sm gb-check-who", "aria-label": say("check_who"),
              onchange: function (e) { if (e.target.value) check.who = e.target.value; else delete check.who; }})]),
          el("div", {"class": "col-md-1 mb-1"}, [el("button", {type: "button", "class": "btn btn-sm btn-link text-danger", text: "✕",
            title: say("remove"), "aria-label": say("remove"), onclick: function () { checks.splice(index, 1); again(); }})])])),
        el("div", {"class": "small text-muted"}, [say("check_when")]), where,
        el("div", {"class": "form-row mt-1"}, words("fix", say("check_fix")))]);
      box.appendChild(card);
      var builder = d.conditionBuilder(where, fields, check.when, function () { check.when = builder.value() || {}; });
    });
    box.appendChild(el("button", {type: "button", "class": "btn btn-sm btn-outline-secondary", id: "gb-add-check",
      text: say("add_check"), onclick: function () {
        var check = {key: "check_" + (checks.length + 1), label: {en: ""}, criticality: "warning", when: {}};
        fresh.add(check);
        checks.push(check);
        again();
      }}));
  };
})();

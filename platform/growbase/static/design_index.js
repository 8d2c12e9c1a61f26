// The designer's front page: check an exported configuration before applying it (the
// same diff, plan and impact as any change), and choose who may change definitions.
(function () {
  "use strict";
  var d = gbDesign, el = d.el, say = gb.say, call = gb.call;
  var csrf = JSON.parse(document.getElementById("gb-csrf").textContent);
  var form = document.getElementById("gb-config-import"), out = document.getElementById("gb-config-review");

  function send(extra) {
    var data = new FormData(form);
    Object.keys(extra || {}).forEach(function (k) { data.append(k, extra[k]); });
    return fetch("/api/designer/import", {method: "POST", body: data, credentials: "same-origin",
      headers: {"X-CSRFToken": csrf}}).then(function (r) {
        return r.json().then(function (b) { return {status: r.status, body: b}; });
      });
  }

  function show(answer) {
    out.innerHTML = "";
    var body = answer.body;
    if (answer.status !== 200) {
      d.showProblems(out.appendChild(el("div", {"class": "alert alert-danger"})), body.errors || {"$": body.message});
      return;
    }
    var files = Object.keys(body.files);
    if (body.applied) { out.appendChild(el("div", {"class": "alert alert-success", text: say("applied")})); return; }
    if (!files.length) { out.appendChild(el("p", {"class": "text-muted", text: say("nothing")})); return; }
    var needs = false, loses = false;
    files.forEach(function (name) {
      var review = body.files[name];
      needs = needs || review.needs_confirmation;
      loses = loses || review.loses_data;
      out.appendChild(el("details", {"class": "mb-2 gb-config-file", open: true}, [el("summary", {text: name}),
        d.diffBlock(review.diff),
        el("ul", {}, (review.plan || []).map(function (l) { return el("li", {text: l}); })
          .concat((review.impact || []).map(function (u) { return el("li", {"class": "text-info", text: u.name + ": " + u.text}); })))]));
    });
    var boxes = [];
    if (needs) boxes.push(["confirm", el("input", {type: "checkbox", id: "gb-cfg-confirm"}), say("confirm")]);
    if (loses) boxes.push(["confirm_loss", el("input", {type: "checkbox", id: "gb-cfg-loss"}), say("confirm_loss")]);
    boxes.forEach(function (b) { out.appendChild(el("div", {"class": "form-check"}, [b[1], el("label", {"class": "ml-1", "for": b[1].id, text: b[2]})])); });
    out.appendChild(el("button", {type: "button", "class": "btn btn-primary btn-sm", id: "gb-config-apply", text: say("apply"),
      onclick: function () {
        var extra = {apply: "1"};
        boxes.forEach(function (b) { if (b[1].checked) extra[b[0]] = "1"; });
        send(extra).then(show);
      }}));
  }

  form.addEventListener("submit", function (e) { e.preventDefault(); send().then(show); });

  var designers = document.getElementById("gb-designers");
  if (designers) designers.addEventListener("submit", function (e) {
    e.preventDefault();
    var roles = Array.prototype.filter.call(designers.querySelectorAll("input[name=role]"), function (b) {
      return b.checked && !b.disabled; }).map(function (b) { return b.value; });
    call("PUT", "/api/designer/designers", {roles: roles}).then(function (answer) {
      document.getElementById("gb-designers-state").textContent = answer.status === 200 ? say("saved") : JSON.stringify(answer.body.errors);
    });
  });
})();

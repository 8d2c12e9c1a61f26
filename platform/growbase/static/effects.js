// "This save set off": after a save the worker runs the rules a moment later; this note
// asks GET /api/events/<id>/effects until the event is done and lists each rule and what
// its actions did (an SMS kept in the outbox, a task made), or goes away if none ran.
(function () {
  "use strict";
  var texts = JSON.parse(document.getElementById("gb-effects-texts").textContent);

  function line(item) {
    var li = document.createElement("li");
    var what = item.actions.map(function (a) {
      return a.action + (a.outcome ? " — " + a.outcome : "") + (a.delivery ? " (" + (texts[a.delivery] || a.delivery) + ")" : "");
    }).join("; ");
    li.textContent = item.rule + (what ? ": " + what : "") + (item.failed ? " — " + texts.failed : "");
    if (item.failed) li.className = "text-danger";
    return li;
  }

  function follow(eventId) {
    var box = document.getElementById("gb-effects");
    if (!box || !eventId) return;
    var tries = 0;
    box.dataset.event = eventId;
    function ask() {
      fetch("/api/events/" + encodeURIComponent(eventId) + "/effects",
            {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (found) {
          if (!found || box.dataset.event !== String(eventId)) return;
          if (found.items.length) {
            box.innerHTML = "";
            var head = document.createElement("strong");
            head.textContent = found.done ? texts.done : texts.running;
            var list = document.createElement("ul");
            list.className = "mb-0";
            found.items.forEach(function (item) { list.appendChild(line(item)); });
            box.append(head, list);
            box.hidden = false;
          }
          if (!found.done && ++tries < 30) setTimeout(ask, 1000);
          box.setAttribute("data-done", found.done ? "1" : "0");
        }, function () { if (++tries < 30) setTimeout(ask, 2000); });
    }
    ask();
  }

  window.gbEffects = {follow: follow};
  var box = document.getElementById("gb-effects");
  if (box) box.addEventListener("click", function () { box.hidden = true; });  // (read: away)
  if (box && box.dataset.event) follow(box.dataset.event);
})();

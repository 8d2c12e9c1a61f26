// A running import or export: poll its status each second, move the bar, say the rate
// and the time left; reload the page when it is done to show the result.
(function () {
  var box = document.getElementById("gb-job");
  if (!box || ["queued", "running"].indexOf(box.dataset.status) < 0) return;
  var bar = document.getElementById("gb-job-bar"), text = document.getElementById("gb-job-text");
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin"}).then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.status === "done" || s.status === "failed") { window.location.reload(); return; }
        var p = s.progress, total = Math.max(p.total, 1);
        bar.style.width = Math.round(100 * p.done / total) + "%";
        bar.setAttribute("aria-valuenow", p.done);
        if (p.waiting) text.textContent = box.dataset.waiting;
        else if (p.done) text.textContent = p.done.toLocaleString() + " / " + p.total.toLocaleString() +
          " · " + p.rate.toLocaleString() + "/s · " + p.left + " s";
        setTimeout(poll, 1000);
      }).catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
})();

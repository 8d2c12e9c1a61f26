// Live input masks: every input carrying data-mask (from the field definition) gets IMask.
// The server validates again; the mask only helps typing.
(function () {
  function applyMasks(root) {
    if (!window.IMask) return;
    root.querySelectorAll("input[data-mask]").forEach(function (input) {
      if (input.dataset.masked) return;
      input.dataset.masked = "1";
      IMask(input, window.gbMaskOptions(input.dataset.mask, {lazy: true}));
    });
  }
  document.addEventListener("DOMContentLoaded", function () { applyMasks(document); });
})();

// Flask-Admin's buttons, without inline handlers (the Content-Security-Policy forbids them):
// a delete asks first, a list action runs, a filter link does not navigate.
document.addEventListener("click", function (event) {
  var target = event.target.closest ? event.target : event.target.parentElement;
  var asks = target.closest("[data-gb-confirm]");
  if (asks && !window.confirm(asks.dataset.gbConfirm)) {
    event.preventDefault();
    event.stopPropagation();
    return;
  }
  var action = target.closest("[data-gb-action]");
  if (action) {
    event.preventDefault();
    window.modelActions.execute(action.dataset.gbAction);
  }
  if (target.closest("a.filter, a[href='#'][data-toggle]")) event.preventDefault();
}, true);


// Live input masks: every input carrying data-mask (from the field definition) gets IMask.
// The server validates again; the mask only helps typing.
(function () {
  function applyMasks(root) {
    if (!window.IMask) return;
    root.querySelectorAll("input[data-mask]").forEach(function (input) {
      if (input.dataset.masked) return;
      input.dataset.masked = "1";
      IMask(input, { mask: input.dataset.mask, lazy: true });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { applyMasks(document); });
})();

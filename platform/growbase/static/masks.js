// IMask options for a field's mask, the same in forms, grid cells and the designer's try box.
// A mask that starts with a fixed +7 (a Russian number) drops a leading 8 or 7 typed or
// pasted first: people write 8 912 … or 7 912 …, and the +7 already says it.
window.gbMaskOptions = function (mask, extra) {
  var options = Object.assign({mask: mask}, extra || {});
  if (mask.indexOf("+{7}") === 0) {
    options.prepareChar = function (ch, masked) {
      var typed = masked.unmaskedValue.replace(/^7/, "");
      return typed === "" && (ch === "8" || ch === "7") ? "" : ch;
    };
  }
  return options;
};

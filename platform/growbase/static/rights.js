// The permissions page: each role's "only the records where" built from rows of field /
// test / value (design.js's condition builder), kept as JSON in the form's hidden input.
(function () {
  "use strict";
  document.querySelectorAll(".gb-rows-cell").forEach(function (cell) {
    var kept = cell.querySelector(".gb-rows-value"), box = cell.querySelector(".gb-rows-builder");
    var initial = kept.value ? JSON.parse(kept.value) : null;
    var builder = gbDesign.conditionBuilder(box, gb.config.fields, initial, function () {
      var value = builder.value();
      kept.value = value ? JSON.stringify(value) : "";
    });
  });
})();

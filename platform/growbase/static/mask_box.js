// The designer's input-mask box: a preset or a typed mask, and a box to try it (and the
// field's pattern) before saving. One mask tried at a time, as one field panel is open.
(function () {
  "use strict";
  var d = gbDesign, el = d.el, say = gb.say;
  var tryMask = null;

  function maskBox(field, presetList) {
    var tryInput = el("input", {"class": "form-control form-control-sm", id: "gb-mask-try", placeholder: say("try_here")});
    var verdict = el("span", {"class": "small ml-2", id: "gb-mask-verdict"});
    var custom = el("input", {"class": "form-control form-control-sm", id: "gb-mask", value: field.mask || "",
      placeholder: "+{7} (000) 000-00-00", oninput: function (e) { setMask(e.target.value); }});
    function setMask(mask) {
      if (mask) field.mask = mask; else delete field.mask;
      custom.value = mask;
      if (tryMask) { tryMask.destroy(); tryMask = null; }
      tryInput.value = "";
      verdict.textContent = "";
      if (mask && window.IMask) tryMask = IMask(tryInput, window.gbMaskOptions(mask, {lazy: false}));
    }
    tryInput.addEventListener("input", function () { setTimeout(judge, 0); });  // after IMask's turn
    function judge() {
      var complete = tryMask ? tryMask.masked.isComplete : true;
      var pattern = field.pattern, ok = true;
      if (pattern) { try { ok = new RegExp(pattern).test(tryInput.value); } catch (e) { ok = true; } }
      verdict.textContent = !complete ? say("mask_incomplete") : ok ? say("mask_ok") : say("mask_pattern_refuses");
      verdict.className = "small ml-2 " + (complete && ok ? "text-success" : "text-danger");
    }
    var presets = d.select([["", say("preset")]].concat(presetList.map(function (p) { return [p.mask, p.label]; })), "",
      {"class": "form-control form-control-sm", id: "gb-mask-preset", onchange: function (e) { if (e.target.value) setMask(e.target.value); }});
    var out = el("div", {"class": "form-row align-items-end gb-mask-box"}, [
      el("div", {"class": "col-md-3"}, [el("label", {"class": "small mb-0", text: say("mask")}), presets]),
      el("div", {"class": "col-md-3"}, [el("label", {"class": "small mb-0", text: say("mask_custom")}), custom]),
      el("div", {"class": "col-md-3"}, [el("label", {"class": "small mb-0", "for": "gb-mask-try", text: say("try_here")}), tryInput]),
      el("div", {"class": "col-md-3"}, [verdict])]);
    setTimeout(function () { setMask(field.mask || ""); }, 0);
    return out;
  }

  window.gbMaskBox = maskBox;
})();

// The designer's shared parts: the JSON editor with each problem on
// its line, the review before saving (diff, migration plan, impact check, the two
// confirmations), the version history with compare and rollback, and helpers for labels
// and names. Every call goes to /api/designer through gbclient.js's call().
(function () {
  "use strict";
  var say = gb.say, call = gb.call, el = gb.el;

  function select(options, value, attrs) {
    return el("select", Object.assign({"class": "form-control form-control-sm"}, attrs || {}),
      options.map(function (o) {
        var pair = Array.isArray(o) ? o : [o, o];
        return el("option", {value: pair[0], text: pair[1], selected: String(pair[0]) === String(value)});
      }));
  }

  function label(text) {
    if (!text) return "";
    if (typeof text === "string") return text;
    return text[gb.config.locale] || text.en || Object.values(text)[0] || "";
  }

  // A label in each language ({en, ru}; a plain text is English), and one of them set
  function texts(value) {
    if (value && typeof value === "object") return value;
    return {en: value || ""};
  }
  function setText(object, key, lang, value) {
    var current = texts(object[key]);
    current[lang] = value;
    Object.keys(current).forEach(function (k) { if (!current[k]) delete current[k]; });
    if (Object.keys(current).length) object[key] = current; else delete object[key];
  }

  // A name for the system made from a label: Russian letters in Latin ones, whole words up
  // to `max` characters (40), starting with a letter; "" when nothing is left.
  var LATIN = {"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ы": "y", "э": "e", "ю": "yu", "я": "ya"};
  function slug(text, max) {
    max = max || 40;
    var words = (text || "").toLowerCase().split("").map(function (c) { return c in LATIN ? LATIN[c] : c; }).join("")
      .replace(/[^a-z0-9]+/g, "_").replace(/^[0-9_]+|_+$/g, "");
    return words.length > max ? words.slice(0, max + 1).replace(/_[^_]*$/, "") || words.slice(0, max) : words;
  }

  function fieldsOf(entityName) {
    var found = gb.config.entities.filter(function (e) { return e.name === entityName; })[0];
    return found ? found.fields : [];
  }

  // -- the JSON editor ------------------------------------------------------------------------
  function jsonEditor(textarea) {
    var cm = CodeMirror.fromTextArea(textarea, {
      mode: {name: "javascript", json: true}, lineNumbers: true, tabSize: 2, indentUnit: 2,
      gutters: ["gb-problem-gutter", "CodeMirror-linenumbers"], viewportMargin: Infinity
    });
    var marked = [];
    function clear() {
      marked.forEach(function (line) { cm.removeLineClass(line, "background", "gb-line-problem"); });
      cm.clearGutter("gb-problem-gutter");
      marked = [];
    }
    return {
      cm: cm,
      text: function () { return cm.getValue(); },
      set: function (value) {
        clear();
        cm.setValue(typeof value === "string" ? value : JSON.stringify(value, null, 2));
      },
      parsed: function () { return JSON.parse(cm.getValue()); },
      refresh: function () { setTimeout(function () { cm.refresh(); }, 0); },
      clear: clear,
      mark: function (errors, lines) {
        clear();
        Object.keys(errors).forEach(function (path) {
          var line = Math.max(0, Math.min(cm.lineCount() - 1, ((lines || {})[path] || 1) - 1));
          cm.addLineClass(line, "background", "gb-line-problem");
          cm.setGutterMarker(line, "gb-problem-gutter",
            el("span", {"class": "gb-problem-marker", title: errors[path], text: "●"}));
          marked.push(line);
        });
      }
    };
  }

  function showProblems(box, errors) {
    box.innerHTML = "";
    var keys = Object.keys(errors || {});
    box.hidden = !keys.length;
    if (!keys.length) return;
    box.appendChild(el("strong", {text: say("not_saved")}));
    box.appendChild(el("ul", {"class": "mb-0"}, keys.map(function (path) {
      return el("li", {}, [el("code", {text: path}), " ", errors[path]]);
    })));
  }

  // The form tab and the JSON tab edit one definition: entering the JSON tab writes it out,
  // leaving it reads it back (a syntax error keeps the owner there, named). `get`/`set`
  // reach the page's definition; the answer's `json` says which tab is showing.
  function twoViews(editor, problems, get, set) {
    var views = {json: false};
    window.jQuery('a[data-toggle="tab"]').on("show.bs.tab", function (e) {
      var to = e.target.getAttribute("href");
      if (views.json && to !== "#gb-tab-json") {
        try { set(editor.parsed()); } catch (err) {
          e.preventDefault();
          showProblems(problems, {"$": err.message});
          return;
        }
      }
      if (to === "#gb-tab-json") { editor.set(get()); editor.refresh(); }
      views.json = to === "#gb-tab-json";
    });
    views.refused = function (body) {  // the server's problems, listed and marked on lines
      showProblems(problems, body.errors || {});
      if (!views.json) editor.set(get());
      editor.mark(body.errors || {}, body.lines || {});
    };
    return views;
  }

  // -- the review before saving ---------------------------------------------------------------
  var modal = document.getElementById("gb-review");
  function openModal() { if (window.jQuery) window.jQuery(modal).modal("show"); else modal.hidden = false; }
  function closeModal() { if (window.jQuery) window.jQuery(modal).modal("hide"); else modal.hidden = true; }

  function diffBlock(lines) {
    if (!lines || !lines.length) return el("p", {"class": "text-muted", text: say("no_difference")});
    return el("pre", {"class": "gb-diff"}, lines.map(function (line) {
      var kind = line[0] === "+" && line.slice(0, 3) !== "+++" ? "gb-add" :
        line[0] === "-" && line.slice(0, 3) !== "---" ? "gb-del" : "";
      return el("div", {"class": kind, text: line});
    }));
  }

  function changesTable(rows) {
    return el("table", {"class": "table table-sm gb-field-changes"}, [
      el("thead", {}, [el("tr", {}, [say("field"), say("compare_a"), say("compare_b")].map(function (h) {
        return el("th", {text: h}); }))]),
      el("tbody", {}, rows.map(function (row) {
        return el("tr", {}, row.map(function (cell, i) { return el(i ? "td" : "th", {text: cell}); }));
      }))]);
  }

  // Ask the server for the review, show it, and save on "Apply" with the owner's answers.
  // `request` = {review: url, save: url, payload: {...}, before: the saved definition (an
  // entity's: its fields are compared in words; null for a new one)}; done(body) after a save.
  function review(request, done, refused) {
    var state = document.getElementById("gb-save-state");
    if (state) state.textContent = "";
    call("POST", request.review, request.payload).then(function (answer) {
      if (answer.status !== 200) {
        return refused(answer.body.errors ? answer.body : {errors: {"$": say("failed", {status: answer.status})}});
      }
      var body = answer.body;
      var content = document.getElementById("gb-review-body");
      content.innerHTML = "";
      content.appendChild(el("h6", {text: say("changes")}));
      var fields = request.before !== undefined && window.gbDesign.fieldChanges ?
        window.gbDesign.fieldChanges(request.before, body.spec, gb.config.entities || []) : null;
      if (fields) {
        content.appendChild(fields.length ? changesTable(fields) : el("p", {"class": "text-muted", text: say("fields_same")}));
        content.appendChild(el("details", {"class": "mb-2 gb-diff-json"}, [el("summary", {"class": "small", text: say("as_json")}),
                                                                         diffBlock(body.diff)]));
      } else {
        content.appendChild(diffBlock(body.diff));
      }
      if (body.plan && body.plan.length) {
        content.appendChild(el("h6", {text: say("plan")}));
        content.appendChild(el("ul", {"class": "gb-plan"}, body.plan.map(function (l) { return el("li", {text: l}); })));
      }
      (body.warnings || []).forEach(function (w) {
        content.appendChild(el("div", {"class": "alert alert-warning py-1", text: w}));
      });
      var editable = requirementsBlock(content, body.requirements || []);
      var update = null;
      if (body.impact && body.impact.length) {
        content.appendChild(el("h6", {text: say("impact")}));
        content.appendChild(el("ul", {"class": "gb-impact"}, body.impact.map(function (u) {
          return el("li", {"class": u.follows ? "" : "text-danger"}, [
            el("span", {"class": "badge badge-light mr-1", text: say("kind_" + u.kind)}),
            el("strong", {text: u.name}), " — ", u.text, " ", el("code", {"class": "small", text: u.where})]);
        })));
        update = el("input", {type: "checkbox", id: "gb-update-uses", checked: true});
        content.appendChild(el("div", {"class": "form-check"}, [update,
          el("label", {"class": "form-check-label ml-1", "for": "gb-update-uses", text: say("update_together")})]));
      }
      var confirm = null, confirmLoss = null;
      if (body.needs_confirmation) {
        confirm = el("input", {type: "checkbox", id: "gb-confirm"});
        content.appendChild(el("div", {"class": "form-check mt-2"}, [confirm,
          el("label", {"class": "form-check-label ml-1", "for": "gb-confirm", text: say("confirm")})]));
      }
      if (body.loses_data) {
        confirmLoss = el("input", {type: "checkbox", id: "gb-confirm-loss"});
        content.appendChild(el("div", {"class": "form-check text-danger"}, [confirmLoss,
          el("label", {"class": "form-check-label ml-1", "for": "gb-confirm-loss", text: say("confirm_loss")})]));
      }
      var message = el("div", {"class": "text-danger small mt-2", id: "gb-review-message", role: "alert"});
      content.appendChild(message);
      var apply = document.getElementById("gb-review-apply");
      function ready() { apply.disabled = (confirm && !confirm.checked) || (confirmLoss && !confirmLoss.checked); }
      [confirm, confirmLoss].forEach(function (box) { if (box) box.addEventListener("change", ready); });
      ready();
      apply.onclick = function () {
        apply.disabled = true;
        var payload = Object.assign({}, request.payload, {
          editable_for: editableFor(editable),
          update_uses: update ? update.checked : true,
          confirm: !!(confirm && confirm.checked), confirm_loss: !!(confirmLoss && confirmLoss.checked)});
        call("PUT", request.save, payload).then(function (saved) {
          if (saved.status === 200) { closeModal(); done(saved.body); return; }
          if (saved.status === 422) { closeModal(); refused(saved.body); return; }
          var errors = saved.body.errors || {};
          message.textContent = saved.body.message || errors._version ||
            Object.keys(errors).map(function (k) { return errors[k]; }).join(" ") || say("failed", {status: saved.status});
          ready();
        });
      };
      openModal();
    });
  }

  // What a new requirement asks: how many records miss it, and the roles that must fill it
  // but may not change it, each with a box (ticked) to make it editable for them.
  function requirementsBlock(content, requirements) {
    var boxes = [];
    if (!requirements.length) return boxes;
    content.appendChild(el("h6", {text: say("required_now")}));
    requirements.forEach(function (r) {
      var text = r.breaking === null ? say("required_uncounted", {label: r.label}) :
        say("required_breaking", {label: r.label, n: r.breaking});
      if (r.examples.length) text += " (" + r.examples.join(", ") + (r.breaking > r.examples.length ? ", …" : "") + ")";
      var item = el("div", {"class": "gb-requirement mb-2"}, [el("div", {text: text}),
        el("div", {"class": "small text-muted", text: say("required_still_saved")})]);
      r.locked.forEach(function (role) {
        var box = el("input", {type: "checkbox", checked: true, id: "gb-editable-" + r.field + "-" + role});
        boxes.push({field: r.field, role: role, box: box});
        item.appendChild(el("div", {"class": "form-check"}, [box, el("label", {"class": "form-check-label ml-1",
          "for": box.id, text: say("let_role_fill", {role: role, label: r.label})})]));
      });
      content.appendChild(item);
    });
    return boxes;
  }

  function editableFor(boxes) {
    var chosen = {};
    boxes.forEach(function (b) { if (b.box.checked) (chosen[b.field] = chosen[b.field] || []).push(b.role); });
    return chosen;
  }

  // -- history --------------------------------------------------------------------------------
  // The saved versions with who and when; compare two; "Roll back" opens the review of
  // that version (saved as the newest; data added since stays).
  function history(box, kinds, name, rollBack) {
    box.innerHTML = "";
    if (!name) { box.appendChild(el("p", {"class": "text-muted", text: say("no_history")})); return; }
    call("GET", "/api/designer/" + kinds + "/" + name + "/versions").then(function (answer) {
      var items = answer.body.items || [];
      var out = el("div", {"class": "gb-compare-out mt-2"});
      var table = el("table", {"class": "table table-sm gb-versions"}, [
        el("thead", {}, [el("tr", {}, [say("compare_a"), say("compare_b"), say("version"), say("who"), say("when"), say("note"), ""]
          .map(function (h) { return el("th", {text: h}); }))]),
        el("tbody", {}, items.map(function (v, i) {
          return el("tr", {"data-version": v.version}, [
            el("td", {}, [el("input", {type: "radio", name: "gb-a", value: v.version, checked: i === 1 || (items.length === 1 && i === 0)})]),
            el("td", {}, [el("input", {type: "radio", name: "gb-b", value: v.version, checked: i === 0})]),
            el("td", {text: "v" + v.version}), el("td", {text: v.author}),
            el("td", {text: new Date(v.at + "Z").toLocaleString(gb.config.locale)}), el("td", {text: v.note}),
            el("td", {}, [i === 0 ? null : el("button", {type: "button", "class": "btn btn-sm btn-outline-danger gb-rollback",
              text: say("roll_back"), onclick: function () {
                call("GET", "/api/designer/" + kinds + "/" + name + "/versions/" + v.version).then(function (got) {
                  rollBack(got.body.spec, v.version);
                });
              }})])]);
        }))]);
      box.appendChild(table);
      box.appendChild(el("button", {type: "button", "class": "btn btn-sm btn-outline-secondary", id: "gb-compare",
        text: say("compare"), onclick: function () {
          var a = box.querySelector("input[name=gb-a]:checked"), b = box.querySelector("input[name=gb-b]:checked");
          if (!a || !b) return;
          call("GET", "/api/designer/" + kinds + "/" + name + "/compare?a=" + a.value + "&b=" + b.value).then(function (got) {
            out.innerHTML = "";
            out.appendChild(diffBlock(got.body.diff));
          });
        }}));
      box.appendChild(out);
    });
  }

  window.gbDesign = {el: el, select: select, label: label, texts: texts, setText: setText, slug: slug,
                     fieldsOf: fieldsOf, jsonEditor: jsonEditor,
                     showProblems: showProblems, review: review, twoViews: twoViews, history: history,
                     diffBlock: diffBlock};  // (and conditionBuilder, from condition_builder.js)
})();

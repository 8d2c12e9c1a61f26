// The review's table of an entity's fields before and after, in words, for the owner who
// does not read JSON: "Phone — Text → Phone", "Stage — choices New, Done → New, In work,
// Done", "Budget — (new) → Money". The JSON diff stays one click away.
(function (d) {
  "use strict";
  var say = gb.say;

  function choices(field) {
    return (field.options || []).map(function (o) {
      return typeof o === "string" ? o : d.label(o.label) || o.value;
    }).join(", ");
  }

  // What matters of a field, said: its type, whether required, its choices, where it links
  function words(field, entities) {
    if (!field) return say("field_new");
    if (field.retired) return say("field_retired");
    var parts = [say("type_" + field.type)];
    if (field.required) parts.push(say("required").toLowerCase());
    if (field.required_when) parts.push(say("required_sometimes"));
    if (field.options) parts.push(choices(field));
    if (field.to) {
      var to = entities.filter(function (e) { return e.name === field.to; })[0];
      parts.push("→ " + (to ? to.label : field.to));
    }
    if (field.formula) parts.push(field.formula);
    if (field.mask) parts.push(field.mask);
    return parts.join("; ");
  }

  // [[field, before, after]] of the fields whose settings above change; a field is matched
  // by its id (kept across renames), a new one by its name
  d.fieldChanges = function (before, after, entities) {
    var old = (before && before.fields) || [];
    function was(field) {
      return old.filter(function (f) { return field.id ? f.id === field.id : f.name === field.name; })[0];
    }
    return (after.fields || []).map(function (field) {
      var prior = was(field), name = d.label(field.label) || field.name;
      var renamed = prior && (d.label(prior.label) || prior.name) !== name ? (d.label(prior.label) || prior.name) + ": " : "";
      var a = (prior ? renamed : "") + words(prior, entities), b = words(field, entities);
      return a === b ? null : [name, a, b];
    }).filter(Boolean);
  };
})(window.gbDesign);

"""make_document: a record's document (an invoice from its Word template) made when a
rule fires, kept on the record's file field and/or emailed with it attached.

    {"make_document": {"template": "invoice", "format": "pdf", "field": "files",
                       "email": {"to": "{{ record.customer.email }}", "subject": "...",
                                 "text": "..."}}}

The document is made before the rule's transaction opens (prepare): LibreOffice's second
or two does not hold the database's write lock."""

from ..documents.make import make
from ..documents.store import templates_of
from ..fields.files import reference
from ..files import storage
from ..i18n import gettext as _
from .action_base import TEXT, Action, register
from .messages import SendEmail


@register
class MakeDocument(Action):
    name = "make_document"
    schema = {"type": "object", "required": ["template"], "additionalProperties": False,
              "anyOf": [{"required": ["field"]}, {"required": ["email"]}],
              "properties": {"template": {"type": "string"}, "format": {"enum": ["pdf", "docx"]},
                             "field": {"type": "string"},
                             "email": {"type": "object", "required": ["to", "subject", "text"],
                                       "additionalProperties": False,
                                       "properties": {"to": TEXT, "subject": TEXT,
                                                      "text": TEXT}}}}

    def validate(self, params, entity):
        problems = super().validate(params, entity)
        keys = [t.key for t in templates_of(entity.name)]
        if params["template"] not in keys:
            problems.append(("template", _("%(entity)s has no document \"%(key)s\"; there are: "
                                           "%(keys)s.", entity=entity.label(),
                                           key=params["template"], keys=", ".join(keys) or "-")))
        field = entity.by_name.get(params.get("field", ""))
        if "field" in params and (field is None or field.type.name != "file"):
            problems.append(("field", _("%(name)s is not a file field of %(entity)s.",
                                        name=params["field"], entity=entity.label())))
        for key, problem in SendEmail().validate(params.get("email", {}), entity):
            problems.append((f"email.{key}", problem))
        return problems

    def writes(self, params, entity_name, catalog):
        return [(entity_name, "updated", {params["field"]})] if "field" in params else []

    def follow(self, params, entity_name, catalog):
        return [("field", "field", entity_name)] if "field" in params else []

    def prepare(self, params, ctx):
        """The document made and kept in the file storage: its reference."""
        body, name, mimetype = make(ctx.entity.name, ctx.record_id, params["template"],
                                    params.get("format", "pdf"), ctx.service)
        return {"id": storage.put(body), "name": name, "size": len(body), "type": mimetype}

    def run(self, params, ctx):
        made = ctx.prepared or self.prepare(params, ctx)
        said = [_("document %(name)s", name=made["name"])]
        if "field" in params:
            _entity, row = ctx.service.get(ctx.entity.name, ctx.record_id)
            kept = [reference(r) for r in getattr(row, params["field"]) or []]
            ctx.service.update(ctx.entity.name, ctx.record_id, {params["field"]: kept + [made]})
            said.append(_("kept in %(field)s", field=ctx.entity.by_name[params["field"]].label()))
        if "email" in params:
            said.append(SendEmail().run(params["email"], ctx, attachments=[made]))
        return "; ".join(said)

    def describe(self, params, ctx):
        said = _("document \"%(key)s\" (%(format)s)", key=params["template"],
                 format=params.get("format", "pdf").upper())
        if "field" in params:
            said += ", " + _("kept in %(field)s", field=params["field"])
        if "email" in params:
            said += ", " + SendEmail().describe(params["email"], ctx)
        return said

"""Plan and apply the schema change between two versions of an entity, losing nothing.

Add = ADD COLUMN (no table rebuild). Rename = label only. Remove = retire (hidden,
column kept) until purged. Type change = a dry run first: how many values convert,
which do not; applied only when confirmed, the old column kept as a backup.
"""

import json
from dataclasses import dataclass, field as dc_field

from playhouse.migrate import SchemaMigrator

from .db import database
from .fields import FieldError
from .i18n import gettext as _
from peewee import Table

from .models import build_column, index_specs

SAMPLES = 5


@dataclass
class Conversion:
    field: str
    old_type: str
    new_type: str
    total: int = 0
    converted: int = 0
    failed: list = dc_field(default_factory=list)  # [(record id, value, reason)] samples
    failed_count: int = 0


@dataclass
class Plan:
    entity: str
    create: bool = False
    added: list = dc_field(default_factory=list)
    retired: list = dc_field(default_factory=list)
    restored: list = dc_field(default_factory=list)
    renamed: list = dc_field(default_factory=list)  # [(old name, new name)]
    conversions: list = dc_field(default_factory=list)
    indexes_added: list = dc_field(default_factory=list)
    indexes_dropped: list = dc_field(default_factory=list)
    recomputed: list = dc_field(default_factory=list)  # computed fields to work out again
    numbered: list = dc_field(default_factory=list)  # autonumbers and record facts to fill in
    moved: list = dc_field(default_factory=list)  # [(field, old choice, new choice, records)]
    orphaned: list = dc_field(default_factory=list)  # [(field, removed choice, records)]
    blockers: list = dc_field(default_factory=list)  # [(path, sentence)] that stop the change
    warnings: list = dc_field(default_factory=list)

    @property
    def loses_values(self):
        return any(c.failed_count for c in self.conversions) or bool(self.orphaned)

    @property
    def needs_confirmation(self):
        return bool(self.conversions) or bool(self.orphaned)

    def lines(self):
        out = []
        if self.create:
            out.append(_("create table for %(e)s", e=self.entity))
        out += [_("add field %(f)s", f=f) for f in self.added]
        out += [_("rename field %(a)s -> %(b)s (label only, data stays)", a=a, b=b)
                for a, b in self.renamed]
        out += [_("retire field %(f)s (hidden, data kept)", f=f) for f in self.retired]
        out += [_("restore field %(f)s", f=f) for f in self.restored]
        out += [_("work out %(f)s for every record", f=f) for f in self.recomputed]
        out += [_("fill in %(f)s for the records there", f=f) for f in self.numbered]
        out += [_("rename choice %(a)s -> %(b)s of %(f)s: %(n)s records follow", a=a, b=b, f=f,
                  n=n) for f, a, b, n in self.moved]
        out += [_("remove choice %(a)s of %(f)s: %(n)s records keep it as a value that is no "
                  "longer a choice", a=a, f=f, n=n) for f, a, n in self.orphaned]
        for c in self.conversions:
            out.append(_("convert %(f)s from %(a)s to %(b)s: %(ok)s of %(n)s values convert, "
                         "%(bad)s do not", f=c.field, a=c.old_type, b=c.new_type, ok=c.converted,
                         n=c.total, bad=c.failed_count))
            out += [f"    #{rid}: {value!r} - {why}" for rid, value, why in c.failed]
        out += [f"  ! {text}" for _path, text in self.warnings]
        return out


def holding(entity, field, value):
    """Records whose `field` holds the choice `value` (one of several for multi-choices)."""
    column = getattr(entity.model, field.name)
    if field.type.holds_list:
        return column.contains(json.dumps(value, ensure_ascii=False))
    return column == value


def plan(old, new, change=None):
    """Compare two Entity objects (old may be None) and dry-run what the change does;
    `change` (designer.impact.Change) says which choices were renamed or removed."""
    result = Plan(entity=new.name, create=old is None)
    for name, values in (change.choices.items() if change else ()):
        before = old.by_name[name]
        after = next(f for f in new.fields if f.id == before.id)
        for value, renamed in values.items():
            count = old.model.select().where(holding(old, before, value)).count()
            if count and renamed:
                result.moved.append((after.name, value, renamed, count))
            elif count:
                result.orphaned.append((after.name, value, count))
    old_by_id = {f.id: f for f in old.fields} if old else {}
    for index, field in enumerate(new.fields):
        before = old_by_id.get(field.id)
        if field.computed and not field.retired and (
                before is None or before.spec != field.spec or replaced(before, field)):
            result.recomputed.append(field.name)
        if (field.kind.assigned or field.kind.keeps_as) and not field.retired and (
                before is None or before.kind is not field.kind or
                before.get("format") != field.get("format") or before.get("of") != field.get("of")):
            result.numbered.append(field.name)  # numbered, or the record's stamp copied
        if before is None:
            if old is not None:
                result.added.append(field.name)
            continue
        if before.name != field.name:
            result.renamed.append((before.name, field.name))
        if field.retired and not before.retired:
            result.retired.append(field.name)
        if before.retired and not field.retired:
            result.restored.append(field.name)
        if before.type.storage_key(before) != field.type.storage_key(field) and \
                not field.computed:
            result.conversions.append(dry_run(old, before, field))
        was_unique, is_unique = bool(before.unique), bool(field.unique)
        if is_unique and not was_unique:
            dupes = duplicates(old, before)
            if dupes:
                result.blockers.append((f"$.fields[{index}].unique", _(
                    "%(n)s values of %(f)s appear more than once (e.g. %(sample)s); "
                    "fix them before making it unique.", n=len(dupes), f=field.name,
                    sample=", ".join(map(str, dupes[:3])))))
        if field.get("required") and not before.get("required") and old.model is not None:
            empty = old.model.select().where(getattr(old.model, before.name).is_null()).count()
            if empty:
                result.warnings.append((f"$.fields[{index}].required", _(
                    "%(n)s existing records have no %(f)s; they keep it empty until edited.",
                    n=empty, f=field.name)))
    return result


def duplicates(entity, field):
    from peewee import fn
    model, column = entity.model, getattr(entity.model, field.name)
    rows = (model.select(column).where(column.is_null(False)).group_by(column)
            .having(fn.COUNT(model.id) > 1).limit(10))
    return [getattr(row, field.name) for row in rows]


def dry_run(entity, old_field, new_field):
    """Try every stored value through the new type; nothing is written."""
    model = entity.model
    column = getattr(model, old_field.name)
    report = Conversion(old_field.name, old_field.get("type"), new_field.get("type"))
    for row in model.select(model.id, column).where(column.is_null(False)).iterator():
        report.total += 1
        value = getattr(row, old_field.name)
        try:
            converted = new_field.type.parse(old_field.type.to_json(value, old_field), new_field)
            problems = new_field.type.check(converted, new_field) if converted is not None else []
            if problems:
                raise FieldError(problems[0])
            report.converted += 1
        except FieldError as exc:
            report.failed_count += 1
            if len(report.failed) < SAMPLES:
                report.failed.append((row.id, old_field.type.display(value, old_field), str(exc)))
    return report


def _quote(name):
    """Quote an identifier we generated (entity and field ids match ^[a-z][a-z0-9_]*$)."""
    return '"%s"' % name


def apply(old, new, plan_, version):
    """Apply a planned change inside the caller's ddl() transaction."""
    db = database.obj
    migrator = SchemaMigrator.from_database(db)
    model = new.model
    table = new.table_name
    if plan_.create:
        db.create_tables([model])
    else:
        old_by_id = {f.id: f for f in old.fields}
        for field in new.fields:
            before = old_by_id.get(field.id)
            if before is None:
                migrator.add_column(table, field.column, build_column(field)).run()
            elif replaced(before, field):  # what it held is kept in a backup column
                keep_aside(old, before, new, version)
                migrator.add_column(table, field.column, build_column(field)).run()
            elif before.type.storage_key(before) != field.type.storage_key(field):
                convert(old, before, new, field, version, migrator)
        for name, value, renamed, _count in plan_.moved:
            move_choice(new, new.by_name[name], value, renamed)
    sync_indexes(old, new)


def replaced(before, field):
    """A computed field whose column must start afresh: it was typed by people (their
    values are kept aside, never overwritten by a formula), or its result changed type."""
    return field.computed and (not before.computed or
                               before.type.storage_key(before) != field.type.storage_key(field))


def keep_aside(old, before, new, version):
    """Rename a field's column to its backup name (its indexes dropped first)."""
    for name, (columns, *_kind) in index_specs(old).items():
        if before.column in columns:
            drop_index(name)
    database.obj.execute_sql(
        f"ALTER TABLE {_quote(new.table_name)} RENAME COLUMN {_quote(before.column)} TO "
        f"{_quote(f'{before.column}__v{version - 1}')}")


def move_choice(entity, field, value, renamed):
    """Records holding a renamed choice take its new value (the label-only rename of a
    field needs nothing: the column is the field's id)."""
    model, column = entity.model, getattr(entity.model, field.name)
    if not field.type.holds_list:
        model.update({column: renamed}).where(column == value).execute()
        return
    for row in model.select(model.id, column).where(holding(entity, field, value)):
        values = [renamed if v == value else v for v in getattr(row, field.name)]
        model.update({column: list(dict.fromkeys(values))}).where(model.id == row.id).execute()


def convert(old, before, new, field, version, migrator):
    """Write converted values to a new column; keep the old one as a backup column."""
    table = new.table_name
    temp = f"{field.column}__new"
    column = build_column(field)
    migrator.add_column(table, temp, column).run()
    target = Table(table, ("id", temp)).bind(database.obj)
    new_col = getattr(target, temp)
    old_col = getattr(old.model, before.name)
    rows = list(old.model.select(old.model.id, old_col).where(old_col.is_null(False)).tuples())
    for record_id, value in rows:
        try:
            converted = field.type.parse(before.type.to_json(value, before), field)
        except FieldError:
            continue  # stays empty here; the backup column keeps the original
        if converted is not None:
            target.update({new_col: column.db_value(converted)}).where(
                target.id == record_id).execute()
    keep_aside(old, before, new, version)  # indexes would follow the old column to its backup
    database.obj.execute_sql(
        f"ALTER TABLE {_quote(table)} RENAME COLUMN {_quote(temp)} TO {_quote(field.column)}")


def sync_indexes(old, new):
    """Create the indexes the new version calls for; drop those only the old one did."""
    wanted = index_specs(new)
    for name in set(index_specs(old)) - set(wanted) if old else ():
        drop_index(name)
    for name, (columns, unique, partial) in wanted.items():
        database.obj.execute_sql(
            f"CREATE {'UNIQUE ' if unique else ''}INDEX IF NOT EXISTS {_quote(name)} "
            f"ON {_quote(new.table_name)} ({', '.join(map(_quote, columns))})"
            + (f" WHERE {_quote(columns[0])} IS NOT NULL" if partial else ""))


def drop_index(name):
    database.obj.execute_sql(f"DROP INDEX IF EXISTS {_quote(name)}")


def drop_column(entity, field):
    """Drop a retired field's column for good, inside the caller's ddl() transaction."""
    for name, (columns, *_kind) in index_specs(entity).items():
        if field.column in columns:
            drop_index(name)
    database.obj.execute_sql(
        f"ALTER TABLE {_quote(entity.table_name)} DROP COLUMN {_quote(field.column)}")

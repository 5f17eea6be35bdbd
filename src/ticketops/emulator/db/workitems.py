"""Work items: create and update by JSON Patch, with ADO's rules, revisions and indexes.

Every change goes through :meth:`WorkItemStore.apply`: parse -> validate (collecting every rule
error) -> commit (rev + 1, ChangedDate strictly later, a revision and an update recorded). The
indexes (by project, by tag) keep WIQL from scanning every item.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ticketops.emulator.clock import Stamper
from ticketops.emulator.db.patch import PatchOp
from ticketops.emulator.db.records import Comment, FieldValue, Project, Relation, Revision, Update, WorkItem
from ticketops.emulator.db.relations import INVERSE, WORK_ITEM_URL_RE, RelationDraft, apply_relation_op, linked_id
from ticketops.emulator.db.states import apply_state_rules
from ticketops.emulator.db.values import ValueContext, convert, remember_tags, rule
from ticketops.emulator.errors import (
    RuleError,
    bad_request,
    field_not_found,
    rule_errors,
    test_failed,
    work_item_missing,
)
from ticketops.emulator.fields import field as field_def
from ticketops.emulator.identity import Directory, User
from ticketops.emulator.processes import WorkItemTypeDef

HTML_TYPES = ("html",)
EPHEMERAL = ("System.History",)  # present only in the revision that set it
TAGS = "System.Tags"


@dataclass
class Draft:
    """A work item while a patch is being applied to it."""

    fields: dict[str, FieldValue]
    relations: RelationDraft
    formats: dict[str, str]
    touched: dict[str, object] = field(default_factory=dict)  # ref -> raw value (None = remove)
    format_touched: set[str] = field(default_factory=set)


class WorkItemStore:
    def __init__(self, directory: Directory, stamper: Stamper, *, markdown_supported: bool = True) -> None:
        self.directory = directory
        self.stamper = stamper
        self.markdown_supported = markdown_supported
        self.items: dict[int, WorkItem] = {}
        self.next_id = 1
        self.next_comment_id = 1
        self.by_project: dict[str, set[int]] = defaultdict(set)
        self.by_tag: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))

    # ---- reads ------------------------------------------------------------------------
    def find(self, item_id: int) -> WorkItem | None:
        item = self.items.get(item_id)
        return None if item is None or item.deleted else item

    def get(self, item_id: int) -> WorkItem:
        item = self.find(item_id)
        if item is None:
            raise work_item_missing(item_id)
        return item

    def in_project(self, project: Project) -> list[WorkItem]:
        return [self.items[i] for i in sorted(self.by_project.get(project.id, ())) if not self.items[i].deleted]

    # ---- writes -----------------------------------------------------------------------
    def create(
        self,
        project: Project,
        wit: WorkItemTypeDef,
        ops: list[PatchOp],
        by: User,
        *,
        validate_only: bool = False,
        bypass_rules: bool = False,
    ) -> WorkItem:
        item = WorkItem(id=-1, project=project, type=wit, rev=0, fields={})
        return self.apply(item, ops, by, validate_only=validate_only, bypass_rules=bypass_rules)

    def apply(
        self, item: WorkItem, ops: list[PatchOp], by: User, *, validate_only: bool = False, bypass_rules: bool = False
    ) -> WorkItem:
        is_new = item.id == -1
        draft = Draft(
            fields={k: v for k, v in item.fields.items() if k not in EPHEMERAL},
            relations=RelationDraft(item.id, [r.copy() for r in item.relations]),
            formats=dict(item.formats),
        )
        for op in ops:
            self._apply_op(item, op, draft)
        ctx = ValueContext(item.project, self.directory, item.id, bypass_rules)
        errors = self._convert_touched(draft, ctx, bypass_rules)
        self._check_formats(item, draft)
        if is_new:
            self._defaults(item, draft)
        now = self.stamper.now()
        errors += apply_state_rules(item, draft.fields, draft.touched, by, now, bypass_rules)
        errors += self._required(draft)
        if errors:
            raise rule_errors(errors)
        if not is_new and not self._changed(item, draft):
            return item
        if validate_only:
            return self._preview(item, draft)
        return self._commit(item, draft, by, bypass_rules, now)

    def add_comment(self, item: WorkItem, text: str, by: User, fmt: str = "html") -> Comment:
        now = self.stamper.now()
        c = Comment(self.next_comment_id, item.id, text, fmt, by, now, by, now)
        self.next_comment_id += 1
        item.comments.append(c)
        count = len([x for x in item.comments if not x.is_deleted])
        draft = Draft(dict(item.fields), RelationDraft(item.id, list(item.relations)), dict(item.formats))
        draft.fields.pop("System.History", None)
        draft.fields["System.CommentCount"] = count
        self._commit(item, draft, by, False, now)
        return c

    def delete(self, item: WorkItem) -> None:
        item.deleted = True
        self._unindex(item)

    # ---- patch application ------------------------------------------------------------
    def _apply_op(self, item: WorkItem, op: PatchOp, draft: Draft) -> None:
        target = op.target
        if target in ("rev", "id"):
            actual = item.rev if target == "rev" else item.id
            if str(op.value) != str(actual):
                raise test_failed(op.path, op.value, actual)
        elif target == "fields":
            self._field_op(op, draft, item)
        elif target == "relations":
            apply_relation_op(op, draft.relations, self.find)
        else:
            self._format_op(op, draft)

    def _field_op(self, op: PatchOp, draft: Draft, item: WorkItem) -> None:
        fdef = field_def(op.parts[1])
        if fdef is None:
            raise field_not_found(op.parts[1])
        if op.op == "test":
            current = draft.fields.get(fdef.ref)
            if not _same(current, op.value):
                raise test_failed(op.path, op.value, _plain(current))
            return
        if fdef.ref == TAGS and op.op == "add" and isinstance(op.value, str):
            # ADO merges an ``add`` on System.Tags into the tags already there; ``replace`` sets the
            # whole list and ``remove`` clears it. Source: the spec example
            # httpExamples/wit/workItems/PATCH__wit_workitems__taskId_9.json adds "Tag1; Tag2" to an
            # item tagged "Tag0" and answers "Tag0; Tag1; Tag2".
            before = draft.touched[TAGS] if TAGS in draft.touched else draft.fields.get(TAGS)
            draft.touched[TAGS] = "; ".join(t for t in (before, op.value) if isinstance(t, str) and t.strip())
            return
        draft.touched[fdef.ref] = None if op.op == "remove" else op.value

    def _format_op(self, op: PatchOp, draft: Draft) -> None:
        if not self.markdown_supported:
            raise bad_request(
                f"The path '{op.path}' is not supported: this server stores multi-line fields as HTML only.",
                "WorkItemPatchNotSupportedException",
            )
        parts = op.parts
        fdef = field_def(parts[1]) if len(parts) == 2 else None
        if fdef is None or fdef.type not in HTML_TYPES:
            raise bad_request(
                f"'{op.path}': only multi-line (HTML) fields have a format.", "WorkItemPatchNotSupportedException"
            )
        if op.op == "remove":
            draft.formats.pop(fdef.ref, None)
        else:
            value = str(op.value).lower() if isinstance(op.value, str) else ""
            if value not in ("markdown", "html"):
                raise bad_request(
                    f"'{op.value}' is not a format; use 'Markdown' or 'Html'.", "WorkItemPatchNotSupportedException"
                )
            if value == "markdown":
                draft.formats[fdef.ref] = "markdown"
            else:
                draft.formats.pop(fdef.ref, None)
        draft.format_touched.add(fdef.ref)

    def _convert_touched(self, draft: Draft, ctx: ValueContext, bypass_rules: bool) -> list[RuleError]:
        errors: list[RuleError] = []
        for ref, raw in draft.touched.items():
            fdef = field_def(ref)
            assert fdef is not None
            if fdef.system_only or (fdef.read_only and not bypass_rules):
                errors.append(rule(fdef, "readOnly", f"The field '{fdef.ref}' is read-only."))
                continue
            value = convert(fdef, raw, ctx)
            if isinstance(value, RuleError):
                errors.append(value)
            elif value is None:
                draft.fields.pop(ref, None)
            else:
                draft.fields[ref] = value
        return errors

    def _check_formats(self, item: WorkItem, draft: Draft) -> None:
        for ref in draft.format_touched:
            if draft.formats.get(ref) != item.formats.get(ref) and ref not in draft.touched:
                raise bad_request(
                    f"VS403319: The type changed without a value for field {ref}.", "WorkItemPatchNotSupportedException"
                )

    def _defaults(self, item: WorkItem, draft: Draft) -> None:
        f = draft.fields
        p = item.project
        f.setdefault("System.AreaPath", p.areas[p.name.lower()])
        f.setdefault("System.IterationPath", p.iterations[p.name.lower()])
        f["System.TeamProject"] = p.name
        f["System.WorkItemType"] = item.type.name
        f.setdefault("Microsoft.VSTS.Common.Priority", 2)
        f["System.CommentCount"] = 0

    def _required(self, draft: Draft) -> list[RuleError]:
        title = draft.fields.get("System.Title")
        if isinstance(title, str) and title.strip():
            return []
        fdef = field_def("System.Title")
        assert fdef is not None
        return [rule(fdef, "required, invalidEmpty")]

    def _changed(self, item: WorkItem, draft: Draft) -> bool:
        if draft.relations.changed or draft.formats != item.formats or "System.History" in draft.fields:
            return True
        current = {k: v for k, v in item.fields.items() if k not in EPHEMERAL}
        return current != draft.fields

    def _preview(self, item: WorkItem, draft: Draft) -> WorkItem:
        return WorkItem(
            item.id if item.id != -1 else 0,
            item.project,
            item.type,
            item.rev,
            draft.fields,
            draft.relations.relations,
            draft.formats,
        )

    # ---- commit -------------------------------------------------------------------------
    def _commit(self, item: WorkItem, draft: Draft, by: User, bypass_rules: bool, now: float) -> WorkItem:
        if item.id == -1:
            item.id = self.next_id
            self.next_id += 1
            self.items[item.id] = item
            draft.fields["System.CreatedDate"] = draft.fields.get("System.CreatedDate", now) if bypass_rules else now
            draft.fields["System.CreatedBy"] = draft.fields.get("System.CreatedBy", by) if bypass_rules else by
            draft.relations.item_id = item.id
        if not (bypass_rules and "System.ChangedBy" in draft.touched):
            draft.fields["System.ChangedBy"] = by
        draft.fields["System.ChangedDate"] = now
        _set_parent(draft)
        old_fields = dict(item.fields)
        self._unindex(item)
        item.rev += 1
        item.fields = draft.fields
        item.relations = draft.relations.relations
        item.formats = draft.formats
        tags = item.fields.get("System.Tags")
        if isinstance(tags, str):
            remember_tags(tags, item.project)
        item.revisions.append(
            Revision(item.rev, dict(item.fields), [r.copy() for r in item.relations], dict(item.formats))
        )
        item.updates.append(_update_record(item, old_fields, draft, by, now))
        self._index(item)
        self._mirror_links(item, draft.relations, by)
        return item

    def _mirror_links(self, item: WorkItem, rels: RelationDraft, by: User) -> None:
        """The other side of each work item link added or removed (a new revision there too)."""
        changes = [(r, True) for r in rels.added] + [(r, False) for r in rels.removed]
        for rel, adding in changes:
            other_id = linked_id(rel)
            other = self.find(other_id) if other_id is not None else None
            m = WORK_ITEM_URL_RE.search(rel.url)
            if other is None or m is None:
                continue
            attrs: dict[str, object] = {"isLocked": False}
            if "comment" in rel.attributes:  # a link's comment belongs to the link: both ends show it
                attrs["comment"] = rel.attributes["comment"]
            inverse = Relation(INVERSE[rel.rel], rel.url[: m.start(1)] + str(item.id), attrs)
            mirror = RelationDraft(other.id, [r.copy() for r in other.relations])
            present = [r for r in mirror.relations if r.key() == inverse.key()]
            if adding and not present:
                mirror.relations.append(inverse)
                mirror.added.append(inverse)
            elif not adding and present:
                mirror.relations = [r for r in mirror.relations if r.key() != inverse.key()]
                mirror.removed = present
            if mirror.changed:
                fields = {k: v for k, v in other.fields.items() if k not in EPHEMERAL}
                self._commit_mirror(other, Draft(fields, mirror, dict(other.formats)), by)

    def _commit_mirror(self, item: WorkItem, draft: Draft, by: User) -> None:
        """Commit one side of a link without mirroring it back again."""
        added, removed = draft.relations.added, draft.relations.removed
        draft.relations = RelationDraft(item.id, draft.relations.relations)
        self._commit(item, draft, by, False, self.stamper.now())
        item.updates[-1].added, item.updates[-1].removed = list(added), list(removed)

    # ---- indexes --------------------------------------------------------------------------
    def _index(self, item: WorkItem) -> None:
        if item.deleted:
            return
        self.by_project[item.project.id].add(item.id)
        tag_index = self.by_tag[item.project.id]
        item.tag_keys = frozenset(t.lower() for t in item.tags)
        for t in item.tag_keys:
            tag_index[t].add(item.id)

    def _unindex(self, item: WorkItem) -> None:
        self.by_project[item.project.id].discard(item.id)
        tag_index = self.by_tag.get(item.project.id, {})
        for t in item.tags:
            tag_index.get(t.lower(), set()).discard(item.id)


def _set_parent(draft: Draft) -> None:
    parents = [linked_id(r) for r in draft.relations.relations if r.rel == "System.LinkTypes.Hierarchy-Reverse"]
    if parents and parents[0] is not None:
        draft.fields["System.Parent"] = parents[0]
    else:
        draft.fields.pop("System.Parent", None)


def _update_record(item: WorkItem, old: dict[str, FieldValue], draft: Draft, by: User, now: float) -> Update:
    changes: dict[str, tuple[FieldValue, FieldValue]] = {
        "System.Rev": (item.rev - 1 if item.rev > 1 else None, item.rev)
    }
    for ref in sorted(set(old) | set(item.fields)):
        before = None if ref in EPHEMERAL else old.get(ref)
        after = item.fields.get(ref)
        if before != after:
            changes[ref] = (before, after)
    return Update(
        item.rev,
        by,
        now,
        changes,
        list(draft.relations.added),
        list(draft.relations.removed),
        list(draft.relations.updated),
    )


def _plain(value: FieldValue) -> object:
    if isinstance(value, User):
        return value.unique_name
    return value


def _same(current: FieldValue, expected: object) -> bool:
    if isinstance(current, User):
        if isinstance(expected, dict):
            expected = expected.get("uniqueName") or expected.get("id")
        return isinstance(expected, str) and expected.lower() in (
            current.email,
            current.id,
            current.display_name.lower(),
        )
    if current is None:
        return expected in (None, "")
    return str(current) == str(expected) if not isinstance(current, float) else current == expected

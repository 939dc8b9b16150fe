"""Excel imports of the registry: organisations, idempotent by 统一社会信用代码, and people
(人才) by name and organisation (a re-import updates)."""

import datetime as dt
import decimal
import re

from django.conf import settings
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from kechuang import bulk
from kechuang.accounts.scope import restrict, scope_filter
from kechuang.audit import chain
from kechuang.audit.chain import to_json_value
from kechuang.audit.enums import AuditAction
from kechuang.core.domain.imports import (
    CommitResult,
    Importer,
    ParseResult,
    RowError,
    parse_date,
    parse_decimal,
    parse_integer,
    parse_yes_no,
    register,
)
from kechuang.core.enums import CodeList
from kechuang.core.models import CodeItem

from ..domain.uscc import is_valid_uscc, normalise_uscc
from ..enums import OrganisationKind
from ..models import EnterpriseYear, Organisation, Town, Zone
from .columns import (
    ABOVE_SCALE_YES,
    LIST_SEPARATORS,
    ORGANISATION_COLUMNS,
    YEAR_FIELDS,
)

ORG_FIELDS = (
    "name",
    "kind",
    "former_names",
    "legal_representative",
    "founded_on",
    "town_id",
    "address",
    "industry_id",
)
DECIMAL_FIELDS = ("revenue", "output_value", "rd_spending")
SPLIT = re.compile(f"[{LIST_SEPARATORS}\n]+")
CHUNK = 5000  # rows written per round of queries


def _split(text: str) -> list[str]:
    return [part.strip() for part in SPLIT.split(text) if part.strip()]


@register
class OrganisationImporter(Importer):
    key = "registry.organisation"
    label = "主体库导入"
    permission = "registry.import_organisation"
    list_url_name = "registry:organisation-list"
    columns = ORGANISATION_COLUMNS
    preview_fields = ("uscc", "name", "action")

    def prepare(self, cells):
        # A kind is written as its code or its label in any of the site's languages (an export
        # made in English re-imports under a Chinese interface, and the other way round).
        self.kinds = {}
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                for value, label in OrganisationKind.choices:
                    self.kinds[value] = self.kinds[str(label)] = value
        self.towns = {}
        for town in Town.objects.all():
            self.towns[town.name] = town
            self.towns[town.code] = town
        self.industries = {
            item.code: item
            for item in CodeItem.objects.of(CodeList.INDUSTRY_CLASS).filter(parent__isnull=False)
        }
        self.chains = {}
        for item in CodeItem.objects.of(CodeList.INDUSTRY_CHAIN):
            self.chains[item.name] = self.chains[item.code] = item
        self.zones = {}
        for zone in Zone.objects.all():
            self.zones[zone.name] = self.zones[zone.code] = zone

    def decode(self, values):
        values = dict(values)
        if values["founded_on"]:
            values["founded_on"] = dt.date.fromisoformat(values["founded_on"])
        for field in DECIMAL_FIELDS:
            if values.get(field) is not None:
                values[field] = decimal.Decimal(values[field])
        return values

    def header(self, field):
        return self.headers[field]

    headers = {c.field: c.header for c in ORGANISATION_COLUMNS}

    def parse_row(self, values, raw):
        h = self.header
        uscc = normalise_uscc(values.get("uscc", ""))
        if not uscc:
            raise RowError(h("uscc"), _("The unified social credit code is empty."))
        if not is_valid_uscc(uscc):
            raise RowError(
                h("uscc"),
                _("“%(value)s” is not a valid unified social credit code (GB 32100-2015).")
                % {"value": values.get("uscc")},
            )
        name = values.get("name", "")
        if not name:
            raise RowError(h("name"), _("The name is empty."))
        if len(name) > 200:
            raise RowError(h("name"), _("The name is longer than 200 characters."))
        kind_text = values.get("kind", "")
        kind = self.kinds.get(kind_text, None) if kind_text else OrganisationKind.ENTERPRISE
        if kind is None:
            raise RowError(h("kind"), _("Unknown kind “%(value)s”.") % {"value": kind_text})
        town = None
        if values.get("town"):
            town = self.towns.get(values["town"])
            if town is None:
                raise RowError(
                    h("town"), _("Unknown town “%(value)s”.") % {"value": values["town"]}
                )
        industry = None
        if values.get("industry"):
            code = values["industry"].upper().lstrip("ABCDEFGHIJKLMNOPQRST")[:2].zfill(2)
            industry = self.industries.get(code)
            if industry is None:
                raise RowError(
                    h("industry"),
                    _("“%(value)s” is not a GB/T 4754-2017 division code.")
                    % {"value": values["industry"]},
                )
        chains = []
        for part in _split(values.get("chains", "")):
            if part not in self.chains:
                raise RowError(
                    h("chains"), _("Unknown industry chain “%(value)s”.") % {"value": part}
                )
            chains.append(self.chains[part].pk)
        zones = []
        for part in _split(values.get("zones", "")):
            if part not in self.zones:
                raise RowError(h("zones"), _("Unknown zone “%(value)s”.") % {"value": part})
            zones.append(self.zones[part].pk)
        row = {
            "uscc": uscc,
            "name": name,
            "kind": kind,
            "former_names": "\n".join(_split(values.get("former_names", ""))),
            "legal_representative": values.get("legal_representative", "")[:50],
            "founded_on": parse_date(
                raw.get("founded_on"), values.get("founded_on", ""), h("founded_on")
            ),
            "town_id": town.pk if town else None,
            "address": values.get("address", "")[:255],
            "industry_id": industry.pk if industry else None,
            "chains": sorted(set(chains)) if "chains" in values else None,
            "zones": sorted(set(zones)) if "zones" in values else None,
            "year": None,
        }
        year_text = values.get("year", "")
        has_figures = any(values.get(f) for f in YEAR_FIELDS)
        if year_text:
            year = parse_integer(year_text, h("year"))
            if not 1949 <= year <= 2100:
                raise RowError(
                    h("year"), _("%(value)s is not a plausible year.") % {"value": year_text}
                )
            row["year"] = year
            for f in ("revenue", "output_value", "rd_spending"):
                row[f] = parse_decimal(values.get(f, ""), h(f))
            for f in ("employees", "st_staff"):
                row[f] = parse_integer(values.get(f, ""), h(f))
            above_scale = values.get("above_scale", "")
            row["above_scale"] = bool(
                parse_yes_no(above_scale, h("above_scale"), yes=ABOVE_SCALE_YES)
            )
        elif has_figures:
            raise RowError(h("year"), _("Yearly figures are given but the year is empty."))
        return row

    def check_file(self, result: ParseResult):
        first_seen: dict[str, int] = {}
        unique_rows = []
        for row in result.rows:
            code = row.values["uscc"]
            if code in first_seen:
                result.add_error(
                    row.number,
                    self.header("uscc"),
                    _("Duplicate of row %(row)d (the same unified social credit code).")
                    % {"row": first_seen[code]},
                )
            else:
                first_seen[code] = row.number
                unique_rows.append(row)
        result.rows = unique_rows
        # A code already registered must be within the importer's data scope to be updated.
        codes = list(first_seen)
        unrestricted = scope_filter(Organisation, self.user) is None
        existing: dict[str, int] = {}  # code → version
        visible = set()
        for start in range(0, len(codes), CHUNK):
            part = Organisation.objects.filter(uscc__in_array=codes[start : start + CHUNK])
            existing.update(part.values_list("uscc", "version"))
            if not unrestricted:
                visible.update(restrict(part, self.user).values_list("uscc", flat=True))
        if unrestricted:
            visible = existing.keys()
        for row in result.rows:
            code = row.values["uscc"]
            row.values["action"] = "update" if code in existing else "create"
            self.note_version(result, row, existing.get(code), self.header("uscc"))
            if code in existing and code not in visible:
                result.add_error(
                    row.number,
                    self.header("uscc"),
                    _(
                        "This organisation is registered but outside your data scope; it cannot be updated."
                    ),
                )

    def commit(self, rows):
        outcome = CommitResult()
        for start in range(0, len(rows), CHUNK):
            self._commit_chunk([r.values for r in rows[start : start + CHUNK]], outcome)
        return outcome

    def _commit_chunk(self, rows, outcome):
        """Write one chunk of rows. New records are written as plain values (no model
        instances: at import sizes, building them cost more than writing them)."""
        existing = {
            org.uscc: org
            for org in Organisation.objects.filter(uscc__in_array=[r["uscc"] for r in rows])
            .select_for_update(of=("self",))
            .prefetch_related("chains", "zones")
        }
        creates, updates, changed_fields = [], [], set()
        changes_of: dict[str, dict] = {}
        for row in rows:
            org = existing.get(row["uscc"])
            self.refuse_if_stale(row, getattr(org, "version", None))
            if org is None:
                creates.append(
                    {"uscc": row["uscc"], "created_by_id": self.user.pk}
                    | {f: row[f] for f in ORG_FIELDS}
                )
                changes_of[row["uscc"]] = {
                    f: [None, row[f]] for f in ORG_FIELDS if row[f] not in (None, "")
                }
                continue
            diff = {}
            for f in ORG_FIELDS:
                before = getattr(org, f)
                if before != row[f]:
                    diff[f] = [before, row[f]]
                    setattr(org, f, row[f])
                    changed_fields.add(f)
            if diff:
                org.version += 1
                updates.append(org)
            changes_of[row["uscc"]] = diff
        bulk.insert_values(Organisation, creates)
        if updates:
            bulk.update(Organisation, updates, [*sorted(changed_fields), "version", "updated_at"])
        new = {values["uscc"] for values in creates}
        ids = {code: org.pk for code, org in existing.items()}
        if new:
            ids |= dict(
                Organisation.objects.filter(uscc__in_array=list(new)).values_list("uscc", "pk")
            )
        self._commit_relations(rows, ids, existing, changes_of)
        self._commit_years(rows, ids, new, changes_of)
        model = Organisation._meta.label_lower
        for row in rows:
            code = row["uscc"]
            diff = changes_of[code]
            if code in new:
                outcome.created += 1
            elif diff:
                outcome.updated += 1
            else:
                outcome.unchanged += 1
                continue
            outcome.events.append(
                chain.PendingEvent(
                    action=AuditAction.CREATE if code in new else AuditAction.UPDATE,
                    model=model,
                    object_id=str(ids[code]),
                    object_repr=row["name"][:255],
                    changes=to_json_value(diff),
                )
            )

    def _commit_relations(self, rows, ids, existing, changes_of):
        for field, through, column in (
            ("chains", Organisation.chains.through, "codeitem_id"),
            ("zones", Organisation.zones.through, "zone_id"),
        ):
            stale, links = [], []
            for row in rows:
                wanted = row[field]
                if wanted is None:
                    continue
                org = existing.get(row["uscc"])
                current = sorted(x.pk for x in getattr(org, field).all()) if org else []
                if current == wanted:
                    continue
                if current:
                    stale.append(org.pk)
                pk = ids[row["uscc"]]
                links.extend({"organisation_id": pk, column: item} for item in wanted)
                changes_of[row["uscc"]][field] = [current, wanted]
            if stale:
                through.objects.filter(organisation_id__in=stale).delete()
            bulk.insert_values(through, links)

    def _commit_years(self, rows, ids, new, changes_of):
        dated = [r for r in rows if r["year"]]
        if not dated:
            return
        keys = Q(pk__in=[])
        for year in {r["year"] for r in dated}:
            # Only organisations registered before this import can have figures already.
            known = [ids[r["uscc"]] for r in dated if r["year"] == year and r["uscc"] not in new]
            if known:
                keys |= Q(year=year, organisation_id__in=known)
        existing = {(y.organisation_id, y.year): y for y in EnterpriseYear.objects.filter(keys)}
        creates, updates = [], []
        for row in dated:
            pk = ids[row["uscc"]]
            key = f"years[{row['year']}]"
            figure = existing.get((pk, row["year"]))
            if figure is None:
                values = {f: row[f] for f in YEAR_FIELDS}
                creates.append({"organisation_id": pk, "year": row["year"]} | values)
                changes_of[row["uscc"]][key] = [None, values]
                continue
            diff = {
                f: [getattr(figure, f), row[f]] for f in YEAR_FIELDS if getattr(figure, f) != row[f]
            }
            if diff:
                for f in YEAR_FIELDS:
                    setattr(figure, f, row[f])
                updates.append(figure)
                changes_of[row["uscc"]][key] = diff
        bulk.insert_values(EnterpriseYear, creates)
        if updates:
            bulk.update(EnterpriseYear, updates, list(YEAR_FIELDS))

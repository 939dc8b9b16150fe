from django.contrib import admin

from .models import EnterpriseYear, Organisation, Person, Qualification, Town, Zone


@admin.register(Town)
class TownAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "office"]


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind"]


class EnterpriseYearInline(admin.TabularInline):
    model = EnterpriseYear
    extra = 0


class QualificationInline(admin.TabularInline):
    model = Qualification
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "uscc", "kind", "town", "is_demo"]
    list_filter = ["kind", "town", "is_demo"]
    search_fields = ["name", "uscc", "former_names"]
    inlines = [EnterpriseYearInline, QualificationInline]
    filter_horizontal = ["chains", "zones"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "title", "talent_level"]
    search_fields = ["name"]

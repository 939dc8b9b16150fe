from django.contrib import admin

from .models import CodeItem, ImportJob


@admin.register(CodeItem)
class CodeItemAdmin(admin.ModelAdmin):
    list_display = ["code_list", "code", "name", "name_en", "parent", "sort", "active"]
    list_filter = ["code_list", "active"]
    search_fields = ["code", "name", "name_en"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["id", "importer", "original_name", "status", "created_by", "created_at"]
    list_filter = ["importer", "status"]

    def has_add_permission(self, request):
        return False

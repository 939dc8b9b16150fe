from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .forms import ThrottledAdminAuthenticationForm
from .models import Department, Role, User

# The admin is for administrators (superusers) only, whatever a user's other flags say.
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser
# Its login is throttled like the site's (by the backend); the form says why it refuses.
admin.site.login_form = ThrottledAdminAuthenticationForm


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "sort"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "data_scope", "sort"]
    filter_horizontal = ["permissions", "custom_departments"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "display_name", "kind", "department", "organisation", "is_active"]
    list_filter = ["kind", "is_active", "roles"]
    search_fields = ["username", "display_name"]
    autocomplete_fields = ["organisation"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (
            _("Platform"),
            {"fields": ("kind", "display_name", "phone", "department", "organisation", "roles")},
        ),
    )
    filter_horizontal = ["roles", "groups", "user_permissions"]

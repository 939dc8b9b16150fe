from django.contrib.auth.backends import ModelBackend


class RoleBackend(ModelBackend):
    """Username/password authentication; model permissions come from the user's roles.

    Object-level questions (``has_perm(perm, obj)``) are left to the rules in each app's
    ``rules.py``, which combine the role permission with the record's data scope.
    """

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        return set(user_obj.role_permissions)

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from kechuang.audit import chain
from kechuang.audit.enums import AuditAction

from .forms import ThrottledAuthenticationForm
from .tokens import drop_tokens, expires_at


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True


@login_required
def profile(request):
    token = Token.objects.filter(user=request.user).first()
    expires = expires_at(token) if token else None
    expired = expires is not None and expires <= timezone.now()
    context = {"token": token, "expires": expires, "expired": expired}
    return render(request, "accounts/profile.html", context)


@login_required
@require_POST
def issue_token(request):
    """Replace the user's API token (the old one stops working)."""
    drop_tokens(request.user)
    Token.objects.create(user=request.user)
    chain.record(AuditAction.GRANT, request.user, comment="API token issued")
    return redirect("accounts:profile")

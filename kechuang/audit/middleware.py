from .context import serving


class AuditContextMiddleware:
    """Attributes every audit event written during a request to its user and IP."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with serving(request):
            return self.get_response(request)

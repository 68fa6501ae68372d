class OfficeMiddleware:
    """Puts the logged-in user's office on the request: the only source of tenancy in views."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        request.office = user.office if user is not None and user.is_authenticated else None
        return self.get_response(request)

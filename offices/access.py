"""View guards: a logged-in user without the permission gets 403, never another office's data."""

from functools import wraps

from django.core.exceptions import PermissionDenied


def permission_required(perm: str):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.has_perm(perm):
                raise PermissionDenied(f"Your role does not allow {perm}")
            return view(request, *args, **kwargs)

        wrapped.required_permission = perm
        return wrapped

    return decorator

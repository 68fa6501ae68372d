"""Walk every URL pattern of the project, so that tests cover URLs added later automatically."""

import uuid

from django.urls import URLPattern, URLResolver, get_resolver

PUBLIC_URL_NAMES = {"login", "api-health"}


def iter_patterns(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if ns == "admin" or str(entry.pattern).startswith("admin/"):
                continue
            yield from iter_patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield prefix + str(entry.pattern), entry, name


def fill(route: str, values: dict) -> str:
    """Turn ``batches/<int:batch_id>/`` into ``/batches/7/`` using ``values`` (or dummies)."""
    import re

    def replace(match):
        converter, name = match.group(1) or "str", match.group(2)
        if name in values:
            return str(values[name])
        return {"int": "1", "uuid": str(uuid.uuid4()), "slug": "x", "path": "x"}.get(converter, "x")

    path = re.sub(r"<(?:(\w+):)?(\w+)>", replace, route)
    if path.startswith("^"):
        path = path.lstrip("^").rstrip("$")
    return "/" + path


def route_kwargs(route: str) -> list[str]:
    import re

    return [m.group(2) for m in re.finditer(r"<(?:(\w+):)?(\w+)>", route)]

from .navigation import menu_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": []}
    items = menu_for(user)
    # The most specific menu entry is the current page: /dashboard/access/ is not also /dashboard/.
    matching = [url for _label, url in items if request.path.startswith(url)]
    current = max(matching, key=len) if matching else None
    return {
        "menu": [{"label": label, "url": url, "active": url == current} for label, url in items],
        "office": getattr(request, "office", None),
    }

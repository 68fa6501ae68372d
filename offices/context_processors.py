from .navigation import menu_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": []}
    current = request.path
    return {
        "menu": [
            {"label": label, "url": url, "active": current.startswith(url)} for label, url in menu_for(user)
        ],
        "office": getattr(request, "office", None),
    }

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator

from offices.navigation import home_url_for


def home(request):
    """Each role lands on its own work: uploads, the review queue, or the dashboard."""
    url = home_url_for(request.user)
    if url:
        return redirect(url)
    return render(request, "no_role.html", status=403)


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

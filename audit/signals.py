from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import service


@receiver(user_logged_in)
def login_recorded(sender, request, user, **kwargs):
    service.record("auth.login", actor=user, office=user.office, object_type="offices.user", object_id=user.pk)


@receiver(user_logged_out)
def logout_recorded(sender, request, user, **kwargs):
    if user is not None:
        service.record("auth.logout", actor=user, office=user.office, object_type="offices.user", object_id=user.pk)


@receiver(user_login_failed)
def failed_login_recorded(sender, credentials, request=None, **kwargs):
    from offices.models import User

    username = str(credentials.get("username", ""))[:150]
    known = User.objects.filter(username=username).select_related("office").first()
    service.record(
        "auth.login_failed",
        office=known.office if known else None,
        actor_label=username,
        object_type="offices.user",
        object_id=known.pk if known else "",
        after={"username": username},
    )

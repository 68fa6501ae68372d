import pytest
from django.core.management import call_command

from offices.models import Office, User


@pytest.mark.django_db
def test_seed_demo_is_idempotent():
    call_command("seed_demo")
    first = (Office.objects.count(), User.objects.count(), sorted(User.objects.values_list("username", "roles")))
    call_command("seed_demo")
    second = (Office.objects.count(), User.objects.count(), sorted(User.objects.values_list("username", "roles")))
    assert first == second
    assert first[0] == 1 and first[1] == 4
    assert User.objects.get(username="attorney").check_password("demo-attorney-pass")

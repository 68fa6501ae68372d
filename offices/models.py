from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    PARALEGAL = "paralegal", "Paralegal"
    ATTORNEY = "attorney", "Attorney"
    SUPERVISOR = "supervisor", "Supervisor"
    OFFICE_ADMIN = "office_admin", "Office admin"


class Office(models.Model):
    """A county District Attorney's office: the tenant every record belongs to."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    county = models.CharField(max_length=60, help_text="County name, e.g. San Joaquin")
    address = models.TextField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    elected_da = models.CharField("elected District Attorney", max_length=200, blank=True)
    default_signing_attorneys = models.ManyToManyField(
        "offices.User", blank=True, related_name="signing_for_offices"
    )
    # Dashboard access for roles other than supervisor is granted per office by its admin.
    dashboard_roles = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def county_key(self) -> str:
        """County as the sources write it: ``SAN JOAQUIN``."""
        return self.county.strip().upper()


class User(AbstractUser):
    """A member of exactly one office, with one or more roles."""

    office = models.ForeignKey(Office, null=True, blank=True, on_delete=models.PROTECT, related_name="users")
    roles = models.JSONField(default=list, blank=True, help_text="Any of: " + ", ".join(Role.values))
    bar_number = models.CharField("State Bar number", max_length=20, blank=True)
    title = models.CharField(max_length=100, blank=True, help_text="e.g. Deputy District Attorney")

    def has_role(self, role: str) -> bool:
        return self.is_active and role in self.role_set

    @cached_property
    def role_set(self) -> frozenset[str]:
        return frozenset(self.roles or ())

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

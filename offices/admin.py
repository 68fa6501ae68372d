from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Office, User


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ("name", "county", "elected_da")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(pk=request.user.office_id)


@admin.register(User)
class OfficeUserAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + (("Office", {"fields": ("office", "roles", "bar_number", "title")}),)
    list_display = ("username", "first_name", "last_name", "office", "roles", "bar_number", "is_active")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(office_id=request.user.office_id)

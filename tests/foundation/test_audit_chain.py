import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from audit import service
from audit.models import AuditEvent


def _events(office, n=5):
    return [service.record("test.event", office=office, object_type="t", object_id=i, after={"i": i}) for i in range(n)]


def _tamper(sql, params):
    # The trigger forbids this on PostgreSQL: the test lifts it, as an attacker with DDL rights would.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_update_delete")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_no_update_delete")


def test_verify_audit_passes_on_a_clean_chain(office, capsys):
    _events(office)
    call_command("verify_audit")
    assert "audit chain OK" in capsys.readouterr().out


def test_verify_audit_detects_an_edited_row(office):
    events = _events(office)
    _tamper("UPDATE audit_auditevent SET after = %s WHERE id = %s", ['{"i": 99}', events[2].id])
    with pytest.raises(CommandError, match=f"event {events[2].id}.*edited"):
        call_command("verify_audit")


def test_verify_audit_detects_a_deleted_row(office):
    events = _events(office)
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[1].id])
    with pytest.raises(CommandError, match=f"event {events[2].id}.*deleted"):
        call_command("verify_audit")


def test_verify_audit_detects_a_deleted_last_row(office):
    events = _events(office)
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].id])
    with pytest.raises(CommandError, match="chain head"):
        call_command("verify_audit")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL only")
def test_plain_update_or_delete_of_an_audit_row_fails_on_postgresql(office):
    event = _events(office, 1)[0]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"


def test_each_office_has_its_own_chain(office, other_office):
    service.record("a", office=office)
    service.record("b", office=other_office[0])
    service.record("c", office=office)
    a, c = AuditEvent.objects.filter(office=office, action__in=["a", "c"]).order_by("id")
    assert c.prev_hash == a.hash

"""Builders for review URL kwargs, used by the office-isolation walk."""

from tests.review.factories import make_decision, make_sign_off

BUILDERS = {
    "decision_id": lambda office: make_decision(office).pk,
    "sign_off_id": lambda office: make_sign_off(office).pk,
}

from django import template

from review.filters import QUESTION_LABELS

register = template.Library()


@register.filter
def words(code) -> str:
    """``not_eligible`` → ``not eligible``: codes shown in the office's words."""
    return str(code or "").replace("_", " ")


@register.filter
def question_label(code) -> str:
    return QUESTION_LABELS.get(code, words(code))

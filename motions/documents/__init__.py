"""Motion documents: built-in pleadings, office-supplied fillable forms, and filing packages.

No Django import here or below, so documents render in workers, tests and benchmarks alike.
"""

from .acroform import (
    FieldMapping,
    FormField,
    FormFillError,
    apply_mapping,
    data_items,
    fill_form,
    fill_with_mapping,
    list_fields,
    suggest_mapping,
)
from .data import Attorney, MotionCase, MotionCount, Office
from .package import PackageDocument, build_filing_package
from .pleading import render_motion

__all__ = [
    "Attorney",
    "FieldMapping",
    "FormField",
    "FormFillError",
    "MotionCase",
    "MotionCount",
    "Office",
    "PackageDocument",
    "apply_mapping",
    "build_filing_package",
    "data_items",
    "fill_form",
    "fill_with_mapping",
    "list_fields",
    "render_motion",
    "suggest_mapping",
]

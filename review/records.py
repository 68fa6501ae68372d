"""The disposition and sentence history of each count, read from the stored normalized record."""

from eligibility.engine.serialize import person_from_dict


def _sentence_text(part) -> str:
    if part.raw:
        return part.raw
    text = part.kind.value.replace("_", " ")
    if part.amount is not None:
        text += f" {part.amount}{part.unit}"
    if part.suspended:
        text += " (suspended)"
    if part.concurrent:
        text += " (concurrent)"
    return text


def count_history(record_data: dict) -> dict:
    """``{(cycle, event, count): {...}}`` with the same indexes intake gave ``Case`` and ``Count`` rows."""
    if not record_data or not record_data.get("cycles"):
        return {}
    record = person_from_dict(record_data)
    history = {}
    for cycle_index, cycle in enumerate(record.cycles):
        for event_index, event in enumerate(cycle.events):
            for count_index, count in enumerate(event.counts):
                history[(cycle_index, event_index, count_index)] = {
                    "charge": count.charge_text or count.description,
                    "court": event.agency,
                    "dispositions": [
                        {"kind": d.kind.value.replace("_", " "), "date": d.date, "raw": d.raw,
                         "level": "" if d.level.value == "unknown" else d.level.value,
                         "sentence": [_sentence_text(p) for p in d.sentence], "statute": d.statute}
                        for d in count.dispositions
                    ],
                    "warnings": [w.message for w in count.warnings],
                }
    return history

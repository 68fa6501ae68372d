from rest_framework import serializers

from eligibility.models import Determination
from intake.models import Person

from .models import Decision, DecisionAction


class DecisionSerializer(serializers.ModelSerializer):
    locked = serializers.BooleanField(read_only=True)
    decided_by = serializers.CharField(source="decided_by.username", read_only=True)

    class Meta:
        model = Decision
        fields = ["id", "determination", "person", "action", "reason", "final_outcome", "final_reduce_to",
                  "decided_by", "decided_at", "active", "undone_at", "sign_off", "engine_disagrees",
                  "triage_question", "locked"]
        read_only_fields = fields


class DecisionInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=DecisionAction.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=4000,
                                   help_text="Required for every action except approve.")


class DeterminationSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)
    engine_disagrees = serializers.BooleanField(source="disagrees", read_only=True, default=False)

    class Meta:
        model = Determination
        fields = ["id", "person", "person_name", "count", "batch", "relief", "outcome", "reduce_to", "seal",
                  "eligible_on", "route", "track", "in_county", "code_section", "level", "case_number",
                  "court_county", "count_number", "disposition_date", "questions", "reasons", "rule_set_version",
                  "policy_version", "as_of", "current", "engine_disagrees"]
        read_only_fields = fields


class PersonDeterminationSerializer(DeterminationSerializer):
    decision = DecisionSerializer(read_only=True, allow_null=True)

    class Meta(DeterminationSerializer.Meta):
        fields = [*DeterminationSerializer.Meta.fields, "decision"]
        read_only_fields = fields


class CountSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case_number = serializers.CharField(source="case.case_number")
    court = serializers.CharField(source="case.court")
    county = serializers.CharField(source="case.county")
    number = serializers.IntegerField()
    code_section = serializers.CharField()
    level = serializers.CharField()
    convicted = serializers.BooleanField()
    conviction_date = serializers.DateField(allow_null=True)
    disposition = serializers.CharField()
    sentence = serializers.CharField()
    source_refs = serializers.JSONField(help_text="[[file name, line, page, text], ...]")
    determinations = PersonDeterminationSerializer(many=True, source="determinations_list")


class PersonSerializer(serializers.ModelSerializer):
    counts = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = ["id", "name", "aliases", "dob", "cii", "counts"]

    def get_counts(self, person) -> list[dict]:
        return CountSerializer(self.context["counts"], many=True).data

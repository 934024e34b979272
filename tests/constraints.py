"""The constraint matrix of an app, shared by tests/<app>/test_models.py (a reusable mixin).

A subclass names its app and its cases; `pytest_generate_tests` (tests/conftest.py) turns
the dictionaries into parameters. A case key is a constraint name, optionally followed by
"/variant" when one constraint has several bad rows.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import override

from tests.factories import constraint_names, domain_models, factory_for, violation_message


def _constraint(case: str) -> str:
    return case.split("/")[0]


@pytest.mark.django_db
class ConstraintTests:
    """Every constraint of `app_label` refuses its bad rows in full_clean() and the database."""

    app_label: str = ""
    # constraint name -> a bad row (unsaved; what it points to is saved)
    cases: dict = {}
    # constraint name -> (the field whose own validation answers first, bad row)
    field_first: dict = {}
    # name -> a borderline row the constraints must accept
    allowed: dict = {}

    @classmethod
    def parameters(cls, argument: str) -> list:
        every = {**cls.cases, **{name: make for name, (_, make) in cls.field_first.items()}}
        return {
            "model": domain_models(cls.app_label),
            "case": list(cls.cases),
            "field_first_case": list(cls.field_first),
            "any_case": list(every),
            "allowed_case": list(cls.allowed),
        }[argument]

    def make(self, case: str):
        if case in self.cases:
            return self.cases[case]()
        return self.field_first[case][1]()

    def test_factory_makes_valid_distinct_rows(self, model):
        make = factory_for(model)
        make().full_clean()
        make().full_clean()

    def test_every_constraint_has_a_case(self):
        covered = {_constraint(case) for case in [*self.cases, *self.field_first]}
        assert covered == constraint_names(self.app_label)

    def test_full_clean_refuses_with_the_constraint_message(self, case):
        row = self.make(case)
        with override("en"):
            with pytest.raises(ValidationError) as caught:
                row.full_clean()
            expected = violation_message(type(row), _constraint(case))
            assert expected in caught.value.messages

    def test_field_validation_answers_before_the_constraint(self, field_first_case):
        field, make = self.field_first[field_first_case]
        row = make()
        with pytest.raises(ValidationError) as caught:
            row.full_clean()
        assert field in caught.value.message_dict
        with override("en"):
            with pytest.raises(ValidationError) as caught:
                row.validate_constraints()
            expected = violation_message(type(row), _constraint(field_first_case))
            assert caught.value.messages == [expected]

    def test_database_refuses_what_full_clean_would(self, any_case):
        row = self.make(any_case)
        with pytest.raises(IntegrityError), transaction.atomic():
            row.save()

    def test_constraints_let_valid_edge_rows_through(self, allowed_case):
        row = self.allowed[allowed_case]()
        row.full_clean()
        row.save()

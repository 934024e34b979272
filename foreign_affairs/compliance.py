"""Rules the office must obey, as data with their sources, and the findings they give.

A rule has a code, a severity (blocking: the submit step refuses; warning: shown), a message
in Chinese, the document it comes from and the date it is in force from. Its check is a
small pure function of the record's facts: it returns None when the rule holds, else the
values its message names. Apps declare their rules in `<app>/rules.py` and register them
for a model with the function that reads a record's facts:

    register_rules(Visit, VISIT_RULES, facts=visit_facts)
    findings(visit) -> [Finding(code, severity, message, source), ...]

Numbers come from settings, so a province's stricter values can be configured.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

BLOCKING = "blocking"
WARNING = "warning"
INFO = "info"
SEVERITY_LABELS = {BLOCKING: _("blocking"), WARNING: _("warning"), INFO: _("note")}
SEVERITY_ORDER = {BLOCKING: 0, WARNING: 1, INFO: 2}


@dataclass(frozen=True)
class Source:
    """A public document a rule comes from: issuer, title, number (文号) and date.

    Central documents are often not published in full: `quote` is the rule's wording as a
    public notice restates it, `cited_in` and `url` name that notice.
    """

    issuer: str
    title: str
    number: str
    issued: str
    quote: str = ""
    cited_in: str = ""
    url: str = ""

    def __str__(self):
        details = "，".join(part for part in (self.number, self.issued) if part)
        return f"{self.issuer}《{self.title}》" + (f"（{details}）" if details else "")


@dataclass(frozen=True)
class Finding:
    """One rule a record breaks now: what, how serious, in words, and why it exists."""

    code: str
    severity: str
    message: str
    source: Source

    @property
    def blocking(self) -> bool:
        return self.severity == BLOCKING

    @property
    def severity_label(self) -> str:
        return str(SEVERITY_LABELS[self.severity])


@dataclass(frozen=True)
class Rule:
    """A rule: `check(facts)` returns None when it holds, else the values of `message`."""

    code: str
    severity: str
    message: str | Promise
    source: Source
    check: Callable[[object], dict | None]
    effective_from: date | None = None

    def evaluate(self, facts) -> Finding | None:
        on = getattr(facts, "reference_date", None) or timezone.localdate()
        if self.effective_from and on < self.effective_from:
            return None
        values = self.check(facts)
        if values is None:
            return None
        return Finding(self.code, self.severity, str(self.message) % values, self.source)


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    facts: Callable[[models.Model], object]
    queryset: Callable[[], Iterable] | None = None


rule_sets: dict[type[models.Model], RuleSet] = {}


def register_rules(
    model: type[models.Model],
    rules: Iterable[Rule],
    *,
    facts: Callable[[models.Model], object],
    queryset: Callable[[], Iterable] | None = None,
) -> None:
    """Register `rules` for `model`; `facts(obj)` reads what they check, `queryset()` which
    records `compliance_report` examines (default: all)."""
    rule_sets[model] = RuleSet(tuple(rules), facts, queryset)


def evaluate(rules: Iterable[Rule], facts) -> list[Finding]:
    """Return the findings of `rules` for `facts`: blocking ones first, notes last."""
    found = [finding for rule in rules if (finding := rule.evaluate(facts)) is not None]
    return sorted(found, key=lambda finding: SEVERITY_ORDER[finding.severity])


def findings(obj: models.Model) -> list[Finding]:
    """Return the current findings of a record ([] for a model without rules)."""
    rule_set = rule_sets.get(type(obj))
    if rule_set is None:
        return []
    return evaluate(rule_set.rules, rule_set.facts(obj))


def findings_of(obj: models.Model, facts) -> list[Finding]:
    """Return the findings of a record from facts already read (a page reads them in bulk)."""
    rule_set = rule_sets.get(type(obj))
    return evaluate(rule_set.rules, facts) if rule_set else []


def all_findings() -> Iterable[tuple[models.Model, Finding]]:
    """Yield (record, finding) for every record of every model with rules."""
    for model, rule_set in rule_sets.items():
        records = rule_set.queryset() if rule_set.queryset else model._default_manager.all()
        for obj in records:
            for finding in evaluate(rule_set.rules, rule_set.facts(obj)):
                yield obj, finding

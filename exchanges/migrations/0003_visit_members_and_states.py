"""Move visits onto their workflow: members as rows, old statuses mapped to the new ones.

- The free-text members (one name per line) and the leader become `VisitMember` rows.
- "completed" becomes "closed" (post-trip report on record) or "returned" (outbound), or
  "closed" (inbound); an outbound "approved" without its 批件号 goes back to office review,
  where the office records the approval.
- Travel documents handed out and not returned are "handed out".
"""

from django.db import migrations


def forwards(apps, schema_editor):
    Visit = apps.get_model("exchanges", "Visit")
    VisitMember = apps.get_model("exchanges", "VisitMember")
    PassportCustody = apps.get_model("exchanges", "PassportCustody")
    members = []
    for visit in Visit.objects.all().iterator():
        names = [line.strip() for line in visit.members_text.splitlines() if line.strip()]
        leader = visit.leader.strip()
        if leader:
            members.append(VisitMember(visit=visit, name=leader[:100], role="leader"))
        for name in dict.fromkeys(names):
            if name != leader:
                members.append(VisitMember(visit=visit, name=name[:100], role="member"))
        status = visit.status
        if status == "completed":
            outbound = visit.direction == "outbound"
            status = "closed" if not outbound or visit.report_submitted_on else "returned"
        elif status == "approved" and visit.direction == "outbound" and not visit.approval_number:
            status = "office_review"
        if status != visit.status:
            Visit.objects.filter(pk=visit.pk).update(status=status)
    VisitMember.objects.bulk_create(members, batch_size=500)
    PassportCustody.objects.filter(
        handed_out_on__isnull=False, returned_on__isnull=True, visit__isnull=False
    ).update(status="handed_out")


class Migration(migrations.Migration):
    dependencies = [("exchanges", "0002_visit_workflow")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

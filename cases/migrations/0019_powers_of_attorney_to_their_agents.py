"""Powers of attorney uploaded before they were filed as an agent's: where the case has one
agent, the scan is theirs, so it counts for them at acceptance. With several agents nobody can
tell whose it was: the case page asks for each one's."""

from django.db import migrations


def link_to_the_only_agent(apps, schema_editor):
    Attachment = apps.get_model("cases", "Attachment")
    Party = apps.get_model("cases", "Party")
    unlinked = Attachment.objects.filter(kind="power_of_attorney", party__isnull=True)
    for case_id in unlinked.values_list("case_id", flat=True).distinct():
        agents = list(Party.objects.filter(case_id=case_id, side="agent").values_list("pk", flat=True))
        if len(agents) == 1:
            unlinked.filter(case_id=case_id).update(party_id=agents[0])


class Migration(migrations.Migration):
    dependencies = [("cases", "0018_party_relation")]

    operations = [migrations.RunPython(link_to_the_only_agent, migrations.RunPython.noop)]

"""Teilgeber named after their e-mail address get a neutral name.

Until now a new Teilgeber without a full name was named after the local part of their e-mail
address ("vorname.nachname"), which then showed on the projector, the plan and the exports.
Whoever still carries exactly that name, and never chose another for the account, becomes
"Teilgeber <n>" (n: their place among the camp's Teilgeber); they are asked for a name at their
next join and can set one in their profile at any time.
"""

from django.db import migrations


def rename(apps, schema_editor):
    participant_model = apps.get_model("events", "Participant")
    numbers = {}
    renamed = []
    for participant in participant_model.objects.select_related("user").order_by("camp_id", "pk"):
        numbers[participant.camp_id] = numbers.get(participant.camp_id, 0) + 1
        user = participant.user
        local_part = (user.email or "").split("@")[0]
        chose_a_name = (user.first_name or user.last_name or "").strip()
        if local_part and participant.display_name == local_part[:80] and not chose_a_name:
            participant.display_name = f"Teilgeber {numbers[participant.camp_id]}"
            renamed.append(participant)
    participant_model.objects.bulk_update(renamed, ["display_name"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("events", "0005_room_order_as_entered")]

    operations = [migrations.RunPython(rename, migrations.RunPython.noop)]

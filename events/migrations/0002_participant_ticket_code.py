from django.db import migrations, models

import events.models


def give_everyone_a_code(apps, schema_editor):
    Participant = apps.get_model("events", "Participant")
    taken = set()
    for participant in Participant.objects.order_by("pk").only("pk", "camp_id"):
        code = events.models.new_ticket_code()
        while (participant.camp_id, code) in taken:
            code = events.models.new_ticket_code()
        taken.add((participant.camp_id, code))
        Participant.objects.filter(pk=participant.pk).update(ticket_code=code)


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [
        # A callable default is called once for the existing rows: fill them one by one instead.
        migrations.AddField(
            model_name="participant",
            name="ticket_code",
            field=models.CharField(editable=False, max_length=6, default="", verbose_name="ticket code"),
            preserve_default=False,
        ),
        migrations.RunPython(give_everyone_a_code, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="participant",
            name="ticket_code",
            field=models.CharField(
                default=events.models.new_ticket_code,
                editable=False,
                max_length=6,
                verbose_name="ticket code",
            ),
        ),
        migrations.AddConstraint(
            model_name="participant",
            constraint=models.UniqueConstraint(
                fields=("camp", "ticket_code"), name="ticket_code_unique_per_camp"
            ),
        ),
    ]

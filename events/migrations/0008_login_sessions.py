from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import migrations, models
from django.utils import timezone

BATCH = 1000


def move(source, target, *, with_user):
    """The unexpired sessions from one table to the other, keys kept: nobody is logged out."""
    rows = source.objects.filter(expire_date__gt=timezone.now()).order_by("session_key")
    decoder = SessionStore()
    batch = []
    for row in rows.iterator(chunk_size=BATCH):
        fields = {
            "session_key": row.session_key,
            "session_data": row.session_data,
            "expire_date": row.expire_date,
        }
        if with_user:
            user_id = decoder.decode(row.session_data).get(SESSION_KEY)
            fields["user_id"] = int(user_id) if str(user_id).isdigit() else None
        batch.append(target(**fields))
        if len(batch) == BATCH:
            target.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    target.objects.bulk_create(batch, ignore_conflicts=True)
    # What stays in the old table is personal data nothing would read or delete any more.
    source.objects.all().delete()


def forwards(apps, schema_editor):
    move(apps.get_model("sessions", "Session"), apps.get_model("events", "LoginSession"), with_user=True)


def backwards(apps, schema_editor):
    move(apps.get_model("events", "LoginSession"), apps.get_model("sessions", "Session"), with_user=False)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0007_online_rooms"),
        ("sessions", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="LoginSession",
            fields=[
                (
                    "session_key",
                    models.CharField(
                        max_length=40, primary_key=True, serialize=False, verbose_name="session key"
                    ),
                ),
                ("session_data", models.TextField(verbose_name="session data")),
                ("expire_date", models.DateTimeField(db_index=True, verbose_name="expire date")),
                ("user_id", models.BigIntegerField(db_index=True, null=True)),
            ],
            options={
                "verbose_name": "session",
                "verbose_name_plural": "sessions",
                "abstract": False,
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]

import django.utils.timezone
from django.db import migrations, models

# The components at installation: each gets a row whose "since" is now, so a fresh
# installation is judged from the moment it was installed (see Heartbeat.state).
COMPONENTS = ["planner", "dispatcher"]


def create_rows(apps, schema_editor):
    Heartbeat = apps.get_model("health", "Heartbeat")
    Heartbeat.objects.bulk_create(
        [Heartbeat(component=name) for name in COMPONENTS], ignore_conflicts=True
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Heartbeat",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("component", models.CharField(max_length=40, unique=True)),
                ("since", models.DateTimeField(default=django.utils.timezone.now)),
                ("last_run", models.DateTimeField(blank=True, null=True)),
            ],
        ),
        migrations.RunPython(create_rows, migrations.RunPython.noop),
    ]

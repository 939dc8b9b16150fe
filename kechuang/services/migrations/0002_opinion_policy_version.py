# The consultation opinion's link to its policy version was named ``version`` and so hid the
# record's edit counter (TrackedModel.version): it becomes ``policy_version`` and the counter
# comes back.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("services", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="consultationopinion",
            name="opinion_unique_body",
        ),
        migrations.RenameField(
            model_name="consultationopinion",
            old_name="version",
            new_name="policy_version",
        ),
        migrations.AddField(
            model_name="consultationopinion",
            name="version",
            field=models.PositiveIntegerField(default=1, editable=False, verbose_name="version"),
        ),
        migrations.AlterModelOptions(
            name="consultationopinion",
            options={
                "ordering": ["policy_version", "requested_on", "id"],
                "verbose_name": "consultation opinion",
                "verbose_name_plural": "consultation opinions",
            },
        ),
        migrations.AddConstraint(
            model_name="consultationopinion",
            constraint=models.UniqueConstraint(
                fields=("policy_version", "body"), name="opinion_unique_body"
            ),
        ),
    ]

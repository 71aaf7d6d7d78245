"""Placeholder in the migration chain, filled by its workstream (empty until then)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0021_row_versions"),
    ]

    operations = []

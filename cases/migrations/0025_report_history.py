from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cases", "0024_retention")]

    operations: list = []

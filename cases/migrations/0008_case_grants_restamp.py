"""A case grant given, changed or taken back draws its holder a new ``access_stamp`` (written by
``clinic.lib.stamps``, frozen in ``clinic.migrations._frozen_triggers``)."""

from django.db import migrations

from clinic.migrations._frozen_triggers import CASE_GRANTS, CreateTriggers


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_case_list_kind_index"),
        ("clinic", "0007_user_stamp_and_unread"),
    ]

    operations = [CreateTriggers(CASE_GRANTS)]

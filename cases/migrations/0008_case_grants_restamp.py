"""A case grant given, changed or taken back draws its holder a new ``access_stamp``
(``clinic.lib.stamps``)."""

from django.db import migrations

from clinic.lib import stamps
from clinic.lib.triggers import operation


def triggers(vendor):
    return stamps.holder_triggers(vendor, "cases_caseuserobjectpermission")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_case_list_kind_index"),
        ("clinic", "0007_user_stamp_and_unread"),
    ]

    operations = [operation(triggers)]

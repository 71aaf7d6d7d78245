"""Parties have a type (自然人 / 法人 / 非法人组织) with a unit's credit code and responsible
person; dispute types have a second level (DisputeSubtype) with a starter list, each under
exactly one of the 15 official types (issue 22)."""

import django.db.models.deletion
from django.db import migrations, models

import clinic.lib.encrypted
import clinic.lib.phones

DISPUTE_TYPES = [
    ("marriage_family", "Marriage and family"),
    ("neighbour", "Neighbours"),
    ("housing_land", "Housing and homesteads"),
    ("contract", "Contracts"),
    ("business", "Production and business"),
    ("damages", "Compensation for damage"),
    ("forest_land", "Forests and land"),
    ("expropriation", "Land requisition and demolition"),
    ("environment", "Environmental pollution"),
    ("labour", "Labour"),
    ("consumer", "Consumer"),
    ("medical", "Medical"),
    ("traffic", "Road traffic accidents"),
    ("property_management", "Property management"),
    ("other", "Other"),
]

PARTY_KINDS = [
    ("natural", "Natural person"),
    ("legal", "Legal person"),
    ("unincorporated", "Unincorporated organisation"),
]

#: The starter list: (code, name, official type), in the order offered under each type.
STARTER_SUBTYPES = [
    ("marriage", "婚姻", "marriage_family"),
    ("inheritance", "继承", "marriage_family"),
    ("elder-support", "赡养", "marriage_family"),
    ("child-support", "抚养", "marriage_family"),
    ("passage-light", "邻里通行采光", "neighbour"),
    ("neighbour-leaks-noise", "相邻漏水噪声", "neighbour"),
    ("homestead", "宅基地", "housing_land"),
    ("house-sale-building", "房屋买卖与建房", "housing_land"),
    ("private-lending", "民间借贷", "contract"),
    ("financial-lending", "金融借贷", "contract"),
    ("house-rental", "房屋租赁", "contract"),
    ("sale-contract", "买卖合同", "contract"),
    ("partnership", "合伙经营", "business"),
    ("personal-injury", "人身损害赔偿", "damages"),
    ("property-damage", "财产损害赔偿", "damages"),
    ("land-contracting", "土地承包经营", "forest_land"),
    ("forest-rights", "山林权属", "forest_land"),
    ("expropriation", "征地拆迁", "expropriation"),
    ("pollution", "环境污染", "environment"),
    ("migrant-wages", "拖欠农民工工资", "labour"),
    ("labour-contract", "劳动合同", "labour"),
    ("work-injury", "工伤", "labour"),
    ("consumption", "消费", "consumer"),
    ("e-commerce", "电子商务", "consumer"),
    ("medical", "医疗", "medical"),
    ("road-traffic", "道路交通", "traffic"),
    ("property-service", "物业服务", "property_management"),
    ("owners-committee", "业主共有部分与业委会", "property_management"),
]


def load_starter_subtypes(apps, schema_editor):
    DisputeSubtype = apps.get_model("cases", "DisputeSubtype")
    for i, (code, name, dispute_type) in enumerate(STARTER_SUBTYPES):
        DisputeSubtype.objects.get_or_create(
            code=code, defaults={"name": name, "dispute_type": dispute_type, "order": i * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0030_prevention")]

    operations = [
        migrations.CreateModel(
            name="DisputeSubtype",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=50, unique=True, verbose_name="name")),
                (
                    "code",
                    models.SlugField(
                        help_text="Letters, digits and hyphens, for exports and an exchange feed.",
                        max_length=30,
                        unique=True,
                        verbose_name="code",
                    ),
                ),
                (
                    "dispute_type",
                    models.CharField(
                        choices=DISPUTE_TYPES, max_length=25, verbose_name="dispute type"
                    ),
                ),
                ("active", models.BooleanField(default=True, verbose_name="offered")),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                (
                    "row_version",
                    models.PositiveIntegerField(
                        default=1, editable=False, verbose_name="edit version"
                    ),
                ),
            ],
            options={
                "verbose_name": "dispute subtype",
                "verbose_name_plural": "dispute subtypes",
                "ordering": ["dispute_type", "order", "pk"],
            },
        ),
        migrations.AddField(
            model_name="case",
            name="dispute_subtype",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cases",
                to="cases.disputesubtype",
                verbose_name="dispute subtype",
            ),
        ),
        migrations.AddField(
            model_name="historicalcase",
            name="dispute_subtype",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="cases.disputesubtype",
                verbose_name="dispute subtype",
            ),
        ),
        migrations.AddField(
            model_name="party",
            name="kind",
            field=models.CharField(
                choices=PARTY_KINDS,
                default="natural",
                max_length=15,
                verbose_name="party type",
            ),
        ),
        migrations.AddField(
            model_name="party",
            name="credit_code",
            field=models.CharField(
                blank=True,
                db_index=True,
                help_text="统一社会信用代码: 18 characters, on the business licence.",
                max_length=18,
                verbose_name="unified social credit code",
            ),
        ),
        migrations.AddField(
            model_name="party",
            name="responsible_person",
            field=models.CharField(
                blank=True,
                max_length=50,
                verbose_name="legal representative or person in charge",
            ),
        ),
        migrations.AddField(
            model_name="party",
            name="responsible_position",
            field=models.CharField(blank=True, max_length=50, verbose_name="their position"),
        ),
        migrations.AddField(
            model_name="party",
            name="responsible_phone",
            field=clinic.lib.encrypted.EncryptedCharField(
                blank=True,
                max_plain_length=20,
                validators=[clinic.lib.phones.PhoneValidator()],
                verbose_name="their phone",
            ),
        ),
        migrations.AlterField(
            model_name="party",
            name="name",
            field=models.CharField(max_length=100, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="party",
            name="name_key",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=100),
        ),
        migrations.AddField(
            model_name="historicalparty",
            name="kind",
            field=models.CharField(
                choices=PARTY_KINDS,
                default="natural",
                max_length=15,
                verbose_name="party type",
            ),
        ),
        migrations.AddField(
            model_name="historicalparty",
            name="credit_code",
            field=models.CharField(
                blank=True,
                db_index=True,
                help_text="统一社会信用代码: 18 characters, on the business licence.",
                max_length=18,
                verbose_name="unified social credit code",
            ),
        ),
        migrations.AddField(
            model_name="historicalparty",
            name="responsible_person",
            field=models.CharField(
                blank=True,
                max_length=50,
                verbose_name="legal representative or person in charge",
            ),
        ),
        migrations.AddField(
            model_name="historicalparty",
            name="responsible_position",
            field=models.CharField(blank=True, max_length=50, verbose_name="their position"),
        ),
        migrations.AddField(
            model_name="historicalparty",
            name="responsible_phone",
            field=clinic.lib.encrypted.EncryptedCharField(
                blank=True,
                max_plain_length=20,
                validators=[clinic.lib.phones.PhoneValidator()],
                verbose_name="their phone",
            ),
        ),
        migrations.AlterField(
            model_name="historicalparty",
            name="name",
            field=models.CharField(max_length=100, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="historicalparty",
            name="name_key",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=100),
        ),
        migrations.RunPython(load_starter_subtypes, migrations.RunPython.noop),
    ]

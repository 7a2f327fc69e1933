from django.db import migrations

# The unit kinds every installation starts with; a province adds its own as data.
KINDS = [
    ("tinh", "Tỉnh", "province", True),
    ("thanh-pho", "Thành phố", "province", True),
    ("huyen", "Huyện", "district", True),
    ("quan", "Quận", "district", True),
    ("thi-xa", "Thị xã", "district", True),
    ("xa", "Xã", "commune", True),
    ("phuong", "Phường", "commune", True),
    ("dac-khu", "Đặc khu", "commune", True),
    ("thi-tran", "Thị trấn", "commune", True),
    ("so", "Sở", "agency", False),
    ("phong", "Phòng", "office", False),
]


def create_kinds(apps, schema_editor):
    UnitKind = apps.get_model("organisation", "UnitKind")
    for order, (code, name, level, administrative) in enumerate(KINDS):
        UnitKind.objects.get_or_create(
            code=code, defaults={"name": name, "level": level, "is_administrative": administrative, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("organisation", "0001_initial")]
    operations = [migrations.RunPython(create_kinds, migrations.RunPython.noop)]

"""The cluster's sectors, present from the start so forms and filters have them."""

from django.db import migrations

SECTORS = [
    ("animation", "Animation", "Animation"),
    ("audiovisual", "Audiovisuel", "Audiovisual"),
    ("video-games", "Jeu vidéo", "Video games"),
    ("digital-communication", "Communication numérique", "Digital communication"),
    ("cinema", "Cinéma", "Cinema"),
    ("vfx", "Effets visuels", "Visual effects"),
    ("immersive", "Réalité virtuelle et immersive", "Virtual and immersive reality"),
    ("music-sound", "Musique et son", "Music and sound"),
]


def create_sectors(apps, schema_editor):
    Sector = apps.get_model("missions", "Sector")
    for slug, name_fr, name_en in SECTORS:
        Sector.objects.update_or_create(slug=slug, defaults={"name_fr": name_fr, "name_en": name_en})


class Migration(migrations.Migration):
    dependencies = [("missions", "0001_initial")]
    operations = [migrations.RunPython(create_sectors, migrations.RunPython.noop)]

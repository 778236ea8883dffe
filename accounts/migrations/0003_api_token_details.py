# Tokens get an opaque code (for lists and revocation), the key's last four characters, where
# and by what program they were issued, and their last use. Existing tokens get a code each.

import accounts.models
import lib.clock
from django.db import migrations, models


def give_each_token_a_code(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    for token in ApiToken.objects.filter(code=""):
        token.code = accounts.models.new_token_code()
        token.save(update_fields=["code"])


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_delegation'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='apitoken',
            options={'ordering': ['-created_at'], 'verbose_name': 'API token', 'verbose_name_plural': 'API tokens'},
        ),
        migrations.AddField(
            model_name='apitoken',
            name='code',
            field=models.CharField(default='', editable=False, max_length=16),
            preserve_default=False,
        ),
        migrations.RunPython(give_each_token_a_code, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='apitoken',
            name='code',
            field=models.CharField(default=accounts.models.new_token_code, editable=False, max_length=16, unique=True),
        ),
        migrations.AddField(
            model_name='apitoken',
            name='created_from',
            field=models.CharField(blank=True, max_length=64, verbose_name='issued to address'),
        ),
        migrations.AddField(
            model_name='apitoken',
            name='hint',
            field=models.CharField(blank=True, max_length=4, verbose_name='ends with'),
        ),
        migrations.AddField(
            model_name='apitoken',
            name='last_used_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='last used'),
        ),
        migrations.AddField(
            model_name='apitoken',
            name='user_agent',
            field=models.CharField(blank=True, max_length=200, verbose_name='program'),
        ),
        migrations.AlterField(
            model_name='apitoken',
            name='created_at',
            field=models.DateTimeField(default=lib.clock.now, verbose_name='issued'),
        ),
        migrations.AlterField(
            model_name='apitoken',
            name='expires_at',
            field=models.DateTimeField(verbose_name='expires'),
        ),
    ]

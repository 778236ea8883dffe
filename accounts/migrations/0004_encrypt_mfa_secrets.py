# Authenticator-app secrets and recovery-code seeds were stored as allauth wrote them, in plain
# text; from now on the MFA adapter encrypts them (accounts/mfa_secrets.py). This encrypts the
# rows that exist; undoing it writes them back in plain text.

from django.db import migrations

from accounts import mfa_secrets


def _rewrite(apps, change):
    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.exclude(type="webauthn"):
        data = change(authenticator.data)
        if data != authenticator.data:
            authenticator.data = data
            authenticator.save(update_fields=["data"])


def encrypt_secrets(apps, schema_editor):
    _rewrite(apps, mfa_secrets.encrypted_data)


def decrypt_secrets(apps, schema_editor):
    _rewrite(apps, mfa_secrets.decrypted_data)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0003_api_token_details"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_secrets, decrypt_secrets)]

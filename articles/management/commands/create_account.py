import getpass
import sys

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.roles import ROLES, apply_roles


class Command(BaseCommand):
    help = (
        "Create (or update) a staff login for a writer or an editor. The password is "
        "typed at a prompt, or read from standard input with --password-stdin; there "
        "is never a default one."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", choices=sorted(ROLES), required=True)
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from the first line of standard input.",
        )

    def handle(self, *args, username, role, email, password_stdin, **options):
        password = self._read_password(password_stdin)
        user_model = get_user_model()
        candidate = user_model(username=username, email=email)
        try:
            password_validation.validate_password(password, candidate)
        except ValidationError as error:
            raise CommandError("Password refused: " + " ".join(error.messages)) from error
        with transaction.atomic():
            apply_roles(Group, Permission)  # the groups exist even if migrations were faked
            user, created = user_model.objects.get_or_create(
                username=username, defaults={"email": email}
            )
            user.is_staff = True
            if email:
                user.email = email
            user.set_password(password)
            user.save()
            user.groups.remove(*Group.objects.filter(name__in=ROLES.values()))
            user.groups.add(Group.objects.get(name=ROLES[role]))
        verb = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} {role} “{username}”. Sign in at /admin/."))

    def _read_password(self, from_stdin: bool) -> str:
        if from_stdin:
            password = sys.stdin.readline().rstrip("\n")
        elif sys.stdin.isatty():
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ; nothing was changed.")
        else:
            raise CommandError("No terminal to ask for a password: use --password-stdin.")
        if not password:
            raise CommandError("An empty password is not allowed; nothing was changed.")
        return password

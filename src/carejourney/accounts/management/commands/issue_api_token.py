"""Issue an API token for a staff member; the token is printed once and only its hash is stored."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from carejourney.accounts.models import ApiToken
from carejourney.accounts.roles import staff_of


class Command(BaseCommand):
    help = "Issue an API token acting as (and scoped like) a staff member."

    def add_arguments(self, parser):
        parser.add_argument("email", help="the staff member's email (their username)")
        parser.add_argument("name", help="what the token is for, e.g. 'scheduling system'")

    def handle(self, email, name, **options):
        user = get_user_model().objects.filter(username=email).first()
        if user is None or staff_of(user) is None:
            raise CommandError(f"no staff member with the email {email}")
        if not name.strip() or len(name) > 100:
            raise CommandError("name: give 1 to 100 characters")
        _, key = ApiToken.issue(user, name.strip())
        self.stdout.write(key)

from django.core.management.base import BaseCommand, CommandError

from articles import content_checks


class Command(BaseCommand):
    help = (
        "Validate the loaded content: every citation excerpt and quote is verbatim in "
        "its article, every relation and tag resolves, nothing is orphaned. Exits "
        "non-zero with a list of what is wrong."
    )

    def handle(self, *args, **options):
        problems = content_checks.find_problems()
        if problems:
            listing = "\n".join(f"  - {problem}" for problem in problems)
            raise CommandError(f"{len(problems)} problem(s) in the loaded content:\n{listing}")
        self.stdout.write(self.style.SUCCESS(f"Content checks passed: {content_checks.summary()}."))

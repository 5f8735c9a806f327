"""`manage.py b2b_solve INSTANCE.json [--time-limit S] [--out FILE]`: the B2B scheduler."""

import io

from django.core.management.base import BaseCommand, CommandError

from bookings.scheduling import cli


class Command(BaseCommand):
    help = (
        "Schedule the meetings of a primi-b2b/1 instance file and write a "
        "primi-b2b-solution/1 document. Exit 0 when a solution was written, 2 on bad input."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("instance", help="the instance file (primi-b2b/1 JSON)")
        parser.add_argument("--time-limit", type=float, default=60.0, help="seconds")
        parser.add_argument("--out", help="write the solution there (default: stdout)")
        parser.add_argument("--workers", type=int, help="CP-SAT workers")

    def handle(self, *args, **options) -> None:
        argv = [options["instance"], "--time-limit", str(options["time_limit"])]
        if options["out"]:
            argv += ["--out", options["out"]]
        if options["workers"]:
            argv += ["--workers", str(options["workers"])]
        messages = io.StringIO()
        code = cli.main(argv, stdout=self.stdout, stderr=messages)
        message = messages.getvalue().strip()
        if code != cli.EXIT_OK:
            # returncode reaches the shell through call_command's caller (manage.py).
            raise CommandError(message.removeprefix("b2b_solve: "), returncode=code)
        if message:
            self.stderr.write(message)

"""`manage.py b2b_solve INSTANCE.json [--time-limit S] [--out FILE] [--seed N]`."""

import io

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bookings.scheduling import cli
from bookings.scheduling.deadline import process_started


class Command(BaseCommand):
    help = (
        "Schedule the meetings of a primi-b2b/1 instance file and write a "
        "primi-b2b-solution/1 document. Exit 0 when a solution was written, 2 on bad input. "
        "The time limit counts from the process start, between 5 s and SOLVER_MAX_SECONDS."
    )

    started = None  # the process start when run from the command line (manage.py)

    def run_from_argv(self, argv) -> None:
        self.started = process_started()
        super().run_from_argv(argv)

    def add_arguments(self, parser) -> None:
        parser.add_argument("instance", help="the instance file (primi-b2b/1 JSON)")
        parser.add_argument("--time-limit", type=float, default=60.0, help="seconds")
        parser.add_argument("--out", help="write the solution there (default: stdout)")
        parser.add_argument("--workers", type=int, help="CP-SAT workers")
        parser.add_argument("--seed", type=int, help="seed (default: the file's, or 0)")

    def handle(self, *args, **options) -> None:
        argv = [options["instance"], "--time-limit", str(options["time_limit"])]
        for name in ("out", "workers", "seed"):
            if options[name] is not None:
                argv += [f"--{name}", str(options[name])]
        messages = io.StringIO()
        code = cli.main(
            argv,
            stdout=self.stdout,
            stderr=messages,
            largest=settings.SOLVER_MAX_SECONDS,
            started=self.started,
        )
        message = messages.getvalue().strip()
        if code != cli.EXIT_OK:
            # returncode reaches the shell through call_command's caller (manage.py).
            raise CommandError(message.removeprefix("b2b_solve: "), returncode=code)
        if message:
            self.stderr.write(message)

import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from workflow.notifications.jobs import run_mail_deliveries, run_reminder_sweep


class Command(BaseCommand):
    help = _("Send the waiting notification e-mails (and, with --sweep, the day's reminders).")

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop", type=float, metavar="SECONDS", help=_("Keep running, every SECONDS.")
        )
        parser.add_argument("--sweep", action="store_true", help=_("Run the reminder sweep too."))
        parser.add_argument("--limit", type=int, default=100)

    def handle(self, *args, loop=None, sweep=False, limit=100, **options):
        while True:
            if sweep:
                written = run_reminder_sweep()
                self.stdout.write(_("%(count)s reminders written.") % {"count": written})
            sent = run_mail_deliveries(limit=limit)
            self.stdout.write(_("%(count)s e-mails sent.") % {"count": sent}, ending="\n")
            self.stdout.flush()
            if loop is None:
                return
            time.sleep(loop)

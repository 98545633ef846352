from django.core.management.base import BaseCommand, CommandError

from workflow import demo


class Command(BaseCommand):
    help = ("Load the Program 27 demo: agencies, users of every role, dossiers at every stage. "
            "Refuses a database that holds anything but the demo.")

    def handle(self, *args, **options):
        try:
            users, dossiers = demo.load_demo()
        except demo.NotADemoDatabase as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"Demo data: {users} users and {dossiers} dossiers created.")
        self.stdout.write(f"Logins (password for all: {demo.DEMO_PASSWORD}):")
        for username, role, agency in demo.logins():
            self.stdout.write(f"  {username:<18} {role:<20} {agency}")

"""manage.py document_files: stored files against the database; removes orphans on request."""

import datetime

from django.core.management.base import BaseCommand

from documents import consistency


class Command(BaseCommand):
    help = (
        "List stored files no row refers to (orphans a crash left behind) and versions whose file "
        "is missing. Nothing is deleted unless --delete is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--delete", action="store_true", help="delete the orphans listed (default: dry run)"
        )
        parser.add_argument(
            "--min-age",
            type=int,
            default=int(consistency.DEFAULT_GRACE.total_seconds()),
            metavar="SECONDS",
            help="only files last written at least this long ago (an upload may be in flight)",
        )

    def handle(self, *args, **opts):
        if opts["min_age"] < 0:
            self.stderr.write("--min-age must be zero or more seconds.")
            raise SystemExit(2)
        grace = datetime.timedelta(seconds=opts["min_age"])
        found = consistency.orphans(grace=grace)
        for orphan in found:
            size = "?" if orphan.size is None else orphan.size
            self.stdout.write(f"orphan: {orphan.name} ({size} bytes)")
        if opts["delete"]:
            removed = consistency.remove_orphans(found)
            self.stdout.write(f"orphans: {len(found)} found, {len(removed)} deleted")
        else:
            self.stdout.write(f"orphans: {len(found)} found (dry run: --delete removes them)")
        missing = consistency.missing_files()
        for version in missing:
            self.stdout.write(
                self.style.ERROR(f"missing: version {version.pk} file {version.file.name}")
            )
        self.stdout.write(f"missing files: {len(missing)}")
        if missing:
            raise SystemExit(1)

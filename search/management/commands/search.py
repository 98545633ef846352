"""manage.py search "…": the search of the search page, from the command line."""

import datetime
import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from search import services
from search.backends.base import SORTS, Filters
from search.highlight import as_html


class Command(BaseCommand):
    help = "Search dossiers and documents, as a given user (default: every agency)."

    def add_arguments(self, parser):
        parser.add_argument("query", nargs="?", default="")
        parser.add_argument("--user", help="search as this username (their permissions apply)")
        parser.add_argument("--agency", type=int, action="append", default=[])
        parser.add_argument("--kind", action="append", default=[])
        parser.add_argument("--stage", action="append", default=[])
        parser.add_argument("--type", dest="doc_type", action="append", default=[])
        parser.add_argument("--decision", default="")
        parser.add_argument("--from", dest="date_from", type=datetime.date.fromisoformat)
        parser.add_argument("--to", dest="date_to", type=datetime.date.fromisoformat)
        parser.add_argument("--sort", choices=SORTS, default=SORTS[0])
        parser.add_argument("--page", type=int, default=1)
        parser.add_argument("--json", action="store_true", help="print the hits as JSON")

    def handle(self, *args, **opts):
        user = None
        if opts["user"]:
            try:
                user = get_user_model().objects.get(username=opts["user"])
            except get_user_model().DoesNotExist:
                raise CommandError(f"no user {opts['user']!r}") from None
        filters = Filters(
            agency_ids=tuple(opts["agency"]), kinds=tuple(opts["kind"]),
            stages=tuple(opts["stage"]), doc_types=tuple(opts["doc_type"]),
            decision_number=opts["decision"], date_from=opts["date_from"], date_to=opts["date_to"],
        )
        try:
            result = services.search(user=user, text=opts["query"], filters=filters,
                                     sort=opts["sort"], page=opts["page"])
        except services.SearchError as error:
            raise CommandError(str(error)) from error
        if opts["json"]:
            self.stdout.write(json.dumps(
                {"total": result.total,
                 "hits": [{"key": h.entry.key, "dossier_id": h.entry.dossier_id,
                           "title": h.entry.title, "score": h.score,
                           "snippets": [as_html(s) for s in h.snippets]} for h in result.hits]},
                ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{result.total} results (page {result.page} of {result.pages})")
        for hit in result.hits:
            e = hit.entry
            self.stdout.write(self.style.SUCCESS(
                f"\n{e.key}  dossier {e.dossier_id} · {e.agency_name} · {e.kind} · {e.stage} · "
                f"{e.doc_type} · {e.date or ''}"))
            self.stdout.write("  " + _plain(hit.title))
            for snippet in hit.snippets:
                self.stdout.write("    " + _plain(snippet))


def _plain(snippet) -> str:
    return "".join(f"[{part}]" if is_match else part for part, is_match in snippet)

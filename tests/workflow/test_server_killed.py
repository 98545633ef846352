"""The server process killed (SIGKILL) in the middle of an upload, a vote and a transition.

A real `manage.py runserver --noreload` serves a site on disk; a request is sent and the process
is killed a moment later, wherever it is (reading the body, writing the file, inside the
transaction, after the commit). After each kill the server starts again, and then:
- database, files and search index agree (every version's file is there with its hash, the only
  stray files are orphans `document_files` removes, the index holds exactly each dossier's
  entries once the outbox is processed);
- a dossier's stage and its process agree, no fully voted round is left open, every tallied
  round has its minutes;
- the same form sent again (the browser's retry) is done exactly once in all.
"""

import http.client
import http.cookiejar
import json
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest

from tests import live_site

pytestmark = pytest.mark.slow

SEED = """
import json
from tests.factories import PASSWORD, make_agency, make_user
from tests.documents.sample_files import word_like_docx
from workflow import services
from workflow.models import KindPolicy

agency = make_agency()
drafter = make_user("drafter", agency)
secretary = make_user("secretary")
approver = make_user("approver")
members = [make_user("council_member") for _ in range(4)]

def on_the_council(n):
    dossier = services.create_dossier(
        user=drafter, kind="plan", title=f"Kế hoạch {n}", program="CT27", summary="Tóm tắt"
    )
    services.transition_dossier(dossier_id=dossier.pk, action="submit", user=drafter)
    services.transition_dossier(
        dossier_id=dossier.pk, action="accept", user=secretary,
        checked=KindPolicy.for_kind("plan").checklist,
    )
    round_ = services.open_round(
        user=secretary, dossier_id=dossier.pk, chair_id=members[0].pk,
        member_ids=[m.pk for m in members[1:]],
    )
    return dossier, round_

voting, approving = [], []
for n in range(KILLS):
    dossier, round_ = on_the_council(n)
    for member in members[:-1]:
        services.cast_vote(user=member, round_id=round_.pk, choice="approve")
    voting.append([dossier.pk, round_.pk])
for n in range(KILLS):
    dossier, round_ = on_the_council(10 + n)
    for member in members:
        services.cast_vote(user=member, round_id=round_.pk, choice="approve")
    approving.append(dossier.pk)
draft = services.create_dossier(
    user=drafter, kind="plan", title="Bản nháp", program="CT27", summary="Tóm tắt"
)
open(UPLOAD_PATH, "wb").write(word_like_docx(40))
print(json.dumps({
    "password": PASSWORD, "drafter": drafter.username, "approver": approver.username,
    "last_member": members[-1].username, "voting": voting, "approving": approving,
    "draft": draft.pk,
}))
"""

CHECK = """
import datetime, json
from documents import consistency, services as documents
from documents.models import DocumentVersion
from search import services as search
from search.models import IndexEntry, OutboxEntry
from workflow import flows
from workflow.models import Dossier, Round, RoundResult, Seat, Vote

problems = []
for version in DocumentVersion.objects.all():
    if not documents.verify_integrity(version):
        problems.append(f"version {version.pk}: file missing or changed")
for dossier in Dossier.objects.all():
    task = flows.active_task(dossier)
    if dossier.state not in ("archived", "withdrawn"):
        if task is None or task.flow_task.stage != flows.stage_of_task(dossier.state):
            problems.append(f"dossier {dossier.pk} at {dossier.state}: process at {task}")
for round_ in Round.objects.all():
    voters = round_.seats.exclude(role=Seat.SECRETARY).count()
    voted = Vote.objects.filter(round=round_).values("member_id").distinct().count()
    if round_.is_open and voted >= voters:
        problems.append(f"round {round_.pk}: fully voted but open")
    if not round_.is_open and round_.result not in (RoundResult.ABANDONED,):
        minutes = DocumentVersion.objects.filter(
            document__dossier_id=round_.dossier_id, document__doc_type="minutes"
        ).count()
        if minutes < 1:
            problems.append(f"round {round_.pk}: closed without minutes")
# Every server is stopped: a lease a killed one held on an index update is void (a worker would
# take the row once the lease expired).
OutboxEntry.objects.update(claimed_by="", locked_until=None)
search.process_outbox(limit=10_000, force=True)
for dossier in Dossier.objects.all():
    want = {entry.key for entry in search.entries_for(dossier)}
    have = set(IndexEntry.objects.filter(dossier_id=dossier.pk).values_list("key", flat=True))
    if want != have:
        problems.append(f"dossier {dossier.pk}: index {sorted(have)} != {sorted(want)}")
orphans = consistency.orphans(grace=datetime.timedelta(0))
print(json.dumps({"problems": problems, "orphans": [o.name for o in orphans]}))
"""

COUNTS = """
import json
from documents.models import DocumentVersion
from workflow.models import AuditEntry, Vote
print(json.dumps({
    "versions": DocumentVersion.objects.filter(document__doc_type="main").count(),
    "votes": Vote.objects.count(),
    "approvals": AuditEntry.objects.filter(action="approve").count(),
    "decisions": DocumentVersion.objects.filter(document__doc_type="decision").count(),
}))
"""


class Browser:
    """A person at a browser: cookies, CSRF tokens, forms with their one-time key."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path) -> str:
        with self.opener.open(self.base + path, timeout=60) as response:
            return response.read().decode()

    def post(self, path, fields, files=None, timeout=60):
        if files:
            boundary = uuid.uuid4().hex
            body = b""
            for name, value in fields.items():
                body += (
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                    f"{value}\r\n"
                ).encode()
            for name, (filename, data) in files.items():
                body += (
                    (
                        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                        f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
                    ).encode()
                    + data
                    + b"\r\n"
                )
            body += f"--{boundary}--\r\n".encode()
            kind = f"multipart/form-data; boundary={boundary}"
        else:
            body = urllib.parse.urlencode(fields, doseq=True).encode()
            kind = "application/x-www-form-urlencoded"
        request = urllib.request.Request(
            self.base + path, data=body, headers={"Content-Type": kind}, method="POST"
        )
        with self.opener.open(request, timeout=timeout) as response:
            return response.read().decode()

    def login(self, username, password):
        page = self.get("/login/")
        self.post(
            "/login/",
            {"username": username, "password": password, "csrfmiddlewaretoken": csrf(page)},
        )

    def form_keys(self, path) -> dict:
        page = self.get(path)
        return {"csrfmiddlewaretoken": csrf(page), "submission": submission(page)}


def csrf(page):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def submission(page):
    return re.search(r'name="submission" value="([^"]+)"', page).group(1)


def send_and_kill(server, send, delay):
    """Send in a thread; SIGKILL the server `delay` seconds later; True if a reply came first."""
    replied = []

    def run():
        try:
            send()
            replied.append(True)
        except (OSError, urllib.error.URLError, http.client.HTTPException):
            pass  # no reply, or one cut off mid-body (IncompleteRead): the kill came first

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(delay)
    server.kill()
    thread.join(timeout=60)
    return bool(replied)


def check(site):
    state = live_site.query(site, CHECK)
    assert state["problems"] == []
    if state["orphans"]:
        removed = live_site.manage(site, "document_files", "--min-age", "0", "--delete")
        assert f"{len(state['orphans'])} deleted" in removed.stdout
        assert live_site.query(site, CHECK)["orphans"] == []


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    template = live_site.migrated_template(tmp_path_factory.getbasetemp() / "live-site")
    site = live_site.new_site(template, tmp_path_factory.mktemp("killed"))
    seeded = live_site.run_python(
        site, f"UPLOAD_PATH = {str(site / 'upload.docx')!r}\nKILLS = {len(DELAYS)}\n" + SEED
    )
    assert seeded.returncode == 0, seeded.stderr
    world = json.loads(seeded.stdout.strip().splitlines()[-1])
    return site, world


# Seconds between sending and killing. A request took 50-80 ms here on a quiet machine, four
# times that on a busy one: mid-request on a fast machine, mid-request on a slow one (after the
# reply on a fast one: 0.1 alone let every request finish), after the reply.
DELAYS = (0.02, 0.1, 0.6)


def test_killed_during_uploads_votes_and_transitions_nothing_is_lost_or_done_twice(site):
    site, world = site
    password = world["password"]
    upload = (site / "upload.docx").read_bytes()
    cases = []
    for n, delay in enumerate(DELAYS):
        cases.append(
            (
                "upload",
                world["drafter"],
                f"/documents/dossiers/{world['draft']}/",
                f"/documents/dossiers/{world['draft']}/",
                {"doc_type": "main", "title": ""},
                {"file": ("ke-hoach.docx", upload)},
                delay,
            )
        )
        dossier, round_ = world["voting"][n]
        cases.append(
            (
                "vote",
                world["last_member"],
                f"/dossiers/{dossier}/",
                f"/dossiers/{dossier}/rounds/{round_}/vote/",
                {"choice": "approve"},
                None,
                delay,
            )
        )
        dossier = world["approving"][n]
        cases.append(
            (
                "transition",
                world["approver"],
                f"/dossiers/{dossier}/",
                f"/dossiers/{dossier}/actions/approve/",
                {"comment": "Đồng ý"},
                None,
                delay,
            )
        )
    replies = {}
    for kind, username, page, action, fields, files, delay in cases:
        server = live_site.Server(site).start()
        try:
            browser = Browser(server.base)
            browser.login(username, password)
            form = {**fields, **browser.form_keys(page)}
            replies[(kind, delay)] = send_and_kill(
                server, lambda b=browser, a=action, f=form, fl=files: b.post(a, f, fl), delay
            )
        finally:
            server.stop()
        check(site)
        # The browser retries the very same form on the restarted server.
        server = live_site.Server(site).start()
        try:
            browser = Browser(server.base)
            browser.login(username, password)
            form["csrfmiddlewaretoken"] = csrf(browser.get(page))
            browser.post(action, form, files)
        finally:
            server.stop()
    check(site)
    # At least one kill cut a request short (or the test proved nothing).
    assert not all(replies.values()), replies
    counts = live_site.query(site, COUNTS)
    # Each form was done exactly once, however the kill fell.
    assert counts["versions"] == len(DELAYS), (counts, replies)
    # Seeded: a round with three votes and one with four per kill; then one vote per kill.
    assert counts["votes"] == len(DELAYS) * (3 + 4) + len(DELAYS), (counts, replies)
    assert counts["approvals"] == counts["decisions"] == len(DELAYS), (counts, replies)

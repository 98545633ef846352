"""A bounded mixed load over HTTP, shared by the multi-process CI test and bench/serve.

`build_world` (Django, in the test or bench process) makes drafters with dossiers and council
members with open rounds; `run_load` (plain HTTP, no Django) has one client thread per user log in
and mix reads (home, inbox, dossier page, search) with writes (votes, .docx uploads, submit and
withdraw transitions) against one or several servers, and returns every request's outcome.
"""

import io
import itertools
import random
import re
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from urllib.parse import quote, urlencode

WORD = "băngthông"  # in every load dossier's title: the searches find them


@dataclass
class Actor:
    username: str
    role: str  # "drafter" or "member"
    dossiers: list[int] = field(default_factory=list)  # a drafter's own drafts
    rounds: list[tuple[int, int]] = field(default_factory=list)  # a member's (dossier, round)


def build_world(*, drafters: int, members: int, rounds: int, chair_votes: bool) -> list[Actor]:
    """Every member sits on every round; with chair_votes=False a user outside the load chairs
    them, so the rounds stay open however often the members vote (votes after the first are
    corrections)."""
    from tests.factories import make_agency, make_dossier, make_user
    from workflow import services

    agency = make_agency(f"Sở Thông tin và Truyền thông {uuid.uuid4().hex[:6]}")
    actors = []
    for i in range(drafters):
        user = make_user("drafter", agency, username=f"load-drafter-{i}")
        ids = [services.create_dossier(user=user, kind="plan", title=f"Kế hoạch {WORD} {i}-{n}",
                                       program="Chương trình 27", summary="Tải thử.").pk
               for n in range(2)]
        actors.append(Actor(user.username, "drafter", dossiers=ids))
    voters = [make_user("council_member", username=f"load-member-{i}") for i in range(members)]
    secretary = make_user("secretary", username="load-secretary")
    chair = voters[0] if chair_votes else make_user("council_member", username="load-chair")
    seats = [v for v in voters if v.pk != chair.pk]
    opened = []
    for n in range(rounds):
        dossier = make_dossier(agency=agency, state="council_review", created_by=secretary,
                               title=f"Đề án {WORD} hội đồng {n}")
        round_ = services.open_round(user=secretary, dossier_id=dossier.pk, chair_id=chair.pk,
                                     member_ids=[m.pk for m in seats])
        opened.append((dossier.pk, round_.pk))
    for voter in voters:
        actors.append(Actor(voter.username, "member", rounds=list(opened)))
    return actors


def docx_bytes(text: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Outcome:
    kind: str
    status: int
    seconds: float
    server: str


class Client:
    def __init__(self, base: str, password: str):
        self.base, self.password = base, password
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def _csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def request(self, path: str, data=None, headers=None) -> tuple[int, str]:
        request = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        if data is not None:
            request.add_header("X-CSRFToken", self._csrf())
            request.add_header("Referer", self.base + path)
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def login(self, username: str) -> None:
        status, page = self.request("/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, _ = self.request("/login/", urlencode({
            "username": username, "password": self.password,
            "csrfmiddlewaretoken": token}).encode())
        if status != 302:
            raise RuntimeError(f"{username} could not log in ({status})")

    def post(self, path: str, fields: dict) -> int:
        return self.request(path, urlencode(fields).encode())[0]

    def upload(self, dossier: int, name: str, content: bytes) -> int:
        boundary = uuid.uuid4().hex
        body = io.BytesIO()
        for key, value in [("doc_type", "main"), ("title", "")]:
            body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
                       f"{value}\r\n".encode())
        body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                   f'filename="{name}"\r\nContent-Type: application/vnd.openxmlformats-'
                   f'officedocument.wordprocessingml.document\r\n\r\n'.encode())
        body.write(content + f"\r\n--{boundary}--\r\n".encode())
        return self.request(f"/documents/dossiers/{dossier}/", body.getvalue(), {
            "Content-Type": f"multipart/form-data; boundary={boundary}"})[0]


def _steps(actor: Actor, rng: random.Random, write_share: float):
    """An endless mix for one user: reads, and that user's kind of write."""
    drafts = itertools.cycle(actor.dossiers)
    ballots = itertools.cycle(actor.rounds)  # each round in turn: every round gets every vote
    submitted: set[int] = set()
    seen = actor.dossiers or [d for d, _ in actor.rounds]
    for dossier, round_ in actor.rounds:  # a member votes on every round first, then mixes
        yield ("vote", "POST", f"/dossiers/{dossier}/rounds/{round_}/vote/", {"choice": "approve"})
    while True:
        if rng.random() >= write_share:
            yield rng.choice([
                ("home", "GET", "/", None), ("inbox", "GET", "/inbox/", None),
                ("dossier", "GET", f"/dossiers/{rng.choice(seen)}/", None),
                ("search", "GET", f"/search/?q={quote(WORD)}", None)])
        elif actor.role == "member":
            dossier, round_ = next(ballots)
            yield ("vote", "POST", f"/dossiers/{dossier}/rounds/{round_}/vote/",
                   {"choice": rng.choice(["approve", "approve", "reject"])})
        else:
            dossier = next(drafts)
            if dossier in submitted:
                submitted.discard(dossier)
                yield ("transition", "POST", f"/dossiers/{dossier}/actions/withdraw/",
                       {"comment": "Rút để bổ sung."})
            elif rng.random() < 0.5:
                submitted.add(dossier)
                yield ("transition", "POST", f"/dossiers/{dossier}/actions/submit/",
                       {"comment": ""})
            else:
                yield ("upload", "UPLOAD", dossier, None)


def run_load(bases: list[str], actors: list[Actor], password: str, *, seconds: float,
             max_requests: int, write_share: float = 0.3, warmup: float = 0.0,
             on_tick=None) -> list[Outcome]:
    """Each actor's thread logs in on a server (round robin) and runs its mix until `seconds`
    have passed or `max_requests` were sent in all. Outcomes during `warmup` are not returned.
    `on_tick(elapsed)` is called about every 0.5 s from the calling thread."""
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    sent = itertools.count()
    ready = threading.Barrier(len(actors) + 1, timeout=300)
    upload = docx_bytes(f"Dự thảo {WORD}: kiến trúc hệ thống, hạ tầng và an toàn thông tin.")
    stop_at: list[float] = []
    go = threading.Event()

    def work(i: int, actor: Actor) -> None:
        base = bases[i % len(bases)]
        client = Client(base, password)
        try:
            client.login(actor.username)
        except Exception:
            ready.abort()  # the others and the caller stop waiting: the load cannot run
            raise
        rng = random.Random(i)
        ready.wait()
        go.wait()
        for kind, method, target, fields in _steps(actor, rng, write_share):
            if time.monotonic() >= stop_at[0] or next(sent) >= max_requests:
                return
            started = time.monotonic()
            try:
                if method == "GET":
                    status = client.request(target)[0]
                elif method == "UPLOAD":
                    status = client.upload(target, f"du-thao-{i}.docx", upload)
                else:
                    status = client.post(target, fields)
            except Exception:  # noqa: BLE001 - no answer at all: counted as an error
                status = 0
            elapsed = time.monotonic() - started
            if started >= stop_at[1]:
                with lock:
                    outcomes.append(Outcome(kind, status, elapsed, base))

    threads = [threading.Thread(target=work, args=(i, a), daemon=True)
               for i, a in enumerate(actors)]
    for thread in threads:
        thread.start()
    ready.wait()
    began = time.monotonic()
    stop_at.extend([began + warmup + seconds, began + warmup])
    go.set()
    while any(t.is_alive() for t in threads):
        if on_tick:
            on_tick(time.monotonic() - began)
        for thread in threads:
            thread.join(timeout=0.5 / len(threads))
        if time.monotonic() > stop_at[0] + 120:
            raise RuntimeError("the load's clients did not stop")
    return outcomes


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0

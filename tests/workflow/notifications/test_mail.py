"""E-mail end to end through a real SMTP server on loopback: language, links, calendar, retries."""

import datetime

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.utils import timezone

from tests.factories import make_agency, make_dossier
from tests.workflow.notifications.test_events import person
from workflow import services
from workflow.notifications.jobs import run_mail_deliveries
from workflow.notifications.models import Delivery, Recipient
from workflow.notifications.outbox import queue_password_reset


def _text(message):
    return message.get_body(("plain",)).get_content()


def _html(message):
    return message.get_body(("html",)).get_content()


@pytest.mark.django_db
def test_a_submission_arrives_in_vietnamese_with_an_absolute_link(smtp_settings):
    agency = make_agency()
    drafter, secretary = person("drafter", agency), person("secretary")
    dossier = make_dossier(agency=agency, created_by=drafter)
    services.transition_dossier(dossier_id=dossier.pk, action="submit", user=drafter)
    assert smtp_settings.messages == []  # nothing is sent inside the transition
    assert run_mail_deliveries(limit=10) == 1
    [(to, message)] = smtp_settings.messages
    assert to == [secretary.email]
    assert message["Subject"].strip() == f"[dossierflow] Đã nộp: {dossier.title}"
    assert "Kính gửi đồng chí" in _text(message)
    link = f"https://dossierflow.example.vn/dossiers/{dossier.pk}/"
    assert link in _text(message) and f'href="{link}"' in _html(message)
    delivery = Delivery.objects.get()
    assert delivery.status == "sent" and delivery.address == secretary.email
    assert run_mail_deliveries(limit=10) == 0  # sent once


@pytest.mark.django_db
def test_a_title_with_a_line_break_still_makes_a_mail_and_a_calendar_entry(smtp_settings):
    """A carriage return is kept as text (an API client's title "Kế hoạch\rsố 2"): it made the
    mail's subject a header Django refuses, so the mail failed at every attempt, and it broke the
    calendar entry's line."""
    agency = make_agency()
    drafter, secretary = person("drafter", agency), person("secretary")
    chair, member = person("council_member"), person("council_member")
    dossier = services.create_dossier(user=drafter, kind="plan", title="Kế hoạch\rsố 2\r\nnăm 2026",
                                      program="Chương trình 27", summary="Tóm tắt")
    services.transition_dossier(dossier_id=dossier.pk, action="submit", user=drafter)
    services.transition_dossier(dossier_id=dossier.pk, action="accept", user=secretary)
    services.open_round(user=secretary, dossier_id=dossier.pk, chair_id=chair.pk,
                        member_ids=[member.pk])
    assert run_mail_deliveries(limit=10) == 3
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    subjects = {message["Subject"].strip() for _, message in smtp_settings.messages}
    assert "[dossierflow] Đã nộp: Kế hoạch số 2 năm 2026" in subjects
    to, message = next(m for m in smtp_settings.messages if m[0] == [chair.email])
    [ics] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    summary = next(line for line in ics.get_content().split("\r\n") if line.startswith("SUMMARY"))
    assert "\r" not in summary and "Kế hoạch" in summary


@pytest.mark.django_db
def test_an_english_reader_gets_english_and_an_english_link(smtp_settings):
    agency = make_agency()
    drafter, secretary = person("drafter", agency), person("secretary")
    Recipient.objects.create(user=secretary, language="en")
    dossier = make_dossier(agency=agency, created_by=drafter)
    services.transition_dossier(dossier_id=dossier.pk, action="submit", user=drafter)
    run_mail_deliveries(limit=10)
    [(_, message)] = smtp_settings.messages
    assert message["Subject"].strip().startswith("[dossierflow] Submitted:")
    assert f"https://dossierflow.example.vn/en/dossiers/{dossier.pk}/" in _text(message)


@pytest.mark.django_db
def test_a_round_invitation_carries_its_deadline_as_a_calendar_entry(smtp_settings):
    dossier = make_dossier(state="council_review")
    secretary, chair, member = person("secretary"), *(person("council_member") for _ in "ab")
    due = timezone.localdate() + datetime.timedelta(days=9)
    round_ = services.open_round(
        user=secretary, dossier_id=dossier.pk, chair_id=chair.pk, member_ids=[member.pk], due_on=due
    )
    assert run_mail_deliveries(limit=10) == 2
    to, message = next(m for m in smtp_settings.messages if m[0] == [chair.email])
    [ics] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert ics.get_param("method") == "PUBLISH" and ics.get_filename() == "round.ics"
    body = ics.get_content()
    assert f"UID:round-{round_.pk}@dossierflow.example.vn" in body
    assert "SEQUENCE:0" in body and f"DTSTART;VALUE=DATE:{due:%Y%m%d}" in body


@pytest.mark.django_db
def test_a_changed_deadline_updates_the_same_calendar_entry():
    from workflow.notifications import calendar

    day = datetime.date(2026, 12, 1)
    first = calendar.round_deadline(round_id=7, due_on=day, summary="Vòng 1", url="http://x/")
    same = calendar.round_deadline(round_id=7, due_on=day, summary="Vòng 1", url="http://x/")
    moved = calendar.round_deadline(
        round_id=7, due_on=day + datetime.timedelta(days=3), summary="Vòng 1", url="http://x/"
    )
    assert "SEQUENCE:0" in first and "SEQUENCE:0" in same and "SEQUENCE:1" in moved
    assert {line for line in first.split("\r\n") if line.startswith("UID")} == {
        line for line in moved.split("\r\n") if line.startswith("UID")
    }


@pytest.mark.django_db
def test_a_refused_recipient_is_retried_then_marked_failed(smtp_settings, settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    settings.NOTIFICATIONS_RETRY_SECONDS = 0
    agency = make_agency()
    drafter, secretary = person("drafter", agency), person("secretary")
    smtp_settings.refuse.add(secretary.email)
    dossier = make_dossier(agency=agency, created_by=drafter)
    services.transition_dossier(dossier_id=dossier.pk, action="submit", user=drafter)
    for expected in ("pending", "pending", "failed"):
        assert run_mail_deliveries(limit=10) == 0
        delivery = Delivery.objects.get()
        assert delivery.status == expected
    assert delivery.attempts == 3 and "550" in delivery.last_error
    assert run_mail_deliveries(limit=10) == 0  # given up
    assert smtp_settings.messages == []


@pytest.mark.django_db
def test_a_down_mail_server_blocks_no_transition_and_backs_off(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 18599, 2
    settings.NOTIFICATIONS_RETRY_SECONDS = 60
    agency = make_agency()
    drafter, _ = person("drafter", agency), person("secretary")
    dossier = make_dossier(agency=agency, created_by=drafter)
    services.transition_dossier(dossier_id=dossier.pk, action="submit", user=drafter)
    assert run_mail_deliveries(limit=10) == 0
    delivery = Delivery.objects.get()
    assert delivery.status == "pending" and delivery.attempts == 1 and delivery.last_error
    assert delivery.next_attempt_at > timezone.now() + datetime.timedelta(seconds=50)
    assert run_mail_deliveries(limit=10) == 0  # not due yet
    assert Delivery.objects.get().attempts == 1


@pytest.mark.django_db
def test_the_admin_sends_a_password_reset_link_through_the_outbox(client, smtp_settings):
    admin = person("administrator", is_staff=True, is_superuser=True)
    target = person("drafter", make_agency())
    client.force_login(admin)
    response = client.post(
        "/admin/auth/user/",
        {"action": "send_password_reset", "_selected_action": [target.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert Delivery.objects.filter(recipient=target, kind="password_reset").count() == 1
    assert smtp_settings.messages == []  # the request only queued it
    call_command("send_notifications")
    [(to, message)] = smtp_settings.messages
    assert to == [target.email]
    link = next(w for w in _text(message).split() if "/password-reset/" in w)
    path = link.removeprefix("https://dossierflow.example.vn")
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert default_token_generator.check_token(target, token)
    client.logout()
    form = client.get(path, follow=True)
    assert form.status_code == 200 and "new_password1" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "một-mật-khẩu-mới-42", "new_password2": "một-mật-khẩu-mới-42"},
        follow=True,
    )
    assert done.status_code == 200
    target.refresh_from_db()
    assert target.check_password("một-mật-khẩu-mới-42")


@pytest.mark.django_db
def test_a_reset_link_is_refused_for_a_user_without_an_address(client):
    admin = person("administrator", is_staff=True, is_superuser=True)
    target = person("drafter", make_agency())
    target.email = ""
    target.save()
    client.force_login(admin)
    response = client.post(
        "/en/admin/auth/user/",
        {"action": "send_password_reset", "_selected_action": [target.pk]},
        follow=True,
    )
    assert "No e-mail address" in response.content.decode()
    assert not Delivery.objects.exists()
    assert queue_password_reset  # the service the action uses


@pytest.mark.django_db
def test_one_refused_address_does_not_hold_up_the_others(smtp_settings):
    agency = make_agency()
    drafter = person("drafter", agency)
    refused, reached = person("secretary"), person("secretary")
    smtp_settings.refuse.add(refused.email)
    dossier = make_dossier(agency=agency, created_by=drafter)
    services.transition_dossier(dossier_id=dossier.pk, action="submit", user=drafter)
    assert run_mail_deliveries(limit=10) == 1
    assert [to for to, _ in smtp_settings.messages] == [[reached.email]]
    assert Delivery.objects.get(recipient=refused).status == "pending"


@pytest.mark.django_db
def test_a_down_server_puts_the_whole_batch_off_at_once(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 18599, 2
    agency = make_agency()
    for user in [person("drafter", agency) for _ in range(3)]:
        queue_password_reset(user)
    assert run_mail_deliveries(limit=10) == 0
    rows = set(Delivery.objects.values_list("status", "attempts"))
    assert rows == {("pending", 1)}
    assert all("Connection" in e for e in Delivery.objects.values_list("last_error", flat=True))


@pytest.mark.django_db
def test_a_worker_whose_lease_cannot_cover_a_send_gives_its_rows_back(smtp_settings, settings):
    settings.NOTIFICATIONS_LEASE_SECONDS = 1  # shorter than EMAIL_TIMEOUT: no send fits in it
    queue_password_reset(person("drafter", make_agency()))
    assert run_mail_deliveries(limit=10) == 0
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.locked_until) == ("pending", 0, None)
    assert smtp_settings.messages == []
    settings.NOTIFICATIONS_LEASE_SECONDS = 300
    assert run_mail_deliveries(limit=10) == 1


@pytest.mark.django_db
def test_a_hanging_server_costs_one_timeout_a_pause_not_one_a_run(client, settings):
    """A server that takes the connection and never greets: the batch waits, and the mail
    written after it waits for the same next try instead of timing out again at the next run."""
    import time

    from tests.hanging import Hanging

    hanging = Hanging()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_TIMEOUT = "127.0.0.1", 1
    settings.EMAIL_PORT = hanging.port
    agency = make_agency()
    try:
        for user in [person("drafter", agency) for _ in range(2)]:
            queue_password_reset(user)
        assert run_mail_deliveries(limit=10) == 0
        queue_password_reset(person("drafter", agency))  # written after the server failed

        started = time.monotonic()
        assert run_mail_deliveries(limit=10) == 0
        took = time.monotonic() - started
        assert hanging.accepted == 1 and took < 0.5
        rows = Delivery.objects.order_by("id")
        assert [r.attempts for r in rows] == [1, 1, 0]
        first_retry = min(r.next_attempt_at for r in rows[:2])
        assert rows[2].next_attempt_at == first_retry > timezone.now()  # it waits with them
        assert rows[0].last_error.startswith("mail server: ")  # the admin says whose fault

        # The first of their next tries comes: the server is tried again.
        Delivery.objects.filter(pk=rows[2].pk).update(next_attempt_at=timezone.now())
        run_mail_deliveries(limit=10)
        assert hanging.accepted == 2
    finally:
        hanging.close()

    # An administrator who sends a failed mail again (having mended the server) has the mail
    # that waits for the server tried at once too.
    Delivery.objects.filter(pk=rows[0].pk).update(status="failed")
    client.force_login(person("administrator", is_staff=True, is_superuser=True))
    client.post("/en/admin/notifications/delivery/",
                {"action": "retry", "_selected_action": [rows[0].pk]})
    assert not Delivery.objects.filter(next_attempt_at__gt=timezone.now()).exists()

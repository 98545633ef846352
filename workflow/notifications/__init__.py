"""Notifications: who is told of what happens to a dossier, in the app and by e-mail.

Receivers (receivers.py) turn workflow's signals into Notification rows and mail Delivery rows in
the transaction of the event; jobs.py sends the mail after commit and runs the daily sweep of
reminders, escalations and digests.
"""

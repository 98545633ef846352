"""The workflow: deadlines, councils, what follows a transition, the dashboard."""


from .environment import env_bool, env_int, env_list

# Public holidays (ISO dates, comma separated) skipped when counting working-day deadlines,
# on top of the ones an administrator enters in the admin.
WORKFLOW_PUBLIC_HOLIDAYS = env_list("WORKFLOW_PUBLIC_HOLIDAYS")
# Council rules: voting members a council needs besides its chair, unless a kind's policy in the
# admin says otherwise.
WORKFLOW_MIN_COUNCIL_MEMBERS = env_int("WORKFLOW_MIN_COUNCIL_MEMBERS", 3)
# What follows from a transition (the next person's inbox task, the dashboard's stage visit,
# notifications, webhook events): written in the transition's transaction, or, with 0, after its
# commit by the worker's run_follow_ups (`manage.py serve` sets 0: see workflow/services/followups).
WORKFLOW_FOLLOW_UPS_IN_TRANSACTION = env_bool("WORKFLOW_FOLLOW_UPS_IN_TRANSACTION", True)
# How long computed dashboard figures stay in the cache (they are dropped sooner when the audit
# trail moves); 0 computes them on every view.
DASHBOARD_CACHE_SECONDS = env_int("DASHBOARD_CACHE_SECONDS", 300)

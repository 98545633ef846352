from django.conf import settings


def demo_banner(request):
    """Tell the base template to show the "demo data" banner on a demo instance."""
    return {"demo_mode": settings.DEMO_MODE}

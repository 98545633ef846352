"""Who is calling: a personal token (Authorization: Bearer …) or the browser's session.

A request with a token header is judged by the token alone; a session must pass CSRF for unsafe
methods. Neither: 401, as JSON (ninja's AuthenticationError).
"""

from django.conf import settings
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import translation
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer

from .tokens import user_for_token


def use_callers_language(request) -> None:
    """Answer in the caller's language: Accept-Language (or the language cookie), else the
    default. The site's LocaleMiddleware reads only the URL prefix, which the API has not."""
    language = translation.get_language_from_request(request, check_path=False)
    translation.activate(language)
    request.LANGUAGE_CODE = language


class TokenAuth(HttpBearer):
    def __call__(self, request):
        use_callers_language(request)
        header = request.headers.get(self.header)
        if not header:
            return None
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer":
            raise AuthenticationError()
        return self.authenticate(request, token.strip())

    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is None:
            raise AuthenticationError()
        request.user = user
        return user


def _csrf_refusal(request):
    check = CsrfViewMiddleware(lambda req: None)
    check.process_request(request)
    return check.process_view(request, None, (), {})


class SessionAuth(APIKeyCookie):
    """Django's session; CSRF checked for unsafe methods (the UI's own rule)."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request):
        use_callers_language(request)
        if not request.user.is_authenticated:
            return None
        if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE"):
            request.csrf_processing_done = False
            if _csrf_refusal(request) is not None:
                raise HttpError(403, "CSRF")
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request, key):
        return request.user if request.user.is_authenticated else None


AUTH = [TokenAuth(), SessionAuth()]

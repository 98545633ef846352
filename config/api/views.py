"""The page where a user creates, lists and revokes their own API tokens."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from documents.errors import DomainError

from . import tokens


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    days = forms.IntegerField(
        label=gettext_lazy("Valid for (days)"), min_value=1, max_value=tokens.MAX_DAYS, initial=90
    )


@login_required
def token_list(request):
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            row, created = tokens.create_token(user=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
    return render(
        request,
        "api/tokens.html",
        {"form": form, "created": created, "tokens": tokens.tokens_of(request.user)},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def token_revoke(request, pk):
    try:
        tokens.revoke_token(user=request.user, token_id=pk)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The token is revoked."))
    return redirect("api_tokens:list")

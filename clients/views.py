"""Client pages: the list, the client record and the create / edit page."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from clients import selectors, services
from clients.forms import FAMILY_PREFIX, ClientForm, FamilyFormSet
from clients.models import Client

PAGE_SIZE = 25
SEARCH_MAX_LENGTH = 200
TABS = ("general", "family", "sessions")


@require_http_methods(["GET", "HEAD"])
@permission_required("clients.view_client", raise_exception=True)
def client_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    paginator = Paginator(selectors.client_list(search=query), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "clients/list.html",
        {
            "query": query,
            "page_obj": page,
            "clients": page.object_list,
            "querystring_without_page": params.urlencode(),
            "can_add": request.user.has_perm("clients.add_client"),
        },
    )


@require_http_methods(["GET", "HEAD"])
@permission_required("clients.view_client", raise_exception=True)
def client_detail(request: HttpRequest, pk: int) -> HttpResponse:
    client = get_object_or_404(Client, pk=pk)
    tab = request.GET.get("tab", "general")
    family = selectors.family_members(client)
    sessions = list(selectors.client_sessions(client))
    return render(
        request,
        "clients/detail.html",
        {
            "client": client,
            "family": family,
            "sessions": sessions,
            "tab": tab if tab in TABS else "general",
            # The New Session page belongs to the sessions app; link its path.
            "new_session_url": f"/clients/{client.pk}/sessions/new/",
            "can_edit": request.user.has_perm("clients.change_client"),
            "can_add_session": request.user.has_perm("photo_sessions.add_session"),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("clients.add_client", raise_exception=True)
def client_create(request: HttpRequest) -> HttpResponse:
    return _client_form_page(request, client=None)


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("clients.change_client", raise_exception=True)
def client_edit(request: HttpRequest, pk: int) -> HttpResponse:
    client = get_object_or_404(Client, pk=pk)
    return _client_form_page(request, client=client)


def _add_errors(form, error: ValidationError) -> None:
    """Put a service's error on the matching field, or above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _client_form_page(request: HttpRequest, *, client: Client | None) -> HttpResponse:
    # The form works on a copy: the page header keeps the saved name while
    # the fields keep what was typed.
    instance = copy.copy(client) if client else Client()
    parent = client or Client()
    form_kwargs = {"household_name": client.last_name if client else ""}
    version = client.updated_at.isoformat() if client else ""

    if request.method == "POST":
        form = ClientForm(request.POST, instance=instance)
        formset = FamilyFormSet(
            request.POST, instance=parent, prefix=FAMILY_PREFIX, form_kwargs=form_kwargs
        )
        version = request.POST.get("version", version)
        if form.is_valid() and formset.is_valid():
            try:
                if client is None:
                    saved = services.client_create(
                        fields=form.client_fields(), family=formset.kept()
                    )
                else:
                    saved = services.client_update(
                        client=client,
                        fields=form.client_fields(),
                        family=formset.kept(),
                        remove=formset.removed(),
                        expected_version=form.cleaned_data["version"],
                    )
            except services.FamilyMemberInUseError as error:
                for member_id, message in error.problems.items():
                    row = formset.form_for_member(member_id)
                    (row or form).add_error(None, message)
            except services.StaleClientError as error:
                form.add_error(None, error)
                # Saving again now replaces the other person's changes, knowingly.
                version = error.current_version.isoformat()
            except ValidationError as error:
                _add_errors(form, error)
            else:
                if client is None:
                    messages.success(request, f"Client {saved} was created.")
                else:
                    messages.success(request, f"Changes to {saved} were saved.")
                if "_stay" in request.POST:
                    return redirect("clients:edit", pk=saved.pk)
                return redirect("clients:detail", pk=saved.pk)
    else:
        form = ClientForm(instance=instance)
        formset = FamilyFormSet(instance=parent, prefix=FAMILY_PREFIX, form_kwargs=form_kwargs)

    # A POST that reaches here saved nothing.
    has_errors = request.method == "POST"
    return render(
        request,
        "clients/form.html",
        {
            "client": client,
            "form": form,
            "formset": formset,
            "version": version,
            "has_errors": has_errors,
            "cancel_url": reverse("clients:detail", args=[client.pk]) if client else reverse("clients:list"),
        },
    )

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from primi_site.models import ApiToken, WebhookDelivery, WebhookEndpoint, WebhookEvent
from primi_site.services import tokens, webhooks

admin.site.site_header = _("PRIMI international — staff")
admin.site.site_title = _("PRIMI international")
admin.site.index_title = _("Missions, events and registrations")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created by their owners; staff see them and may revoke them."""

    list_display = ("name", "user", "prefix", "scope", "created_at", "last_used_at", "expires_at")
    list_filter = ("scope", ("revoked_at", admin.EmptyFieldListFilter))
    list_select_related = ("user",)
    search_fields = ("name", "prefix", "user__username", "user__email")
    readonly_fields = (
        "user",
        "name",
        "prefix",
        "scope",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    fields = readonly_fields
    actions = ("revoke",)

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset) -> None:
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True):
            tokens.revoke_token(token)
            revoked += 1
        self.message_user(
            request,
            ngettext("%(count)s token revoked.", "%(count)s tokens revoked.", revoked)
            % {"count": revoked},
            messages.SUCCESS,
        )


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(label=_("address"), max_length=500, assume_scheme="https")
    event_types = forms.MultipleChoiceField(
        label=_("events"), choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookEndpoint
        fields = ("url", "description", "event_types", "is_active")

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            webhooks.validate_url(url)
        except forms.ValidationError as error:
            raise forms.ValidationError(error.message_dict["url"]) from error
        return url


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ("url", "description", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("url", "description")
    readonly_fields = ("secret", "created_by", "created_at", "updated_at")

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.secret = webhooks.new_secret()
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """The delivery log: read, and replay."""

    list_display = (
        "created_at",
        "event_type",
        "endpoint",
        "status",
        "attempts",
        "response_status",
        "next_attempt_at",
    )
    list_filter = ("status", "event_type", "endpoint")
    list_select_related = ("endpoint",)
    search_fields = ("event_id", "endpoint__url")
    date_hierarchy = "created_at"
    actions = ("replay",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Send the selected deliveries again"))
    def replay(self, request, queryset) -> None:
        with transaction.atomic():
            copies = [
                webhooks.replay(delivery, by=request.user)
                for delivery in queryset.select_related("endpoint")
            ]
        self.message_user(
            request,
            ngettext(
                "%(count)s delivery sent again.", "%(count)s deliveries sent again.", len(copies)
            )
            % {"count": len(copies)},
            messages.SUCCESS,
        )

"""Fetch-and-authorise functions: another person's object is a 404, everywhere.

Pages and API endpoints call these instead of `Model.objects.get(pk=...)`; the
pattern for every app's private objects (`get_registration_for_user_or_404`…).
"""

from django.http import Http404

from missions.models import Person
from primi_site.middleware import person_of
from primi_site.models import ApiToken
from primi_site.services.tokens import active_tokens


def is_staff(user) -> bool:
    """The cluster's staff: a Django staff account, or a person with the staff role."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    person = person_of(user)
    return person is not None and person.role == Person.Role.STAFF


def get_token_for_user_or_404(user, token_id: int) -> ApiToken:
    """One of `user`'s active tokens; anyone else's, revoked or expired → 404."""
    token = active_tokens(user).filter(pk=token_id).first()
    if token is None:
        raise Http404("No such token.")
    return token

"""Who a signed-in user is: their person (member, delegate, partner or staff), if any."""


def person_of(user) -> object | None:
    """The user's `Person`, or None for a visitor or an account without one."""
    if not user.is_authenticated:
        return None
    try:
        return user.person
    except AttributeError:
        return None
    except user._meta.model.person.RelatedObjectDoesNotExist:
        return None

from carejourney.accounts.roles import role_of


def account(request):
    user = getattr(request, "user", None)
    return {"role": role_of(user) if user is not None else None}

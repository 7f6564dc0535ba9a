def user_display(user):
    """How allauth names a user on pages and in e-mails: the e-mail address, never a username."""
    return user.email or user.get_username()

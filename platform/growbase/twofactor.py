"""The owner's optional second factor: after the password, a six-digit code from an
authenticator app (TOTP, RFC 6238, by pyotp). A stolen password alone then opens nothing."""

import pyotp

from .tables import User

ISSUER = "growbase"
PENDING_SECONDS = 300  # between the password and the code


def new_secret():
    return pyotp.random_base32()


def setup_uri(user, secret):
    """What an authenticator app reads (as a QR code, or typed in by hand)."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def valid(secret, code):
    """The code matches now (or the 30 s step before or after: clocks drift)."""
    code = "".join(str(code or "").split())
    return bool(secret) and code.isdigit() and pyotp.TOTP(secret).verify(code, valid_window=1)


def turn_on(user, secret, code):
    if not valid(secret, code):
        return False
    User.update(totp_secret=secret).where(User.id == user.id).execute()
    return True


def turn_off(user, code):
    if not valid(user.totp_secret, code):
        return False
    User.update(totp_secret=None).where(User.id == user.id).execute()
    return True

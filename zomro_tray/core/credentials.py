"""How the app signs in, as one value that knows how to hide itself.

``repr`` and ``str`` never show a secret, so a credentials object that ends up in a log line or an
exception message leaks nothing. The keychain stores :meth:`Credentials.to_secret`, one entry, so a
sign-in is saved or replaced atomically.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass


class AuthMethod(str, enum.Enum):
    TOKEN = "token"  # noqa: S105 - a pasted session token (auth=...)
    PASSWORD = "password"  # noqa: S105 - username + password, exchanged for a session with func=auth
    AUTHINFO = "authinfo"  # username + password sent on every request, no session to expire


@dataclass(frozen=True, repr=False)
class Credentials:
    method: AuthMethod
    token: str = ""
    username: str = ""
    password: str = ""

    @classmethod
    def from_token(cls, token: str) -> Credentials:
        return cls(AuthMethod.TOKEN, token=token.strip())

    @classmethod
    def from_password(cls, username: str, password: str, *, authinfo: bool = False) -> Credentials:
        method = AuthMethod.AUTHINFO if authinfo else AuthMethod.PASSWORD
        return cls(method, username=username.strip(), password=password)

    @property
    def can_sign_in_again(self) -> bool:
        """A password lets the client get a fresh session by itself when one expires."""
        return self.method is AuthMethod.PASSWORD and bool(self.username and self.password)

    def secrets(self) -> tuple[str, ...]:
        """Every secret string in here: for redaction and for the tests that hunt for leaks."""
        return tuple(s for s in (self.token, self.password) if s)

    def to_secret(self) -> str:
        payload = {
            "method": self.method.value,
            "token": self.token,
            "username": self.username,
            "password": self.password,
        }
        return json.dumps({k: v for k, v in payload.items() if v})

    @classmethod
    def from_secret(cls, stored: str) -> Credentials | None:
        """Read what :meth:`to_secret` wrote; a bare string is taken as a token."""
        try:
            data = json.loads(stored)
        except ValueError:
            return cls.from_token(stored) if stored.strip() else None
        if not isinstance(data, dict):
            return cls.from_token(stored) if stored.strip() else None
        try:
            method = AuthMethod(data.get("method", ""))
        except ValueError:
            return None
        fields = {k: str(data.get(k, "")) for k in ("token", "username", "password")}
        return cls(method, **fields)

    def __repr__(self) -> str:
        who = f", username={self.username!r}" if self.username else ""
        return f"Credentials(method={self.method.value}{who})"

    __str__ = __repr__

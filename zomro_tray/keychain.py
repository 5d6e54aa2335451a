"""The sign-in lives in the OS keychain (via ``keyring``) and nowhere else.

One entry, service ``zomro-tray``, holds the serialised :class:`Credentials`, so replacing a sign-in
is one atomic write. When no real keychain is usable (keyring's fail or null backends, a locked
keychain, no D-Bus session) this says so with :class:`errors.KeychainUnavailable`; it never falls
back to a plaintext file unless the user chose such a backend explicitly.

``ZOMRO_TOKEN`` in the environment wins over the keychain, for scripts and CI.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any

from zomro_tray import APP_NAME, errors
from zomro_tray.credentials import Credentials
from zomro_tray.i18n import _

log = logging.getLogger(__name__)

TOKEN_ENV = "ZOMRO_TOKEN"  # noqa: S105 - the variable's name, not a token
ENTRY = "credentials"
_NO_KEYCHAIN_BACKENDS = ("keyring.backends.fail", "keyring.backends.null")


class SecretStore:
    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self._environ = os.environ if environ is None else environ

    @property
    def token_from_environment(self) -> bool:
        return bool(self._environ.get(TOKEN_ENV, "").strip())

    def load(self) -> Credentials | None:
        """The stored sign-in, ``ZOMRO_TOKEN`` first; None when nothing is stored."""
        if self.token_from_environment:
            return Credentials.from_token(self._environ[TOKEN_ENV])
        stored = self._run("read", lambda kr: kr.get_password(APP_NAME, ENTRY))
        return Credentials.from_secret(stored) if stored else None

    def save(self, credentials: Credentials) -> None:
        self._run("save", lambda kr: kr.set_password(APP_NAME, ENTRY, credentials.to_secret()))

    def clear(self) -> bool:
        """Forget the stored sign-in; True if there was one."""
        import keyring.errors

        def delete(kr: Any) -> bool:
            try:
                kr.delete_password(APP_NAME, ENTRY)
            except keyring.errors.PasswordDeleteError:
                return False
            return True

        return bool(self._run("delete", delete))

    def backend_name(self) -> str:
        """Which keychain is in use, for the self-test and the settings dialog."""
        try:
            backend = self._backend()
        except errors.KeychainUnavailable as error:
            return _("none ({reason})").format(reason=error)
        return f"{type(backend).__module__}.{type(backend).__name__}"

    def _backend(self) -> Any:
        import keyring  # costs ~0.3 s: imported when first needed, never before the tray shows

        backend = keyring.get_keyring()
        module = type(backend).__module__
        if module.startswith(_NO_KEYCHAIN_BACKENDS):
            raise errors.KeychainUnavailable
        chosen = self._environ.get("PYTHON_KEYRING_BACKEND", "")
        if "plaintext" in type(backend).__name__.lower() and module not in chosen:
            raise errors.KeychainUnavailable(
                _(
                    "Only a plaintext file keyring was found; zomro-tray does not store the "
                    "sign-in in a file. Set PYTHON_KEYRING_BACKEND to it if you really want that."
                )
            )
        return backend

    def _run(self, what: str, operation: Any) -> Any:
        import keyring.errors

        backend = self._backend()
        try:
            return operation(backend)
        except keyring.errors.KeyringLocked:
            raise errors.KeychainUnavailable(
                _(
                    "The system keychain is locked: unlock it (sign in to your desktop) "
                    "and try again."
                )
            ) from None
        except Exception as error:  # D-Bus, Secret Service, Windows and macOS errors alike
            log.warning("keychain %s failed: %s", what, type(error).__name__)
            raise errors.KeychainUnavailable from None


class SessionOnlyStore:
    """Keeps a sign-in in memory for this run only: demo mode, and nothing else."""

    def __init__(self, credentials: Credentials | None = None) -> None:
        self._credentials = credentials

    def load(self) -> Credentials | None:
        return self._credentials

    def save(self, credentials: Credentials) -> None:
        self._credentials = credentials

    def clear(self) -> bool:
        had = self._credentials is not None
        self._credentials = None
        return had

"""The sign-in lives in the OS keychain (via ``keyring``) and nowhere else.

Each account has one entry, service ``zomro-tray``, holding its serialised :class:`Credentials`,
so replacing a sign-in is one atomic write: ``credentials`` for the first account (the entry every
single-account release used), ``credentials-KEY`` for the others (:mod:`zomro_tray.core.account`).
When no real keychain is usable (keyring's fail or null backends, a locked
keychain, no D-Bus session) this says so with :class:`errors.KeychainUnavailable`; it never falls
back to a plaintext file unless the user chose such a backend explicitly.

``ZOMRO_TOKEN`` in the environment wins over the keychain of the first listed account, for
scripts and CI.

The tray reads the sign-in through a short-lived copy of itself (:meth:`SecretStore.load` with
``read_in_helper``), started at launch: keyring and its Secret Service stack (cryptography)
cost a running tray megabytes of memory, and read in the worker they held its first statuses
back; in a process of their own, on the other core while Qt starts, they cost it neither.
The secret comes back on a pipe, never on a command line or on disk.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import zomro_tray
from zomro_tray import APP_NAME, READ_KEYCHAIN_FOR_THE_TRAY, errors
from zomro_tray.core.account import FIRST_ENTRY, is_keychain_entry
from zomro_tray.core.credentials import Credentials
from zomro_tray.i18n import _

log = logging.getLogger(__name__)

TOKEN_ENV = "ZOMRO_TOKEN"  # noqa: S105 - the variable's name, not a token

_NO_KEYCHAIN_BACKENDS = ("keyring.backends.fail", "keyring.backends.null")
#: How long the helper may take: an unlock prompt waits for the person at the screen.
HELPER_SECONDS = 300


class SecretStore:
    """The keychain's entries of this app; :meth:`entry` gives one account's view of it."""

    def __init__(
        self,
        environ: Mapping[str, str] | None = None,
        *,
        read_in_helper: bool = False,
        entries: Sequence[str] = (FIRST_ENTRY,),
    ) -> None:
        self._environ = os.environ if environ is None else environ
        self._read_in_helper = read_in_helper
        #: The first read starts at once, in its own process, while the tray goes on starting;
        #: it reads every account's entry (each worker then takes its own answer).
        self._helper = (
            _Helper.start(entries) if read_in_helper and not self.token_from_environment else None
        )
        self._answers: dict[str, Any] | None = None
        self._lock = threading.Lock()  # each account's worker thread asks for its entry

    @property
    def token_from_environment(self) -> bool:
        return bool(self._environ.get(TOKEN_ENV, "").strip())

    def entry(self, name: str, *, first: bool) -> EntrySecrets:
        """One account's entry; ``ZOMRO_TOKEN`` stands for the ``first`` listed account only."""
        return EntrySecrets(self, name, first)

    def load(self, entry: str = FIRST_ENTRY, *, first: bool = True) -> Credentials | None:
        """The stored sign-in, ``ZOMRO_TOKEN`` first; None when nothing is stored."""
        if first and self.token_from_environment:
            return Credentials.from_token(self._environ[TOKEN_ENV])
        stored = self._read_elsewhere(entry) if self._read_in_helper else self.read_here(entry)
        return Credentials.from_secret(stored) if stored else None

    def read_here(self, entry: str = FIRST_ENTRY) -> str | None:
        """The stored secret, read in this process."""
        return self._run("read", lambda kr: kr.get_password(APP_NAME, entry))  # type: ignore[no-any-return]

    def _read_elsewhere(self, entry: str) -> str | None:
        """The stored secret, read by this app started once more (see the module's docstring);
        in this process after all if that copy cannot run, says nothing readable, or was not
        asked for this entry (an account added since the tray started)."""
        with self._lock:
            if self._answers is None:
                helper, self._helper = self._helper or _Helper.start([entry]), None
                answer = helper.answer() if helper is not None else None
                self._answers = answer or {}
                if answer is None:
                    log.warning("the keychain helper gave no answer: reading here")
            answers = self._answers
            unavailable = answers.pop("unavailable", None)
        if isinstance(unavailable, str):
            # Said once, for the read that asked: the keychain may be unlocked by the next
            # read (a retry, another account's first), which asks it here, in this process.
            raise errors.KeychainUnavailable(unavailable)
        secrets = answers.get("secrets")
        if not isinstance(secrets, dict) or entry not in secrets:
            return self.read_here(entry)
        secret = secrets.pop(entry)  # read once: a later load (a new sign-in) asks the keychain
        return secret if isinstance(secret, str) else None

    def save(self, credentials: Credentials, entry: str = FIRST_ENTRY) -> None:
        self._run("save", lambda kr: kr.set_password(APP_NAME, entry, credentials.to_secret()))

    def clear(self, entry: str = FIRST_ENTRY) -> bool:
        """Forget the stored sign-in; True if there was one."""
        import keyring.errors

        def delete(kr: Any) -> bool:
            try:
                kr.delete_password(APP_NAME, entry)
            except keyring.errors.PasswordDeleteError:
                return False
            return True

        return bool(self._run("delete", delete))

    def usable(self) -> bool:
        """Whether a keychain that can keep a sign-in is there (the self-test warns if not)."""
        try:
            self._backend()
        except errors.KeychainUnavailable:
            return False
        return True

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


class EntrySecrets:
    """One account's sign-in in the keychain: what its worker loads, saves and forgets."""

    def __init__(self, store: SecretStore, name: str, first: bool) -> None:
        self._store = store
        self.name = name
        self._first = first

    def load(self) -> Credentials | None:
        return self._store.load(self.name, first=self._first)

    def save(self, credentials: Credentials) -> None:
        self._store.save(credentials, self.name)

    def clear(self) -> bool:
        return self._store.clear(self.name)


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


class SessionOnlyKeychain:
    """Demo mode's keychain for several accounts: each entry in memory, for this run only."""

    def __init__(self, entries: Mapping[str, Credentials]) -> None:
        self._entries = {name: SessionOnlyStore(c) for name, c in entries.items()}

    def entry(self, name: str, *, first: bool) -> SessionOnlyStore:
        return self._entries.setdefault(name, SessionOnlyStore())


class _Helper:
    """One read of the keychain by this app started once more: begun now, answered later."""

    def __init__(self, process: Any) -> None:
        self._process = process

    @classmethod
    def start(cls, entries: Sequence[str]) -> _Helper | None:
        import subprocess

        try:
            process = subprocess.Popen(  # noqa: S603 - this app itself, with entries' names
                _helper_command(entries),
                cwd=_HOME_OF_THE_CODE,  # not wherever the user started the app from
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),  # Windows: no console
            )
        except OSError:
            return None
        return cls(process)

    def answer(self) -> dict[str, Any] | None:
        """The helper's JSON object; None if it said nothing readable. Waits for it (an unlock
        prompt waits for the person), at most HELPER_SECONDS."""
        import subprocess

        try:
            out, _ = self._process.communicate(timeout=HELPER_SECONDS)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.communicate()
            raise errors.KeychainUnavailable from None
        try:
            answer = json.loads(out)
        except ValueError:
            return None
        return answer if isinstance(answer, dict) else None


def answer_the_tray(entries: Sequence[str]) -> int:
    """The helper's side (``zomro-tray --read-keychain-for-the-tray ENTRY…``): each entry's
    stored secret, or why the keychain cannot be used, as one JSON line on stdout, for the tray
    that started it. Only this app's own entries are read, whatever the arguments say."""
    store = SecretStore(read_in_helper=False)  # never a helper of its own: it is the helper
    own = [entry for entry in entries if is_keychain_entry(entry)] or [FIRST_ENTRY]
    try:
        answer: dict[str, Any] = {"secrets": {entry: store.read_here(entry) for entry in own}}
    except errors.KeychainUnavailable as error:
        answer = {"unavailable": str(error)}
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()
    return errors.EXIT_OK


#: The folder this package was loaded from, and the one above it (where it is imported from).
_HOME_OF_THE_CODE = str(Path(zomro_tray.__file__).resolve().parent)
_WHERE_IT_IS_IMPORTED_FROM = str(Path(zomro_tray.__file__).resolve().parent.parent)
#: The helper's first lines, run by an isolated Python (-I: no current directory, no user
#: site-packages, no PYTHON* variables on its path): this very package, by its absolute path,
#: and nothing a folder named zomro_tray/ where the user happens to be could put first.
_BOOT = (
    "import sys; sys.path.insert(0, sys.argv.pop(1)); "
    "from zomro_tray.cli.main import main; sys.exit(main())"
)


def _helper_command(entries: Sequence[str] = (FIRST_ENTRY,)) -> list[str]:
    """This app again, as a command that answers on a pipe: the frozen executable (on Windows
    its console twin, which has a stdout), else this Python, isolated, with this very package
    (never ``-m zomro_tray``, which would import a zomro_tray/ from the current directory)."""
    if getattr(sys, "frozen", False):
        console = Path(sys.executable).with_name(f"{APP_NAME}-cli.exe")
        own = str(console) if sys.platform == "win32" and console.is_file() else sys.executable
        return [own, READ_KEYCHAIN_FOR_THE_TRAY, *entries]
    return [
        sys.executable,
        "-I",
        "-c",
        _BOOT,
        _WHERE_IT_IS_IMPORTED_FROM,
        READ_KEYCHAIN_FOR_THE_TRAY,
        *entries,
    ]

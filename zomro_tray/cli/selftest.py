"""``zomro-tray --self-test``: is this installation (above all a frozen bundle) complete?

It checks what a bundler can silently leave out: Qt's platform plugin, keyring's backends (found
through entry-point metadata), the TLS certificate bundle, QtNetwork for the single-instance
guard, and the emulator behind demo mode. It prints one line per check and exits 0 when all pass.
What the machine lacks rather than the installation (a usable keychain, a tray, a notification
service) is a warning, said with what it means; the run then "passed with warnings".
"""

from __future__ import annotations

import enum
import os
import ssl
import sys
from collections.abc import Callable
from importlib import metadata
from typing import cast

from zomro_tray import __version__, errors, i18n
from zomro_tray.i18n import _, ngettext


class Outcome(enum.Enum):
    PASSED = "ok  "
    WARNING = "warn"
    FAILED = "FAIL"


def judged(ok: bool) -> Outcome:
    return Outcome.PASSED if ok else Outcome.FAILED


#: One line of the report: how it went, and what was found (a warning's line says what it means).
Check = tuple[Outcome, str]
PLATFORM_PLUGIN = {"linux": "xcb", "win32": "windows", "darwin": "cocoa"}
KEYRING_BACKEND = {"linux": "SecretService", "win32": "Windows", "darwin": "macOS"}


def _platform_key() -> str:
    return "linux" if sys.platform.startswith("linux") else sys.platform


def check_qt() -> list[Check]:
    headless = _platform_key() == "linux" and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )
    if headless:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QDir, QLibraryInfo
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication, QSystemTrayIcon

    app = cast(QGuiApplication, QApplication.instance() or QApplication([sys.argv[0]]))
    plugins_dir = QDir(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath) + "/platforms")
    found = sorted(
        name.split(".")[0].removeprefix("libq").removeprefix("q")
        for name in plugins_dir.entryList(QDir.Filter.Files)
    )
    wanted = PLATFORM_PLUGIN.get(_platform_key(), "")
    shipped = not wanted or wanted in found
    running = app.platformName()
    if headless:
        running = _("{platform} (no display here)").format(platform=running)
    tray = QSystemTrayIcon.isSystemTrayAvailable()
    plugins = ", ".join(found) or _("none")
    no_tray = _(
        "system tray available: no (the app shows its window instead, and moves to the tray "
        "when one appears)"
    )
    return [
        (
            judged(shipped),
            _("Qt platform plugin: {running}; shipped: {plugins}").format(
                running=running, plugins=plugins
            ),
        ),
        (Outcome.PASSED, _("system tray available: yes")) if tray else (Outcome.WARNING, no_tray),
    ]


def check_network_module() -> list[Check]:
    from PySide6.QtNetwork import QLocalServer

    return [(judged(QLocalServer is not None), _("QtNetwork (single-instance guard): loads"))]


def check_keyring() -> list[Check]:
    from zomro_tray.store.keychain import SecretStore

    names = sorted(ep.name for ep in metadata.entry_points(group="keyring.backends"))
    wanted = KEYRING_BACKEND.get(_platform_key(), "")
    registered = bool(names) and (not wanted or any(wanted in name for name in names))
    listed = ", ".join(names) or _("none (metadata lost)")
    store = SecretStore()
    in_use = _("keyring backend in use: {name}").format(name=store.backend_name())
    # None's reason says what it means: no sign-in kept; unlock or install one, or ZOMRO_TOKEN.
    usable = Outcome.PASSED if store.usable() else Outcome.WARNING
    return [
        (judged(registered), _("keyring backends registered: {names}").format(names=listed)),
        (usable, in_use),
    ]


def check_tls() -> list[Check]:
    import certifi
    import requests  # noqa: F401 - the client's transport must import in the bundle

    where = certifi.where()
    context = ssl.create_default_context(cafile=where)
    count = len(context.get_ca_certs())
    line = ngettext(
        "TLS certificate bundle: {count} certificate from {path}",
        "TLS certificate bundle: {count} certificates from {path}",
        count,
    )
    return [(judged(count > 50), line.format(count=count, path=where))]


def check_demo() -> list[Check]:
    from zomro_tray.api.client import ZomroClient
    from zomro_tray.core.credentials import Credentials
    from zomro_tray.emulator import Emulator

    with Emulator() as emulator:
        client = ZomroClient(emulator.url, Credentials.from_token(emulator.demo_token))
        count = len(client.list_services())
    line = ngettext(
        "demo emulator: answers, {count} server over loopback HTTP",
        "demo emulator: answers, {count} servers over loopback HTTP",
        count,
    )
    return [(judged(count > 0), line.format(count=count))]


def check_languages() -> list[Check]:
    """Our catalogues and Qt's for every language (the bundle must carry both)."""
    from zomro_tray.gui.language import qt_translation_folders

    codes = [code for code in i18n.LANGUAGES if code != i18n.ENGLISH]
    ours = [c for c in codes if (i18n.LOCALE_DIR / c / "LC_MESSAGES" / "zomro_tray.mo").is_file()]
    folders = qt_translation_folders()
    qts = [c for c in codes if any((f / f"qtbase_{c}.qm").is_file() for f in folders)]
    line = _("languages: {ours}; Qt's own buttons: {qt}").format(
        ours=", ".join(ours) or _("none"), qt=", ".join(qts) or _("none")
    )
    return [(judged(ours == codes and qts == codes), line)]


def check_notifications() -> list[Check]:
    """Linux: a notification service on the session bus (running, or one the bus can start)."""
    if _platform_key() != "linux":
        return []
    from zomro_tray.gui.tray.notifier import notification_service

    found, why = notification_service()
    if found:
        return [(Outcome.PASSED, _("desktop notifications: a notification service is there"))]
    meaning = _("the app's notifications will not be shown; its menu and window still say it all")
    return [
        (
            Outcome.WARNING,
            _("desktop notifications: none ({why}) — {meaning}").format(why=why, meaning=meaning),
        )
    ]


CHECKS: tuple[Callable[[], list[Check]], ...] = (
    check_qt,
    check_network_module,
    check_keyring,
    check_tls,
    check_languages,
    check_demo,
    check_notifications,
)


def run() -> int:
    frozen = _("frozen bundle") if getattr(sys, "frozen", False) else "Python"
    python = sys.version.split()[0]
    print(
        _("zomro-tray {version} ({kind} {python} on {platform}); language: {language}").format(
            version=__version__,
            kind=frozen,
            python=python,
            platform=sys.platform,
            language=i18n.language(),
        )
    )
    seen: list[Outcome] = []
    for check in CHECKS:
        try:
            results = check()
        except Exception as error:  # a missing piece shows up as an import or load error
            results = [(Outcome.FAILED, f"{check.__name__.removeprefix('check_')}: {error!r}")]
        for outcome, line in results:
            seen.append(outcome)
            print(f"  {outcome.value} {line}")
    failures = seen.count(Outcome.FAILED)
    if failures:
        failed = ngettext(
            "self-test FAILED ({count} problem)", "self-test FAILED ({count} problems)", failures
        )
        print(failed.format(count=failures))
    elif Outcome.WARNING in seen:
        print(
            _(
                "self-test passed with warnings: this installation is complete; the "
                "warnings say what this machine lacks"
            )
        )
    else:
        print(_("self-test passed"))
    return errors.EXIT_OK if not failures else errors.EXIT_ERROR

"""Mutants no test can tell from the original, each with why (benchmarks/mutation.py).

A name is mutmut's (``mutmut show NAME`` shows the change). Listing a mutant here takes it out
of its module's count, so every entry must say why the change cannot be observed: the same
behaviour by another route, a branch no input reaches. A mutant merely hard to test does not
belong here; it gets a test.
"""

from __future__ import annotations

_SEED = (
    "the seed of a repeated key's new key, made another way: the key is still the same at "
    "every read, unique, and never one the file states (all the rule asks)"
)
_SORTED = (
    "json.dumps sorting the keys or not: Account.to_json builds its dict in one fixed order, "
    "so the seed is the same text either way"
)
_ATTEMPTS = (
    "1,001 attempts instead of 1,000: each is a fresh 32-bit hash against at most 300 listed "
    "keys; the 1,000th is never reached"
)
_FALLBACK = (
    "the fallback after 1,000 hash attempts that all hit a listed key: no file reaches it "
    "(at most 300 accounts); kept as the loop's proof of an end"
)
_NO_LANGUAGE = (
    "the default read when the file names no language: any text that is no known language "
    'is read as the system\'s language, as "" is'
)
_SAME_ROW = (
    "the list never says the chosen row was chosen again: the page sets its row with the "
    "list's signals blocked, so the guard's second half decides nothing"
)
_ANY_USER = (
    'attribute() already gives "" for a user that is not a dict, which is no amount: the '
    "check before it only saves the call"
)
_FAR_PAST = (
    '"never read" as -1e9 or -1000000001 seconds ago: either is longer ago than any '
    "interval, so the first read goes at once"
)
_ONE_COLON = (
    'a read\'s name is "metric:hours" with one colon and metric names have none: split '
    "once, twice or from the right gives the same metric"
)
_BACKUPS = (
    "1,001 backup names a second instead of 1,000: only a thousand damaged files in one "
    "second would tell"
)
_LOG_WORDS = (
    "a log line's words, or the word that only names the operation in a log line: nothing a "
    "person or a caller reads (the log's privacy is tested elsewhere)"
)
_KEPT_KEY = (
    "a story's key: every story merges into the first one made for that server, which was "
    "made with the server's key, so the key a later read gives its part is never seen"
)
_FLOAT_EQUALITY = (
    "> or >= between two readings of a monotonic clock and a constant: equal only at one "
    "instant no test or person can hit"
)
_NUMBER_TEXT = (
    "the cut of a measure's text before float(): 40 characters or more hold any real "
    "percentage or byte count"
)
_NO_CPU_OUT = "a CPU series has no outgoing values: what 'sent' is for CPU is dropped"
_ALWAYS_THERE = (
    "missing_ok on the file that was linked to its backup the moment before: it is there "
    "(only another process removing it in that instant would tell)"
)
_WINDOWS_AUTHOR = (
    "platformdirs' appauthor: on Linux and macOS the folder is the same with or without it; "
    "only Windows, which cannot run here, puts an author folder in the path"
)
_READER_TOLERATES = (
    "read_accounts already refuses what is not a list: the check before it only saves the call"
)
_DAYS_ZERO = (
    "days 0 or 1 when days_left is 0: that is under a day, and the words for under a day "
    "are chosen before the count is used"
)

_FRAGMENT_HAS_HASH = (
    'a fragment and "?" instead of a fragment alone: an address with a fragment has a "#" in '
    "it, which the same line refuses on its own"
)

_NO_STDIN_READ = (
    "the helper's stdin as the tray's own instead of nothing: the helper never reads it (it "
    "answers from its arguments and the keychain)"
)
_WINDOWS_ONLY_FLAG = (
    "the flag that keeps a console window from opening, looked up by another name: only "
    "Windows has it, and there (not here) it is the uppercase one; 0 either way on Linux"
)

_UNSET_IS_EMPTY = (
    'an unset variable read as None instead of "": both are false, so the variable is skipped '
    "either way"
)
_NONE_SET_NOT_C = (
    'the locale read when no variable names one, as another text than "": neither is C or '
    "POSIX, which is all it is asked"
)
_FIRST_PART = (
    "the part of a locale name before its first dot, cut another way (no limit, from the "
    "right, at most two cuts): a locale name has one dot at most, so the first part is the same"
)
_WHOLE_MINUTES = (
    "whole minutes by floor division or by int() of the quotient: the same for any age of zero "
    'or more; a clock gone backwards gives a negative count either way, said as "just now"'
)

_FIRST_TEXT = (
    "a label's first text: the page loads its first account in its constructor, which sets "
    "every one of these labels before the page can be shown"
)

_URLLIB3_HAS_IT = (
    "the name-lookup error's stand-in for an urllib3 before 2.0: urllib3 2, which pip installs "
    "with requests here and in every bundle, has NameResolutionError, so it is never read"
)

_EARLY_BY_A_SECOND = (
    "a wait of a second or less read at once instead of waited for: the interval is a minute "
    "or more, so this is the same read up to a second early"
)
_ONE_MS_OR_TWO = "a timer's floor of 1 ms or 2 ms: either fires as soon as the event loop turns"


def _named(prefix: str, numbers: tuple[int, ...], why: str) -> dict[str, str]:
    return {f"{prefix}__mutmut_{n}": why for n in numbers}


EQUIVALENT: dict[str, str] = {
    **_named("zomro_tray.store.account_file.x__rekeyed", (2, 3), _SEED),
    **_named("zomro_tray.store.account_file.x__rekeyed", (4, 6, 7), _SORTED),
    **_named("zomro_tray.store.account_file.x__rekeyed", (9,), _ATTEMPTS),
    **_named("zomro_tray.core.account.x_new_key", (3,), _ATTEMPTS),
    **_named("zomro_tray.store.account_file.x__rekeyed", (21, 22, 23, 24, 25), _FALLBACK),
    **_named("zomro_tray.store.settings.xǁSettingsStoreǁchosen_language", (4, 6, 9), _NO_LANGUAGE),
    **_named("zomro_tray.gui.dialogs.accounts_page.xǁAccountsPageǁ_chosen", (1,), _SAME_ROW),
    **_named(
        "zomro_tray.gui.dialogs.accounts_page.xǁAccountsPageǁ_sign_in_form",
        (2, 3, 21, 22, 58, 59),
        _FIRST_TEXT,
    ),
    **_named("zomro_tray.api.readings.x_balance_from_whoami", (6,), _ANY_USER),
    **_named("zomro_tray.worker.ledger.xǁLedgerǁ_read_watched", (14,), _FAR_PAST),
    **_named("zomro_tray.worker.ledger.xǁLedgerǁ_next_read", (14, 29), _FAR_PAST),
    **_named("zomro_tray.worker.ledger.xǁLedgerǁ_read", (22, 23, 25), _ONE_COLON),
    **_named("zomro_tray.store.settings.xǁSettingsStoreǁ_copy_aside", (7,), _BACKUPS),
    **_named("zomro_tray.store.settings.xǁSettingsStoreǁ_copy_aside", (20, 21, 22), _LOG_WORDS),
    **_named("zomro_tray.store.settings.xǁSettingsStoreǁ_keep_aside", (6, 7), _ALWAYS_THERE),
    **_named("zomro_tray.store.settings.x_default_config_dir", (3, 5), _WINDOWS_AUTHOR),
    **_named("zomro_tray.store.settings.xǁSettingsStoreǁkeychain_entries", (7,), _READER_TOLERATES),
    **_named("zomro_tray.store.keychain.xǁSecretStoreǁread_here", (1, 5, 6), _LOG_WORDS),
    **_named("zomro_tray.store.keychain.xǁ_Helperǁstart", (4,), _NO_STDIN_READ),
    **_named("zomro_tray.store.keychain.xǁ_Helperǁstart", (22,), _WINDOWS_ONLY_FLAG),
    **_named("zomro_tray.store.keychain.xǁSecretStoreǁ_run", (17, 18), _LOG_WORDS),
    **_named("zomro_tray.store.keychain.xǁSecretStoreǁ_read_elsewhere", (13,), _LOG_WORDS),
    **_named("zomro_tray.worker.ledger.xǁLedgerǁ_read", (10, 37, 50, 59), _KEPT_KEY),
    **_named("zomro_tray.worker.ledger.xǁLedgerǁ_read", (56,), _LOG_WORDS),
    **_named(
        "zomro_tray.worker.ledger.xǁLedgerǁ_read_funds_step", (5, 6, 7, 8, 9, 10, 11), _LOG_WORDS
    ),
    **_named("zomro_tray.worker.ledger.xǁLedgerǁ_funds_done", (6, 7, 8, 9, 10, 11), _LOG_WORDS),
    **_named("zomro_tray.worker.ledger.xǁLedgerǁ_read_watched", (15,), _FLOAT_EQUALITY),
    **_named("zomro_tray.worker.ledger.xǁLedgerǁ_read_watched", (16,), _EARLY_BY_A_SECOND),
    **_named("zomro_tray.worker.ledger.xǁLedgerǁ_timer_start", (10,), _ONE_MS_OR_TWO),
    **_named("zomro_tray.worker.ledger.xǁLedgerǁ_next_read", (15,), _FLOAT_EQUALITY),
    **_named("zomro_tray.api.readings.x__measure", (7, 8), _NUMBER_TEXT),
    **_named("zomro_tray.api.readings.x_series_from_measures", (32,), _NO_CPU_OUT),
    **_named("zomro_tray.core.money.x_low_warning", (3,), _DAYS_ZERO),
    **_named("zomro_tray.core.endpoint.x_check_api_url", (19,), _FRAGMENT_HAS_HASH),
    **_named("zomro_tray.api.client.x__connection_failure", (15, 18), _URLLIB3_HAS_IT),
    **_named("zomro_tray.i18n.x_system_languages", (3, 5), _UNSET_IS_EMPTY),
    **_named("zomro_tray.i18n.x__locale_env", (3,), _NONE_SET_NOT_C),
    **_named("zomro_tray.i18n.x__is_c_locale", (4, 5, 7), _FIRST_PART),
    **_named("zomro_tray.display.presentation.x_ago", (3,), _WHOLE_MINUTES),
}

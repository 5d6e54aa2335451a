#!/usr/bin/env python3
"""The translations' tool: extract the sentences, merge them into each language, compile, check.

    python packaging/translations.py extract   # source -> zomro_tray.pot -> every .po (merged)
    python packaging/translations.py compile   # every .po -> its .mo (what the app reads)
    python packaging/translations.py check     # what CI runs; exit 1 with a list of problems

GNU gettext does the work (xgettext, msgmerge, msgfmt: Debian's ``gettext`` package), so the
files are the standard ones any translator's tool opens. ``check`` fails on a sentence that is
untranslated, fuzzy (unfinished) or obsolete, on a translation whose {placeholders} differ from
the English, on a catalogue older than the source, and on a .mo that is not the .po compiled.
"""

from __future__ import annotations

import ast
import gettext
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "zomro_tray"
LOCALE = PACKAGE / "locale"
DOMAIN = "zomro_tray"
TEMPLATE = LOCALE / f"{DOMAIN}.pot"
LANGUAGES = ("pl", "uk", "ru")
#: The emulator stands in for Zomro (its words are Zomro's, in English, as Zomro sends them).
NOT_TRANSLATED = ("emulator",)
KEYWORDS = ("_", "N_", "ngettext:1,2", "pgettext:1c,2")
PLACEHOLDER = re.compile(r"\{[a-z_]*\}|%\([a-z_]+\)[sdr]|%[sdr]")


def po_file(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_file(language: str) -> Path:
    return po_file(language).with_suffix(".mo")


def sources() -> list[Path]:
    return sorted(
        path
        for path in PACKAGE.rglob("*.py")
        if not any(part in NOT_TRANSLATED for part in path.relative_to(PACKAGE).parts)
    )


def run(*command: str | Path) -> str:
    # Fixed tool names and our own paths: nothing from outside goes into the command.
    args = [str(c) for c in command]
    done = subprocess.run(args, check=False, capture_output=True, text=True, cwd=ROOT)  # noqa: S603
    if done.returncode != 0:
        sys.exit(f"{command[0]} failed:\n{done.stderr}")
    return done.stderr


def write_template(target: Path) -> None:
    keywords = [f"--keyword={k}" for k in KEYWORDS]
    run(
        "xgettext",
        "--language=Python",
        "--from-code=UTF-8",
        "--add-comments=Translators:",
        "--sort-by-file",
        "--no-wrap",
        f"--package-name={DOMAIN}",
        "--msgid-bugs-address=https://github.com/zomro-tray/zomro-tray/issues",
        *keywords,
        "-o",
        target,
        *(p.relative_to(ROOT) for p in sources()),
    )


def extract() -> None:
    """The source's sentences into the template, and the template into every language."""
    LOCALE.mkdir(exist_ok=True)
    write_template(TEMPLATE)
    for language in LANGUAGES:
        po = po_file(language)
        if not po.exists():
            po.parent.mkdir(parents=True, exist_ok=True)
            run("msginit", "--no-translator", "--no-wrap", "-l", language, "-i", TEMPLATE, "-o", po)
        else:
            run("msgmerge", "--quiet", "--no-wrap", "--update", "--backup=none", po, TEMPLATE)
    compile_all()


def compile_all() -> None:
    for language in LANGUAGES:
        run("msgfmt", "--check", "-o", mo_file(language), po_file(language))


# --- checking ---------------------------------------------------------------------------------


@dataclass
class Message:
    context: str = ""
    msgid: str = ""
    plural: str = ""
    strings: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return self.context, self.msgid


def read_po(path: Path) -> list[Message]:
    """The messages of a .po or .pot file (the header, msgid "", left out).

    Enough of the format for checking what msgmerge and msgfmt write: flags, msgctxt, msgid,
    msgid_plural, msgstr and msgstr[n], continued strings, and "#~" obsolete entries.
    """
    messages = [Message()]
    field_name = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        obsolete = raw.startswith("#~")
        line = raw.removeprefix("#~").strip()
        keyword, _, rest = line.partition(" ")
        current = messages[-1]
        starts = line.startswith("#,") or keyword in ("msgctxt", "msgid")
        if starts and (current.msgid or current.strings):
            messages.append(current := Message())
        if line.startswith("#,"):
            current.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith('"') and field_name:
            _append(current, field_name, _quoted(line))
        elif keyword in _FIELDS:
            field_name = _FIELDS[keyword] if not keyword.startswith("msgstr") else "strings"
            if field_name == "strings":
                current.strings.append("")
            current.obsolete = current.obsolete or obsolete
            _append(current, field_name, _quoted(rest))
    return [m for m in messages if m.msgid]


_FIELDS = {"msgctxt": "context", "msgid": "msgid", "msgid_plural": "plural"}
_FIELDS.update({f"msgstr[{n}]": "strings" for n in range(6)} | {"msgstr": "strings"})


def _append(message: Message, field_name: str, text: str) -> None:
    if field_name == "strings":
        message.strings[-1] += text
    else:
        setattr(message, field_name, getattr(message, field_name) + text)


def _quoted(line: str) -> str:
    start = line.index('"')
    return str(ast.literal_eval(line[start:]))


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def problems_of(po: Path, template: dict[tuple[str, str], Message]) -> list[str]:
    """What keeps one language's catalogue from shipping: each problem as a line."""
    language = po.parent.parent.name
    if not po.exists():
        return [f"{po}: missing (run: python packaging/translations.py extract)"]
    problems = []
    messages = read_po(po)
    seen = set()
    for message in messages:
        where = f"{language}: {message.msgid[:60]!r}"
        if message.obsolete:
            problems.append(f"{where}: obsolete (no longer in the source): delete it")
            continue
        seen.add(message.key)
        if message.key not in template:
            problems.append(f"{where}: not in the template (run extract)")
        if "fuzzy" in message.flags:
            problems.append(f"{where}: fuzzy (unfinished)")
        if not message.strings or not all(message.strings):
            problems.append(f"{where}: untranslated")
            continue
        wanted = placeholders(message.msgid) | placeholders(message.plural)
        for text in message.strings:
            found = placeholders(text)
            # A plural form for exactly one may say "one" instead of {count}; nothing else may go.
            if found - wanted or (not message.plural and found != wanted):
                problems.append(f"{where}: placeholders {sorted(found)} != {sorted(wanted)}")
    for key in template.keys() - seen:
        problems.append(f"{language}: {key[1][:60]!r}: missing (run extract)")
    return problems


def check() -> int:
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as scratch:
        fresh = Path(scratch) / "fresh.pot"
        write_template(fresh)
        template = {m.key: m for m in read_po(fresh)}
        committed = {m.key for m in read_po(TEMPLATE)} if TEMPLATE.exists() else set()
        if committed != template.keys():
            problems.append(
                f"{TEMPLATE.name} is not the source's sentences: "
                f"{len(template.keys() - committed)} new, {len(committed - template.keys())} gone "
                "(run: python packaging/translations.py extract)"
            )
        for language in LANGUAGES:
            problems += problems_of(po_file(language), template)
            problems += _mo_problems(language, Path(scratch))
    for problem in problems:
        print(problem)
    counts = ", ".join(f"{lang} {len(read_po(po_file(lang)))}" for lang in LANGUAGES)
    print(f"{len(problems)} problems; sentences: {len(template)}; translated: {counts}")
    return 1 if problems else 0


def _mo_problems(language: str, scratch: Path) -> list[str]:
    stderr = run(
        "msgfmt", "--check", "--statistics", "-o", scratch / f"{language}.mo", po_file(language)
    )
    problems = (
        [f"{language}: msgfmt: {stderr.strip()}"]
        if "fuzzy" in stderr or "untranslated" in stderr
        else []
    )
    if not mo_file(language).exists():
        return [*problems, f"{mo_file(language)}: missing (run compile)"]
    with (scratch / f"{language}.mo").open("rb") as fresh, mo_file(language).open("rb") as shipped:
        same = gettext.GNUTranslations(fresh)._catalog == gettext.GNUTranslations(shipped)._catalog  # type: ignore[attr-defined]
    return (
        problems
        if same
        else [*problems, f"{mo_file(language)}: not its .po compiled (run compile)"]
    )


def main(argv: list[str]) -> int:
    commands = {"extract": extract, "compile": compile_all}
    if argv == ["check"]:
        return check()
    if len(argv) == 1 and argv[0] in commands:
        commands[argv[0]]()
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

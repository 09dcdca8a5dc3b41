#!/usr/bin/env python3
"""Checks that the synopses of man/ccvm.1 and the CLI's --help agree, subcommand by subcommand.

usage: man_synopsis_test.py CCVM_BINARY MAN_PAGE

The man page's COMMANDS section has one `.SS` section per subcommand (and per --mode where the
flags differ). A section title is the command words, optionally followed by `\\-\\-mode M1|M2`;
its synopsis is every `.SY "ccvm WORDS" ... .YS` block in it. The test checks:

  1. every `.SY` names `ccvm` and the section's command words, and a section with modes shows
     `--mode` with only those modes;
  2. every flag in a section's synopsis is in that subcommand's `--help` (for a section with
     modes, in the help of `ccvm WORDS --mode M --help` for one of its modes);
  3. every flag in a subcommand's `--help` is in the synopsis of one of its sections; when the
     help differs per mode (`ccvm WORDS --mode M --help` is not `ccvm WORDS --help`), every flag
     of mode M's help is in a synopsis of a section listing M;
  4. every subcommand that takes options or arguments has a section.

Exit status 0 when everything agrees, 1 with one line per disagreement otherwise.
"""

import re
import subprocess
import sys

IGNORED_FLAGS = {"--help", "--version"}
PARAGRAPH_MACROS = (".SS", ".SH")


def unescape(text):
    """Roff source to plain text: font changes dropped, \\- to -, a few named characters."""
    text = re.sub(r"\\f(\[[^\]]*\]|\(..|.)", "", text)
    text = text.replace("\\-", "-").replace("\\(dq", '"').replace("\\&", "").replace("\\e", "\\")
    text = re.sub(r"\\\(..", " ", text)
    return text


def macro_args(line):
    """The arguments of a macro line, honouring double quotes, unescaped."""
    body = line.split(None, 1)[1] if len(line.split(None, 1)) > 1 else ""
    return [unescape(a) for a in re.findall(r'"([^"]*)"|(\S+)', body) for a in [a[0] or a[1]]]


def flags_in(text):
    return set(re.findall(r"(?<![\w-])--[A-Za-z0-9][\w-]*", text))


class Section:
    def __init__(self, title, line_no):
        self.title = title
        self.line_no = line_no
        words = title.split()
        self.path = []
        for w in words:
            if not re.fullmatch(r"[a-z][a-z0-9-]*", w):
                break
            self.path.append(w)
        self.modes = []
        if "--mode" in words:
            i = words.index("--mode")
            if i + 1 < len(words):
                self.modes = words[i + 1].split("|")
        self.synopses = []  # (line number, .SY argument, plain text of the block)

    @property
    def name(self):
        return f"man page section \"{self.title}\" (line {self.line_no})"

    def flags(self):
        out = set()
        for _, _, text in self.synopses:
            out |= flags_in(text)
        return out


def parse_man(path):
    lines = open(path, encoding="utf-8").read().splitlines()
    sections = []
    in_commands = False
    current = None
    synopsis = None
    for no, line in enumerate(lines, 1):
        if line.startswith(".SH"):
            in_commands = macro_args(line)[:1] == ["COMMANDS"]
            current = None
            continue
        if not in_commands:
            continue
        if line.startswith(".SS"):
            current = Section(" ".join(macro_args(line)), no)
            sections.append(current)
            continue
        if current is None:
            continue
        if line.startswith(".SY"):
            synopsis = [no, " ".join(macro_args(line)), []]
            continue
        if line.startswith(".YS"):
            if synopsis is not None:
                current.synopses.append((synopsis[0], synopsis[1], " ".join(synopsis[2])))
            synopsis = None
            continue
        if synopsis is not None and not line.startswith('.\\"'):
            synopsis[2].append(" ".join(macro_args(line)) if line.startswith(".") else unescape(line))
    return sections


class Cli:
    def __init__(self, binary):
        self.binary = binary
        self.cache = {}

    def help(self, args):
        key = tuple(args)
        if key not in self.cache:
            proc = subprocess.run([self.binary, *args, "--help"], capture_output=True, text=True, timeout=60)
            self.cache[key] = (proc.returncode, proc.stdout)
        return self.cache[key]

    @staticmethod
    def parse(help_text):
        """(flags, subcommands, has_positionals) of one CLI11 help text."""
        flags, subcommands, positionals = set(), [], False
        heading = None
        for line in help_text.splitlines():
            if line and not line[0].isspace():
                heading = line[:-1] if line.endswith(":") else None
                continue
            first = re.split(r"\s{2,}", line.strip(), maxsplit=1)[0] if line.strip() else ""
            if not first or heading is None:
                continue
            if heading == "Subcommands":
                subcommands.append(first.split()[0])
            elif heading == "Positionals":
                positionals = True
            else:
                flags |= flags_in(first)
        return flags - IGNORED_FLAGS, subcommands, positionals


def check(binary, man_path):
    cli = Cli(binary)
    sections = parse_man(man_path)
    errors = []
    if not sections:
        return [f"{man_path}: no .SS sections under .SH COMMANDS"]

    def help_flags(path, mode=None):
        args = [*path, "--mode", mode] if mode else list(path)
        rc, text = cli.help(args)
        if rc != 0:
            return None
        return Cli.parse(text)[0]

    by_path = {}
    for s in sections:
        where = s.name
        if not s.path:
            errors.append(f"{where}: the title does not start with the subcommand's words")
            continue
        by_path.setdefault(tuple(s.path), []).append(s)
        command = "ccvm " + " ".join(s.path)
        if not s.synopses:
            errors.append(f"{where}: no synopsis (.SY \"{command}\" ... .YS)")
        for line_no, sy_arg, text in s.synopses:
            if sy_arg != command:
                errors.append(f"{where}: .SY at line {line_no} names \"{sy_arg}\", expected \"{command}\"")
            if s.modes:
                shown = re.search(r"--mode\s+(\S+)", text)
                if not shown:
                    errors.append(f"{where}: synopsis at line {line_no} does not show --mode")
                else:
                    extra = set(shown.group(1).split("|")) - set(s.modes)
                    if extra:
                        errors.append(f"{where}: synopsis at line {line_no} shows --mode "
                                      f"{'|'.join(sorted(extra))}, not in the title's modes")
        plain = help_flags(s.path)
        if plain is None:
            errors.append(f"{where}: `{command} --help` fails: no such subcommand")
            continue
        allowed = set()
        for mode in s.modes or [None]:
            flags = help_flags(s.path, mode)
            if flags is None:
                errors.append(f"{where}: `{command} --mode {mode} --help` fails: is {mode} a mode of {command}?")
                continue
            allowed |= flags
        for flag in sorted(s.flags() - IGNORED_FLAGS - allowed):
            errors.append(f"{where}: synopsis shows {flag}, which `{command}"
                          f"{' --mode ' + '|'.join(s.modes) if s.modes else ''} --help` does not list")

    for path, group in by_path.items():
        command = "ccvm " + " ".join(path)
        plain = help_flags(path)
        if plain is None:
            continue
        documented = set().union(*(s.flags() for s in group))
        for flag in sorted(plain - documented):
            errors.append(f"`{command} --help` lists {flag}, which no synopsis of a \"{' '.join(path)}\" "
                          "section shows")
        for mode in sorted({m for s in group for m in s.modes}):
            per_mode = help_flags(path, mode)
            if per_mode is None or per_mode == plain:
                continue  # the help is not per mode: the union check above covers it
            shown = set().union(*(s.flags() for s in group if mode in s.modes))
            for flag in sorted(per_mode - shown):
                errors.append(f"`{command} --mode {mode} --help` lists {flag}, which no synopsis of a "
                              f"section for mode {mode} shows")

    # Every subcommand that takes options or arguments has a section.
    def walk(path):
        rc, text = cli.help(path)
        if rc != 0:
            errors.append(f"`ccvm {' '.join(path)} --help` fails with exit status {rc}")
            return
        flags, subcommands, positionals = Cli.parse(text)
        if path and (flags or positionals) and tuple(path) not in by_path:
            errors.append(f"`ccvm {' '.join(path)}` takes options or arguments but has no "
                          f"\".SS \\\"{' '.join(path)}\\\"\" section in {man_path}")
        for sub in subcommands:
            walk([*path, sub])

    walk([])
    return errors


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    binary, man_path = sys.argv[1:]
    errors = check(binary, man_path)
    for e in errors:
        print(e)
    if errors:
        print(f"{len(errors)} disagreement(s) between {man_path} and the CLI's --help. Fix the synopsis "
              "(.SY ... .YS block) of the named section: add a flag as `.RB [ \\-\\-flag` / `.IR value ]`, "
              "remove one the CLI no longer has, or split a section per --mode when the help is per mode.")
        return 1
    print(f"{man_path}: every synopsis agrees with --help")
    return 0


if __name__ == "__main__":
    sys.exit(main())

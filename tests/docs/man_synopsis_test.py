#!/usr/bin/env python3
"""Checks that the synopses of man/ccvm.1 and the CLI agree, subcommand by subcommand and mode by mode.

usage: man_synopsis_test.py CCVM_BINARY MAN_PAGE

The man page's COMMANDS section has one `.SS` section per subcommand (and per --mode where the
flags differ). A section title is the command words, optionally followed by `\\-\\-mode M1|M2`;
its synopsis is every `.SY "ccvm WORDS" ... .YS` block in it, and a block that shows
`--mode A|B` documents the flags of modes A and B. The test checks:

  1. every `.SY` names `ccvm` and the section's command words; in a section with modes, every
     block shows `--mode` with only the title's modes;
  2. every flag in a section's synopsis is in that subcommand's `--help` (for a section with
     modes, in `ccvm WORDS --mode M --help` for one of its modes);
  3. every flag in a subcommand's `--help` is in the synopsis of one of its sections; when the
     help differs per mode (`ccvm WORDS --mode M --help` is not `ccvm WORDS --help`), every flag
     of mode M's help is in a block showing mode M;
  4. in a section with modes, no flag of a block is one its mode refuses: running
     `ccvm WORDS --mode M FLAG [x]` must not answer "FLAG is not a flag of ... --mode M" (the CLI
     refuses the flags of other modes before it reads any input, so nothing is run for real);
  5. every subcommand that takes options or arguments has a section.

Exit status 0 when everything agrees, 1 with one line per disagreement otherwise.
"""

import concurrent.futures
import os
import re
import subprocess
import sys
import tempfile

IGNORED_FLAGS = {"--help", "--version"}


def unescape(text):
    """Roff source to plain text: font changes dropped, \\- to -, a few named characters."""
    text = re.sub(r"\\f(\[[^\]]*\]|\(..|.)", "", text)
    text = text.replace("\\-", "-").replace("\\(dq", '"').replace("\\&", "").replace("\\e", "\\")
    return re.sub(r"\\\(..", " ", text)


def macro_args(line):
    """The arguments of a macro line, honouring double quotes, unescaped."""
    parts = line.split(None, 1)
    body = parts[1] if len(parts) > 1 else ""
    return [unescape(quoted or bare) for quoted, bare in re.findall(r'"([^"]*)"|(\S+)', body)]


def flags_in(text):
    return set(re.findall(r"(?<![\w-])--[A-Za-z0-9][\w-]*", text))


def modes_in(text):
    """The modes a synopsis block shows after --mode ([] when it shows none)."""
    shown = re.search(r"--mode\s+\[?([^\s\]]+)", text)
    return shown.group(1).split("|") if shown else []


class Block:
    """One .SY ... .YS synopsis."""

    def __init__(self, line_no, command, text):
        self.line_no = line_no
        self.command = command
        self.text = text
        self.flags = flags_in(text) - IGNORED_FLAGS
        self.modes = modes_in(text)


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
        self.modes = modes_in(title)
        self.blocks = []

    @property
    def name(self):
        return f'man page section "{self.title}" (line {self.line_no})'

    def flags(self, mode=None):
        return set().union(*(b.flags for b in self.blocks if mode is None or mode in b.modes))


def parse_man(path):
    lines = open(path, encoding="utf-8").read().splitlines()
    sections, current, block = [], None, None
    in_commands = False
    for no, line in enumerate(lines, 1):
        if line.startswith(".SH"):
            in_commands = macro_args(line)[:1] == ["COMMANDS"]
            current = None
        elif not in_commands:
            continue
        elif line.startswith(".SS"):
            current = Section(" ".join(macro_args(line)), no)
            sections.append(current)
        elif current is None:
            continue
        elif line.startswith(".SY"):
            block = [no, " ".join(macro_args(line)), []]
        elif line.startswith(".YS"):
            if block is not None:
                current.blocks.append(Block(block[0], block[1], " ".join(block[2])))
            block = None
        elif block is not None and not line.startswith('.\\"'):
            block[2].append(" ".join(macro_args(line)) if line.startswith(".") else unescape(line))
    return sections


class Cli:
    def __init__(self, binary, workdir):
        self.binary = os.path.abspath(binary)
        self.env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS="unix:path=/nonexistent")  # never reach a daemon
        self.workdir = workdir  # where a command that did run would write; nothing should
        self.cache = {}

    def run(self, args):
        key = tuple(args)
        if key not in self.cache:
            proc = subprocess.run([self.binary, *args], capture_output=True, text=True, timeout=60,
                                  cwd=self.workdir, env=self.env)
            self.cache[key] = (proc.returncode, proc.stdout, proc.stderr)
        return self.cache[key]

    def help(self, args):
        """(flags {name: takes a value}, subcommands, has positionals), or None when --help fails."""
        rc, out, _ = self.run([*args, "--help"])
        if rc != 0:
            return None
        flags, subcommands, positionals = {}, [], False
        heading = None
        for line in out.splitlines():
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
                # CLI11 prints "--name TYPE" for an option that takes a value, "--name" for a flag.
                takes_value = bool(re.search(r"\s[A-Z]{2,}", first))
                for flag in flags_in(first) - IGNORED_FLAGS:
                    flags[flag] = takes_value
        return flags, subcommands, positionals


def check_sections(cli, sections):
    errors = []
    for s in sections:
        if not s.path:
            errors.append(f"{s.name}: the title does not start with the subcommand's words")
            continue
        command = "ccvm " + " ".join(s.path)
        if not s.blocks:
            errors.append(f'{s.name}: no synopsis (.SY "{command}" ... .YS)')
        for b in s.blocks:
            if b.command != command:
                errors.append(f'{s.name}: .SY at line {b.line_no} names "{b.command}", expected "{command}"')
            if s.modes and not b.modes:
                errors.append(f"{s.name}: synopsis at line {b.line_no} does not show --mode")
            extra = set(b.modes) - set(s.modes) if s.modes else set()
            if extra:
                errors.append(f"{s.name}: synopsis at line {b.line_no} shows --mode {'|'.join(sorted(extra))}, "
                              "not in the title's modes")
        if cli.help(s.path) is None:
            errors.append(f"{s.name}: `{command} --help` fails: no such subcommand")
            continue
        listed = set()
        for mode in s.modes or [None]:
            h = cli.help([*s.path, "--mode", mode] if mode else s.path)
            if h is None:
                errors.append(f"{s.name}: `{command} --mode {mode} --help` fails: is {mode} a mode of {command}?")
                continue
            listed |= set(h[0])
        for flag in sorted(s.flags() - listed):
            where = f"{command} --mode {'|'.join(s.modes)}" if s.modes else command
            errors.append(f"{s.name}: synopsis shows {flag}, which `{where} --help` does not list")
    return errors


def check_help_documented(cli, sections):
    errors = []
    by_path = {}
    for s in sections:
        if s.path:
            by_path.setdefault(tuple(s.path), []).append(s)
    for path, group in by_path.items():
        command = "ccvm " + " ".join(path)
        h = cli.help(list(path))
        if h is None:
            continue
        plain = set(h[0])
        documented = set().union(*(s.flags() for s in group))
        for flag in sorted(plain - documented):
            errors.append(f'`{command} --help` lists {flag}, which no synopsis of a "{" ".join(path)}" section shows')
        for mode in sorted({m for s in group for m in s.modes}):
            hm = cli.help([*path, "--mode", mode])
            if hm is None or set(hm[0]) == plain:
                continue  # the help is not per mode: the check above covers it
            shown = set().union(*(s.flags(mode) for s in group))
            for flag in sorted(set(hm[0]) - shown):
                errors.append(f"`{command} --mode {mode} --help` lists {flag}, which no synopsis block for "
                              f"--mode {mode} shows")
    return errors


def check_modes_accept(cli, sections):
    """Runs `ccvm WORDS --mode M FLAG [x]` for every flag of every block of a section with modes."""
    probes = []
    for s in sections:
        if not s.modes or not s.path:
            continue
        h = cli.help(s.path)
        if h is None:
            continue
        for b in s.blocks:
            for mode in b.modes:
                for flag in sorted(b.flags - {"--mode"}):
                    if flag in h[0]:
                        args = [*s.path, "--mode", mode, flag] + (["x"] if h[0][flag] else [])
                        probes.append((s, b, mode, flag, args))
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda p: cli.run(p[4]), probes))
    errors = []
    for (s, b, mode, flag, args), (rc, _, err) in zip(probes, results):
        if rc != 0 and f"{flag} is not a flag of" in err:
            errors.append(f"{s.name}: synopsis at line {b.line_no} shows {flag} for --mode {mode}, which "
                          f"`ccvm {' '.join(args)}` refuses: {err.strip().splitlines()[-1]}")
    return errors


def check_every_subcommand_documented(cli, sections, man_path):
    documented = {tuple(s.path) for s in sections}
    errors = []

    def walk(path):
        h = cli.help(path)
        if h is None:
            errors.append(f"`ccvm {' '.join(path)} --help` fails")
            return
        flags, subcommands, positionals = h
        if path and (flags or positionals) and tuple(path) not in documented:
            errors.append(f"`ccvm {' '.join(path)}` takes options or arguments but {man_path} has no "
                          f'section ".SS \\"{" ".join(path)}\\""')
        for sub in subcommands:
            walk([*path, sub])

    walk([])
    return errors


def main():
    if len(sys.argv) != 3:
        print("usage: man_synopsis_test.py CCVM_BINARY MAN_PAGE", file=sys.stderr)
        return 2
    binary, man_path = sys.argv[1:]
    sections = parse_man(man_path)
    if not sections:
        print(f"{man_path}: no .SS sections under .SH COMMANDS")
        return 1
    with tempfile.TemporaryDirectory() as workdir:
        cli = Cli(binary, workdir)
        errors = (check_sections(cli, sections) + check_help_documented(cli, sections) +
                  check_modes_accept(cli, sections) + check_every_subcommand_documented(cli, sections, man_path))
    for e in errors:
        print(e)
    if errors:
        print(f"{len(errors)} disagreement(s) between {man_path} and the CLI. Fix the synopsis (.SY ... .YS "
              "block) of the named section: add a flag as `.RB [ \\-\\-flag` / `.IR value ]`, remove one the CLI "
              "no longer has, or move a flag to a block whose `--mode` takes it.")
        return 1
    print(f"{man_path}: {len(sections)} sections agree with the CLI")
    return 0


if __name__ == "__main__":
    sys.exit(main())

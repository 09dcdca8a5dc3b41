#!/usr/bin/env python3
"""Renders each manual page with groff's man macros and fails on any warning.

usage: man_lint_test.py PAGE...

Exit status 0 when every page renders without a warning, 1 otherwise, 77 (ctest: skipped) when
groff is not installed.
"""

import shutil
import subprocess
import sys


def main():
    pages = sys.argv[1:]
    if not pages:
        print("usage: man_lint_test.py PAGE...", file=sys.stderr)
        return 2
    groff = shutil.which("groff")
    if groff is None:
        print("skipped: groff is not installed (Debian package groff-base)")
        return 77
    failed = False
    for page in pages:
        # -t: tables (tbl); -ww: every warning; -z: no output, only the diagnostics.
        proc = subprocess.run([groff, "-t", "-man", "-ww", "-z", "-Tutf8", page], capture_output=True, text=True,
                              timeout=60)
        messages = (proc.stdout + proc.stderr).strip()
        if proc.returncode != 0 or messages:
            failed = True
            print(f"{page}: groff -man -ww reports (exit {proc.returncode}):\n{messages}")
        else:
            print(f"{page}: renders without warnings")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

#!/bin/bash
# Fails, listing the files, when a tracked C++ source differs from what clang-format makes of it
# (the style is .clang-format at the top of the tree).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || { echo "check-format: clang-format is not installed (scripts/install-deps.sh)" >&2; exit 2; }
bad=0
while IFS= read -r -d '' f; do
    if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
        echo "check-format: $f is not formatted (clang-format -i $f)" >&2
        bad=1
    fi
done < <(git ls-files -z -- '*.cpp' '*.hpp' '*.h' ':!:tests/data/**')
exit $bad

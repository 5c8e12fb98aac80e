#!/usr/bin/env bash
# clang-format check (no changes) and clang-tidy over the project's sources, using the build's
# compile_commands.json. Exits non-zero on formatting differences or clang-tidy errors.
set -euo pipefail
BUILD=${1:-build}
cd "$(dirname "$0")/.."
files=$(find src -name '*.cpp' -o -name '*.h' | sort)
echo "lint: clang-format --dry-run on $(echo "$files" | wc -l) files"
clang-format --dry-run --Werror $files
echo "lint: clang-tidy"
srcs=$(echo "$files" | grep '\.cpp$' | grep -v '_test\.cpp$')
clang-tidy -p "$BUILD" --quiet $srcs

#!/usr/bin/env bash
# Integration test of `ekyc keys add|list|revoke` (the real binary): the key is printed once as the
# last line, the file keeps only hashes and is mode 0600, list never shows keys, revoke works.
set -euo pipefail
EKYC=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export EKYC_DATA_DIR="$tmp/var"
fail() { echo "FAIL: $*" >&2; exit 1; }

key=$("$EKYC" keys add alice | tail -n 1)
[[ $key =~ ^ek_[0-9a-f]{64}$ ]] || fail "last line is not a key: $key"
key2=$("$EKYC" keys add bob | tail -n 1)
[ "$key" != "$key2" ] || fail "two keys are equal"
file="$EKYC_DATA_DIR/api-keys.json"
[ "$(stat -c %a "$file")" = 600 ] || fail "keys file mode is $(stat -c %a "$file")"
grep -q "${key#ek_}" "$file" && fail "keys file contains a key in clear"
grep -q "${key2#ek_}" "$file" && fail "keys file contains a key in clear"
"$EKYC" keys add alice >/dev/null 2>&1 && fail "duplicate name accepted"
list=$("$EKYC" keys list)
echo "$list" | grep -q '^alice' || fail "list misses alice: $list"
echo "$list" | grep -q '^bob' || fail "list misses bob: $list"
echo "$list" | grep -q "${key#ek_}" && fail "list shows a key"
"$EKYC" keys revoke alice >/dev/null
"$EKYC" keys list | grep -q '^alice' && fail "alice still listed after revoke"
"$EKYC" keys revoke alice >/dev/null 2>&1 && fail "revoking a missing key succeeded"
echo "keys CLI round trip OK"

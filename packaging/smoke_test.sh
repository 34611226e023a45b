#!/usr/bin/env bash
# Start the BUILT program (dist/eke/eke) offscreen on a fresh 50-person demo store, log in
# as admin and check that it exits 0 after printing its JSON ready line.
#   bash packaging/smoke_test.sh [dist/eke]     prints the ready line; exit 0 = passed
# The demo store is made with the built program itself (its `demo` command), so the
# commands inside the bundle are exercised too; EKE_KDF=floor keeps Argon2 quick.
set -euo pipefail
cd "$(dirname "$0")/.."
BUNDLE=${1:-dist/eke}
[ -x "$BUNDLE/eke" ] || { echo "smoke test: $BUNDLE/eke not found (run bash packaging/build.sh)" >&2; exit 2; }
EXE="$(cd "$BUNDLE" && pwd)/eke"  # absolute: the runs below work in a temporary folder

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# What the program reads at run time must be inside the bundle (desktop/paths.py).
INSIDE="$BUNDLE/_internal"
for f in resources/fonts/NotoSansMongolian-Regular.ttf resources/fonts/NotoSansMongolian-OFL.txt \
         resources/growth/who2006_wfa.csv i18n/zh_Hans_CN/LC_MESSAGES/eke.po \
         i18n/mn_Mong_CN/LC_MESSAGES/eke.po; do
  [ -s "$INSIDE/$f" ] || { echo "smoke test: $f is missing from the bundle" >&2; exit 1; }
done

# Only the bundle may be used: no checkout on the path, no inherited Eke settings.
unset PYTHONPATH EKE_HOME EKE_LANGUAGE
export QT_QPA_PLATFORM=offscreen EKE_KDF=floor EKE_PASSWORD=smoke-test-2026
cd "$WORK"

"$EXE" demo --data-dir "$WORK/data" --persons 50 > demo.json 2> demo.err || {
  echo "smoke test: demo store failed: $(tail -n 3 demo.err)" >&2; exit 1; }

set +e
timeout 120 "$EXE" --data-dir "$WORK/data" --user admin --exit-when-ready \
  > ready.out 2> ready.err
rc=$?
set -e
if [ $rc -ne 0 ]; then
  echo "smoke test: the program exited with $rc: $(tail -n 5 ready.err)" >&2
  exit 1
fi
line=$(grep -m1 '^{' ready.out || true)
if ! printf '%s' "$line" | grep -q '"startup_s"' || ! printf '%s' "$line" | grep -q '"unlock_s": [0-9]'; then
  echo "smoke test: no ready line with startup_s and unlock_s (got: $(head -c 300 ready.out))" >&2
  exit 1
fi

# A wrong password gives one line in Chinese: the catalogs inside the bundle are read.
set +e
EKE_PASSWORD=not-the-password "$EXE" stats --data-dir "$WORK/data" > /dev/null 2> wrong.err
rc=$?
set -e
if [ $rc -ne 2 ] || ! grep -q "用户名或密码不正确" wrong.err; then
  echo "smoke test: a wrong password gave exit $rc and: $(head -c 300 wrong.err)" >&2
  exit 1
fi
echo "$line"

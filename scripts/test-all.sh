#!/usr/bin/env bash
# The whole suite, from a fresh clone: install what the tests need, type-check, lint, run every test.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests drive as real peers (none are needed by the current suite beyond Node itself;
# sipp/sox arrive with the SIP and media work). Installed only when missing.
need_pkg() { # need_pkg <command> <debian-package>
  if ! command -v "$1" >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
    else
      echo "missing $1 (Debian package $2) and no apt-get to install it" >&2
      exit 1
    fi
  fi
}
export -f need_pkg
need_pkg sipp sip-tester
need_pkg sox sox
# The sounds and music on hold the media tests play (CC-BY-SA: installed here, never committed).
need_dir() { # need_dir <directory> <debian-package>...
  if [ ! -d "$1" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${@:2}" >/dev/null
  fi
}
need_dir /usr/share/asterisk/sounds/en asterisk-core-sounds-en-wav asterisk-core-sounds-en-gsm
need_dir /usr/share/asterisk/moh asterisk-moh-opsound-wav

# npm dependencies, exactly as locked.
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi

# The type check covers test/types/*: contract fixtures whose @ts-expect-error lines must keep failing.
npx tsc -p tsconfig.json --noEmit
npx eslint .

# Every event the suite makes Switchyard send is checked against its model (developer-mode validation): an
# invalid one fails the test process that produced it.
export SWITCHYARD_VALIDATE_EVENTS=1
mapfile -t files < <(find test -name '*.test.ts' | sort)
node --import tsx --test --test-reporter=spec --test-concurrency=2 "${files[@]}"

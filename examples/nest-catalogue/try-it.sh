#!/usr/bin/env bash
# Two instances of the Nest catalogue on ports 3001 and 3002: two processes synchronized over Redis, or,
# when no Redis answers, one process over the in-process bus. A read on one, a write on the other, and the
# next read on the first returns the new name.
set -euo pipefail
cd "$(dirname "$0")"
export CATALOGUE_FILE="${TMPDIR:-/tmp}/cachet-nest-catalogue-$$.json" CATALOGUE_RESET=1
node dist/main.js 3001 & first=$! second=$!
trap 'kill $first $second 2>/dev/null; wait; rm -f "$CATALOGUE_FILE"' EXIT
until curl -sf localhost:3001/products/1 >/dev/null 2>&1; do
  kill -0 $first 2>/dev/null || { node dist/main.js 3001 3002 & first=$! second=$!; }  # no Redis
  sleep 0.2
done
[ $second != $first ] || { CATALOGUE_RESET=0 node dist/main.js 3002 & second=$!; }
until curl -sf localhost:3002/products/2 >/dev/null 2>&1; do sleep 0.2; done

curl -s localhost:3001/products/3; echo   # {"id":3,"name":"samovar"}        3001 reads the database
curl -s localhost:3001/products/3; echo   # {"id":3,"name":"samovar"}        from 3001's cache
curl -s -X PUT localhost:3002/products/3 -H 'content-type: application/json' -d '{"name":"brass samovar"}'; echo
curl -s localhost:3001/products/3; echo   # {"id":3,"name":"brass samovar"}  3001 dropped its entry

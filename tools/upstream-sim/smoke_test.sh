#!/usr/bin/env bash
# Smoke test of the upstream simulator on its own, without the agent: makes a dev PKI, starts the
# simulator, and drives it with the curl CLI over mutual TLS.
#
#   tools/upstream-sim/smoke_test.sh PATH/TO/upstream-sim
#
# Needs bash, curl, jq and openssl. Exits 0 when every check passes.
set -euo pipefail

sim=${1:?usage: smoke_test.sh PATH/TO/upstream-sim}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
name=smoke_test
# shellcheck source=smoke_lib.sh
source "$here/smoke_lib.sh"

# curl over mutual TLS with the good client certificate; prints body, then the status code on
# its own line.
call() {  # method path [curl args...]
  local method=$1 path=$2
  shift 2
  curl -sS -X "$method" --cacert "$pki/ca.pem" --cert "$pki/client.pem" --key "$pki/client.key" \
       -H 'Content-Type: application/json' -H 'X-Device-Id: hh-07' \
       -w '\n%{http_code}' "$@" "$api$path"
}
status_of() { tail -n1 <<<"$1"; }
body_of() { sed '$d' <<<"$1"; }
stat() { curl -sS "$admin/admin/stats" | jq -r ".$1"; }

login() {
  local out
  out=$(call POST /ifp/login -d '{"username":"demo","password":"demo-password"}')
  body_of "$out" | jq -r .data.token
}

picking() {  # key_ssl picking_no picked_at [qty]
  jq -cn --arg k "$1" --arg n "$2" --arg t "$3" --argjson q "${4:-20}" '{
    key_ssl: $k, order_id: 48211, picking_no: $n, warehouse_code: "WH-JKT-01",
    picker: "op-0042", device_id: "hh-07", picked_at: $t,
    items: [{material_code: "BCG-20", gtin: "08991234567895", batch_code: "B2311A",
             expired_date: "2027-05-31", qty: $q, uom: "vial", bin: "A-03-2"}]}'
}

post_picking() {  # token key body [curl args...]
  call POST /ssl/ifp/picking/order -H "Authorization: Bearer $1" -H "Idempotency-Key: $2" -d "$3" "${@:4}"
}

# --- start-up -----------------------------------------------------------------------------
start_sim
check "ready file has pid" "$sim_pid" "$(jq -r .pid "$work/ready.json")"
check "listening line" "upstream-sim: listening on https://127.0.0.1:$port (admin $admin)" \
      "$(cat "$work/sim.out")"

# --- login --------------------------------------------------------------------------------
out=$(call POST /ifp/login -d '{"username":"demo","password":"demo-password"}')
check "login 200" 200 "$(status_of "$out")"
check "login token is a string" string "$(body_of "$out" | jq -r '.data.token | type')"
now=$(date +%s)
expired_at=$(body_of "$out" | jq -r .data.expired_at)
expect "expired_at is now + ttl ($expired_at, now $now)" \
       test "$expired_at" -ge $((now + 3590)) -a "$expired_at" -le $((now + 3610))
check "wrong password 401" 401 "$(status_of "$(call POST /ifp/login -d '{"username":"demo","password":"x"}')")"
check "malformed login 400" 400 "$(status_of "$(call POST /ifp/login -d '{"username":')")"
check "missing password 422" 422 "$(status_of "$(call POST /ifp/login -d '{"username":"demo"}')")"
check "login counted" 1 "$(stat logins)"
check "login failures counted" 3 "$(stat login_failures)"
if grep -q demo-password "$work/sim.out" "$work/sim.err"; then fail "password printed"; else pass "password never printed"; fi

# --- pickings -----------------------------------------------------------------------------
token=$(login)
if grep -q "$token" "$work/sim.out" "$work/sim.err"; then fail "token printed"; else pass "token never printed"; fi
body=$(picking SSL-2026-000123 PCK-0007 2026-11-23T10:15:00+07:00)
out=$(post_picking "$token" key-1 "$body")
check "new picking 201" 201 "$(status_of "$out")"
check "picking_id from 9001" 9001 "$(body_of "$out" | jq -r .data.picking_id)"
check "key_ssl echoed" SSL-2026-000123 "$(body_of "$out" | jq -r .data.key_ssl)"
out=$(post_picking "$token" key-1 "$body")
check "replay 409" 409 "$(status_of "$out")"
check "replay returns original resource" "success 9001" "$(body_of "$out" | jq -r '"\(.status) \(.data.picking_id)"')"
check "accepted once" 1 "$(stat accepted)"
check "duplicates counted" 1 "$(stat duplicates)"
# Same operation, members in another order and other whitespace: still the same body.
reordered=$(jq -c '{items, picked_at, picking_no, key_ssl, order_id, warehouse_code, picker, device_id}' <<<"$body")
check "replay with reordered members 409" 409 "$(status_of "$(post_picking "$token" key-1 "$reordered")")"
out=$(post_picking "$token" key-1 "$(picking SSL-2026-000123 PCK-0008 2026-11-23T10:20:00+07:00)")
check "key reused with another body 422" 422 "$(status_of "$out")"
check "reuse message" "idempotency key reused with a different body" "$(body_of "$out" | jq -r .message)"

# Partial picks of one order, in order, then one out of order.
post_picking "$token" key-2 "$(picking SSL-2026-000123 PCK-0008 2026-11-23T10:20:00+07:00)" >/dev/null
post_picking "$token" key-3 "$(picking SSL-2026-000999 PCK-0100 2026-11-23T09:00:00Z)" >/dev/null
post_picking "$token" key-4 "$(picking SSL-2026-000123 PCK-0009 2026-11-23T03:25:00Z)" >/dev/null
accepted=$(curl -sS "$admin/admin/accepted")
check "accepted in arrival order" "key-1 key-2 key-3 key-4" "$(jq -r '[.pickings[].idempotency_key] | join(" ")' <<<"$accepted")"
check "seq and picking_id" "1:9001 2:9002 3:9003 4:9004" "$(jq -r '[.pickings[] | "\(.seq):\(.picking_id)"] | join(" ")' <<<"$accepted")"
check "filter by key_ssl" "PCK-0007 PCK-0008 PCK-0009" \
      "$(curl -sS "$admin/admin/accepted?key_ssl=SSL-2026-000123" | jq -r '[.pickings[].picking_no] | join(" ")')"
# 03:25Z is 10:25+07:00: later than 10:20+07:00, so in order.
check "offsets compared as instants" "true true true true" "$(jq -r '[.pickings[].in_order] | join(" ")' <<<"$accepted")"
post_picking "$token" key-5 "$(picking SSL-2026-000123 PCK-0006 2026-11-23T10:00:00+07:00)" >/dev/null
check "out-of-order pick flagged" false "$(curl -sS "$admin/admin/accepted" | jq -r '.pickings[-1].in_order')"
check "out_of_order counted" 1 "$(stat out_of_order)"

# --- request rules ------------------------------------------------------------------------
check "no Authorization 401" 401 "$(status_of "$(call POST /ssl/ifp/picking/order -H 'Idempotency-Key: k' -d "$body")")"
check "bad token 401" 401 "$(status_of "$(post_picking nope k "$body")")"
check "no Idempotency-Key 400" 400 "$(status_of "$(call POST /ssl/ifp/picking/order -H "Authorization: Bearer $token" -d "$body")")"
out=$(curl -sS --cacert "$pki/ca.pem" --cert "$pki/client.pem" --key "$pki/client.key" \
        -H 'Content-Type: application/json' -H "Authorization: Bearer $token" -H 'Idempotency-Key: k' \
        -w '\n%{http_code}' -d "$body" "$api/ssl/ifp/picking/order")
check "no X-Device-Id 400" 400 "$(status_of "$out")"
out=$(curl -sS --cacert "$pki/ca.pem" --cert "$pki/client.pem" --key "$pki/client.key" \
        -H 'X-Device-Id: hh-07' -w '\n%{http_code}' -d '{"username":"demo","password":"demo-password"}' \
        "$api/ifp/login")
check "form-encoded body 415" 415 "$(status_of "$out")"
check "malformed JSON 400" 400 "$(status_of "$(post_picking "$token" k '{"key_ssl":')")"
check "unknown path 404" 404 "$(status_of "$(call GET /nope)")"
check "404 body is JSON" error "$(body_of "$(call GET /nope)" | jq -r .status)"

bad=$(jq -c '.key_ssl = "" | del(.picking_no) | .picked_at = "2026-11-23T10:15:00"
             | .items = [{qty: 0, expired_date: "2027-02-29"}, {qty: 1.5}, {qty: "3"}, 7]' <<<"$body")
out=$(post_picking "$token" k-bad "$bad")
check "validation 422" 422 "$(status_of "$out")"
check "validation fields" \
      "items.0.expired_date items.0.qty items.1.qty items.2.qty items.3 key_ssl picked_at picking_no" \
      "$(body_of "$out" | jq -r '.errors | keys | join(" ")')"
check "empty items 422" items "$(body_of "$(post_picking "$token" k-e "$(jq -c '.items = []' <<<"$body")")" | jq -r '.errors | keys | join(" ")')"
check "leap day accepted" 201 "$(status_of "$(post_picking "$token" k-leap "$(jq -c '.items[0].expired_date = "2028-02-29"' <<<"$body")")")"
check "fraction and Z accepted" 201 "$(status_of "$(post_picking "$token" k-frac "$(picking SSL-X P 2026-11-23T10:15:00.123Z)")")"
check "null expired_date accepted" 201 "$(status_of "$(post_picking "$token" k-null "$(jq -c '.items[0].expired_date = null' <<<"$body")")")"
check "bad offset 422" 422 "$(status_of "$(post_picking "$token" k-off "$(picking SSL-X P 2026-11-23T10:15:00+7:00)")")"

# --- TLS ----------------------------------------------------------------------------------
tls_status() {  # curl args... ; prints curl's exit status (0 = got an HTTP answer)
  local rc=0
  curl -sS -o /dev/null --cacert "$pki/ca.pem" "$@" "$api/nope" 2>/dev/null || rc=$?
  echo "$rc"
}
expect "no client certificate refused" test "$(tls_status)" != 0
expect "client certificate from another CA refused" \
       test "$(tls_status --cert "$pki/other-client.pem" --key "$pki/other-client.key")" != 0
expect "certificate without clientAuth refused" \
       test "$(tls_status --cert "$pki/server.pem" --key "$pki/server.key")" != 0
expect "TLS 1.1 refused" \
       test "$(tls_status --cert "$pki/client.pem" --key "$pki/client.key" --tlsv1.1 --tls-max 1.1)" != 0
check "TLS 1.2 accepted" 0 "$(tls_status --cert "$pki/client.pem" --key "$pki/client.key" --tlsv1.2 --tls-max 1.2)"
# Two connections from one curl: the second resumes the first one's TLS session (a client that
# reconnects after its keep-alive connection closed does the same).
check "session resumption" "404 404" \
      "$(call GET /nope -H 'Connection: close' -o /dev/null -o /dev/null -w '%{http_code} ' "$api/nope" | xargs)"

# --- admin: outage, faults, tokens, stats -------------------------------------------------
check "down" false "$(curl -sS -X POST "$admin/admin/down" | jq -r .up)"
out=$(call POST /ifp/login -D "$work/headers" -d '{"username":"demo","password":"demo-password"}')
check "down: 503" 503 "$(status_of "$out")"
check "down: message" "upstream down (simulated)" "$(body_of "$out" | jq -r .message)"
check "down: Retry-After" "Retry-After: 1" "$(grep -i '^Retry-After' "$work/headers" | tr -d '\r')"
check "stats up=false" false "$(stat up)"
check "up" true "$(curl -sS -X POST "$admin/admin/up" | jq -r .up)"

curl -sS -X POST "$admin/admin/faults" -d '{"path": "/ssl/ifp/picking/order", "statuses": [500, 500, 429]}' >/dev/null
seen=()
for key in f-1 f-1 f-1 f-1; do seen+=("$(status_of "$(post_picking "$token" "$key" "$(picking SSL-F F 2026-11-23T11:00:00Z)")")"); done
check "faults in sequence, then normal" "500 500 429 201" "${seen[*]}"
curl -sS -X POST "$admin/admin/faults" -d '{"path": "/ifp/login", "statuses": [503]}' >/dev/null
check "faults listed" '{"/ifp/login":[{"retry_after":"1","status":503}]}' "$(curl -sS "$admin/admin/faults" | jq -c .faults)"
check "faults cleared" '{}' "$(curl -sS -X DELETE "$admin/admin/faults" | jq -c .faults)"
check "bad fault request 422" 422 "$(curl -sS -o /dev/null -w '%{http_code}' -X POST "$admin/admin/faults" -d '{"path": "x", "statuses": [200]}')"

# --- fault steps ---------------------------------------------------------------------------
order=/ssl/ifp/picking/order
post_faults() { curl -sS -X POST "$admin/admin/faults" -d "$1"; }
curl_rc() {  # command... ; prints its exit status
  local rc=0
  "$@" >/dev/null 2>&1 || rc=$?
  echo "$rc"
}
at_least() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }  # a b: floats
stats_before=$(curl -sS "$admin/admin/stats")
delta() { echo $(($(stat "$1") - $(jq -r ".$1" <<<"$stats_before"))); }
accepted_keys() { curl -sS "$admin/admin/accepted" | jq -r '[.pickings[].idempotency_key] | join(" ")'; }

steps=$(jq -cn --arg p "$order" '{path: $p, steps: [
  {status: 503, retry_after: "7"},
  {status: 429, retry_after: "Wed, 21 Oct 2026 07:28:00 GMT"},
  {status: 503},
  {delay_ms: 600},
  {delay_ms: 300, status: 500},
  {apply_then_close: true},
  {close: true},
  {status: 502, repeat: 2},
  {},
  {status: 500, sticky: true}]}')
check "steps listed as posted" "$(jq -c '.steps | map(to_entries | sort_by(.key) | from_entries)' <<<"$steps")" \
      "$(post_faults "$steps" | jq -c --arg p "$order" '.faults[$p]')"
sbody() { picking SSL-S "S-$1" 2026-11-23T14:00:00Z; }
out=$(post_picking "$token" s-1 "$(sbody 1)" -D "$work/headers")
check "step 1: 503" 503 "$(status_of "$out")"
check "step 1: Retry-After in seconds, verbatim" "Retry-After: 7" "$(grep -i '^Retry-After' "$work/headers" | tr -d '\r')"
out=$(post_picking "$token" s-2 "$(sbody 2)" -D "$work/headers")
check "step 2: 429" 429 "$(status_of "$out")"
check "step 2: Retry-After as an HTTP date, verbatim" "Retry-After: Wed, 21 Oct 2026 07:28:00 GMT" \
      "$(grep -i '^Retry-After' "$work/headers" | tr -d '\r')"
out=$(post_picking "$token" s-3 "$(sbody 3)" -D "$work/headers")
check "step 3: 503" 503 "$(status_of "$out")"
check "step 3: no retry_after, no Retry-After" 0 "$(grep -ci '^Retry-After' "$work/headers" || true)"
read -r code seconds <<<"$(post_picking "$token" s-4 "$(sbody 4)" -o /dev/null -w '%{http_code} %{time_total}')"
check "step 4: delayed, then the normal answer" 201 "$code"
expect "step 4: took at least 0.6 s ($seconds)" at_least "$seconds" 0.6
read -r code seconds <<<"$(post_picking "$token" s-5 "$(sbody 5)" -o /dev/null -w '%{http_code} %{time_total}')"
check "step 5: delayed 500" 500 "$code"
expect "step 5: took at least 0.3 s ($seconds)" at_least "$seconds" 0.3
check "step 6: apply_then_close: curl gets an empty reply (exit 52)" 52 \
      "$(curl_rc post_picking "$token" s-6 "$(sbody 6)")"
check "step 6: the picking was applied" "s-4 s-6" "$(curl -sS "$admin/admin/accepted?key_ssl=SSL-S" | jq -r '[.pickings[].idempotency_key] | join(" ")')"
check "step 7: close: empty reply (exit 52)" 52 "$(curl_rc post_picking "$token" s-7 "$(sbody 7)")"
check "step 7: the picking was not applied" "s-4 s-6" "$(curl -sS "$admin/admin/accepted?key_ssl=SSL-S" | jq -r '[.pickings[].idempotency_key] | join(" ")')"
seen=()
for key in s-8 s-9 s-6; do seen+=("$(status_of "$(post_picking "$token" "$key" "$(sbody "${key#s-}")")")"); done
check "step 8 twice (repeat 2), then {} passes: the hung-up picking replays as 409" "502 502 409" "${seen[*]}"
seen=()
for key in s-10 s-11 s-12; do seen+=("$(status_of "$(post_picking "$token" "$key" "$(sbody "${key#s-}")")")"); done
check "sticky step stays" "500 500 500" "${seen[*]}"
check "sticky step still listed" "[{\"status\":500,\"sticky\":true}]" \
      "$(curl -sS "$admin/admin/faults" | jq -c --arg p "$order" '.faults[$p]')"
check "DELETE ?path= clears one path" '{}' \
      "$(curl -sS -X DELETE "$admin/admin/faults?path=$order" | jq -c .faults)"
check "then normal again" 201 "$(status_of "$(post_picking "$token" s-13 "$(sbody 13)")")"
check "closed_without_answer counted" 2 "$(delta closed_without_answer)"
check "delayed counted" 2 "$(delta delayed)"
# 14 requests: two hung up, eight 5xx (two 503, one delayed 500, two 502, three sticky 500).
check "hang-ups count as requests, not as answers" "14 8" \
      "$(echo "$(delta requests) $(delta server_errors)")"
check "apply_then_close counts in accepted" 3 "$(delta accepted)"

# Several connections at once draw from one queue: each step is used exactly once.
post_faults '{"path": "/nope", "steps": [{"status": 500, "repeat": 4}]}' >/dev/null
clients=()
for i in $(seq 8); do
  call GET /nope >"$work/par.$i" &
  clients+=($!)
done
wait "${clients[@]}"
codes=$(for f in "$work"/par.*; do tail -n1 "$f"; echo; done | sort | uniq -c | awk '{print $2"x"$1}' | paste -sd' ')
check "concurrent requests consume the queue once each" "404x4 500x4" "$codes"

# --- latency -------------------------------------------------------------------------------
check "latency set" '{"/nope":400}' \
      "$(curl -sS -X POST "$admin/admin/latency" -d '{"path": "/nope", "delay_ms": 400}' | jq -c .latency)"
read -r code seconds <<<"$(call GET /nope -o /dev/null -w '%{http_code} %{time_total}')"
expect "latency: 404 after at least 0.4 s ($code, $seconds)" at_least "$seconds" 0.4
read -r code seconds <<<"$(call GET /nope -o /dev/null -w '%{http_code} %{time_total}')"
expect "latency persists ($seconds)" at_least "$seconds" 0.4
check "latency cleared by 0" '{}' \
      "$(curl -sS -X POST "$admin/admin/latency" -d '{"path": "/nope", "delay_ms": 0}' | jq -c .latency)"
check "bad latency 422" 422 "$(curl -sS -o /dev/null -w '%{http_code}' -X POST "$admin/admin/latency" -d '{"path": "/nope", "delay_ms": -5}')"

# --- token lifetime ------------------------------------------------------------------------
check "token-ttl 0" 0 "$(curl -sS -X POST "$admin/admin/token-ttl" -d '{"seconds": 0}' | jq -r .token_ttl_seconds)"
short=$(login)
check "a token issued with ttl 0 is born expired" 401 "$(status_of "$(post_picking "$short" k-ttl "$body")")"
check "the token issued before still works" 409 "$(status_of "$(post_picking "$token" key-1 "$body")")"
curl -sS -X POST "$admin/admin/token-ttl" -d '{"seconds": 60}' >/dev/null
out=$(call POST /ifp/login -d '{"username":"demo","password":"demo-password"}')
now=$(date +%s)
expired_at=$(body_of "$out" | jq -r .data.expired_at)
expect "token-ttl 60: expired_at is now + 60 ($expired_at, now $now)" \
       test "$expired_at" -ge $((now + 55)) -a "$expired_at" -le $((now + 65))
check "bad token-ttl 422" 422 "$(curl -sS -o /dev/null -w '%{http_code}' -X POST "$admin/admin/token-ttl" -d '{"seconds": -1}')"

# --- TLS refusal ---------------------------------------------------------------------------
good_cert=(--cert "$pki/client.pem" --key "$pki/client.key")
# An idle keep-alive connection, held open until the server closes it.
timeout 20 openssl s_client -connect "127.0.0.1:$port" -CAfile "$pki/ca.pem" -ign_eof \
  -cert "$pki/client.pem" -key "$pki/client.key" </dev/null >"$work/s_client.out" 2>&1 &
idle_pid=$!
deadline=$((SECONDS + 10))
until grep -q 'Verify return code' "$work/s_client.out" || ((SECONDS > deadline)); do sleep 0.05; done
out=$(curl -sS -X POST "$admin/admin/tls" -d '{"refuse": true, "drop_connections": true}')
check "tls refuse" true "$(jq -r .tls.refuse <<<"$out")"
check "open connection dropped" 1 "$(jq -r .dropped <<<"$out")"
deadline=$((SECONDS + 3))
while kill -0 "$idle_pid" 2>/dev/null && ((SECONDS <= deadline)); do sleep 0.05; done
if kill -0 "$idle_pid" 2>/dev/null; then
  fail "the dropped connection is still open"
  kill "$idle_pid"
else
  pass "the dropped connection is closed"
fi
wait "$idle_pid" || true
check "refused handshake: curl exit 35 (TLS handshake failed)" 35 "$(tls_status "${good_cert[@]}")"
expect "refused handshake: alert in curl's message" \
       grep -q 'handshake failure' <(curl -sS -o /dev/null --cacert "$pki/ca.pem" "${good_cert[@]}" "$api/nope" 2>&1)
check "tls_refused counted" 2 "$(delta tls_refused)"
check "tls accept again" false "$(curl -sS -X POST "$admin/admin/tls" -d '{"refuse": false}' | jq -r .tls.refuse)"
check "handshakes work again" 0 "$(tls_status "${good_cert[@]}")"
check "bad tls request 422" 422 "$(curl -sS -o /dev/null -w '%{http_code}' -X POST "$admin/admin/tls" -d '{"refuse": "yes"}')"

# --- every fault in one listing; one DELETE ends them all ----------------------------------
curl -sS -X POST "$admin/admin/down" >/dev/null
post_faults '{"path": "/ifp/login", "steps": [{"close": true, "delay_ms": 5}]}' >/dev/null
curl -sS -X POST "$admin/admin/latency" -d '{"path": "/nope", "delay_ms": 10}' >/dev/null
curl -sS -X POST "$admin/admin/tls" -d '{"refuse": true}' >/dev/null
curl -sS -X POST "$admin/admin/token-ttl" -d '{"seconds": 5}' >/dev/null
check "GET /admin/faults shows every fault" \
      '{"faults":{"/ifp/login":[{"close":true,"delay_ms":5}]},"latency":{"/nope":10},"tls":{"refuse":true},"token_ttl_seconds":5,"up":false}' \
      "$(curl -sS "$admin/admin/faults" | jq -cS .)"
check "DELETE /admin/faults: back to the start" \
      '{"faults":{},"latency":{},"tls":{"refuse":false},"token_ttl_seconds":3600,"up":true}' \
      "$(curl -sS -X DELETE "$admin/admin/faults" | jq -cS .)"
check "stats show the new counters" true \
      "$(curl -sS "$admin/admin/stats" | jq -r 'has("closed_without_answer") and has("delayed") and has("tls_refused")')"


check "expire-tokens" true "$(curl -sS -X POST "$admin/admin/expire-tokens" | jq -r '.revoked >= 1')"
check "expired token 401" 401 "$(status_of "$(post_picking "$token" k-exp "$body")")"
token=$(login)
check "new token works" 409 "$(status_of "$(post_picking "$token" key-1 "$body")")"

requests=$(stat requests)
expect "requests counted ($requests)" test "$requests" -gt 30
check "by_path" true "$(curl -sS "$admin/admin/stats" | jq -r '.by_path["/ssl/ifp/picking/order"] > 10')"
check "rejected counted" true "$(curl -sS "$admin/admin/stats" | jq -r '.rejected > 5')"
check "unauthorized counted" true "$(curl -sS "$admin/admin/stats" | jq -r '.unauthorized >= 3')"
check "reset-stats" true "$(curl -sS -X POST "$admin/admin/reset-stats" | jq -r .reset)"
check "counters zeroed" "0 0 0" "$(curl -sS "$admin/admin/stats" | jq -r '"\(.requests) \(.accepted) \(.duplicates)"')"
check "data kept" true "$(curl -sS "$admin/admin/accepted" | jq -r '.pickings | length > 5')"
check "admin 404 is JSON" error "$(curl -sS -X POST "$admin/admin/nope" | jq -r .status)"

# --- concurrency: many clients, one key: applied once -------------------------------------
conc=$(picking SSL-C C 2026-11-23T12:00:00Z)
clients=()
for i in $(seq 8); do
  post_picking "$token" conc-1 "$conc" >"$work/conc.$i" &
  clients+=($!)
done
wait "${clients[@]}"  # not a bare wait: the simulator is a child too
codes=$(for f in "$work"/conc.*; do tail -n1 "$f"; echo; done | sort | uniq -c | awk '{print $2"x"$1}' | paste -sd' ')
check "concurrent replays: one 201, seven 409" "201x1 409x7" "$codes"

# --- SmartSeller stock (seed 004) ----------------------------------------------------------
ss_key=demo-smartseller-key
ss() {  # method path key body [curl args...]
  call "$1" "/api/open$2" -H "Authorization: Bearer $ss_key" -H "Idempotency-Key: $3" -d "$4" "${@:5}"
}
curl -sS -X POST "$admin/admin/smartseller/stock" -H 'Content-Type: application/json' \
     -d '{"stock": [{"variation_id": 123, "warehouse_id": 1, "stock": 10}]}' >/dev/null
update='{"variation_id": 123, "stock": [{"amount": 4, "status": "add", "warehouse_id": 1}], "description": "d"}'
out=$(ss PATCH /product/update-stock ss-1 "$update")
check "update-stock 200 Success" "200 Success 14" \
      "$(status_of "$out") $(body_of "$out" | jq -r '"\(.response) \(.data.total_stock)"')"
check "update-stock replay 409, applied once" "409 14" \
      "$(status_of "$(ss PATCH /product/update-stock ss-1 "$update")") $(curl -sS "$admin/admin/smartseller/stock?variation_id=123" | jq -r '.stock[0].stock')"
out=$(ss PATCH /product/update-stock ss-2 '{"variation_id": 123, "stock": [{"amount": 99, "status": "SUB", "warehouse_id": 1}], "description": "d"}')
check "SUB below zero 400 Failed with the field" "400 Failed true" \
      "$(status_of "$out") $(body_of "$out" | jq -r '"\(.response) \(.message | has("stock.0.amount"))"')"
out=$(ss POST /stock-transfer ss-3 '{"origin_warehouse_id": 1, "destination_warehouse_id": 2, "description": "t", "stock_adjustment": [{"variation_id": 123, "transfer_stock": 4}]}')
check "stock-transfer answers Sukses" "200 Sukses" "$(status_of "$out") $(body_of "$out" | jq -r .response)"
out=$(call PATCH /api/open/product/sync-stock -H "Authorization: Bearer wrong" -H "Idempotency-Key: ss-4" -d '{"variation_id": 1, "amount": 2}')
check "wrong API key 401 Failed" "401 Failed" "$(status_of "$out") $(body_of "$out" | jq -r .response)"
curl -sS -X POST "$admin/admin/faults" -H 'Content-Type: application/json' \
     -d '{"path": "/api/open/stock-opname", "steps": [{"status": 429, "retry_after": "3"}]}' >/dev/null
out=$(ss POST /stock-opname ss-5 '{"warehouse_id": 0, "description": "o", "stock_adjustment": [{"variation_id": 1, "warehouse_stock": 3}]}' -D "$work/headers")
check "injected 429 in SmartSeller's shape with Retry-After" "429 Failed 3" \
      "$(status_of "$out") $(body_of "$out" | jq -r .response) $(grep -i '^retry-after:' "$work/headers" | tr -dc 0-9)"

# --- SMILE WMS: login, master data, disposal cancellation --------------------------------
wms_out=$(call POST /auth/login -d '{"email":"wms@demo.example","password":"wms-password"}')
check "WMS login 200" 200 "$(status_of "$wms_out")"
wms=$(body_of "$wms_out" | jq -r .data.token)
check "WMS login wrong password 401" 401 \
      "$(status_of "$(call POST /auth/login -d '{"email":"wms@demo.example","password":"nope"}')")"
check "master data without token 401" 401 "$(status_of "$(call GET '/v2/materials')")"
out=$(call GET '/v2/materials?page=3&paginate=500' -H "Authorization: Bearer $wms")
check "materials page 3 of 3" "200 3 1203 203" \
      "$(status_of "$out") $(body_of "$out" | jq -r '"\(.meta.total_page) \(.meta.total_item) \(.data | length)"')"
out=$(call GET '/v2/materials?page=1&paginate=500' -H "Authorization: Bearer $wms")
check "contract's BCG-20 served" "BCG-20 08991234567895 vial true" \
      "$(body_of "$out" | jq -r '.data[] | select(.id == 12) | "\(.code) \(.gtin) \(.uom) \(.is_batch)"')"
check "paginate above 500 is 422" 422 \
      "$(status_of "$(call GET '/v2/entities?paginate=501' -H "Authorization: Bearer $wms")")"
check "updated_since without offset is 422" 422 \
      "$(status_of "$(call GET '/v2/entities?updated_since=2026-01-01T00:00:00' -H "Authorization: Bearer $wms")")"
check "records upserted" 1 "$(curl -sS -X POST "$admin/admin/wms/records" \
      -d '{"type":"entities","records":[{"id":7,"code":"ENT-007","name":"Changed"}]}' | jq -r .upserted)"
since=$(date -u -d '-5 seconds' +%Y-%m-%dT%H:%M:%S+00:00)
out=$(call GET "/v2/entities?updated_since=${since/+/%2B}" -H "Authorization: Bearer $wms")
check "updated_since brings only the change" "1 Changed" \
      "$(body_of "$out" | jq -r '"\(.meta.total_item) \(.data[0].name)"')"
cancel() {  # key body
  call POST /wms/disposal/cancellation -H "Authorization: Bearer $wms" -H "Idempotency-Key: $1" -d "$2"
}
dc='{"disposal_instruction_no":"DI-2026-0042","entity_id":12,"reason":"wrong batch","cancelled_at":"2026-11-23T11:00:00+07:00","cancelled_by":"op-0042"}'
out=$(cancel dc-1 "$dc")
check "cancellation 200" "200 cancelled" "$(status_of "$out") $(body_of "$out" | jq -r .data.status)"
check "replay 409" 409 "$(status_of "$(cancel dc-1 "$dc")")"
check "another key, same instruction 422" 422 "$(status_of "$(cancel dc-2 "$dc")")"
check "unknown instruction 404" 404 "$(status_of "$(cancel dc-3 "${dc/0042/7777}")")"
check "executed instruction 422" 422 \
      "$(status_of "$(cancel dc-4 "$(jq -c '.disposal_instruction_no = "DI-2026-0900" | .entity_id = 1' <<<"$dc")")")"
check "bad entity_id 422" "422 entity_id" \
      "$(out=$(cancel dc-5 "$(jq -c '.entity_id = 0' <<<"$dc")"); echo "$(status_of "$out") $(body_of "$out" | jq -r '.errors | keys[0]')")"
check "cancellations listed" "dc-1" "$(curl -sS "$admin/admin/wms/cancellations" | jq -r '[.cancellations[].idempotency_key] | join(" ")')"
check "master-data requests logged" true "$(curl -sS "$admin/admin/wms/requests" | jq -r '.requests | length == 3')"

# --- shutdown, restart: still deduplicates ------------------------------------------------
stop_sim TERM
check "SIGTERM exits 0" 0 "$sim_rc"
expect "ready file removed on exit" test ! -e "$work/ready.json"
# Restarted with the load-test options: a TLS port without client certificates (for wrk), no
# access-log line per request.
start_sim --open-tls-port 0 --no-request-log --threads 16 --keep-alive-max 1000
token=$(login)
check "restart: replay still 409" 409 "$(status_of "$(post_picking "$token" key-1 "$body")")"
check "restart: SmartSeller replay still 409" 409 "$(status_of "$(ss PATCH /product/update-stock ss-1 "$update")")"
out=$(post_picking "$token" key-new "$(picking SSL-R R 2026-11-23T13:00:00Z)")
check "restart: sequence continues" true "$(body_of "$out" | jq -r '.data.picking_id > 9010')"

# --- the open TLS port (--open-tls-port) and the timeline -------------------------------------
open_port=$(jq -r .open_tls_port "$work/ready.json")
expect "ready file names the open TLS port ($open_port)" test "$open_port" -gt 0
open_call() {  # method path [curl args...]: no client certificate
  local method=$1 path=$2
  shift 2
  curl -sS -X "$method" --cacert "$pki/ca.pem" -H 'Content-Type: application/json' -H 'X-Device-Id: wrk-1' \
       -w '\n%{http_code}' "$@" "https://localhost:$open_port$path"
}
out=$(open_call POST /ifp/login -d '{"username":"demo","password":"demo-password"}')
check "open port: login without a client certificate 200" 200 "$(status_of "$out")"
open_token=$(body_of "$out" | jq -r .data.token)
out=$(open_call POST /ssl/ifp/picking/order -H "Authorization: Bearer $open_token" -H 'Idempotency-Key: open-1' \
      -d "$(picking SSL-OPEN O1 2026-11-23T14:00:00Z)")
check "open port: same handlers, picking 201" 201 "$(status_of "$out")"
rc=0
curl -sS -o /dev/null --cacert "$pki/ca.pem" -H 'X-Device-Id: hh-07' "$api/ifp/login" 2>/dev/null || rc=$?
expect "mutual-TLS port still refuses a client without a certificate (curl exit $rc)" test "$rc" -ne 0
timeline=$(curl -sS "$admin/admin/timeline")
check "timeline: first request of each device" "hh-07 wrk-1" "$(jq -r '.first_request_ms | keys | join(" ")' <<<"$timeline")"
check "timeline: the buckets hold every request counted" "$(stat requests)" "$(jq -r '[.buckets[][1]] | add' <<<"$timeline")"
expect "timeline: a peak per second" test "$(jq -r .peak_per_second <<<"$timeline")" -ge 1
check "timeline: 100 ms buckets" 100 "$(jq -r .bucket_ms <<<"$timeline")"
if grep -q "POST /ssl/ifp/picking/order ->" "$work/sim.err"; then fail "--no-request-log still logs requests"; else pass "--no-request-log: no line per request"; fi
curl -sS -X POST "$admin/admin/reset-stats" -H 'Content-Type: application/json' -d '{}' >/dev/null
check "reset-stats clears the timeline" 0 "$(curl -sS "$admin/admin/timeline" | jq -r .devices)"
stop_sim INT
check "SIGINT exits 0" 0 "$sim_rc"

# --- command line -------------------------------------------------------------------------
rc=0
"$sim" --cert "$pki/server.pem" --key "$pki/server.key" --client-ca "$pki/ca.pem" --host 0.0.0.0 \
  2>/dev/null || rc=$?
check "non-loopback --host exits 2" 2 "$rc"
rc=0
"$sim" --cert "$pki/server.pem" --key "$pki/server.key" 2>/dev/null || rc=$?
check "missing --client-ca exits 2" 2 "$rc"
rc=0
"$sim" --cert "$pki/server.pem" --key "$pki/client.key" --client-ca "$pki/ca.pem" 2>/dev/null || rc=$?
check "key not matching cert exits 1" 1 "$rc"

if ((failures > 0)); then
  echo "smoke_test: $failures check(s) failed; simulator log:" >&2
  cat "$work/sim.err" >&2
  exit 1
fi
echo "smoke_test: all checks passed"

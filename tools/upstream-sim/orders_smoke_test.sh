#!/usr/bin/env bash
# Smoke test of the simulator's SMILE order endpoints on their own, without the agent: makes a
# dev PKI, starts the simulator, and drives /auth/login, the Order API and the pick-list reads
# with the curl CLI over mutual TLS (an independent client).
#
#   tools/upstream-sim/orders_smoke_test.sh PATH/TO/upstream-sim
#
# Needs bash, curl, jq and openssl. Exits 0 when every check passes.
set -euo pipefail

sim=${1:?usage: orders_smoke_test.sh PATH/TO/upstream-sim}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
name=orders_smoke_test
# shellcheck source=smoke_lib.sh
source "$here/smoke_lib.sh"

start_orders_sim() { start_sim --orders-user ops@example.test --orders-password orders-secret; }

# curl over mutual TLS; prints the body, then the status code on its own line.
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
seed() {  # order json -> admin status code
  curl -sS -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
       -d "$1" "$admin/admin/orders"
}
authed() {  # method path key body
  call "$1" "$2" -H "Authorization: Bearer $token" -H "Idempotency-Key: $3" -d "$4"
}
change() { jq -cn --arg t "$1" '{comment: "from the smoke test", updated_at: $t}'; }

start_orders_sim

# --- login --------------------------------------------------------------------------------
out=$(call POST /auth/login -d '{"email":"ops@example.test","password":"orders-secret"}')
check "SMILE login 200" 200 "$(status_of "$out")"
token=$(body_of "$out" | jq -r .data.token)
check "token at /data/token" 64 "${#token}"
check "expiry at /data/expired_at" number "$(body_of "$out" | jq -r '.data.expired_at | type')"
check "wrong password 401" 401 "$(status_of "$(call POST /auth/login -d '{"email":"ops@example.test","password":"x"}')")"
check "DIN's field names are not SMILE's: 422" 422 \
      "$(status_of "$(call POST /auth/login -d '{"username":"ops@example.test","password":"orders-secret"}')")"
if grep -q orders-secret "$work/sim.out" "$work/sim.err"; then fail "password printed"; else pass "password never printed"; fi

# --- seeding ------------------------------------------------------------------------------
order='{"id": 1, "key_ssl": "SSL-1", "items": [{"id": 1, "material_code": "BCG-20", "qty": 20},
        {"id": 2, "material_code": "DPT-10", "qty": 10, "batch_code": "D1"}]}'
check "seed an order 201" 201 "$(seed "$order")"
check "seeded order starts pending" pending "$(curl -sS "$admin/admin/orders/1" | jq -r .order.status)"
check "seeding a bad item 422" 422 "$(seed '{"id": 2, "key_ssl": "SSL-2", "items": [{"id": 1, "material_code": "X", "qty": 0}]}')"
check "seeding an unknown state 422" 422 "$(seed '{"id": 2, "key_ssl": "SSL-2", "status": "lost"}')"

# --- status changes -----------------------------------------------------------------------
check "no token 401" 401 "$(status_of "$(call PUT /orders/1/confirms -H 'Idempotency-Key: k0' -d "$(change 2026-11-23T10:00:00Z)")")"
check "no Idempotency-Key 400" 400 \
      "$(status_of "$(call PUT /orders/1/confirms -H "Authorization: Bearer $token" -d "$(change 2026-11-23T10:00:00Z)")")"
out=$(authed PUT /orders/1/confirms k1 '{"updated_at": "2026-11-23 10:00"}')
check "updated_at without offset 422" 422 "$(status_of "$out")"
check "error names updated_at" true "$(body_of "$out" | jq '.errors | has("updated_at")')"
check "unknown order 404" 404 "$(status_of "$(authed PUT /orders/99/confirms k2 "$(change 2026-11-23T10:00:00Z)")")"
check "unknown action 404" 404 "$(status_of "$(authed PUT /orders/1/shipped k3 "$(change 2026-11-23T10:00:00Z)")")"
out=$(authed PUT /orders/1/confirms k4 "$(change 2026-11-23T10:00:00+07:00)")
check "confirms 200" 200 "$(status_of "$out")"
check "order is confirmed" confirmed "$(body_of "$out" | jq -r .data.status)"
replay=$(authed PUT /orders/1/confirms k4 "$(change 2026-11-23T10:00:00+07:00)")
check "replay 409" 409 "$(status_of "$replay")"
check "replay answers the original" "$(body_of "$out")" "$(body_of "$replay")"
check "key reused for another change 422" 422 "$(status_of "$(authed PUT /orders/1/allocates k4 "$(change 2026-11-23T10:01:00+07:00)")")"
out=$(authed PUT /orders/1/ships k5 "$(change 2026-11-23T10:01:00+07:00)")
check "ships before allocates 422" 422 "$(status_of "$out")"
check "out-of-order message" "cannot ships order 1: it is confirmed (ships applies to an order that is allocated)" \
      "$(body_of "$out" | jq -r .message)"

# --- picked batches -----------------------------------------------------------------------
stocks='{"items": [{"order_item_id": 1, "stocks": [{"batch_code": "B1", "qty": 15}, {"batch_code": "B2", "qty": 5}]}]}'
check "qty 0 422" 422 "$(status_of "$(authed POST /orders/1/order-item-stocks k6 '{"items": [{"order_item_id": 1, "stocks": [{"batch_code": "B1", "qty": 0}]}]}')")"
out=$(authed POST /orders/1/order-item-stocks k7 '{"items": [{"order_item_id": 9, "stocks": [{"batch_code": "B1", "qty": 1}]}]}')
check "unknown order item 422" 422 "$(status_of "$out")"
check "error names the item" true "$(body_of "$out" | jq '.errors | has("items.0.order_item_id")')"
check "item stocks 201" 201 "$(status_of "$(authed POST /orders/1/order-item-stocks k8 "$stocks")")"
check "item stocks replay 409" 409 "$(status_of "$(authed POST /orders/1/order-item-stocks k8 "$stocks")")"
check "allocates 200" 200 "$(status_of "$(authed PUT /orders/1/allocates k9 "$(change 2026-11-23T10:02:00+07:00)")")"
check "ships 200" 200 "$(status_of "$(authed PUT /orders/1/ships k10 "$(change 2026-11-23T10:03:00+07:00)")")"
check "item stocks after shipping 422" 422 "$(status_of "$(authed POST /orders/1/order-item-stocks k11 "$stocks")")"
history=$(curl -sS "$admin/admin/orders/1")
check "history in arrival order" "confirms order-item-stocks allocates ships" \
      "$(jq -r '[.changes[].action] | join(" ")' <<<"$history")"
check "picked batches on the item" 2 "$(jq '.order.items[0].stocks | length' <<<"$history")"
check "applied once each" 4 "$(stat accepted)"
check "replays counted" 2 "$(stat duplicates)"

# --- pick lists ---------------------------------------------------------------------------
check "seed a second order" 201 "$(seed '{"id": 2, "key_ssl": "SSL-2", "status": "allocated", "items": [{"id": 1, "material_code": "BCG-20", "qty": 4}]}')"
out=$(call GET /v2/order/SSL-2/integration -H "Authorization: Bearer $token")
check "integration order 200" 200 "$(status_of "$out")"
check "integration order items" "BCG-20 4" "$(body_of "$out" | jq -r '.data.items[0] | "\(.material_code) \(.qty)"')"
check "unknown key_ssl 404" 404 "$(status_of "$(call GET /v2/order/SSL-404/integration -H "Authorization: Bearer $token")")"
check "pick list needs a token 401" 401 "$(status_of "$(call GET /v2/order/SSL-2/integration)")"
out=$(call GET '/v2/orders?status=allocated' -H "Authorization: Bearer $token")
check "orders by status" "2" "$(body_of "$out" | jq -r '[.data[].id] | join(" ")')"
out=$(call GET '/v2/orders?page=2&paginate=1' -H "Authorization: Bearer $token")
check "paged" "2 1 2 2" "$(body_of "$out" | jq -r '"\(.data[0].id) \(.meta.paginate) \(.meta.total_page) \(.meta.total_item)"')"
check "paginate 0 422" 422 "$(status_of "$(call GET '/v2/orders?paginate=0' -H "Authorization: Bearer $token")")"

# --- faults apply to these paths ------------------------------------------------------------
curl -sS -o /dev/null -X POST -H 'Content-Type: application/json' \
     -d '{"path": "/orders/1/fulfilled", "statuses": [503]}' "$admin/admin/faults"
check "fault step on an order path" 503 "$(status_of "$(authed PUT /orders/1/fulfilled k12 "$(change 2026-11-23T10:04:00+07:00)")")"
check "then the real answer" 200 "$(status_of "$(authed PUT /orders/1/fulfilled k12 "$(change 2026-11-23T10:04:00+07:00)")")"

# --- a restarted simulator still knows its keys -------------------------------------------
stop_sim TERM
start_orders_sim
token=$(body_of "$(call POST /auth/login -d '{"email":"ops@example.test","password":"orders-secret"}')" | jq -r .data.token)
check "replay after restart 409" 409 "$(status_of "$(authed PUT /orders/1/confirms k4 "$(change 2026-11-23T10:00:00+07:00)")")"
check "order state kept" fulfilled "$(curl -sS "$admin/admin/orders/1" | jq -r .order.status)"
stop_sim TERM

if ((failures > 0)); then
  echo "orders_smoke_test: $failures check(s) failed" >&2
  exit 1
fi
echo "orders_smoke_test: all checks passed"

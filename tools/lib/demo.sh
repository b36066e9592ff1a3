#!/usr/bin/env bash
# The simulated warehouse, end to end (called by `tools/outpost demo` after the build):
# the upstream simulator over mutual TLS, outpostd on the sim board with the link down, a few
# pickings queued, the link brought up, the deliveries shown. Everything started here is
# stopped on exit, Ctrl-C included.
set -euo pipefail

build_dir=${1:?usage: demo.sh BUILD_DIR}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
run_dir="$repo/build/demo"
ctl="$build_dir/tools/outpostctl/outpostctl"
pids=()

cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  exit "$status"
}
trap cleanup EXIT
trap 'echo; echo "demo: interrupted"; exit 130' INT TERM

if [[ -t 1 ]]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
say() { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; }

# wait_for SECONDS DESCRIPTION COMMAND...: polls a condition with a deadline.
wait_for() {
  local seconds=$1 what=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      echo "demo: timed out after ${seconds}s waiting for $what" >&2
      return 1
    fi
    sleep 0.1
  done
}

json_number() { grep -o "\"$1\": *[0-9]*" | head -n1 | grep -o '[0-9]*$'; }

rm -rf "$run_dir"
mkdir -p "$run_dir"
"$repo/tools/pki" "$run_dir/pki" >/dev/null

say "starting the upstream simulator (mutual TLS on loopback)"
"$build_dir/tools/upstream-sim/upstream-sim" --cert "$run_dir/pki/server.pem" --key "$run_dir/pki/server.key" \
  --client-ca "$run_dir/pki/ca.pem" --host 127.0.0.1 --port 0 --admin-port 0 --db "$run_dir/sim.db" \
  --ready-file "$run_dir/sim-ready.json" --din-user demo --din-password demo-password \
  >"$run_dir/sim.log" 2>&1 &
pids+=($!)
wait_for 15 "the simulator" test -s "$run_dir/sim-ready.json"
port=$(json_number port <"$run_dir/sim-ready.json")
admin_port=$(json_number admin_port <"$run_dir/sim-ready.json")
admin="http://127.0.0.1:$admin_port"
echo "upstream: https://localhost:$port  (admin $admin)"

say "starting outpostd on the sim board, link down"
printf '%s\n' 'demo-password' >"$run_dir/din.password"
chmod 600 "$run_dir/din.password"
cat >"$run_dir/outpostd.toml" <<CONFIG
device_id = "hh-07"
board = "sim"
[sim]
link_up = false
[storage]
outbox_path = "outbox.db"
[control]
socket_path = "outpostd.sock"
[tls]
ca_file = "pki/ca.pem"
cert_file = "pki/client.pem"
key_file = "pki/client.key"
[upstream.din]
base_url = "https://localhost:$port"
username = "demo"
password_file = "din.password"
CONFIG
"$build_dir/firmware/outpostd" --config "$run_dir/outpostd.toml" >"$run_dir/outpostd.log" 2>&1 &
pids+=($!)
export OUTPOST_SOCKET="$run_dir/outpostd.sock"
wait_for 15 "outpostd" "$ctl" status
"$build_dir/firmware/outpostd" --version | sed 's/^/  /'

say "queueing 5 pickings for 2 orders while offline"
for n in 1 2 3 4 5; do
  order=$(( n <= 3 ? 1 : 2 ))
  id=$(cat <<ORDER | "$ctl" enqueue picking-order
{"key_ssl": "SSL-2026-00012$order", "order_id": 4821$order, "picking_no": "PCK-2026-11-23-000$n",
 "warehouse_code": "WH-JKT-01", "picker": "op-0042", "picked_at": "2026-11-23T10:1$n:00+07:00",
 "items": [{"material_code": "BCG-20", "gtin": "08991234567895", "batch_code": "B2311A",
            "expired_date": "2027-05-31", "qty": $((n * 10)), "uom": "vial", "bin": "A-03-$n"}]}
ORDER
)
  echo "queued picking PCK-2026-11-23-000$n for SSL-2026-00012$order as operation $id (durable)"
done
"$ctl" status
echo "simulator: $(curl -s "$admin/admin/stats")"

say "bringing the link up"
"$ctl" sim link up
delivered() { [[ $("$ctl" status --json | json_number delivered) == 5 ]]; }
wait_for 30 "5 deliveries" delivered
"$ctl" status

say "what the upstream received"
stats=$(curl -s "$admin/admin/stats")
echo "simulator: $stats"
curl -s "$admin/admin/accepted" | grep -o '"picking_no":"[^"]*"' | sed 's/^/  accepted /'
accepted=$(json_number accepted <<<"$stats")
duplicates=$(json_number duplicates <<<"$stats")
if [[ "$accepted" != 5 || "$duplicates" != 0 ]]; then
  echo "demo: FAILED: expected 5 accepted and 0 duplicates, got $accepted and $duplicates" >&2
  exit 1
fi
say "demo passed: 5 pickings queued offline, delivered once each over mutual TLS"

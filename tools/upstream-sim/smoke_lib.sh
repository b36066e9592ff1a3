# Shared by the simulator's smoke tests (smoke_test.sh, orders_smoke_test.sh); sourced, not run.
# Before sourcing, set `name` (for messages) and `sim` (the upstream-sim binary). Gives: a work
# folder removed at exit (with the simulator, if still running), a dev PKI in $pki, the check
# helpers, and start_sim / stop_sim.

for tool in curl jq openssl; do
  command -v "$tool" >/dev/null || { echo "$name: $tool not found" >&2; exit 1; }
done

work=$(mktemp -d)
sim_pid=
cleanup() {
  if [[ -n "$sim_pid" ]] && kill -0 "$sim_pid" 2>/dev/null; then kill -KILL "$sim_pid"; fi
  rm -rf -- "$work"
}
trap cleanup EXIT

failures=0
pass() { echo "ok   - $1"; }
fail() { echo "FAIL - $1" >&2; failures=$((failures + 1)); }
check() {  # description expected actual
  if [[ "$2" == "$3" ]]; then pass "$1"; else fail "$1: expected [$2], got [$3]"; fi
}
expect() {  # description command... : passes when the command succeeds
  local what=$1
  shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}

"$(dirname "${BASH_SOURCE[0]}")/../pki" "$work/pki" >/dev/null
pki=$work/pki

# Starts the simulator on free ports with the dev PKI; sets sim_pid, port, admin and api.
start_sim() {  # [more simulator options...]
  rm -f "$work/ready.json"
  "$sim" --cert "$pki/server.pem" --key "$pki/server.key" --client-ca "$pki/ca.pem" \
         --port 0 --admin-port 0 --ready-file "$work/ready.json" --db "$work/sim.db" "$@" \
         >"$work/sim.out" 2>"$work/sim.err" &
  sim_pid=$!
  local deadline=$((SECONDS + 10))
  until [[ -s "$work/ready.json" ]]; do
    if ((SECONDS > deadline)) || ! kill -0 "$sim_pid" 2>/dev/null; then
      echo "$name: simulator did not become ready" >&2
      cat "$work/sim.err" >&2
      exit 1
    fi
    sleep 0.02
  done
  port=$(jq -r .port "$work/ready.json")
  admin=http://127.0.0.1:$(jq -r .admin_port "$work/ready.json")
  api=https://localhost:$port
}

# Not inside $(...): a subshell cannot wait for its parent's child. Sets sim_rc.
stop_sim() {  # signal
  kill "-$1" "$sim_pid"
  sim_rc=0
  wait "$sim_pid" || sim_rc=$?
  sim_pid=
}

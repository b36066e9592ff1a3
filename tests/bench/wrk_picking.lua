-- wrk script for the drain benchmark (tests/bench/outpostd_drain_bench.cpp): POST
-- /ssl/ifp/picking/order with what outpostd sends for one queued picking order (the same
-- headers, a body of the same shape and size), each request with its own Idempotency-Key, so the
-- simulator does the same work per request as it does for the agent: token check, validation,
-- a new row stored, 201.
--
--   OUTPOST_BENCH_TOKEN=<token> wrk ... -s wrk_picking.lua https://localhost:PORT/ssl/ifp/picking/order -- RUN LANES
--
-- The token comes from the environment (a login the benchmark made), never from the command
-- line, where any local user could read it. RUN makes the keys unique across runs against one
-- simulator; LANES is how many orders (key_ssl) the pickings are spread over, as in the agent's
-- outbox.

local threads = {}
local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local token, run, lanes
local counter = 0
local headers

-- The agent's body: intake's JSON (sorted keys, device_id added) of the benchmark's picking.
local template = '{"device_id":"bench-device","items":[{"batch_code":"B2311A","bin":"A-03-2",' ..
  '"expired_date":"2027-05-31","gtin":"08991234567895","material_code":"BCG-20","qty":%d,' ..
  '"uom":"vial"}],"key_ssl":"%s","order_id":48211,"picked_at":"2026-11-23T10:15:00+07:00",' ..
  '"picker":"op-0042","picking_no":"%s-P%d","warehouse_code":"WH-JKT-01"}'

function init(args)
  token = os.getenv("OUTPOST_BENCH_TOKEN")
  if token == nil or token == "" then
    error("OUTPOST_BENCH_TOKEN is not set")
  end
  run = args[1] or "0"
  lanes = tonumber(args[2] or "25000")
  headers = {
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
    ["X-Device-Id"] = "bench-device",
  }
end

function request()
  counter = counter + 1
  local n = counter * 64 + id  -- unique per thread (at most 64 threads)
  local key_ssl = string.format("SSL-WRK%s-%d", run, n % lanes)
  headers["Idempotency-Key"] = string.format("wrk-%s-%d", run, n)
  local body = string.format(template, 1 + n % 50, key_ssl, key_ssl, n)
  return wrk.format("POST", nil, headers, body)
end

# Turns the BENCH lines of tools/bench into one Markdown table (docs/performance.md) and the
# verdict lines under it. POSIX awk (Debian's mawk). Variables: quick=1 for a --quick run,
# offline_note (what --quick shortened), cores (the machine's).
#
# Input lines: "BENCH name=<enqueue row: sqlite|outpostd>|drain|cpu|offline|fleet key=value ...".
# Several runs of a row are summarised by their median, with the range in brackets.

function sort_values(values, count,    i, j, t) {
  for (i = 1; i <= count; i++)
    for (j = i + 1; j <= count; j++)
      if (values[j] < values[i]) { t = values[i]; values[i] = values[j]; values[j] = t }
}
# Median of values[1..count] (sorts them).
function median(values, count) {
  sort_values(values, count)
  return count == 0 ? 0 : values[int((count + 1) / 2)]
}
function range_text(values, count, format) {  # after median(): values are sorted
  return count > 1 ? sprintf(" (" format "–" format ")", values[1], values[count]) : ""
}
# 1234567 -> "1,234,567"
function grouped(n,    s, out) {
  s = sprintf("%d", n); out = ""
  while (length(s) > 3) { out = "," substr(s, length(s) - 2) out; s = substr(s, 1, length(s) - 3) }
  return s out
}
function row(benchmark, what, result, reference, ratio, target, cpu) {
  printf "| %s | %s | %s | %s | %s | %s | %s |\n", benchmark, what, result, reference, ratio, target, cpu
}

/^BENCH / {
  delete f
  for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
  name = f["name"]
  if (name == "sqlite" || name == "outpostd") {
    key = name SUBSEP f["sync"] SUBSEP f["producers"]
    if (!(key in runs)) { keys[++n_keys] = key }
    r = ++runs[key]
    rate[key, r] = f["ops_per_s"] + 0; p50[key, r] = f["p50_us"] + 0; p99[key, r] = f["p99_us"] + 0
    ops[key] += f["ops"]; commits[key] += f["commits"]
    cpu[key, r] = f["agent_cpu_us_per_op"] + 0; producer_cpu[key, r] = f["producer_cpu_us_per_op"] + 0
  } else if (name == "drain") {
    if (f["role"] == "agent") {
      d = ++drains
      agent_rate[d] = f["ops_per_s"] + 0; agent_cpu[d] = f["client_cpu_us_per_op"] + 0
      agent_sim_cpu[d] = f["sim_cpu_us_per_op"] + 0; agent_sim_pct[d] = f["sim_cpu_pct"] + 0
      drain_ops = f["ops"]; drain_conn = f["connections"]; drain_dups[d] = f["duplicates"] + 0
      drain_errors += f["errors"]
      same_sum[d] = pending_same_sum; same_n[d] = pending_same_n  # the wrk run before this drain
      pending_same_sum = 0; pending_same_n = 0
    } else if (f["role"] == "ceiling") {
      cc = ++ceilings
      ceiling_rate[cc] = f["ops_per_s"] + 0; ceiling_conn = f["connections"]
      ceiling_pct[cc] = f["sim_cpu_pct"] + 0; ceiling_wrk_cpu[cc] = f["client_cpu_us_per_op"] + 0
      ceiling_sim_cpu[cc] = f["sim_cpu_us_per_op"] + 0
    } else {
      w = ++wrks
      wrk_rate[w] = f["ops_per_s"] + 0; wrk_cpu[w] = f["client_cpu_us_per_op"] + 0
      wrk_sim_cpu[w] = f["sim_cpu_us_per_op"] + 0; wrk_sim_pct[w] = f["sim_cpu_pct"] + 0
      if (drains > done_drains) {  # the wrk run after drain number `drains`
        same_sum[drains] += wrk_rate[w]; same_n[drains]++; done_drains = drains
      } else {
        pending_same_sum += wrk_rate[w]; pending_same_n++
      }
    }
  } else if (name == "cpu") {
    k = ++cpus; instructions[k] = f["instructions_per_op"] + 0; fixed[k] = f["fixed_instructions"] + 0
    cpu_ops = f["ops"]; cpu_base = f["base_ops"]
  } else if (name == "offline") {
    offline_cpu = f["cpu_seconds"]; offline_start = f["startup_cpu_seconds"]; offline_ops = f["ops"]
    offline_seconds = f["seconds"]; offline_intact = f["intact"]; have_offline = 1
  } else if (name == "fleet") {
    g = ++fleets
    fleet_agents[g] = f["agents"]; fleet_ops[g] = f["ops_per_agent"]; fleet_jitter[g] = f["jitter_ms"]
    fleet_total[g] = f["operations"]; fleet_accepted[g] = f["accepted"]; fleet_dups[g] = f["duplicates"]
    fleet_peak[g] = f["peak_per_second"]; fleet_peak100[g] = f["peak_100ms"]
    fleet_first_min[g] = f["first_flush_min_ms"]; fleet_first_p50[g] = f["first_flush_p50_ms"]
    fleet_first_max[g] = f["first_flush_max_ms"]; fleet_spread[g] = f["first_flush_spread_ms"]
    fleet_drain[g] = f["drain_seconds"]; fleet_exact[g] = f["exact_devices"]; fleet_errors[g] = f["errors"]
    fleet_requests[g] = f["requests"]; fleet_logins[g] = f["logins"]
  }
}

END {
  print "| benchmark | what | result | compared with (same run) | ratio | target | CPU |"
  print "|---|---|---|---|---:|---|---|"

  # --- enqueue (issue 3) ---------------------------------------------------------------------
  for (i = 1; i <= n_keys; i++) {
    key = keys[i]; split(key, part, SUBSEP); count = runs[key]
    bare_key = "sqlite" SUBSEP part[2] SUBSEP 1
    delete a; delete b; delete c; delete e; delete h; delete q
    for (r = 1; r <= count; r++) {
      a[r] = rate[key, r]; b[r] = p50[key, r]; c[r] = p99[key, r]; e[r] = cpu[key, r]; h[r] = producer_cpu[key, r]
      # Each run against the bare loop of the same round: both paid that minute's fsync.
      q[r] = rate[bare_key, r] > 0 ? rate[key, r] / rate[bare_key, r] : 0
    }
    m_rate = median(a, count); span = range_text(a, count, "%d")
    m_ratio = median(q, count); ratio_span = range_text(q, count, "%.1f")
    per_commit = commits[key] > 0 ? sprintf("; %.1f ops/commit", ops[key] / commits[key]) : ""
    result = sprintf("%d ops/s%s; p50 %d µs, p99 %d µs%s", m_rate, span, median(b, count), median(c, count), per_commit)
    if (part[1] == "sqlite") {
      row("enqueue", "bare SQLite, 1 row per commit, sync " part[2], result, "–", "1.0×", "", "–")
    } else {
      target = (part[2] == "full" && part[3] == 16) ? "≥ 10×" : ""
      cpu_text = median(e, count) > 0 ? sprintf("%d + %d µs/op (outpostd + producers)", median(e, count), median(h, count)) : "–"
      row("enqueue", "outpostd, end to end, sync " part[2] ", " part[3] " producer" (part[3] > 1 ? "s" : ""), result,
          "bare loop, same sync", sprintf("%.1f×%s", m_ratio, ratio_span), target, cpu_text)
      if (part[2] == "full" && part[3] == 16) { gain = m_ratio; gain_span = ratio_span; have_gain = 1 }
    }
  }

  # --- drain ---------------------------------------------------------------------------------
  if (drains > 0) {
    for (d = 1; d <= drains; d++) {
      same[d] = same_n[d] > 0 ? same_sum[d] / same_n[d] : 0
      share[d] = same[d] > 0 ? agent_rate[d] / same[d] : 0
      ceil_ratio[d] = same[d] > 0 ? ceiling_rate[d] / same[d] : 0
      s_share[d] = share[d]; s_same[d] = same[d]; s_agent[d] = agent_rate[d]; s_ceil[d] = ceiling_rate[d]
      s_ceil_ratio[d] = ceil_ratio[d]; s_ceil_pct[d] = ceiling_pct[d]; s_ceil_wrk_cpu[d] = ceiling_wrk_cpu[d]
      # What the simulator could serve with every core to itself: its CPU per request says.
      s_capacity[d] = ceiling_sim_cpu[d] > 0 ? cores * 1e6 / ceiling_sim_cpu[d] : 0
      s_ceil_sim_cpu[d] = ceiling_sim_cpu[d]
      s_agent_cpu[d] = agent_cpu[d]; s_agent_sim_cpu[d] = agent_sim_cpu[d]
    }
    for (w = 1; w <= wrks; w++) { s_wrk_cpu[w] = wrk_cpu[w]; s_wrk_sim_cpu[w] = wrk_sim_cpu[w] }
    m_ceil = median(s_ceil, drains); ceil_span = range_text(s_ceil, drains, "%d")
    m_ceil_ratio = median(s_ceil_ratio, drains); ceil_ratio_span = range_text(s_ceil_ratio, drains, "%.1f")
    m_capacity = median(s_capacity, drains); m_ceil_pct = median(s_ceil_pct, drains)
    row("drain", sprintf("simulator's ceiling: wrk, %d connections", ceiling_conn),
        sprintf("%d req/s%s; simulator busy %d %% of %d cores; alone it could serve ~%s req/s", m_ceil, ceil_span,
                m_ceil_pct / cores, cores, grouped(m_capacity)),
        sprintf("wrk, %d connections", drain_conn), sprintf("%.1f×%s", m_ceil_ratio, ceil_ratio_span),
        "headroom: > 1.2×, or the simulator not busy", sprintf("wrk %.0f µs/req; simulator %.0f µs/req", median(s_ceil_wrk_cpu, drains), median(s_ceil_sim_cpu, drains)))
    m_same = median(s_same, drains); same_span = range_text(s_same, drains, "%d")
    row("drain", sprintf("wrk, %d connections (mean of the runs just before and after each drain)", drain_conn),
        sprintf("%d req/s%s", m_same, same_span), "–", "", "",
        sprintf("wrk %.0f µs/req; simulator %.0f µs/req", median(s_wrk_cpu, wrks), median(s_wrk_sim_cpu, wrks)))
    m_agent = median(s_agent, drains); agent_span = range_text(s_agent, drains, "%d")
    m_share = median(s_share, drains); share_span = range_text(s_share, drains, "%.2f")
    row("drain", sprintf("outpostd, %s pending, link up, %d connections (concurrency), mutual TLS", grouped(drain_ops), drain_conn),
        sprintf("%d ops/s%s; every operation once", m_agent, agent_span), sprintf("wrk, %d connections", drain_conn),
        sprintf("%.2f%s", m_share, share_span), "≥ 0.70",
        sprintf("outpostd %.0f µs/op; simulator %.0f µs/op", median(s_agent_cpu, drains), median(s_agent_sim_cpu, drains)))
  }

  # --- CPU cost ------------------------------------------------------------------------------
  if (cpus > 0) {
    for (k = 1; k <= cpus; k++) { s_ins[k] = instructions[k]; s_fixed[k] = fixed[k] }
    row("cpu", sprintf("instructions per delivered operation (callgrind; drains of %s and %s)", grouped(cpu_ops), grouped(cpu_base)),
        grouped(median(s_ins, cpus)) " instructions/op",
        sprintf("fixed part: %s M (start-up, handshakes, login, stop)", grouped(median(s_fixed, cpus) / 1e6)), "", "regressions show here", "–")
  }

  # --- offline -------------------------------------------------------------------------------
  if (have_offline) {
    row("offline", sprintf("outpostd CPU over %d s offline, %s pending%s", offline_seconds, grouped(offline_ops), offline_note),
        sprintf("%.3f s", offline_cpu), sprintf("its start-up (open, quick_check): %.3f s", offline_start), "", "< 0.1 s", "–")
  }

  # --- fleet ---------------------------------------------------------------------------------
  for (g = 1; g <= fleets; g++) {
    row("fleet", sprintf("%d agents × %d operations reconnect at once, first_flush_jitter %.1f s", fleet_agents[g], fleet_ops[g], fleet_jitter[g] / 1000),
        sprintf("peak %d req/s (busiest 100 ms: %d); first requests %d–%d ms after link-up (p50 %d), spread %d ms; drained in %.1f s",
                fleet_peak[g], fleet_peak100[g], fleet_first_min[g], fleet_first_max[g], fleet_first_p50[g], fleet_spread[g], fleet_drain[g]),
        sprintf("%d of %d applied, each once (%d agents exact); %d re-sent (409); %d requests, %d logins",
                fleet_accepted[g], fleet_total[g], fleet_exact[g], fleet_dups[g], fleet_requests[g], fleet_logins[g]),
        "", "every operation once", "–")
  }

  # --- verdicts ------------------------------------------------------------------------------
  print ""
  print "Medians over the runs, ranges in brackets."
  if (have_gain) {
    full_bare = "sqlite" SUBSEP "full" SUBSEP 1; full_16 = "outpostd" SUBSEP "full" SUBSEP 16
    for (r = 1; r <= runs[full_bare]; r++) {
      run_gain = rate[full_bare, r] > 0 ? rate[full_16, r] / rate[full_bare, r] : 0
      printf "- enqueue run %d: bare loop FULL %d/s (p50 %d µs, about one fsync), outpostd 16 producers FULL %d/s: %.1f×\n", r, rate[full_bare, r], p50[full_bare, r], rate[full_16, r], run_gain
    }
    verdict = (gain >= 10) ? "met" : "not met"
    printf "- group commit: 16 producers at FULL reach %.1f×%s the bare one-row-per-commit FULL rate (target: at least 10×): %s\n", gain, gain_span, verdict
  }
  if (drains > 0) {
    for (d = 1; d <= drains; d++) {
      printf "- drain run %d: wrk %d conn. %d req/s (mean of before and after), wrk %d conn. %d req/s (%.1f×, simulator CPU %d %%), outpostd %d ops/s = %.0f %% of wrk, %d re-sent\n", d, drain_conn, same[d], ceiling_conn, ceiling_rate[d], ceil_ratio[d], ceiling_pct[d], agent_rate[d], share[d] * 100, drain_dups[d]
    }
    runs_text = (drains > 1) ? sprintf(" (runs %.0f–%.0f %%)", s_share[1] * 100, s_share[drains] * 100) : ""
    verdict = (m_share >= 0.70) ? "met" : "not met"
    if (drain_errors > 0) verdict = verdict "; A DRAIN WAS NOT EXACT"
    printf "- drain: outpostd reaches %.0f %%%s of wrk's rate at %d connections (target: at least 70 %%): %s\n", m_share * 100, runs_text, drain_conn, verdict
    # The simulator is the limit when more connections get no more AND it is busy (its CPU
    # near all the cores); not busy and no more means the machine's CPU went to someone else.
    if (m_ceil_ratio > 1.2) headroom = "the simulator has headroom; at " drain_conn " connections the clients set the pace"
    else if (m_ceil_pct < 75 * cores) headroom = "no more with more connections, yet the simulator was busy only " sprintf("%d", m_ceil_pct / cores) " % of the machine: the CPU this shared machine gave the run was the limit, not the simulator (alone it could serve ~" grouped(m_capacity) " req/s)"
    else headroom = "NO HEADROOM: the simulator is the limit, and the drain ratio says little"
    printf "- simulator: wrk at %d connections gets %.1f× what it gets at %d: %s\n", ceiling_conn, m_ceil_ratio, drain_conn, headroom
  }
  if (cpus > 0) printf "- CPU cost: %s instructions per delivered operation (callgrind counts instructions, so this does not drift with the machine's load)\n", grouped(median(s_ins, cpus))
  if (have_offline) {
    verdict = (offline_cpu < 0.1 && offline_intact == 1) ? "met" : "not met"
    printf "- offline: %.3f s of CPU in %d s with %s pending (target: under 0.1 s): %s%s\n", offline_cpu, offline_seconds, grouped(offline_ops), verdict, offline_note
  }
  for (g = 1; g <= fleets; g++) {
    verdict = (fleet_errors[g] == 0) ? "exact" : "NOT EXACT"
    printf "- fleet (jitter %.1f s): %d agents, peak %d req/s at the server, first requests spread over %d ms, %d of %d operations applied once: %s\n", fleet_jitter[g] / 1000, fleet_agents[g], fleet_peak[g], fleet_spread[g], fleet_accepted[g], fleet_total[g], verdict
  }
  if (quick) print "- --quick: a smoke run with small sizes and short windows; these figures are not the benchmark's"
}

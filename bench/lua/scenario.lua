-- One benchmark scenario for wrk 4 (LuaJIT).  Configured by environment variables, because
-- wrk's done() runs in the main Lua state, which never sees the script arguments:
--   BENCH_REQUESTS  a file of prepared requests, one per line: METHOD \t PATH \t COOKIE \t BODY
--                   (COOKIE and BODY may be empty).  Read with io.lines: LuaJIT cannot load a
--                   table literal with tens of thousands of constants.
--   BENCH_EXPECT    the status every response must have (e.g. 200, or 303 for a placed order)
--   BENCH_THREADS   wrk's -t, so that the threads share the lines out without overlap
--   BENCH_OUT       where done() writes its result (one JSON object)
--   BENCH_RECONNECT every this many requests a connection sends "Connection: close" and wrk
--                   connects afresh: a handful of kept-alive connections would otherwise stay
--                   on whichever gunicorn workers accepted them, leaving some workers idle
--                   while others queue (many browsers spread out; 8 connections do not).
-- Thread i sends lines i, i + T, i + 2T, ... (T threads): every request uses its own line until
-- the file is used up, then the lines are reused and `wrapped` says so (a used-up order file
-- would send a person's second order for the same day).

local threads = {}

function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

function init(args)
  expected = tonumber(os.getenv("BENCH_EXPECT"))
  thread_count = tonumber(os.getenv("BENCH_THREADS"))
  reconnect = tonumber(os.getenv("BENCH_RECONNECT") or "0")
  lines = {}
  closing_lines = {}
  for line in io.lines(os.getenv("BENCH_REQUESTS")) do
    local method, path, cookie, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    local headers = {}
    if cookie ~= "" then
      headers["Cookie"] = cookie
    end
    if body == "" then
      body = nil
    else
      headers["Content-Type"] = "application/x-www-form-urlencoded"
    end
    lines[#lines + 1] = wrk.format(method, path, headers, body)
    headers["Connection"] = "close"
    closing_lines[#closing_lines + 1] = wrk.format(method, path, headers, body)
  end
  sent = 0
  wrapped = 0
  statuses = {}
  locations = {}
end

function request()
  local index = thread_index + sent * thread_count
  sent = sent + 1
  if index >= #lines then
    wrapped = wrapped + 1
  end
  if reconnect > 0 and sent % reconnect == 0 then
    return closing_lines[(index % #lines) + 1]
  end
  return lines[(index % #lines) + 1]
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status == expected then
    local location = headers["Location"] or headers["location"]
    if location then
      local id = location:match("/(%d+)$")
      if id then
        locations[#locations + 1] = id
      end
    end
  end
end

function done(summary, latency, requests)
  local total_statuses, all_locations, sent_total, wrapped_total = {}, {}, 0, 0
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      total_statuses[status] = (total_statuses[status] or 0) + count
    end
    for _, id in ipairs(thread:get("locations")) do
      all_locations[#all_locations + 1] = id
    end
    sent_total = sent_total + thread:get("sent")
    wrapped_total = wrapped_total + thread:get("wrapped")
  end
  local status_parts = {}
  for status, count in pairs(total_statuses) do
    status_parts[#status_parts + 1] = string.format('"%d": %d', status, count)
  end
  local errors = summary.errors
  local out = assert(io.open(os.getenv("BENCH_OUT"), "w"))
  out:write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "sent": %d, "wrapped": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"min": %d, "mean": %.1f, "max": %d, "p50": %d, "p90": %d, "p99": %d}, ' ..
    '"statuses": {%s}, "locations": [%s]}\n',
    summary.requests, summary.duration, summary.bytes, sent_total, wrapped_total,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency.min, latency.mean, latency.max,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    table.concat(status_parts, ", "), table.concat(all_locations, ", ")))
  out:close()
end

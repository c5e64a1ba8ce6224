-- wrk script for one page: every request is a GET of BENCH_PATH, sent with the session cookies of
-- the virtual users in BENCH_COOKIES (one "name=value" per line; none for a public page) in turn.
-- Any answer but 200 is an error. done() prints one JSON line (latencies in microseconds), from
-- wrk's record of every request's latency.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  path = os.getenv("BENCH_PATH")
  cookies = {}
  local file = os.getenv("BENCH_COOKIES")
  if file and file ~= "" then
    for line in io.lines(file) do
      if line ~= "" then table.insert(cookies, line) end
    end
  end
  -- Each wrk thread starts at a different user.
  turn = math.random(1, math.max(#cookies, 1))
  bad = 0
  first_bad = ""
end

function request()
  if #cookies == 0 then
    return wrk.format("GET", path)
  end
  turn = turn % #cookies + 1
  return wrk.format("GET", path, { ["Cookie"] = cookies[turn] })
end

function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
    if first_bad == "" then
      first_bad = tostring(status) .. " " .. (headers["Location"] or "")
    end
  end
end

function done(summary, latency, requests)
  local bad_total, first = 0, ""
  for _, thread in ipairs(threads) do
    bad_total = bad_total + thread:get("bad")
    if first == "" then first = thread:get("first_bad") end
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"mean_us": %.1f, "max_us": %d, "not_200": %d, "first_not_200": "%s", ' ..
    '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "timeouts": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.mean, latency.max, bad_total, first,
    e.connect, e.read, e.write, e.timeout))
end

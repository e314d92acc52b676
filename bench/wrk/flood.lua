-- The noisy neighbour: creates customers in org "noisy" as fast as wrk can send them, and counts
-- what came back by class (201, 429, any 5xx) for bench/noisy-neighbour.sh. The counters live in
-- each thread's Lua state; done() reads them through the thread objects.
local body = '{}'
local headers = { ["x-auth-roles"] = "API_KEY", ["Content-Type"] = "application/json" }
local threads = {}
created, limited, server_errors, other = 0, 0, 0, 0

function setup(thread)
  threads[#threads + 1] = thread
end

function request()
  return wrk.format("POST", "/v4/orgs/noisy/customers", headers, body)
end

function response(status)
  if status == 201 then created = created + 1
  elseif status == 429 then limited = limited + 1
  elseif status >= 500 then server_errors = server_errors + 1
  else other = other + 1 end
end

function done(summary, latency, requests)
  local c, l, s, o = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    c = c + thread:get("created"); l = l + thread:get("limited")
    s = s + thread:get("server_errors"); o = o + thread:get("other")
  end
  io.write(string.format("RESULT requests=%d created=%d limited=%d server_errors=%d other=%d socket_errors=%d seconds=%.3f\n",
    summary.requests, c, l, s, o, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration / 1e6))
end

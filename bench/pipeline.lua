-- wrk script: sends DEPTH (default 16) pipelined GETs of the URL's path per write, so wrk spends
-- less CPU per request; bench/run.sh uses it where the load generator shares the server's cores.
local depth = tonumber(os.getenv("DEPTH") or "16")
local batch

init = function(args)
  local requests = {}
  for i = 1, depth do
    requests[i] = wrk.format(nil, wrk.path)
  end
  batch = table.concat(requests)
end

request = function()
  return batch
end

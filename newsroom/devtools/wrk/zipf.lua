-- wrk script for `manage.py bench_newsroom`: readers spread over the site the way a
-- newsroom's readers are, a few pages read by many and a long tail read by few.
--
--   wrk -t2 -c16 -d30s --latency -s zipf.lua http://127.0.0.1:PORT -- URLS [S] [HEADER]
--
-- URLS is the list the command writes: "share GROUP FRACTION" lines (how much of the
-- traffic each group gets), then "GROUP PATH" lines, most popular first within each
-- group. A request picks a group by its share, then a page in it with probability
-- proportional to 1/rank^S (Zipf's law; S defaults to 1.1). Each thread draws its
-- sequence of requests in init() and then cycles through it, so that a request costs
-- the client the same whatever the length of the list: wrk shares the measured
-- server's core, and the static file is a list of one path.
--
-- Each thread counts its responses by the X-Page-Cache header, or HEADER ("hit" and
-- "stale" are served from the cache; "miss" or no header rendered) and the statuses
-- that are not 2xx; done() prints the totals on one line for the command to read:
--   page-cache hit=N stale=N miss=N absent=N non2xx=N socket=N counted=1
-- HEADER "-" reads no response: wrk then hands Lua no headers and no body, which
-- would cost the client more for many different pages than for one file answered
-- again and again. The caller counts hits itself (the edge's own counters), and
-- non2xx is wrk's count of statuses over 399; the line ends "counted=0".

local groups = {}      -- in file order: {name=, share=, paths={}, cumulative={}}
local group_cumulative = {}

-- Index of the first entry of the ascending table `cumulative` that is >= x.
local function bisect(cumulative, x)
  local low, high = 1, #cumulative
  while low < high do
    local middle = math.floor((low + high) / 2)
    if cumulative[middle] < x then
      low = middle + 1
    else
      high = middle
    end
  end
  return low
end

local function zipf_cumulative(n, s)
  local cumulative, total = {}, 0
  for rank = 1, n do
    total = total + 1 / rank ^ s
    cumulative[rank] = total
  end
  return cumulative
end

local function load_urls(path, s)
  local by_name = {}
  for line in io.lines(path) do
    local kind, first, second = line:match("^(%S+)%s+(%S+)%s*(%S*)$")
    if kind == "share" then
      local group = {name = first, share = tonumber(second), paths = {}}
      by_name[first] = group
      table.insert(groups, group)
    elseif kind and by_name[kind] then
      table.insert(by_name[kind].paths, first)
    end
  end
  local total = 0
  for _, group in ipairs(groups) do
    assert(#group.paths > 0, "no paths for group " .. group.name)
    group.cumulative = zipf_cumulative(#group.paths, s)
    total = total + group.share
    table.insert(group_cumulative, total)
  end
  assert(#groups > 0, "no share lines in " .. path)
end

-- One path: a group by its share, then a rank within it by Zipf's law.
local function pick()
  local group = groups[bisect(group_cumulative, math.random() * group_cumulative[#group_cumulative])]
  local cumulative = group.cumulative
  return group.paths[bisect(cumulative, math.random() * cumulative[#cumulative])]
end

-- --- wrk's hooks ------------------------------------------------------------------

local threads = {}
local counter = 0
local cache_header = "x-page-cache"
local DRAWS = 65536  -- at 2,201 paths, every path with a share of 1/65,536 or more
local sequence, position = {}, 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  load_urls(args[1], tonumber(args[2] or "1.1"))
  cache_header = (args[3] or cache_header):lower()
  counted = cache_header ~= "-"  -- a global: done() runs in another Lua state
  if not counted then
    response = nil  -- wrk asks after init() whether the script reads responses
  end
  math.randomseed(1000 + (id or 0))  -- reproducible, different per thread
  for n = 1, DRAWS do
    sequence[n] = wrk.format("GET", pick())  -- with -H's headers, set before init()
  end
  hit, stale, miss, absent, non2xx = 0, 0, 0, 0, 0
end

function request()
  position = position % DRAWS + 1
  return sequence[position]
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
  local state = nil
  do
    for name, value in pairs(headers) do
      if name:lower() == cache_header then
        state = value
      end
    end
  end
  if state == "hit" then
    hit = hit + 1
  elseif state == "stale" then
    stale = stale + 1
  elseif state == "miss" then
    miss = miss + 1
  else
    absent = absent + 1
  end
end

function done(summary, latency, requests)
  local totals = {hit = 0, stale = 0, miss = 0, absent = 0, non2xx = 0}
  for _, thread in ipairs(threads) do
    for name, _ in pairs(totals) do
      totals[name] = totals[name] + (thread:get(name) or 0)
    end
  end
  local errors = summary.errors
  local counted = threads[1]:get("counted")
  if not counted then
    totals.non2xx = errors.status
  end
  local socket = errors.connect + errors.read + errors.write + errors.timeout
  io.write(string.format(
    "page-cache hit=%d stale=%d miss=%d absent=%d non2xx=%d socket=%d counted=%d\n",
    totals.hit, totals.stale, totals.miss, totals.absent, totals.non2xx, socket,
    counted and 1 or 0
  ))
end

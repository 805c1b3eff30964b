-- Takes several locks of one hash slot in the caller's order, as consecutive acquire.lua calls
-- for new owners would, up to the first lock that is not free (held by an owner, by shares or
-- permits, or reserved for another process); the locks taken share one fencing token.
-- KEYS[1]     the fencing floor of the slot (as in acquire.lua)
-- KEYS[2..]   the locks (hashes as in acquire.lua)
-- ARGV[1]     id of the calling process
-- ARGV[2]     how long (ms) the caller may still wait
-- ARGV[3]     how many in-memory hand-offs one lease may see: the floor stays that far ahead
-- ARGV[4]     the calling process as operators see it
-- ARGV[3i+2]  owner token of the i-th lock (i from 1)
-- ARGV[3i+3]  its lease in ms
-- ARGV[3i+4]  its name
-- Returns { taken, token, busy }: how many locks were taken, their fencing token (0 when none),
-- and for the lock after them, if any, -1 - (its remaining lease or reservation in ms), else 0.
local process = ARGV[1]
local ownMark = 'w:' .. process
local taken = 0
local last = 0
for i = 2, #KEYS do
  local state = redis.call('HMGET', KEYS[i], 'o', 'f', 'r', 'c')
  if state[1] or state[4] or (state[3] and state[3] ~= process) then
    break
  end
  last = math.max(last, tonumber(state[2] or '0'))
  taken = taken + 1
end
local time = redis.call('TIME')
local nowMicros = tonumber(time[1]) * 1000000 + tonumber(time[2])
local token = 0
if taken > 0 then
  local floor = tonumber(redis.call('GET', KEYS[1]) or '0')
  token = math.max(floor + 1, last + 1, nowMicros)
  redis.call('SET', KEYS[1], string.format('%.0f', token + tonumber(ARGV[3])))
  for i = 1, taken do
    local key = KEYS[i + 1]
    redis.call('HDEL', key, 'r', ownMark, 'W')
    redis.call('HSET', key, 'o', ARGV[3 * i + 2], 'f', string.format('%.0f', token), 'h', ARGV[4],
      'n', ARGV[3 * i + 4])
    redis.call('PEXPIRE', key, ARGV[3 * i + 3])
  end
end
local busy = 0
if taken < #KEYS - 1 then
  local key = KEYS[taken + 2]
  local nowMillis = math.floor(nowMicros / 1000)
  local mark = redis.call('HGET', key, ownMark)
  local since = mark and string.match(mark, ':(%d+)$') or string.format('%.0f', nowMillis)
  redis.call('HSET', key, ownMark, string.format('%.0f', nowMillis + tonumber(ARGV[2])) .. ':' .. since)
  if redis.call('HEXISTS', key, 'c') == 1 then
    -- Shares or permits hold it: stop new ones (see acquire.lua).
    local writerUntil = nowMillis + math.min(tonumber(ARGV[2]), tonumber(ARGV[3 * taken + 6]))
    if writerUntil > tonumber(redis.call('HGET', key, 'W') or '0') then
      redis.call('HSET', key, 'W', string.format('%.0f', writerUntil))
    end
  end
  -- Under 1 ms left reads as PTTL 0: answer 1, since 0 would mean no hint at all.
  local remaining = redis.call('PTTL', key)
  if redis.call('HEXISTS', key, 'c') == 1 then
    -- Retry before the mark that stops new shares runs out (see acquire.lua).
    remaining = math.min(remaining, math.max(1, math.floor(math.min(tonumber(ARGV[2]),
      tonumber(ARGV[3 * taken + 6])) / 2)))
  end
  busy = -1 - ((remaining == 0) and 1 or math.max(remaining, 0))
end
return { taken, token, busy }

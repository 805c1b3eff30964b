-- Takes the lock for an owner, or reports how long it stays taken.
-- KEYS[1]  the lock: a hash with o = owner token, f = fencing token, h = holding process and
--          n = lock name (for operators), r = process the free lock is reserved for (the one
--          waiting longest when it was released), w:<process> = '<until>:<since>', until when
--          and since when (server ms) that process has a waiter, x = the owner an operator
--          last evicted (see force_release.lua); while shares or permits hold it instead of
--          an owner, c = how many and k = their kind (see acquire_shared.lua), and W = the server ms until which a
--          waiting mutex request stops new ones, the lesser of its wait and its lease, so a
--          waiter that died blocks them no longer than a holder that died
-- KEYS[2]  the fencing floor of the lock's hash slot: at or above every token given out there;
--          left out while a cluster migrates the slot, when tokens come from the key and clock
-- ARGV[1]  owner token of this acquisition
-- ARGV[2]  lease in ms
-- ARGV[3]  id of the calling process
-- ARGV[4]  how long (ms) the caller may still wait
-- ARGV[5]  how many in-memory hand-offs one lease may see: the floor stays that far ahead
-- ARGV[6]  the calling process as operators see it
-- ARGV[7]  the lock's name
-- Returns the fencing token (> 0) when acquired, else -1 - (remaining lease or reservation in ms).
local key = KEYS[1]
local function hdelAll(key, fields)
  -- In chunks: Lua unpacks at most a few thousand values at once.
  for i = 1, #fields, 1000 do
    redis.call('HDEL', key, unpack(fields, i, math.min(i + 999, #fields)))
  end
end
local ownMark = 'w:' .. ARGV[3]
local state = redis.call('HMGET', key, 'o', 'f', 'r', ownMark, 'c', 'W')
local owner, reserved, mark, shared = state[1], state[3], state[4], state[5]
if owner == ARGV[1] then
  redis.call('PEXPIRE', key, ARGV[2])
  return tonumber(state[2])
end
local time = redis.call('TIME')
local nowMicros = tonumber(time[1]) * 1000000 + tonumber(time[2])
local sharedUntil = false
if shared then
  -- Shares or permits are recorded: those whose lease ran out count no more, and go.
  local nowMillis = math.floor(nowMicros / 1000)
  local fields = redis.call('HGETALL', key)
  local live, stale = 0, {}
  for i = 1, #fields, 2 do
    local prefix = string.sub(fields[i], 1, 2)
    if prefix == 's:' or prefix == 'p:' then
      local untilMillis = tonumber(string.match(fields[i + 1], '^(%d+):'))
      if untilMillis <= nowMillis then
        stale[#stale + 1] = fields[i]
      else
        live = live + 1
        sharedUntil = math.max(sharedUntil or 0, untilMillis)
      end
    end
  end
  hdelAll(key, stale)
  if live == 0 then
    redis.call('HDEL', key, 'c', 'k')
    shared = false
  elseif #stale > 0 then
    redis.call('HSET', key, 'c', live)
  end
end
if owner == false and shared == false and (reserved == false or reserved == ARGV[3]) then
  -- Above the floor, so tokens grow even when the server clock steps back; from the clock in
  -- microseconds, so they grow across a failover that lost the floor.
  local floor = KEYS[2] and tonumber(redis.call('GET', KEYS[2]) or '0') or 0
  local token = math.max(floor + 1, tonumber(state[2] or '0') + 1, nowMicros)
  if KEYS[2] then
    redis.call('SET', KEYS[2], string.format('%.0f', token + tonumber(ARGV[5])))
  end
  if reserved or mark or state[6] then
    redis.call('HDEL', key, 'r', ownMark, 'W')
  end
  redis.call('HSET', key, 'o', ARGV[1], 'f', string.format('%.0f', token), 'h', ARGV[6], 'n', ARGV[7])
  redis.call('PEXPIRE', key, ARGV[2])
  return token
end
local nowMillis = math.floor(nowMicros / 1000)
local since = mark and string.match(mark, ':(%d+)$') or string.format('%.0f', nowMillis)
redis.call('HSET', key, ownMark, string.format('%.0f', nowMillis + tonumber(ARGV[4])) .. ':' .. since)
if shared then
  local writerUntil = nowMillis + math.min(tonumber(ARGV[4]), tonumber(ARGV[2]))
  if writerUntil > tonumber(state[6] or '0') then
    redis.call('HSET', key, 'W', string.format('%.0f', writerUntil))
  end
end
-- Under 1 ms left reads as PTTL 0: answer 1, since 0 would mean no hint at all.
local remaining = redis.call('PTTL', key)
if sharedUntil then
  -- Retry before the mark that stops new shares runs out, or they would get in between retries.
  remaining = math.min(sharedUntil - nowMillis,
    math.max(1, math.floor(math.min(tonumber(ARGV[4]), tonumber(ARGV[2])) / 2)))
end
return -1 - ((remaining == 0) and 1 or math.max(remaining, 0))

-- Sets the lease of a lock the owner holds: as its mutex, its share or its permit.
-- KEYS[1]  the lock (see acquire.lua; x = owner an operator evicted, see force_release.lua;
--          s:<owner> and p:<owner> = a share's or a permit's '<until>:<token>', see
--          acquire_shared.lua)
-- ARGV[1]  owner token
-- ARGV[2]  new lease in ms
-- Returns 1 when renewed, -1 when an operator evicted the owner, 0 when the owner does not hold
-- the lock otherwise.
local key = KEYS[1]
local shareField, permitField = 's:' .. ARGV[1], 'p:' .. ARGV[1]
local state = redis.call('HMGET', key, 'o', 'x', shareField, permitField)
if state[1] == ARGV[1] then
  redis.call('PEXPIRE', key, ARGV[2])
  return 1
end
if state[2] == ARGV[1] then
  return -1
end
local held = state[3] or state[4]
if held == false then
  return 0
end
local field = state[3] and shareField or permitField
local untilMillis, token = string.match(held, '^(%d+):(%d+)$')
local time = redis.call('TIME')
local nowMillis = math.floor((tonumber(time[1]) * 1000000 + tonumber(time[2])) / 1000)
if tonumber(untilMillis) <= nowMillis then
  -- Its lease ran out: it counts no more, and goes.
  redis.call('HDEL', key, field)
  if redis.call('HINCRBY', key, 'c', -1) <= 0 then
    redis.call('HDEL', key, 'c')
  end
  return 0
end
local ttl = tonumber(ARGV[2])
redis.call('HSET', key, field, string.format('%.0f', nowMillis + ttl) .. ':' .. token)
if redis.call('PTTL', key) < ttl then
  redis.call('PEXPIRE', key, ttl)
end
return 1

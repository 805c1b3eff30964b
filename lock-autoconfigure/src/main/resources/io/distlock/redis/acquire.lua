-- Takes the lock for an owner, or reports how long it stays taken.
-- KEYS[1]  the lock: a hash with o = owner token, f = fencing token, x = process kept out by a
--          fair hand-over, w:<process> = until when (server ms) that process has a waiter
-- ARGV[1]  owner token of this acquisition
-- ARGV[2]  lease in ms
-- ARGV[3]  id of the calling process
-- ARGV[4]  how long (ms) the caller may still wait
-- Returns the fencing token (> 0) when acquired, else -1 - (remaining lease in ms).
local key = KEYS[1]
local owner = redis.call('HGET', key, 'o')
if owner == ARGV[1] then
  redis.call('PEXPIRE', key, ARGV[2])
  return tonumber(redis.call('HGET', key, 'f'))
end
local time = redis.call('TIME')
local nowMicros = tonumber(time[1]) * 1000000 + tonumber(time[2])
if owner == false and redis.call('HGET', key, 'x') ~= ARGV[3] then
  -- Tokens follow the server clock in microseconds, and the last token while the key lives,
  -- so they grow without any key outliving the lock.
  local token = math.max(tonumber(redis.call('HGET', key, 'f') or '0') + 1, nowMicros)
  redis.call('HSET', key, 'o', ARGV[1], 'f', string.format('%.0f', token))
  redis.call('HDEL', key, 'x', 'w:' .. ARGV[3])
  redis.call('PEXPIRE', key, ARGV[2])
  return token
end
local waitUntil = math.floor(nowMicros / 1000) + tonumber(ARGV[4])
redis.call('HSET', key, 'w:' .. ARGV[3], string.format('%.0f', waitUntil))
return -1 - math.max(redis.call('PTTL', key), 0)

-- Takes the lock for an owner, or reports how long it stays taken.
-- KEYS[1]  the lock: a hash with o = owner token, f = fencing token, k = present when f is ahead
--          of the server clock, r = process the free lock is reserved for (the one waiting
--          longest when it was released), w:<process> = '<until>:<since>', until when and since
--          when (server ms) that process has a waiter
-- ARGV[1]  owner token of this acquisition
-- ARGV[2]  lease in ms
-- ARGV[3]  id of the calling process
-- ARGV[4]  how long (ms) the caller may still wait
-- Returns the fencing token (> 0) when acquired, else -1 - (remaining lease or reservation in ms).
local key = KEYS[1]
local ownMark = 'w:' .. ARGV[3]
local state = redis.call('HMGET', key, 'o', 'f', 'r', ownMark, 'k')
local owner, reserved, mark = state[1], state[3], state[4]
if owner == ARGV[1] then
  redis.call('PEXPIRE', key, ARGV[2])
  return tonumber(state[2])
end
local time = redis.call('TIME')
local nowMicros = tonumber(time[1]) * 1000000 + tonumber(time[2])
if owner == false and (reserved == false or reserved == ARGV[3]) then
  -- Tokens follow the server clock in microseconds, and the last token while the key lives,
  -- so they grow without any key outliving the lock.
  local token = math.max(tonumber(state[2] or '0') + 1, nowMicros)
  if reserved or mark or state[5] then
    redis.call('HDEL', key, 'r', ownMark, 'k')
  end
  if token > nowMicros then
    redis.call('HSET', key, 'o', ARGV[1], 'f', string.format('%.0f', token), 'k', '1')
  else
    redis.call('HSET', key, 'o', ARGV[1], 'f', string.format('%.0f', token))
  end
  redis.call('PEXPIRE', key, ARGV[2])
  return token
end
local nowMillis = math.floor(nowMicros / 1000)
local since = mark and string.match(mark, ':(%d+)$') or string.format('%.0f', nowMillis)
redis.call('HSET', key, ownMark, string.format('%.0f', nowMillis + tonumber(ARGV[4])) .. ':' .. since)
-- Under 1 ms left reads as PTTL 0: answer 1, since 0 would mean no hint at all.
local remaining = redis.call('PTTL', key)
return -1 - ((remaining == 0) and 1 or math.max(remaining, 0))

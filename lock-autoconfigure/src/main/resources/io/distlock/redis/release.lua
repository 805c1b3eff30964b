-- Releases the lock if the owner holds it: hands it to the next waiter of the same process when
-- no other process waits, else frees it, keeping the releasing process out for a short window
-- and notifying the other processes' waiters.
-- KEYS[1]  the lock (see acquire.lua); its name is also the notification channel
-- ARGV[1]  owner token of the releasing acquisition
-- ARGV[2]  id of the calling process
-- ARGV[3]  owner token of the next local waiter, or '' for none
-- ARGV[4]  that waiter's lease in ms
-- ARGV[5]  fair hand-over window in ms
-- ARGV[6]  notification command: PUBLISH, or SPUBLISH on a cluster
-- Returns the next owner's fencing token (> 0) when handed off, 0 when released, -1 when the
-- releasing owner did not hold the lock.
local key = KEYS[1]
if redis.call('HGET', key, 'o') ~= ARGV[1] then
  return -1
end
local time = redis.call('TIME')
local nowMicros = tonumber(time[1]) * 1000000 + tonumber(time[2])
local nowMillis = math.floor(nowMicros / 1000)
local ownMark = 'w:' .. ARGV[2]
local othersWait = false
local fields = redis.call('HGETALL', key)
for i = 1, #fields, 2 do
  local field = fields[i]
  if string.sub(field, 1, 2) == 'w:' and field ~= ownMark then
    if tonumber(fields[i + 1]) > nowMillis then
      othersWait = true
    else
      redis.call('HDEL', key, field)
    end
  end
end
if othersWait then
  redis.call('HDEL', key, 'o', ownMark)
  redis.call('HSET', key, 'x', ARGV[2])
  redis.call('PEXPIRE', key, ARGV[5])
  redis.call(ARGV[6], key, 'released')
  return 0
end
if ARGV[3] ~= '' then
  local token = math.max(tonumber(redis.call('HGET', key, 'f')) + 1, nowMicros)
  redis.call('HSET', key, 'o', ARGV[3], 'f', string.format('%.0f', token))
  redis.call('HDEL', key, ownMark)
  redis.call('PEXPIRE', key, ARGV[4])
  return token
end
redis.call('DEL', key)
return 0

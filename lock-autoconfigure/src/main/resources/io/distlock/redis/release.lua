-- Releases the lock if the owner holds it: hands it to the next waiter of the same process when
-- no other process waits, else frees it, reserving it for a short window for the process that
-- has waited longest, and notifies the other processes' waiters.
-- KEYS[1]  the lock (see acquire.lua); its name is also the notification channel
-- ARGV[1]  owner token of the lease being released
-- ARGV[2]  id of the calling process
-- ARGV[3]  owner token of the next local waiter, or '' for none
-- ARGV[4]  that waiter's lease in ms
-- ARGV[5]  fair hand-over window in ms: how long the reservation lasts
-- ARGV[6]  notification command: PUBLISH, or SPUBLISH on a cluster
-- ARGV[7]  the releasing holder's fencing token: f, or above it after hand-offs in memory
-- Returns the next owner's fencing token (> 0) when handed off, 0 when released, -1 when the
-- releasing owner did not hold the lock.
local key = KEYS[1]
local fields = redis.call('HGETALL', key)
local owner, last, ahead, ownMark = false, 0, false, 'w:' .. ARGV[2]
local marks = {}
for i = 1, #fields, 2 do
  local field = fields[i]
  if field == 'o' then
    owner = fields[i + 1]
  elseif field == 'f' then
    last = tonumber(fields[i + 1])
  elseif field == 'k' then
    ahead = true
  elseif string.sub(field, 1, 2) == 'w:' and field ~= ownMark then
    local untilMillis, since = string.match(fields[i + 1], '^(%d+):(%d+)$')
    if untilMillis == nil then
      -- A mark without its start, from an earlier version: it counts as waiting since its end.
      untilMillis, since = fields[i + 1], fields[i + 1]
    end
    marks[#marks + 1] = field
    marks[#marks + 1] = tonumber(untilMillis)
    marks[#marks + 1] = tonumber(since)
  end
end
if owner ~= ARGV[1] then
  return -1
end
local stored = last
last = math.max(stored, tonumber(ARGV[7]))
if #marks == 0 and ARGV[3] == '' and last == stored and not ahead then
  -- No waiters, and no token at or beyond the clock: nothing needs to outlive the lock.
  redis.call('DEL', key)
  return 0
end
local time = redis.call('TIME')
local nowMicros = tonumber(time[1]) * 1000000 + tonumber(time[2])
local nowMillis = math.floor(nowMicros / 1000)
-- Tokens handed out in memory may run ahead of the clock: the key then keeps f until it has passed.
local keepMillis = math.max(0, math.ceil((last - nowMicros) / 1000)) + 1
local oldest, oldestSince = false, 0
for i = 1, #marks, 3 do
  if marks[i + 1] > nowMillis then
    if oldest == false or marks[i + 2] < oldestSince then
      oldest, oldestSince = string.sub(marks[i], 3), marks[i + 2]
    end
  else
    redis.call('HDEL', key, marks[i])
  end
end
if oldest then
  redis.call('HDEL', key, 'o', ownMark)
  redis.call('HSET', key, 'r', oldest, 'f', string.format('%.0f', last))
  redis.call('PEXPIRE', key, math.max(tonumber(ARGV[5]), keepMillis))
  redis.call(ARGV[6], key, 'released')
  return 0
end
if ARGV[3] ~= '' then
  local token = math.max(last + 1, nowMicros)
  redis.call('HDEL', key, ownMark, 'k')
  if token > nowMicros then
    redis.call('HSET', key, 'o', ARGV[3], 'f', string.format('%.0f', token), 'k', '1')
  else
    redis.call('HSET', key, 'o', ARGV[3], 'f', string.format('%.0f', token))
  end
  redis.call('PEXPIRE', key, ARGV[4])
  return token
end
if last >= nowMicros then
  redis.call('HDEL', key, 'o', ownMark)
  redis.call('HSET', key, 'f', string.format('%.0f', last), 'k', '1')
  redis.call('PEXPIRE', key, keepMillis)
else
  redis.call('DEL', key)
end
return 0

-- Releases the lock if the owner holds it: hands it to the next waiter of the same process when
-- no other process waits, else frees it, reserving it for a short window for the process that
-- has waited longest, and notifies the other processes' waiters.
-- KEYS[1]  the lock (see acquire.lua); its name is also the notification channel
-- KEYS[2]  the fencing floor of the lock's hash slot (see acquire.lua)
-- ARGV[1]  owner token of the lease being released
-- ARGV[2]  id of the calling process
-- ARGV[3]  owner token of the next local waiter, or '' for none
-- ARGV[4]  that waiter's lease in ms
-- ARGV[5]  fair hand-over window in ms: how long the reservation lasts
-- ARGV[6]  notification command: PUBLISH, or SPUBLISH on a cluster
-- ARGV[7]  the releasing holder's fencing token: f, or above it after hand-offs in memory
-- ARGV[8]  how many in-memory hand-offs one lease may see (see acquire.lua)
-- Returns the next owner's fencing token (> 0) when handed off, 0 when released, -1 when the
-- releasing owner did not hold the lock.
local key = KEYS[1]
local fields = redis.call('HGETALL', key)
local owner, last, ownMark = false, 0, 'w:' .. ARGV[2]
local marks = {}
for i = 1, #fields, 2 do
  local field = fields[i]
  if field == 'o' then
    owner = fields[i + 1]
  elseif field == 'f' then
    last = tonumber(fields[i + 1])
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
local releasing = tonumber(ARGV[7])
if releasing > last then
  -- Hand-offs in memory went past the key's token: the floor must cover them too.
  last = releasing
  if KEYS[2] and last > tonumber(redis.call('GET', KEYS[2]) or '0') then
    redis.call('SET', KEYS[2], string.format('%.0f', last))
  end
end
if #marks == 0 and ARGV[3] == '' then
  -- No waiters, and the floor covers this lease's tokens: nothing outlives the lock.
  redis.call('DEL', key)
  return 0
end
local time = redis.call('TIME')
local nowMicros = tonumber(time[1]) * 1000000 + tonumber(time[2])
local nowMillis = math.floor(nowMicros / 1000)
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
  redis.call('PEXPIRE', key, ARGV[5])
  redis.call(ARGV[6], key, 'released')
  return 0
end
if ARGV[3] ~= '' then
  local floor = KEYS[2] and tonumber(redis.call('GET', KEYS[2]) or '0') or 0
  local token = math.max(floor + 1, last + 1, nowMicros)
  if KEYS[2] then
    redis.call('SET', KEYS[2], string.format('%.0f', token + tonumber(ARGV[8])))
  end
  redis.call('HDEL', key, ownMark)
  redis.call('HSET', key, 'o', ARGV[3], 'f', string.format('%.0f', token))
  redis.call('PEXPIRE', key, ARGV[4])
  return token
end
redis.call('DEL', key)
return 0

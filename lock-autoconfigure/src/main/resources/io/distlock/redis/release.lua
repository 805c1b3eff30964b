-- Releases the lock if the owner holds it: hands it to the next waiter of the same process when
-- no other process waits, else frees it, reserving it for a short window for the process that
-- has waited longest, and notifies the other processes' waiters. A share or a permit (see
-- acquire_shared.lua) is given up alone; the last one frees the lock as a mutex's release does,
-- and a permit given up notifies those waiting for one.
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
local shareField, permitField = 's:' .. ARGV[1], 'p:' .. ARGV[1]
local quick = redis.call('HMGET', key, shareField, permitField, 'c', 'v')
local quickShare = quick[1] or quick[2]
if quickShare and tonumber(quick[3] or '0') > 1 then
  -- Without reading every holder when another one's lease ends after this one's: the key's expiry
  -- is the latest lease's, so that holder is live and the key's expiry stays right.
  local time = redis.call('TIME')
  local nowMillis = math.floor((tonumber(time[1]) * 1000000 + tonumber(time[2])) / 1000)
  local untilMillis = tonumber(string.match(quickShare, '^(%d+):'))
  if redis.call('PTTL', key) > untilMillis - nowMillis + 1 then
    redis.call('HDEL', key, quick[1] and shareField or permitField)
    redis.call('HINCRBY', key, 'c', -1)
    if untilMillis <= nowMillis then
      return -1
    end
    if quick[2] and quick[4] and tonumber(quick[4]) > nowMillis then
      redis.call(ARGV[6], key, 'released')
    end
    return 0
  end
end
local fields = redis.call('HGETALL', key)
local owner, last, ownMark, waitUntil = false, 0, 'w:' .. ARGV[2], false
local ownShare, ownShareUntil, ownMarkValue = false, 0, false
local marks = {}
local function addMark(field, value)
  local untilMillis, since = string.match(value, '^(%d+):(%d+)$')
  if untilMillis == nil then
    -- A mark without its start, from an earlier version: it counts as waiting since its end.
    untilMillis, since = value, value
  end
  marks[#marks + 1] = field
  marks[#marks + 1] = tonumber(untilMillis)
  marks[#marks + 1] = tonumber(since)
end
local holders = {}
for i = 1, #fields, 2 do
  local field = fields[i]
  local prefix = string.sub(field, 1, 2)
  if field == 'o' then
    owner = fields[i + 1]
  elseif field == 'f' then
    last = tonumber(fields[i + 1])
  elseif field == 'v' then
    waitUntil = tonumber(fields[i + 1])
  elseif field == shareField or field == permitField then
    ownShare, ownShareUntil = field, tonumber(string.match(fields[i + 1], '^(%d+):'))
  elseif prefix == 's:' or prefix == 'p:' then
    holders[#holders + 1] = field
    holders[#holders + 1] = tonumber(string.match(fields[i + 1], '^(%d+):'))
  elseif field == ownMark then
    ownMarkValue = fields[i + 1]
  elseif prefix == 'w:' then
    addMark(field, fields[i + 1])
  end
end
local time, nowMillis, freed, handOff = false, 0, 0, ARGV[3]
local function readClock()
  time = redis.call('TIME')
  nowMillis = math.floor((tonumber(time[1]) * 1000000 + tonumber(time[2])) / 1000)
end
if ownShare then
  readClock()
  redis.call('HDEL', key, ownShare)
  local live, latest = 0, 0
  for i = 1, #holders, 2 do
    if holders[i + 1] <= nowMillis then
      redis.call('HDEL', key, holders[i])
    else
      live, latest = live + 1, math.max(latest, holders[i + 1])
    end
  end
  if ownShareUntil <= nowMillis then
    -- Its lease had run out: it held nothing, yet what it leaves behind is released as usual.
    freed = -1
  end
  if live > 0 then
    -- The key lives as long as the latest lease left, no longer: this one may have been it.
    redis.call('HSET', key, 'c', live)
    redis.call('PEXPIRE', key, latest - nowMillis)
    if string.sub(ownShare, 1, 1) == 'p' and freed == 0 and waitUntil and waitUntil > nowMillis then
      redis.call(ARGV[6], key, 'released')
    end
    return freed
  end
  -- It was the last holder: the lock is free, and goes to its waiters as a mutex's would, this
  -- process's own mutex request among them, since no hand-off serves it.
  redis.call('HDEL', key, 'c', 'k', 'W')
  owner, handOff = ARGV[1], ''
  if ownMarkValue then
    addMark(ownMark, ownMarkValue)
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
if #marks == 0 and handOff == '' then
  -- No waiters, and the floor covers this lease's tokens: nothing outlives the lock.
  redis.call('DEL', key)
  if waitUntil then
    redis.call(ARGV[6], key, 'released')
  end
  return freed
end
if time == false then
  readClock()
end
local nowMicros = tonumber(time[1]) * 1000000 + tonumber(time[2])
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
  return freed
end
if handOff ~= '' then
  local floor = KEYS[2] and tonumber(redis.call('GET', KEYS[2]) or '0') or 0
  local token = math.max(floor + 1, last + 1, nowMicros)
  if KEYS[2] then
    redis.call('SET', KEYS[2], string.format('%.0f', token + tonumber(ARGV[8])))
  end
  redis.call('HDEL', key, ownMark)
  redis.call('HSET', key, 'o', handOff, 'f', string.format('%.0f', token))
  redis.call('PEXPIRE', key, ARGV[4])
  return token
end
redis.call('DEL', key)
if waitUntil then
  redis.call(ARGV[6], key, 'released')
end
return freed

-- wrk script: a fresh 64-hex form token per request, so each POST is a new report about the
-- village REPORT_PLACE (default the demo's 龙泉村, v:530621103201).
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
local hex = "0123456789abcdef"
local place = (os.getenv("REPORT_PLACE") or "v:530621103201"):gsub(":", "%%3A")
-- REPORT_EMAIL: the reporter's address, so that a report queues an acknowledgement mail; given
-- on one report in REPORT_EMAIL_EVERY (default every one: most reporters stay anonymous).
local email = os.getenv("REPORT_EMAIL")
local every = tonumber(os.getenv("REPORT_EMAIL_EVERY") or "1")
local contact = email and ("&contact=" .. email:gsub("@", "%%40")) or ""
request = function()
  local t = {}
  for i = 1, 64 do local k = math.random(1, 16); t[i] = hex:sub(k, k) end
  local body = "token=" .. table.concat(t) .. "&category=other&place=" .. place .. "&body=" ..
    "%E6%9D%91%E9%87%8C%E6%9C%89%E4%BA%BA%E4%B8%8D%E7%AC%A6%E5%90%88%E6%9D%A1%E4%BB%B6%E5%8D%B4%E4%BA%AB%E5%8F%97%E4%BD%8E%E4%BF%9D" ..
    (math.random(1, every) == 1 and contact or "")
  return wrk.format("POST", "/report", {["Content-Type"] = "application/x-www-form-urlencoded", ["Sec-Fetch-Site"] = "same-origin"}, body)
end

-- wrk script: POST a ~1 KB JSON document to /echo.
local fields = {}
for i = 1, 30 do
  fields[#fields + 1] = string.format('"field_%02d":"value-%02d-abcdefghij"', i, i)
end
wrk.method = "POST"
wrk.body = "{" .. table.concat(fields, ",") .. "}"
wrk.headers["Content-Type"] = "application/json"

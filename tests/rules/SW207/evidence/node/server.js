const level = process.env.LOG_LEVEL || "info";
require("http").createServer((q, r) => r.end(level)).listen(3000);

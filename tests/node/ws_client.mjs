// Drives a live FasterAPI server (tests/apps/browser_app.py) with Node's `ws` client and prints
// one JSON object of what it observed; tests/py/test_e2e_node_clients.py makes the assertions,
// so this script only records (and fails loudly on errors or a hang).
//
// Usage: node ws_client.mjs ws://127.0.0.1:PORT
import WebSocket from "ws";

const base = process.argv[2];
if (!base) {
  console.error("usage: node ws_client.mjs ws://host:port");
  process.exit(2);
}

// Opens `path`, runs `exchange(ws, next)` once open, and resolves with what happened, the
// handshake response headers and the close the server sent.
function session(path, options, exchange) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(base + path, options.protocols ?? [], options.ws ?? {});
    // Messages not yet taken by next(), and next() calls still waiting for one.
    const unread = [];
    const waiting = [];
    const result = { headers: {} };
    const next = () => new Promise((res) => {
      if (unread.length > 0) res(unread.shift());
      else waiting.push(res);
    });
    ws.on("upgrade", (response) => { result.headers = response.headers; });
    ws.on("message", (data, isBinary) => {
      const message = isBinary ? { binary: Array.from(data) } : { text: data.toString("utf8") };
      const res = waiting.shift();
      if (res) res(message);
      else unread.push(message);
    });
    ws.on("open", () => {
      result.protocol = ws.protocol;
      result.extensions = ws.extensions; // the negotiated Sec-WebSocket-Extensions value
      exchange(ws, next).catch(reject);
    });
    ws.on("unexpected-response", (_request, response) => {
      reject(new Error(`${path}: handshake answered ${response.statusCode}`));
    });
    ws.on("error", reject);
    ws.on("close", (code, reason) => {
      result.close = { code, reason: reason.toString("utf8") };
      resolve(result);
    });
  });
}

const bigText = "ünïcode ".repeat(50_000); // 450 kB that deflates well

const results = {};

results.echo = await session("/ws/echo", { ws: { perMessageDeflate: true } }, async (ws, next) => {
  ws.send("hello from node");
  const text = await next();
  ws.send(Buffer.from([0, 1, 2, 254, 255]));
  const binary = await next();
  ws.send(bigText);
  const big = await next();
  results.echoReplies = {
    text: text.text,
    binary: binary.binary,
    bigMatches: big.text === bigText,
  };
  ws.close(4003, "node is done");
});

results.subprotocol = await session("/ws/echo", { protocols: ["chat", "superchat"] },
  async (ws, next) => {
    ws.send("with a subprotocol");
    await next();
    ws.close(1000);
  });

results.goodbye = await session("/ws/goodbye?code=4002&reason=server%20done", {},
  async (ws) => { ws.send("bye?"); });

console.log(JSON.stringify(results));

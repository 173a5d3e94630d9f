// Health endpoint written by `seaworthy init`: 200 while the data services
// the app needs accept connections, 503 when one does not. To mount it,
// {{ mount }}.
const net = require('net');
const express = require('express');

const router = express.Router();

// Each data service the app cannot work without, and the variable that
// holds its URL (compose.yaml sets them).
const CRITICAL = {{ critical }};

function reachable(url) {
  return new Promise((resolve) => {
    let parts;
    try {
      parts = new URL(url);
    } catch {
      resolve(false);
      return;
    }
    const socket = net.connect({ host: parts.hostname, port: Number(parts.port), timeout: 1000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

router.get('/health', async (req, res) => {
  const checks = {};
  for (const [name, variable] of Object.entries(CRITICAL)) {
    checks[name] = (await reachable(process.env[variable] || '')) ? 'ok' : 'unreachable';
  }
  const healthy = Object.values(checks).every((state) => state === 'ok');
  res.status(healthy ? 200 : 503).json({ status: healthy ? 'ok' : 'unavailable', checks });
});

module.exports = router;

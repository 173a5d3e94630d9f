const express = require('express');
const { checkUpstream } = require('./upstream');

const app = express();

app.get('/', (req, res) => res.send('hello'));

app.get('/healthz', async (req, res) => {
  res.json({ status: 'ok' });
});

app.listen(3000);

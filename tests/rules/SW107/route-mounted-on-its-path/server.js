const express = require('express');
const app = express();
app.get('/healthz', (req, res) => res.send('ok'));
app.use('/health', require('./routes/status'));
app.listen(3000);

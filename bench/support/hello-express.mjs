// The bare Express 5 baseline of bench/http.ts, run as its own process like dist/server.js.
import express from 'express';

const app = express();
app.get('/', (req, res) => res.json({ hello: 'world' }));
app.listen(Number(process.env.PORT), '127.0.0.1');

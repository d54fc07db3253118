// The bare Express 5 baseline of bench/http.ts, run as its own process like dist/server.js.
// GET /page answers res.json of the JSON in PAGE_FILE: the same bytes as pixtag's page, for free.
import express from 'express';
import { readFileSync } from 'node:fs';

const page = process.env.PAGE_FILE ? JSON.parse(readFileSync(process.env.PAGE_FILE, 'utf8')) : {};
const app = express();
app.get('/', (req, res) => res.json({ hello: 'world' }));
app.get('/page', (req, res) => res.json(page));
app.listen(Number(process.env.PORT), '127.0.0.1');

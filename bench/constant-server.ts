/**
 * The serve bench's anchor: a bare Node `http` server that reads each request's body and
 * answers with one constant body (the JSON `serve` answered for the same request, so both
 * sides send the same bytes). Prints its port on stdout.
 *
 *   node dist/bench/constant-server.js '<response body>'
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const body = process.argv[2] ?? '{}';
const length = Buffer.byteLength(body);
const server = createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': length });
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => console.log(String((server.address() as AddressInfo).port)));
process.on('SIGTERM', () => server.close(() => process.exit(0)));

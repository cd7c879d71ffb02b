#!/usr/bin/env node
// Reads `docker compose config --format json` on stdin and fails unless Temporal's frontend and its
// Web UI are published on 127.0.0.1 only (they have no auth of their own as configured).
'use strict';
const LOCAL_ONLY = { temporal: '7233', 'temporal-ui': '8080' };
let input = '';
process.stdin.on('data', (d) => (input += d));
process.stdin.on('end', () => {
  const services = JSON.parse(input).services;
  const problems = [];
  for (const [service, target] of Object.entries(LOCAL_ONLY)) {
    const ports = services[service]?.ports ?? [];
    if (!ports.some((p) => String(p.target) === target)) problems.push(`${service}: port ${target} is not published`);
    for (const p of ports) if (p.host_ip !== '127.0.0.1') problems.push(`${service}: port ${p.target} is published on ${p.host_ip || 'every interface'}`);
  }
  if (problems.length) {
    console.error(`docker compose config: ${problems.join('; ')}`);
    process.exit(1);
  }
  console.log('docker compose config: ok; Temporal (7233) and its Web UI bound to 127.0.0.1 only');
});

#!/usr/bin/env node
// Reads `docker compose config --format json` on stdin and fails unless Temporal's frontend and its
// Web UI are published on 127.0.0.1 only (they have no auth of their own as configured), and the
// worker can run as several replicas (`--scale worker=3`): no fixed name, no published port, no data
// volume shared between replicas.
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
  const worker = services.worker;
  if (!worker) problems.push('no worker service');
  else {
    if (worker.container_name) problems.push(`worker: container_name ${worker.container_name} allows one replica only`);
    for (const p of worker.ports ?? []) problems.push(`worker: port ${p.target} is published, so a second replica cannot start`);
    for (const v of worker.volumes ?? []) if (v.type === 'volume' && v.source) problems.push(`worker: volume ${v.source} on ${v.target} would be one data dir for every replica`);
  }
  if (problems.length) {
    console.error(`docker compose config: ${problems.join('; ')}`);
    process.exit(1);
  }
  console.log('docker compose config: ok; Temporal (7233) and its Web UI bound to 127.0.0.1 only; the worker scales');
});

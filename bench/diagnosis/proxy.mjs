// A TCP proxy on loopback that delays every chunk by DELAY_MS in each direction: network latency
// between perfgate and the SUT, since this machine's kernel has no netem qdisc for `tc`.
// LISTEN_PORT → TARGET_PORT on 127.0.0.1. Order is kept per direction (a chunk never overtakes).
import net from 'node:net';

const delay = Number(process.env.DELAY_MS ?? 5);
const target = Number(process.env.TARGET_PORT);

function delayedPipe(from, to) {
  let last = 0;
  from.on('data', (chunk) => {
    const due = Math.max(Date.now() + delay, last);
    last = due;
    setTimeout(() => to.writable && to.write(chunk), due - Date.now());
  });
  // The far side's end or close is passed on after the chunks still delayed, never before them
  // (a close that overtook them turned a `Connection: close` answer into a reset).
  const finish = () => setTimeout(() => to.end(), Math.max(0, last - Date.now()) + 1);
  from.on('end', finish);
  from.on('close', finish);
  from.on('error', () => undefined);
}

const server = net.createServer((client) => {
  const upstream = net.connect(target, '127.0.0.1');
  delayedPipe(client, upstream);
  delayedPipe(upstream, client);
});
server.listen(Number(process.env.LISTEN_PORT ?? 0), '127.0.0.1', () =>
  console.log(`proxy on ${server.address().port} → ${target}, +${delay} ms each way`),
);
process.on('SIGTERM', () => process.exit(0));

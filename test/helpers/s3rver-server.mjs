// Runs an s3rver S3-protocol server in its own process. Started by test/helpers/s3.ts with
// NODE_OPTIONS=--openssl-legacy-provider, without which s3rver's listing pagination fails
// (its continuation tokens use a cipher that OpenSSL 3 only offers through the legacy provider).
// Usage: node s3rver-server.mjs <directory> [port]; prints {"port":N} on one stdout line when ready.
import S3rver from 's3rver';

const directory = process.argv[2];
if (!directory) {
  process.stderr.write('usage: s3rver-server.mjs <directory>\n');
  process.exit(2);
}

const server = new S3rver({
  address: '127.0.0.1',
  port: Number(process.argv[3] ?? '0'),
  silent: true,
  directory,
  allowMismatchedSignatures: true,
});
const address = await server.run();
process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);

const stop = () => {
  server.close().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// The parent holds our stdin open; when it dies without stopping us, stdin ends and we go too.
process.stdin.resume();
process.stdin.on('end', stop);

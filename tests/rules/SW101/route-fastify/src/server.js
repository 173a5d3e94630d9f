import Fastify from 'fastify';

const fastify = Fastify({ logger: true });

fastify.get('/health/live', async () => ({ status: 'ok' }));
fastify.get('/health/ready', async () => ({ status: 'ready' }));

await fastify.listen({ port: 3000, host: '0.0.0.0' });

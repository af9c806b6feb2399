/**
 * A local Stripe-compatible API server: what the tests point the Stripe SDK at (issue 4: "the
 * Stripe SDK pointed at a local Stripe-compatible test server started by the tests"), and the
 * test payment provider behind browser tests, where Stripe's own scripts cannot load. It speaks the subset of Stripe's REST API
 * the product uses — customers, payment intents, setup intents, refunds — with form-encoded
 * bodies, Bearer secret keys, idempotency keys (same key and parameters → the same answer, marked
 * `Idempotent-Replayed`; other parameters → 400 idempotency_error) and Stripe's test cards:
 * `pm_card_visa` succeeds, `pm_card_chargeDeclined` is declined (card_declined),
 * `pm_card_threeDSecure2Required` needs authentication (requires_action; {@link FakeStripe.authenticate}
 * plays the client passing it; off-session it fails with authentication_required).
 * It records the events Stripe would send; {@link FakeStripe.signedWebhook} signs one with the real
 * scheme (the SDK's generateTestHeaderString) for posting to our endpoint, and with `webhookUrl`
 * set it delivers each event there itself, signed, as Stripe does (retrying a few times on failure).
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import qs from 'qs';
import Stripe from 'stripe';

type Obj = Record<string, unknown>;

interface StoredIntent extends Obj {
  id: string;
  object: 'payment_intent';
  amount: number;
  currency: string;
  status: string;
  amount_received: number;
  customer: string | null;
  payment_method: string | null;
  latest_charge: string | null;
  metadata: Record<string, string>;
  client_secret: string;
  last_payment_error: Obj | null;
  setup_future_usage: string | null;
  created: number;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Obj,
  ) {
    super(String((body.error as Obj | undefined)?.message ?? 'error'));
  }
}

const cardError = (code: string, message: string, pi?: StoredIntent, decline?: string) =>
  new HttpError(402, {
    error: { type: 'card_error', code, decline_code: decline, message, payment_intent: pi },
  });
const invalid = (message: string, param?: string) =>
  new HttpError(400, { error: { type: 'invalid_request_error', message, param } });

/** The fake server; `start()` it, point the SDK at `host`/`port`, `stop()` it. */
export class FakeStripe {
  readonly secretKey = 'sk_test_fake_' + crypto.randomBytes(6).toString('hex');
  readonly webhookSecret = 'whsec_fake_' + crypto.randomBytes(12).toString('hex');
  readonly intents = new Map<string, StoredIntent>();
  readonly setupIntents = new Map<string, Obj>();
  readonly refunds = new Map<string, Obj>();
  readonly customers = new Map<string, Obj>();
  readonly disputes = new Map<string, Obj>();
  /** Events in the order Stripe would emit them. */
  readonly events: Array<{ id: string; type: string; created: number; data: { object: Obj } }> = [];
  /** Every request received: method, path, idempotency key. */
  readonly requests: Array<{ method: string; path: string; idempotencyKey: string | undefined }> = [];
  /** Charges that actually moved money (a replay never adds one). */
  chargeCount = 0;
  /** Clock for event timestamps, seconds; tests may move it. */
  now = () => Math.floor(Date.now() / 1000);

  private server?: http.Server;
  private readonly idempotency = new Map<string, { fingerprint: string; status: number; body: Obj }>();
  private dropNext = 0;
  private failNext: Array<{ status: number; body: Obj }> = [];
  private seq = 0;

  /** Port after start(). */
  port = 0;
  readonly host = '127.0.0.1';
  /** Where to deliver events as they happen (none: tests post them with signedWebhook). */
  webhookUrl: string | undefined;
  /** Deliveries in flight, for tests that wait for them. */
  private readonly deliveries = new Set<Promise<void>>();

  constructor(opts: { webhookUrl?: string } = {}) {
    this.webhookUrl = opts.webhookUrl;
  }

  /** Resolves when every delivery started so far has finished. */
  async settled(): Promise<void> {
    while (this.deliveries.size > 0) await Promise.allSettled([...this.deliveries]);
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, this.host, resolve));
    this.port = (this.server!.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /**
   * The next `n` requests are carried out but their answers are lost (the connection is cut):
   * a crash between Stripe doing it and us hearing about it. A retry with the same idempotency
   * key is itself one of the `n` (the SDK retries a cut connection: drop 3 to outlast its 2 retries).
   */
  dropResponses(n = 1): void {
    this.dropNext += n;
  }

  /** The next request answers with this error without doing anything (e.g. 500, 503). */
  failWith(status: number, message = 'Stripe is having a bad day'): void {
    this.failNext.push({ status, body: { error: { type: 'api_error', message } } });
  }

  /** The client completes 3-D Secure for an intent in requires_action: it succeeds. */
  authenticate(intentId: string): StoredIntent {
    const pi = this.intents.get(intentId)!;
    if (pi.status !== 'requires_action') throw new Error(`intent ${intentId} is ${pi.status}`);
    this.succeed(pi);
    return pi;
  }

  /** The client confirms an intent with a test card (what Stripe.js does in the browser). */
  confirmAsClient(intentId: string, paymentMethod: string): StoredIntent {
    const pi = this.intents.get(intentId)!;
    this.confirm(pi, paymentMethod, false);
    return pi;
  }

  /** Opens a dispute on an intent's charge (as the card holder's bank does). */
  dispute(intentId: string, amount?: number): Obj {
    const pi = this.intents.get(intentId)!;
    const d = {
      id: this.id('dp'),
      object: 'dispute',
      amount: amount ?? pi.amount_received,
      currency: pi.currency,
      charge: pi.latest_charge,
      payment_intent: pi.id,
      status: 'needs_response',
      reason: 'fraudulent',
    };
    this.disputes.set(d.id, d);
    this.emit('charge.dispute.created', d);
    return d;
  }

  /** Closes a dispute as the bank decides it (`won` or `lost`): emits charge.dispute.closed. */
  closeDispute(disputeId: string, status: 'won' | 'lost'): Obj {
    const d = this.disputes.get(disputeId)!;
    d.status = status;
    this.emit('charge.dispute.closed', d);
    return d;
  }

  /**
   * Refunds (part of) an intent as someone in Stripe's dashboard would (not through our API):
   * emits charge.refunded like any refund.
   */
  refundFromDashboard(intentId: string, amount?: number): Obj {
    return this.route('POST', '/v1/refunds', { payment_intent: intentId, amount }, {});
  }

  /**
   * A webhook request body and its Stripe-Signature header for an event, signed with the real
   * scheme. `timestamp` (seconds) defaults to now; `secret` to the right one.
   */
  signedWebhook(
    event: { id: string; type: string; created: number; data: { object: Obj } },
    opts: { timestamp?: number; secret?: string } = {},
  ): { payload: string; signature: string } {
    const payload = JSON.stringify({ object: 'event', api_version: '2025-01-01', livemode: false, ...event });
    const signature = Stripe.webhooks.generateTestHeaderString({
      payload,
      secret: opts.secret ?? this.webhookSecret,
      timestamp: opts.timestamp ?? this.now(),
    });
    return { payload, signature };
  }

  /** The last recorded event of a type (optionally about one object). */
  lastEvent(type: string, objectId?: string) {
    return [...this.events]
      .reverse()
      .find((e) => e.type === type && (!objectId || e.data.object.id === objectId));
  }

  // ---- internals -------------------------------------------------------------------------------

  private id(prefix: string): string {
    this.seq += 1;
    return `${prefix}_fake${String(this.seq).padStart(6, '0')}${crypto.randomBytes(3).toString('hex')}`;
  }

  private emit(type: string, object: Obj): void {
    const event = {
      id: this.id('evt'),
      type,
      created: this.now(),
      data: { object: structuredClone(object) },
    };
    this.events.push(event);
    if (!this.webhookUrl) return;
    const url = this.webhookUrl;
    const p = (async () => {
      for (let attempt = 0; attempt < 4; attempt += 1) {
        const { payload, signature } = this.signedWebhook(event);
        try {
          const res = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'stripe-signature': signature },
            body: payload,
          });
          if (res.ok) return;
        } catch {
          // the endpoint is down: try again, as Stripe does
        }
        await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
      }
    })();
    this.deliveries.add(p);
    void p.finally(() => this.deliveries.delete(p));
  }

  private succeed(pi: StoredIntent): void {
    pi.status = 'succeeded';
    pi.amount_received = pi.amount;
    pi.latest_charge = this.id('ch');
    pi.last_payment_error = null;
    this.chargeCount += 1;
    this.emit('payment_intent.succeeded', pi);
  }

  private confirm(pi: StoredIntent, paymentMethod: string, offSession: boolean): void {
    if (pi.status === 'succeeded' || pi.status === 'canceled')
      throw invalid(`This PaymentIntent's status is ${pi.status}`, 'intent');
    pi.payment_method = paymentMethod;
    if (paymentMethod === 'pm_card_chargeDeclined') {
      pi.status = 'requires_payment_method';
      pi.last_payment_error = {
        code: 'card_declined',
        decline_code: 'generic_decline',
        message: 'Your card was declined.',
      };
      this.emit('payment_intent.payment_failed', pi);
      throw cardError('card_declined', 'Your card was declined.', pi, 'generic_decline');
    }
    if (paymentMethod === 'pm_card_threeDSecure2Required') {
      if (offSession) {
        pi.status = 'requires_payment_method';
        pi.last_payment_error = {
          code: 'authentication_required',
          message: 'This payment requires authentication.',
        };
        this.emit('payment_intent.payment_failed', pi);
        throw cardError('authentication_required', 'This payment requires authentication.', pi);
      }
      pi.status = 'requires_action';
      return;
    }
    if (!paymentMethod.startsWith('pm_'))
      throw invalid(`No such PaymentMethod: '${paymentMethod}'`, 'payment_method');
    this.succeed(pi);
  }

  private route(method: string, path: string, p: Obj, query: Obj): Obj {
    let m: RegExpExecArray | null;
    const meta = (v: unknown) => (v && typeof v === 'object' ? (v as Record<string, string>) : {});
    const int = (v: unknown, name: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n <= 0) throw invalid(`Invalid positive integer: ${name}`, name);
      return n;
    };
    if (method === 'POST' && path === '/v1/customers') {
      const c = {
        id: this.id('cus'),
        object: 'customer',
        email: p.email ?? null,
        name: p.name ?? null,
        metadata: meta(p.metadata),
      };
      this.customers.set(c.id, c);
      return c;
    }
    if (method === 'POST' && path === '/v1/payment_intents') {
      const amount = int(p.amount, 'amount');
      if (amount > 99_999_999) throw invalid('Amount must be no more than $999,999.99', 'amount');
      const id = this.id('pi');
      const pi: StoredIntent = {
        id,
        object: 'payment_intent',
        amount,
        currency: String(p.currency ?? '').toLowerCase(),
        status: 'requires_payment_method',
        amount_received: 0,
        customer: (p.customer as string) ?? null,
        payment_method: null,
        latest_charge: null,
        metadata: meta(p.metadata),
        client_secret: `${id}_secret_${crypto.randomBytes(8).toString('hex')}`,
        last_payment_error: null,
        setup_future_usage: (p.setup_future_usage as string) ?? null,
        created: this.now(),
      };
      if (!/^[a-z]{3}$/.test(pi.currency)) throw invalid('Invalid currency', 'currency');
      this.intents.set(id, pi);
      if (p.confirm === 'true' && p.payment_method)
        this.confirm(pi, String(p.payment_method), p.off_session === 'true');
      return pi;
    }
    if ((m = /^\/v1\/payment_intents\/([^/]+)$/.exec(path)) && method === 'GET') {
      const pi = this.intents.get(m[1]!);
      if (!pi)
        throw new HttpError(404, {
          error: {
            type: 'invalid_request_error',
            code: 'resource_missing',
            message: `No such payment_intent: '${m[1]}'`,
          },
        });
      return pi;
    }
    if ((m = /^\/v1\/payment_intents\/([^/]+)\/cancel$/.exec(path)) && method === 'POST') {
      const pi = this.intents.get(m[1]!);
      if (!pi) throw invalid(`No such payment_intent: '${m[1]}'`);
      if (pi.status === 'succeeded')
        throw invalid('You cannot cancel this PaymentIntent because it has a status of succeeded.');
      pi.status = 'canceled';
      this.emit('payment_intent.canceled', pi);
      return pi;
    }
    if (method === 'POST' && path === '/v1/setup_intents') {
      const s = {
        id: this.id('seti'),
        object: 'setup_intent',
        status: 'requires_payment_method',
        customer: p.customer ?? null,
        payment_method: null as string | null,
        client_secret: '',
        metadata: meta(p.metadata),
      };
      s.client_secret = `${s.id}_secret_${crypto.randomBytes(8).toString('hex')}`;
      this.setupIntents.set(s.id, s);
      return s;
    }
    if ((m = /^\/v1\/setup_intents\/([^/]+)$/.exec(path)) && method === 'GET') {
      const s = this.setupIntents.get(m[1]!);
      if (!s)
        throw new HttpError(404, {
          error: { type: 'invalid_request_error', code: 'resource_missing', message: 'No such setup_intent' },
        });
      return s;
    }
    if ((m = /^\/v1\/setup_intents\/([^/]+)\/confirm$/.exec(path)) && method === 'POST') {
      const s = this.setupIntents.get(m[1]!);
      if (!s) throw invalid('No such setup_intent');
      s.payment_method = String(p.payment_method);
      s.status = 'succeeded';
      this.emit('setup_intent.succeeded', s);
      return s;
    }
    if (method === 'POST' && path === '/v1/refunds') {
      const pi = this.intents.get(String(p.payment_intent));
      if (!pi) throw invalid(`No such payment_intent: '${String(p.payment_intent)}'`, 'payment_intent');
      if (pi.status !== 'succeeded')
        throw invalid('This PaymentIntent does not have a successful charge to refund.');
      const refunded = [...this.refunds.values()]
        .filter((r) => r.payment_intent === pi.id && r.status === 'succeeded')
        .reduce((s, r) => s + Number(r.amount), 0);
      const amount = p.amount === undefined ? pi.amount_received - refunded : int(p.amount, 'amount');
      if (amount <= 0 || refunded + amount > pi.amount_received)
        throw new HttpError(400, {
          error: {
            type: 'invalid_request_error',
            code: 'charge_already_refunded',
            message: `Refund amount (${amount}) is greater than unrefunded amount on charge (${pi.amount_received - refunded})`,
          },
        });
      const r = {
        id: this.id('re'),
        object: 'refund',
        amount,
        currency: pi.currency,
        status: 'succeeded',
        payment_intent: pi.id,
        charge: pi.latest_charge,
        metadata: meta(p.metadata),
      };
      this.refunds.set(r.id, r);
      this.emit('charge.refunded', {
        id: pi.latest_charge,
        object: 'charge',
        payment_intent: pi.id,
        amount: pi.amount_received,
        amount_refunded: refunded + amount,
        currency: pi.currency,
        refunded: refunded + amount === pi.amount_received,
      });
      return r;
    }
    if (method === 'GET' && path === '/v1/refunds') {
      const data = [...this.refunds.values()].filter(
        (r) => !query.payment_intent || r.payment_intent === query.payment_intent,
      );
      return { object: 'list', data, has_more: false, url: '/v1/refunds' };
    }
    if ((m = /^\/v1\/disputes\/([^/]+)$/.exec(path)) && method === 'GET') {
      const d = this.disputes.get(m[1]!);
      if (!d)
        throw new HttpError(404, {
          error: { type: 'invalid_request_error', code: 'resource_missing', message: 'No such dispute' },
        });
      return d;
    }
    if (method === 'GET' && path === '/v1/disputes') {
      const data = [...this.disputes.values()].filter(
        (d) => !query.payment_intent || d.payment_intent === query.payment_intent,
      );
      return { object: 'list', data, has_more: false, url: '/v1/disputes' };
    }
    throw new HttpError(404, {
      error: { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path})` },
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://x');
    const method = req.method ?? 'GET';
    const key = req.headers['idempotency-key'] as string | undefined;
    this.requests.push({ method, path: url.pathname, idempotencyKey: key });
    const send = (status: number, body: Obj, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', 'request-id': this.id('req'), ...headers });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${this.secretKey}`)
      return send(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } });
    const injected = this.failNext.shift();
    if (injected) return send(injected.status, injected.body);

    const params = qs.parse(raw) as Obj;
    const fingerprint = `${method} ${url.pathname} ${raw}`;
    let status: number;
    let body: Obj;
    const replay = key && method === 'POST' ? this.idempotency.get(key) : undefined;
    if (replay) {
      if (replay.fingerprint !== fingerprint)
        return send(400, {
          error: {
            type: 'idempotency_error',
            message: `Keys for idempotent requests can only be used with the same parameters they were first used with.`,
          },
        });
      // A lost answer can be lost again on the client's retry (dropResponses(n) with n > 1).
      if (this.dropNext > 0) {
        this.dropNext -= 1;
        req.socket.destroy();
        return;
      }
      return send(replay.status, replay.body, { 'idempotent-replayed': 'true' });
    }
    try {
      body = structuredClone(this.route(method, url.pathname, params, Object.fromEntries(url.searchParams)));
      status = 200;
    } catch (e) {
      if (!(e instanceof HttpError)) throw e;
      status = e.status;
      body = structuredClone(e.body);
    }
    if (key && method === 'POST' && status !== 401) this.idempotency.set(key, { fingerprint, status, body });
    if (this.dropNext > 0) {
      this.dropNext -= 1;
      req.socket.destroy();
      return;
    }
    send(status, body);
  }
}

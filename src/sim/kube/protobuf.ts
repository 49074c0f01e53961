// Decoder for the protobuf request bodies real clients send and cannot be told
// not to: kubectl ≥ 1.32 (create namespace/secret, auth can-i) and Helm ≥ 3.17
// (release Secrets, their DeleteOptions). Wire format: magic `k8s\0`, then a
// runtime.Unknown {1 typeMeta{1 apiVersion, 2 kind}, 2 raw, 3 contentEncoding,
// 4 contentType} whose `raw` is the Go type's message. Only the messages and
// fields listed below are understood; answers are always JSON.
import { unsupportedMediaType } from './errors.js';

type Field = { wire: number; int: bigint; bytes: Buffer };
type Fields = Map<number, Field[]>;

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

function readVarint(buf: Buffer, start: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  let pos = start;
  for (;;) {
    const byte = buf[pos++];
    if (byte === undefined) throw new Error('truncated varint');
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [result, pos];
    shift += 7n;
  }
}

/** Splits a message into its fields (varint and length-delimited; fixed-width ones are skipped). */
function parseFields(buf: Buffer): Fields {
  const fields: Fields = new Map();
  let pos = 0;
  while (pos < buf.length) {
    const [tag, afterTag] = readVarint(buf, pos);
    const number = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    let field: Field;
    if (wire === 0) {
      const [value, next] = readVarint(buf, afterTag);
      field = { wire, int: value, bytes: Buffer.alloc(0) };
      pos = next;
    } else if (wire === 2) {
      const [length, next] = readVarint(buf, afterTag);
      const end = next + Number(length);
      if (end > buf.length) throw new Error('truncated field');
      field = { wire, int: 0n, bytes: buf.subarray(next, end) };
      pos = end;
    } else if (wire === 1 || wire === 5) {
      pos = afterTag + (wire === 1 ? 8 : 4);
      continue;
    } else {
      throw new Error(`unsupported wire type ${wire}`);
    }
    const list = fields.get(number) ?? [];
    list.push(field);
    fields.set(number, list);
  }
  return fields;
}

const str = (f: Fields, n: number): string | undefined => {
  const value = f.get(n)?.at(-1)?.bytes.toString('utf8');
  return value === '' ? undefined : value;
};
const strs = (f: Fields, n: number): string[] => (f.get(n) ?? []).map((x) => x.bytes.toString('utf8'));
const msg = (f: Fields, n: number): Fields | undefined => {
  const raw = f.get(n)?.at(-1);
  return raw ? parseFields(raw.bytes) : undefined;
};
const int = (f: Fields, n: number): number | undefined => {
  const raw = f.get(n)?.at(-1);
  return raw ? Number(BigInt.asIntN(64, raw.int)) : undefined;
};
const bool = (f: Fields, n: number): boolean | undefined => {
  const raw = f.get(n)?.at(-1);
  return raw ? raw.int !== 0n : undefined;
};

function map(f: Fields, n: number, asBase64: boolean): Record<string, string> | undefined {
  const entries = f.get(n);
  if (!entries || entries.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const entry of entries) {
    const kv = parseFields(entry.bytes);
    const value = kv.get(2)?.at(-1)?.bytes ?? Buffer.alloc(0);
    out[kv.get(1)?.at(-1)?.bytes.toString('utf8') ?? ''] = asBase64 ? value.toString('base64') : value.toString('utf8');
  }
  return out;
}

/** Drops undefined members, as Go's JSON encoding drops empty `omitempty` fields. */
function compact(obj: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}

function objectMeta(f: Fields | undefined): Record<string, unknown> {
  if (!f) return {};
  const owners = (f.get(13) ?? []).map((entry) => {
    const o = parseFields(entry.bytes);
    return compact({ apiVersion: str(o, 5), kind: str(o, 1), name: str(o, 3), uid: str(o, 4), controller: bool(o, 6), blockOwnerDeletion: bool(o, 7) });
  });
  const finalizers = strs(f, 14);
  return compact({
    name: str(f, 1), generateName: str(f, 2), namespace: str(f, 3), uid: str(f, 5), resourceVersion: str(f, 6),
    labels: map(f, 11, false), annotations: map(f, 12, false),
    ownerReferences: owners.length > 0 ? owners : undefined,
    finalizers: finalizers.length > 0 ? finalizers : undefined,
  });
}

type Decoder = (raw: Fields) => Record<string, unknown>;

const DECODERS: Record<string, Decoder> = {
  Namespace: (f) => {
    const spec = msg(f, 2);
    const finalizers = spec ? strs(spec, 1) : [];
    return compact({ metadata: objectMeta(msg(f, 1)), spec: finalizers.length > 0 ? { finalizers } : undefined });
  },
  Secret: (f) => compact({
    metadata: objectMeta(msg(f, 1)), data: map(f, 2, true), type: str(f, 3), stringData: map(f, 4, false), immutable: bool(f, 5),
  }),
  ConfigMap: (f) => compact({
    metadata: objectMeta(msg(f, 1)), data: map(f, 2, false), binaryData: map(f, 3, true), immutable: bool(f, 4),
  }),
  DeleteOptions: (f) => {
    const pre = msg(f, 2);
    const dryRun = strs(f, 5);
    return compact({
      gracePeriodSeconds: int(f, 1),
      preconditions: pre ? compact({ uid: str(pre, 1), resourceVersion: str(pre, 2) }) : undefined,
      orphanDependents: bool(f, 3), propagationPolicy: str(f, 4), dryRun: dryRun.length > 0 ? dryRun : undefined,
    });
  },
  SelfSubjectAccessReview: (f) => {
    const spec = msg(f, 2);
    const res = spec ? msg(spec, 1) : undefined;
    const nonRes = spec ? msg(spec, 2) : undefined;
    return compact({
      metadata: objectMeta(msg(f, 1)),
      spec: compact({
        resourceAttributes: res ? compact({
          namespace: str(res, 1), verb: str(res, 2), group: str(res, 3), version: str(res, 4),
          resource: str(res, 5), subresource: str(res, 6), name: str(res, 7),
        }) : undefined,
        nonResourceAttributes: nonRes ? compact({ path: str(nonRes, 1), verb: str(nonRes, 2) }) : undefined,
      }),
    });
  },
};

/** Decodes a `application/vnd.kubernetes.protobuf` body into the JSON object it stands for. */
export function decodeProtobuf(body: Buffer): Record<string, unknown> {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) throw unsupportedMediaType('protobuf without the k8s magic prefix');
  const unknown = parseFields(body.subarray(4));
  const typeMeta = msg(unknown, 1);
  const apiVersion = typeMeta ? str(typeMeta, 1) : undefined;
  const kind = typeMeta ? str(typeMeta, 2) : undefined;
  const decoder = kind ? DECODERS[kind] : undefined;
  if (!decoder) throw unsupportedMediaType(`protobuf ${kind ?? '(no kind)'} is not understood by the simulation`);
  const raw = unknown.get(2)?.at(-1)?.bytes ?? Buffer.alloc(0);
  return { ...(apiVersion ? { apiVersion } : {}), kind, ...decoder(parseFields(raw)) };
}

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

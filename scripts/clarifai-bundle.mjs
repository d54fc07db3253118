// How an esbuild bundle carries clarifai-nodejs-grpc.
//
// What the package does at run time (src/index.js, v11): it requires @grpc/grpc-js and
// @grpc/proto-loader 0.5, then proto-loader.loadSync()s five .proto files (about 1.2 MB of text)
// from `__dirname + "/../proto"`, and builds a definition of all 289 methods of clarifai.api.V2;
// about 0.75 s here. Bundled as ESM, `__dirname` does not exist; bundled as CommonJS it would point
// at the bundle's folder, where no proto/ is. The generated *_pb.js files (google-protobuf, 7 MB)
// and axios are never loaded by that entry.
//
// So the bundle gets another entry for the package, built here at build time: the same .proto
// files parsed with the package's own protobufjs, pruned to the methods pixtag calls and the
// message types they reach, inlined as a JSON descriptor and loaded with proto-loader's fromJSON
// (the proto-loader @grpc/grpc-js itself depends on) with the package's loader options. It exports
// what the package exports: ClarifaiStub (grpc(), insecureGrpc()) and grpc. Nothing is read from
// disk at run time, so there are no assets to copy next to the bundle.
//
// Use: build({ ..., plugins: [...clarifaiEsbuildOptions().plugins] }). ESM output also needs the
// usual `require` banner for CommonJS dependencies (scripts/build-lambda.mjs has it).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const NAMESPACE = 'pixtag-clarifai';
const SERVICE = 'clarifai.api.V2';
/** What src/tagging/clarifai.ts calls; anything else is left out of the bundle. */
export const DEFAULT_METHODS = ['PostModelOutputs'];

// The options src/index.js passes to loadSync; checked against its source below.
const LOADER_OPTIONS =
  '{ keepCase: true, longs: String, enums: Number, defaults: true, oneofs: true }';
const LOADER_OPTION_PATTERNS = [
  /keepCase:\s*true/,
  /longs:\s*String/,
  /enums:\s*Number/,
  /defaults:\s*true/,
  /oneofs:\s*true/,
];

/** The installed package: its entry, the .proto files that entry loads, and the modules it uses. */
function inspectPackage() {
  const entry = require.resolve('clarifai-nodejs-grpc');
  const source = readFileSync(entry, 'utf8');
  const protoDir = path.resolve(path.dirname(entry), '..', 'proto');
  const files = [...source.matchAll(/PROTO_PATH\s*\+\s*["']([^"']+\.proto)["']/g)].map((m) =>
    path.join(protoDir, m[1]),
  );
  const understood =
    files.length > 0 &&
    /PROTO_PATH\s*=\s*__dirname\s*\+\s*["']\/\.\.\/proto["']/.test(source) &&
    /loadSync\(/.test(source) &&
    LOADER_OPTION_PATTERNS.every((pattern) => pattern.test(source));
  if (!understood) {
    throw new Error(
      `${entry} no longer loads its .proto files the way scripts/clarifai-bundle.mjs expects: update the script for this version of clarifai-nodejs-grpc.`,
    );
  }
  const fromEntry = createRequire(entry);
  const grpcPath = fromEntry.resolve('@grpc/grpc-js');
  return {
    files,
    protobuf: fromEntry('protobufjs'),
    grpcPath,
    protoLoaderPath: createRequire(grpcPath).resolve('@grpc/proto-loader'),
  };
}

/** Every type and enum the methods' requests and responses can contain, by full name. */
function reachableTypes(protobuf, methods) {
  const names = new Set();
  const visit = (type) => {
    if (!type || names.has(type.fullName)) return;
    names.add(type.fullName);
    if (type instanceof protobuf.Type) {
      for (const field of type.fieldsArray) visit(field.resolve().resolvedType);
    }
    // A nested type needs its parent type to exist, and the parent's fields to resolve.
    if (type.parent instanceof protobuf.Type) visit(type.parent);
  };
  for (const method of methods) {
    visit(method.resolvedRequestType);
    visit(method.resolvedResponseType);
  }
  return new Set([...names].map((name) => name.replace(/^\./, '')));
}

/** The descriptor JSON with only the kept types, and the service with only the kept methods. */
function prune(protobuf, namespace, json, keep, methodNames) {
  const nested = {};
  for (const [name, child] of Object.entries(json.nested ?? {})) {
    const object = namespace.nested[name];
    const fullName = object.fullName.replace(/^\./, '');
    if (object instanceof protobuf.Service) {
      if (fullName !== SERVICE) continue;
      const methods = Object.fromEntries(methodNames.map((m) => [m, child.methods[m]]));
      nested[name] = { ...child, methods };
    } else if (object instanceof protobuf.Type || object instanceof protobuf.Enum) {
      if (keep.has(fullName)) nested[name] = prune(protobuf, object, child, keep, methodNames);
    } else {
      const kept = prune(protobuf, object, child, keep, methodNames);
      if (kept.nested) nested[name] = kept;
    }
  }
  const pruned = { ...json };
  delete pruned.nested;
  return Object.keys(nested).length > 0 ? { ...pruned, nested } : pruned;
}

/** The protobufjs JSON descriptor of clarifai.api.V2 reduced to `methods`. */
export function clarifaiDescriptor({ methods = DEFAULT_METHODS } = {}) {
  const { files, protobuf } = inspectPackage();
  // keepCase as in the package, so field names stay snake_case in requests and responses.
  const root = new protobuf.Root().loadSync(files, { keepCase: true });
  root.resolveAll();
  const service = root.lookupService(SERVICE);
  const chosen = methods.map((name) => {
    const method = service.methods[name];
    if (!method) throw new Error(`${SERVICE} has no method ${name}`);
    return method.resolve();
  });
  return prune(protobuf, root, root.toJSON(), reachableTypes(protobuf, chosen), methods);
}

function entrySource(methods) {
  const { grpcPath, protoLoaderPath } = inspectPackage();
  const json = JSON.stringify(clarifaiDescriptor({ methods }));
  // The stub class mirrors src/index.js of the package, so callers cannot tell the difference.
  return `// clarifai-nodejs-grpc, rebuilt by scripts/clarifai-bundle.mjs with ${methods.join(', ')} only.
import * as grpc from ${JSON.stringify(grpcPath)};
import { fromJSON } from ${JSON.stringify(protoLoaderPath)};

const packageDefinition = fromJSON(JSON.parse(${JSON.stringify(json)}), ${LOADER_OPTIONS});
const MAX_MESSAGE_LENGTH = 1024 * 1024 * 1024;
const channelOptions = {
  'grpc.max_receive_message_length': MAX_MESSAGE_LENGTH,
  'grpc.max_send_message_length': MAX_MESSAGE_LENGTH,
};
const V2 = () => grpc.loadPackageDefinition(packageDefinition).clarifai.api.V2;

export class ClarifaiStub {
  static grpc(base = process.env.CLARIFAI_GRPC_BASE ?? 'api.clarifai.com') {
    return new (V2())(base, grpc.ChannelCredentials.createSsl(), channelOptions);
  }
  static insecureGrpc() {
    return new (V2())('api-grpc.clarifai.com:18080', grpc.credentials.createInsecure(), channelOptions);
  }
}
export { grpc };
export default { ClarifaiStub, grpc };
`;
}

/** An esbuild plugin that replaces the package's entry with the build-time descriptor version. */
export function clarifaiEsbuildPlugin({ methods = DEFAULT_METHODS } = {}) {
  return {
    name: 'clarifai-descriptor',
    setup(build) {
      build.onResolve({ filter: /^clarifai-nodejs-grpc$/ }, () => ({
        path: 'clarifai-nodejs-grpc',
        namespace: NAMESPACE,
      }));
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, () => ({
        contents: entrySource(methods),
        loader: 'js',
        resolveDir: path.dirname(require.resolve('clarifai-nodejs-grpc')),
      }));
    },
  };
}

/** The esbuild options a bundle that imports clarifai-nodejs-grpc needs, to merge into build(). */
export function clarifaiEsbuildOptions(options) {
  return { plugins: [clarifaiEsbuildPlugin(options)] };
}

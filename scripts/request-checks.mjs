// The run-time checks of Create a Message's request, compiled from openapi.yaml by Ajv's standalone
// code generation (used by generate.mjs): one validator per content_type variant of the JSON body,
// plus the facts the client's wording needs (property names, enums, the files' limit) read from
// the spec. Descriptions and examples are stripped before compiling.
import { createRequire } from 'node:module';
import AjvDraft7 from 'ajv';
import Ajv2020 from 'ajv/dist/2020.js';
import standaloneCode from 'ajv/dist/standalone/index.js';

const require = createRequire(import.meta.url);
const operationId = 'createMessage';

/** Annotations: they change no verdict, and would only add bytes (or trip Ajv's strict mode). */
const annotations = new Set([
  'description',
  'title',
  'example',
  'examples',
  'default',
  'deprecated',
  'readOnly',
  'writeOnly',
  'externalDocs',
  'xml',
  'discriminator',
  '$comment',
  'contentMediaType',
  'contentEncoding',
]);
/** Keywords only the 2019-09/2020-12 dialects have; a spec that uses one gets Ajv's 2020 class. */
const keywords2020 = [
  'unevaluatedProperties',
  'unevaluatedItems',
  'prefixItems',
  'dependentRequired',
  'dependentSchemas',
  '$dynamicRef',
  '$dynamicAnchor',
  'minContains',
  'maxContains',
];

function strip(node) {
  if (Array.isArray(node)) return node.map(strip);
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (annotations.has(key) || key.startsWith('x-')) continue;
    // `properties` maps names to schemas: a property called "description" is not an annotation.
    out[key] = key === 'properties' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, strip(v)])) : strip(value);
  }
  return out;
}

function uses(node, names) {
  if (Array.isArray(node)) return node.some((n) => uses(n, names));
  if (node === null || typeof node !== 'object') return false;
  return Object.entries(node).some(([k, v]) => names.includes(k) || uses(v, names));
}

function findOperation(spec) {
  for (const item of Object.values(spec.paths ?? {})) {
    for (const op of Object.values(item)) if (op?.operationId === operationId) return op;
  }
  throw new Error(`openapi.yaml has no operation ${operationId}`);
}

function resolver(spec) {
  const resolve = (schema) => {
    let s = schema;
    for (let hops = 0; s?.$ref; hops++) {
      if (hops > 20 || !s.$ref.startsWith('#/')) throw new Error(`cannot follow $ref ${s.$ref}`);
      s = s.$ref
        .slice(2)
        .split('/')
        .reduce((n, k) => n?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], spec);
    }
    return s ?? {};
  };
  /** The schema's own and allOf parts, $refs followed: what every instance must satisfy. */
  const parts = (schema) => {
    const s = resolve(schema);
    return [s, ...(s.allOf ?? []).flatMap(parts)];
  };
  return { resolve, parts };
}

/** Property names of every object inside a variant, by path ("content_attributes.items[]"). */
function objectNames(spec, schema) {
  const { parts } = resolver(spec);
  const found = {};
  const walk = (node, path, depth) => {
    if (depth > 12) return;
    const all = parts(node);
    const alternatives = all.flatMap((p) => [...(p.oneOf ?? []), ...(p.anyOf ?? [])]);
    for (const alt of alternatives) walk(alt, path, depth + 1);
    const properties = {};
    for (const p of all) Object.assign(properties, p.properties ?? {});
    if (Object.keys(properties).length > 0) {
      found[path] = [...new Set([...(found[path] ?? []), ...Object.keys(properties)])];
      for (const [name, sub] of Object.entries(properties)) walk(sub, path ? `${path}.${name}` : name, depth + 1);
    }
    for (const p of all) if (p.items && typeof p.items === 'object') walk(p.items, `${path}[]`, depth + 1);
  };
  walk(schema, '', 0);
  return found;
}

/**
 * A oneOf whose alternatives are told apart by a tag (a property with a const or enum, required in
 * each, values disjoint: a card action's `type`) is checked by the alternative the tag picks: the
 * same verdicts, but the errors come from the alternative the caller chose, not from every one.
 * Object alternatives use Ajv's `discriminator` keyword (0.2 KB gzipped smaller than the chain
 * below); it wants the tag's values at each alternative's top, so the allOf member that holds them
 * (a form field's) is merged into the alternative, or else they are repeated beside it. Others
 * become an if/then/else chain on the tag.
 */
function tagOneOfs(document) {
  const { parts, resolve } = resolver(document);
  const tagOf = (alternatives) => {
    const tagged = alternatives.map((alt) => {
      const all = parts(alt);
      const requiredNames = new Set(all.flatMap((p) => p.required ?? []));
      const tags = {};
      for (const p of all)
        for (const [name, sub] of Object.entries(p.properties ?? {})) {
          const r = resolve(sub);
          const values = r.enum ?? (r.const !== undefined ? [r.const] : undefined);
          if (values && requiredNames.has(name)) tags[name] = values;
        }
      return tags;
    });
    const name = Object.keys(tagged[0] ?? {}).find((n) => {
      if (!tagged.every((t) => t[n])) return false;
      const flat = tagged.flatMap((t) => t[n]);
      return new Set(flat.map((v) => JSON.stringify(v))).size === flat.length;
    });
    return name && { name, tagged };
  };
  const walk = (node) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== 'object') return;
    Object.values(node).forEach(walk);
    if (!Array.isArray(node.oneOf) || node.oneOf.length < 2 || 'if' in node) return;
    const tag = tagOf(node.oneOf);
    if (!tag) return;
    const name = tag.name;
    const all = tag.tagged.flatMap((t) => t[name]);
    if (node.oneOf.every((alt) => parts(alt).some((p) => p.type === 'object'))) {
      // Ajv's discriminator: the tag's value picks the one alternative to check. The node checks
      // what the alternatives would (an object, the tag present and known) before it picks; each
      // alternative names its own values at its top, where Ajv looks for them.
      node.type = 'object';
      node.required = [...new Set([...(node.required ?? []), name])];
      node.properties = { ...(node.properties ?? {}), [name]: { enum: all } };
      node.discriminator = { propertyName: name };
      const hasTag = (schema) => schema?.properties?.[name]?.const !== undefined || Boolean(schema?.properties?.[name]?.enum);
      node.oneOf = node.oneOf.map((alt, i) => {
        const schema = resolve(alt);
        if (hasTag(schema)) return alt;
        // The allOf member that holds the tag, merged into the alternative (the same constraints),
        // so that the alternative stays one function each of the tag's values calls.
        const member = (schema.allOf ?? []).find((m) => !m.$ref && hasTag(m));
        const own = Object.keys(schema).filter((k) => k !== 'allOf');
        if (member && !own.some((k) => k in member)) {
          const rest = schema.allOf.filter((m) => m !== member);
          delete schema.allOf;
          Object.assign(schema, member, rest.length > 0 ? { allOf: rest } : {});
          return alt;
        }
        return { allOf: [alt], properties: { [name]: { enum: tag.tagged[i][name] } } };
      });
      return;
    }
    let chain = { required: [name], properties: { [name]: { enum: all } } };
    for (let i = node.oneOf.length - 1; i >= 0; i--) {
      chain = { if: { required: [name], properties: { [name]: { enum: tag.tagged[i][name] } } }, then: node.oneOf[i], else: chain };
    }
    delete node.oneOf;
    Object.assign(node, chain);
  };
  walk(document.components);
}

/**
 * A `type` beside an enum or const whose values all have that type decides nothing the enum does not
 * (a message_type that is not a string is not one of its names either): dropped, so Ajv writes one
 * check, and one error (enum or const: "must be one of ...") where it wrote two. −0.07 KB gzipped.
 */
function dropImpliedTypes(node) {
  if (Array.isArray(node)) return node.forEach(dropImpliedTypes);
  if (node === null || typeof node !== 'object') return;
  Object.values(node).forEach(dropImpliedTypes);
  const typeOf = (v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v);
  const values = node.enum ?? (node.const !== undefined ? [node.const] : undefined);
  if (values && typeof node.type === 'string' && values.every((v) => typeOf(v) === node.type)) delete node.type;
}

/** The schema a local pointer (#/components/...) names in the stripped components. */
function componentAt(components, pointer) {
  if (!pointer.startsWith('#/components/')) throw new Error(`cannot follow $ref ${pointer}`);
  return pointer
    .slice('#/components/'.length)
    .split('/')
    .reduce((n, k) => n?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], components);
}

/** Inlines Ajv's run-time helpers (ucs2length, equal, ...) so the package needs no `ajv` at run time. */
function inlineRuntime(code) {
  const helpers = new Map();
  const out = code.replace(/require\("(ajv\/dist\/runtime\/[\w]+)"\)\.default/g, (_m, id) => {
    if (!helpers.has(id)) {
      const fn = require(id).default;
      if (typeof fn !== 'function') throw new Error(`cannot inline Ajv's run-time helper ${id}`);
      helpers.set(id, `ajvRuntime${helpers.size}`);
    }
    return helpers.get(id);
  });
  if (/require\(/.test(out)) throw new Error(`Ajv's code needs a module that cannot be inlined: ${/require\([^)]*\)/.exec(out)[0]}`);
  const defs = [...helpers].map(([id, name]) => `const ${name} = ${require(id).default.toString()};`);
  return [...defs, out].join('\n');
}

/** The value of `const <name> = <JSON>;` in Ajv's code (a schema it keeps for its errors). */
function schemaConst(code, name) {
  const start = code.indexOf(`const ${name} = `);
  if (start < 0) throw new Error(`Ajv's code has no ${name}`);
  const from = start + `const ${name} = `.length;
  for (let end = code.indexOf(';', from); end > 0; end = code.indexOf(';', end + 1)) {
    try {
      return JSON.parse(code.slice(from, end));
    } catch {
      // A ';' inside a string: try the next one.
    }
  }
  throw new Error(`cannot read ${name} from Ajv's code`);
}

/**
 * Drops what Ajv writes that nothing reads: each error's `schemaPath` (the wording uses keyword,
 * params and instancePath; generation fails if any is left), and the
 * parentData/parentDataProperty/rootData passed to every sub-check (read only by $data references
 * and keywords this spec does not use; all kept when some are left in a shape this does not know). An enum error's `allowedValues` gets the values written
 * out instead of a path into a whole schema object, which then no bundle keeps. −0.9 KB gzipped
 * in the one-message bundle.
 */
function dropUnread(code) {
  let kept = code
    .replace(/(allowedValues|type): ?(schema\d+)((?:\.[A-Za-z_$][\w$]*|\[\d+\])+)/g, (_m, param, name, path) => {
      const value = path
        .split(/\.|\[|\]/)
        .filter(Boolean)
        .reduce((node, key) => node?.[key], schemaConst(code, name));
      if (param === 'allowedValues' ? !Array.isArray(value) : !(Array.isArray(value) || typeof value === 'string')) {
        throw new Error(`${param} ${name}${path} is not a ${param === 'type' ? 'type' : 'list'} in Ajv's code`);
      }
      return `${param}:${JSON.stringify(value)}`;
    })
    .replace(/,schemaPath:"(?:[^"\\]|\\.)*"/g, '');
  // additionalProperties over many properties asks hasOwnProperty of a whole schema's
  // `properties`: where that is all a kept schema is read for, it keeps only those keys.
  for (const name of new Set([...kept.matchAll(/\.call\((schema\d+)\.properties, /g)].map((m) => m[1]))) {
    const uses = kept.split(new RegExp(`\\b${name}\\b`)).length - 2;
    const lookups = kept.split(`.call(${name}.properties, `).length - 1;
    if (uses !== lookups) continue;
    const { properties } = schemaConst(kept, name);
    const keys = JSON.stringify({ properties: Object.fromEntries(Object.keys(properties).map((key) => [key, 0])) });
    const text = `const ${name} = ${JSON.stringify(schemaConst(kept, name))};`;
    if (!kept.includes(text)) throw new Error(`cannot find ${name} as Ajv wrote it`);
    kept = kept.replace(text, `const ${name} = ${keys};`);
  }
  if (kept.includes('schemaPath')) throw new Error("Ajv's code reads schemaPath where request-checks.mjs expects it not to: keep it");
  const out = kept
    .replace(/,parentData:[\w$]+,parentDataProperty:(?:"(?:[^"\\]|\\.)*"|[\w$]+),rootData(?=\})/g, '')
    .replace(/,parentData,parentDataProperty,rootData(?=\})/g, '')
    .replace(/, parentData, parentDataProperty, rootData=data(?=\}=\{\})/g, '');
  // Some keywords pass them on in other shapes (unevaluatedProperties: with dynamicAnchors, say):
  // then they all stay, as Ajv wrote them.
  return /parentData|rootData/.test(out) ? kept : out;
}

/** generated/request-checks.ts: Ajv's code (JavaScript) and the typed exports that follow it. */
export function renderRequestChecks(spec) {
  const op = findOperation(spec);
  const content = op.requestBody?.content ?? {};
  const jsonSchema = content['application/json']?.schema;
  if (!jsonSchema) throw new Error(`${operationId} has no application/json request body`);
  const { resolve, parts } = resolver(spec);

  // The variants of the body (oneOf) and the property that tells them apart: the one with a
  // distinct const in every variant (the spec's discriminator.propertyName when it names one).
  const top = resolve(jsonSchema);
  const variantSchemas = top.oneOf ?? [jsonSchema];
  const constsOf = (variant) => {
    const out = {};
    for (const p of parts(variant))
      for (const [name, sub] of Object.entries(p.properties ?? {})) {
        const r = resolve(sub);
        if (r.const !== undefined) out[name] = r.const;
      }
    return out;
  };
  const requiredOf = (variant) => [...new Set(parts(variant).flatMap((p) => p.required ?? []))];
  const allConsts = variantSchemas.map(constsOf);
  const candidates = top.discriminator?.propertyName
    ? [top.discriminator.propertyName]
    : Object.keys(allConsts[0] ?? {}).filter(
        (name) => allConsts.every((c) => typeof c[name] === 'string') && new Set(allConsts.map((c) => c[name])).size === allConsts.length,
      );
  const discriminator = variantSchemas.length > 1 ? candidates[0] : undefined;
  if (variantSchemas.length > 1 && !discriminator) {
    throw new Error(
      `${operationId}: the variants of the JSON body share no property with a distinct const in each; the checks cannot tell them apart`,
    );
  }
  const variantNames = variantSchemas.map((_v, i) => (discriminator ? allConsts[i][discriminator] : ''));
  if (variantNames.some((name) => typeof name !== 'string')) {
    throw new Error(`${operationId}: every variant of the JSON body needs a const ${discriminator}`);
  }
  const optional = variantSchemas
    .map((_v, i) => variantNames[i])
    .filter((_n, i) => discriminator && !requiredOf(variantSchemas[i]).includes(discriminator));
  if (optional.length > 1) throw new Error(`${operationId}: more than one variant leaves ${discriminator} out (${optional.join(', ')})`);
  const defaultVariant = discriminator ? (optional[0] ?? null) : '';

  // Compile: each variant is a $ref into the stripped components, so shared parts compile once.
  const components = strip(spec.components ?? {});
  tagOneOfs({ components });
  dropImpliedTypes(components);
  // The body schema's own keywords besides its oneOf (unevaluatedProperties: false, say) apply to
  // every variant: each check is the body schema with its oneOf narrowed to the chosen variant,
  // which gives the same verdict (only that variant can match its discriminator's value).
  const { oneOf: _variants, ...ownKeywords } = top.oneOf ? strip(top) : {};
  // A variant's check runs only when the discriminator holds that variant's value (or is left out,
  // for the default variant, where it is optional): its own const and required on the discriminator
  // can never fail, so they are not compiled, and variants that are then alike share one check
  // (input_email, input_text, input_textarea).
  if (discriminator) {
    const own = (node) => (node?.$ref ? componentAt(components, node.$ref) : node);
    for (const v of variantSchemas) {
      const variant = own(v);
      for (const part of [variant, ...(variant?.allOf ?? []).filter((p) => !p.$ref)]) {
        const sub = part?.properties?.[discriminator];
        if (!sub || sub.$ref || Object.keys(sub).some((k) => !['type', 'const', 'enum'].includes(k))) continue;
        part.properties[discriminator] = {};
        // An earlier allOf member that is an object schema has checked the type already (Ajv
        // stops at the first failing member): the variant's own part need not check it again.
        const earlier = part === variant ? [] : variant.allOf.slice(0, variant.allOf.indexOf(part));
        if (part.type === 'object' && earlier.some((p) => p.$ref && componentAt(components, p.$ref)?.type === 'object')) delete part.type;
        if (Array.isArray(part.required)) {
          part.required = part.required.filter((name) => name !== discriminator);
          if (part.required.length === 0) delete part.required;
        }
      }
    }
  }
  const checkPointers = variantSchemas.map((v, i) => {
    const only = v.$ref ? { $ref: v.$ref } : strip(v);
    if (Object.keys(ownKeywords).length === 0 && only.$ref) return only.$ref;
    components.schemas = components.schemas ?? {};
    components.schemas[`__check${i}`] =
      Object.keys(ownKeywords).length === 0 ? only : { ...ownKeywords, allOf: [...(ownKeywords.allOf ?? []), only] };
    return `#/components/schemas/__check${i}`;
  });
  const needs2020 = uses(components, keywords2020) || uses(strip(jsonSchema), keywords2020);
  const Ajv = needs2020 ? (Ajv2020.default ?? Ajv2020) : (AjvDraft7.default ?? AjvDraft7);
  const ajv = new Ajv({
    code: { source: true, esm: true, optimize: true },
    // Our own wording (src/messages/input-checks.ts) from each error's keyword and params.
    messages: false,
    // Tagged oneOfs (a card action, a form field) as Ajv's discriminator: see tagOneOfs.
    discriminator: true,
    allErrors: false,
    // Formats (uri) are left to the server: ajv-formats' URI check would add ~2.4 KB gzipped.
    validateFormats: false,
    // Shared schemas (MessageFields, TemplateParams, ...) compile once, as functions every variant
    // calls; only the small ones (up to 6 keywords: a type, a pattern, an enum) are inlined where
    // used. Measured on the one-message bundle (gzipped, against 6): false +0.29 KB, 2 +0.10 KB,
    // 4 +0.06 KB, 5 +0.07 KB, 7 +0.18 KB, true +0.40 KB; inlining every schema used once: +0.4 KB.
    inlineRefs: 6,
    strict: true,
    strictTypes: false,
    strictTuples: false,
    // anyOf branches that only name required properties (NotEmpty, TemplateParams) define them beside the anyOf.
    strictRequired: false,
  });
  // The components live under a document root whose own keyword Ajv must not take for a typo.
  ajv.addKeyword('components');
  ajv.addSchema({ $id: 'openapi', components }, 'openapi');
  // Variants whose compiled schemas are the same JSON share the first one's check.
  const sameAs = checkPointers.map((pointer) => JSON.stringify(componentAt(components, pointer)));
  const firstAlike = sameAs.map((json) => sameAs.indexOf(json));
  const refs = Object.fromEntries(
    checkPointers.flatMap((pointer, i) => (firstAlike[i] === i ? [[`validate${i}`, `openapi${pointer}`]] : [])),
  );
  // Ajv exports each validator; only the typed `variantChecks` below is this module's surface.
  // Each error's schemaPath is dropped: the client words errors from instancePath, keyword and
  // params alone, and the paths were a tenth of the bundle's checks.
  const code = inlineRuntime(
    dropUnread(
      standaloneCode(ajv, refs)
        .replace(/^"use strict";/, '')
        .replace(/export const (validate\d+) =/g, 'const $1 ='),
    ),
  );
  if (code.includes('schemaPath')) throw new Error("cannot drop schemaPath from Ajv's code: its form changed");

  // Names and enums the wording needs. Object paths that read the same in every variant
  // (template_params, ...) are kept once, under `shared`.
  const found = variantSchemas.map((v) => objectNames(spec, v));
  const fields = [...new Set(found.flatMap((f) => f[''] ?? []))];
  const names = { shared: {}, byVariant: Object.fromEntries(variantNames.map((n) => [n, {}])) };
  for (const path of new Set(found.flatMap((f) => Object.keys(f)))) {
    if (path === '') continue;
    const lists = found.map((f) => JSON.stringify(f[path] ?? null));
    if (lists.every((l) => l === lists[0])) names.shared[path] = found[0][path];
    else
      found.forEach((f, i) => {
        if (f[path]) names.byVariant[variantNames[i]][path] = f[path];
      });
  }
  // The wording asks only whether a field is required in the default variant.
  const defaultIndex = variantNames.indexOf(defaultVariant);
  const defaultRequired = defaultIndex < 0 ? [] : requiredOf(variantSchemas[defaultIndex]);
  const enums = {};
  variantSchemas.forEach((v) => {
    for (const p of parts(v))
      for (const [name, sub] of Object.entries(p.properties ?? {})) {
        const r = resolve(sub);
        const values = r.enum ?? (r.const !== undefined ? [r.const] : undefined);
        if (values) enums[name] = [...new Set([...(enums[name] ?? []), ...values])];
      }
  });

  // multipart/form-data: which fields it carries, and the files' array (its limit: the wording needs no more).
  const multipart = content['multipart/form-data']?.schema;
  const multipartProps = multipart ? Object.assign({}, ...parts(multipart).map((p) => p.properties ?? {})) : {};
  const filesEntry = Object.entries(multipartProps).find(([, s]) => resolve(s).type === 'array');
  const maxFiles = filesEntry ? (resolve(filesEntry[1]).maxItems ?? null) : null;
  const multipartFields = Object.keys(multipartProps).filter((name) => name !== filesEntry?.[0]);

  // A signed blob id the spec accepts, from its JSON request examples (which lint checks against
  // it): the client's stand-in for a file when it checks the rules that count attachments.
  const blobIdExample =
    Object.values(content['application/json']?.examples ?? {})
      .map((e) => resolve(e).value?.attachments?.[0])
      .find((id) => typeof id === 'string') ?? null;

  // What to tell the caller when a rule with an `x-error-hint` fails: by its pattern, or for a
  // `not` (of properties that must not all be absent) by "not:" and the first of them.
  const hints = {};
  const collect = (node) => {
    if (Array.isArray(node)) return node.forEach(collect);
    if (node === null || typeof node !== 'object') return;
    const hint = node['x-error-hint'];
    if (typeof hint === 'string') {
      if (typeof node.pattern === 'string') hints[node.pattern] = hint;
      // A `not` of "all of these absent": keyed "not:" plus the first of them (the field to name).
      const absent = Object.keys(resolve(node.not ?? {}).properties ?? {});
      if (absent.length > 0) hints[`not:${absent[0]}`] = hint;
    }
    Object.values(node).forEach(collect);
  };
  collect(spec.components);

  const facts = {
    hints,
    discriminator: discriminator ?? null,
    defaultVariant,
    fields,
    defaultRequired,
    names,
    maxFiles,
    multipartFields: multipart ? multipartFields : null,
    blobIdExample,
  };
  const j = (v) => JSON.stringify(v);
  const tail = [
    '/** An error as Ajv reports it (messages: false: the client words it from keyword and params; schemaPath dropped). */',
    'export interface SchemaError { instancePath: string; keyword: string; params: Record<string, any> }',
    '/** A compiled check: true when valid; otherwise `errors` says why. */',
    'export type SchemaCheck = ((data: unknown) => boolean) & { errors?: SchemaError[] | null };',
    '',
    "/** The checks of the createMessage JSON body, one per variant, keyed by the discriminator's value. */",
    `export const variantChecks: Record<string, SchemaCheck> = { ${variantNames.map((n, i) => `${j(n)}: validate${firstAlike[i]}`).join(', ')} };`,
    '',
    '/** What the spec says about the request, for the wording of errors and the checks Ajv cannot make (files). */',
    'export const requestFacts: {',
    '  /** What to do instead, for rules the spec words itself (x-error-hint): by pattern, or "not:<field>". */',
    '  hints: Record<string, string>;',
    '  /** The property whose value picks the variant (null: one variant). */',
    '  discriminator: string | null;',
    '  /** The variant used when the discriminator is left out (null: it is required). */',
    '  defaultVariant: string | null;',
    '  /** Every top-level property of the JSON body, in any variant. */',
    '  fields: string[];',
    '  /** The top-level required properties of the default variant (none: []). */',
    '  defaultRequired: string[];',
    '  /** Property names of the nested objects, by path ("a.b[]"): those alike in every variant, and the rest by variant. */',
    '  names: { shared: Record<string, string[]>; byVariant: Record<string, Record<string, string[]>> };',
    '  /** At most this many files in the multipart body (null: no limit, or no multipart body). */',
    '  maxFiles: number | null;',
    '  /** The other fields the multipart body carries (null: no multipart body). */',
    '  multipartFields: string[] | null;',
    "  /** A signed blob id from the spec's examples (null: none), the stand-in for a file in the JSON body's rules. */",
    '  blobIdExample: string | null;',
    `} = ${j(facts)};`,
    '',
    "/** Allowed values of the top-level properties that have an enum or const (for the CLI's choices; the checks' errors carry their own). */",
    `export const requestEnums: Record<string, string[]> = ${j(enums)};`,
    '',
  ];
  return {
    code,
    tail: tail.join('\n'),
    dialect: needs2020 ? 'JSON Schema 2020-12, ajv/dist/2020' : 'JSON Schema draft-07, as the spec uses no 2019+ keyword',
  };
}

/**
 * Object validation: built-in kinds against the Kubernetes OpenAPI schemas
 * (through `kubernetes-models`), custom resources against their CRD's
 * openAPIV3Schema (through ajv). A separate entry point, so packages that only
 * build objects do not load the validators.
 */
import { createHash } from "node:crypto";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import type { KubeObject } from "./k8s.js";
import { objectKey } from "./k8s.js";

export interface ObjectProblem {
  /** `Kind/namespace/name` */
  object: string;
  /** JSON pointer into the object, e.g. `/spec/template/spec/containers/0`. */
  path: string;
  message: string;
}

export function formatObjectProblems(problems: readonly ObjectProblem[]): string {
  return problems.map((p) => `${p.object} ${p.path || "/"}: ${p.message}`).join("\n");
}

interface CrdVersion {
  name: string;
  served?: boolean;
  schema?: { openAPIV3Schema?: Record<string, unknown> };
}

export interface CustomResourceDefinition {
  apiVersion: "apiextensions.k8s.io/v1";
  kind: "CustomResourceDefinition";
  metadata: { name: string };
  spec: { group: string; names: { kind: string }; versions: CrdVersion[] };
}

function isCrd(object: KubeObject): object is KubeObject & CustomResourceDefinition {
  return (
    object.kind === "CustomResourceDefinition" && object.apiVersion === "apiextensions.k8s.io/v1"
  );
}

type AddFormats = (ajv: Ajv) => Ajv;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ??
  addFormatsModule) as unknown as AddFormats;

/** Compiles CRD schemas once and validates custom resources against them. */
export class CrdValidator {
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly known = new Set<string>();

  constructor(crds: readonly CustomResourceDefinition[]) {
    this.ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true });
    addFormats(this.ajv);
    // Kubernetes' structural-schema extensions carry no validation ajv can run; CEL rules are enforced by builders.
    for (const keyword of [
      "x-kubernetes-preserve-unknown-fields",
      "x-kubernetes-int-or-string",
      "x-kubernetes-embedded-resource",
      "x-kubernetes-list-type",
      "x-kubernetes-list-map-keys",
      "x-kubernetes-map-type",
      "x-kubernetes-validations",
    ]) {
      this.ajv.addKeyword(keyword);
    }
    for (const crd of crds) {
      for (const version of crd.spec.versions) {
        const key = `${crd.spec.group}/${version.name}/${crd.spec.names.kind}`;
        this.known.add(key);
        const schema = version.schema?.openAPIV3Schema;
        if (schema) this.validators.set(key, this.ajv.compile(schema));
      }
    }
  }

  knows(apiVersion: string, kind: string): boolean {
    return this.known.has(`${apiVersion}/${kind}`);
  }

  validate(object: KubeObject): ObjectProblem[] {
    const validator = this.validators.get(`${object.apiVersion}/${object.kind}`);
    if (!validator) {
      return [
        {
          object: objectKey(object),
          path: "",
          message: `no CRD schema for ${object.apiVersion} ${object.kind}`,
        },
      ];
    }
    if (validator(object)) return [];
    return (validator.errors ?? []).map((error) => toProblem(object, error));
  }
}

function toProblem(object: KubeObject, error: ErrorObject): ObjectProblem {
  const extra =
    error.keyword === "additionalProperties"
      ? ` (${String((error.params as { additionalProperty?: string }).additionalProperty)})`
      : error.keyword === "enum"
        ? ` (allowed: ${((error.params as { allowedValues?: unknown[] }).allowedValues ?? []).join(", ")})`
        : "";
  return {
    object: objectKey(object),
    path: error.instancePath,
    message: `${error.message ?? "invalid"}${extra}`,
  };
}

interface ModelClass {
  new (data: unknown): { validate(): void };
}

/** `kubernetes-models` module path for an apiVersion: `apps/v1` -> `kubernetes-models/apps/v1`. */
function modelModule(apiVersion: string): string {
  return `kubernetes-models/${apiVersion}`;
}

const moduleCache = new Map<string, Promise<Record<string, unknown> | undefined>>();

/** `kubernetes-models` is an optional peer dependency: only validation needs its 20 MB of schemas. */
export const MISSING_MODELS_MESSAGE =
  "validating built-in objects needs the optional peer dependency kubernetes-models: npm install kubernetes-models@4.5.1";

function isMissingPackage(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  const message = error instanceof Error ? error.message : "";
  return (
    (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") &&
    /Cannot find (package|module) 'kubernetes-models'/.test(message)
  );
}

async function loadModels(apiVersion: string): Promise<Record<string, unknown> | undefined> {
  let pending = moduleCache.get(apiVersion);
  if (!pending) {
    pending = import(modelModule(apiVersion)).then(
      (module: Record<string, unknown>) => module,
      (error: unknown) => {
        if (isMissingPackage(error)) throw new Error(MISSING_MODELS_MESSAGE);
        return undefined;
      },
    );
    moduleCache.set(apiVersion, pending);
  }
  return pending;
}

export interface ValidateOptions {
  /** CRDs to validate custom resources against, in addition to CRDs found among the objects. */
  crds?: readonly CustomResourceDefinition[];
  /** `apiVersion/Kind` pairs whose schema is not available here (e.g. Gateway API), skipped on purpose. */
  skip?: readonly string[];
}

function validationErrors(
  error: unknown,
): { instancePath?: string; message?: string; params?: unknown; keyword?: string }[] {
  if (error && typeof error === "object" && "errors" in error && Array.isArray(error.errors)) {
    return error.errors as { instancePath?: string; message?: string }[];
  }
  return [{ instancePath: "", message: error instanceof Error ? error.message : String(error) }];
}

/**
 * Compiled validators by the CRDs they were compiled from. Compiling the
 * operator's CRDs takes most of a validation; a render validated again (a
 * re-render, `validate` after `render`, a property test) has the same CRDs, and
 * the same CRDs always compile to the same validator.
 */
const compiled = new Map<string, CrdValidator>();
const MAX_COMPILED = 8;

function crdValidatorFor(crds: readonly CustomResourceDefinition[]): CrdValidator {
  const key = createHash("sha256").update(JSON.stringify(crds)).digest("hex");
  let validator = compiled.get(key);
  if (!validator) {
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    validator = new CrdValidator(crds);
    compiled.set(key, validator);
  }
  return validator;
}

/** Validates every object and returns every problem found (empty when all are valid). */
export async function validateObjects(
  objects: readonly KubeObject[],
  options: ValidateOptions = {},
): Promise<ObjectProblem[]> {
  const crds = [...(options.crds ?? []), ...objects.filter(isCrd)];
  const crdValidator = crdValidatorFor(crds);
  const skip = new Set(options.skip ?? []);
  const problems: ObjectProblem[] = [];
  for (const object of objects) {
    if (skip.has(`${object.apiVersion}/${object.kind}`)) continue;
    if (!object.metadata?.name) {
      problems.push({
        object: `${object.kind}/?`,
        path: "/metadata/name",
        message: "must have a name",
      });
      continue;
    }
    if (crdValidator.knows(object.apiVersion, object.kind)) {
      problems.push(...crdValidator.validate(object));
      continue;
    }
    const models = await loadModels(object.apiVersion);
    const Model = models?.[object.kind] as ModelClass | undefined;
    if (!Model) {
      problems.push({
        object: objectKey(object),
        path: "",
        message: `no schema known for ${object.apiVersion} ${object.kind} (add its CRD, or skip it explicitly)`,
      });
      continue;
    }
    try {
      new Model(object).validate();
    } catch (error) {
      for (const e of validationErrors(error)) {
        const params = e.params as
          | { additionalProperty?: string; missingProperty?: string }
          | undefined;
        const detail = params?.additionalProperty ? ` (${params.additionalProperty})` : "";
        problems.push({
          object: objectKey(object),
          path: e.instancePath ?? "",
          message: `${e.message ?? "invalid"}${detail}`,
        });
      }
    }
  }
  return problems;
}

export * from "./checks/index.js";

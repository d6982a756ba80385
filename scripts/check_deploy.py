#!/usr/bin/env python3
"""The checks of scripts/check-deploy.sh that kubernetes-validate does not do.

  check_deploy.py kserve FILE...        KServe resources against a schema written here
  check_deploy.py policy FILE...        fathom's own rules on rendered Kubernetes manifests
  check_deploy.py kustomize-files DIR   the resource files a kustomization reaches (and checks
                                        that everything it names exists)
  check_deploy.py unreached DIR         fails on a YAML file under DIR no kustomization names

Runs in the venv check-deploy.sh makes (PyYAML, jsonschema and kubernetes-validate from
scripts/requirements-deploy.txt). Exits 1 when anything fails, printing one line per failure.

KServe: kubernetes-validate has no schemas for KServe's custom resources, so `kserve` checks
them against the JSON schema below, written from KServe's API (the ClusterServingRuntime /
ServingRuntime and InferenceService types of KServe v0.20.0, as documented for KServe 0.16):
every field name at the levels written here must be one KServe defines (additionalProperties
false), with its type, and the pod and container parts are checked against the Kubernetes
definitions that kubernetes-validate bundles (strict). The InferenceService's other
components (transformer, explainer) and the framework shorthands (predictor.sklearn, …) are
only checked to be objects. Then fathom's own rules: the runtime's args are options
`fathom serve` has, it loads /mnt/models and listens on 8080, and the InferenceService names
a runtime defined here.
"""

import os
import re
import sys

import jsonschema
import referencing
import yaml
from importlib_resources import files

K8S_SCHEMA_VERSION = "1.37.0"
K8S = "https://kubernetes.io/api/_definitions.json#/$defs/io.k8s."
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

failures = []


def fail(where, message):
    failures.append(f"{where}: {message}")


def documents(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d]


# --- fathom serve's options, read from its source ------------------------------------------


def serve_options():
    """The long options of `fathom serve`: each @Option/@Flag var of Serve.swift, kebab-cased."""
    with open(os.path.join(ROOT, "Sources/fathom/Serve.swift")) as f:
        source = f.read()
    def long_names(kind):
        # `@Option(name: .customLong("model"), …) var modelOption` is --model; otherwise the
        # var's name, kebab-cased.
        out = set()
        for attributes, var in re.findall(r"@" + kind + r"\b(.*?)\bvar\s+(\w+)", source, re.S):
            custom = re.search(r'customLong\("([\w-]+)"\)', attributes)
            out.add("--" + (custom.group(1) if custom else re.sub(r"(?<!^)([A-Z])", r"-\1", var).lower()))
        return out
    kebab = long_names("(?:Option|Flag)")
    if not kebab:
        raise SystemExit("check_deploy: found no options in Sources/fathom/Serve.swift")
    return kebab, long_names("Flag")


def check_serve_args(where, args, model, port):
    """args come after `fathom serve --host 0.0.0.0` (the image's ENTRYPOINT)."""
    options, flags = serve_options()
    if not args:
        fail(where, "no args: the model and the port must be given")
        return
    positional = []
    given = {}
    i = 0
    while i < len(args):
        arg = str(args[i])
        if arg.startswith("--"):
            name, _, value = arg.partition("=")
            if name not in options:
                fail(where, f"{name} is not an option of `fathom serve` (it has {', '.join(sorted(options))})")
            elif name in flags:
                given[name] = True
            elif value:
                given[name] = value
            elif i + 1 < len(args):
                given[name] = str(args[i + 1])
                i += 1
            else:
                fail(where, f"{name} has no value")
        else:
            positional.append(arg)
        i += 1
    if positional != [model]:
        fail(where, f"the model argument should be {model}, found {positional}")
    if given.get("--port") != str(port):
        fail(where, f"--port should be {port}, found {given.get('--port')}")
    if "--host" in given:
        fail(where, "--host is set by the image's ENTRYPOINT (0.0.0.0); do not repeat it")


# --- KServe -----------------------------------------------------------------------------------

STRING_MAP = {"type": "object", "additionalProperties": {"type": "string"}}
PROTOCOLS = ["v1", "v2", "grpc-v1", "grpc-v2"]


def k8s(name):
    return {"$ref": K8S + name}


def metadata_schema():
    return k8s("apimachinery.pkg.apis.meta.v1.ObjectMeta")


SERVING_RUNTIME_SPEC = {
    "type": "object",
    "additionalProperties": False,
    "required": ["containers"],
    "properties": {
        "supportedModelFormats": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name"],
                "properties": {
                    "name": {"type": "string", "minLength": 1},
                    "version": {"type": "string"},
                    "autoSelect": {"type": "boolean"},
                    "priority": {"type": "integer", "minimum": 1},
                },
            },
        },
        "protocolVersions": {"type": "array", "items": {"enum": PROTOCOLS}},
        "multiModel": {"type": "boolean"},
        "disabled": {"type": "boolean"},
        "containers": {"type": "array", "minItems": 1, "items": k8s("api.core.v1.Container")},
        "annotations": STRING_MAP,
        "labels": STRING_MAP,
        "nodeSelector": STRING_MAP,
        "affinity": k8s("api.core.v1.Affinity"),
        "tolerations": {"type": "array", "items": k8s("api.core.v1.Toleration")},
        "volumes": {"type": "array", "items": k8s("api.core.v1.Volume")},
        "imagePullSecrets": {"type": "array", "items": k8s("api.core.v1.LocalObjectReference")},
        "replicas": {"type": "integer", "minimum": 0},
        "schedulerName": {"type": "string"},
        "hostIPC": {"type": "boolean"},
        "grpcEndpoint": {"type": "string"},
        "grpcDataEndpoint": {"type": "string"},
        "httpDataEndpoint": {"type": "string"},
        "storageHelper": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"disabled": {"type": "boolean"}},
        },
        "builtInAdapter": {"type": "object"},
        "workerSpec": {"type": "object"},
    },
}


def resource_schema(api_version, kind, spec):
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "additionalProperties": False,
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {
            "apiVersion": {"const": api_version},
            "kind": {"const": kind},
            "metadata": metadata_schema(),
            "spec": spec,
        },
    }


def inference_service_spec(definitions):
    pod_spec = definitions["io.k8s.api.core.v1.PodSpec"]["properties"]
    container = definitions["io.k8s.api.core.v1.Container"]["properties"]
    # ModelSpec: a container (name optional) plus where the model is and what reads it.
    model = {
        "type": "object",
        "additionalProperties": False,
        "required": ["modelFormat"],
        "properties": {
            **{n: {"$ref": K8S + "api.core.v1.Container/properties/" + n} for n in container},
            "modelFormat": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name"],
                "properties": {"name": {"type": "string", "minLength": 1}, "version": {"type": "string"}},
            },
            "runtime": {"type": "string"},
            "runtimeVersion": {"type": "string"},
            "protocolVersion": {"enum": PROTOCOLS},
            "storageUri": {"type": "string", "minLength": 1},
            "storage": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "key": {"type": "string"},
                    "path": {"type": "string"},
                    "schemaPath": {"type": "string"},
                    "parameters": STRING_MAP,
                },
            },
            "confidential": {"type": "object"},
        },
    }
    # PredictorSpec: the pod's fields (minus those KServe leaves out), scaling and the model.
    pod_fields = set(pod_spec) - {"ephemeralContainers", "evictionResponders", "schedulingGroup"}
    frameworks = ["sklearn", "xgboost", "tensorflow", "pytorch", "triton", "onnx", "huggingface",
                  "pmml", "lightgbm", "paddle"]
    int32 = {"type": "integer", "minimum": 0}
    predictor = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            **{n: {"$ref": K8S + "api.core.v1.PodSpec/properties/" + n} for n in sorted(pod_fields)},
            **{n: {"type": "object"} for n in frameworks},
            "model": model,
            "name": {"type": "string"},
            "annotations": STRING_MAP,
            "labels": STRING_MAP,
            "minReplicas": int32,
            "maxReplicas": int32,
            "scaleTarget": int32,
            "scaleMetric": {"enum": ["cpu", "memory", "concurrency", "rps"]},
            "scaleMetricType": {"enum": ["Utilization", "Value", "AverageValue"]},
            "containerConcurrency": int32,
            "timeout": int32,
            "canaryTrafficPercent": {"type": "integer", "minimum": 0, "maximum": 100},
            "autoScaling": {"type": "object"},
            "batcher": {"type": "object"},
            "logger": {"type": "object"},
            "deploymentStrategy": {"type": "object"},
            "workerSpec": {"type": "object"},
            "storageContainerName": {"type": "string"},
            "storageUris": {"type": "array", "items": {"type": "object"}},
        },
    }
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["predictor"],
        "properties": {
            "predictor": predictor,
            "transformer": {"type": "object"},
            "explainer": {"type": "object"},
        },
    }


def k8s_definitions():
    path = files("kubernetes_validate").joinpath(
        f"kubernetes-json-schema/v{K8S_SCHEMA_VERSION}-local-strict/_definitions.json")
    import json

    return json.loads(path.read_text())


def check_kserve(paths):
    definitions_document = k8s_definitions()
    definitions = definitions_document["$defs"]
    registry = referencing.Resource.from_contents(definitions_document) @ referencing.Registry()
    schemas = {
        ("serving.kserve.io/v1alpha1", "ClusterServingRuntime"):
            resource_schema("serving.kserve.io/v1alpha1", "ClusterServingRuntime", SERVING_RUNTIME_SPEC),
        ("serving.kserve.io/v1alpha1", "ServingRuntime"):
            resource_schema("serving.kserve.io/v1alpha1", "ServingRuntime", SERVING_RUNTIME_SPEC),
        ("serving.kserve.io/v1beta1", "InferenceService"):
            resource_schema("serving.kserve.io/v1beta1", "InferenceService", inference_service_spec(definitions)),
    }
    runtimes = {}
    services = []
    count = 0
    for path in paths:
        for doc in documents(path):
            count += 1
            key = (doc.get("apiVersion"), doc.get("kind"))
            name = (doc.get("metadata") or {}).get("name")
            where = f"{path}: {doc.get('kind')}/{name}"
            if key not in schemas:
                fail(where, f"no schema for {key[1]} {key[0]} here; add one to scripts/check_deploy.py")
                continue
            validator = jsonschema.Draft202012Validator(schemas[key], registry=registry)
            errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
            for e in errors:
                fail(where, f"{'.'.join(map(str, e.path)) or '(top)'}: {e.message}")
            if errors:
                continue
            if key[1].endswith("ServingRuntime"):
                runtimes[name] = doc
                check_runtime(where, doc["spec"])
            else:
                services.append((where, doc))
    for where, doc in services:
        check_inference_service(where, doc["spec"], runtimes)
    return count


def check_runtime(where, spec):
    formats = [f for f in spec.get("supportedModelFormats", []) if f["name"] == "onnx"]
    if not formats:
        fail(where, "supportedModelFormats lists no onnx entry")
    protocols = spec.get("protocolVersions", [])
    if protocols != ["v2"]:
        # fathom serves the Open Inference Protocol over HTTP only; grpc-v2 once it has gRPC.
        fail(where, f"protocolVersions should be [v2] (what fathom serves), found {protocols}")
    containers = [c for c in spec["containers"] if c.get("name") == "kserve-container"]
    if len(containers) != 1:
        fail(where, "needs exactly one container named kserve-container (the one KServe routes to)")
        return
    check_serve_args(where + " kserve-container args", containers[0].get("args", []), "/mnt/models", 8080)


def check_inference_service(where, spec, runtimes):
    model = spec["predictor"].get("model")
    if model is None:
        fail(where, "predictor.model is missing")
        return
    if model["modelFormat"]["name"] != "onnx":
        fail(where, "predictor.model.modelFormat.name should be onnx")
    runtime = model.get("runtime")
    if runtime not in runtimes:
        fail(where, f"predictor.model.runtime {runtime!r} is none of the runtimes defined here ({sorted(runtimes)})")
    elif model.get("protocolVersion", "v1") not in runtimes[runtime]["spec"].get("protocolVersions", ["v1"]):
        fail(where, f"protocolVersion {model.get('protocolVersion', 'v1 (the default)')} is not one runtime {runtime} speaks")
    uri = model.get("storageUri")
    if not uri or not re.match(r"^(gs|s3|pvc|https?|hdfs|webhdfs|oci|hf)://.+", uri):
        fail(where, f"predictor.model.storageUri should be a gs://, s3://, pvc://, https://, hdfs://, oci:// or hf:// URI, found {uri!r}")


# --- fathom's rules for its Kubernetes manifests ------------------------------------------------


def selects(selector, labels):
    match = (selector or {}).get("matchLabels", selector or {})
    return bool(match) and all(labels.get(k) == v for k, v in match.items())


def check_policy(paths):
    docs = []
    for path in paths:
        docs += [(path, d) for d in documents(path)]
    by_kind = {}
    for path, d in docs:
        by_kind.setdefault(d["kind"], []).append((path, d))
    for kind in ["Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget"]:
        if len(by_kind.get(kind, [])) != 1:
            fail(" ".join(paths), f"expected exactly one {kind}, found {len(by_kind.get(kind, []))}")
    if failures:
        return len(docs)
    path, deployment = by_kind["Deployment"][0]
    where = f"{path}: Deployment/{deployment['metadata']['name']}"
    template = deployment["spec"]["template"]
    pod = template["spec"]
    labels = template["metadata"].get("labels", {})
    if not selects(deployment["spec"]["selector"], labels):
        fail(where, "the selector does not match the pod template's labels")
    if pod.get("enableServiceLinks") is not False:
        fail(where, "enableServiceLinks should be false (service links would inject FATHOM_PORT and the like)")
    pod_security = pod.get("securityContext", {})
    if pod_security.get("runAsUser") != 65532 or pod_security.get("runAsNonRoot") is not True:
        fail(where, "the pod should run as user 65532 with runAsNonRoot")
    if (pod_security.get("seccompProfile") or {}).get("type") != "RuntimeDefault":
        fail(where, "the pod's seccompProfile should be RuntimeDefault")
    for c in pod.get("initContainers", []) + pod["containers"]:
        cwhere = f"{where} container {c['name']}"
        sc = c.get("securityContext", {})
        if sc.get("readOnlyRootFilesystem") is not True:
            fail(cwhere, "readOnlyRootFilesystem should be true")
        if sc.get("allowPrivilegeEscalation") is not False:
            fail(cwhere, "allowPrivilegeEscalation should be false")
        if (sc.get("capabilities") or {}).get("drop") != ["ALL"]:
            fail(cwhere, "capabilities should drop ALL")
        for part in ["requests", "limits"]:
            for resource in ["cpu", "memory"]:
                if resource not in (c.get("resources") or {}).get(part, {}):
                    fail(cwhere, f"resources.{part}.{resource} is missing")
    servers = [c for c in pod["containers"] if c["name"] == "fathom"]
    if len(servers) != 1:
        fail(where, "needs one container named fathom")
        return len(docs)
    server = servers[0]
    ports = {p.get("name"): p["containerPort"] for p in server.get("ports", [])}
    if "http" not in ports:
        fail(where, "the fathom container needs a port named http")
        return len(docs)
    port = ports["http"]
    check_serve_args(where + " fathom args", server.get("args", []), "/mnt/models", port)
    for probe, route in [("readinessProbe", "/ready"), ("livenessProbe", "/health")]:
        get = (server.get(probe) or {}).get("httpGet") or {}
        if get.get("path") != route or get.get("port") not in ("http", port):
            fail(where, f"{probe} should be an HTTP GET of {route} on the http port")
    mounts = {m["mountPath"]: m for m in server.get("volumeMounts", [])}
    if "/mnt/models" not in mounts or mounts["/mnt/models"].get("readOnly") is not True:
        fail(where, "the model volume should be mounted read-only at /mnt/models")
    stop_delay = (((server.get("lifecycle") or {}).get("preStop") or {}).get("sleep") or {}).get("seconds", 0)
    args = [str(a) for a in server.get("args", [])]
    def option(name, default):
        for i, a in enumerate(args):
            if a == name and i + 1 < len(args):
                return float(args[i + 1])
            if a.startswith(name + "="):
                return float(a.partition("=")[2])
        return default
    # fathom's own defaults (Serve.swift): a 5 s drain delay, then 30 s for requests in flight.
    drain, shutdown = option("--drain-delay", 5), option("--shutdown-timeout", 30)
    grace = pod.get("terminationGracePeriodSeconds", 30)
    if grace < stop_delay + drain + shutdown:
        fail(where, f"terminationGracePeriodSeconds ({grace}) should cover the preStop delay ({stop_delay}), "
                    f"--drain-delay ({drain:g}) and --shutdown-timeout ({shutdown:g}): the kubelet kills at its end")
    annotations = template["metadata"].get("annotations", {})
    wanted = {"prometheus.io/scrape": "true", "prometheus.io/port": str(port), "prometheus.io/path": "/metrics"}
    for k, v in wanted.items():
        if annotations.get(k) != v:
            fail(where, f"pod annotation {k} should be {v!r}, found {annotations.get(k)!r}")

    spath, service = by_kind["Service"][0]
    swhere = f"{spath}: Service/{service['metadata']['name']}"
    if not selects(service["spec"].get("selector"), labels):
        fail(swhere, "the selector does not match the Deployment's pods")
    if not any(p.get("targetPort") in ("http", port) for p in service["spec"].get("ports", [])):
        fail(swhere, "no port targets the pods' http port")

    hpath, hpa = by_kind["HorizontalPodAutoscaler"][0]
    hwhere = f"{hpath}: HorizontalPodAutoscaler/{hpa['metadata']['name']}"
    target = hpa["spec"]["scaleTargetRef"]
    if target.get("kind") != "Deployment" or target.get("name") != deployment["metadata"]["name"]:
        fail(hwhere, "scaleTargetRef should name the Deployment")
    if not any(m.get("type") == "Resource" and m["resource"]["name"] == "cpu" for m in hpa["spec"].get("metrics", [])):
        fail(hwhere, "should scale on the cpu resource")
    minimum = hpa["spec"].get("minReplicas", 1)
    if minimum < 2:
        fail(hwhere, "minReplicas should be at least 2, so that a disruption leaves one replica serving")
    if deployment["spec"].get("replicas", 1) != minimum:
        fail(where, f"replicas ({deployment['spec'].get('replicas', 1)}) should equal the HPA's minReplicas ({minimum})")

    ppath, pdb = by_kind["PodDisruptionBudget"][0]
    pwhere = f"{ppath}: PodDisruptionBudget/{pdb['metadata']['name']}"
    if not selects(pdb["spec"].get("selector"), labels):
        fail(pwhere, "the selector does not match the Deployment's pods")
    if pdb["spec"].get("maxUnavailable", 1) >= minimum:
        fail(pwhere, "maxUnavailable should be below the HPA's minReplicas")
    return len(docs)


# --- kustomize layout ----------------------------------------------------------------------------

KUSTOMIZATION_KEYS = {
    "apiVersion", "kind", "resources", "namespace", "namePrefix", "nameSuffix", "labels",
    "commonLabels", "commonAnnotations", "images", "replicas", "patches", "configMapGenerator",
    "secretGenerator", "generatorOptions", "components",
}


def kustomization(directory):
    path = os.path.join(directory, "kustomization.yaml")
    with open(path) as f:
        k = yaml.safe_load(f)
    unknown = set(k) - KUSTOMIZATION_KEYS
    if unknown:
        fail(path, f"fields this check does not know: {sorted(unknown)}")
    return path, k


def kustomize_files(directory, seen_patches=None):
    """The resource files `directory`'s kustomization reaches, following directories."""
    path, k = kustomization(directory)
    out = []
    for entry in k.get("resources", []):
        target = os.path.normpath(os.path.join(directory, entry))
        if os.path.isdir(target):
            out += kustomize_files(target, seen_patches)
        elif os.path.isfile(target):
            out.append(target)
        else:
            fail(path, f"resource {entry} does not exist")
    for patch in k.get("patches", []):
        if "path" in patch:
            target = os.path.normpath(os.path.join(directory, patch["path"]))
            if not os.path.isfile(target):
                fail(path, f"patch {patch['path']} does not exist")
            elif seen_patches is not None:
                seen_patches.add(target)
    return out


def unreached(top):
    reached = set()
    for directory, _, names in os.walk(top):
        if "kustomization.yaml" in names:
            reached.add(os.path.normpath(os.path.join(directory, "kustomization.yaml")))
            patches = set()
            reached.update(kustomize_files(directory, patches))
            reached.update(patches)
    for directory, _, names in os.walk(top):
        for name in names:
            path = os.path.normpath(os.path.join(directory, name))
            if name.endswith((".yaml", ".yml")) and path not in reached:
                fail(path, "no kustomization names it, so nothing validates it")


def main(argv):
    if len(argv) < 3:
        raise SystemExit(__doc__)
    command, args = argv[1], argv[2:]
    if command == "kserve":
        count = check_kserve(args)
        summary = f"{count} KServe resources checked"
    elif command == "policy":
        count = check_policy(args)
        summary = f"fathom's rules checked on {count} resources"
    elif command == "kustomize-files":
        for path in kustomize_files(args[0]):
            print(path)
        summary = None
    elif command == "unreached":
        for top in args:
            unreached(top)
        summary = "every manifest is reached by a kustomization"
    else:
        raise SystemExit(__doc__)
    for line in failures:
        print("FAIL " + line, file=sys.stderr)
    if failures:
        return 1
    if summary:
        print("ok: " + summary, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

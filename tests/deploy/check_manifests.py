"""Checks rendered Kubernetes manifests against the binaries they run.

    check_manifests.py --rendered=FILE [--rendered=FILE ...]
        --binary=NAME=PATH [--binary=NAME=PATH ...] --rules=RULES_FILE
        --work_dir=DIR

For every container of every Deployment and Job in the rendered files:
  - its command is one of the given binaries (by file name);
  - every flag in its args is one the binary lists in --helpfull, or one the
    runtime takes before flag parsing (the Kafka properties), and the binary
    itself accepts the whole argument list (--only_check_args, with the
    container's environment, Secret and ConfigMap values stood in for);
  - for a worker: --http names the port the container declares as "http",
    the prometheus.io/port annotation names it too, the liveness probe asks
    for /healthz and the readiness probe for /readyz on that port, and
    terminationGracePeriodSeconds is longer than --shutdown_timeout_s plus,
    for alert, --webhook_shutdown_grace_ms;
  - a worker started with those args (--http moved to a free port on
    127.0.0.1, the brokers pointed at a closed port, mounted files written
    under DIR) serves /healthz (200) and /readyz (200 or 503), and 404 for
    a path it does not serve; the alert worker takes a new version of its
    rules ConfigMap, swapped in as the kubelet does, without a restart;
and the dedup memory budget in the Prometheus rules matches the dedup
Deployment's --memory_budget_mb. Prints one line per problem and exits 1
if there was any.
"""

import argparse
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import yaml

# Flags the runtime (pipeline/runtime/runner_flags.h) and the tools
# (tools/common/cli.h) take out of argv before absl parses it, so they are
# not in --helpfull. --only_check_args still checks them.
PRE_PARSE_FLAGS = {"kafka", "kafka_from_env", "kafka_from_file", "X"}
WORKERS = {"normalize", "dedup", "classify", "alert"}
DEFAULT_SHUTDOWN_TIMEOUT_S = 30

problems = []


def problem(where, text):
    problems.append(f"{where}: {text}")
    print(f"FAIL {where}: {text}", flush=True)


def helpfull_flags(binary):
    """Returns the flag names `binary --helpfull` lists."""
    out = subprocess.run([binary, "--helpfull"], capture_output=True,
                         text=True, timeout=30)
    names = set(re.findall(r"^\s+--([A-Za-z0-9_]+) \(", out.stdout + out.stderr,
                           re.MULTILINE))
    if not names:
        raise SystemExit(f"{binary} --helpfull listed no flags")
    return names


def flag_names(args):
    """Yields (name, value or None) for each flag in args."""
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            return
        if arg.startswith("-") and len(arg) > 1:
            body = arg.lstrip("-")
            if arg.startswith("-X") and not arg.startswith("--"):
                # -X KEY=VALUE or -XKEY=VALUE (kcat's spelling).
                if arg == "-X":
                    i += 1
                yield "X", None
            else:
                name, _, value = body.partition("=")
                yield name.replace("-", "_"), value if "=" in body else None
        i += 1


def expand(text, env):
    """Expands $(VAR) as the kubelet does."""
    return re.sub(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)",
                  lambda m: env.get(m.group(1), m.group(0)), text)


def container_env(container, where):
    env = {}
    for e in container.get("env", []):
        if "value" in e:
            env[e["name"]] = e["value"]
        elif "valueFrom" in e:
            source = e["valueFrom"]
            if "configMapKeyRef" in source or "secretKeyRef" in source:
                env[e["name"]] = f"stand-in-for-{e['name'].lower()}"
            elif "fieldRef" in source:
                env[e["name"]] = "wirestream-pod-0"
            else:
                problem(where, f"env {e['name']}: unexpected source {source}")
        else:
            problem(where, f"env {e['name']}: no value")
    return env


def flag_value(args, name):
    value = None
    for flag, v in flag_names(args):
        if flag == name:
            value = v
    return value


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_status(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return None


def write_mounts(pod_spec, container, objects, work_dir, ca_file):
    """Writes what each volume mount would hold under work_dir; returns a
    map from mount path to local directory."""
    volumes = {v["name"]: v for v in pod_spec.get("volumes", [])}
    mapping = {}
    for mount in container.get("volumeMounts", []):
        volume = volumes[mount["name"]]
        local = os.path.join(work_dir, container["name"],
                             mount["mountPath"].strip("/").replace("/", "_"))
        os.makedirs(local, exist_ok=True)
        if "configMap" in volume:
            if "subPath" in mount:
                problem(container["name"], f"{mount['mountPath']}: a ConfigMap "
                        "mounted with subPath never sees a new version")
            data = objects[("ConfigMap", volume["configMap"]["name"])]["data"]
            write_config_map(local, data, "..2026_01_01_00_00_00.1")
        elif "secret" in volume:
            for item in volume["secret"].get("items", []):
                if item["key"] == "ca.crt":
                    with open(ca_file) as src, \
                            open(os.path.join(local, item["path"]), "w") as f:
                        f.write(src.read())
        mapping[mount["mountPath"]] = local
    return mapping


def write_config_map(directory, data, version):
    """Lays out a ConfigMap volume as the kubelet does: the files in a
    versioned directory, `..data` a symlink to it, each key a symlink
    through `..data`; a new version is swapped in by renaming a new
    `..data` link over the old one."""
    os.makedirs(os.path.join(directory, version))
    for key, text in data.items():
        with open(os.path.join(directory, version, key), "w") as f:
            f.write(text)
    link = os.path.join(directory, "..data_tmp")
    os.symlink(version, link)
    os.rename(link, os.path.join(directory, "..data"))
    for key in data:
        path = os.path.join(directory, key)
        if not os.path.islink(path):
            os.symlink(os.path.join("..data", key), path)


def metric(base, name, labels=""):
    """Returns the value of the series `name{labels}` on /metrics, or None."""
    try:
        with urllib.request.urlopen(base + "/metrics", timeout=2) as response:
            text = response.read().decode()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(name + "{") and labels in line:
            return float(line.rsplit(" ", 1)[1])
    return None


def check_rules_reload(base, rules_dir, where):
    """Swaps a new version of the alert rules ConfigMap in, as the kubelet
    does, and checks that the running worker takes it (its reload counter;
    wirestream_alert_rules follows only once a story is processed)."""
    rules_file = os.path.join(rules_dir, "rules.yaml")
    with open(rules_file) as f:
        rules = yaml.safe_load(f)
    ok = 'result="ok"'
    if metric(base, "wirestream_alert_rule_reloads_total", ok) != 0:
        problem(where, "rules reloaded before the ConfigMap changed")
        return
    rules["rules"].append({"id": "k8s-reload-check", "name": "Reload check",
                           "query": "reload", "severity": "info"})
    write_config_map(rules_dir, {"rules.yaml": yaml.safe_dump(rules)},
                     "..2026_01_01_00_05_00.2")
    deadline = time.time() + 30
    while metric(base, "wirestream_alert_rule_reloads_total", ok) != 1:
        if time.time() > deadline:
            problem(where, "a new version of the rules ConfigMap was not "
                    "taken within 30 s")
            return
        time.sleep(0.5)
    if metric(base, "wirestream_alert_rule_reloads_total",
              'result="failed"') != 0:
        problem(where, "the new rules were counted as failed too")


def check_served(binary, args, env, mapping, log_path, where):
    """Starts the worker with `args` moved onto this machine and checks the
    paths it serves."""
    port = free_port()
    admin_port = free_port()
    closed = free_port()
    admin_http = flag_value(args, "admin_http")
    local_args = []
    for arg in args:
        for path, local in mapping.items():
            arg = arg.replace(path, local)
        if arg.startswith("--http="):
            arg = f"--http=127.0.0.1:{port}"
        if arg.startswith("--admin_http="):
            arg = f"--admin_http=127.0.0.1:{admin_port}"
        local_args.append(arg)
    # No broker: at-least-once starts without one (exactly-once would wait
    # for the transaction coordinator before serving).
    local_args += [f"--bootstrap=127.0.0.1:{closed}", "--mode=at-least-once"]
    with open(log_path, "w") as log:
        process = subprocess.Popen([binary] + local_args, env={**os.environ,
                                                               **env},
                                   stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 30
        while http_status(base + "/healthz") is None:
            if process.poll() is not None or time.time() > deadline:
                with open(log_path) as log:
                    problem(where, "the worker did not serve its port; log:\n"
                            + log.read()[-2000:])
                return
            time.sleep(0.2)
        got = http_status(base + "/healthz")
        if got != 200:
            problem(where, f"/healthz answered {got}, want 200")
        got = http_status(base + "/readyz")
        if got not in (200, 503):
            problem(where, f"/readyz answered {got}, want 200 or 503")
        got = http_status(base + "/no-such-path")
        if got != 404:
            problem(where, f"/no-such-path answered {got}, want 404")
        rules = [local for path, local in mapping.items()
                 if os.path.exists(os.path.join(local, "rules.yaml"))]
        if os.path.basename(binary) == "alert":
            if len(rules) != 1:
                problem(where, "no rules ConfigMap mounted")
            else:
                check_rules_reload(base, rules[0], where)
            # The admin endpoint, where --admin_http puts it (loopback: no
            # token needed).
            admin = f"http://127.0.0.1:{admin_port if admin_http else port}"
            request = urllib.request.Request(admin + "/admin/reload",
                                             method="POST", data=b"")
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    got = response.status
            except urllib.error.HTTPError as e:
                got = e.code
            except OSError as e:
                got = str(e)
            if got != 200:
                problem(where, f"POST /admin/reload answered {got}, want 200")
    finally:
        process.terminate()
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def check_container(kind, obj, pod_spec, container, binaries, known,
                    objects, work_dir, ca_file, served):
    where = f"{kind} {obj['metadata']['name']} container {container['name']}"
    command = container.get("command", [])
    if not command:
        problem(where, "no command: the image has one entry point a binary")
        return
    name = os.path.basename(command[0])
    if command[0] != f"/usr/local/bin/{name}" or name not in binaries:
        problem(where, f"command {command[0]} is not a binary of the image")
        return
    env = container_env(container, where)
    args = [expand(a, env) for a in command[1:] + container.get("args", [])]
    for flag, _ in flag_names(args):
        if flag not in known[name] and flag not in PRE_PARSE_FLAGS:
            problem(where, f"--{flag} is not a flag of {name}")
    run = subprocess.run([binaries[name], "--only_check_args"] + args,
                         env={**os.environ, **env}, capture_output=True,
                         text=True, timeout=60)
    if run.returncode != 0:
        problem(where, f"{name} refuses its args (exit {run.returncode}): "
                f"{(run.stdout + run.stderr).strip()[-500:]}")
    if name not in WORKERS:
        return

    http = flag_value(args, "http")
    if http is None or ":" not in http:
        problem(where, "no --http=HOST:PORT: probes and metrics need it")
        return
    port = int(http.rsplit(":", 1)[1])
    ports = {p.get("name"): p["containerPort"] for p in
             container.get("ports", [])}
    if ports.get("http") != port:
        problem(where, f"containerPort \"http\" is {ports.get('http')}, "
                f"--http serves {port}")
    annotations = obj["spec"]["template"]["metadata"].get("annotations", {})
    if annotations.get("prometheus.io/port") != str(port):
        problem(where, f"prometheus.io/port is "
                f"{annotations.get('prometheus.io/port')}, --http serves {port}")
    if annotations.get("prometheus.io/path", "/metrics") != "/metrics":
        problem(where, "prometheus.io/path is not /metrics")
    for probe, path in (("livenessProbe", "/healthz"),
                        ("readinessProbe", "/readyz")):
        get = container.get(probe, {}).get("httpGet")
        if get is None:
            problem(where, f"no {probe} httpGet")
            continue
        if get.get("path") != path:
            problem(where, f"{probe} asks for {get.get('path')}, want {path}")
        probe_port = get.get("port")
        if probe_port != port and ports.get(probe_port) != port:
            problem(where, f"{probe} port {probe_port} is not {port}")

    shutdown = flag_value(args, "shutdown_timeout_s")
    needed = int(shutdown) if shutdown else DEFAULT_SHUTDOWN_TIMEOUT_S
    if name == "alert":
        grace_ms = flag_value(args, "webhook_shutdown_grace_ms")
        needed += (int(grace_ms) if grace_ms else 5000) / 1000
    grace = pod_spec.get("terminationGracePeriodSeconds", 30)
    if grace <= needed:
        problem(where, f"terminationGracePeriodSeconds {grace} is not longer "
                f"than the worker's shutdown ({needed} s)")

    if name not in served:
        served.add(name)
        mapping = write_mounts(pod_spec, container, objects, work_dir, ca_file)
        check_served(binaries[name], args, env, mapping,
                     os.path.join(work_dir, f"{name}.log"), where)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rendered", action="append", required=True)
    parser.add_argument("--binary", action="append", required=True)
    parser.add_argument("--rules", required=True)
    parser.add_argument("--work_dir", required=True)
    parser.add_argument("--ca_file", required=True)
    options = parser.parse_args()

    binaries = dict(b.split("=", 1) for b in options.binary)
    known = {name: helpfull_flags(path) for name, path in binaries.items()}

    # The check must be able to fail: a made-up flag is refused.
    for name, path in binaries.items():
        run = subprocess.run([path, "--only_check_args",
                              "--no_such_flag_anywhere=1"],
                             capture_output=True, timeout=30)
        if run.returncode == 0:
            problem(name, "--only_check_args accepted a made-up flag")

    objects = {}
    documents = []
    for path in options.rendered:
        with open(path) as f:
            for doc in yaml.safe_load_all(f):
                if doc:
                    documents.append(doc)
                    objects[(doc["kind"], doc["metadata"]["name"])] = doc

    containers = 0
    stages = set()
    served = set()
    memory_budget_mb = None
    for doc in documents:
        if doc["kind"] not in ("Deployment", "Job"):
            continue
        pod_spec = doc["spec"]["template"]["spec"]
        for container in pod_spec["containers"]:
            containers += 1
            check_container(doc["kind"], doc, pod_spec, container, binaries,
                            known, objects, options.work_dir, options.ca_file,
                            served)
            if doc["kind"] == "Deployment":
                stages.add(os.path.basename(container["command"][0]))
            if container.get("command", [""])[0].endswith("/dedup"):
                budget = flag_value(container.get("args", []),
                                    "memory_budget_mb")
                memory_budget_mb = int(budget) if budget else 512

    if stages != WORKERS:
        problem("manifests", f"Deployments run {sorted(stages)}, want one for "
                f"each of {sorted(WORKERS)}")
    for name in WORKERS:
        for kind in ("PodDisruptionBudget", "ScaledObject"):
            if (kind, f"wirestream-{name}") not in objects:
                problem("manifests", f"no {kind} wirestream-{name}")
        scaled = objects.get(("ScaledObject", f"wirestream-{name}"))
        if scaled:
            trigger = scaled["spec"]["triggers"][0]["metadata"]
            if trigger.get("consumerGroup") != f"wirestream.{name}":
                problem("manifests", f"ScaledObject wirestream-{name} reads "
                        f"group {trigger.get('consumerGroup')}, the worker's "
                        f"is wirestream.{name}")

    with open(options.rules) as f:
        rules = f.read()
    match = re.search(r"wirestream_dedup_state_bytes\) > 0\.9 \* (\d+) \* 1024",
                      rules)
    if match is None:
        problem("rules", "no dedup budget alert found")
    elif memory_budget_mb is not None and int(match.group(1)) != memory_budget_mb:
        problem("rules", f"the dedup budget alert assumes {match.group(1)} MB, "
                f"the Deployment gives --memory_budget_mb={memory_budget_mb}")

    print(f"{containers} containers checked; {len(problems)} problems")
    return 1 if problems or containers == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
